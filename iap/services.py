"""The IAP roadmap workflow and every other change to plans. Views never set a state.

draft → submitted → in review → changes requested → (resubmitted) … → approved; an
approved roadmap is reopened only by the lead expert, with a reason. Each transition is
checked against iap.rules, recorded, and tells the other side in the app and by e-mail
after the transaction commits. Each submission freezes an immutable version.
"""

from __future__ import annotations

import difflib
import logging
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from partners.enums import Role
from partners.models import Partner, User
from partners.selectors import city_team, people_with_roles
from partners.services import notify
from portal.thumbnails import make_thumbnail
from portal.versioning import save_versioned

from .enums import PlanStatus, RoadmapState, SectionKind
from .models import (
    ActionPlan,
    Indicator,
    PlanAction,
    PlanSection,
    Roadmap,
    RoadmapComment,
    RoadmapStep,
    RoadmapTransition,
    RoadmapVersion,
    SectionComment,
    SmallScaleAction,
    SsaFile,
)

STEP_FIELDS = ["title", "description", "owner", "starts_on", "due_on", "status", "is_milestone"]


# A city's plans ---------------------------------------------------------------------------


@transaction.atomic
def city_plans_create(*, partner: Partner) -> None:
    """Give a new city its roadmap and its Integrated Action Plan with every section.

    Runs when a city is created (see IapConfig.ready); a second run changes nothing."""
    Roadmap.objects.get_or_create(partner=partner)
    plan, _created = ActionPlan.objects.get_or_create(partner=partner)
    PlanSection.objects.bulk_create(
        [PlanSection(plan=plan, kind=kind) for kind in SectionKind.values],
        ignore_conflicts=True,
    )


# Roadmaps ---------------------------------------------------------------------------------


def _snapshot(roadmap: Roadmap) -> list[dict]:
    return [
        {
            "id": s.pk,
            **{f: (str(getattr(s, f)) if getattr(s, f) is not None else "") for f in STEP_FIELDS},
        }
        for s in roadmap.steps.order_by("position", "pk")
    ]


def _transition(
    *,
    roadmap: Roadmap,
    user: User,
    permission: str,
    to_state: str,
    comment: str = "",
    comment_required: str = "",
) -> Roadmap:
    """Check the rule on the locked, current row; then change the state and record it.

    `comment_required` is the message for a missing comment where one is needed; it is
    checked only after the permission, so that nobody learns more than "not allowed".
    """
    roadmap = (
        Roadmap.objects.select_for_update().select_related("partner__network").get(pk=roadmap.pk)
    )
    if not user.has_perm(permission, roadmap):
        raise PermissionDenied(_("You may not do this now."))
    if comment_required and not comment.strip():
        raise ValidationError(comment_required)
    from_state = roadmap.state
    roadmap.state = to_state
    roadmap.state_since = timezone.now()
    fields = ["state", "state_since"]
    if to_state == RoadmapState.SUBMITTED and roadmap.submitted_at is None:
        roadmap.submitted_at = roadmap.state_since
        fields.append("submitted_at")
    roadmap.save(update_fields=fields)
    RoadmapTransition.objects.create(
        roadmap=roadmap, from_state=from_state, to_state=to_state, by=user, comment=comment
    )
    return roadmap


def _tell(*, recipients, roadmap: Roadmap, title: str, comment: str = ""):
    notify(
        recipients=recipients,
        title=title,
        body=comment,
        url=roadmap.get_absolute_url(),
        network=roadmap.partner.network,
        email=True,
    )


@transaction.atomic
def roadmap_submit(*, user: User, roadmap: Roadmap, comment: str = "") -> Roadmap:
    roadmap = _transition(
        roadmap=roadmap,
        user=user,
        permission="iap.submit_roadmap",
        to_state=RoadmapState.SUBMITTED,
        comment=comment,
    )
    if not roadmap.steps.exists():
        raise ValidationError(_("Add at least one step before submitting the roadmap."))
    number = (
        roadmap.versions.order_by("-number").values_list("number", flat=True).first() or 0
    ) + 1
    RoadmapVersion.objects.create(
        roadmap=roadmap, number=number, created_by=user, steps=_snapshot(roadmap)
    )
    _tell(
        recipients=people_with_roles(network=roadmap.partner.network, roles=Role.reviewers()),
        roadmap=roadmap,
        title=_("%(city)s submitted its IAP roadmap (version %(n)d)")
        % {"city": roadmap.partner.city, "n": number},
        comment=comment,
    )
    return roadmap


@transaction.atomic
def roadmap_start_review(*, user: User, roadmap: Roadmap) -> Roadmap:
    roadmap = _transition(
        roadmap=roadmap, user=user, permission="iap.start_review", to_state=RoadmapState.IN_REVIEW
    )
    _tell(
        recipients=city_team(partner=roadmap.partner),
        roadmap=roadmap,
        title=_("The review of your IAP roadmap has started"),
    )
    return roadmap


@transaction.atomic
def roadmap_request_changes(*, user: User, roadmap: Roadmap, comment: str) -> Roadmap:
    roadmap = _transition(
        roadmap=roadmap,
        user=user,
        permission="iap.decide_roadmap",
        to_state=RoadmapState.CHANGES_REQUESTED,
        comment=comment,
        comment_required=_("Say what should change."),
    )
    _tell(
        recipients=city_team(partner=roadmap.partner),
        roadmap=roadmap,
        title=_("Changes requested on your IAP roadmap"),
        comment=comment,
    )
    return roadmap


@transaction.atomic
def roadmap_approve(*, user: User, roadmap: Roadmap, comment: str = "") -> Roadmap:
    roadmap = _transition(
        roadmap=roadmap,
        user=user,
        permission="iap.decide_roadmap",
        to_state=RoadmapState.APPROVED,
        comment=comment,
    )
    _tell(
        recipients=[
            *city_team(partner=roadmap.partner),
            *people_with_roles(network=roadmap.partner.network, roles=[Role.COORDINATOR]),
        ],
        roadmap=roadmap,
        title=_("%(city)s's IAP roadmap is approved") % {"city": roadmap.partner.city},
        comment=comment,
    )
    return roadmap


@transaction.atomic
def roadmap_reopen(*, user: User, roadmap: Roadmap, reason: str) -> Roadmap:
    roadmap = _transition(
        roadmap=roadmap,
        user=user,
        permission="iap.reopen_roadmap",
        to_state=RoadmapState.CHANGES_REQUESTED,
        comment=reason,
        comment_required=_("Give the reason for reopening the roadmap."),
    )
    _tell(
        recipients=city_team(partner=roadmap.partner),
        roadmap=roadmap,
        title=_("Your approved IAP roadmap was reopened"),
        comment=reason,
    )
    return roadmap


@transaction.atomic
def roadmap_comment(
    *, user: User, roadmap: Roadmap, body: str, step: RoadmapStep | None = None
) -> RoadmapComment:
    if not user.has_perm("iap.comment_roadmap", roadmap):
        raise PermissionDenied
    if not body.strip():
        raise ValidationError(_("Write a comment."))
    if step is not None and step.roadmap_id != roadmap.pk:
        raise ValidationError(_("This step belongs to another roadmap."))
    comment = RoadmapComment.objects.create(
        roadmap=roadmap, step=step, step_title=step.title if step else "", author=user, body=body
    )
    team = list(city_team(partner=roadmap.partner))
    recipients = (
        people_with_roles(network=roadmap.partner.network, roles=[Role.LEAD_EXPERT])
        if user in team
        else team
    )
    _tell(
        recipients=[r for r in recipients if r != user],
        roadmap=roadmap,
        title=_("New comment on the IAP roadmap of %(city)s") % {"city": roadmap.partner.city},
        comment=body,
    )
    return comment


# Steps: a stale save is refused (portal.versioning), never silently overwritten ----------


def step_save(
    *,
    user: User,
    roadmap: Roadmap,
    data: dict,
    step: RoadmapStep | None = None,
    version: int | None = None,
) -> RoadmapStep:
    """Add a step at the end of the roadmap, or change one saved at `version`."""
    if step is None:
        last = roadmap.steps.order_by("-position").values_list("position", flat=True).first()
        step = RoadmapStep(roadmap=roadmap, position=(last or 0) + 1)
    elif step.roadmap_id != roadmap.pk:
        raise ValidationError(_("This step belongs to another roadmap."))
    return save_versioned(obj=step, user=user, data=data, version=version)


@transaction.atomic
def step_delete(*, user: User, step: RoadmapStep) -> None:
    if not user.has_perm(RoadmapStep.change_permission, step.permission_object()):
        raise PermissionDenied
    step.delete()


# Versions ---------------------------------------------------------------------------------


@dataclass
class StepChange:
    kind: str  # "added", "removed", "changed", "same"
    title: str
    fields: list  # (field, before, after, inline diff of text)


def version_diff(older: RoadmapVersion, newer: RoadmapVersion) -> list[StepChange]:
    """Step by step: what was added, removed or changed between two submissions."""
    before = {s["id"]: s for s in older.steps}
    after = {s["id"]: s for s in newer.steps}
    changes = []
    for step_id, step in after.items():
        old = before.get(step_id)
        if old is None:
            changes.append(StepChange("added", step["title"], []))
            continue
        fields = [
            (
                name,
                old.get(name, ""),
                step.get(name, ""),
                _inline(old.get(name, ""), step.get(name, "")),
            )
            for name in STEP_FIELDS
            if old.get(name, "") != step.get(name, "")
        ]
        changes.append(StepChange("changed" if fields else "same", step["title"], fields))
    for step_id, step in before.items():
        if step_id not in after:
            changes.append(StepChange("removed", step["title"], []))
    return changes


def _inline(old: str, new: str) -> list[tuple[str, str]]:
    """Word-level diff as (op, text) pairs: op is "=", "-" or "+"."""
    a, b = str(old).split(), str(new).split()
    parts = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b).get_opcodes():
        if op == "equal":
            parts.append(("=", " ".join(a[i1:i2])))
        else:
            if i2 > i1:
                parts.append(("-", " ".join(a[i1:i2])))
            if j2 > j1:
                parts.append(("+", " ".join(b[j1:j2])))
    return parts


# The Integrated Action Plan ----------------------------------------------------------------


def section_save(
    *, user: User, section: PlanSection, body: str, version: int | None
) -> PlanSection:
    return save_versioned(obj=section, user=user, data={"body": body}, version=version)


@transaction.atomic
def section_comment(*, user: User, section: PlanSection, body: str) -> SectionComment:
    """A reviewer's comment on one section; the city's team hears of it."""
    partner = section.plan.partner
    if not user.has_perm("iap.comment_plan", partner):
        raise PermissionDenied
    if not body.strip():
        raise ValidationError(_("Write a comment."))
    comment = SectionComment.objects.create(section=section, author=user, body=body)
    notify(
        recipients=city_team(partner=partner),
        title=_("Comment on the IAP section “%(section)s”")
        % {"section": section.get_kind_display()},
        body=body,
        url=section.plan.get_absolute_url(),
        network=partner.network,
        email=True,
    )
    return comment


@transaction.atomic
def plan_status_set(*, user: User, plan: ActionPlan, status: PlanStatus) -> ActionPlan:
    if not user.has_perm("iap.edit_plan", plan.partner):
        raise PermissionDenied
    plan = ActionPlan.objects.select_for_update().get(pk=plan.pk)
    plan.status = PlanStatus(status)
    plan.save(update_fields=["status"])
    return plan


@transaction.atomic
def action_save(
    *,
    user: User,
    plan: ActionPlan,
    data: dict,
    indicators: list[tuple[str, str, str]],
    action: PlanAction | None = None,
    version: int | None = None,
) -> PlanAction:
    """Add an action to the plan, or change one saved at `version`; its indicators are
    (name, baseline, target) rows that replace the former ones."""
    if action is None:
        action = PlanAction(plan=plan)
    elif action.plan_id != plan.pk:
        raise ValidationError(_("This action belongs to another plan."))
    action = save_versioned(obj=action, user=user, data=data, version=version)
    action.indicators.all().delete()
    Indicator.objects.bulk_create(
        Indicator(action=action, name=name, baseline=baseline, target=target)
        for name, baseline, target in indicators
    )  # the action's own save above has bumped the network's pages
    return action


# Small Scale Actions -----------------------------------------------------------------------


def ssa_save(
    *,
    user: User,
    partner: Partner,
    data: dict,
    ssa: SmallScaleAction | None = None,
    version: int | None = None,
) -> SmallScaleAction:
    if ssa is None:
        ssa = SmallScaleAction(partner=partner)
    elif ssa.partner_id != partner.pk:
        raise ValidationError(_("This Small Scale Action belongs to another city."))
    return save_versioned(obj=ssa, user=user, data=data, version=version)


@transaction.atomic
def ssa_file_add(*, user: User, ssa: SmallScaleAction, title: str, file) -> SsaFile:
    """A photo or document of the Small Scale Action; a photo gets its thumbnail for the
    gallery (none if the image cannot be read: the file is kept all the same)."""
    if not user.has_perm(SmallScaleAction.change_permission, ssa.permission_object()):
        raise PermissionDenied
    item = SsaFile(ssa=ssa, title=title, file=file)
    item.full_clean()
    thumbnail = make_thumbnail(file)
    if thumbnail is not None:
        item.thumbnail.save(thumbnail.name, thumbnail, save=False)
    item.save()
    return item


@transaction.atomic
def ssa_file_remove(*, user: User, item: SsaFile) -> None:
    """Remove a photo or document of a Small Scale Action (the city's team or the
    coordinator); the stored file and thumbnail go once the removal is committed."""
    item = (
        SsaFile.objects.select_for_update(of=("self",))
        .select_related("ssa__partner")
        .get(pk=item.pk)
    )
    if not user.has_perm("iap.remove_ssa_file", item.ssa):
        raise PermissionDenied
    stored = [(f.storage, f.name) for f in (item.file, item.thumbnail) if f and f.name]
    item.delete()
    transaction.on_commit(lambda: _delete_stored(stored))


def _delete_stored(stored) -> None:
    for storage, name in stored:
        try:
            storage.delete(name)
        except OSError:
            logging.getLogger(__name__).warning("Could not delete %s", name, exc_info=True)

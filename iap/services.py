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
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from partners.enums import Role
from partners.models import User
from partners.services import notify

from .enums import RoadmapState, SectionKind
from .models import (
    ActionPlan,
    PlanSection,
    Roadmap,
    RoadmapComment,
    RoadmapStep,
    RoadmapTransition,
    RoadmapVersion,
)

log = logging.getLogger(__name__)

STEP_FIELDS = ["title", "description", "owner", "starts_on", "due_on", "status", "is_milestone"]


class ConflictError(Exception):
    """Someone saved the same thing since it was opened: `current` holds what they saved."""

    def __init__(self, current):
        super().__init__("edit conflict")
        self.current = current


# Roadmaps ---------------------------------------------------------------------------------


def roadmap_for(*, partner) -> Roadmap:
    roadmap, _created = Roadmap.objects.get_or_create(partner=partner)
    return roadmap


def _snapshot(roadmap: Roadmap) -> list[dict]:
    return [
        {
            "id": s.pk,
            **{f: (str(getattr(s, f)) if getattr(s, f) is not None else "") for f in STEP_FIELDS},
        }
        for s in roadmap.steps.order_by("position", "pk")
    ]


def _people(network, roles) -> list[User]:
    return list(
        User.objects.filter(memberships__network=network, memberships__role__in=roles).distinct()
    )


def _city_team(partner) -> list[User]:
    return list(
        User.objects.filter(
            memberships__partner=partner, memberships__role__in=Role.city_roles()
        ).distinct()
    )


def _transition(
    *,
    roadmap: Roadmap,
    user,
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
def roadmap_submit(*, roadmap: Roadmap, user, comment: str = "") -> Roadmap:
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
    network = roadmap.partner.network
    _tell(
        recipients=_people(network, [Role.LEAD_EXPERT, Role.LEAD_PARTNER]),
        roadmap=roadmap,
        title=_("%(city)s submitted its IAP roadmap (version %(n)d)")
        % {"city": roadmap.partner.city, "n": number},
        comment=comment,
    )
    return roadmap


@transaction.atomic
def roadmap_start_review(*, roadmap: Roadmap, user) -> Roadmap:
    roadmap = _transition(
        roadmap=roadmap, user=user, permission="iap.start_review", to_state=RoadmapState.IN_REVIEW
    )
    _tell(
        recipients=_city_team(roadmap.partner),
        roadmap=roadmap,
        title=_("The review of your IAP roadmap has started"),
    )
    return roadmap


@transaction.atomic
def roadmap_request_changes(*, roadmap: Roadmap, user, comment: str) -> Roadmap:
    roadmap = _transition(
        roadmap=roadmap,
        user=user,
        permission="iap.decide_roadmap",
        to_state=RoadmapState.CHANGES_REQUESTED,
        comment=comment,
        comment_required=_("Say what should change."),
    )
    _tell(
        recipients=_city_team(roadmap.partner),
        roadmap=roadmap,
        title=_("Changes requested on your IAP roadmap"),
        comment=comment,
    )
    return roadmap


@transaction.atomic
def roadmap_approve(*, roadmap: Roadmap, user, comment: str = "") -> Roadmap:
    roadmap = _transition(
        roadmap=roadmap,
        user=user,
        permission="iap.decide_roadmap",
        to_state=RoadmapState.APPROVED,
        comment=comment,
    )
    _tell(
        recipients=[
            *_city_team(roadmap.partner),
            *_people(roadmap.partner.network, [Role.COORDINATOR]),
        ],
        roadmap=roadmap,
        title=_("%(city)s's IAP roadmap is approved") % {"city": roadmap.partner.city},
        comment=comment,
    )
    return roadmap


@transaction.atomic
def roadmap_reopen(*, roadmap: Roadmap, user, reason: str) -> Roadmap:
    roadmap = _transition(
        roadmap=roadmap,
        user=user,
        permission="iap.reopen_roadmap",
        to_state=RoadmapState.CHANGES_REQUESTED,
        comment=reason,
        comment_required=_("Give the reason for reopening the roadmap."),
    )
    _tell(
        recipients=_city_team(roadmap.partner),
        roadmap=roadmap,
        title=_("Your approved IAP roadmap was reopened"),
        comment=reason,
    )
    return roadmap


@transaction.atomic
def roadmap_comment(
    *, roadmap: Roadmap, user, body: str, step: RoadmapStep | None = None
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
    team = _city_team(roadmap.partner)
    recipients = _people(roadmap.partner.network, [Role.LEAD_EXPERT]) if user in team else team
    _tell(
        recipients=[r for r in recipients if r != user],
        roadmap=roadmap,
        title=_("New comment on the IAP roadmap of %(city)s") % {"city": roadmap.partner.city},
        comment=body,
    )
    return comment


# Editing with a version column: a stale save is refused, never silently overwritten ------


@transaction.atomic
def step_save(
    *,
    roadmap: Roadmap,
    user,
    data: dict,
    step: RoadmapStep | None = None,
    version: int | None = None,
):
    if not user.has_perm("iap.edit_roadmap", roadmap):
        raise PermissionDenied(_("This roadmap cannot be edited now."))
    if step is None:
        position = (
            roadmap.steps.order_by("-position").values_list("position", flat=True).first() or 0
        ) + 1
        new = RoadmapStep(roadmap=roadmap, position=position, **data)
        new.full_clean()
        new.save()
        return new
    return _save_versioned(step, data, version)


def _save_versioned(obj, data: dict, version: int | None):
    """UPDATE … WHERE version = the one the form was loaded with; else ConflictError."""
    model = type(obj)
    for name, value in data.items():
        setattr(obj, name, value)
    obj.full_clean(exclude=["version"])
    simple = {k: v for k, v in data.items() if not model._meta.get_field(k).many_to_many}
    updated = model.objects.filter(pk=obj.pk, version=version).update(
        **simple, version=F("version") + 1
    )
    if not updated:
        raise ConflictError(model.objects.get(pk=obj.pk))
    obj.refresh_from_db()
    return obj


def step_delete(*, roadmap: Roadmap, user, step: RoadmapStep) -> None:
    if not user.has_perm("iap.edit_roadmap", roadmap):
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


def plan_for(*, partner) -> ActionPlan:
    plan, created = ActionPlan.objects.get_or_create(partner=partner)
    if created or plan.sections.count() < len(SectionKind):
        for kind in SectionKind.values:
            PlanSection.objects.get_or_create(plan=plan, kind=kind)
    return plan


@transaction.atomic
def section_save(*, section: PlanSection, user, body: str, version: int | None) -> PlanSection:
    if not user.has_perm("iap.edit_plan", section.plan.partner):
        raise PermissionDenied
    return _save_versioned(section, {"body": body}, version)


@transaction.atomic
def versioned_save(*, obj, user, data: dict, version: int | None, partner):
    """Actions and Small Scale Actions: same rule, a stale save is refused."""
    if not user.has_perm("iap.edit_plan", partner):
        raise PermissionDenied
    return _save_versioned(obj, data, version)


# Deadline reminders ------------------------------------------------------------------------


def send_deadline_reminders(*, today=None) -> dict:
    """14 and 3 days before the roadmap deadline, remind each city that has not submitted;
    after it, tell the coordinators who is late. Each message once (a unique row)."""
    from django.db import IntegrityError

    from .enums import DeadlineReminderKind
    from .models import DeadlineReminder, IapSettings

    today = today or timezone.localdate()
    counts = {"reminded": 0, "late_reports": 0}
    for settings in IapSettings.objects.exclude(roadmap_deadline=None).select_related("network"):
        network, deadline = settings.network, settings.roadmap_deadline
        days_left = (deadline - today).days
        pending = [
            p
            for p in network.partners.select_related("roadmap").order_by("city")
            if getattr(p, "roadmap", None) is None or p.roadmap.submitted_at is None
        ]
        if days_left >= 0:
            due = [
                kind
                for kind, days in (
                    (DeadlineReminderKind.DAYS_14, 14),
                    (DeadlineReminderKind.DAYS_3, 3),
                )
                if days_left <= days
            ]
            if not due:
                continue
            for partner in pending:
                created = []
                for kind in due:
                    try:
                        with transaction.atomic():
                            DeadlineReminder.objects.create(
                                network=network, partner=partner, kind=kind, deadline=deadline
                            )
                        created.append(kind)
                    except IntegrityError:
                        pass
                if created:  # one message, however many thresholds were crossed since the last run
                    notify(
                        recipients=_city_team(partner),
                        network=network,
                        email=True,
                        url=services_roadmap_url(partner),
                        title=_("Your IAP roadmap is due in %(days)d days (%(date)s)")
                        % {"days": days_left, "date": deadline.isoformat()},
                    )
                    counts["reminded"] += 1
        elif pending:
            try:
                with transaction.atomic():
                    DeadlineReminder.objects.create(
                        network=network,
                        partner=None,
                        kind=DeadlineReminderKind.LATE,
                        deadline=deadline,
                    )
            except IntegrityError:
                continue
            names = ", ".join(p.city for p in pending)
            notify(
                recipients=_people(network, [Role.COORDINATOR]),
                network=network,
                email=True,
                url="",
                title=_("IAP roadmaps late since %(date)s: %(cities)s")
                % {"date": deadline.isoformat(), "cities": names},
            )
            counts["late_reports"] += 1
    return counts


def services_roadmap_url(partner) -> str:
    from django.urls import reverse

    return reverse("iap:roadmap", args=[partner.network.slug, partner.slug])

"""Every change to a city's plans except their review, which is the review engine's
(reviews.services: submit, withdraw, request changes, approve, reopen, threads)."""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from partners.models import Partner, User
from portal.thumbnails import make_thumbnail
from portal.versioning import save_versioned

from .enums import SectionKind
from .models import (
    ActionPlan,
    Indicator,
    PlanAction,
    PlanSection,
    Roadmap,
    RoadmapStep,
    SmallScaleAction,
    SsaFile,
    SsaIndicator,
)

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


# The Integrated Action Plan ----------------------------------------------------------------


def section_save(
    *, user: User, section: PlanSection, body: str, version: int | None
) -> PlanSection:
    return save_versioned(obj=section, user=user, data={"body": body}, version=version)


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


@transaction.atomic
def ssa_save(
    *,
    user: User,
    partner: Partner,
    data: dict,
    ssa: SmallScaleAction | None = None,
    version: int | None = None,
    indicators: list[tuple[str, str, str]] | None = None,
) -> SmallScaleAction:
    """Add a Small Scale Action, or change one saved at `version`; its indicators, when
    given, are (name, target, result) rows that replace the former ones."""
    if ssa is None:
        ssa = SmallScaleAction(partner=partner)
    elif ssa.partner_id != partner.pk:
        raise ValidationError(_("This Small Scale Action belongs to another city."))
    ssa = save_versioned(obj=ssa, user=user, data=data, version=version)
    if indicators is not None:
        ssa.indicators.all().delete()
        SsaIndicator.objects.bulk_create(
            SsaIndicator(ssa=ssa, name=name, target=target, result=result)
            for name, target, result in indicators
        )  # the SSA's own save above has bumped the network's pages
    return ssa


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

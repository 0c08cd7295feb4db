"""Reads of roadmaps, plans and Small Scale Actions, always limited to what a person sees."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from partners.models import Partner
from partners.roles import city_ids_in
from partners.rules import sees_every_city
from partners.selectors import roadmap_deadline

from .enums import RoadmapState, SectionKind
from .models import (
    ActionPlan,
    PlanSection,
    Roadmap,
    RoadmapComment,
    RoadmapTransition,
    SectionComment,
    SmallScaleAction,
)


def cities_whose_plans_are_visible_to(*, user, network) -> QuerySet[Partner]:
    """The cities whose roadmap, plan and Small Scale Actions the person may see.

    The one rule for all three: a city's own team, the people who run the network and
    the programme officer. Views fetch cities through it, so another city is a 404, and
    the `iap.view_roadmap` and `iap.view_plan` rules ask it too."""
    cities = Partner.objects.filter(network=network).select_related("network")
    if sees_every_city(user, network):
        return cities
    return cities.filter(pk__in=city_ids_in(user, network.pk))


def roadmap_of(*, partner: Partner) -> QuerySet[Roadmap]:
    """The city's roadmap with its steps, feedback, history and versions."""
    return (
        Roadmap.objects.filter(partner=partner)
        .select_related("partner__network")
        .prefetch_related(
            "steps",
            Prefetch("comments", queryset=RoadmapComment.objects.select_related("author", "step")),
            Prefetch("transitions", queryset=RoadmapTransition.objects.select_related("by")),
            "versions",
        )
    )


def plan_of(*, partner: Partner) -> QuerySet[ActionPlan]:
    return ActionPlan.objects.filter(partner=partner).select_related("partner__network")


def sections_of(*, plan: ActionPlan) -> list[PlanSection]:
    """The plan's sections in the order of the IAP, each with its comments."""
    order = {kind: n for n, kind in enumerate(SectionKind.values)}
    sections = plan.sections.prefetch_related(
        Prefetch("comments", queryset=SectionComment.objects.select_related("author"))
    )
    return sorted(sections, key=lambda s: order[s.kind])


def actions_of(*, plan: ActionPlan):
    return plan.actions.prefetch_related("indicators", "stakeholders")


def ssas_of(*, partner: Partner) -> QuerySet[SmallScaleAction]:
    return (
        SmallScaleAction.objects.filter(partner=partner)
        .select_related("action", "partner__network")
        .prefetch_related("stakeholders")
    )


@dataclass
class QueueRow:
    partner: Partner
    state: str
    state_label: str
    waiting: dt.timedelta | None
    is_late: bool
    url: str


def review_queue(*, network) -> tuple[list[QueueRow], dt.date | None]:
    """Every city's roadmap: its state, how long it has waited for the reviewer, who is late."""
    deadline = roadmap_deadline(network=network)
    now = timezone.now()
    past_deadline = bool(deadline and timezone.localdate() > deadline)
    rows = []
    for roadmap in Roadmap.objects.filter(partner__network=network).select_related(
        "partner__network"
    ):
        waiting = (
            now - roadmap.state_since
            if roadmap.state in (RoadmapState.SUBMITTED, RoadmapState.IN_REVIEW)
            else None
        )
        late = past_deadline and roadmap.submitted_at is None
        rows.append(
            QueueRow(
                roadmap.partner,
                roadmap.state,
                roadmap.get_state_display(),
                waiting,
                late,
                roadmap.get_absolute_url(),
            )
        )
    order = {
        RoadmapState.SUBMITTED: 0,
        RoadmapState.IN_REVIEW: 1,
        RoadmapState.CHANGES_REQUESTED: 2,
        RoadmapState.DRAFT: 3,
        RoadmapState.APPROVED: 4,
    }
    rows.sort(
        key=lambda r: (
            order[r.state],
            -(r.waiting or dt.timedelta()).total_seconds(),
            r.partner.city,
        )
    )
    return rows, deadline


def roadmaps_not_submitted(*, network) -> QuerySet[Roadmap]:
    """The network's roadmaps never submitted, by city: the ones the deadline reminds."""
    return (
        Roadmap.objects.filter(partner__network=network, submitted_at__isnull=True)
        .select_related("partner__network")
        .order_by("partner__city")
    )

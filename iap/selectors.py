"""Reads of roadmaps, plans and Small Scale Actions, always limited to what a person sees."""

import datetime as dt
from dataclasses import dataclass

from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import OuterRef, Prefetch, Q, QuerySet, Value
from django.utils import timezone

from partners.models import Partner
from partners.roles import city_ids_in
from partners.rules import sees_every_city
from partners.selectors import roadmap_deadline, roadmap_deadline_of

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


def roadmap_of_city(*, user, network, slug: str) -> QuerySet[Roadmap]:
    """The roadmap of the city `slug`, if the person sees its plans: with the city, the
    network's roadmap deadline (`deadline`), its steps, feedback, history and versions."""
    cities = cities_whose_plans_are_visible_to(user=user, network=network).filter(slug=slug)
    return (
        Roadmap.objects.filter(partner__in=cities.values("pk"))
        .select_related("partner__network")
        .annotate(deadline=roadmap_deadline_of(OuterRef("partner__network")))
        .prefetch_related(
            "steps",
            Prefetch("comments", queryset=RoadmapComment.objects.select_related("author", "step")),
            Prefetch("transitions", queryset=RoadmapTransition.objects.select_related("by")),
            "versions",
        )
    )


def plan_of_city(*, user, network, slug: str) -> QuerySet[ActionPlan]:
    """The plan of the city `slug`, if the person sees its plans, with the city."""
    cities = cities_whose_plans_are_visible_to(user=user, network=network).filter(slug=slug)
    return ActionPlan.objects.filter(partner__in=cities.values("pk")).select_related(
        "partner__network"
    )


def sections_of(*, plan: ActionPlan) -> list[PlanSection]:
    """The plan's sections in the order of the IAP, each with its comments."""
    order = {kind: n for n, kind in enumerate(SectionKind.values)}
    sections = plan.sections.prefetch_related(
        Prefetch("comments", queryset=SectionComment.objects.select_related("author"))
    )
    return sorted(sections, key=lambda s: order[s.kind])


def actions_of(*, plan: ActionPlan):
    return plan.actions.prefetch_related("indicators", "stakeholders")


def action_table_of(*, plan: ActionPlan):
    """The plan's actions for its page: with their indicators, and the names of the
    stakeholders involved in `stakeholder_names`, read with the actions."""
    return (
        plan.actions.prefetch_related("indicators")
        .annotate(
            stakeholder_names=ArrayAgg(
                "stakeholders__name",
                filter=Q(stakeholders__isnull=False),
                order_by=("stakeholders__name", "stakeholders__pk"),
                default=Value([]),
            )
        )
        .order_by("starts_on", "pk")
    )


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

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils import timezone

from partners.models import Partner

from .enums import RoadmapState
from .models import (
    IapSettings,
    PlanAction,
    Roadmap,
    RoadmapComment,
    RoadmapTransition,
    SmallScaleAction,
)
from .rules import can_view_city_plans


def city_for(*, user, network, slug: str) -> Partner:
    """A city whose plans the person may see; 404 for any other."""
    partner = get_object_or_404(
        Partner.objects.select_related("network"), network=network, slug=slug
    )
    if not can_view_city_plans(user, partner):
        from django.http import Http404

        raise Http404
    return partner


def roadmap_deadline(*, network) -> dt.date | None:
    settings = IapSettings.objects.filter(network=network).first()
    return settings.roadmap_deadline if settings else None


def roadmap_with_details(*, partner) -> Roadmap:
    return (
        Roadmap.objects.select_related("partner__network")
        .prefetch_related(
            "steps",
            Prefetch("comments", queryset=RoadmapComment.objects.select_related("author", "step")),
            Prefetch("transitions", queryset=RoadmapTransition.objects.select_related("by")),
            "versions",
        )
        .get(partner=partner)
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
    rows = []
    for partner in network.partners.select_related("roadmap").order_by("city"):
        roadmap = getattr(partner, "roadmap", None)
        state = roadmap.state if roadmap else RoadmapState.DRAFT
        waiting = (
            now - roadmap.state_since
            if roadmap and state in (RoadmapState.SUBMITTED, RoadmapState.IN_REVIEW)
            else None
        )
        never_submitted = roadmap is None or roadmap.submitted_at is None
        late = bool(deadline and never_submitted and timezone.localdate() > deadline)
        from django.urls import reverse

        rows.append(
            QueueRow(
                partner,
                state,
                RoadmapState(state).label,
                waiting,
                late,
                reverse("iap:roadmap", args=[network.slug, partner.slug]),
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


def actions_of(*, plan):
    return plan.actions.prefetch_related("indicators", "stakeholders")


def ssas_of(*, partner):
    return (
        SmallScaleAction.objects.filter(partner=partner)
        .select_related("action")
        .prefetch_related("stakeholders")
    )


def plan_actions_for(*, partner):
    return PlanAction.objects.filter(plan__partner=partner)

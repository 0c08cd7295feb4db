"""Reads of roadmaps, plans and Small Scale Actions, always limited to what a person sees."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.postgres.aggregates import ArrayAgg
from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Greatest
from django.urls import reverse
from django.utils import timezone

from partners.enums import Role
from partners.models import Partner
from partners.roles import city_ids_in, holds
from partners.selectors import roadmap_deadline, roadmap_deadline_of
from reviews.models import Message

from .enums import RoadmapState, SectionKind, SsaStatus, StepStatus
from .models import (
    ActionPlan,
    PlanAction,
    PlanSection,
    Roadmap,
    RoadmapStep,
    RoadmapTransition,
    RoadmapVersion,
    SmallScaleAction,
)


def plans_visible_in(*, user, network_id) -> set[int] | None:
    """The ids of the cities of the network whose roadmap, plan and Small Scale Actions the
    person may see, or None for every city.

    The one rule for all three: a city's own team, the people who run the network and
    the programme officer. Read from the person's memberships: no query of its own."""
    if holds(user, network_id, Role.sees_every_city()):
        return None
    return city_ids_in(user, network_id)


def cities_whose_plans_are_visible_to(*, user, network) -> QuerySet[Partner]:
    """The cities of `plans_visible_in`. Views and overviews fetch cities through it, so
    another city is a 404 or not a row; the `iap.view_roadmap` and `iap.view_plan` rules
    ask `plans_visible_in` of one city."""
    cities = Partner.objects.filter(network=network).select_related("network")
    visible = plans_visible_in(user=user, network_id=network.pk)
    if visible is None:
        return cities
    return cities.filter(pk__in=visible)


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
    """The plan's sections in the order of the IAP."""
    order = {kind: n for n, kind in enumerate(SectionKind.values)}
    return sorted(plan.sections.all(), key=lambda s: order[s.kind])


def threads_of(*, user, document) -> list:
    """The comment threads of a roadmap or a plan that the person reads, with their
    messages, each with `part` ("step-12", "section-funding", "action-3" or "") naming
    what it is about, so that a page shows it right where that part is."""
    from reviews.selectors import threads_visible

    names = {RoadmapStep: "step", PlanSection: "section", PlanAction: "action"}
    threads = list(threads_visible(user=user, document=document).select_related("anchor_type"))
    section_kinds = None
    for thread in threads:
        model = thread.anchor_type.model_class() if thread.anchor_type_id else None
        kind = names.get(model, "")
        key = thread.anchor_id
        if model is PlanSection:
            if section_kinds is None:
                section_kinds = dict(document.sections.values_list("pk", "kind"))
            key = section_kinds.get(thread.anchor_id, key)
        thread.part = f"{kind}-{key}" if kind else ""
    return threads


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


def overdue_days(due_on: dt.date | None, today: dt.date) -> int:
    """How many days `due_on` is behind `today`: 0 when it is not, or when there is no
    date. Something due today is not late yet; the day after, it is 1 day overdue."""
    if due_on is None or due_on >= today:
        return 0
    return (today - due_on).days


def overdue_days_of(obj, *, today: dt.date) -> int:
    """`overdue_days` of what a city owes, 0 once it is done: a roadmap step not done by its
    due date, a Small Scale Action not evaluated by its end date, or a roadmap (read with
    its network's `deadline`, as `roadmap_of_city` reads it) never submitted by then."""
    if isinstance(obj, RoadmapStep):
        done, due_on = obj.status == StepStatus.DONE, obj.due_on
    elif isinstance(obj, SmallScaleAction):
        done, due_on = obj.status == SsaStatus.EVALUATED, obj.ends_on
    elif isinstance(obj, Roadmap):
        done, due_on = obj.submitted_at is not None, getattr(obj, "deadline", None)
    else:
        raise TypeError(f"nothing is due of {type(obj).__name__}")
    return 0 if done else overdue_days(due_on, today)


@dataclass
class QueueRow:
    partner: Partner
    state: str
    state_label: str
    waiting: dt.timedelta | None
    is_late: bool
    url: str
    plan_url: str
    ssa_url: str


#: The review queue's order: what waits for the reviewer first.
QUEUE_ORDER = {
    RoadmapState.SUBMITTED: 0,
    RoadmapState.IN_REVIEW: 1,
    RoadmapState.CHANGES_REQUESTED: 2,
    RoadmapState.DRAFT: 3,
    RoadmapState.APPROVED: 4,
}


def review_queue(*, user, network, by_city: bool = False) -> tuple[list[QueueRow], dt.date | None]:
    """The roadmap of every city whose plans the person sees: its state, how long it has
    waited for the reviewer, who is late, and where its roadmap, plan and Small Scale
    Actions are. Those waiting for a review come first, or the cities by name (`by_city`)."""
    deadline = roadmap_deadline(network=network)
    now = timezone.now()
    past_deadline = bool(deadline and timezone.localdate() > deadline)
    cities = cities_whose_plans_are_visible_to(user=user, network=network)
    rows = []
    for roadmap in Roadmap.objects.filter(partner__in=cities.values("pk")).select_related(
        "partner__network"
    ):
        waiting = (
            now - roadmap.state_since
            if roadmap.state in (RoadmapState.SUBMITTED, RoadmapState.IN_REVIEW)
            else None
        )
        late = past_deadline and roadmap.submitted_at is None
        args = [network.slug, roadmap.partner.slug]
        rows.append(
            QueueRow(
                roadmap.partner,
                roadmap.state,
                roadmap.get_state_display(),
                waiting,
                late,
                roadmap.get_absolute_url(),
                reverse("iap:plan", args=args),
                reverse("iap:ssa_list", args=args),
            )
        )
    if by_city:
        rows.sort(key=lambda r: (r.partner.city, r.partner.pk))
    else:
        rows.sort(
            key=lambda r: (
                QUEUE_ORDER[r.state],
                -(r.waiting or dt.timedelta()).total_seconds(),
                r.partner.city,
            )
        )
    return rows, deadline


# Overviews across cities ------------------------------------------------------------------
# Each takes the filters a person chose (already checked against the choices offered) and
# reads through `cities_whose_plans_are_visible_to`, so that the page and its exports show
# the same rows, and never a city the person may not see.


def _cities_shown(*, user, network, city: str) -> QuerySet[Partner]:
    cities = cities_whose_plans_are_visible_to(user=user, network=network)
    if city:
        cities = cities.filter(slug=city)
    return cities.values("pk")


def roadmaps_overview(*, user, network, city: str = "", state: str = "") -> QuerySet[Roadmap]:
    """Every roadmap shown, by city, with `steps_done` and `steps_total`, the next open step
    with a due date (`next_step_title`, `next_step_due`), when it was last submitted
    (`last_submitted_at`) and its last change (`last_change`: a new state or a comment)."""
    open_steps = (
        RoadmapStep.objects.filter(roadmap=OuterRef("pk"), due_on__isnull=False)
        .exclude(status=StepStatus.DONE)
        .order_by("due_on", "position", "pk")
    )
    last_version = RoadmapVersion.objects.filter(roadmap=OuterRef("pk")).order_by("-number")
    last_comment = Message.objects.filter(
        thread__roadmap=OuterRef("pk")
    ).order_by("-written_at")
    roadmaps = Roadmap.objects.filter(
        partner__in=_cities_shown(user=user, network=network, city=city)
    )
    if state:
        roadmaps = roadmaps.filter(state=state)
    return (
        roadmaps.select_related("partner__network")
        .annotate(
            steps_total=Count("steps"),
            steps_done=Count("steps", filter=Q(steps__status=StepStatus.DONE)),
            next_step_title=Subquery(open_steps.values("title")[:1]),
            next_step_due=Subquery(open_steps.values("due_on")[:1]),
            last_submitted_at=Subquery(last_version.values("created_at")[:1]),
            last_change=Greatest("state_since", Subquery(last_comment.values("written_at")[:1])),
        )
        .order_by("partner__city", "pk")
    )


def actions_overview(*, user, network, city: str = "", status: str = "") -> QuerySet[PlanAction]:
    """Every IAP action shown, by city and start; `status` is the status of the plan."""
    actions = PlanAction.objects.filter(
        plan__partner__in=_cities_shown(user=user, network=network, city=city)
    )
    if status:
        actions = actions.filter(plan__state=status)
    return actions.select_related("plan__partner__network").order_by(
        "plan__partner__city", "starts_on", "pk"
    )


@dataclass
class CityBudget:
    city: str
    slug: str
    actions: int
    budget: Decimal


@dataclass
class Budgets:
    cities: list[CityBudget]
    actions: int
    budget: Decimal


def budgets_of(*, actions: QuerySet[PlanAction]) -> Budgets:
    """The estimated budget of `actions` per city and in all, read in one query (an action
    without a budget counts as nothing)."""
    rows = (
        actions.order_by()
        .values("plan__partner__city", "plan__partner__slug", "plan__partner_id")
        .annotate(count=Count("pk"), total=Coalesce(Sum("budget"), Decimal(0)))
        .order_by("plan__partner__city", "plan__partner_id")
    )
    cities = [
        CityBudget(r["plan__partner__city"], r["plan__partner__slug"], r["count"], r["total"])
        for r in rows
    ]
    return Budgets(
        cities,
        sum(c.actions for c in cities),
        sum((c.budget for c in cities), Decimal(0)),
    )


def ssas_overview(*, user, network, city: str = "", status: str = "") -> QuerySet[SmallScaleAction]:
    """Every Small Scale Action shown, by city and start, with the IAP action it tests."""
    ssas = SmallScaleAction.objects.filter(
        partner__in=_cities_shown(user=user, network=network, city=city)
    )
    if status:
        ssas = ssas.filter(status=status)
    return ssas.select_related("partner__network", "action").order_by(
        "partner__city", "starts_on", "pk"
    )


def roadmaps_not_submitted(*, network) -> QuerySet[Roadmap]:
    """The network's roadmaps never submitted, by city: the ones the deadline reminds."""
    return (
        Roadmap.objects.filter(partner__network=network, submitted_at__isnull=True)
        .select_related("partner__network")
        .order_by("partner__city")
    )

"""Reads of roadmaps, plans and Small Scale Actions, always limited to what a person sees."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.postgres.aggregates import ArrayAgg
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce, Greatest, JSONObject
from django.urls import reverse
from django.utils import timezone

from partners.enums import Role
from partners.models import Partner, User
from partners.roles import city_ids_in, holds
from partners.selectors import roadmap_deadline, roadmap_deadline_of
from reviews.enums import ThreadState
from reviews.models import Message

from .enums import RoadmapState, SectionKind, SsaStatus, StepStatus
from .models import (
    ActionPlan,
    Indicator,
    PlanAction,
    PlanSection,
    PlanTransition,
    Roadmap,
    RoadmapStep,
    RoadmapTransition,
    RoadmapVersion,
    SmallScaleAction,
    SsaLesson,
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


def _documents_readable(model, *, user, network, slug: str) -> QuerySet:
    """The roadmap or plan (`model`) of the city `slug` if the person sees the city's plans
    (`plans_visible_in`), or if it was sent to a city of theirs paired with it for comments
    (`peer_review_until` set: during the peer review and after it, so that the paired city
    reads the answers to its comments). The same rule as `iap.view_roadmap` and
    `iap.view_plan`; the city's Small Scale Actions and its other document stay hidden."""
    documents = model.objects.filter(partner__network=network, partner__slug=slug)
    visible = plans_visible_in(user=user, network_id=network.pk)
    if visible is None:
        return documents
    readable = Q(partner__in=visible)
    if visible:
        paired = Partner.objects.filter(network=network, groups__cities__in=visible)
        readable |= Q(peer_review_until__isnull=False, partner__in=paired.values("pk"))
    return documents.filter(readable)


def roadmap_of_city(*, user, network, slug: str) -> QuerySet[Roadmap]:
    """The roadmap of the city `slug`, if the person sees its plans or it was sent to
    the person's city for comments: with the city, the network's roadmap deadline
    (`deadline`), its steps, feedback, history and versions."""
    return (
        _documents_readable(Roadmap, user=user, network=network, slug=slug)
        .select_related("partner__network")
        .annotate(deadline=roadmap_deadline_of(OuterRef("partner__network")))
        .prefetch_related(
            "steps",
            Prefetch("transitions", queryset=RoadmapTransition.objects.select_related("by")),
            Prefetch("versions", queryset=RoadmapVersion.objects.select_related("created_by")),
        )
    )


def plan_of_city(*, user, network, slug: str) -> QuerySet[ActionPlan]:
    """The plan of the city `slug`, if the person sees its plans or it was sent to the
    person's city for comments, with the city."""
    return _documents_readable(ActionPlan, user=user, network=network, slug=slug).select_related(
        "partner__network"
    )


def with_history(documents: QuerySet) -> QuerySet:
    """Roadmaps or plans with their history and their versions read with them, for the
    document's page (`history_of` and `versions_of` give them as objects): two lists that
    would cost a query each."""

    def rows(relation, order, **fields):
        rel = documents.model._meta.get_field(relation)
        found = rel.related_model.objects.filter(**{rel.field.name: OuterRef("pk")})
        return ArraySubquery(found.order_by(*order).values(json=JSONObject(**fields)))

    return documents.annotate(
        history_rows=rows(
            "transitions", ["at", "pk"], from_state="from_state", to_state="to_state", at="at",
            comment="comment", by_id="by_id", by_name="by__full_name", by_email="by__email",
        ),
        version_rows=rows(
            "versions", ["number"], number="number", created_at="created_at",
            withdrawn_at="withdrawn_at",
        ),
    )  # fmt: skip


def _moment(value: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def history_of(document) -> list:
    """The document's history as read by `with_history`, oldest first, each change with
    the person who made it (`by`: None when the portal did, or the person is gone)."""
    model = type(document)._meta.get_field("transitions").related_model
    return [
        model(
            from_state=row["from_state"],
            to_state=row["to_state"],
            at=_moment(row["at"]),
            comment=row["comment"],
            by=User(pk=row["by_id"], full_name=row["by_name"] or "", email=row["by_email"] or "")
            if row["by_id"]
            else None,
        )
        for row in document.history_rows
    ]


def versions_of(document) -> list:
    """The document's submitted versions as read by `with_history` (their number and
    dates, not their content), the first first."""
    model = type(document)._meta.get_field("versions").related_model
    return [
        model(
            number=row["number"],
            created_at=_moment(row["created_at"]),
            withdrawn_at=_moment(row["withdrawn_at"]),
        )
        for row in document.version_rows
    ]


def sections_of(*, plan: ActionPlan) -> list[PlanSection]:
    """The plan's sections in the order of the IAP."""
    order = {kind: n for n, kind in enumerate(SectionKind.values)}
    return sorted(plan.sections.all(), key=lambda s: order[s.kind])


def threads_of(*, user, document, sections=None) -> list:
    """The comment threads of a roadmap or a plan that the person reads, with their
    messages, each with `part` ("step-12", "section-funding", "action-3" or "") naming
    what it is about, so that a page shows it right where that part is. A page that has
    read the plan's `sections` gives them, so that they are not read again."""
    from reviews.selectors import threads_visible

    names = {RoadmapStep: "step", PlanSection: "section", PlanAction: "action"}
    threads = _with_messages(threads_visible(user=user, document=document))
    section_kinds = None if sections is None else {s.pk: s.kind for s in sections}
    for thread in threads:
        thread.partner = document.partner  # the rules of each thread ask its city: read once
        model = thread.anchor_type.model_class() if thread.anchor_type_id else None
        kind = names.get(model, "")
        key = thread.anchor_id
        if model is PlanSection:
            if section_kinds is None:
                section_kinds = dict(document.sections.values_list("pk", "kind"))
            key = section_kinds.get(thread.anchor_id, key)
        thread.part = f"{kind}-{key}" if kind else ""
    return threads


def _with_messages(threads: QuerySet) -> list:
    """`threads` with their messages (`thread.messages.all()`), read in one query: the
    messages with their threads, since a thread is opened with its first message."""
    rows = (
        Message.objects.filter(thread__in=threads.values("pk"))
        .select_related(
            "author", "thread__opened_by", "thread__resolved_by", "thread__peer",
            "thread__anchor_type",
        )
        .order_by("thread__opened_at", "thread_id", "written_at", "pk")
    )  # fmt: skip
    found: dict[int, tuple] = {}
    for message in rows:
        thread, messages = found.setdefault(message.thread_id, (message.thread, []))
        message.thread = thread
        messages.append(message)
    for thread, messages in found.values():
        cached = Message.objects.none()
        cached._result_cache, cached._prefetch_done = messages, True
        thread._prefetched_objects_cache = {"messages": cached}
    return [thread for thread, _messages in found.values()]


def open_threads_on_parts(threads) -> list:
    """Of `threads_of`, those about a part (not the whole document) nobody answered yet."""
    return [thread for thread in threads if thread.part and thread.state == ThreadState.OPEN]


def threads_by_part(threads) -> dict[str, list]:
    """`threads_of`, by the part each is about ("" for the whole document)."""
    found = {}
    for thread in threads:
        found.setdefault(thread.part, []).append(thread)
    return found


def actions_of(*, plan: ActionPlan):
    return plan.actions.prefetch_related("indicators", "stakeholders")


def action_table_of(*, plan: ActionPlan):
    """The plan's actions for its page: with their indicators (`indicator_rows`: name,
    baseline, target), the names of the stakeholders involved in `stakeholder_names`, and
    the Small Scale Action whose lesson an action came from (`lesson_ssa_id`,
    `lesson_ssa_title`), all read with the actions in one query."""
    lesson = SsaLesson.objects.filter(action=OuterRef("pk")).order_by("pk")
    indicators = Indicator.objects.filter(action=OuterRef("pk")).order_by("pk")
    return plan.actions.annotate(
        indicator_rows=ArraySubquery(
            indicators.values(json=JSONObject(name="name", baseline="baseline", target="target"))
        ),
        stakeholder_names=ArrayAgg(
            "stakeholders__name",
            filter=Q(stakeholders__isnull=False),
            order_by=("stakeholders__name", "stakeholders__pk"),
            default=Value([]),
        ),
        lesson_ssa_id=Subquery(lesson.values("ssa_id")[:1]),
        lesson_ssa_title=Subquery(lesson.values("ssa__title")[:1]),
    ).order_by("starts_on", "pk")


def ssas_of(*, partner: Partner) -> QuerySet[SmallScaleAction]:
    return (
        SmallScaleAction.objects.filter(partner=partner)
        .select_related("action", "partner__network")
        .prefetch_related("stakeholders")
    )


def ssa_page_of(*, partner: Partner) -> QuerySet[SmallScaleAction]:
    """The city's Small Scale Actions as their page shows one: with the city's plan (may a
    lesson become an action of it?), indicators, files, and lessons with the IAP action
    each became."""
    return (
        ssas_of(partner=partner)
        .select_related("partner__action_plan")
        .prefetch_related(
            "indicators",
            "files",
            Prefetch("lesson_items", queryset=SsaLesson.objects.select_related("action")),
        )
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
class QueueItem:
    """A city's roadmap or plan in the review queue."""

    state: str
    state_label: str
    #: Whole days since it reached the reviewers, while it waits for them; else None.
    waiting_days: int | None
    #: Comments of the reviewers or paired cities the city has not answered yet.
    open_threads: int
    url: str

    @property
    def order(self) -> int:
        return QUEUE_ORDER[self.state]


@dataclass
class QueueRow:
    partner: Partner
    roadmap: QueueItem
    plan: QueueItem | None
    is_late: bool
    ssa_url: str

    @property
    def items(self) -> list[QueueItem]:
        return [item for item in (self.roadmap, self.plan) if item is not None]


#: The review queue's order: what waits for the reviewer first.
QUEUE_ORDER = {
    RoadmapState.SUBMITTED: 0,
    RoadmapState.IN_REVIEW: 1,
    RoadmapState.PEER_REVIEW: 2,
    RoadmapState.CHANGES_REQUESTED: 3,
    RoadmapState.DRAFT: 4,
    RoadmapState.APPROVED: 5,
}


def _queue_items(documents, transitions, *, now) -> dict[int, tuple[object, QueueItem]]:
    """Each document of `documents` and its queue item, by city: its open threads and the
    time it last reached the reviewers read with it (one query)."""
    from reviews.selectors import open_thread_counts

    reached = (
        transitions.filter(to_state=RoadmapState.SUBMITTED).order_by("-at", "-pk").values("at")
    )
    found = {}
    documents = open_thread_counts(documents).annotate(reached_reviewers=Subquery(reached[:1]))
    for document in documents:
        waiting = None
        if document.state in RoadmapState.awaiting_review():
            waiting = (now - (document.reached_reviewers or document.state_since)).days
        item = QueueItem(
            document.state,
            document.get_state_display(),
            waiting,
            document.open_threads,
            document.get_absolute_url(),
        )
        found[document.partner_id] = (document, item)
    return found


def _queue_order(row: QueueRow):
    """What waits for the reviewer first, the longest waiting first; then the others by
    how far they are from a review."""
    waiting = [item.waiting_days for item in row.items if item.waiting_days is not None]
    if waiting:
        return (0, -max(waiting), row.partner.city, row.partner.pk)
    return (1, min(item.order for item in row.items), row.partner.city, row.partner.pk)


def review_queue(*, user, network, by_city: bool = False) -> tuple[list[QueueRow], dt.date | None]:
    """The roadmap and the plan of every city whose plans the person sees: their states,
    how long they have waited for the reviewer, their open comments, who is late, and
    where the city's Small Scale Actions are. What waits longest for a review comes first,
    or the cities by name (`by_city`). Two queries, however many cities."""
    deadline = roadmap_deadline(network=network)
    now = timezone.now()
    past_deadline = bool(deadline and timezone.localdate() > deadline)
    cities = cities_whose_plans_are_visible_to(user=user, network=network).values("pk")
    roadmaps = Roadmap.objects.filter(partner__in=cities).select_related("partner__network")
    plans = ActionPlan.objects.filter(partner__in=cities).select_related("partner__network")
    roadmap_items = _queue_items(
        roadmaps, RoadmapTransition.objects.filter(roadmap=OuterRef("pk")), now=now
    )
    plan_items = _queue_items(plans, PlanTransition.objects.filter(plan=OuterRef("pk")), now=now)
    rows = [
        QueueRow(
            roadmap.partner,
            item,
            plan_items.get(partner_id, (None, None))[1],
            past_deadline and roadmap.submitted_at is None,
            reverse("iap:ssa_list", args=[network.slug, roadmap.partner.slug]),
        )
        for partner_id, (roadmap, item) in roadmap_items.items()
    ]
    if by_city:
        rows.sort(key=lambda r: (r.partner.city, r.partner.pk))
    else:
        rows.sort(key=_queue_order)
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
    last_comment = Message.objects.filter(thread__roadmap=OuterRef("pk")).order_by("-written_at")
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

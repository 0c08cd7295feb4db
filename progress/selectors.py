"""What the progress pages read, through the same visibility rules as the other pages."""

import datetime as dt
from dataclasses import dataclass

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce, JSONObject
from django.http import Http404
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from iap.enums import RoadmapState
from iap.models import ActionPlan, Roadmap, RoadmapTransition
from iap.selectors import cities_whose_plans_are_visible_to
from meetings.actions import actions_visible_to, days_overdue
from meetings.enums import CallKind, MeetingFormat, MeetingStatus
from meetings.models import AgendaItem, Attendance, Call, FollowUp, Meeting
from meetings.selectors import calls_visible_to, meetings_visible_to, upcoming
from news.enums import ArticleStatus
from news.models import Article
from news.selectors import articles_visible_to
from partners.enums import ObligationKind, ObligationState, Role
from partners.models import Membership, Network, Partner
from partners.roles import city_ids_in, memberships_of
from reviews.enums import ReviewState, Side, ThreadState
from reviews.models import Message, Thread

from .enums import ReminderStage
from .models import ReminderSent
from .states import WAITING_FOR_REVIEW, Matrix, Standing, matrix


def city_for(*, user, network, slug: str) -> Partner:
    """A city of the network whose progress the person may see: every city for those who
    see every city, their own otherwise; 404 for the rest."""
    partner = Partner.objects.filter(network=network, slug=slug).select_related("network").first()
    if partner is None:
        raise Http404
    if not user.has_perm("progress.view_matrix", network) and partner.pk not in city_ids_in(
        user, network.pk
    ):
        raise Http404
    return partner


# Each role's home -------------------------------------------------------------------------
# `home_of` reads everything the home of a person shows, in a number of queries that does
# not grow with the network: the matrix (2), then one query per section, each reading what
# its rows show.

#: How many items of the latest feedback a city's home lists.
FEEDBACK_SHOWN = 5
#: How many follow-ups, reviews, calls, escalations and drafts a home lists at most.
LIST_SHOWN = 10
#: How many of the next meetings the coordinator's home checks.
MEETINGS_TO_PREPARE = 3
#: Escalations older than this are no longer news on the coordinator's home.
ESCALATIONS_SINCE_DAYS = 30


@dataclass(frozen=True)
class NextAction:
    """What a city has to do next, in words, with a link to the record where it is done
    and the standing of the obligation it serves (None for a roadmap sent back)."""

    words: str
    url: str
    standing: Standing | None = None
    #: When it is due, for what serves no obligation (comments asked by a paired city).
    due_on: dt.date | None = None

    @property
    def is_late(self):
        return self.standing is not None and self.standing.is_late


@dataclass(frozen=True)
class Feedback:
    """A comment on the city's roadmap or plan, or the comment of a review decision."""

    about: str
    author: str
    at: dt.datetime
    body: str
    url: str


@dataclass
class CityHome:
    partner: Partner
    actions: list[NextAction]
    feedback: list[Feedback]


@dataclass(frozen=True)
class FollowUpDue:
    follow_up: FollowUp
    days_overdue: int


@dataclass(frozen=True)
class ReviewWaiting:
    partner: Partner
    state_label: str
    submitted_on: dt.date
    days_waited: int
    url: str
    #: The review obligation's standing for the city (None: the network has no such
    #: obligation).
    standing: Standing | None


@dataclass(frozen=True)
class Escalation:
    reminder: ReminderSent
    url: str


@dataclass(frozen=True)
class MeetingToPrepare:
    meeting: Meeting
    missing: list[str]


@dataclass(frozen=True)
class CityLinks:
    partner: Partner
    roadmap_url: str
    plan_url: str
    ssas_url: str


@dataclass
class Home:
    """What a person's home in a network shows. A section is None when none of their roles
    asks for it, an empty list when it has nothing in it today."""

    network: Network
    today: dt.date
    #: (role label, city or None) of each role the person holds in the network.
    roles: list[tuple[str, Partner | None]]
    cities: list[CityHome] | None = None
    follow_ups: list[FollowUpDue] | None = None
    events: list | None = None
    reviews: list[ReviewWaiting] | None = None
    review_obligation: object = None
    cities_late: list[tuple[Partner, list[Standing]]] | None = None
    checkup_calls: list[Call] | None = None
    matrix: Matrix | None = None
    escalations: list[Escalation] | None = None
    past_grace: list[Standing] | None = None
    meetings_to_prepare: list[MeetingToPrepare] | None = None
    drafts: list[Article] | None = None
    city_links: list[CityLinks] | None = None
    escalations_since_days: int = ESCALATIONS_SINCE_DAYS


def home_of(*, user, network, today=None, now=None) -> Home:
    """Everything the person's home in the network shows, from the roles they hold there:
    the sections of each role, each section once."""
    now = now or timezone.now()
    today = today or timezone.localdate(now)
    held = [h for h in memberships_of(user) if h.network_id == network.pk]
    roles = {h.role for h in held}
    home = Home(
        network=network,
        today=today,
        roles=[
            (Role(h.role).label, h.partner if h.role in Role.city_roles() else None) for h in held
        ],
    )
    city_ids = city_ids_in(user, network.pk)
    runs_network = bool(roles & {Role.COORDINATOR, Role.LEAD_PARTNER})
    is_officer = Role.PROGRAMME_OFFICER in roles
    every_city = None
    if runs_network or is_officer or roles & set(Role.reviewers()):
        every_city = matrix(network=network, today=today, viewer=user)
    if city_ids:
        grid = every_city or matrix(
            network=network,
            today=today,
            partners=[Partner(pk=pk) for pk in city_ids],
            viewer=user,
        )
        home.cities = city_homes(network=network, grid=grid, city_ids=city_ids)
        home.follow_ups = follow_ups_of(user=user, network=network, city_ids=city_ids, today=today)
    if city_ids or roles & {Role.AD_HOC_EXPERT, Role.COMMUNICATION}:
        home.events = upcoming(user=user, network=network)
    if roles & set(Role.reviewers()):
        home.review_obligation = next((ob for ob in every_city.obligations if ob.is_review), None)
        home.reviews = reviews_waiting(user=user, network=network, grid=every_city, today=today)
    if Role.LEAD_EXPERT in roles:
        home.cities_late = cities_late(grid=every_city)
        home.checkup_calls = next_checkup_calls(user=user, network=network, now=now)
    if runs_network or is_officer:
        home.matrix = every_city
    if runs_network:
        home.escalations = escalations_sent(network=network, grid=every_city, now=now)
        home.past_grace = late_past_grace(grid=every_city)
        home.meetings_to_prepare = meetings_to_prepare(user=user, network=network, now=now)
    if user.has_perm("news.change_article", network):
        home.drafts = drafts_to_publish(user=user, network=network)
    if is_officer:
        home.city_links = [city_links(partner) for partner in every_city.partners]
    return home


# The city team's sections ------------------------------------------------------------------


def _date(value) -> str:
    return formats.date_format(value, "j M Y")


def next_action(standing: Standing) -> NextAction:
    """What the city does next about an obligation it has not met, in words."""
    obligation, kind = standing.obligation, standing.obligation.kind
    if kind == ObligationKind.ROADMAP:
        words = _("Submit your roadmap")
    elif kind == ObligationKind.SSAS_PLANNED:
        more = max(obligation.target - standing.partner.ssas_planned, 1)
        words = ngettext(
            "Plan %(count)d more Small Scale Action",
            "Plan %(count)d more Small Scale Actions",
            more,
        ) % {"count": more}
    elif kind == ObligationKind.ULG_MEETING and obligation.opens_on:
        words = _("Record a ULG meeting held between %(start)s and %(end)s") % {
            "start": _date(obligation.opens_on),
            "end": _date(obligation.due_on),
        }
    elif kind == ObligationKind.ULG_MEETING:
        words = _("Record a ULG meeting held by %(date)s") % {"date": _date(obligation.due_on)}
    elif kind == ObligationKind.TNM_ATTENDANCE:
        words = _("Register who attends TNM #%(number)d") % {"number": obligation.meeting_number}
    elif kind == ObligationKind.FOLLOW_UPS:
        words = _("Finish the agreed actions and follow-ups (%(done)s)") % {"done": standing.detail}
    else:
        words = _("Deliver your final Integrated Action Plan")
    return NextAction(words=words, url=standing.url, standing=standing)


def changes_requested(*, partner, comments: int, on_plan: bool = False) -> NextAction:
    """The city's roadmap (or plan) sent back: how many comments it still has to address."""
    name = "iap:plan" if on_plan else "iap:roadmap"
    url = reverse(name, args=[partner.network.slug, partner.slug]) + "#feedback-heading"
    if on_plan and comments:
        words = ngettext(
            "Changes requested on your Integrated Action Plan: %(count)d comment to address",
            "Changes requested on your Integrated Action Plan: %(count)d comments to address",
            comments,
        ) % {"count": comments}
    elif on_plan:
        words = _("Changes requested on your Integrated Action Plan: read the reviewer's note")
    elif comments:
        words = ngettext(
            "Changes requested on your roadmap: %(count)d comment to address",
            "Changes requested on your roadmap: %(count)d comments to address",
            comments,
        ) % {"count": comments}
    else:
        words = _("Changes requested on your roadmap: read the reviewer's note")
    return NextAction(words=words, url=url)


def comments_to_answer(*, partner, comments: int, on_plan: bool = False) -> NextAction:
    """Comments of the reviewers or the paired cities on a roadmap or plan that is not sent
    back (in review, or with the paired cities), which the city has not answered yet."""
    name = "iap:plan" if on_plan else "iap:roadmap"
    url = reverse(name, args=[partner.network.slug, partner.slug]) + "#feedback-heading"
    if on_plan:
        words = ngettext(
            "Your Integrated Action Plan has %(count)d comment to answer",
            "Your Integrated Action Plan has %(count)d comments to answer",
            comments,
        )
    else:
        words = ngettext(
            "Your roadmap has %(count)d comment to answer",
            "Your roadmap has %(count)d comments to answer",
            comments,
        )
    return NextAction(words=words % {"count": comments}, url=url)


def document_actions(partner) -> list[NextAction]:
    """What the city's roadmap and plan ask of it, read by `_with_feedback`."""
    found = []
    for state, comments, on_plan in (
        (partner.roadmap_state, partner.comments_to_address, False),
        (partner.plan_state, partner.plan_comments_to_address, True),
    ):
        if state == RoadmapState.CHANGES_REQUESTED:
            found.append(changes_requested(partner=partner, comments=comments, on_plan=on_plan))
        elif comments:
            found.append(comments_to_answer(partner=partner, comments=comments, on_plan=on_plan))
    return found


def _by_urgency(today):
    """Late first, then by date; what has no date (a roadmap sent back) is due today."""

    def key(action: NextAction):
        standing = action.standing
        due_on = standing.due_on if standing and standing.due_on else action.due_on or today
        return (not action.is_late, due_on, standing.obligation.pk if standing else 0)

    return key


def _json(what, **fields):
    return ArraySubquery(what.values(json=JSONObject(**fields)))


def _asked_to_comment(model):
    """The documents (`model`: roadmaps or plans) of the cities paired with the outer city
    that wait for its comments, the first to close first, as JSON."""
    paired = Partner.objects.filter(groups__cities=OuterRef(OuterRef("pk"))).exclude(
        pk=OuterRef(OuterRef("pk"))
    )
    documents = model.objects.filter(
        state=ReviewState.PEER_REVIEW, partner__in=paired.values("pk")
    ).order_by("peer_review_until", "partner__city", "pk")
    return _json(documents, city="partner__city", slug="partner__slug", until="peer_review_until")


def asked_to_comment(partner) -> list[NextAction]:
    """What the paired cities ask of the city read by `_with_feedback`: their roadmaps and
    plans it may comment on, until when."""
    found = []
    for name, rows, words in (
        ("iap:roadmap", partner.asked_roadmaps,
         _("Asked to comment: %(city)s's IAP roadmap, until %(date)s")),
        ("iap:plan", partner.asked_plans,
         _("Asked to comment: %(city)s's Integrated Action Plan, until %(date)s")),
    ):  # fmt: skip
        for row in rows:
            until = dt.date.fromisoformat(row["until"])
            found.append(
                NextAction(
                    words=words % {"city": row["city"], "date": _date(until)},
                    url=reverse(name, args=[partner.network.slug, row["slug"]]),
                    due_on=until,
                )
            )
    return found


def _with_feedback(cities):
    """The cities with their roadmap's and plan's states, their open threads (comments
    still to address), the latest comments of others and review decisions with a
    comment, and the documents of paired cities that wait for their comments."""
    last_submission = RoadmapTransition.objects.filter(
        roadmap__partner=OuterRef("pk"), to_state=RoadmapState.SUBMITTED
    ).order_by("-at", "-pk")
    since_submission = (
        Thread.objects.filter(roadmap__partner=OuterRef("pk"), state=ThreadState.OPEN)
        .exclude(side=Side.CITY)
        .order_by()
        .values("partner")
        .annotate(n=Count("pk"))
        .values("n")
    )
    open_on_plan = (
        Thread.objects.filter(plan__partner=OuterRef("pk"), state=ThreadState.OPEN)
        .exclude(side=Side.CITY)
        .order_by()
        .values("partner")
        .annotate(n=Count("pk"))
        .values("n")
    )
    comments = (
        Message.objects.filter(thread__roadmap__partner=OuterRef("pk"))
        .exclude(side=Side.CITY)
        .exclude(thread__is_change_request=True)  # listed with the decisions
        .order_by("-written_at", "-pk")[:FEEDBACK_SHOWN]
    )
    decisions = (
        RoadmapTransition.objects.filter(roadmap__partner=OuterRef("pk"))
        .exclude(comment="")
        .order_by("-at", "-pk")[:FEEDBACK_SHOWN]
    )
    on_plan = (
        Message.objects.filter(thread__plan__partner=OuterRef("pk"))
        .exclude(side=Side.CITY)
        .order_by("-written_at", "-pk")[:FEEDBACK_SHOWN]
    )
    person = {"name": "author__full_name", "email": "author__email"}
    return (
        cities.select_related("network")
        .annotate(
            roadmap_state=F("roadmap__state"),
            plan_state=F("action_plan__state"),
            last_submitted_at=Subquery(last_submission.values("at")[:1]),
        )
        .annotate(
            comments_to_address=Coalesce(
                Subquery(since_submission, output_field=IntegerField()), 0
            ),
            plan_comments_to_address=Coalesce(
                Subquery(open_on_plan, output_field=IntegerField()), 0
            ),
            roadmap_comments=_json(
                comments,
                at="written_at",
                body="body",
                step="thread__anchor_label",
                thread="thread_id",
                **person,
            ),
            decisions=_json(
                decisions,
                at="at",
                body="comment",
                state="to_state",
                name="by__full_name",
                email="by__email",
            ),
            plan_comments=_json(
                on_plan,
                at="written_at",
                body="body",
                part="thread__anchor_label",
                thread="thread_id",
                **person,
            ),
            asked_roadmaps=_asked_to_comment(Roadmap),
            asked_plans=_asked_to_comment(ActionPlan),
        )
        .order_by("city")
    )


def _author(row) -> str:
    return row["name"] or row["email"] or _("someone no longer in the portal")


def feedback_of(partner) -> list[Feedback]:
    """The latest feedback on a city read by `_with_feedback`, newest first."""
    args = [partner.network.slug, partner.slug]
    roadmap = reverse("iap:roadmap", args=args)
    plan = reverse("iap:plan", args=args)
    found = []
    for row in partner.roadmap_comments:
        about = (
            _("Comment on the roadmap step “%(step)s”") % {"step": row["step"]}
            if row["step"]
            else _("Comment on the roadmap")
        )
        found.append((row, about, f"{roadmap}#thread-{row['thread']}"))
    for row in partner.decisions:
        about = _("Roadmap: %(state)s") % {"state": RoadmapState(row["state"]).label}
        found.append((row, about, roadmap + "#history-heading"))
    for row in partner.plan_comments:
        about = (
            _("Comment on “%(part)s” in the plan") % {"part": row["part"]}
            if row["part"]
            else _("Comment on the plan")
        )
        found.append((row, about, f"{plan}#thread-{row['thread']}"))
    items = [
        Feedback(
            about=about,
            author=_author(row),
            at=dt.datetime.fromisoformat(row["at"]),
            body=row["body"],
            url=url,
        )
        for row, about, url in found
    ]
    items.sort(key=lambda item: item.at, reverse=True)
    return items[:FEEDBACK_SHOWN]


def city_homes(*, network, grid: Matrix, city_ids) -> list[CityHome]:
    """For each of the person's cities: what it has to do next, most urgent first, and the
    latest feedback on its roadmap and plan. One query, besides the matrix."""
    homes = []
    for partner in _with_feedback(Partner.objects.filter(network=network, pk__in=city_ids)):
        actions = [
            next_action(standing)
            for standing in grid.of_city(partner)
            if standing.state != ObligationState.DONE
        ]
        actions += document_actions(partner)
        actions += asked_to_comment(partner)
        actions.sort(key=_by_urgency(grid.today))
        homes.append(CityHome(partner=partner, actions=actions, feedback=feedback_of(partner)))
    return homes


def follow_ups_of(*, user, network, city_ids, today) -> list[FollowUpDue]:
    """The actions not done of the person's cities (owned by the city or by someone of
    its team) and those the person owns, agreed at the meetings and calls they see; the
    earliest due first. An action agreed with nobody in particular is its call's cities'."""
    team = Membership.objects.filter(partner__in=city_ids, role__in=Role.city_roles())
    their_calls = Call.objects.filter(cities__in=city_ids).values("pk")
    rows = (
        actions_visible_to(user=user, network=network)
        .filter(done=False)
        .filter(
            Q(owner=user)
            | Q(partner__in=city_ids)
            | Q(owner__in=team.values("user"))
            | Q(partner__isnull=True, owner__isnull=True, call__in=their_calls)
        )
        .order_by(F("due_on").asc(nulls_last=True), "pk")[:LIST_SHOWN]
    )
    return [FollowUpDue(follow_up=row, days_overdue=days_overdue(row, today)) for row in rows]


# The reviewers' and the lead expert's sections ---------------------------------------------


def reviews_waiting(*, user, network, grid: Matrix, today) -> list[ReviewWaiting]:
    """Roadmaps submitted and not decided yet, the longest waiting first, each with the
    review obligation's standing for its city (its due date)."""
    last_submission = RoadmapTransition.objects.filter(
        roadmap=OuterRef("pk"), to_state=RoadmapState.SUBMITTED
    ).order_by("-at", "-pk")
    cities = cities_whose_plans_are_visible_to(user=user, network=network)
    roadmaps = (
        Roadmap.objects.filter(partner__in=cities.values("pk"), state__in=WAITING_FOR_REVIEW)
        .select_related("partner__network")
        .annotate(last_submitted_at=Subquery(last_submission.values("at")[:1]))
        .order_by(F("last_submitted_at").asc(nulls_first=True), "partner__city")
    )
    review = next((ob for ob in grid.obligations if ob.is_review), None)
    found = []
    for roadmap in roadmaps[:LIST_SHOWN]:
        submitted_on = timezone.localdate(roadmap.last_submitted_at or roadmap.state_since)
        found.append(
            ReviewWaiting(
                partner=roadmap.partner,
                state_label=roadmap.get_state_display(),
                submitted_on=submitted_on,
                days_waited=(today - submitted_on).days,
                url=roadmap.get_absolute_url(),
                standing=grid.cells.get((review.pk, roadmap.partner_id)) if review else None,
            )
        )
    return found


def cities_late(*, grid: Matrix) -> list[tuple[Partner, list[Standing]]]:
    """Each city late on something it owes, with what."""
    found = []
    for partner in grid.partners:
        late = [standing for standing in grid.of_city(partner) if standing.is_late]
        if late:
            found.append((partner, late))
    return found


def next_checkup_calls(*, user, network, now) -> list[Call]:
    """The next check-up calls not cancelled, each with `city_names`."""
    cities = Partner.objects.filter(calls=OuterRef("pk")).order_by("city").values("city")
    return list(
        calls_visible_to(user=user, network=network)
        .filter(kind=CallKind.CHECKUP, ends_at__gte=now)
        .exclude(status=MeetingStatus.CANCELLED)
        .annotate(city_names=ArraySubquery(cities))
        .order_by("starts_at", "pk")[:LIST_SHOWN]
    )


# The coordinator's and the lead partner's sections ----------------------------------------


def escalations_sent(*, network, grid: Matrix, now) -> list[Escalation]:
    """The coordinators' recent messages about cities past the grace period, newest first,
    each linking to the record it is about (or to the log, for a report of old)."""
    log = reverse("progress:reminder_log", args=[network.slug])
    rows = (
        ReminderSent.objects.filter(
            obligation__network=network,
            stage=ReminderStage.ESCALATED,
            sent_at__gte=now - dt.timedelta(days=ESCALATIONS_SINCE_DAYS),
        )
        .select_related("obligation", "partner")
        .order_by("-sent_at", "-pk")[:LIST_SHOWN]
    )
    found = []
    for row in rows:
        cell = grid.cells.get((row.obligation_id, row.partner_id))
        found.append(Escalation(reminder=row, url=cell.url if cell else log))
    return found


def late_past_grace(*, grid: Matrix) -> list[Standing]:
    """What is late for longer than its obligation's grace period, the latest first: what
    the coordinator is told about."""
    past = [
        standing
        for standing in grid.all()
        if standing.is_late and standing.days_late >= standing.obligation.grace_days
    ]
    return sorted(past, key=lambda s: (-s.days_late, s.partner.city, s.obligation.pk))


def meetings_to_prepare(*, user, network, now) -> list[MeetingToPrepare]:
    """The next planned meetings, each with what it still lacks, in words."""
    agenda = (
        AgendaItem.objects.filter(meeting=OuterRef("pk"))
        .order_by()
        .values("meeting")
        .annotate(n=Count("pk"))
        .values("n")
    )
    attending = (
        Attendance.objects.filter(meeting=OuterRef("pk"))
        .order_by()
        .values("meeting")
        .annotate(n=Count("pk"))
        .values("n")
    )
    meetings = (
        meetings_visible_to(user=user, network=network)
        .filter(status=MeetingStatus.PLANNED, starts_at__gte=now)
        .annotate(
            agenda_items=Coalesce(Subquery(agenda, output_field=IntegerField()), 0),
            attendees=Coalesce(Subquery(attending, output_field=IntegerField()), 0),
        )
        .order_by("starts_at", "pk")[:MEETINGS_TO_PREPARE]
    )
    return [MeetingToPrepare(meeting=m, missing=missing_for(m)) for m in meetings]


def missing_for(meeting) -> list[str]:
    missing = []
    if not meeting.agenda_items:
        missing.append(_("no agenda items yet"))
    if not meeting.attendees:
        missing.append(_("nobody registered to attend yet"))
    if meeting.format != MeetingFormat.ONLINE and not meeting.venue:
        missing.append(_("no venue"))
    if meeting.format != MeetingFormat.ON_SITE and not meeting.online_link:
        missing.append(_("no online link"))
    return missing


def drafts_to_publish(*, user, network) -> list[Article]:
    """The network's news drafts, the last edited first."""
    return list(
        articles_visible_to(user=user, network=network)
        .filter(status=ArticleStatus.DRAFT)
        .select_related("author")
        .order_by("-edited_at", "-pk")[:LIST_SHOWN]
    )


# The programme officer's section ------------------------------------------------------------


def city_links(partner) -> CityLinks:
    args = [partner.network.slug, partner.slug]
    return CityLinks(
        partner=partner,
        roadmap_url=reverse("iap:roadmap", args=args),
        plan_url=reverse("iap:plan", args=args),
        ssas_url=reverse("iap:ssa_list", args=args),
    )

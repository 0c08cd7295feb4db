"""Where each city stands on each obligation, computed from the records it names.

Nothing here is ticked by hand: the roadmap's state, the Small Scale Actions that exist,
the ULG meetings held, the attendance registered, the follow-ups done and the plan's
status decide. One query reads the network's obligations, one more reads every city with
what each obligation needs annotated on it, whatever the number of obligations.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import (
    Count,
    DateField,
    Exists,
    F,
    IntegerField,
    Min,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy as ngettext

from iap.enums import RoadmapState, SsaStatus
from iap.models import RoadmapTransition, SmallScaleAction
from meetings.enums import CallKind, MeetingStatus
from meetings.models import Action, Attendance, Call, Meeting
from partners.enums import ObligationKind, ObligationState, Role
from partners.models import Membership, Network, Obligation, Partner, UlgMeeting
from partners.roles import city_ids_in, holds
from portal.i18n import date_text, phrase

#: An obligation is "due soon" from this many days before its date.
DUE_SOON_DAYS = 14

#: The states that ask something of somebody, most urgent first.
OPEN_STATES = (ObligationState.LATE, ObligationState.DUE_SOON, ObligationState.ON_TRACK)

#: The roadmap states in which a submission waits for the reviewer.
WAITING_FOR_REVIEW = (RoadmapState.SUBMITTED, RoadmapState.IN_REVIEW)


@dataclass(frozen=True)
class Standing:
    """One city on one obligation."""

    obligation: Obligation
    partner: Partner
    state: str
    due_on: dt.date | None
    detail: str
    url: str
    days_late: int = 0

    @property
    def state_label(self):
        return ObligationState(self.state).label

    @property
    def is_open(self):
        return self.state in OPEN_STATES

    @property
    def is_late(self):
        return self.state == ObligationState.LATE


@dataclass
class Matrix:
    """Every city × every obligation that is owed (milestones are owed by nobody)."""

    network: Network
    today: dt.date
    obligations: list[Obligation]
    milestones: list[Obligation]
    partners: list[Partner]
    cells: dict[tuple[int, int], Standing] = field(default_factory=dict)

    def row(self, partner) -> list[Standing]:
        return [self.cells[(ob.pk, partner.pk)] for ob in self.obligations]

    def rows(self) -> list[tuple[Partner, list[Standing]]]:
        return [(partner, self.row(partner)) for partner in self.partners]

    def of_city(self, partner, *, owed_by_cities=True) -> list[Standing]:
        return [
            cell for cell in self.row(partner) if cell.obligation.owed_by_cities == owed_by_cities
        ]

    def all(self) -> list[Standing]:
        return [cell for _partner, row in self.rows() for cell in row]

    def counts(self, obligation) -> dict[str, int]:
        counts = dict.fromkeys(ObligationState.values, 0)
        for partner in self.partners:
            counts[self.cells[(obligation.pk, partner.pk)].state] += 1
        return counts


def state_by_date(*, due_on, today, opens_on=None, soon_days=DUE_SOON_DAYS) -> str:
    """The state of something not done yet, from its date alone."""
    if opens_on is not None and today < opens_on:
        return ObligationState.NOT_DUE_YET
    days_left = (due_on - today).days
    if days_left < 0:
        return ObligationState.LATE
    if days_left <= soon_days:
        return ObligationState.DUE_SOON
    return ObligationState.ON_TRACK


def obligations_of(*, network) -> list[Obligation]:
    return list(Obligation.objects.filter(network=network).select_related("network"))


def matrix(*, network, today=None, partners=None, obligations=None, viewer=None) -> Matrix:
    """Where each city of the network (or of `partners`) stands on each obligation.

    Each cell links to the record it is computed from; for a `viewer` who may not open that
    record (the programme officer and a city's local group), to the city's page instead."""
    today = today or timezone.localdate()
    every = obligations_of(network=network) if obligations is None else list(obligations)
    owed = [ob for ob in every if not ob.is_milestone]
    milestones = [ob for ob in every if ob.is_milestone]
    cities = Partner.objects.filter(network=network)
    if partners is not None:
        cities = cities.filter(pk__in=[p.pk for p in partners])
    cities = list(_annotated(cities, owed, today).select_related("network").order_by("city"))
    result = Matrix(
        network=network, today=today, obligations=owed, milestones=milestones, partners=cities
    )
    ulg_visible = _ulg_visible(viewer, network, cities)
    for partner in cities:
        partner.ulg_visible = partner.pk in ulg_visible
    for obligation in owed:
        compute = KINDS[obligation.kind]
        for partner in cities:
            result.cells[(obligation.pk, partner.pk)] = compute(obligation, partner, today)
    return result


def _ulg_visible(viewer, network, cities) -> set[int]:
    """The cities whose local group page the viewer may open (`partners.view_ulg`, from the
    memberships read once per request); every city when nobody is viewing (an e-mail goes
    to the city's own team)."""
    if viewer is None or holds(viewer, network.pk, Role.staff()):
        return {partner.pk for partner in cities}
    return city_ids_in(viewer, network.pk)


# What each kind reads, annotated on the city --------------------------------------------


def _name(obligation, what):
    return f"ob{obligation.pk}_{what}"


def _annotated(cities, obligations, today):
    kinds = {ob.kind for ob in obligations}
    annotations = {}
    if kinds & {ObligationKind.ROADMAP, ObligationKind.ROADMAP_REVIEW}:
        last_submission = RoadmapTransition.objects.filter(
            roadmap__partner=OuterRef("pk"), to_state=RoadmapState.SUBMITTED
        ).order_by("-at", "-pk")
        annotations |= {
            "roadmap_state": F("roadmap__state"),
            "roadmap_submitted_at": F("roadmap__submitted_at"),
            "roadmap_state_since": F("roadmap__state_since"),
            "roadmap_last_submitted_at": Subquery(last_submission.values("at")[:1]),
        }
    if ObligationKind.FINAL_IAP in kinds:
        annotations["plan_state"] = F("action_plan__state")
    if ObligationKind.SSAS_PLANNED in kinds:
        planned = (
            SmallScaleAction.objects.filter(partner=OuterRef("pk"))
            .exclude(status=SsaStatus.IDEA)
            .order_by()
            .values("partner")
            .annotate(n=Count("pk"))
            .values("n")
        )
        annotations["ssas_planned"] = Coalesce(Subquery(planned, output_field=IntegerField()), 0)
    for ob in obligations:
        if ob.kind == ObligationKind.ULG_MEETING:
            held = UlgMeeting.objects.filter(partner=OuterRef("pk"), held_on__lte=today)
            held = held.filter(held_on__lte=ob.due_on)
            if ob.opens_on:
                held = held.filter(held_on__gte=ob.opens_on)
            annotations[_name(ob, "held")] = Subquery(
                held.order_by("-held_on").values("held_on")[:1]
            )
        elif ob.kind == ObligationKind.TNM_ATTENDANCE:
            registered = Attendance.objects.filter(
                partner=OuterRef("pk"),
                meeting__network_id=ob.network_id,
                meeting__number=ob.meeting_number,
            )
            annotations[_name(ob, "registered")] = Exists(registered)
        elif ob.kind == ObligationKind.FOLLOW_UPS:
            annotations |= _actions_annotations(ob, today)
    return cities.annotate(**annotations) if annotations else cities


def _actions_annotations(ob, today) -> dict:
    """The city's actions agreed at the check-up calls and meetings held in the
    obligation's period (cancelled ones none): counted, with the first one late and the
    event of the first one open."""
    city = OuterRef(OuterRef("pk"))
    of_the_team = Membership.objects.filter(
        user=OuterRef("owner"), partner=city, role__in=Role.city_roles()
    )
    of_the_call = Call.cities.through.objects.filter(call=OuterRef("call"), partner=city)
    # The city's own: owned by the city or by someone of its team (not the lead partner's
    # or the lead expert's part); one agreed with nobody in particular, its call's cities'.
    owned = (
        Q(partner=OuterRef("pk"))
        | Exists(of_the_team)
        | (Q(partner__isnull=True, owner__isnull=True) & Exists(of_the_call))
    )
    at_a_checkup = Q(call__kind=CallKind.CHECKUP, call__starts_at__date__lte=ob.due_on) & ~Q(
        call__status=MeetingStatus.CANCELLED
    )
    at_a_meeting = Q(meeting__isnull=False, meeting__starts_at__date__lte=ob.due_on) & ~Q(
        meeting__status=MeetingStatus.CANCELLED
    )
    if ob.opens_on:
        at_a_checkup &= Q(call__starts_at__date__gte=ob.opens_on)
        at_a_meeting &= Q(meeting__starts_at__date__gte=ob.opens_on)
    actions = Action.objects.filter(owned, at_a_checkup | at_a_meeting)
    counted = (
        actions.order_by()
        .annotate(every=Value(1))
        .values("every")  # one group: the whole set
        .annotate(
            total=Count("pk"),
            open=Count("pk", filter=Q(done=False)),
            overdue=Count("pk", filter=Q(done=False, due_on__lt=today)),
            first_overdue=Min("due_on", filter=Q(done=False, due_on__lt=today)),
        )
    )
    first_open = actions.filter(done=False).order_by(F("due_on").asc(nulls_last=True), "pk")
    annotations = {
        _name(ob, what): Subquery(counted.values(what)[:1], output_field=IntegerField())
        for what in ("total", "open", "overdue")
    }
    annotations[_name(ob, "first_overdue")] = Subquery(
        counted.values("first_overdue")[:1], output_field=DateField()
    )
    annotations[_name(ob, "call")] = Subquery(first_open.values("call_id")[:1])
    annotations[_name(ob, "meeting")] = Subquery(first_open.values("meeting__number")[:1])
    return annotations


# Each kind's state ---------------------------------------------------------------------


def _date(value) -> str:
    return date_text(value, "j M Y") if value else ""


def _local_date(value):
    return timezone.localdate(value) if value else None


def _cell(obligation, partner, *, state, due_on, detail, url, today):
    late = (today - due_on).days if state == ObligationState.LATE and due_on else 0
    return Standing(
        obligation=obligation,
        partner=partner,
        state=state,
        due_on=due_on,
        detail=detail,
        url=url,
        days_late=late,
    )


def _city_url(name, partner, *args):
    return reverse(name, args=[partner.network.slug, partner.slug, *args])


def _roadmap(obligation, partner, today):
    submitted = _local_date(partner.roadmap_submitted_at)
    url = _city_url("iap:roadmap", partner)
    if submitted:
        detail = phrase(_("Submitted on %(date)s"), date=_date(submitted))
        return _cell(obligation, partner, state=ObligationState.DONE, due_on=obligation.due_on,
                     detail=detail, url=url, today=today)  # fmt: skip
    state = state_by_date(due_on=obligation.due_on, today=today, opens_on=obligation.opens_on)
    return _cell(obligation, partner, state=state, due_on=obligation.due_on,
                 detail=_("Not submitted yet"), url=url, today=today)  # fmt: skip


def _review(obligation, partner, today):
    """Owed by the reviewer: each submission reviewed within N days of it."""
    url = _city_url("iap:roadmap", partner)
    waited_since = _local_date(partner.roadmap_last_submitted_at)
    if partner.roadmap_state in WAITING_FOR_REVIEW and waited_since:
        due_on = waited_since + dt.timedelta(days=obligation.within_days)
        days = (today - waited_since).days
        detail = phrase(
            ngettext(
                "Waiting for review for %(days)d day",
                "Waiting for review for %(days)d days",
                "days",
            ),
            days=days,
        )
        # "Due soon" in the last third of the time given, at most the usual two weeks.
        soon = min(DUE_SOON_DAYS, max(1, obligation.within_days // 3))
        state = state_by_date(due_on=due_on, today=today, soon_days=soon)
        return _cell(obligation, partner, state=state, due_on=due_on, detail=detail, url=url,
                     today=today)  # fmt: skip
    if waited_since:
        decided = _local_date(partner.roadmap_state_since)
        detail = phrase(
            _("%(state)s on %(date)s"),
            state=RoadmapState(partner.roadmap_state).label,
            date=_date(decided),
        )
        return _cell(obligation, partner, state=ObligationState.DONE, due_on=None,
                     detail=detail, url=url, today=today)  # fmt: skip
    return _cell(obligation, partner, state=ObligationState.NOT_DUE_YET, due_on=None,
                 detail=_("Nothing submitted to review"), url=url, today=today)  # fmt: skip


def _ssas(obligation, partner, today):
    count = partner.ssas_planned
    detail = phrase(_("%(count)d of %(target)d planned"), count=count, target=obligation.target)
    url = _city_url("iap:ssa_list", partner)
    if count >= obligation.target:
        state = ObligationState.DONE
    else:
        state = state_by_date(due_on=obligation.due_on, today=today, opens_on=obligation.opens_on)
    return _cell(obligation, partner, state=state, due_on=obligation.due_on, detail=detail,
                 url=url, today=today)  # fmt: skip


def _ulg_meeting(obligation, partner, today):
    held = getattr(partner, _name(obligation, "held"))
    url = _city_url("partners:ulg" if partner.ulg_visible else "partners:partner_detail", partner)
    if held:
        return _cell(obligation, partner, state=ObligationState.DONE, due_on=obligation.due_on,
                     detail=phrase(_("Held on %(date)s"), date=_date(held)), url=url,
                     today=today)  # fmt: skip
    state = state_by_date(due_on=obligation.due_on, today=today, opens_on=obligation.opens_on)
    return _cell(obligation, partner, state=state, due_on=obligation.due_on,
                 detail=_("No ULG meeting recorded in the period"), url=url,
                 today=today)  # fmt: skip


def _attendance(obligation, partner, today):
    url = reverse(
        "meetings:meeting_detail",
        kwargs={"network_slug": partner.network.slug, "number": obligation.meeting_number},
    )
    if getattr(partner, _name(obligation, "registered")):
        state, detail = ObligationState.DONE, _("Attendance registered")
    else:
        state = state_by_date(due_on=obligation.due_on, today=today, opens_on=obligation.opens_on)
        detail = _("Nobody registered yet")
    return _cell(obligation, partner, state=state, due_on=obligation.due_on, detail=detail,
                 url=url, today=today)  # fmt: skip


def _actions_url(obligation, partner) -> str:
    """The meeting or call of the city's first open action, else the meetings' list."""
    slug = partner.network.slug
    call = getattr(partner, _name(obligation, "call"))
    if call:
        return reverse("meetings:call_detail", kwargs={"network_slug": slug, "pk": call})
    number = getattr(partner, _name(obligation, "meeting"))
    if number:
        url = reverse("meetings:meeting_detail", kwargs={"network_slug": slug, "number": number})
        return url + "#actions-heading"
    return reverse("meetings:meeting_list", kwargs={"network_slug": slug})


def _follow_ups(obligation, partner, today):
    """The actions agreed at check-up calls and meetings: done when all are; late from the
    date of the first one past its own date."""
    total = getattr(partner, _name(obligation, "total")) or 0
    open_ = getattr(partner, _name(obligation, "open")) or 0
    overdue = getattr(partner, _name(obligation, "overdue")) or 0
    url = _actions_url(obligation, partner)
    if not total and today <= obligation.due_on:  # the calls and meetings may still give some
        return _cell(obligation, partner, state=ObligationState.NOT_DUE_YET,
                     due_on=obligation.due_on, detail=_("No follow-ups yet"), url=url,
                     today=today)  # fmt: skip
    if not open_:
        detail = (
            phrase(_("%(done)d of %(total)d done"), done=total, total=total)
            if total
            else _("No follow-ups to do")
        )
        return _cell(obligation, partner, state=ObligationState.DONE, due_on=obligation.due_on,
                     detail=detail, url=url, today=today)  # fmt: skip
    due_on = obligation.due_on
    state = state_by_date(due_on=due_on, today=today, opens_on=obligation.opens_on)
    first_overdue = getattr(partner, _name(obligation, "first_overdue"))
    if overdue and state != ObligationState.NOT_DUE_YET:
        # An action past its own date is late already, counted from that date.
        state, due_on = ObligationState.LATE, min(due_on, first_overdue or due_on)
    detail = phrase(_("%(done)d of %(total)d done"), done=total - open_, total=total)
    return _cell(obligation, partner, state=state, due_on=due_on, detail=detail, url=url,
                 today=today)  # fmt: skip


def _final_iap(obligation, partner, today):
    url = _city_url("iap:plan", partner)
    if partner.plan_state not in (RoadmapState.DRAFT, None):
        detail = {
            RoadmapState.APPROVED: _("Delivered and approved"),
            RoadmapState.CHANGES_REQUESTED: _("Delivered; changes requested"),
        }.get(partner.plan_state, _("Delivered, in review"))
        return _cell(obligation, partner, state=ObligationState.DONE, due_on=obligation.due_on,
                     detail=detail, url=url, today=today)  # fmt: skip
    state = state_by_date(due_on=obligation.due_on, today=today, opens_on=obligation.opens_on)
    return _cell(obligation, partner, state=state, due_on=obligation.due_on,
                 detail=_("Still being drafted"), url=url, today=today)  # fmt: skip


KINDS = {
    ObligationKind.ROADMAP: _roadmap,
    ObligationKind.ROADMAP_REVIEW: _review,
    ObligationKind.SSAS_PLANNED: _ssas,
    ObligationKind.ULG_MEETING: _ulg_meeting,
    ObligationKind.TNM_ATTENDANCE: _attendance,
    ObligationKind.FOLLOW_UPS: _follow_ups,
    ObligationKind.FINAL_IAP: _final_iap,
}


def meeting_exists(*, network, number) -> bool:
    return Meeting.objects.filter(network=network, number=number).exists()

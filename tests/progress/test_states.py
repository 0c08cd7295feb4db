"""Where each city stands: every obligation kind in every state it can be in, computed
from records built here, never ticked by hand."""

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from iap.enums import SectionKind, SsaStatus
from iap.models import Roadmap, RoadmapTransition, SmallScaleAction
from meetings.enums import CallKind, MeetingStatus
from meetings.models import Action, Attendance, Call, FollowUp, Meeting
from partners.enums import ObligationKind
from partners.enums import ObligationState as S
from partners.models import Obligation, UlgMeeting
from progress import states
from reviews import services as engine
from tests.factories import PartnerFactory

TODAY = dt.date(2021, 3, 15)


def at(day: dt.date, hour=10):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def obligation(net, kind, **fields):
    fields.setdefault("title", str(ObligationKind(kind).label))
    if kind != ObligationKind.ROADMAP_REVIEW:
        fields.setdefault("due_on", TODAY + dt.timedelta(days=30))
    return Obligation.objects.create(network=net, kind=kind, **fields)


@pytest.fixture(autouse=True)
def roadmaps_with_a_step(city_a, city_b):
    """A roadmap is submitted with at least one step."""
    for city in (city_a, city_b):
        city.roadmap.steps.create(position=1, title="Set up the ULG")


def state(net, ob, city, today=TODAY):
    return states.matrix(network=net, today=today).cells[(ob.pk, city.pk)]


@pytest.mark.parametrize(
    "days_left, opens_in, want",
    [
        (30, None, S.ON_TRACK),
        (15, None, S.ON_TRACK),
        (14, None, S.DUE_SOON),
        (0, None, S.DUE_SOON),
        (-1, None, S.LATE),
        (30, 5, S.NOT_DUE_YET),
        (30, 0, S.ON_TRACK),
    ],
)
def test_state_from_the_date_alone(days_left, opens_in, want):
    opens_on = TODAY + dt.timedelta(days=opens_in) if opens_in is not None else None
    got = states.state_by_date(
        due_on=TODAY + dt.timedelta(days=days_left), today=TODAY, opens_on=opens_on
    )
    assert got == want


def test_roadmap_submitted_is_done_and_not_submitted_follows_the_date(
    net, city_a, city_b, city_coordinator_a
):
    ob = obligation(net, ObligationKind.ROADMAP, due_on=TODAY + dt.timedelta(days=3))
    engine.submit(user=city_coordinator_a, document=city_a.roadmap)
    assert state(net, ob, city_a).state == S.DONE
    assert "Submitted on" in state(net, ob, city_a).detail
    assert state(net, ob, city_b).state == S.DUE_SOON
    late = state(net, ob, city_b, today=TODAY + dt.timedelta(days=10))
    assert late.state == S.LATE and late.days_late == 7
    assert late.url == f"/n/{net.slug}/iap/{city_b.slug}/roadmap/"


def submitted_days_ago(roadmap, days, user):
    engine.submit(user=user, document=roadmap)
    moment = at(TODAY - dt.timedelta(days=days))
    RoadmapTransition.objects.filter(roadmap=roadmap).update(at=moment)
    Roadmap.objects.filter(pk=roadmap.pk).update(state_since=moment, submitted_at=moment)


@pytest.mark.parametrize(
    "waited, want", [(1, S.ON_TRACK), (6, S.ON_TRACK), (7, S.DUE_SOON), (10, S.DUE_SOON),
                     (11, S.LATE)],
)  # fmt: skip
def test_a_review_is_due_within_the_days_after_each_submission(
    net, city_a, city_coordinator_a, waited, want
):
    ob = obligation(net, ObligationKind.ROADMAP_REVIEW, within_days=10)
    submitted_days_ago(city_a.roadmap, waited, city_coordinator_a)
    cell = state(net, ob, city_a)
    assert cell.state == want
    assert cell.due_on == TODAY - dt.timedelta(days=waited) + dt.timedelta(days=10)
    assert f"{waited} day" in cell.detail


def test_a_review_is_not_due_before_a_submission_and_done_once_decided(
    net, city_a, city_b, city_coordinator_a, lead_expert
):
    ob = obligation(net, ObligationKind.ROADMAP_REVIEW, within_days=10)
    assert state(net, ob, city_b).state == S.NOT_DUE_YET
    submitted_days_ago(city_a.roadmap, 20, city_coordinator_a)
    assert state(net, ob, city_a).state == S.LATE
    roadmap = Roadmap.objects.get(pk=city_a.roadmap.pk)
    engine.thread_open(user=lead_expert, document=roadmap, body="Which dates?")
    assert state(net, ob, city_a).state == S.LATE  # a comment starts the review, decides nothing
    engine.request_changes(user=lead_expert, document=roadmap, comment="Dates")
    decided = state(net, ob, city_a)
    assert decided.state == S.DONE and "Changes requested" in decided.detail


def test_a_new_submission_is_a_new_review_with_its_own_date(
    net, city_a, city_coordinator_a, lead_expert
):
    ob = obligation(net, ObligationKind.ROADMAP_REVIEW, within_days=10)
    submitted_days_ago(city_a.roadmap, 30, city_coordinator_a)
    roadmap = Roadmap.objects.get(pk=city_a.roadmap.pk)
    engine.request_changes(user=lead_expert, document=roadmap, comment="Dates")
    engine.submit(user=city_coordinator_a, document=roadmap)  # today, for real
    cell = states.matrix(network=net).cells[(ob.pk, city_a.pk)]
    assert cell.state == S.ON_TRACK
    assert cell.due_on == timezone.localdate() + dt.timedelta(days=10)


def test_small_scale_actions_count_once_beyond_the_idea(net, city_a, city_b):
    ob = obligation(net, ObligationKind.SSAS_PLANNED, target=2, due_on=TODAY - dt.timedelta(1))
    SmallScaleAction.objects.create(partner=city_a, title="Trees", status=SsaStatus.PLANNED)
    SmallScaleAction.objects.create(partner=city_a, title="Une", status=SsaStatus.EVALUATED)
    SmallScaleAction.objects.create(partner=city_b, title="Sketch", status=SsaStatus.IDEA)
    SmallScaleAction.objects.create(partner=city_b, title="Run", status=SsaStatus.RUNNING)
    done, late = state(net, ob, city_a), state(net, ob, city_b)
    assert (done.state, done.detail) == (S.DONE, "2 of 2 planned")
    assert (late.state, late.detail) == (S.LATE, "1 of 2 planned")


def test_a_ulg_meeting_counts_only_when_held_in_the_period(net, city_a, city_b):
    ob = obligation(
        net, ObligationKind.ULG_MEETING, opens_on=dt.date(2021, 1, 1), due_on=dt.date(2021, 3, 31)
    )
    UlgMeeting.objects.create(partner=city_a, held_on=dt.date(2021, 2, 10), topic="CSR pact")
    UlgMeeting.objects.create(partner=city_b, held_on=dt.date(2020, 12, 20), topic="Before")
    UlgMeeting.objects.create(partner=city_b, held_on=dt.date(2021, 3, 20), topic="Planned")
    assert state(net, ob, city_a).state == S.DONE
    assert state(net, ob, city_b).state == S.ON_TRACK  # neither the old nor the future one
    assert state(net, ob, city_b, today=dt.date(2020, 12, 31)).state == S.NOT_DUE_YET
    assert state(net, ob, city_b, today=dt.date(2021, 4, 1)).state == S.DONE  # held 20 March


def test_attendance_counts_the_citys_registrations_for_that_tnm(net, city_a, city_b, city_member_a):
    meeting = Meeting.objects.create(
        network=net, number=6, title="TNM #6", starts_at=at(TODAY + dt.timedelta(21)),
        ends_at=at(TODAY + dt.timedelta(21), 16),
    )  # fmt: skip
    other = Meeting.objects.create(
        network=net, number=5, title="TNM #5", starts_at=at(TODAY - dt.timedelta(30)),
        ends_at=at(TODAY - dt.timedelta(30), 16),
    )  # fmt: skip
    ob = obligation(
        net, ObligationKind.TNM_ATTENDANCE, meeting_number=6, due_on=TODAY + dt.timedelta(14)
    )
    Attendance.objects.create(meeting=meeting, partner=city_a, user=city_member_a)
    Attendance.objects.create(meeting=other, partner=city_b, user=city_member_a)
    assert state(net, ob, city_a).state == S.DONE
    cell = state(net, ob, city_b)
    assert cell.state == S.DUE_SOON  # TNM #5 does not count
    assert cell.url == f"/n/{net.slug}/meetings/6/"


def checkup(net, city, day):
    call = Call.objects.create(
        network=net, kind=CallKind.CHECKUP, title=f"Check-up {city.city}", starts_at=at(day),
        ends_at=at(day, 11),
    )  # fmt: skip
    call.cities.add(city)
    return call


def test_follow_ups_are_done_when_all_are_and_late_when_one_is_past_its_date(net, city_a, city_b):
    ob = obligation(
        net, ObligationKind.FOLLOW_UPS, opens_on=dt.date(2021, 3, 1), due_on=dt.date(2021, 4, 30)
    )
    call_a = checkup(net, city_a, dt.date(2021, 3, 2))
    FollowUp.objects.create(call=call_a, task="Send the ULG list", done=True)
    call_b = checkup(net, city_b, dt.date(2021, 3, 3))
    FollowUp.objects.create(call=call_b, task="Budget table", due_on=dt.date(2021, 3, 31))
    late = FollowUp.objects.create(call=call_b, task="Dates", due_on=dt.date(2021, 3, 10))
    earlier = checkup(net, city_a, dt.date(2020, 12, 2))  # before the period: not counted
    FollowUp.objects.create(call=earlier, task="Old", due_on=dt.date(2020, 12, 20))

    done = state(net, ob, city_a)
    assert (done.state, done.detail) == (S.DONE, "1 of 1 done")
    behind = state(net, ob, city_b)
    assert behind.state == S.LATE  # one is past its own date, the obligation is not yet
    assert (behind.due_on, behind.days_late) == (dt.date(2021, 3, 10), 5)  # counted from it
    assert behind.detail == "0 of 2 done"
    assert behind.url == f"/n/{net.slug}/meetings/calls/{call_b.pk}/"
    FollowUp.objects.filter(pk=late.pk).update(done=True)
    assert state(net, ob, city_b).state == S.ON_TRACK


def test_no_follow_ups_is_nothing_yet_then_nothing_to_do(net, city_a):
    ob = obligation(net, ObligationKind.FOLLOW_UPS)
    cell = state(net, ob, city_a)
    assert (cell.state, cell.detail) == (S.NOT_DUE_YET, "No follow-ups yet")
    after = state(net, ob, city_a, today=ob.due_on + dt.timedelta(days=1))
    assert (after.state, after.detail) == (S.DONE, "No follow-ups to do")


def test_follow_ups_of_the_lead_expert_or_of_a_cancelled_call_are_not_the_citys(
    net, city_a, city_member_a, lead_expert
):
    ob = obligation(
        net, ObligationKind.FOLLOW_UPS, opens_on=dt.date(2021, 3, 1), due_on=dt.date(2021, 4, 30)
    )
    call = checkup(net, city_a, dt.date(2021, 3, 2))
    FollowUp.objects.create(call=call, task="Send the ULG list", owner=city_member_a, done=True)
    FollowUp.objects.create(call=call, task="Expert note", owner=lead_expert, due_on=TODAY)
    cancelled = checkup(net, city_a, dt.date(2021, 3, 5))
    Call.objects.filter(pk=cancelled.pk).update(status=MeetingStatus.CANCELLED)
    FollowUp.objects.create(call=cancelled, task="Never held", due_on=dt.date(2021, 3, 6))
    cell = state(net, ob, city_a, today=dt.date(2021, 4, 1))
    assert (cell.state, cell.detail) == (S.DONE, "1 of 1 done")


def tnm(net, number, day, status=MeetingStatus.HELD):
    return Meeting.objects.create(
        network=net, number=number, title=f"TNM {number}", starts_at=at(day),
        ends_at=at(day, 17), status=status,
    )  # fmt: skip


def test_actions_of_meetings_held_in_the_period_count_with_the_follow_ups(
    net, city_a, city_b, city_member_b, lead_partner
):
    ob = obligation(
        net, ObligationKind.FOLLOW_UPS, opens_on=dt.date(2021, 3, 1), due_on=dt.date(2021, 4, 30)
    )
    held = tnm(net, 5, dt.date(2021, 3, 4))
    Action.objects.create(
        meeting=held, task="Host the study visit", partner=city_a, due_on=dt.date(2021, 4, 20)
    )
    # The lead partner's own (a person of city A, not of its team) is not the city's.
    Action.objects.create(
        meeting=held, task="Chair TNM #6", owner=lead_partner, due_on=dt.date(2021, 3, 1)
    )
    # City B's: one of its team's, late since 12 March; one of the city's, done.
    photos = Action.objects.create(
        meeting=held, task="Send the photos", owner=city_member_b, due_on=dt.date(2021, 3, 12)
    )
    Action.objects.create(meeting=held, task="Draft the pack", partner=city_b, done=True)
    FollowUp.objects.create(call=checkup(net, city_b, dt.date(2021, 3, 2)), task="Budget",
                            done=True)  # fmt: skip
    # Not counted: a meeting before the period, a cancelled one.
    before = tnm(net, 4, dt.date(2020, 11, 10))
    Action.objects.create(meeting=before, task="Old", partner=city_a, due_on=dt.date(2020, 12, 1))
    cancelled = tnm(net, 6, dt.date(2021, 3, 10), status=MeetingStatus.CANCELLED)
    Action.objects.create(
        meeting=cancelled, task="Never agreed", partner=city_a, due_on=dt.date(2021, 3, 11)
    )

    a = state(net, ob, city_a)
    assert (a.state, a.detail) == (S.ON_TRACK, "0 of 1 done")
    assert a.url == f"/n/{net.slug}/meetings/5/#actions-heading"
    b = state(net, ob, city_b)
    assert b.state == S.LATE  # an action past its own date makes the city late
    assert (b.due_on, b.days_late) == (dt.date(2021, 3, 12), 3)
    assert b.detail == "2 of 3 done"
    Action.objects.filter(pk=photos.pk).update(done=True)
    assert state(net, ob, city_b).state == S.DONE


def test_a_city_with_only_meeting_actions_is_not_due_until_it_has_some(net, city_a):
    ob = obligation(
        net, ObligationKind.FOLLOW_UPS, opens_on=dt.date(2021, 3, 1), due_on=dt.date(2021, 4, 30)
    )
    assert state(net, ob, city_a).state == S.NOT_DUE_YET
    meeting = tnm(net, 5, dt.date(2021, 3, 4))
    Action.objects.create(meeting=meeting, task="Late", partner=city_a, due_on=TODAY)
    assert state(net, ob, city_a, today=TODAY + dt.timedelta(days=1)).state == S.LATE


def test_the_final_iap_is_done_when_the_plan_is_delivered(
    net, city_a, city_b, city_coordinator_a, lead_expert
):
    ob = obligation(net, ObligationKind.FINAL_IAP, due_on=TODAY + dt.timedelta(days=200))
    plan = city_a.action_plan
    assert state(net, ob, city_a).detail == "Still being drafted"
    plan.sections.filter(kind=SectionKind.CONTEXT).update(body="Few firms report on CSR.")
    engine.submit(user=city_coordinator_a, document=plan)
    delivered = state(net, ob, city_a)
    assert (delivered.state, delivered.detail) == (S.DONE, "Delivered, in review")
    engine.approve(user=lead_expert, document=plan)
    assert state(net, ob, city_a).detail == "Delivered and approved"
    assert state(net, ob, city_b).state == S.ON_TRACK


def test_milestones_are_owed_by_nobody(net, city_a):
    milestone = obligation(net, ObligationKind.MILESTONE)
    grid = states.matrix(network=net, today=TODAY)
    assert grid.milestones == [milestone] and grid.obligations == []


def test_the_matrix_costs_two_queries_whatever_the_obligations_and_cities(net, city_a, city_b):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            states.matrix(network=net, today=TODAY).all()
        return len(captured.captured_queries)

    obligation(net, ObligationKind.ROADMAP)
    small = queries()
    for kind in ObligationKind.owed_by_each_city():
        if kind not in ObligationKind.once_per_network():
            obligation(net, kind, meeting_number=1, opens_on=TODAY - dt.timedelta(10))
    obligation(net, ObligationKind.ROADMAP_REVIEW, within_days=5)
    for _ in range(5):
        PartnerFactory(network=net)
    assert small == queries() == 2


def test_the_database_refuses_a_second_roadmap_obligation_and_a_review_without_days(net):
    obligation(net, ObligationKind.ROADMAP)
    with pytest.raises(IntegrityError), transaction.atomic():
        obligation(net, ObligationKind.ROADMAP)
    with pytest.raises(IntegrityError), transaction.atomic():
        Obligation.objects.create(network=net, kind=ObligationKind.ROADMAP_REVIEW, title="R")
    with pytest.raises(IntegrityError), transaction.atomic():
        obligation(net, ObligationKind.TNM_ATTENDANCE)  # which TNM?

"""Reminders that know where each city stands: only those who still owe something are
reminded, at the offsets the network sets, each message once; what is late goes to the one
who owes it, then to the coordinator after the grace period. Every message leaves a row
in the audit log."""

import datetime as dt
import time

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from iap.enums import SectionKind, SsaStatus
from iap.models import RoadmapTransition, SmallScaleAction
from meetings.models import Attendance, FollowUp
from partners.enums import ObligationKind, Role
from partners.models import Notification, NotificationEmail, Obligation, UlgMeeting
from progress import tasks
from progress.enums import ReminderStage
from progress.models import ReminderSent
from progress.services import send_obligation_reminders
from reviews import services as engine
from tests.factories import MembershipFactory, UserFactory
from tests.iap.conftest import roadmap_a, roadmap_b  # noqa: F401
from tests.meetings.conftest import checkup_call, meeting  # noqa: F401

BEFORE, LATE, ESCALATED = ReminderStage.BEFORE, ReminderStage.LATE, ReminderStage.ESCALATED
NOTHING = {BEFORE: 0, LATE: 0, ESCALATED: 0}


def run(day: dt.date) -> dict:
    return send_obligation_reminders(today=day)


def messages(obligation) -> list[tuple[str, str]]:
    """(recipient, title) of every reminder notification about the obligation."""
    return sorted(
        (n.recipient.email, n.title)
        for n in Notification.objects.filter(title__startswith=f"{obligation.title}:")
    )


def recipients(obligation) -> list[str]:
    return [email for email, _title in messages(obligation)]


def rows(obligation) -> list[tuple]:
    """The audit log of the obligation: (city, stage, days before, due on, recipients)."""
    return sorted(
        (
            row.partner.city if row.partner else None,
            row.stage,
            row.days_before,
            row.due_on,
            tuple(sorted(u.email for u in row.recipients.all())),
        )
        for row in ReminderSent.objects.filter(obligation=obligation).select_related("partner")
    )


def team(*people) -> tuple:
    return tuple(sorted(person.email for person in people))


def test_only_cities_that_owe_are_reminded_once_then_told_late_then_the_coordinator(
    net, city_a, city_b, roadmap_a, city_member_a, city_coordinator_a,  # noqa: F811
    city_member_b, city_coordinator_b, coordinator, lead_expert, roadmap_obligation,
):  # fmt: skip
    due = roadmap_obligation.due_on  # 31 December 2020; reminders 14 and 3 days before
    assert run(dt.date(2020, 12, 16)) == NOTHING
    assert run(dt.date(2020, 12, 17)) == {**NOTHING, BEFORE: 2}
    assert run(dt.date(2020, 12, 17)) == NOTHING  # a doubled beat sends nothing twice
    assert run(dt.date(2020, 12, 20)) == NOTHING  # still the 14-day one: sent already
    assert sorted(recipients(roadmap_obligation)) == sorted(
        team(city_member_a, city_coordinator_a, city_member_b, city_coordinator_b)
    )

    engine.submit(document=roadmap_a, user=city_coordinator_a)  # A owes nothing
    assert run(dt.date(2020, 12, 28)) == {**NOTHING, BEFORE: 1}
    three_days = [m for m in messages(roadmap_obligation) if m[0] in team(city_member_b)]
    assert len(three_days) == 2  # the 14-day and the 3-day reminders, to Betatown only
    assert run(dt.date(2020, 12, 31)) == NOTHING  # due today: not late yet

    assert run(dt.date(2021, 1, 1)) == {**NOTHING, LATE: 1}
    late = [m for m in messages(roadmap_obligation) if "late since" in m[1]]
    assert [email for email, _title in late] == [city_coordinator_b.email]  # not the member
    assert run(dt.date(2021, 1, 6)) == NOTHING  # 6 days late: the grace period is 7 days

    assert run(dt.date(2021, 1, 7)) == {**NOTHING, ESCALATED: 1}
    assert run(dt.date(2021, 1, 8)) == NOTHING
    told = [m for m in messages(roadmap_obligation) if m[0] == coordinator.email]
    assert len(told) == 1 and "Betatown" in told[0][1] and "Alphaville" not in told[0][1]
    assert not [m for m in messages(roadmap_obligation) if m[0] == lead_expert.email]

    assert rows(roadmap_obligation) == [
        ("Alphaville", BEFORE, 14, due, team(city_coordinator_a, city_member_a)),
        ("Betatown", BEFORE, 3, due, team(city_coordinator_b, city_member_b)),
        ("Betatown", BEFORE, 14, due, team(city_coordinator_b, city_member_b)),
        ("Betatown", ESCALATED, 0, due, team(coordinator)),
        ("Betatown", LATE, 0, due, team(city_coordinator_b)),
    ]
    # Each message went by e-mail too, once per person.
    emails = NotificationEmail.objects.filter(
        notification__title__startswith=roadmap_obligation.title
    )
    assert emails.count() == len(messages(roadmap_obligation)) == 2 + 2 + 2 + 1 + 1


def test_the_coordinator_gets_one_message_listing_the_late_cities(
    net, city_a, city_b, city_coordinator_a, city_member_b, coordinator, roadmap_obligation
):
    # The first run after the grace period: late to each city, then one report.
    assert run(dt.date(2021, 1, 10)) == {**NOTHING, LATE: 2, ESCALATED: 2}
    told = [m for m in messages(roadmap_obligation) if m[0] == coordinator.email]
    assert len(told) == 1
    assert "2 cities are late: Alphaville, Betatown" in told[0][1]
    # Betatown has no city coordinator: its team is told it is late.
    assert (city_member_b.email, told[0][1]) not in messages(roadmap_obligation)
    late = {email for email, title in messages(roadmap_obligation) if "late since" in title}
    assert late == {city_coordinator_a.email, city_member_b.email}
    assert run(dt.date(2021, 1, 11)) == NOTHING


def test_only_the_nearest_offset_crossed_is_sent(
    net, city_a, city_member_a, city_coordinator_a, roadmap_obligation
):
    # Set when two days were left: both the 14-day and the 3-day offsets are crossed.
    assert run(dt.date(2020, 12, 29)) == {**NOTHING, BEFORE: 1}
    assert run(dt.date(2020, 12, 30)) == NOTHING
    assert rows(roadmap_obligation) == [
        (
            "Alphaville",
            BEFORE,
            3,
            roadmap_obligation.due_on,
            team(city_coordinator_a, city_member_a),
        )
    ]
    assert sorted(recipients(roadmap_obligation)) == list(team(city_coordinator_a, city_member_a))


def test_the_late_message_goes_to_this_citys_coordinator_not_to_one_of_another_city(
    net, city_a, city_member_a, other_net, other_city, roadmap_obligation
):
    # Alphaville's team member coordinates a city of another network.
    MembershipFactory(
        user=city_member_a, network=other_net, partner=other_city, role=Role.CITY_COORDINATOR
    )
    chief = UserFactory(email="a-chief@example.org")
    MembershipFactory(user=chief, network=net, partner=city_a, role=Role.CITY_COORDINATOR)
    run(dt.date(2021, 1, 1))
    assert recipients(roadmap_obligation) == [chief.email]


# Every kind of obligation reminds whoever still owes it -----------------------------------

DUE = dt.date(2031, 3, 31)
THREE_DAYS_BEFORE = DUE - dt.timedelta(days=3)


def ssas(request, net, city_a):
    SmallScaleAction.objects.create(partner=city_a, title="Pop-up", status=SsaStatus.PLANNED)
    return {"kind": ObligationKind.SSAS_PLANNED, "target": 1}


def ulg(request, net, city_a):
    UlgMeeting.objects.create(partner=city_a, held_on=dt.date(2031, 2, 1), topic="Kick-off")
    return {"kind": ObligationKind.ULG_MEETING, "opens_on": dt.date(2031, 1, 1)}


def attendance(request, net, city_a):
    tnm = request.getfixturevalue("meeting")
    Attendance.objects.create(
        meeting=tnm, partner=city_a, user=request.getfixturevalue("city_member_a")
    )
    return {"kind": ObligationKind.TNM_ATTENDANCE, "meeting_number": tnm.number}


def follow_ups(request, net, city_a):
    """City B was in a check-up call and has a follow-up to do; A has none."""
    call = request.getfixturevalue("checkup_call")
    call.cities.set([request.getfixturevalue("city_b")])
    FollowUp.objects.create(call=call, task="Send the stakeholder map", due_on=DUE)
    return {"kind": ObligationKind.FOLLOW_UPS}


def final_iap(request, net, city_a):
    """City A has delivered its plan: submitted for review."""
    plan = city_a.action_plan
    plan.sections.filter(kind=SectionKind.CONTEXT).update(body="Few firms report on CSR.")
    engine.submit(user=request.getfixturevalue("city_coordinator_a"), document=plan)
    return {"kind": ObligationKind.FINAL_IAP}


@pytest.mark.parametrize("done_in_a", [ssas, ulg, attendance, follow_ups, final_iap])
def test_each_kind_reminds_the_cities_that_still_owe_it(
    request, net, city_a, city_b, city_member_a, city_member_b, city_coordinator_b, done_in_a
):
    fields = done_in_a(request, net, city_a)
    obligation = Obligation.objects.create(network=net, title="Owed", due_on=DUE, **fields)
    assert run(THREE_DAYS_BEFORE) == {**NOTHING, BEFORE: 1}
    assert rows(obligation) == [
        ("Betatown", BEFORE, 3, DUE, team(city_coordinator_b, city_member_b))
    ]
    assert run(DUE + dt.timedelta(days=1)) == {**NOTHING, LATE: 1}
    assert city_member_a.email not in recipients(obligation)


def test_a_milestone_reminds_nobody(net, city_a, city_member_a, coordinator):
    Obligation.objects.create(
        network=net, kind=ObligationKind.MILESTONE, title="Final event", due_on=DUE
    )
    assert run(THREE_DAYS_BEFORE) == run(DUE + dt.timedelta(days=30)) == NOTHING
    assert not ReminderSent.objects.exists()


def submitted_days_ago(roadmap, days):
    """Date the roadmap's last submission `days` days back, as if it had been made then."""
    at = timezone.now() - dt.timedelta(days=days)
    transition = RoadmapTransition.objects.filter(roadmap=roadmap).latest("at", "pk")
    RoadmapTransition.objects.filter(pk=transition.pk).update(at=at)
    type(roadmap).objects.filter(pk=roadmap.pk).update(submitted_at=at, state_since=at)
    return timezone.localdate(at)


def test_reviews_remind_the_lead_expert_and_each_submission_has_its_own(
    net, city_a, city_b, roadmap_a, city_coordinator_a, city_member_a,  # noqa: F811
    lead_expert, coordinator, review_obligation,
):  # fmt: skip
    review_obligation.remind_days = [3]
    review_obligation.save()
    engine.submit(document=roadmap_a, user=city_coordinator_a)
    first = submitted_days_ago(roadmap_a, 30)
    first_due = first + dt.timedelta(days=10)
    assert run(first + dt.timedelta(days=1)) == NOTHING  # 9 days left
    assert run(first + dt.timedelta(days=7)) == {**NOTHING, BEFORE: 1}
    assert run(first + dt.timedelta(days=11)) == {**NOTHING, LATE: 1}
    assert run(first + dt.timedelta(days=17)) == {**NOTHING, ESCALATED: 1}
    reminded = [m for m in messages(review_obligation) if m[0] == lead_expert.email]
    assert len(reminded) == 2
    assert all("the review of Alphaville's roadmap" in title for _email, title in reminded)
    assert city_member_a.email not in recipients(review_obligation)

    # Changes requested, the city submits again today: a new review, new reminders.
    engine.request_changes(document=roadmap_a, user=lead_expert, comment="Dates")
    engine.submit(document=roadmap_a, user=city_coordinator_a)
    today = timezone.localdate()
    second_due = today + dt.timedelta(days=10)
    assert run(today) == NOTHING
    assert run(today + dt.timedelta(days=7)) == {**NOTHING, BEFORE: 1}
    assert rows(review_obligation) == sorted([
        ("Alphaville", BEFORE, 3, first_due, team(lead_expert)),
        ("Alphaville", LATE, 0, first_due, team(lead_expert)),
        ("Alphaville", ESCALATED, 0, first_due, team(coordinator)),
        ("Alphaville", BEFORE, 3, second_due, team(lead_expert)),
    ])  # fmt: skip
    # Decided: nothing more is owed.
    engine.approve(document=roadmap_a, user=lead_expert)
    assert run(today + dt.timedelta(days=20)) == NOTHING


# At the same time, and through the real worker ----------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_four_runs_at_once_send_one_reminder(net, city_a, city_member_a, roadmap_obligation):
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connection

    def one_run(_):
        try:  # two days left: both the 14-day and the 3-day offsets are crossed
            return run(dt.date(2020, 12, 29))[BEFORE]
        finally:
            connection.close()

    for round_ in range(10):  # a new race each round
        ReminderSent.objects.all().delete()
        Notification.objects.all().delete()
        with ThreadPoolExecutor(max_workers=4) as pool:
            reminded = sum(pool.map(one_run, range(4)))
        assert reminded == 1, f"round {round_}: {reminded} messages to one city"
        assert ReminderSent.objects.count() == 1
        assert recipients(roadmap_obligation) == [city_member_a.email]


@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_reminders_run_through_a_real_worker_once_and_the_log_lists_them(
    celery_worker, client_for, net, city_a, city_b, city_member_a, city_coordinator_a,
    city_member_b, coordinator, roadmap_obligation,
):  # fmt: skip
    from celery.signals import task_postrun

    from tests.services import wait_until

    finished = []

    def count(sender=None, **kwargs):
        if sender is not None and sender.name == tasks.send_obligation_reminders.name:
            finished.append(kwargs.get("task_id"))

    task_postrun.connect(count, weak=False)
    try:
        tasks.send_obligation_reminders.delay("2020-12-29")
        tasks.send_obligation_reminders.delay("2020-12-29")
        assert wait_until(lambda: len(finished) == 2)
    finally:
        task_postrun.disconnect(count)
    owed = team(city_member_a, city_coordinator_a, city_member_b)
    assert wait_until(lambda: len(mail.outbox) == len(owed))
    time.sleep(0.5)  # an e-mail sent twice would arrive now
    assert sorted(address for message in mail.outbox for address in message.to) == list(owed)
    assert all("IAP roadmaps submitted: due on" in message.subject for message in mail.outbox)
    assert rows(roadmap_obligation) == [
        (
            "Alphaville",
            BEFORE,
            3,
            roadmap_obligation.due_on,
            team(city_coordinator_a, city_member_a),
        ),
        ("Betatown", BEFORE, 3, roadmap_obligation.due_on, team(city_member_b)),
    ]

    # Eight days late, past the seven days of grace: each city's coordinator (Betatown has
    # none: its team) is told, and the coordinator gets one message naming both cities.
    mail.outbox.clear()
    finished.clear()
    task_postrun.connect(count, weak=False)
    try:
        tasks.send_obligation_reminders.delay("2021-01-08")
        tasks.send_obligation_reminders.delay("2021-01-08")
        assert wait_until(lambda: len(finished) == 2)
    finally:
        task_postrun.disconnect(count)
    assert wait_until(lambda: len(mail.outbox) == 3)
    time.sleep(0.5)
    by_address = {message.to[0]: message.subject for message in mail.outbox}
    assert sorted(by_address) == sorted([city_coordinator_a.email, city_member_b.email,
                                         coordinator.email])  # fmt: skip
    assert "late since" in by_address[city_member_b.email]
    assert "2 cities are late: Alphaville, Betatown" in by_address[coordinator.email]
    escalated = [row for row in rows(roadmap_obligation) if row[1] == ESCALATED]
    assert [row[0] for row in escalated] == ["Alphaville", "Betatown"]

    log = client_for(coordinator).get(reverse("progress:reminder_log", args=[net.slug]))
    text = log.content.decode()
    assert text.count("Reminder before the date") == 2
    assert text.count("Late: told the coordinator") == 2
    for person in (city_member_a, city_coordinator_a, city_member_b, coordinator):
        assert f"{person.get_full_name()} &lt;{person.email}&gt;" in text


def test_a_delay_long_past_when_the_obligation_is_first_seen_sends_no_late_news(
    net, city_a, city_coordinator_a, coordinator, roadmap_obligation
):
    """Deploying on a network whose 2020 roadmap deadline a city still misses does not
    tell anyone of a years-old delay; a delay of last week is told."""
    assert run(dt.date(2023, 6, 1)) == NOTHING
    assert not ReminderSent.objects.exists()
    Obligation.objects.filter(pk=roadmap_obligation.pk).update(due_on=dt.date(2023, 5, 25))
    assert run(dt.date(2023, 6, 1)) == {**NOTHING, LATE: 1, ESCALATED: 1}


def test_a_long_grace_period_still_tells_the_coordinator(
    net, city_a, city_coordinator_a, coordinator, roadmap_obligation
):
    Obligation.objects.filter(pk=roadmap_obligation.pk).update(grace_days=90)
    due = roadmap_obligation.due_on
    assert run(due + dt.timedelta(days=89))[ESCALATED] == 0
    assert run(due + dt.timedelta(days=90))[ESCALATED] == 1
    assert recipients(roadmap_obligation).count(coordinator.email) == 1


def test_nobody_to_tell_leaves_no_line_in_the_log(net, city_a, roadmap_obligation):
    """A city with no team yet: the log does not claim a reminder went out."""
    assert run(roadmap_obligation.due_on - dt.timedelta(days=3)) == NOTHING
    assert not ReminderSent.objects.exists()


def test_a_review_reminds_both_reviewers_and_not_the_moment_it_arrives(
    net, city_a, roadmap_a, city_coordinator_a, lead_expert, lead_partner,  # noqa: F811
    review_obligation,
):  # fmt: skip
    """Ten days to review, reminders at 14 and 3 days: 14 would fire on submission."""
    assert review_obligation.remind_days == [14, 3] and review_obligation.within_days == 10
    engine.submit(document=roadmap_a, user=city_coordinator_a)
    today = timezone.localdate()
    assert run(today) == NOTHING
    assert run(today + dt.timedelta(days=7)) == {**NOTHING, BEFORE: 1}
    assert sorted(recipients(review_obligation)) == sorted([lead_expert.email,
                                                            lead_partner.email])  # fmt: skip


def test_the_log_outlives_a_removed_city_and_a_removed_obligation(
    net, city_a, city_b, city_coordinator_a, city_coordinator_b, roadmap_obligation
):
    run(roadmap_obligation.due_on + dt.timedelta(days=1))  # both late: two lines alike
    assert ReminderSent.objects.filter(stage=LATE).count() == 2
    city_a.delete()
    city_b.delete()
    roadmap_obligation.delete()
    lines = ReminderSent.objects.filter(network=net, stage=LATE)
    assert sorted(lines.values_list("city_name", flat=True)) == ["Alphaville", "Betatown"]
    assert set(lines.values_list("obligation_title", flat=True)) == {"IAP roadmaps submitted"}

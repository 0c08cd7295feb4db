"""Reminders go out at the right moments, exactly once, over a real SMTP server.

Most tests run the beat's sweep (`services.send_due_notices`) in the test process, so
that each one knows when the sweep is over; two smoke tests, marked `celery`, go through
a real worker: a beat tick, and a cancellation that is sent at once after the commit.
"""

import datetime as dt
import logging
from concurrent.futures import ThreadPoolExecutor

import pytest
from icalendar import Calendar
from kombu.exceptions import OperationalError

from meetings import services, tasks
from meetings.models import Notice, ReminderPolicy
from portal.outbox import OutboxStatus
from tests.meetings.conftest import START
from tests.services import unreachable_broker


def tick(now):
    """One beat tick at the given moment, for the real worker."""
    return tasks.send_due_reminders.delay(now.isoformat())


def sweep(now=None):
    """One beat tick at the given moment, run here; returns what it did."""
    return services.send_due_notices(now=now)


def received(mailbox):
    return sorted((m["To"], m["Subject"]) for m in mailbox.messages)


def ics_of(message):
    for part in message.iter_attachments():
        if part.get_content_type() == "text/calendar":
            return Calendar.from_ical(part.get_content())
    raise AssertionError("no calendar attached")


def emails(people):
    return sorted(p.email for p in people)


@pytest.fixture
def people(attending, coordinator, lead_partner, lead_expert):
    """Who gets the meeting's e-mails: its attendee and the network's staff."""
    return [*attending, coordinator, lead_partner, lead_expert]


@pytest.mark.celery
def test_a_beat_tick_sends_the_due_reminders_through_a_real_worker(
    celery_worker, smtp, meeting, people
):
    tick(START - dt.timedelta(days=7))
    smtp.wait_for(len(people))
    assert sorted(m["To"] for m in smtp.messages) == emails(people)
    assert {m["Subject"] for m in smtp.messages} == {
        "Reminder: TNM #5: State of the art, in 7 days"
    }
    event = next(iter(ics_of(smtp.messages[0]).walk("VEVENT")))
    assert event.decoded("dtstart") == START


def test_reminders_go_out_7_days_1_day_and_1_hour_before(smtp, meeting, people):
    assert sweep(START - dt.timedelta(days=8))["sent"] == 0
    assert sweep(START - dt.timedelta(days=7, minutes=1))["sent"] == 0
    assert smtp.messages == [] and not Notice.objects.exists()  # nothing is due yet

    assert sweep(START - dt.timedelta(days=7))["sent"] == len(people)
    assert sorted(m["To"] for m in smtp.messages) == emails(people)
    assert {m["Subject"] for m in smtp.messages} == {
        "Reminder: TNM #5: State of the art, in 7 days"
    }
    calendar = ics_of(smtp.messages[0])
    event = next(iter(calendar.walk("VEVENT")))
    assert event.decoded("dtstart") == START
    assert event.decoded("dtend") == START + dt.timedelta(hours=4)
    assert str(calendar["method"]) == "REQUEST"

    assert sweep(START - dt.timedelta(hours=23))["sent"] == len(people)  # 1-day, an hour late
    assert sweep(START - dt.timedelta(minutes=60))["sent"] == len(people)
    subjects = [m["Subject"] for m in smtp.messages]
    # The late one says how long was really left.
    assert subjects.count("Reminder: TNM #5: State of the art, in 23 hours") == len(people)
    assert subjects.count("Reminder: TNM #5: State of the art, in 1 hour") == len(people)
    assert len(smtp.messages) == 3 * len(people)


def test_the_reminder_shows_the_time_in_the_persons_time_zone(
    smtp, meeting, attending, city_member_a
):
    city_member_a.time_zone = "Europe/Sofia"
    city_member_a.save()
    sweep(START - dt.timedelta(days=1))
    mine = next(m for m in smtp.messages if m["To"] == city_member_a.email)
    text = mine.get_body(preferencelist=("plain",)).get_content()
    assert "Sunday 16 February 2031, 11:00 – 15:00 (EET, Europe/Sofia)" in text, repr(text)


def test_a_repeated_sweep_sends_nothing_twice(smtp, meeting, people, checkup_call):
    now = START - dt.timedelta(days=1)
    # The meeting: 4 people × 1 day (the 7-day one, due too, is skipped for it);
    # the call, two days later: 4 × 7 days.
    expected = 4 * 1 + 4 * 1
    first = sweep(now)
    assert first["sent"] == expected and first["skipped"] == 4
    for _ in range(3):  # a retried task, a doubled beat tick
        assert sweep(now)["sent"] == 0
    assert len(smtp.messages) == expected
    assert len(set(received(smtp))) == expected
    assert not Notice.objects.filter(status=OutboxStatus.PENDING).exists()


@pytest.mark.django_db(transaction=True)
def test_parallel_sweeps_send_each_reminder_once(smtp, meeting, net, city_a):
    from partners.enums import Role
    from tests.factories import MembershipFactory, UserFactory

    for _ in range(40):
        person = UserFactory()
        MembershipFactory(user=person, network=net, partner=city_a, role=Role.CITY_TEAM_MEMBER)
        meeting.attendances.create(partner=city_a, user=person)
    now = START - dt.timedelta(hours=1)

    def parallel_sweep(_):
        from django.db import connection

        try:
            return sweep(now)["sent"]
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=4) as pool:
        sent = sum(pool.map(parallel_sweep, range(4)))
    # An hour before, the 7-day, 1-day and 1-hour reminders are all due: only the last goes.
    assert sent == 40 == len(smtp.messages)
    assert len(set(received(smtp))) == 40
    assert Notice.objects.filter(status=OutboxStatus.SKIPPED).count() == 40 * 2


def test_nothing_is_lost_while_the_broker_is_down_and_late_reminders_are_skipped(
    smtp, meeting, people, checkup_call, caplog
):
    with unreachable_broker(), pytest.raises(OperationalError):
        tick(START - dt.timedelta(days=7))  # this beat tick never reaches a worker
    assert not Notice.objects.exists()

    # Redis is back a day after the meeting started (the call starts two days later).
    with caplog.at_level(logging.WARNING, logger="meetings.services"):
        counts = sweep(START + dt.timedelta(days=1, hours=1))
    assert counts["sent"] == 4 and counts["skipped"] == 4 * 3 + 4
    assert not Notice.objects.filter(status=OutboxStatus.PENDING).exists()
    # The call has not started: its 1-day reminder goes out, late, with the time really
    # left; its 7-day one is skipped.
    call_mail = [m for m in smtp.messages if "December check-up" in m["Subject"]]
    assert len(call_mail) == len(smtp.messages) == 4
    assert {m["Subject"] for m in call_mail} == {
        "Reminder: December check-up: Alphaville, in 23 hours"
    }
    assert Notice.objects.filter(call=checkup_call, status=OutboxStatus.SKIPPED).count() == 4
    # The meeting had started: its reminders are skipped, and the log says so.
    skipped = Notice.objects.filter(meeting=meeting, status=OutboxStatus.SKIPPED)
    assert skipped.count() == 4 * 3
    assert "Skipped the 10080-minute reminder of TNM #5" in caplog.text


def test_a_new_time_replans_the_reminders_and_tells_everyone(smtp, meeting, people, coordinator):
    assert sweep(START - dt.timedelta(days=7))["sent"] == 4
    later = START + dt.timedelta(days=14)
    services.event_reschedule(
        user=coordinator, event=meeting, starts_at=later, ends_at=later + dt.timedelta(hours=3)
    )
    assert sweep()["sent"] == 4  # the "new time" notices are due at once
    updates = [m for m in smtp.messages if m["Subject"].startswith("New time:")]
    assert len(updates) == 4
    event = next(iter(ics_of(updates[0]).walk("VEVENT")))
    assert event.decoded("dtstart") == later and int(event["sequence"]) == 1

    # The old 1-day reminder is not sent; the 7-day one for the new time is.
    assert sweep(START - dt.timedelta(days=1))["sent"] == 0
    assert sweep(later - dt.timedelta(days=7))["sent"] == 4
    assert [m["Subject"] for m in smtp.messages[8:]] == [
        "Reminder: TNM #5: State of the art, in 7 days"
    ] * 4


def test_a_cancellation_is_sent_with_a_calendar_cancel_and_stops_the_reminders(
    smtp, meeting, people, coordinator
):
    services.event_cancel(user=coordinator, event=meeting)
    assert sweep()["sent"] == 4
    assert {m["Subject"] for m in smtp.messages} == {"Cancelled: TNM #5: State of the art"}
    calendar = ics_of(smtp.messages[0])
    assert str(calendar["method"]) == "CANCEL"
    assert str(next(iter(calendar.walk("VEVENT")))["status"]) == "CANCELLED"
    # What a planned meeting would get now, a cancelled one does not.
    assert sweep(START - dt.timedelta(hours=1))["sent"] == 0
    assert len(smtp.messages) == 4


@pytest.mark.celery
def test_a_cancellation_goes_out_through_the_worker_as_soon_as_it_is_saved(
    celery_worker, smtp, meeting, people, coordinator
):
    services.event_cancel(user=coordinator, event=meeting)  # no sweep: the worker is asked
    messages = smtp.wait_for(4)
    assert sorted(m["To"] for m in messages) == emails(people)
    assert {m["Subject"] for m in messages} == {"Cancelled: TNM #5: State of the art"}


def test_offsets_are_configurable_per_network(smtp, meeting, attending, net):
    ReminderPolicy.objects.create(network=net, offsets_minutes=[2 * 24 * 60])
    assert sweep(START - dt.timedelta(days=7))["sent"] == 0
    assert smtp.messages == []
    assert sweep(START - dt.timedelta(days=2))["sent"] > 0
    assert {m["Subject"] for m in smtp.messages} == {
        "Reminder: TNM #5: State of the art, in 2 days"
    }


def test_a_new_attendee_gets_the_reminders_still_to_come(
    smtp, meeting, attending, city_b, city_member_b
):
    sweep(START - dt.timedelta(days=7))
    assert city_member_b.email not in [m["To"] for m in smtp.messages]
    meeting.attendances.create(partner=city_b, user=city_member_b)
    sweep(START - dt.timedelta(days=1))
    mine = [m["Subject"] for m in smtp.messages if m["To"] == city_member_b.email]
    # The 7-day moment had passed: only the nearest reminder still to come goes out.
    assert mine == ["Reminder: TNM #5: State of the art, in 1 day"]


def test_an_smtp_failure_is_retried_by_the_next_sweep(settings, meeting, attending):
    from tests.services import free_port, smtp_server

    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", free_port()  # nobody listens
    settings.EMAIL_TIMEOUT = 2
    counts = sweep(START - dt.timedelta(days=7))
    assert counts["failed"] == 1 and counts["sent"] == 0  # tried once per sweep, not in a loop
    with smtp_server() as mailbox:
        settings.EMAIL_PORT = mailbox.port
        counts = sweep(START - dt.timedelta(days=7))
    assert counts["sent"] == 1 and len(mailbox.messages) == 1
    assert Notice.objects.get(offset_minutes=7 * 24 * 60).attempts == 2


def test_each_reminder_of_a_batch_greets_its_reader_in_their_own_time_zone(
    smtp, meeting, people, city_member_a, lead_expert
):
    city_member_a.full_name, city_member_a.time_zone = "Ilze Ozola", "Europe/Riga"
    city_member_a.save()
    lead_expert.full_name, lead_expert.time_zone = "Jordi Puig", "Europe/Madrid"
    lead_expert.save()
    sweep(START - dt.timedelta(days=7))  # one batch: the body is shared per time zone
    smtp.wait_for(len(people))
    bodies = {m["To"]: m.get_body(("plain",)).get_content() for m in smtp.messages}
    riga, madrid = bodies[city_member_a.email], bodies[lead_expert.email]
    assert "Dear Ilze Ozola," in riga and "Jordi Puig" not in riga
    assert "Dear Jordi Puig," in madrid and "Ilze Ozola" not in madrid
    assert "11:00" in riga and "Europe/Riga" in riga  # START is 09:00 UTC
    assert "10:00" in madrid and "Europe/Madrid" in madrid
    assert all("\x00" not in body for body in bodies.values())

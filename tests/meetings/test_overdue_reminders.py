"""Overdue reminders: for a meeting 30 minutes away each participant once got "in 7 days",
"in 1 day" and "in 1 hour" at the same moment; the same after a Redis outage. Only the
nearest reminder goes out, saying how long is really left; the others are recorded as
skipped.
"""

import datetime as dt

import pytest

from meetings import services
from meetings.enums import NoticeKind
from meetings.models import Notice
from portal.outbox import OutboxStatus
from tests.meetings.conftest import START

DAY, HOUR = 24 * 60, 60


@pytest.fixture
def people(attending, coordinator, lead_partner, lead_expert):
    return [*attending, coordinator, lead_partner, lead_expert]


def body_of(message):
    return message.get_body(preferencelist=("plain",)).get_content()


def test_a_meeting_30_minutes_away_sends_one_reminder_with_the_time_really_left(
    smtp, meeting, people
):
    counts = services.send_due_notices(now=START - dt.timedelta(minutes=30))

    assert counts["sent"] == len(people) and counts["skipped"] == 2 * len(people)
    assert sorted(m["To"] for m in smtp.messages) == sorted(p.email for p in people)
    assert {m["Subject"] for m in smtp.messages} == {
        "Reminder: TNM #5: State of the art, in 30 minutes"
    }
    assert all(
        "TNM #5: State of the art starts in 30 minutes." in body_of(m) for m in smtp.messages
    )
    statuses = {
        (row.offset_minutes, row.status)
        for row in Notice.objects.filter(meeting=meeting, kind=NoticeKind.REMINDER)
    }
    assert statuses == {
        (7 * DAY, OutboxStatus.SKIPPED),
        (DAY, OutboxStatus.SKIPPED),
        (HOUR, OutboxStatus.SENT),
    }
    # A second sweep neither sends the skipped ones nor the sent one again.
    assert services.send_due_notices(now=START - dt.timedelta(minutes=29))["sent"] == 0
    assert len(smtp.messages) == len(people)


def test_a_reminder_left_pending_is_skipped_once_a_nearer_one_falls_due(smtp, meeting, attending):
    """A 7-day reminder that could not go out (the mail server was down) is not sent
    a day before, next to the 1-day one."""
    services.plan_due_reminders(now=START - dt.timedelta(days=7))
    assert Notice.objects.filter(status=OutboxStatus.PENDING).count() == 1

    services.send_due_notices(now=START - dt.timedelta(hours=20))

    assert [m["Subject"] for m in smtp.messages] == [
        "Reminder: TNM #5: State of the art, in 20 hours"
    ]
    assert Notice.objects.get(offset_minutes=7 * DAY).status == OutboxStatus.SKIPPED
    assert Notice.objects.get(offset_minutes=DAY).status == OutboxStatus.SENT


@pytest.mark.parametrize(
    "left, words",
    [
        (dt.timedelta(days=7), "7 days"),
        (dt.timedelta(days=7) - dt.timedelta(seconds=50), "7 days"),  # the next beat tick
        (dt.timedelta(days=1, hours=5, minutes=10), "1 day and 5 hours"),
        (dt.timedelta(hours=23), "23 hours"),
        (dt.timedelta(hours=1, minutes=5), "1 hour and 5 minutes"),
        (dt.timedelta(hours=1), "1 hour"),
        (dt.timedelta(minutes=30, seconds=10), "30 minutes"),
        (dt.timedelta(seconds=5), "1 minute"),
    ],
)
def test_the_time_left_is_said_as_a_person_would(left, words):
    assert services.time_left_words(left) == words

"""E-mail subjects are one line of plain text.

Subjects were HTML-escaped (`TNM #3: CSR &amp; …`), and a line break in a title made the
mail library refuse every e-mail of that event, at every retry, until they failed for good.
"""

import datetime as dt

import pytest
from django.core import mail

from meetings import services as meeting_services
from meetings.models import Attendance, Meeting, Notice
from partners import services as partner_services
from partners.enums import Role
from partners.models import InvitationEmail, NotificationEmail
from portal.outbox import OutboxStatus, one_line, send_pending

START = dt.datetime(2031, 2, 16, 9, 0, tzinfo=dt.UTC)
TITLE = "CSR & SDGs <now>\nsecond line"


@pytest.fixture
def meeting(net, city_a, city_member_a):
    meeting = Meeting.objects.create(
        network=net, number=3, title=TITLE, starts_at=START, ends_at=START + dt.timedelta(hours=2)
    )
    Attendance.objects.create(meeting=meeting, partner=city_a, user=city_member_a)
    return meeting


def test_a_reminder_about_a_title_with_a_line_break_and_an_ampersand_is_sent(
    meeting, city_member_a
):
    meeting_services.send_due_notices(now=START - dt.timedelta(days=7))

    assert Notice.objects.get().status == OutboxStatus.SENT
    [message] = mail.outbox
    assert message.subject == "Reminder: TNM #3: CSR & SDGs <now> second line, in 7 days"
    assert "TNM #3: CSR & SDGs <now>" in message.body and "&amp;" not in message.body
    assert "\n" not in message.message()["Subject"]


def test_new_time_and_cancellation_subjects_are_plain_text(meeting, coordinator):
    later = START + dt.timedelta(days=1)
    meeting_services.event_reschedule(
        user=coordinator, event=meeting, starts_at=later, ends_at=later + dt.timedelta(hours=2)
    )
    meeting_services.send_due_notices()
    meeting_services.event_cancel(user=coordinator, event=meeting)
    meeting_services.send_due_notices()

    subjects = {m.subject for m in mail.outbox}
    assert subjects == {
        "New time: TNM #3: CSR & SDGs <now> second line",
        "Cancelled: TNM #3: CSR & SDGs <now> second line",
    }
    assert not Notice.objects.exclude(status=OutboxStatus.SENT).exists()


def test_an_invitation_subject_and_text_are_plain_text(net, coordinator):
    net.acronym, net.name = "R&D <1>", "Cities & Companies"
    net.save()
    partner_services.invitation_create(
        user=coordinator, network=net, email="lucia@example.org", role=Role.AD_HOC_EXPERT
    )
    send_pending(models=[InvitationEmail])

    [message] = mail.outbox
    assert message.subject == "Invitation to join R&D <1> on the CITIES4CSR portal"
    assert "R&D <1> (Cities & Companies)" in message.body
    assert InvitationEmail.objects.get().status == OutboxStatus.SENT


def test_a_notification_with_a_line_break_in_its_title_is_sent_on_one_line(city_member_a):
    partner_services.notify(recipients=[city_member_a], title="Q&A\r\nmoved", email=True)
    send_pending(models=[NotificationEmail])

    assert [m.subject for m in mail.outbox] == ["[CITIES4CSR portal] Q&A moved"]
    assert NotificationEmail.objects.get().status == OutboxStatus.SENT


@pytest.mark.parametrize(
    "subject, line",
    [
        ("Reminder:\n  TNM #3", "Reminder: TNM #3"),
        ("a\r\nb\tc\u2028d", "a b c d"),
        ("  plain  ", "plain"),
    ],
)
def test_a_subject_is_sent_as_one_line(subject, line):
    assert one_line(subject) == line


@pytest.mark.parametrize(
    "subject",
    [
        "Reminder: TNM 7 in Sofia starts in 1 hour",
        "Rappel : la réunion de Nantes Métropole commence dans 1 heure",
        "A subject long enough to be folded by the mail library over more than one line of"
        " the e-mail, as RFC 5322 asks of lines longer than seventy-eight characters",
        "Two  spaces and a trailing one ",
    ],
)
def test_plain_headers_are_written_as_the_mail_library_writes_them(subject):
    from email import policy

    from portal.outbox import OutboxEmail

    email = OutboxEmail(subject=subject, body="Dear Ilze,", to=["ilze@example.org"])
    email.attach("invite.ics", b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n", "text/calendar")
    email.extra_headers["Message-ID"] = "<notice-1@portal.example.org>"
    message = email.message()
    ours = message.as_bytes(linesep="\r\n")
    message.policy = policy.compat32
    assert ours == message.as_bytes(linesep="\r\n")

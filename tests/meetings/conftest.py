import datetime as dt

import pytest

from meetings.enums import CallKind
from meetings.models import Attendance, Call, Meeting
from tests.services import smtp_server

START = dt.datetime(2031, 2, 16, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def meeting(net, city_a):
    return Meeting.objects.create(
        network=net,
        number=5,
        title="State of the art",
        starts_at=START,
        ends_at=START + dt.timedelta(hours=4),
        online_link="https://meet.example.org/tnm5",
        host=city_a,
    )


@pytest.fixture
def attending(meeting, city_a, city_member_a):
    Attendance.objects.create(meeting=meeting, partner=city_a, user=city_member_a)
    return [city_member_a]


@pytest.fixture
def checkup_call(net, city_a, city_member_a, city_coordinator_a, lead_partner, lead_expert):
    call = Call.objects.create(
        network=net,
        kind=CallKind.CHECKUP,
        title="December check-up: Alphaville",
        starts_at=START + dt.timedelta(days=2),
        ends_at=START + dt.timedelta(days=2, hours=1),
    )
    call.cities.set([city_a])
    call.participants.set([city_member_a, city_coordinator_a, lead_partner, lead_expert])
    return call


@pytest.fixture
def smtp(settings):
    """Django's mail framework sending to a real SMTP server on loopback."""
    with smtp_server() as mailbox:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = mailbox.port
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_HOST_USER = ""
        settings.EMAIL_HOST_PASSWORD = ""
        yield mailbox

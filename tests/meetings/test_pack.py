"""The meeting pack: one PDF per meeting, read back with pypdf as a member would read it."""

import datetime as dt
import io

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from pypdf import PdfReader

from meetings.enums import AgendaKind, DocumentKind, MeetingFormat, MeetingStatus
from meetings.models import (
    Action,
    AgendaItem,
    Attendance,
    Decision,
    Document,
    GuestSpeaker,
    Meeting,
)
from tests.factories import MembershipFactory, PartnerFactory, UserFactory

#: TNM #7, Sofia, 10–11 February 2021 (times in UTC: Sofia is UTC+2, Brussels UTC+1).
DAY_ONE = dt.datetime(2021, 2, 10, 7, 30, tzinfo=dt.UTC)
#: A meeting not held yet.
LATER = dt.datetime(2031, 2, 16, 7, 30, tzinfo=dt.UTC)


@pytest.fixture
def tnm7(net, city_a, city_b, city_member_a, city_member_b, city_coordinator_b, coordinator):
    meeting = Meeting.objects.create(
        network=net,
        number=7,
        title="Planning Implementation",
        starts_at=DAY_ONE,
        ends_at=DAY_ONE + dt.timedelta(days=1, hours=4),
        format=MeetingFormat.HYBRID,
        venue="Sofia City Hall, 33 Moskovska St",
        online_link="https://meet.example.org/tnm7",
        host=city_b,
        minutes="## Opening\n\nThe cities **agreed** the plan.<script>alert('x')</script>",
    )
    keynote = AgendaItem.objects.create(
        meeting=meeting, starts_at=DAY_ONE, title="Welcome by the host", kind=AgendaKind.KEYNOTE
    )
    keynote.speakers.set([city_coordinator_b])
    workshop = AgendaItem.objects.create(
        meeting=meeting,
        starts_at=DAY_ONE + dt.timedelta(days=1),
        title="Funding the actions",
        kind=AgendaKind.WORKSHOP,
    )
    GuestSpeaker.objects.create(agenda_item=workshop, name="Ana Ruiz", affiliation="URBACT")
    Attendance.objects.create(meeting=meeting, partner=city_a, user=city_member_a)
    Attendance.objects.create(meeting=meeting, partner=city_b, user=city_member_b)
    Decision.objects.create(meeting=meeting, text="Each city tests one action by June.")
    Action.objects.create(
        meeting=meeting,
        task="Send the draft budget",
        partner=city_a,
        owner=city_member_a,
        due_on=dt.date(2021, 3, 15),
    )
    Action.objects.create(meeting=meeting, task="Circulate the photos", partner=city_b)
    return meeting


@pytest.fixture
def with_documents(tnm7, city_b, city_coordinator_b, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    document = Document(
        meeting=tnm7, title="Sofia's roadmap slides", kind=DocumentKind.PRESENTATION,
        partner=city_b, uploaded_by=city_coordinator_b,
    )  # fmt: skip
    document.file.save("sofia.pdf", ContentFile(b"%PDF-1.4 slides"), save=True)
    return [document]


def pack_text(client, meeting) -> str:
    response = client.get(
        reverse("meetings:meeting_pack", args=[meeting.network.slug, meeting.number])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def test_the_pack_has_the_programme_by_day_attendance_by_city_and_the_actions(
    client_for, tnm7, with_documents, city_member_a
):
    city_member_a.time_zone = "Europe/Sofia"
    city_member_a.save()

    text = pack_text(client_for(city_member_a), tnm7)

    assert "Transnational meeting #7: Planning Implementation" in text
    assert "Wed 10 – Thu 11 Feb 2021, 09:30–13:30 EET" in text
    assert "Hybrid · Sofia City Hall, 33 Moskovska St · hosted by Betatown" in text
    # The programme, by day, in the reader's zone.
    day_one, day_two = text.index("Wednesday 10 February 2021"), text.index("Thursday 11 February")
    assert day_one < text.index("09:30 Welcome by the host") < day_two
    assert day_two < text.index("09:30 Funding the actions")
    assert "Ana Ruiz (URBACT)" in text
    # Attendance by city, the cities in order.
    assert text.index("Alphaville (1)") < text.index("Betatown (1)")
    assert city_member_a.get_full_name() in text
    # The minutes rendered and sanitised, the decisions and the actions with their owners.
    assert "Opening The cities agreed the plan." in text
    assert "alert(" not in text
    assert "Each city tests one action by June." in text
    assert "Send the draft budget" in text
    assert f"{city_member_a.get_full_name()} (Alphaville) 15 Mar 2021 Open" in text
    assert "Circulate the photos Betatown — Open" in text
    # The documents, with their type and who uploaded them.
    assert "Sofia's roadmap slides Presentation" in text
    assert "(Betatown)" in text[text.index("Sofia's roadmap slides") :]
    # The online link is of no use after the meeting; the pack does not carry it.
    assert "meet.example.org" not in text


def test_the_days_are_those_of_the_readers_zone(client_for, net, city_member_a):
    """An item at 23:30 UTC is on the next day in Sofia and on the same day in Lisbon."""
    start = dt.datetime(2021, 2, 10, 20, 0, tzinfo=dt.UTC)
    meeting = Meeting.objects.create(
        network=net, number=8, title="Evening session", starts_at=start,
        ends_at=start + dt.timedelta(hours=5),
    )  # fmt: skip
    AgendaItem.objects.create(
        meeting=meeting, starts_at=start + dt.timedelta(hours=3, minutes=30),
        title="Late exchange", kind=AgendaKind.NETWORK_EXCHANGE,
    )  # fmt: skip
    client = client_for(city_member_a)
    for zone, day in [("Europe/Sofia", "Thursday 11 February 2021"),
                      ("Europe/Lisbon", "Wednesday 10 February 2021")]:  # fmt: skip
        city_member_a.time_zone = zone
        city_member_a.save()
        text = pack_text(client, meeting)
        assert f"{day} " in text
        assert text.index(day) < text.index("Late exchange")


def test_an_empty_meeting_still_makes_a_pack(client_for, net, city_member_a):
    meeting = Meeting.objects.create(
        network=net, number=9, title="Short call", starts_at=DAY_ONE,
        ends_at=DAY_ONE + dt.timedelta(hours=1),
    )  # fmt: skip
    text = pack_text(client_for(city_member_a), meeting)
    for empty in ["No programme was recorded.", "No attendance was registered.",
                  "No minutes were written.", "No actions were agreed.",
                  "No documents were shared."]:  # fmt: skip
        assert empty in text


def test_before_the_end_the_pack_is_refused_with_when_it_will_be_ready(
    client_for, tnm7, city_member_a
):
    tnm7.starts_at, tnm7.ends_at = LATER, LATER + dt.timedelta(days=1, hours=4)
    tnm7.save()
    city_member_a.time_zone = "Europe/Sofia"
    city_member_a.save()
    client = client_for(city_member_a)
    url = reverse("meetings:meeting_pack", args=[tnm7.network.slug, 7])

    response = client.get(url)

    assert response.status_code == 403
    text = " ".join(response.content.decode().split())
    assert "The meeting pack is not ready yet" in text
    assert "once the meeting has ended: from Mon 17 Feb 2031, 13:30 EET" in text
    assert (
        'href="/n/testnet/meetings/7/pack.pdf"'
        not in client.get(tnm7.get_absolute_url()).content.decode()
    )

    tnm7.starts_at, tnm7.ends_at = DAY_ONE, DAY_ONE + dt.timedelta(hours=4)
    tnm7.save()
    assert client.get(url).status_code == 200
    assert (
        'href="/n/testnet/meetings/7/pack.pdf"'
        in client.get(tnm7.get_absolute_url()).content.decode()
    )


def test_a_cancelled_meeting_has_no_pack(client_for, tnm7, city_member_a):
    Meeting.objects.filter(pk=tnm7.pk).update(status=MeetingStatus.CANCELLED)

    response = client_for(city_member_a).get(
        reverse("meetings:meeting_pack", args=[tnm7.network.slug, 7])
    )

    assert response.status_code == 403
    assert "This meeting was cancelled, so it has no pack." in response.content.decode()


def test_the_pack_is_a_private_download(client_for, tnm7, coordinator):
    response = client_for(coordinator).get(
        reverse("meetings:meeting_pack", args=[tnm7.network.slug, 7])
    )
    assert response["Content-Disposition"] == 'attachment; filename="testnet-tnm-7-pack.pdf"'
    cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert "private" in cache_control and "public" not in cache_control


def test_a_member_of_a_city_that_joined_later_reads_the_pack_too(client_for, net, tnm7):
    city = PartnerFactory(network=net, city="Kekava", slug="kekava", country="LV")
    person = UserFactory(email="kekava@example.org")
    MembershipFactory(user=person, network=net, partner=city)
    assert "Each city tests one action by June." in pack_text(client_for(person), tnm7)

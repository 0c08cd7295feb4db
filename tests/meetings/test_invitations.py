"""Invitations that calendars update: planning or changing a meeting or a call e-mails each
participant an iCalendar REQUEST (organizer, attendees, a stable UID and a SEQUENCE raised
by every change), once per person and revision, and puts a line in their inbox. Hybrid
meetings put the venue in LOCATION and the online link in the description. Cities are told
when a round of check-up calls opens.

The e-mails go to a real SMTP server on loopback, sent by the outbox's sweep run here, and
in one smoke test by a real Celery worker.
"""

import datetime as dt

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from icalendar import Calendar

from meetings import services
from meetings.enums import CallKind, MeetingFormat, NoticeKind
from meetings.models import Call, CheckupRound, Meeting, Notice
from partners.models import Notification, NotificationEmail
from portal.outbox import OutboxStatus, send_pending
from tests.meetings.conftest import START

MEETING_FORM = {
    "number": 7,
    "title": "Planning Actions",
    "starts_at": "2031-02-10T09:30",
    "ends_at": "2031-02-11T13:00",
    "format": "hybrid",
    "venue": "Sofia City Hall, 33 Moskovska St",
    "online_link": "https://meet.example.org/tnm7",
    "purpose": "Our action plans, city by city.",
}
#: 09:30 in Brussels, where the coordinator types the times, on 10 February 2031.
TNM7_START = dt.datetime(2031, 2, 10, 8, 30, tzinfo=dt.UTC)


def sweep():
    """The outbox's sweep, run here: sends whatever is due, each row once."""
    return services.send_due_notices()


def ics_of(message) -> Calendar:
    for part in message.iter_attachments():
        if part.get_content_type() == "text/calendar":
            return Calendar.from_ical(part.get_content())
    raise AssertionError("no calendar attached")


def vevent(message):
    [event] = ics_of(message).walk("VEVENT")
    return event


def attendees(event) -> dict[str, dict]:
    """ATTENDEE lines by address (`mailto:` dropped), with their parameters."""
    values = event.get("attendee", [])
    values = values if isinstance(values, list) else [values]
    return {str(v).removeprefix("mailto:"): dict(v.params) for v in values}


def text_of(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def by_recipient(messages):
    return {m["To"]: m for m in messages}


@pytest.fixture
def members(
    coordinator,
    lead_partner,
    lead_expert,
    officer,
    city_coordinator_a,
    city_member_a,
    city_coordinator_b,
    city_member_b,
):
    """Everyone in the network: every one of them is invited to its meetings."""
    return [
        coordinator,
        lead_partner,
        lead_expert,
        officer,
        city_coordinator_a,
        city_member_a,
        city_coordinator_b,
        city_member_b,
    ]


def emails(people):
    return sorted(person.email for person in people)


@pytest.fixture
def planned(client_for, net, members, coordinator):
    """TNM #7, planned on the page by the coordinator: hybrid, over two days."""
    response = client_for(coordinator).post(
        reverse("meetings:meeting_create", args=[net.slug]), MEETING_FORM
    )
    assert response.status_code == 302
    return Meeting.objects.get(number=7)


def edit(client_for, coordinator, meeting, **changes):
    meeting.refresh_from_db()
    data = {**MEETING_FORM, **changes, "version": meeting.version}
    url = reverse("meetings:meeting_edit", args=[meeting.network.slug, meeting.number])
    response = client_for(coordinator).post(url, data)
    assert response.status_code == 302, response.content.decode()
    meeting.refresh_from_db()
    return meeting


def test_planning_a_meeting_invites_every_member_with_a_calendar_request(
    settings, smtp, planned, members, coordinator, lead_expert, city_member_b
):
    assert sweep()["sent"] == len(members)
    assert sorted(m["To"] for m in smtp.messages) == emails(members)
    assert {m["Subject"] for m in smtp.messages} == {"Invitation: TNM #7: Planning Actions"}

    message = by_recipient(smtp.messages)[city_member_b.email]
    assert message.get_content_type() == "multipart/mixed"
    calendar = ics_of(message)
    assert str(calendar["method"]) == "REQUEST"
    event = vevent(message)
    assert str(event["uid"]) == f"meeting-{planned.pk}@cities4csr"
    assert int(event["sequence"]) == 0
    assert event.decoded("dtstamp") <= timezone.now()
    assert event.decoded("dtstart") == TNM7_START
    assert str(event["organizer"]) == f"mailto:{coordinator.email}"
    assert event["organizer"].params["CN"] == coordinator.get_full_name()
    invited = attendees(event)
    assert sorted(invited) == emails(members)
    assert invited[lead_expert.email] == {
        "CN": lead_expert.get_full_name(),
        "ROLE": "REQ-PARTICIPANT",
        "PARTSTAT": "NEEDS-ACTION",
        "RSVP": "FALSE",
    }

    text = text_of(message)
    assert f"Dear {city_member_b.get_full_name()}," in text
    assert "You are invited to TNM #7: Planning Actions." in text
    # Two days, in the reader's zone (Brussels by default).
    assert "Monday 10 February 2031, 09:30 – Tuesday 11 February 2031, 13:00" in text
    assert "Where: Sofia City Hall, 33 Moskovska St" in text
    assert "Online: https://meet.example.org/tnm7" in text
    assert f"{settings.SITE_URL}{planned.get_absolute_url()}" in text

    # And a line in each person's inbox, which leads to the meeting.
    inbox = Notification.objects.filter(recipient=city_member_b)
    assert [(n.title, n.url) for n in inbox] == [
        ("Invitation: TNM #7: Planning Actions", planned.get_absolute_url())
    ]
    assert Notification.objects.filter(url=planned.get_absolute_url()).count() == len(members)


def test_a_new_time_keeps_the_uid_and_raises_the_sequence(
    smtp, client_for, planned, members, coordinator
):
    sweep()
    invitation = vevent(smtp.messages[0])
    meeting = edit(
        client_for, coordinator, planned, starts_at="2031-02-17T09:30", ends_at="2031-02-18T13:00"
    )
    assert meeting.sequence == 1
    assert sweep()["sent"] == len(members)
    updates = [m for m in smtp.messages if m["Subject"] == "New time: TNM #7: Planning Actions"]
    assert sorted(m["To"] for m in updates) == emails(members)
    event = vevent(updates[0])
    assert str(ics_of(updates[0])["method"]) == "REQUEST"
    assert str(event["uid"]) == str(invitation["uid"])  # the same event, updated
    assert int(event["sequence"]) == 1 > int(invitation["sequence"])
    assert event.decoded("dtstart") == TNM7_START + dt.timedelta(days=7)
    assert sorted(attendees(event)) == emails(members)
    assert Notice.objects.filter(
        meeting=meeting, kind=NoticeKind.UPDATE, event_sequence=1
    ).count() == len(members)


def test_a_new_venue_sends_a_new_request_with_a_higher_sequence(
    smtp, client_for, planned, members, coordinator, city_member_a
):
    sweep()
    meeting = edit(client_for, coordinator, planned, venue="Sofia Tech Park, Hall 2")
    assert meeting.sequence == 1
    assert sweep()["sent"] == len(members)
    mine = [m for m in smtp.messages if m["To"] == city_member_a.email]
    assert [m["Subject"] for m in mine] == [
        "Invitation: TNM #7: Planning Actions",
        "Updated invitation: TNM #7: Planning Actions",
    ]
    first, second = (vevent(m) for m in mine)
    assert str(ics_of(mine[1])["method"]) == "REQUEST"
    assert str(second["uid"]) == str(first["uid"])
    assert int(second["sequence"]) == 1 > int(first["sequence"])
    assert str(second["location"]) == "Sofia Tech Park, Hall 2"
    assert "Where: Sofia Tech Park, Hall 2" in text_of(mine[1])
    assert Notification.objects.filter(
        recipient=city_member_a, title="Changed: TNM #7: Planning Actions"
    ).exists()

    # A new title and a new link are changes too; saving what is already there is not.
    meeting = edit(
        client_for,
        coordinator,
        meeting,
        venue="Sofia Tech Park, Hall 2",
        online_link="https://meet.example.org/tnm7-day1",
    )
    assert meeting.sequence == 2
    meeting = edit(
        client_for,
        coordinator,
        meeting,
        venue="Sofia Tech Park, Hall 2",
        online_link="https://meet.example.org/tnm7-day1",
        purpose="A new purpose: the calendar does not change for it.",
    )
    assert meeting.sequence == 2
    sweep()
    assert len(smtp.messages) == 3 * len(members)


def test_a_cancellation_stays_a_cancel_with_the_next_sequence(smtp, planned, members, coordinator):
    sweep()
    services.event_cancel(user=coordinator, event=planned)
    assert sweep()["sent"] == len(members)
    cancelled = [m for m in smtp.messages if m["Subject"].startswith("Cancelled:")]
    assert len(cancelled) == len(members)
    calendar = ics_of(cancelled[0])
    event = vevent(cancelled[0])
    assert str(calendar["method"]) == "CANCEL"
    assert str(event["uid"]) == f"meeting-{planned.pk}@cities4csr"
    assert int(event["sequence"]) == 1
    assert str(event["status"]) == "CANCELLED"
    assert str(event["organizer"]) == f"mailto:{coordinator.email}"
    # Nothing more is sent about it, whatever anyone asks.
    assert services.invite(planned) == []
    assert sweep()["sent"] == 0


def test_each_person_is_invited_once_per_revision_however_often_the_service_is_called(
    smtp, planned, members, city_member_a
):
    again = services.invite(planned)
    assert again == []  # everyone has this revision already
    assert services.invite(planned, people=[city_member_a]) == []
    assert sweep()["sent"] == len(members)
    assert sweep()["sent"] == 0
    assert len(smtp.messages) == len(members)
    assert len({m["To"] for m in smtp.messages}) == len(members)
    assert Notification.objects.filter(recipient=city_member_a).count() == 1
    assert not Notice.objects.exclude(status=OutboxStatus.SENT).exists()


def test_an_older_revision_not_yet_sent_gives_way_to_the_newer_one(
    smtp, client_for, planned, members, coordinator, city_member_a
):
    # The venue changes before the first invitations went out: each person gets one
    # e-mail, with the calendar as it stands now.
    edit(client_for, coordinator, planned, venue="Sofia Tech Park, Hall 2")
    counts = sweep()
    assert counts["sent"] == len(members) and counts["cancelled"] == 0
    assert Notice.objects.filter(status=OutboxStatus.CANCELLED).count() == len(members)
    mine = [m for m in smtp.messages if m["To"] == city_member_a.email]
    assert len(mine) == 1
    assert int(vevent(mine[0])["sequence"]) == 1
    assert str(vevent(mine[0])["location"]) == "Sofia Tech Park, Hall 2"


@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_invitations_go_out_through_a_real_worker_once_each(
    celery_worker, smtp, net, members, coordinator
):
    data = {
        "number": 7, "title": "Planning Actions", "starts_at": START, "format": "online",
        "ends_at": START + dt.timedelta(hours=3), "online_link": "https://meet.example.org/7",
    }  # fmt: skip
    meeting = services.meeting_create(user=coordinator, network=net, data=data)
    services.invite(meeting)  # a doubled call, committed apart: nothing more
    messages = smtp.wait_for(len(members))
    assert sorted(m["To"] for m in messages) == emails(members)
    # A moment more for a second copy, which must not come.
    smtp.wait_for(len(members) + 1, timeout=2)
    assert len(smtp.messages) == len(members)
    assert not Notice.objects.exclude(status=OutboxStatus.SENT).exists()
    assert {int(vevent(m)["sequence"]) for m in smtp.messages} == {0}


def test_planning_a_call_invites_its_participants_and_a_new_one_is_invited_alone(
    smtp, client_for, net, city_a, city_b, coordinator, city_coordinator_a, city_member_a,
    city_coordinator_b, city_member_b, lead_expert,
):  # fmt: skip
    response = client_for(city_coordinator_a).post(
        reverse("meetings:call_create", args=[net.slug]),
        {
            "title": "Peer call on procurement", "starts_at": "2031-03-01T10:00",
            "ends_at": "2031-03-01T11:00", "cities": [city_a.pk, city_b.pk],
            "online_link": "https://meet.example.org/peer",
        },
    )  # fmt: skip
    assert response.status_code == 302
    call = Call.objects.get()
    team = [city_coordinator_a, city_member_a, city_coordinator_b, city_member_b]
    assert sweep()["sent"] == len(team)
    assert sorted(m["To"] for m in smtp.messages) == emails(team)  # not the lead expert
    event = vevent(smtp.messages[0])
    assert str(event["uid"]) == f"call-{call.pk}@cities4csr"
    assert int(event["sequence"]) == 0
    assert str(event["organizer"]) == f"mailto:{coordinator.email}"  # the network's
    assert sorted(attendees(event)) == emails(team)
    # An online call: where is the link's host; the link itself is in the description.
    assert str(event["location"]) == "meet.example.org"
    assert "https://meet.example.org/peer" in str(event["description"])
    assert Notification.objects.filter(url=call.get_absolute_url()).count() == len(team)

    # Someone added later gets the invitation as it stands; the others nothing again.
    call.participants.add(lead_expert)
    assert services.invite(call, people=[lead_expert]) == [lead_expert]
    assert sweep()["sent"] == 1
    assert smtp.messages[-1]["To"] == lead_expert.email
    assert lead_expert.email in attendees(vevent(smtp.messages[-1]))


def test_a_new_time_of_a_call_updates_the_same_calendar_event(
    smtp, client_for, net, checkup_call, coordinator, lead_partner, lead_expert, city_member_a
):
    services.invite(checkup_call)
    sweep()
    later = checkup_call.starts_at + dt.timedelta(days=1)
    services.event_reschedule(
        user=coordinator, event=checkup_call, starts_at=later, ends_at=later + dt.timedelta(hours=1)
    )
    sweep()
    mine = [m for m in smtp.messages if m["To"] == city_member_a.email]
    assert [m["Subject"] for m in mine] == [
        "Invitation: December check-up: Alphaville",
        "New time: December check-up: Alphaville",
    ]
    first, second = (vevent(m) for m in mine)
    assert str(first["uid"]) == str(second["uid"]) == f"call-{checkup_call.pk}@cities4csr"
    assert (int(first["sequence"]), int(second["sequence"])) == (0, 1)
    assert second.decoded("dtstart") == later


def test_a_meeting_recorded_after_it_took_place_invites_nobody(net, members, coordinator):
    past = timezone.now() - dt.timedelta(days=400)
    data = {
        "number": 2, "title": "Kick-off", "starts_at": past, "format": "on_site",
        "ends_at": past + dt.timedelta(hours=6), "venue": "Milan",
    }  # fmt: skip
    meeting = services.meeting_create(user=coordinator, network=net, data=data)
    assert not Notice.objects.exists() and not Notification.objects.exists()
    assert services.meeting_update(
        user=coordinator, meeting=meeting, data={"venue": "Milan, Palazzo Marino"},
        version=meeting.version,
    ).sequence == 0  # fmt: skip
    assert not Notice.objects.exists()


# Where: the venue, and the link only in the description --------------------------------


def test_a_hybrid_meeting_puts_the_venue_in_location_and_the_link_in_the_description(
    smtp, client, client_for, planned, members, city_member_a
):
    sweep()
    invitation = vevent(by_recipient(smtp.messages)[city_member_a.email])
    download = next(
        iter(
            Calendar.from_ical(
                client_for(city_member_a)
                .get(reverse("meetings:meeting_ics", args=[planned.network.slug, 7]))
                .content
            ).walk("VEVENT")
        )
    )
    token = services.calendar_feed_renew(user=city_member_a)
    feed = Calendar.from_ical(client.get(reverse("meetings:calendar_feed", args=[token])).content)
    assert str(feed["method"]) == "PUBLISH"  # the feed publishes; only e-mails invite
    [in_feed] = [e for e in feed.walk("VEVENT") if str(e["uid"]) == str(invitation["uid"])]
    for event in (invitation, download, in_feed):
        assert str(event["location"]) == "Sofia City Hall, 33 Moskovska St"
        assert "https://meet.example.org/tnm7" not in str(event["location"])
        assert "Online: https://meet.example.org/tnm7" in str(event["description"])
    assert "attendee" not in download and "organizer" not in download


@pytest.mark.parametrize(
    "form, venue, link, location",
    [
        (MeetingFormat.ON_SITE, "Nantes, Hôtel de Métropole", "", "Nantes, Hôtel de Métropole"),
        (
            MeetingFormat.HYBRID,
            "Rijeka, City Hall",
            "https://meet.example.org/x",
            "Rijeka, City Hall",
        ),
        (MeetingFormat.ONLINE, "", "https://meet.example.org/x", "meet.example.org"),
        (
            MeetingFormat.ONLINE,
            "Once Sofia",
            "https://zoom.example.com/j/1?pwd=s",
            "zoom.example.com",
        ),
        (MeetingFormat.ONLINE, "", "", None),
    ],
)
def test_location_by_format(net, form, venue, link, location):
    from meetings.calendar import calendar_bytes

    meeting = Meeting.objects.create(
        network=net, number=9, title="T", starts_at=START, ends_at=START, format=form,
        venue=venue, online_link=link,
    )  # fmt: skip
    [event] = Calendar.from_ical(calendar_bytes([meeting])).walk("VEVENT")
    assert (str(event["location"]) if "location" in event else None) == location
    assert (link in str(event["description"])) if link else True


# Cities told of a round of check-up calls -------------------------------------------------


@pytest.fixture
def checkup_round(net):
    return CheckupRound.objects.create(network=net, title="Spring 2031 check-up")


def test_the_cities_are_told_to_book_their_call_when_a_round_opens(
    settings,
    checkup_round,
    net,
    city_a,
    city_b,
    coordinator,
    lead_partner,
    lead_expert,
    city_coordinator_a,
    city_member_a,
    city_coordinator_b,
    city_member_b,
):
    told = services.checkup_round_announce(checkup_round)
    url = services.checkup_round_url(checkup_round)
    assert sorted(p.email for p in told) == emails(
        [city_coordinator_a, city_coordinator_b, lead_partner, lead_expert]
    )
    for city_coordinator in (city_coordinator_a, city_coordinator_b):
        [line] = Notification.objects.filter(recipient=city_coordinator)
        assert (line.title, line.url) == ("Book your check-up call: Spring 2031 check-up", url)
    for host in (lead_partner, lead_expert):
        [line] = Notification.objects.filter(recipient=host)
        assert (line.title, line.url) == ("Check-up round open: Spring 2031 check-up", url)
    # The city coordinators decide for their city: the team members are not bothered.
    assert not Notification.objects.filter(recipient__in=[city_member_a, city_member_b]).exists()

    # By e-mail too, for the cities.
    from django.core import mail

    send_pending(models=[NotificationEmail])
    assert sorted(m.to[0] for m in mail.outbox) == emails([city_coordinator_a, city_coordinator_b])
    assert {m.subject for m in mail.outbox} == {
        "[CITIES4CSR portal] Book your check-up call: Spring 2031 check-up"
    }
    assert all(f"{settings.SITE_URL}{url}" in m.body for m in mail.outbox)

    # Told once: a second call tells nobody again.
    assert services.checkup_round_announce(checkup_round) == []
    assert Notification.objects.count() == 4


def test_a_city_without_a_coordinator_has_its_whole_team_told(
    checkup_round, city_a, city_b, city_coordinator_a, city_member_a, city_member_b
):
    told = services.checkup_round_announce(checkup_round)
    assert sorted(p.email for p in told) == emails([city_coordinator_a, city_member_b])


def test_the_round_links_to_its_booking_page(checkup_round, net):
    url = services.checkup_round_url(checkup_round)
    try:
        booking = reverse("meetings:checkup_round", args=[net.slug, checkup_round.pk])
    except NoReverseMatch:  # the booking page is not there yet: the meetings list stands in
        booking = reverse("meetings:meeting_list", args=[net.slug])
    assert url == booking


def test_the_kind_of_a_new_checkup_call_is_invited_like_any_call(
    smtp, net, city_a, checkup_round, city_coordinator_a, lead_partner, lead_expert
):
    """What the booking of a slot does: a new call, and `invite(call)`."""
    call = Call.objects.create(
        network=net, kind=CallKind.CHECKUP, title="Spring 2031 check-up: Alphaville",
        starts_at=START, ends_at=START + dt.timedelta(hours=1), checkup_round=checkup_round,
    )  # fmt: skip
    call.cities.set([city_a])
    call.participants.set([city_coordinator_a, lead_partner, lead_expert])
    assert len(services.invite(call)) == 3
    assert sweep()["sent"] == 3
    assert {m["Subject"] for m in smtp.messages} == {"Invitation: Spring 2031 check-up: Alphaville"}


def test_someone_taken_off_a_call_gets_a_cancel_of_it_and_the_others_nothing(
    smtp, checkup_call, coordinator, lead_partner, city_member_a
):
    services.invite(checkup_call)
    sweep()
    checkup_call.participants.remove(lead_partner)
    assert services.uninvite(checkup_call, [lead_partner]) == [lead_partner]
    assert services.uninvite(checkup_call, [lead_partner]) == []  # once
    assert sweep()["sent"] == 1
    last = smtp.messages[-1]
    assert last["To"] == lead_partner.email
    assert last["Subject"] == "No longer expected: December check-up: Alphaville"  # it goes on
    assert str(ics_of(last)["method"]) == "CANCEL"
    assert str(vevent(last)["uid"]) == f"call-{checkup_call.pk}@cities4csr"

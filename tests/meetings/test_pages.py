"""What people do on the meetings pages: attend, plan, document, and take it to a calendar."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from icalendar import Calendar

from meetings.enums import CallKind, NoticeKind
from meetings.models import AgendaItem, Attendance, Call, Document, Meeting, Notice
from tests.meetings.conftest import START


def path(name, net, *args):
    return reverse(name, args=[net.slug, *args])


def test_a_city_registers_who_attends_and_the_coordinator_sees_it_by_city(
    client_for, net, meeting, city_a, city_member_a, city_coordinator_a, coordinator, city_member_b
):
    client = client_for(city_coordinator_a)
    form = client.get(path("meetings:attendance", net, 5)).context["form"]
    assert set(form.fields["people"].queryset) == {city_member_a, city_coordinator_a}
    client.post(path("meetings:attendance", net, 5), {"people": [city_member_a.pk]})
    assert list(Attendance.objects.values_list("user", "partner")) == [
        (city_member_a.pk, city_a.pk)
    ]

    # Someone of another city cannot be registered by city A.
    response = client.post(path("meetings:attendance", net, 5), {"people": [city_member_b.pk]})
    assert "Select a valid choice" in response.content.decode()

    page = client_for(coordinator).get(meeting.get_absolute_url()).content.decode()
    assert "Who is coming" in page and f"{city_member_a.get_full_name()}" in page
    assert "Alphaville</strong> (1)" in page


def test_the_coordinator_plans_a_meeting_and_bad_input_gets_messages(
    client_for, net, city_a, coordinator, meeting
):
    client = client_for(coordinator)
    data = {
        "number": 5, "title": "Planning Actions", "starts_at": "2031-04-20T10:00",
        "ends_at": "2031-04-20T09:00", "format": "online", "online_link": "meet.example.org/x",
    }  # fmt: skip
    text = client.post(path("meetings:meeting_create", net), data).content.decode()
    assert "This network already has a meeting #5." in text
    assert "The end cannot be before the start." in text
    response = client.post(
        path("meetings:meeting_create", net), {**data, "number": 6, "ends_at": "2031-04-20T14:00"}
    )
    assert response.status_code == 302
    created = Meeting.objects.get(number=6)
    assert created.online_link == "https://meet.example.org/x"
    # Entered in the coordinator's own time zone (Europe/Brussels), stored in UTC.
    assert created.starts_at == dt.datetime(2031, 4, 20, 8, 0, tzinfo=dt.UTC)


def test_changing_the_time_on_the_form_tells_the_participants(
    client_for, net, meeting, attending, coordinator
):
    client = client_for(coordinator)
    data = {
        "number": 5, "title": meeting.title, "starts_at": "2031-02-23T10:00",
        "ends_at": "2031-02-23T14:00", "format": "online", "online_link": meeting.online_link,
        "version": meeting.version,
    }  # fmt: skip
    client.post(path("meetings:meeting_edit", net, 5), data)
    meeting.refresh_from_db()
    assert (
        meeting.starts_at == dt.datetime(2031, 2, 23, 9, 0, tzinfo=dt.UTC) and meeting.sequence == 1
    )
    notices = Notice.objects.filter(meeting=meeting, kind=NoticeKind.UPDATE)
    assert sorted(n.user.email for n in notices) == sorted(
        u.email for u in [*attending, coordinator]
    )
    # Saving again without a new time tells nobody again.
    client.post(path("meetings:meeting_edit", net, 5), {**data, "version": meeting.version})
    meeting.refresh_from_db()
    assert meeting.sequence == 1 and meeting.version == 3
    assert Notice.objects.filter(meeting=meeting, kind=NoticeKind.UPDATE).count() == notices.count()


def test_agenda_items_with_member_and_guest_speakers(
    client_for, net, meeting, coordinator, lead_expert
):
    client = client_for(coordinator)
    client.post(
        path("meetings:agenda_item_create", net, 5),
        {
            "starts_at": "2031-02-16T10:20", "title": "Keynote: CSR and the SDGs",
            "kind": "keynote", "speakers": [lead_expert.pk],
            "guests": "Ana Silva, University of Minho\nTom Brown",
        },
    )  # fmt: skip
    item = AgendaItem.objects.get()
    assert list(item.speakers.all()) == [lead_expert]
    assert [(g.name, g.affiliation) for g in item.guest_speakers.all()] == [
        ("Ana Silva", "University of Minho"),
        ("Tom Brown", ""),
    ]
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Keynote: CSR and the SDGs" in page and "Ana Silva (University of Minho)" in page


def test_minutes_are_markdown_without_scripts(client_for, net, meeting, coordinator, city_member_a):
    client_for(coordinator).post(
        path("meetings:minutes_edit", net, 5),
        {
            "minutes": "**Agreed**: pairs by March.\n"
            "<script>alert(1)</script><a href='javascript:x()'>x</a>",
            "version": meeting.version,
        },
    )
    page = client_for(city_member_a).get(meeting.get_absolute_url()).content.decode()
    assert "<strong>Agreed</strong>" in page
    assert "alert(1)" not in page and "javascript:" not in page


def test_a_stale_minutes_save_is_refused_and_shows_what_is_saved_now(
    client_for, net, meeting, coordinator
):
    first, second = client_for(coordinator), client_for(coordinator)
    url = path("meetings:minutes_edit", net, 5)
    loaded = first.get(url).context["form"]["version"].value()
    second.post(url, {"minutes": "Pairs agreed by March.", "version": loaded})
    response = first.post(url, {"minutes": "My stale draft.", "version": loaded})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Someone else saved this in the meantime." in page
    assert page.count('id="conflict-heading"') == 1
    assert "<dd>Pairs agreed by March.</dd>" in page
    assert "My stale draft." in page  # the input is kept in the form
    meeting.refresh_from_db()
    assert meeting.minutes == "Pairs agreed by March." and meeting.version == 2


def test_a_stale_call_notes_save_is_refused_and_keeps_the_input(
    client_for, net, checkup_call, lead_expert, city_coordinator_a
):
    url = path("meetings:call_notes", net, checkup_call.pk)
    page = client_for(lead_expert).get(checkup_call.get_absolute_url())
    loaded = page.context["notes_form"]["version"].value()
    saved = client_for(city_coordinator_a).post(
        url, {"notes": "Roadmap agreed.", "version": loaded}
    )
    assert saved.status_code == 302
    response = client_for(lead_expert).post(url, {"notes": "ULG to be mapped.", "version": loaded})
    assert response.status_code == 200
    text = response.content.decode()
    assert "Someone else saved this in the meantime." in text
    assert text.count('id="conflict-heading"') == 1
    assert "<dd>Roadmap agreed.</dd>" in text
    assert "ULG to be mapped." in text
    checkup_call.refresh_from_db()
    assert checkup_call.notes == "Roadmap agreed." and checkup_call.version == 2


def test_documents_are_checked_for_type_and_size(
    client_for, net, meeting, lead_expert, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    settings.MAX_UPLOAD_MB = 1
    client = client_for(lead_expert)
    url = path("meetings:document_upload", net, 5)
    text = client.post(
        url, {"title": "Script", "file": SimpleUploadedFile("run.sh", b"rm -rf /")}
    ).content.decode()
    assert "Upload a PDF, an Office or OpenDocument file, or an image." in text
    big = SimpleUploadedFile("big.pdf", b"%PDF" + b"0" * (1024 * 1024 + 1))
    assert (
        "The file may be at most 1 MB."
        in client.post(url, {"title": "Big", "file": big}).content.decode()
    )
    assert not Document.objects.exists()
    client.post(url, {"title": "Slides", "file": SimpleUploadedFile("slides.pdf", b"%PDF-1.4")})
    document = Document.objects.get()
    assert document.filename == "slides.pdf" and not document.file.url.startswith("/static/")


def test_meeting_ics_parses_with_utc_times(client_for, net, meeting, city_member_a):
    response = client_for(city_member_a).get(path("meetings:meeting_ics", net, 5))
    assert response["Content-Type"].startswith("text/calendar")
    event = next(iter(Calendar.from_ical(response.content).walk("VEVENT")))
    assert event.decoded("dtstart") == START and event.decoded(
        "dtstart"
    ).utcoffset() == dt.timedelta(0)
    assert str(event["summary"]) == "TNM #5: State of the art"
    assert str(event["uid"]) == f"meeting-{meeting.pk}@cities4csr"
    # Online: the place is the link's host; the link itself is in the description.
    assert str(event["location"]) == "meet.example.org"
    assert "https://meet.example.org/tnm5" in str(event["description"])


def test_personal_feed_has_the_persons_meetings_and_calls_only(
    client, client_for, net, meeting, checkup_call, city_member_a, city_member_b
):
    from meetings import services

    token_b = services.calendar_feed_renew(user=city_member_b)
    token_a = services.calendar_feed_renew(user=city_member_a)
    for token, expect_call in ((token_a, True), (token_b, False)):
        calendar = Calendar.from_ical(
            client.get(reverse("meetings:calendar_feed", args=[token])).content
        )
        summaries = {str(e["summary"]) for e in calendar.walk("VEVENT")}
        assert "TNM #5: State of the art" in summaries
        assert ("December check-up: Alphaville" in summaries) is expect_call


def test_the_feed_address_is_shown_once_and_can_be_stopped(client, client_for, net, city_member_a):
    member = client_for(city_member_a)
    page = member.post(path("meetings:calendar_settings", net), {"action": "renew"})
    feed_url = page.context["new_url"]
    assert feed_url.startswith("http://testserver/calendar/")
    assert client.get(feed_url).status_code == 200
    assert "feed_url" not in member.get(path("meetings:calendar_settings", net)).content.decode()
    member.post(path("meetings:calendar_settings", net), {"action": "revoke"})
    assert client.get(feed_url).status_code == 404


def test_a_bilateral_call_needs_two_cities_and_invites_their_teams(
    client_for, net, city_a, city_b, city_coordinator_a, city_member_b
):
    client = client_for(city_coordinator_a)
    data = {
        "title": "Peer call",
        "starts_at": "2031-03-01T10:00",
        "ends_at": "2031-03-01T10:30",
        "cities": [city_a.pk],
    }
    assert (
        "A bilateral call is between two or more cities."
        in client.post(path("meetings:call_create", net), data).content.decode()
    )
    client.post(path("meetings:call_create", net), {**data, "cities": [city_a.pk, city_b.pk]})
    call = Call.objects.get()
    assert {city_coordinator_a, city_member_b} <= set(call.participants.all())
    assert client_for(city_member_b).get(call.get_absolute_url()).status_code == 200


def test_follow_ups_are_agreed_and_ticked_off(
    client_for, net, checkup_call, city_coordinator_a, lead_expert
):
    client = client_for(lead_expert)
    client.post(
        path("meetings:follow_up_create", net, checkup_call.pk),
        {"task": "Map the ULG", "owner": city_coordinator_a.pk, "due_on": "2031-03-01"},
    )
    follow_up = checkup_call.follow_ups.get()
    client_for(city_coordinator_a).post(
        path("meetings:follow_up_toggle", net, checkup_call.pk, follow_up.pk)
    )
    follow_up.refresh_from_db()
    assert follow_up.done and follow_up.owner == city_coordinator_a


@pytest.mark.parametrize("meetings_count", [3, 30])
def test_meeting_list_costs_the_same_queries_as_it_grows(
    client_for, net, city_a, coordinator, meetings_count, django_assert_max_num_queries
):
    for n in range(meetings_count):
        Meeting.objects.create(
            network=net, number=n + 1, title=f"TNM {n}", starts_at=START, ends_at=START
        )
        call = Call.objects.create(
            network=net, kind=CallKind.BILATERAL, title=f"Call {n}", starts_at=START, ends_at=START
        )
        call.cities.set([city_a])
    client = client_for(coordinator)
    with django_assert_max_num_queries(12):
        assert client.get(path("meetings:meeting_list", net)).status_code == 200


def test_network_home_shows_the_next_meetings_and_calls(
    client_for, net, meeting, checkup_call, city_member_a, city_member_b
):
    home_a = (
        client_for(city_member_a)
        .get(reverse("partners:network_home", args=[net.slug]))
        .content.decode()
    )
    assert "Next meetings and calls" in home_a
    assert "TNM #5: State of the art" in home_a and "December check-up: Alphaville" in home_a
    home_b = (
        client_for(city_member_b)
        .get(reverse("partners:network_home", args=[net.slug]))
        .content.decode()
    )
    assert "TNM #5: State of the art" in home_b and "December check-up: Alphaville" not in home_b

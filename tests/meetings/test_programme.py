"""Multi-day meetings: the whole span in the reader's zone, the programme by day, agenda
items kept inside the meeting, moved up and down, removed after a confirmation; and the
confirmation pages of every destroying action, which say who is told."""

import datetime as dt
import re
import zoneinfo

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from meetings import selectors, services
from meetings.enums import AgendaKind, MeetingStatus, NoticeKind
from meetings.models import AgendaItem, GuestSpeaker, Meeting, Notice
from meetings.timespan import span_text
from tests.iap.conftest import roadmap_a  # noqa: F401

BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")


def brussels(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=BRUSSELS)


def text_of(response) -> str:
    """What a reader sees of the page: its text, without the tags."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def path(name, net, *args):
    return reverse(name, args=[net.slug, *args])


@pytest.fixture
def tnm7(net, city_a):
    """TNM #7 in Sofia on two days, 10 Feb 2027 09:30 to 11 Feb 13:00 Brussels time."""
    return Meeting.objects.create(
        network=net,
        number=7,
        title="Sofia, two days",
        starts_at=brussels(2027, 2, 10, 9, 30),
        ends_at=brussels(2027, 2, 11, 13, 0),
        host=city_a,
    )


def add_item(meeting, starts_at, title, kind=AgendaKind.PLENARY):
    return AgendaItem.objects.create(meeting=meeting, starts_at=starts_at, title=title, kind=kind)


# The whole span ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "starts, ends, zone, shown",
    [
        pytest.param(
            brussels(2027, 2, 10, 9, 30), brussels(2027, 2, 10, 17, 0), "Europe/Brussels",
            "Wed 10 Feb 2027, 09:30–17:00 CET", id="one day",
        ),
        pytest.param(
            brussels(2027, 2, 10, 9, 30), brussels(2027, 2, 11, 13, 0), "Europe/Brussels",
            "Wed 10 – Thu 11 Feb 2027, 09:30–13:00 CET", id="two days",
        ),
        pytest.param(
            brussels(2027, 2, 10, 22, 0), brussels(2027, 2, 11, 2, 0), "Europe/Sofia",
            "Wed 10 – Thu 11 Feb 2027, 23:00–03:00 EET", id="overnight, from Sofia",
        ),
        pytest.param(
            brussels(2027, 2, 10, 22, 0), brussels(2027, 2, 11, 2, 0), "Europe/Lisbon",
            "Wed 10 – Thu 11 Feb 2027, 21:00–01:00 WET", id="overnight, from Lisbon",
        ),
        pytest.param(
            brussels(2027, 2, 10, 18, 0), brussels(2027, 2, 10, 23, 30), "Europe/Sofia",
            "Wed 10 – Thu 11 Feb 2027, 19:00–00:30 EET",
            id="one day in Brussels, past midnight in Sofia",
        ),
        pytest.param(
            brussels(2027, 2, 10, 23, 30), brussels(2027, 2, 11, 0, 45), "Europe/Lisbon",
            "Wed 10 Feb 2027, 22:30–23:45 WET",
            id="past midnight in Brussels, one day in Lisbon",
        ),
        pytest.param(
            brussels(2027, 1, 31, 9, 30), brussels(2027, 2, 1, 13, 0), "Europe/Brussels",
            "Sun 31 Jan – Mon 1 Feb 2027, 09:30–13:00 CET", id="across a month",
        ),
        pytest.param(
            brussels(2027, 12, 31, 22, 0), brussels(2028, 1, 1, 2, 0), "Europe/Brussels",
            "Fri 31 Dec 2027 – Sat 1 Jan 2028, 22:00–02:00 CET", id="across a year",
        ),
        pytest.param(
            brussels(2027, 12, 31, 22, 0), brussels(2028, 1, 1, 2, 0), "Europe/Lisbon",
            "Fri 31 Dec 2027 – Sat 1 Jan 2028, 21:00–01:00 WET", id="across a year, Lisbon",
        ),
        pytest.param(
            brussels(2027, 3, 27, 9, 0), brussels(2027, 3, 28, 13, 0), "Europe/Brussels",
            "Sat 27 – Sun 28 Mar 2027, 09:00 CET–13:00 CEST", id="the clocks change",
        ),
    ],
)  # fmt: skip
def test_the_span_is_shown_whole_in_the_readers_zone(starts, ends, zone, shown):
    assert span_text(starts, ends, zone) == shown


def test_the_meeting_page_list_and_home_show_both_days_in_the_viewers_zone(
    client_for, net, tnm7, city_member_a
):
    city_member_a.time_zone = "Europe/Sofia"
    city_member_a.save()
    client = client_for(city_member_a)
    shown = "Wed 10 – Thu 11 Feb 2027, 10:30–14:00 EET"
    assert shown in text_of(client.get(tnm7.get_absolute_url()))
    assert shown in text_of(client.get(path("meetings:meeting_list", net)))


def test_the_home_panel_shows_the_whole_span(client_for, net, city_member_a):
    starts = (dt.datetime.now(dt.UTC) + dt.timedelta(days=20)).replace(
        hour=8, minute=0, second=0, microsecond=0
    )
    Meeting.objects.create(
        network=net, number=9, title="Next one", starts_at=starts,
        ends_at=starts + dt.timedelta(days=1, hours=3),
    )  # fmt: skip
    home = text_of(client_for(city_member_a).get(reverse("partners:network_home", args=[net.slug])))
    assert span_text(starts, starts + dt.timedelta(days=1, hours=3), "Europe/Brussels") in home
    assert " – " in span_text(starts, starts + dt.timedelta(days=1, hours=3), "Europe/Brussels")


# The programme by day ---------------------------------------------------------------------


def test_the_programme_is_grouped_by_the_day_of_the_readers_zone(tnm7):
    welcome = add_item(tnm7, brussels(2027, 2, 10, 9, 30), "Welcome")
    dinner = add_item(tnm7, brussels(2027, 2, 10, 23, 30), "Late networking")
    visit = add_item(tnm7, brussels(2027, 2, 11, 9, 0), "Study visit")

    in_brussels = selectors.programme_by_day(tnm7, "Europe/Brussels")
    assert [(day, [i.title for i in items]) for day, items in in_brussels] == [
        (dt.date(2027, 2, 10), ["Welcome", "Late networking"]),
        (dt.date(2027, 2, 11), ["Study visit"]),
    ]
    # 23:30 in Brussels is 00:30 the next day in Sofia.
    in_sofia = selectors.programme_by_day(tnm7, zoneinfo.ZoneInfo("Europe/Sofia"))
    assert [(day, [i.pk for i in items]) for day, items in in_sofia] == [
        (dt.date(2027, 2, 10), [welcome.pk]),
        (dt.date(2027, 2, 11), [dinner.pk, visit.pk]),
    ]
    assert in_sofia[1][1][0].local_starts_at.strftime("%H:%M") == "00:30"


def test_the_meeting_page_has_day_headings_and_each_speakers_city_or_organisation(
    client_for, net, tnm7, coordinator, city_member_a, lead_expert
):
    first = add_item(tnm7, brussels(2027, 2, 10, 9, 30), "Welcome", AgendaKind.KEYNOTE)
    first.speakers.set([city_member_a, lead_expert])
    second = add_item(tnm7, brussels(2027, 2, 11, 9, 0), "Study visit", AgendaKind.WORKSHOP)
    GuestSpeaker.objects.create(agenda_item=second, name="Ana Silva", affiliation="U. Minho")

    response = client_for(coordinator).get(tnm7.get_absolute_url())
    page = response.content.decode()
    headings = re.findall(r"<h3[^>]*>(.*?)</h3>", page)
    assert headings == ["Wednesday 10 February 2027", "Thursday 11 February 2027"]
    text = text_of(response)
    assert "09:30 Welcome Keynote" in text
    # A city's person by their city, the lead expert (no city) by their job title.
    assert f"{city_member_a.get_full_name()} (Alphaville)" in text
    assert f"{lead_expert.get_full_name()} (Lead Expert)" in text
    assert "Ana Silva (U. Minho)" in text
    assert text.index("Welcome") < text.index("Thursday 11 February 2027") < text.index("Study")


# Agenda items inside the meeting ----------------------------------------------------------


def item_data(**changes):
    return {"starts_at": "2027-03-01T10:00", "title": "Wrap-up", "kind": "plenary", **changes}


def test_the_form_refuses_an_item_outside_the_meeting_in_the_viewers_zone(
    client_for, net, tnm7, coordinator
):
    coordinator.time_zone = "Europe/Sofia"
    coordinator.save()
    client = client_for(coordinator)
    response = client.post(path("meetings:agenda_item_create", net, 7), item_data())
    assert response.status_code == 200
    assert (
        "The meeting runs from Wed 10 Feb 2027, 10:30 EET to Thu 11 Feb 2027, 14:00 EET; "
        "this time is outside it."
    ) in text_of(response)
    # Before the start, too (10:29 in Sofia is 09:29 in Brussels).
    early = client.post(
        path("meetings:agenda_item_create", net, 7), item_data(starts_at="2027-02-10T10:29")
    )
    assert "this time is outside it" in early.content.decode()
    assert not AgendaItem.objects.exists()
    # The first and the last minute are inside.
    for starts_at in ("2027-02-10T10:30", "2027-02-11T14:00"):
        response = client.post(
            path("meetings:agenda_item_create", net, 7), item_data(starts_at=starts_at)
        )
        assert response.status_code == 302, starts_at
    assert AgendaItem.objects.count() == 2


def test_an_edit_cannot_move_an_item_out_of_the_meeting(client_for, net, tnm7, coordinator):
    item = add_item(tnm7, brussels(2027, 2, 10, 10, 0), "Welcome")
    response = client_for(coordinator).post(
        path("meetings:agenda_item_edit", net, 7, item.pk),
        item_data(starts_at="2027-02-12T10:00", version=item.version),
    )
    assert "this time is outside it" in response.content.decode()
    item.refresh_from_db()
    assert item.starts_at == brussels(2027, 2, 10, 10, 0)


def test_the_service_refuses_an_item_outside_the_meeting(tnm7, coordinator):
    with pytest.raises(ValidationError) as refused:
        services.agenda_item_save(
            user=coordinator,
            meeting=tnm7,
            data={"starts_at": brussels(2027, 3, 1, 10, 0), "title": "Late", "kind": "plenary"},
            guests=[],
        )
    assert "this time is outside it" in str(refused.value)
    assert not AgendaItem.objects.exists()


def meeting_data(meeting, **changes):
    return {
        "number": meeting.number, "title": meeting.title, "format": "online",
        "starts_at": "2027-02-10T09:30", "ends_at": "2027-02-11T13:00",
        "version": meeting.version, **changes,
    }  # fmt: skip


def test_a_new_meeting_time_that_leaves_items_outside_is_refused(
    client_for, net, tnm7, coordinator
):
    add_item(tnm7, brussels(2027, 2, 11, 9, 0), "Study visit")
    add_item(tnm7, brussels(2027, 2, 11, 11, 0), "Closing")
    client = client_for(coordinator)
    response = client.post(
        path("meetings:meeting_edit", net, 7), meeting_data(tnm7, ends_at="2027-02-10T18:00")
    )
    assert (
        "2 agenda items would fall outside the new time: move them first, or pick a time "
        "that includes them."
    ) in text_of(response)
    tnm7.refresh_from_db()
    assert tnm7.ends_at == brussels(2027, 2, 11, 13, 0) and tnm7.sequence == 0

    # A longer meeting keeps its items inside: saved.
    response = client.post(
        path("meetings:meeting_edit", net, 7), meeting_data(tnm7, ends_at="2027-02-11T17:00")
    )
    assert response.status_code == 302
    tnm7.refresh_from_db()
    assert tnm7.ends_at == brussels(2027, 2, 11, 17, 0)


def test_the_service_refuses_a_meeting_time_that_leaves_items_outside(tnm7, coordinator):
    add_item(tnm7, brussels(2027, 2, 10, 9, 30), "Welcome")
    with pytest.raises(ValidationError) as refused:
        services.meeting_update(
            user=coordinator,
            meeting=tnm7,
            data={"starts_at": brussels(2027, 2, 10, 10, 0), "ends_at": tnm7.ends_at},
            version=tnm7.version,
        )
    assert "1 agenda item would fall outside the new time" in str(refused.value)
    tnm7.refresh_from_db()
    assert tnm7.starts_at == brussels(2027, 2, 10, 9, 30)


# Moving ------------------------------------------------------------------------------------


def programme(meeting):
    return [(i.title, i.starts_at) for i in selectors.agenda_of(meeting=meeting)]


def test_moving_an_item_swaps_it_with_its_neighbour_and_their_times(
    client_for, net, tnm7, coordinator
):
    welcome = add_item(tnm7, brussels(2027, 2, 10, 9, 30), "Welcome")
    add_item(tnm7, brussels(2027, 2, 10, 10, 0), "Keynote")
    visit = add_item(tnm7, brussels(2027, 2, 11, 9, 0), "Study visit")
    client = client_for(coordinator)

    response = client.post(path("meetings:agenda_item_move", net, 7, visit.pk), {"direction": "up"})
    assert response.status_code == 302
    assert response["Location"].endswith(f"#item-{visit.pk}")
    assert programme(tnm7) == [
        ("Welcome", brussels(2027, 2, 10, 9, 30)),
        ("Study visit", brussels(2027, 2, 10, 10, 0)),
        ("Keynote", brussels(2027, 2, 11, 9, 0)),
    ]
    assert "“Study visit” moved up." in text_of(client.get(response["Location"]))

    client.post(path("meetings:agenda_item_move", net, 7, welcome.pk), {"direction": "down"})
    assert [title for title, _ in programme(tnm7)] == ["Study visit", "Welcome", "Keynote"]
    assert programme(tnm7)[0][1] == brussels(2027, 2, 10, 9, 30)


def test_items_at_the_same_time_swap_their_places(tnm7, coordinator):
    first = add_item(tnm7, brussels(2027, 2, 10, 14, 0), "Workshop A")
    add_item(tnm7, brussels(2027, 2, 10, 14, 0), "Workshop B")
    services.agenda_item_move(user=coordinator, item=first, direction="down")
    assert [title for title, _ in programme(tnm7)] == ["Workshop B", "Workshop A"]
    services.agenda_item_move(user=coordinator, item=first, direction="up")
    assert [title for title, _ in programme(tnm7)] == ["Workshop A", "Workshop B"]


def test_at_either_end_nothing_moves_and_a_wrong_direction_is_refused(
    client_for, net, tnm7, coordinator
):
    first = add_item(tnm7, brussels(2027, 2, 10, 9, 30), "Welcome")
    last = add_item(tnm7, brussels(2027, 2, 10, 10, 0), "Keynote")
    client = client_for(coordinator)
    client.post(path("meetings:agenda_item_move", net, 7, first.pk), {"direction": "up"})
    client.post(path("meetings:agenda_item_move", net, 7, last.pk), {"direction": "down"})
    assert [title for title, _ in programme(tnm7)] == ["Welcome", "Keynote"]
    response = client.post(
        path("meetings:agenda_item_move", net, 7, first.pk), {"direction": "sideways"}
    )
    assert response.status_code == 400
    assert [title for title, _ in programme(tnm7)] == ["Welcome", "Keynote"]


def test_a_form_opened_before_a_move_is_refused_not_obeyed(client_for, net, tnm7, coordinator):
    welcome = add_item(tnm7, brussels(2027, 2, 10, 9, 30), "Welcome")
    keynote = add_item(tnm7, brussels(2027, 2, 10, 10, 0), "Keynote")
    opened_at = welcome.version
    services.agenda_item_move(user=coordinator, item=keynote, direction="up")
    response = client_for(coordinator).post(
        path("meetings:agenda_item_edit", net, 7, welcome.pk),
        item_data(starts_at="2027-02-10T09:30", title="Welcome!", version=opened_at),
    )
    assert "Someone else saved this in the meantime" in response.content.decode()
    welcome.refresh_from_db()
    assert welcome.title == "Welcome" and welcome.starts_at == brussels(2027, 2, 10, 10, 0)


def test_the_move_buttons_are_labelled_with_the_item_and_absent_at_the_ends(
    client_for, tnm7, coordinator
):
    add_item(tnm7, brussels(2027, 2, 10, 9, 30), "Welcome")
    add_item(tnm7, brussels(2027, 2, 11, 9, 0), "Study visit")
    text = text_of(client_for(coordinator).get(tnm7.get_absolute_url()))
    assert "Move down Welcome" in text and "Move up Welcome" not in text
    assert "Move up Study visit" in text and "Move down Study visit" not in text
    assert "Remove Welcome" in text


# Removing ---------------------------------------------------------------------------------


def test_removing_an_item_asks_first_then_needs_the_post(client_for, net, tnm7, coordinator):
    item = add_item(tnm7, brussels(2027, 2, 10, 9, 30), "Welcome")
    GuestSpeaker.objects.create(agenda_item=item, name="Ana Silva")
    client = client_for(coordinator)
    page = client.get(path("meetings:agenda_item_remove", net, 7, item.pk))
    assert page.status_code == 200
    text = text_of(page)
    assert "Remove “Welcome” from the programme?" in text
    assert "Nobody is e-mailed" in text
    assert AgendaItem.objects.filter(pk=item.pk).exists()

    response = client.post(path("meetings:agenda_item_remove", net, 7, item.pk))
    assert response.status_code == 302 and response["Location"].endswith("#programme")
    assert not AgendaItem.objects.exists() and not GuestSpeaker.objects.exists()
    assert "“Welcome” was removed from the programme." in text_of(client.get(response["Location"]))


# Confirmations ----------------------------------------------------------------------------


def test_cancelling_a_meeting_asks_first_and_says_who_is_told(
    client_for, net, meeting, attending, coordinator
):
    client = client_for(coordinator)
    detail = client.get(meeting.get_absolute_url()).content.decode()
    cancel_url = path("meetings:meeting_cancel", net, meeting.number)
    assert f'href="{cancel_url}"' in detail  # a link to the confirmation, not a button

    page = client.get(cancel_url)
    assert page.status_code == 200
    text = text_of(page)
    assert "Cancel this meeting?" in text and "TNM #5: State of the art" in text
    assert "The 2 participants get a cancellation e-mail with a calendar update." in text
    meeting.refresh_from_db()
    assert meeting.is_planned and not Notice.objects.exists()

    assert client.post(cancel_url).status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CANCELLED
    assert Notice.objects.filter(meeting=meeting, kind=NoticeKind.CANCELLATION).count() == 2
    assert "This meeting is already cancelled." in text_of(client.get(cancel_url))


def test_cancelling_a_call_asks_first_and_says_who_is_told(
    client_for, net, checkup_call, coordinator
):
    client = client_for(coordinator)
    cancel_url = path("meetings:call_cancel", net, checkup_call.pk)
    assert f'href="{cancel_url}"' in client.get(checkup_call.get_absolute_url()).content.decode()
    text = text_of(client.get(cancel_url))
    assert "Cancel this call?" in text and "December check-up: Alphaville" in text
    assert "The 4 participants get a cancellation e-mail with a calendar update." in text
    checkup_call.refresh_from_db()
    assert checkup_call.is_planned

    assert client.post(cancel_url).status_code == 302
    checkup_call.refresh_from_db()
    assert checkup_call.is_cancelled


def test_renewing_or_stopping_the_calendar_address_asks_first(
    client, client_for, net, city_member_a
):
    member = client_for(city_member_a)
    settings_url = path("meetings:calendar_settings", net)
    # No address yet: making one destroys nothing, so the page's button does it at once.
    assert "?action=" not in member.get(settings_url).content.decode()
    token = services.calendar_feed_renew(user=city_member_a)
    page = member.get(settings_url).content.decode()
    assert 'href="?action=renew"' in page and 'href="?action=revoke"' in page

    feed = reverse("meetings:calendar_feed", args=[token])
    renew = text_of(member.get(settings_url + "?action=renew"))
    assert "Make a new calendar address?" in renew and "stops working at once" in renew
    assert "Nobody else is told" in renew
    revoke = text_of(member.get(settings_url + "?action=revoke"))
    assert "Stop your calendar address?" in revoke
    assert client.get(feed).status_code == 200  # asking changed nothing

    renewed = member.post(settings_url, {"action": "renew"})
    assert "Your new calendar address" in renewed.content.decode()
    assert client.get(feed).status_code == 404
    new_feed = reverse(
        "meetings:calendar_feed", args=[renewed.context["new_url"].split("/")[-1][:-4]]
    )
    assert client.get(new_feed).status_code == 200
    assert member.post(settings_url, {"action": "revoke"}).status_code == 302
    assert client.get(new_feed).status_code == 404


def test_removing_a_roadmap_step_asks_first(client_for, net, city_a, roadmap_a, city_member_a):  # noqa: F811
    client = client_for(city_member_a)
    step = roadmap_a.steps.order_by("position").first()
    remove_url = reverse("iap:step_delete", args=[net.slug, city_a.slug, step.pk])
    roadmap_page = client.get(reverse("iap:roadmap", args=[net.slug, city_a.slug]))
    assert f'href="{remove_url}"' in roadmap_page.content.decode()

    text = text_of(client.get(remove_url))
    assert "Remove the step “Set up the ULG”?" in text
    assert "Nobody is e-mailed" in text and "versions already submitted keep it" in text
    assert roadmap_a.steps.count() == 2

    assert client.post(remove_url).status_code == 302
    assert list(roadmap_a.steps.values_list("title", flat=True)) == ["Agree objectives"]


def test_across_the_date_line_the_same_items_fall_on_different_days(tnm7):
    """An online session of TNM #7 at 21:00 Brussels on 10 Feb: on the far side of the date
    line (Kiritimati, UTC+14) it is the morning of 11 Feb; on the near side (Pago Pago,
    UTC-11) the morning of 10 Feb. Each reader sees it on their own day."""
    late = add_item(tnm7, brussels(2027, 2, 10, 21, 0), "Online session for the far east")
    far = dict(selectors.programme_by_day(tnm7, "Pacific/Kiritimati"))
    near = dict(selectors.programme_by_day(tnm7, "Pacific/Pago_Pago"))
    assert late.pk in [i.pk for i in far[dt.date(2027, 2, 11)]]
    assert late.pk in [i.pk for i in near[dt.date(2027, 2, 10)]]
    assert [i for i in far[dt.date(2027, 2, 11)] if i.pk == late.pk][0].local_starts_at.hour == 10
    assert span_text(tnm7.starts_at, tnm7.ends_at, zoneinfo.ZoneInfo("Pacific/Kiritimati")) == (
        "Wed 10 – Fri 12 Feb 2027, 22:30–02:00 +14"
    )

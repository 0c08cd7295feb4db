"""Permission table for meetings and calls: every page and action against every role.

Allowed pages render; members without the right get 403; an object a person may not see
(another city's call, anything of another network) is 404; visitors go to the login page.
"""

import datetime as dt
import itertools
import re

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from meetings import services
from meetings.enums import AgendaKind, MeetingStatus
from meetings.models import AgendaItem, Document, FollowUp
from tests.permissions import check

ROLES = [
    "anonymous", "outsider", "other_network_coordinator", "city_member_a", "city_coordinator_a",
    "city_member_b", "city_coordinator_b", "lead_expert", "lead_partner", "ad_hoc_expert",
    "officer", "coordinator",
]  # fmt: skip
MEMBERS = set(ROLES) - {"anonymous", "outsider", "other_network_coordinator"}
STAFF = {"coordinator", "lead_partner", "lead_expert"}
CITY_TEAMS = {"city_member_a", "city_coordinator_a", "city_member_b", "city_coordinator_b"}
CITY_A = {"city_member_a", "city_coordinator_a"}
#: Who sees city A's check-up call at all; the rest of the network gets 404.
SEES_CALL = STAFF | CITY_A | {"officer"}

PAGES = [
    ("meetings:meeting_list", [], MEMBERS),
    ("meetings:calendar_settings", [], MEMBERS),
    ("meetings:meeting_detail", ["number"], MEMBERS),
    ("meetings:meeting_ics", ["number"], MEMBERS),
    ("meetings:document_download", ["number", "document"], MEMBERS),
    ("meetings:meeting_create", [], {"coordinator"}),
    ("meetings:meeting_edit", ["number"], {"coordinator"}),
    ("meetings:agenda_item_create", ["number"], {"coordinator"}),
    ("meetings:agenda_item_edit", ["number", "item"], {"coordinator"}),
    ("meetings:minutes_edit", ["number"], {"coordinator"}),
    ("meetings:attendance", ["number"], CITY_TEAMS),
    ("meetings:document_upload", ["number"], STAFF | CITY_TEAMS),
    ("meetings:call_create", [], STAFF | {"city_coordinator_a", "city_coordinator_b"}),
    ("meetings:checkup_round_create", [], {"coordinator"}),
    ("meetings:call_detail", ["call"], SEES_CALL),
    ("meetings:call_ics", ["call"], SEES_CALL),
    ("meetings:follow_up_create", ["call"], STAFF | CITY_A),
    ("meetings:call_reschedule", ["call"], {"coordinator"}),  # a check-up call: its slot
]
ACTIONS = [
    ("meetings:call_notes", ["call"], STAFF | CITY_A),
    ("meetings:follow_up_toggle", ["call", "follow_up"], {"coordinator"} | CITY_A),
    ("meetings:call_cancel", ["call"], {"coordinator"}),  # a check-up call: the coordinator only
    ("meetings:meeting_cancel", ["number"], {"coordinator"}),
]
COVERED_URL_NAMES = {name for name, _, _ in PAGES + ACTIONS} | {"meetings:calendar_feed"}
CALL_PAGES = {"meetings:call_detail", "meetings:call_ics", "meetings:follow_up_create",
              "meetings:call_reschedule", "meetings:call_notes", "meetings:follow_up_toggle",
              "meetings:call_cancel"}  # fmt: skip


@pytest.fixture
def world(meeting, checkup_call, settings, tmp_path, coordinator):
    settings.MEDIA_ROOT = tmp_path
    item = AgendaItem.objects.create(
        meeting=meeting, starts_at=meeting.starts_at, title="Keynote", kind=AgendaKind.KEYNOTE
    )
    document = Document(meeting=meeting, title="Slides", uploaded_by=coordinator)
    document.file.save("slides.pdf", ContentFile(b"%PDF-1.4 slides"), save=True)
    follow_up = FollowUp.objects.create(call=checkup_call, task="Send the roadmap")
    return {
        "number": meeting.number,
        "item": item.pk,
        "document": document.pk,
        "call": checkup_call.pk,
        "follow_up": follow_up.pk,
    }


def expected(role, allowed, name):
    if role == "anonymous":
        return "login"
    if role not in MEMBERS:
        return 404
    if role in allowed:
        return 200
    if name in CALL_PAGES and role not in SEES_CALL:
        return 404  # another city's call does not exist for them
    return 403


def url(name, args, net, world):
    return reverse(name, args=[net.slug, *[world[a] for a in args]])


def cases(table):
    return [
        pytest.param(role, name, args, allowed, id=f"{name}-{role}")
        for (name, args, allowed), role in itertools.product(table, ROLES)
    ]


@pytest.mark.parametrize("role, name, args, allowed", cases(PAGES))
def test_page(request, client_for, net, world, role, name, args, allowed):
    response = client_for(request.getfixturevalue(role)).get(url(name, args, net, world))
    check(response, expected(role, allowed, name), role)
    if response.status_code != 200:
        assert b"meet.example.org" not in response.content, role


@pytest.mark.parametrize("role, name, args, allowed", cases(ACTIONS))
def test_action(request, client_for, net, world, meeting, checkup_call, role, name, args, allowed):
    response = client_for(request.getfixturevalue(role)).post(
        url(name, args, net, world), {"notes": f"by {role}", "version": checkup_call.version}
    )
    checkup_call.refresh_from_db()
    meeting.refresh_from_db()
    follow_up = FollowUp.objects.get(pk=world["follow_up"])
    want = expected(role, allowed, name)
    if want == 200:
        assert response.status_code == 302, role
        done = {
            "meetings:call_notes": checkup_call.notes == f"by {role}",
            "meetings:follow_up_toggle": follow_up.done,
            "meetings:call_cancel": checkup_call.status == MeetingStatus.CANCELLED,
            "meetings:meeting_cancel": meeting.status == MeetingStatus.CANCELLED,
        }
        assert done[name], role
    else:
        check(response, want, role)
        assert checkup_call.notes == "" and checkup_call.is_planned, role
        assert meeting.is_planned, role
        assert not follow_up.done, role


@pytest.mark.parametrize("role", sorted(MEMBERS))
def test_online_link_and_documents_are_for_members_only(request, client_for, net, world, role):
    client = client_for(request.getfixturevalue(role))
    page = client.get(url("meetings:meeting_detail", ["number"], net, world)).content.decode()
    assert "https://meet.example.org/tnm5" in page
    download = client.get(url("meetings:document_download", ["number", "document"], net, world))
    assert b"".join(download.streaming_content) == b"%PDF-1.4 slides"
    assert download["Content-Disposition"].startswith("attachment;")


@pytest.mark.parametrize("role", ["anonymous", "outsider", "other_network_coordinator"])
def test_outsiders_never_get_the_link_or_the_files(request, client_for, net, world, role, settings):
    client = client_for(request.getfixturevalue(role))
    pages = [
        ("meetings:meeting_detail", ["number"]),
        ("meetings:meeting_ics", ["number"]),
        ("meetings:document_download", ["number", "document"]),
    ]
    for name, args in pages:
        response = client.get(url(name, args, net, world))
        assert response.status_code in (302, 404)
        assert b"meet.example.org" not in response.content and b"%PDF" not in response.content
    # Files are not under a public URL either.
    assert client.get(settings.MEDIA_URL + "meetings/").status_code == 404


def test_the_calendar_feed_needs_the_right_token(client, city_member_a, meeting, attending):
    token = services.calendar_feed_renew(user=city_member_a)
    assert client.get(reverse("meetings:calendar_feed", args=[token])).status_code == 200
    assert (
        client.get(reverse("meetings:calendar_feed", args=[token[:-2] + "xx"])).status_code == 404
    )
    new = services.calendar_feed_renew(user=city_member_a)
    assert client.get(reverse("meetings:calendar_feed", args=[token])).status_code == 404
    assert client.get(reverse("meetings:calendar_feed", args=[new])).status_code == 200
    services.calendar_feed_revoke(user=city_member_a)
    assert client.get(reverse("meetings:calendar_feed", args=[new])).status_code == 404


def test_times_are_shown_in_the_viewers_time_zone(client_for, net, meeting, city_member_a):
    city_member_a.time_zone = "Europe/Sofia"
    city_member_a.save()
    page = client_for(city_member_a).get(meeting.get_absolute_url()).content.decode()
    text = " ".join(re.sub(r"<[^>]+>", "", page).split())
    assert "Sun 16 Feb 2031, 11:00–15:00 EET" in text
    assert meeting.starts_at == dt.datetime(2031, 2, 16, 9, 0, tzinfo=dt.UTC)

"""Permission table for the document library and the meeting pack: every page and action
against every role.

The network's members read the library, its files and thumbnails, and the pack of a
meeting that has ended; its staff and the cities' teams add files; the uploader or the
coordinator removes one. Anything of the network is 404 for another network's
coordinator and for someone in no network; visitors go to the login page.
"""

import datetime as dt
import io
import itertools

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from meetings import documents
from meetings.enums import DocumentKind
from meetings.models import Document, Meeting
from tests.permissions import check, expected

ROLES = [
    "anonymous", "outsider", "other_network_coordinator", "city_member_a", "city_coordinator_a",
    "city_member_b", "city_coordinator_b", "lead_expert", "lead_partner", "ad_hoc_expert",
    "officer", "coordinator",
]  # fmt: skip
MEMBERS = set(ROLES) - {"anonymous", "outsider", "other_network_coordinator"}
STAFF = {"coordinator", "lead_partner", "lead_expert"}
CITY_TEAMS = {"city_member_a", "city_coordinator_a", "city_member_b", "city_coordinator_b"}
#: Who may remove the file city A's team member uploaded: they and the coordinator.
REMOVES = {"city_member_a", "coordinator"}
CITY_OF = {
    "city_member_a": "city_a",
    "city_coordinator_a": "city_a",
    "city_member_b": "city_b",
    "city_coordinator_b": "city_b",
}

PAGES = [
    ("meetings:library", [], MEMBERS),
    ("meetings:library_upload", [], STAFF | CITY_TEAMS),
    ("meetings:library_download", ["document"], MEMBERS),
    ("meetings:document_thumbnail", ["photo"], MEMBERS),
    ("meetings:library_remove", ["document"], REMOVES),
    ("meetings:document_upload", ["number"], STAFF | CITY_TEAMS),
    ("meetings:document_download", ["number", "photo"], MEMBERS),
    ("meetings:meeting_pack", ["number"], MEMBERS),
]
ACTIONS = [
    ("meetings:library_remove", ["document"], REMOVES),
    ("meetings:library_upload", [], STAFF | CITY_TEAMS),
]
COVERED_URL_NAMES = {name for name, _, _ in PAGES + ACTIONS}


def png(width=640, height=480, color="green") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def held_meeting(net, city_a):
    """TNM #4, held in 2020: its pack is ready."""
    start = dt.datetime(2020, 10, 14, 8, 0, tzinfo=dt.UTC)
    return Meeting.objects.create(
        network=net, number=4, title="Learning from each other", starts_at=start,
        ends_at=start + dt.timedelta(days=1, hours=5), host=city_a,
    )  # fmt: skip


@pytest.fixture
def world(held_meeting, city_a, city_member_a, coordinator, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    document = Document(
        network=held_meeting.network, title="Alphaville's presentation", partner=city_a,
        kind=DocumentKind.PRESENTATION, tag="good practice", uploaded_by=city_member_a,
    )  # fmt: skip
    document.file.save("alphaville.pdf", ContentFile(b"%PDF-1.4 slides"), save=True)
    photo = documents.document_add(
        user=coordinator,
        network=held_meeting.network,
        data={"title": "Group photo", "kind": DocumentKind.PHOTO, "meeting": held_meeting},
        file=SimpleUploadedFile("group.png", png()),
    )
    return {"number": held_meeting.number, "document": document.pk, "photo": photo.pk}


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
    check(response, expected(role, allowed), role)
    if response.status_code != 200:
        content = response.content
        assert b"%PDF" not in content and b"Alphaville's presentation" not in content, role


def upload_data(request, role):
    city = CITY_OF.get(role)
    return {
        "title": f"Slides by {role}",
        "kind": DocumentKind.PRESENTATION,
        "tag": "slides",
        "partner": request.getfixturevalue(city).pk if city else "",
        "file": SimpleUploadedFile("slides.pdf", b"%PDF-1.4 by " + role.encode()),
    }


@pytest.mark.parametrize("role, name, args, allowed", cases(ACTIONS))
def test_action(request, client_for, net, world, role, name, args, allowed):
    data = upload_data(request, role) if name == "meetings:library_upload" else {}
    before = set(Document.objects.values_list("pk", flat=True))
    response = client_for(request.getfixturevalue(role)).post(url(name, args, net, world), data)
    after = set(Document.objects.values_list("pk", flat=True))
    want = expected(role, allowed)
    if want == 200:
        assert response.status_code == 302, role
        if name == "meetings:library_remove":
            assert after == before - {world["document"]}, role
        else:
            (new,) = after - before
            assert Document.objects.get(pk=new).title == f"Slides by {role}"
    else:
        check(response, want, role)
        assert after == before, role


@pytest.mark.parametrize("role", sorted(MEMBERS))
def test_the_pack_of_a_meeting_not_ended_says_when_it_will_be_ready(
    request, client_for, net, meeting, role
):
    """TNM #5 (conftest) is in 2031: every member gets a 403 page that says when."""
    user = request.getfixturevalue(role)
    response = client_for(user).get(reverse("meetings:meeting_pack", args=[net.slug, 5]))
    assert response.status_code == 403
    text = response.content.decode()
    assert "The meeting pack is not ready yet" in text
    assert "2031" in text and b"%PDF" not in response.content


def test_another_networks_coordinator_finds_no_file(
    client_for, net, world, other_network_coordinator
):
    client = client_for(other_network_coordinator)
    for name, args in [
        ("meetings:library_download", ["document"]),
        ("meetings:document_thumbnail", ["photo"]),
        ("meetings:meeting_pack", ["number"]),
    ]:
        response = client.get(url(name, args, net, world))
        assert response.status_code == 404
        assert b"%PDF" not in response.content and b"JFIF" not in response.content

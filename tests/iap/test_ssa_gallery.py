"""Photos of a Small Scale Action: thumbnails in a gallery, served through the same
permission check as the photos, and removal by the city's team or the coordinator."""

import io
import itertools
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from iap import services
from iap.models import SmallScaleAction, SsaFile

ROLES = [
    "anonymous", "outsider", "other_network_coordinator", "city_member_a", "city_coordinator_a",
    "city_member_b", "city_coordinator_b", "lead_expert", "lead_partner", "ad_hoc_expert",
    "officer", "coordinator",
]  # fmt: skip
MEMBERS = set(ROLES) - {"anonymous", "outsider", "other_network_coordinator"}
STAFF = {"coordinator", "lead_partner", "lead_expert"}
TEAM_A = {"city_member_a", "city_coordinator_a"}
#: Who sees city A's Small Scale Actions; the rest of the network gets 404.
SEES_A = TEAM_A | STAFF | {"officer"}

#: (URL name, method, who may): the remove page is asked (GET), then done (POST).
TABLE = [
    ("iap:ssa_file_thumbnail", "get", SEES_A),
    ("iap:ssa_file_remove", "get", TEAM_A | {"coordinator"}),
    ("iap:ssa_file_remove", "post", TEAM_A | {"coordinator"}),
]
COVERED_URL_NAMES = {name for name, _, _ in TABLE}


def png(size=(900, 600), mode="RGB", color="green") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, color).save(out, "PNG")
    return out.getvalue()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def ssa(city_a):
    return SmallScaleAction.objects.create(partner=city_a, title="Tree planting")


@pytest.fixture
def photo(ssa, city_member_a):
    return services.ssa_file_add(
        user=city_member_a, ssa=ssa, title="Planting day",
        file=SimpleUploadedFile("planting.png", png()),
    )  # fmt: skip


def file_url(name, net, ssa, item):
    return reverse(name, args=[net.slug, ssa.partner.slug, ssa.pk, item.pk])


def expected(role, allowed):
    if role == "anonymous":
        return "login"
    if role not in MEMBERS:
        return 404
    if role in allowed:
        return 200
    return 403 if role in SEES_A else 404  # another city's people: not there for them


@pytest.mark.parametrize(
    "role, name, method, allowed",
    [
        pytest.param(role, name, method, allowed, id=f"{name}-{method}-{role}")
        for (name, method, allowed), role in itertools.product(TABLE, ROLES)
    ],
)
def test_permission_table(request, client_for, net, ssa, photo, role, name, method, allowed):
    client = client_for(request.getfixturevalue(role))
    response = getattr(client, method)(file_url(name, net, ssa, photo))
    want = expected(role, allowed)
    if want == "login":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    elif want == 200 and method == "post":
        assert response.status_code == 302, role
        assert not SsaFile.objects.exists(), role
    else:
        assert response.status_code == want, f"{role}: {response.status_code} != {want}"
        assert SsaFile.objects.filter(pk=photo.pk).exists(), role


def test_a_photo_added_to_an_ssa_shows_as_a_thumbnail_in_its_gallery(
    client_for, net, city_a, ssa, city_member_a, officer
):
    client = client_for(city_member_a)
    upload_url = reverse("iap:ssa_file_upload", args=[net.slug, city_a.slug, ssa.pk])
    transparent = png((1600, 1000), mode="RGBA", color=(0, 0, 255, 0))
    client.post(
        upload_url, {"title": "Planting day", "file": SimpleUploadedFile("day.png", transparent)}
    )
    client.post(upload_url, {"title": "Budget sheet", "file": SimpleUploadedFile(
        "budget.pdf", b"%PDF-1.4 budget")})  # fmt: skip
    photo, sheet = (
        SsaFile.objects.get(title="Planting day"),
        SsaFile.objects.get(title="Budget sheet"),
    )
    assert photo.thumbnail and not sheet.thumbnail

    page = client_for(officer).get(ssa.get_absolute_url()).content.decode()

    thumbnail = file_url("iap:ssa_file_thumbnail", net, ssa, photo)
    full = file_url("iap:ssa_file_download", net, ssa, photo)
    assert (
        f'<a href="{full}"><img src="{thumbnail}" alt="Planting day" width="160" '
        'class="img-thumbnail"></a>'
    ) in page
    assert f'href="{file_url("iap:ssa_file_download", net, ssa, sheet)}">Budget sheet</a>' in page
    assert "Remove" not in page  # the officer only reads
    response = client_for(officer).get(thumbnail)
    assert response["Content-Type"] == "image/jpeg"
    image = Image.open(io.BytesIO(b"".join(response.streaming_content)))
    assert image.size == (320, 200)
    assert all(channel > 245 for channel in image.convert("RGB").getpixel((5, 5)))
    assert "private" in response["Cache-Control"]


def test_a_photo_that_cannot_be_read_is_listed_without_a_thumbnail(
    client_for, net, ssa, city_member_a
):
    item = services.ssa_file_add(
        user=city_member_a, ssa=ssa, title="Damaged",
        file=SimpleUploadedFile("damaged.png", png()[:16] + b"scrambled" * 20),
    )  # fmt: skip
    assert not item.thumbnail
    client = client_for(city_member_a)
    assert client.get(file_url("iap:ssa_file_thumbnail", net, ssa, item)).status_code == 404
    page = client.get(ssa.get_absolute_url()).content.decode()
    assert f'href="{file_url("iap:ssa_file_download", net, ssa, item)}">Damaged</a>' in page


def test_the_coordinator_removes_a_photo_after_confirming(
    client_for, net, ssa, photo, coordinator, media, django_capture_on_commit_callbacks
):
    stored = [Path(media, photo.file.name), Path(media, photo.thumbnail.name)]
    assert all(path.exists() for path in stored)
    client = client_for(coordinator)
    remove_url = file_url("iap:ssa_file_remove", net, ssa, photo)
    assert f'href="{remove_url}"' in client.get(ssa.get_absolute_url()).content.decode()

    page = " ".join(client.get(remove_url).content.decode().split())
    assert "Remove “Planting day”?" in page
    assert "Nobody is told: the Small Scale Action&#x27;s page changes." in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(remove_url)

    assert response["Location"] == ssa.get_absolute_url()
    assert not SsaFile.objects.exists()
    assert not any(path.exists() for path in stored)


def test_only_the_city_team_or_the_coordinator_may_remove(ssa, photo, lead_expert, city_member_b):
    for person in (lead_expert, city_member_b):
        with pytest.raises(PermissionDenied):
            services.ssa_file_remove(user=person, item=photo)
    assert SsaFile.objects.filter(pk=photo.pk).exists()

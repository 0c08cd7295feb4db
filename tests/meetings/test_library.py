"""The network's document library: adding files for one's city, finding them again with
the filters, photos as thumbnails, downloads through the permission check, removal."""

import datetime as dt
import html
import io
import re
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from meetings import documents
from meetings.enums import DocumentKind
from meetings.models import Document, Meeting
from partners.models import Notification
from portal.thumbnails import THUMBNAIL_WIDTH, make_thumbnail
from tests.factories import UserFactory


def image_bytes(size=(1000, 800), mode="RGB", color="green", fmt="PNG", **save) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, color).save(out, fmt, **save)
    return out.getvalue()


def upload(name, content):
    return SimpleUploadedFile(name, content)


def pdf(name="slides.pdf"):
    return upload(name, b"%PDF-1.4 " + name.encode())


def text_of(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def library_url(net):
    return reverse("meetings:library", args=[net.slug])


@pytest.fixture
def upload_url(net):
    return reverse("meetings:library_upload", args=[net.slug])


def add(user, network, title, file=None, **data):
    return documents.document_add(
        user=user,
        network=network,
        data={"title": title, "kind": data.pop("kind", DocumentKind.OTHER), **data},
        file=file or pdf(),
    )


# Adding files --------------------------------------------------------------------------


def test_a_city_member_adds_a_presentation_for_their_city_with_a_type_and_a_tag(
    client_for, net, city_a, city_member_a, library_url, upload_url
):
    client = client_for(city_member_a)
    assert "No files yet." in text_of(client.get(library_url))  # stored by the page cache

    response = client.post(
        upload_url,
        {
            "title": "Alphaville's CSR pact",
            "kind": DocumentKind.PRESENTATION,
            "tag": "  good   practice ",
            "partner": city_a.pk,
            "file": pdf("pact.pptx.pdf"),
        },
    )

    assert response.status_code == 302 and response["Location"] == library_url
    document = Document.objects.get()
    assert (document.partner, document.kind, document.tag) == (
        city_a,
        DocumentKind.PRESENTATION,
        "good practice",
    )
    assert document.uploaded_by == city_member_a and document.network == net
    page = text_of(client.get(library_url))
    assert "“Alphaville's CSR pact” has been added to the library." in page
    assert "Alphaville's CSR pact Presentation good practice" in page
    assert f"Alphaville · Added by {city_member_a.get_full_name()}" not in page  # filename first
    assert "pact.pptx.pdf · Alphaville" in page
    assert f"Added by {city_member_a.get_full_name()}" in page


def test_the_upload_form_offers_a_city_team_its_own_city_only(
    client_for, net, city_a, city_b, city_member_a, upload_url
):
    client = client_for(city_member_a)
    form = client.get(upload_url).content.decode()
    assert f'<option value="{city_a.pk}" selected>Alphaville</option>' in form
    assert "Betatown" not in form

    for partner, error in [(city_b.pk, "Select a valid choice."), ("", "This field is required.")]:
        response = client.post(
            upload_url, {"title": "Slides", "kind": "presentation", "partner": partner,
                         "file": pdf()},
        )  # fmt: skip
        assert response.status_code == 200
        assert error in response.content.decode()
    assert not Document.objects.exists()
    with pytest.raises(PermissionDenied):
        add(city_member_a, net, "Slides", partner=city_b)
    with pytest.raises(PermissionDenied):
        add(city_member_a, net, "Slides")


def test_the_network_staff_file_for_any_city_or_none(
    client_for, net, city_b, lead_expert, upload_url, other_city
):
    client = client_for(lead_expert)
    assert "None (the whole network)" in client.get(upload_url).content.decode()
    client.post(upload_url, {"title": "Study", "kind": "study", "partner": "", "file": pdf()})
    client.post(upload_url, {"title": "Sofia", "kind": "other", "partner": city_b.pk,
                             "file": pdf()})  # fmt: skip
    assert dict(Document.objects.values_list("title", "partner")) == {
        "Study": None,
        "Sofia": city_b.pk,
    }
    with pytest.raises(PermissionDenied):
        add(lead_expert, net, "Elsewhere", partner=other_city)


def test_the_type_is_guessed_when_left_empty(client_for, net, lead_expert, upload_url):
    client = client_for(lead_expert)
    client.post(
        upload_url, {"title": "Group", "file": upload("group.jpg", image_bytes(fmt="JPEG"))}
    )
    client.post(upload_url, {"title": "Notes", "file": pdf()})
    assert dict(Document.objects.values_list("title", "kind")) == {
        "Group": DocumentKind.PHOTO,
        "Notes": DocumentKind.OTHER,
    }


def test_a_fake_file_is_refused_with_the_uploads_message(client_for, lead_expert, upload_url):
    response = client_for(lead_expert).post(
        upload_url, {"title": "Photo", "kind": "photo", "file": upload("x.png", b"not a png")}
    )
    assert "This is not a real PNG image, or it is damaged." in response.content.decode()
    assert not Document.objects.exists()


def test_a_city_team_adds_its_presentation_from_the_meeting_page(
    client_for, net, meeting, city_a, city_coordinator_a
):
    client = client_for(city_coordinator_a)
    page = client.get(meeting.get_absolute_url()).content.decode()
    add_url = reverse("meetings:document_upload", args=[net.slug, meeting.number])
    assert f'href="{add_url}"' in page
    assert 'name="meeting"' not in client.get(add_url).content.decode()  # it is this meeting

    response = client.post(
        add_url, {"title": "Alphaville at TNM #5", "kind": "presentation", "tag": "tnm5",
                  "partner": city_a.pk, "file": pdf()},
    )  # fmt: skip

    assert response["Location"] == meeting.get_absolute_url()
    document = Document.objects.get()
    assert document.meeting == meeting and document.partner == city_a
    page = text_of(client.get(meeting.get_absolute_url()))
    assert "Alphaville at TNM #5 (Presentation · tnm5 · slides.pdf)" in page


# Finding them ----------------------------------------------------------------------------


@pytest.fixture
def shelf(net, city_a, city_b, meeting, lead_expert, other_net, other_city):
    """Four files of the network and one of another network."""
    held = Meeting.objects.create(
        network=net, number=4, title="Held", starts_at=meeting.starts_at - dt.timedelta(days=400),
        ends_at=meeting.starts_at - dt.timedelta(days=400),
    )  # fmt: skip
    files = {
        "Alpha slides": {"kind": DocumentKind.PRESENTATION, "tag": "tnm5", "meeting": meeting,
                         "partner": city_a},
        "Beta slides": {"kind": DocumentKind.PRESENTATION, "tag": "tnm4", "meeting": held,
                        "partner": city_b},
        "Beta study": {"kind": DocumentKind.STUDY, "tag": "good practice", "partner": city_b},
        "Guide": {"kind": DocumentKind.TEMPLATE},
    }  # fmt: skip
    for title, data in files.items():
        add(lead_expert, net, title, **data)
    elsewhere = Document(network=other_net, title="Other network's file", partner=other_city)
    elsewhere.file.save("other.pdf", ContentFile(b"%PDF-1.4"), save=True)
    return files


def titles(client, url, **query) -> list[str]:
    response = client.get(url, query)
    assert response.status_code == 200
    return sorted(d.title for d in response.context["documents"])


ALL = ["Alpha slides", "Beta slides", "Beta study", "Guide"]


@pytest.mark.parametrize(
    "query, found",
    [
        ({}, ALL),
        ({"kind": "presentation"}, ["Alpha slides", "Beta slides"]),
        ({"tag": "good practice"}, ["Beta study"]),
        ({"meeting": "5"}, ["Alpha slides"]),
        ({"city": "betatown"}, ["Beta slides", "Beta study"]),
        ({"city": "betatown", "kind": "presentation"}, ["Beta slides"]),
        ({"city": "betatown", "meeting": "5"}, []),
        # Values not on the lists are ignored, the others still apply.
        ({"kind": "spreadsheet"}, ALL),
        ({"kind": "study", "meeting": "abc"}, ["Beta study"]),
        ({"tag": "no such tag", "meeting": "99"}, ALL),
        ({"city": "gammaburg"}, ALL),  # another network's city
        ({"city": "beta\x00town", "kind": "x\x00"}, ALL),
        ({"meeting": "-1", "city": ["alphaville", "betatown"]}, ["Beta slides", "Beta study"]),
    ],
)
def test_the_filters_find_the_files_and_ignore_values_not_on_their_lists(
    client_for, net, shelf, city_member_b, library_url, query, found
):
    assert titles(client_for(city_member_b), library_url, **query) == found


def test_the_filters_are_labelled_lists_and_keep_what_was_chosen(
    client_for, shelf, city_member_b, library_url
):
    page = client_for(city_member_b).get(library_url, {"kind": "study", "tag": "bogus"})
    body = page.content.decode()
    for name, label in [("kind", "Type"), ("tag", "Tag"), ("meeting", "Meeting"),
                        ("city", "City")]:  # fmt: skip
        assert f'<label class="form-label" for="id_{name}">{label}</label>' in body
        assert f'<select name="{name}"' in body
    assert '<option value="study" selected>Study or good practice</option>' in body
    assert '<option value="5">TNM #5: State of the art</option>' in body
    assert "Other network" not in body and "Gammaburg" not in body
    assert "1 file" in text_of(page)


def test_the_library_is_paged_and_a_bad_page_is_not_found(
    client_for, net, lead_expert, city_member_a, library_url
):
    for n in range(26):
        add(lead_expert, net, f"File {n:02d}")
    client = client_for(city_member_a)
    first = client.get(library_url, {"kind": "other"})
    assert len(first.context["documents"]) == 24 and "Page 1 of 2" in text_of(first)
    assert 'href="?kind=other&amp;page=2"' in first.content.decode()
    second = client.get(library_url, {"kind": "other", "page": 2})
    assert [d.title for d in second.context["documents"]] == ["File 01", "File 00"]
    for page in ["abc", "9", "\x00"]:
        assert client.get(library_url, {"page": page}).status_code == 404


def test_the_library_page_asks_the_same_few_queries_however_many_files(
    client_for, net, city_a, city_b, meeting, lead_expert, city_member_a, library_url, settings
):
    settings.PAGE_CACHE_SECONDS = 0
    client = client_for(city_member_a)

    def count():
        client.get(library_url, {"kind": "photo"})
        with CaptureQueriesContext(connection) as queries:
            response = client.get(library_url, {"city": "alphaville"})
        assert response.status_code == 200
        return len(queries)

    photo = upload("p.png", image_bytes((40, 30)))
    add(lead_expert, net, "One", partner=city_a, meeting=meeting, tag="a", file=photo)
    small = count()
    for n in range(12):
        uploader = UserFactory(email=f"uploader{n}@example.org")
        Document.objects.create(
            network=net, title=f"Doc {n}", partner=city_a if n % 2 else city_b, tag=f"t{n}",
            meeting=meeting, file=f"meetings/library/x/{n}.pdf", uploaded_by=uploader,
        )  # fmt: skip
    assert count() == small <= 8


# Photos and thumbnails -------------------------------------------------------------------


def thumbnail_of(document) -> Image.Image:
    with document.thumbnail.open("rb") as handle:
        image = Image.open(io.BytesIO(handle.read()))
        image.load()
        return image


def test_a_photo_gets_a_jpeg_thumbnail_320_pixels_wide_on_white(
    client_for, lead_expert, upload_url
):
    transparent = image_bytes((1000, 800), mode="RGBA", color=(255, 0, 0, 0))
    client_for(lead_expert).post(
        upload_url, {"title": "Logo", "kind": "photo", "file": upload("logo.png", transparent)}
    )
    thumbnail = thumbnail_of(Document.objects.get())
    assert thumbnail.format == "JPEG" and thumbnail.size == (THUMBNAIL_WIDTH, 256)
    assert all(channel > 245 for channel in thumbnail.getpixel((10, 10)))  # white, not black


def test_a_photo_taken_sideways_is_turned_upright(net, lead_expert):
    exif = Image.Exif()
    exif[0x0112] = 6  # the camera was turned: rotate 90° clockwise to show it
    sideways = image_bytes((1200, 600), fmt="JPEG", exif=exif)
    document = add(lead_expert, net, "Tall", file=upload("tall.jpg", sideways), kind="photo")
    assert thumbnail_of(document).size == (320, 640)


def test_an_image_that_cannot_be_read_is_kept_without_a_thumbnail(
    client_for, net, lead_expert, city_member_a, library_url
):
    broken = image_bytes((400, 300))[:16] + b"scrambled" * 20  # a signature, then no image
    document = add(lead_expert, net, "Broken photo", file=upload("broken.png", broken))
    assert not document.thumbnail and document.file.read() == broken
    client = client_for(city_member_a)
    thumbnail_url = reverse("meetings:document_thumbnail", args=[net.slug, document.pk])
    assert client.get(thumbnail_url).status_code == 404
    assert thumbnail_url not in client.get(library_url).content.decode()
    assert make_thumbnail(upload("notes.pdf", b"%PDF-1.4")) is None


def test_files_are_served_to_members_through_the_permission_check(
    client_for, net, meeting, lead_expert, city_member_b
):
    photo = add(lead_expert, net, "Group photo", upload("group.png", image_bytes()), kind="photo",
                meeting=meeting)  # fmt: skip
    notes = add(lead_expert, net, "Notes", pdf("notes.pdf"))
    client = client_for(city_member_b)

    shown = client.get(reverse("meetings:library_download", args=[net.slug, photo.pk]))
    assert shown["Content-Type"] == "image/png"
    assert shown["Content-Disposition"].startswith("inline;")
    downloaded = client.get(reverse("meetings:library_download", args=[net.slug, notes.pk]))
    assert downloaded["Content-Disposition"] == 'attachment; filename="notes.pdf"'
    assert b"".join(downloaded.streaming_content) == b"%PDF-1.4 notes.pdf"
    thumbnail = client.get(reverse("meetings:document_thumbnail", args=[net.slug, photo.pk]))
    assert thumbnail["Content-Type"] == "image/jpeg"
    for response in (shown, downloaded, thumbnail):
        cache_control = {part.strip() for part in response["Cache-Control"].split(",")}
        assert "private" in cache_control and "public" not in cache_control
    # Under a meeting's address, only that meeting's files.
    assert (
        client.get(
            reverse("meetings:document_download", args=[net.slug, meeting.number, notes.pk])
        ).status_code
        == 404
    )


def test_the_meeting_page_shows_its_photos_as_a_gallery_and_links_to_the_library(
    client_for, net, meeting, lead_expert, city_member_a, library_url
):
    photo = add(lead_expert, net, "Study visit", upload("visit.png", image_bytes()),
                kind="photo", meeting=meeting)  # fmt: skip
    add(lead_expert, net, "Agenda", pdf("agenda.pdf"), kind="minutes", meeting=meeting)
    add(lead_expert, net, "Not of this meeting", upload("x.png", image_bytes()), kind="photo")

    page = client_for(city_member_a).get(meeting.get_absolute_url()).content.decode()

    download = reverse("meetings:document_download", args=[net.slug, meeting.number, photo.pk])
    thumbnail = reverse("meetings:document_thumbnail", args=[net.slug, photo.pk])
    assert (
        f'<a href="{download}"><img src="{thumbnail}" alt="Study visit" width="160" '
        'class="img-thumbnail"></a>'
    ) in page
    assert 'Agenda</a> <span class="small">(Minutes or report · agenda.pdf)' in page
    assert "Not of this meeting" not in page
    assert f'href="{library_url}?meeting=5"' in page


# Removing --------------------------------------------------------------------------------


def test_the_coordinator_removes_a_citys_file_and_the_uploader_is_told(
    client_for, net, city_a, city_member_a, coordinator, media, library_url,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    photo = add(city_member_a, net, "Our square", upload("square.png", image_bytes()),
                kind="photo", partner=city_a)  # fmt: skip
    stored = [Path(media, photo.file.name), Path(media, photo.thumbnail.name)]
    assert all(path.exists() for path in stored)
    client = client_for(coordinator)
    remove_url = reverse("meetings:library_remove", args=[net.slug, photo.pk])

    page = text_of(client.get(remove_url))
    assert "Remove “Our square” from the library?" in page
    assert f"{city_member_a.get_full_name()}, who added it, is told in their notifications." in page
    assert Document.objects.filter(pk=photo.pk).exists()  # asking removed nothing

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(remove_url)

    assert response["Location"] == library_url
    assert not Document.objects.filter(pk=photo.pk).exists()
    assert not any(path.exists() for path in stored)
    notice = Notification.objects.get(recipient=city_member_a)
    assert "removed your file “Our square”" in notice.title


def test_the_uploader_removes_their_own_file_and_nobody_is_told(
    client_for, net, meeting, city_a, city_member_a, django_capture_on_commit_callbacks
):
    notes = add(city_member_a, net, "Draft", pdf(), partner=city_a, meeting=meeting)
    client = client_for(city_member_a)
    remove_url = reverse("meetings:library_remove", args=[net.slug, notes.pk])
    meeting_page = client.get(meeting.get_absolute_url()).content.decode()
    assert f'href="{remove_url}?back=meeting"' in meeting_page

    page = text_of(client.get(remove_url, {"back": "meeting"}))
    assert "Nobody else is told: you added it." in page
    assert "It is no longer listed on the meeting's page or in its pack." in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(remove_url, {"back": "meeting"})

    assert response["Location"] == meeting.get_absolute_url()
    assert not Document.objects.exists() and not Notification.objects.exists()


def test_another_member_may_not_remove_a_file(client_for, net, city_a, city_member_a,
                                              city_coordinator_a, lead_partner):  # fmt: skip
    notes = add(city_member_a, net, "Draft", pdf(), partner=city_a)
    for person in (city_coordinator_a, lead_partner):
        response = client_for(person).post(
            reverse("meetings:library_remove", args=[net.slug, notes.pk])
        )
        assert response.status_code == 403
        with pytest.raises(PermissionDenied):
            documents.document_remove(user=person, document=notes)
    assert Document.objects.filter(pk=notes.pk).exists()

"""Uploads are judged by their content, and request bodies are capped at the upload limit."""

import datetime as dt
import io
import struct
import zlib

import pytest
from django import forms
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from meetings.models import Document, Meeting
from portal.uploads import IMAGES, validate_upload


def png(size=(8, 8)):
    buffer = io.BytesIO()
    Image.new("RGB", size, "green").save(buffer, format="PNG")
    return buffer.getvalue()


def png_bomb(width, height):
    """A small PNG whose pixels unpack to width x height bytes of zeros (greyscale)."""

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    packer = zlib.compressobj(9)
    row = b"\x00" * (width + 1)  # filter byte, then one byte per pixel
    body = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", body) + chunk(b"IEND", b"")
    )


@pytest.fixture
def meeting(net, city_a):
    start = dt.datetime(2031, 2, 16, 9, 0, tzinfo=dt.UTC)
    return Meeting.objects.create(
        network=net, number=5, title="TNM", starts_at=start, ends_at=start, host=city_a
    )


def upload(name, content):
    return SimpleUploadedFile(name, content)


@pytest.mark.parametrize(
    "name, content",
    [
        ("slides.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"),
        ("report.docx", b"PK\x03\x04" + b"\x00" * 26),
        ("sheet.ods", b"PK\x03\x04" + b"\x00" * 26),
        ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 24),
        ("photo.png", png()),
    ],
)
def test_real_files_are_accepted_and_left_ready_to_save(name, content):
    file = upload(name, content)

    assert validate_upload(file) is file
    assert file.read() == content


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("slides.pdf", b"<html><script>alert(1)</script>", "This is not a real PDF file"),
        ("report.docx", b"%PDF-1.4 not a docx", "This is not a real DOCX file"),
        ("old.xls", b"PK\x03\x04 a zip, not OLE", "This is not a real XLS file"),
        ("photo.png", b"\x89PNG trees", "This is not a real PNG image"),
        ("photo.jpg", png(), "This is not a real JPEG image"),
        ("photo.gif", b"GIF89a" + b"\x00" * 3, "This is not a real GIF image"),
        ("empty.pdf", b"", "This is not a real PDF file"),
    ],
)
def test_a_file_whose_content_is_not_what_its_name_says_is_refused(name, content, message):
    with pytest.raises(forms.ValidationError, match=message):
        validate_upload(upload(name, content))


@pytest.mark.parametrize("size", [(7000, 7000), (20000, 20000)])
def test_an_image_of_too_many_pixels_is_refused_without_decoding_it(size):
    with pytest.raises(forms.ValidationError, match="at most 40 megapixels"):
        validate_upload(upload("bomb.png", png_bomb(*size)), kinds=IMAGES)


def test_an_image_within_the_pixel_limit_is_accepted():
    validate_upload(upload("wide.png", png_bomb(6000, 6000)), kinds=IMAGES)


def test_a_fake_pdf_is_refused_on_the_meeting_documents_page(
    client_for, net, meeting, lead_expert, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    url = reverse("meetings:document_upload", args=[net.slug, meeting.number])

    response = client_for(lead_expert).post(
        url, {"title": "Slides", "file": upload("slides.pdf", b"MZ\x90\x00 an executable")}
    )

    assert "This is not a real PDF file" in response.content.decode()
    assert not Document.objects.exists()


def test_a_body_larger_than_the_upload_limit_is_refused_before_it_is_read(
    client_for, net, meeting, lead_expert, settings
):
    settings.MAX_UPLOAD_MB = 1
    url = reverse("meetings:document_upload", args=[net.slug, meeting.number])
    body = b"x" * (2 * 1024 * 1024 + 1)

    response = client_for(lead_expert).generic(
        "POST", url, body, content_type="application/octet-stream"
    )

    assert response.status_code == 413
    assert "A file may be at most 1 MB" in response.content.decode()
    assert "Content-Security-Policy" in response.headers
    assert not Document.objects.exists()


def test_a_body_within_the_upload_limit_reaches_the_form(
    client_for, net, meeting, lead_expert, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    settings.MAX_UPLOAD_MB = 1
    url = reverse("meetings:document_upload", args=[net.slug, meeting.number])
    big = upload("big.pdf", b"%PDF-" + b"0" * (1024 * 1024))

    response = client_for(lead_expert).post(url, {"title": "Big", "file": big})

    assert response.status_code == 200
    assert "The file may be at most 1 MB." in response.content.decode()

"""Security headers: a Content-Security-Policy on every HTML page, Referrer-Policy, and
`Cache-Control: private` on everything only members may see."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from cities4csr.views import HomeView
from meetings import services as meeting_services
from meetings.models import Document, Meeting
from news.enums import ArticleStatus
from news.models import Article

ROOT = Path(__file__).resolve().parent.parent.parent
#: Rendered by WeasyPrint into a PDF on the server; never sent to a browser as HTML.
SERVER_SIDE_ONLY = {"iap/templates/iap/pdf/base.html"}


def policy(response) -> dict[str, list[str]]:
    header = response.headers["Content-Security-Policy"]
    directives = (part.split() for part in header.split(";") if part.strip())
    return {name: values for name, *values in directives}


def assert_strict_policy(response):
    directives = policy(response)
    for name in ["default-src", "script-src", "style-src", "font-src", "base-uri", "form-action"]:
        assert directives[name] == ["'self'"], name
    assert directives["img-src"] == ["'self'", "data:"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]
    assert not any("unsafe" in value for values in directives.values() for value in values)


@pytest.fixture
def meeting(net, city_a):
    start = dt.datetime(2031, 2, 16, 9, 0, tzinfo=dt.UTC)
    return Meeting.objects.create(
        network=net, number=5, title="TNM", starts_at=start, ends_at=start, host=city_a
    )


@pytest.mark.parametrize(
    "who, url, status",
    [
        (None, lambda net: reverse("news:list"), 200),
        (None, lambda net: reverse("login"), 200),
        (None, lambda net: reverse("password_reset"), 200),
        ("coordinator", lambda net: reverse("partners:network_home", args=[net.slug]), 200),
        ("coordinator", lambda net: reverse("meetings:meeting_list", args=[net.slug]), 200),
        ("coordinator", lambda net: "/no/such/page/", 404),
        ("city_member_a", lambda net: reverse("meetings:meeting_create", args=[net.slug]), 403),
        ("coordinator", lambda net: reverse("admin:index"), 302),
    ],
)
def test_every_html_response_carries_the_strict_content_security_policy(
    request, client_for, net, city_a, who, url, status
):
    client = client_for(request.getfixturevalue(who) if who else None)

    response = client.get(url(net))

    assert response.status_code == status
    assert_strict_policy(response)
    assert response.headers["Referrer-Policy"] == "same-origin"


def test_the_server_error_page_carries_the_policy_too(db, monkeypatch):
    def fail(self, request):
        raise RuntimeError("boom")

    monkeypatch.setattr(HomeView, "get", fail)

    response = Client(raise_request_exception=False).get("/")

    assert response.status_code == 500
    assert_strict_policy(response)
    assert 'href="/static/css/plain-page.css"' in response.content.decode()


def html_templates():
    for folder in [ROOT / "templates", *ROOT.glob("*/templates")]:
        for path in folder.rglob("*.html"):
            name = path.relative_to(ROOT).as_posix()
            if name not in SERVER_SIDE_ONLY and ".venv" not in name:
                yield name, path.read_text()


def test_no_template_has_inline_script_or_style():
    """The policy blocks them, so a page that needs one would silently break."""
    found = []
    for name, text in html_templates():
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text):
            found.append(f"{name}: inline <script>")
        if re.search(r"<style\b", text) or re.search(r"\sstyle\s*=", text):
            found.append(f"{name}: inline style")
        if re.search(r"\son[a-z]+\s*=", text) or "javascript:" in text:
            found.append(f"{name}: inline event handler")
    assert not found, found


def test_the_policy_is_set_in_every_environment():
    assert "csp.middleware.CSPMiddleware" in settings.MIDDLEWARE
    assert settings.SECURE_REFERRER_POLICY == "same-origin"


# Cache-Control: private on what only members see -----------------------------------------


def assert_private(response, *, stored):
    cache_control = {part.strip() for part in response.headers["Cache-Control"].split(",")}
    assert "private" in cache_control
    assert "public" not in cache_control
    assert ("no-store" not in cache_control) is stored


def test_member_pages_are_private_and_not_stored(client_for, net, city_a, coordinator):
    response = client_for(coordinator).get(reverse("partners:network_home", args=[net.slug]))

    assert response.status_code == 200
    assert_private(response, stored=False)


def test_the_profile_page_is_private(client_for, net, coordinator):
    response = client_for(coordinator).get(reverse("profile"))

    assert response.status_code == 200
    assert_private(response, stored=False)


def test_a_meeting_document_download_is_private(
    client_for, net, meeting, coordinator, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    document = Document(meeting=meeting, title="Slides", uploaded_by=coordinator)
    document.file.save("slides.pdf", ContentFile(b"%PDF-1.4\n"), save=True)

    response = client_for(coordinator).get(
        reverse("meetings:document_download", args=[net.slug, meeting.number, document.pk])
    )

    assert response.status_code == 200
    assert_private(response, stored=True)


@pytest.mark.parametrize("kind", ["csv", "pdf"])
def test_an_export_is_private(client_for, net, city_a, lead_expert, kind):
    response = client_for(lead_expert).get(
        reverse("iap:roadmap_export", args=[net.slug, city_a.slug, kind])
    )

    assert response.status_code == 200
    assert_private(response, stored=True)
    if kind == "pdf":
        assert response.content.startswith(b"%PDF-")


def test_the_personal_calendar_feed_is_private(client, net, meeting, city_member_a):
    token = meeting_services.calendar_feed_renew(user=city_member_a)

    response = client.get(reverse("meetings:calendar_feed", args=[token]))

    assert response.status_code == 200
    assert_private(response, stored=True)


def test_public_news_is_not_marked_private(client, net):
    response = client.get(reverse("news:list"))

    assert "private" not in response.headers.get("Cache-Control", "")


@pytest.mark.parametrize("status, private", [("draft", True), ("published", False)])
def test_a_drafts_cover_is_private_a_published_one_is_not(
    client_for, net, coordinator, settings, tmp_path, status, private
):
    settings.MEDIA_ROOT = tmp_path
    draft = status == "draft"
    article = Article.objects.create(
        network=net,
        author=coordinator,
        title="Trees",
        slug="trees",
        summary="Trees planted.",
        body="The cities planted trees.",
        status=ArticleStatus.DRAFT if draft else ArticleStatus.PUBLISHED,
        publish_at=None if draft else dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
        cover_image=SimpleUploadedFile("cover.png", b"\x89PNG\r\n\x1a\n"),
        cover_alt="Trees planted",
    )

    response = client_for(coordinator).get(reverse("news:cover", args=[net.slug, article.slug]))

    assert response.status_code == 200
    if private:
        assert_private(response, stored=True)
    else:
        assert "private" not in response.headers.get("Cache-Control", "")

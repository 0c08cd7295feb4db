"""Permission table for news: public pages for everyone, editor pages for editors only.

One test case per role and address. Articles a person may not see (drafts, for anyone
but the network's news editors) answer 404; a page about an article one can see but may
not edit answers 403.
"""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from news.enums import ArticleStatus
from tests.conftest import ROLE_FIXTURES

COVERED_URL_NAMES = {
    "news:list", "news:feed", "news:rss", "news:network_list", "news:network_feed",
    "news:network_rss", "news:tag", "news:article", "news:cover", "news:manage",
    "news:create", "news:edit", "news:preview", "news:publish",
}  # fmt: skip

EDITORS = {"coordinator", "communication_officer"}
NOT_IN_THE_NETWORK = {"outsider", "other_network_coordinator"}
EVERYONE = [*ROLE_FIXTURES, "communication_officer"]

PUBLIC_PAGES = ["news:list", "news:network_list", "news:tag", "news:article"]
FEEDS = ["news:feed", "news:rss", "news:network_feed", "news:network_rss"]
#: Editor pages, and for those about one article, which article.
EDITOR_PAGES = [
    ("news:manage", None),
    ("news:create", None),
    ("news:edit", "draft"),
    ("news:edit", "published"),
    ("news:preview", "draft"),
    ("news:preview", "published"),
]


def expected_for_editor_page(role, article_state):
    if role == "anonymous":
        return "login"
    if role in NOT_IN_THE_NETWORK:
        return 404  # a network one does not belong to does not exist
    if role in EDITORS:
        return 200
    if article_state == "draft":
        return 404  # members do not see drafts
    return 403  # members see the network and its published news, but may not write it


def check(response, expected):
    if expected == "login":
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == expected


def url_of(name, net, article=None):
    if name in ("news:list", "news:feed", "news:rss"):
        return reverse(name)
    if name == "news:tag":
        return reverse(name, args=[net.slug, "sdgs"])
    if name in ("news:article", "news:cover"):
        return reverse(name, args=[net.slug, article.slug])
    if name in ("news:edit", "news:preview", "news:publish"):
        return reverse(name, args=[net.slug, article.pk])
    return reverse(name, args=[net.slug])


@pytest.mark.parametrize("name", PUBLIC_PAGES + FEEDS)
@pytest.mark.parametrize("role", EVERYONE)
def test_public_pages_show_published_news_to_everyone(
    request, client_for, role, name, net, published, draft, scheduled
):
    client = client_for(request.getfixturevalue(role))
    published.tags.create(name="SDGs", slug="sdgs")
    response = client.get(url_of(name, net, published))
    assert response.status_code == 200
    text = response.content.decode()
    assert published.title in text
    assert draft.title not in text and scheduled.title not in text


@pytest.mark.parametrize("state", ["draft", "scheduled"])
@pytest.mark.parametrize("role", EVERYONE)
def test_drafts_and_scheduled_articles_are_404_on_public_pages(
    request, client_for, role, state, net
):
    """Even editors get 404 here: they read their unpublished work on the preview page."""
    client = client_for(request.getfixturevalue(role))
    article = request.getfixturevalue(state)
    assert client.get(url_of("news:article", net, article)).status_code == 404


@pytest.mark.parametrize("name, state", EDITOR_PAGES)
@pytest.mark.parametrize("role", EVERYONE)
def test_editor_pages(request, client_for, role, name, state, net):
    client = client_for(request.getfixturevalue(role))
    article = request.getfixturevalue(state) if state else None
    expected = expected_for_editor_page(role, state)
    response = client.get(url_of(name, net, article))
    check(response, expected)
    if expected == 200 and article is not None:
        assert article.title in response.content.decode()


@pytest.mark.parametrize(
    "state, action, after",
    [
        ("draft", "publish", ArticleStatus.PUBLISHED),
        ("published", "unpublish", ArticleStatus.DRAFT),
    ],
)
@pytest.mark.parametrize("role", EVERYONE)
def test_only_editors_can_publish(request, client_for, role, state, action, after, net):
    client = client_for(request.getfixturevalue(role))
    article = request.getfixturevalue(state)
    before = article.status
    response = client.post(url_of("news:publish", net, article), {"action": action})
    article.refresh_from_db()
    if role in EDITORS:
        assert response.status_code == 302
        assert article.status == after
    else:
        check(response, expected_for_editor_page(role, state))
        assert article.status == before


@pytest.fixture
def with_covers(settings, tmp_path, published, draft):
    """Give the published article and the draft a cover image."""
    settings.MEDIA_ROOT = tmp_path
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "green").save(buffer, format="PNG")
    for article in (published, draft):
        article.cover_image = SimpleUploadedFile("cover.png", buffer.getvalue())
        article.cover_alt = "Trees planted"
        article.save()


@pytest.mark.parametrize("state", ["published", "draft"])
@pytest.mark.parametrize("role", EVERYONE)
def test_a_drafts_cover_is_seen_by_editors_only(request, client_for, role, state, net, with_covers):
    client = client_for(request.getfixturevalue(role))
    article = request.getfixturevalue(state)
    response = client.get(url_of("news:cover", net, article))
    assert response.status_code == (200 if state == "published" or role in EDITORS else 404)


def test_an_editor_of_another_network_cannot_touch_this_networks_articles(
    client_for, net, draft, other_network_coordinator, other_net
):
    client = client_for(other_network_coordinator)
    # Through their own network's address, this network's article does not exist.
    assert client.get(reverse("news:edit", args=[other_net.slug, draft.pk])).status_code == 404
    assert client.get(reverse("news:preview", args=[other_net.slug, draft.pk])).status_code == 404
    response = client.post(
        reverse("news:publish", args=[other_net.slug, draft.pk]), {"action": "publish"}
    )
    assert response.status_code == 404
    draft.refresh_from_db()
    assert draft.status == ArticleStatus.DRAFT


def test_unknown_network_and_tag_are_404(client, net, published):
    assert client.get(reverse("news:network_list", args=["no-such-network"])).status_code == 404
    assert client.get(reverse("news:network_feed", args=["no-such-network"])).status_code == 404
    assert client.get(reverse("news:tag", args=[net.slug, "no-such-tag"])).status_code == 404

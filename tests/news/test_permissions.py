"""Permission table for news: public pages for everyone, editor pages for editors only."""

import pytest
from django.urls import reverse

COVERED_URL_NAMES = {
    "news:list", "news:feed", "news:rss", "news:network_list", "news:network_feed",
    "news:network_rss", "news:tag", "news:article", "news:cover", "news:manage",
    "news:create", "news:edit", "news:preview", "news:publish",
}  # fmt: skip

EDITORS = ["coordinator", "communication_officer"]
MEMBERS_NOT_EDITORS = [
    "city_member_a", "city_coordinator_a", "city_member_b", "lead_expert", "lead_partner",
    "ad_hoc_expert", "officer",
]  # fmt: skip
EVERYONE = ["anonymous", "outsider", "other_network_coordinator", *MEMBERS_NOT_EDITORS, *EDITORS]


def expected_for_editor_page(role):
    if role == "anonymous":
        return "login"
    if role in ("outsider", "other_network_coordinator"):
        return 404  # a network one does not belong to does not exist
    if role in EDITORS:
        return 200
    return 403  # members see the network but may not write its news


def check(response, expected):
    if expected == "login":
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == expected


@pytest.mark.parametrize("role", EVERYONE)
def test_public_pages_show_published_news_to_everyone(
    request, client_for, role, net, published, draft, scheduled
):
    client = client_for(request.getfixturevalue(role))
    published.tags.create(name="SDGs", slug="sdgs")
    pages = [
        reverse("news:list"),
        reverse("news:network_list", args=[net.slug]),
        reverse("news:tag", args=[net.slug, "sdgs"]),
        reverse("news:article", args=[net.slug, published.slug]),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        text = response.content.decode()
        assert published.title in text
        assert draft.title not in text and scheduled.title not in text
    for name in ("news:feed", "news:rss"):
        feed = client.get(reverse(name)).content.decode()
        assert published.title in feed and draft.title not in feed
    for name in ("news:network_feed", "news:network_rss"):
        feed = client.get(reverse(name, args=[net.slug])).content.decode()
        assert published.title in feed and scheduled.title not in feed


@pytest.mark.parametrize("role", EVERYONE)
def test_drafts_and_scheduled_articles_are_404_on_public_pages(
    request, client_for, role, net, draft, scheduled
):
    """Even editors get 404 here: they read their unpublished work on the preview page."""
    client = client_for(request.getfixturevalue(role))
    for article in (draft, scheduled):
        assert client.get(reverse("news:article", args=[net.slug, article.slug])).status_code == 404


@pytest.mark.parametrize("role", EVERYONE)
def test_editor_pages(request, client_for, role, net, draft):
    client = client_for(request.getfixturevalue(role))
    expected = expected_for_editor_page(role)
    for url in (
        reverse("news:manage", args=[net.slug]),
        reverse("news:create", args=[net.slug]),
        reverse("news:edit", args=[net.slug, draft.pk]),
        reverse("news:preview", args=[net.slug, draft.pk]),
    ):
        response = client.get(url)
        check(response, expected)
        if expected == 200:
            assert "Draft about SSAs" in response.content.decode() or url.endswith("/new/")


@pytest.mark.parametrize("role", EVERYONE)
def test_only_editors_can_publish(request, client_for, role, net, draft):
    client = client_for(request.getfixturevalue(role))
    response = client.post(
        reverse("news:publish", args=[net.slug, draft.pk]), {"action": "publish"}
    )
    draft.refresh_from_db()
    if role in EDITORS:
        assert response.status_code == 302
        assert draft.status == "published"
    else:
        check(response, expected_for_editor_page(role))
        assert draft.status == "draft"


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
    assert draft.status == "draft"


def test_unknown_network_and_tag_are_404(client, net, published):
    assert client.get(reverse("news:network_list", args=["no-such-network"])).status_code == 404
    assert client.get(reverse("news:network_feed", args=["no-such-network"])).status_code == 404
    assert client.get(reverse("news:tag", args=[net.slug, "no-such-tag"])).status_code == 404

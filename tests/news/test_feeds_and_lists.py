"""The feeds parse as XML with the right entries; lists cost the same queries at any size."""

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse
from django.utils import timezone

from news.models import Article, ArticleStatus, Tag
from partners.models import User
from tests.news.conftest import ArticleFactory

ATOM = "{http://www.w3.org/2005/Atom}"


def test_atom_feed_is_valid_xml_with_the_published_entries_newest_first(
    client, net, other_net, coordinator, other_network_coordinator, draft, scheduled
):
    now = timezone.now()
    older = ArticleFactory(
        network=net, author=coordinator, title="Older", publish_at=now - dt.timedelta(days=3)
    )
    newer = ArticleFactory(
        network=net, author=coordinator, title="Newer", publish_at=now - dt.timedelta(days=1)
    )
    elsewhere = ArticleFactory(
        network=other_net, author=other_network_coordinator, title="Elsewhere"
    )
    newer.tags.add(Tag.objects.create(name="SDGs", slug="sdgs"))

    response = client.get(reverse("news:network_feed", args=[net.slug]))
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    assert root.find(f"{ATOM}title").text == "TESTNET news"
    entries = root.findall(f"{ATOM}entry")
    assert [e.find(f"{ATOM}title").text for e in entries] == ["Newer", "Older"]
    first = entries[0]
    assert first.find(f"{ATOM}link").get("href") == f"http://testserver{newer.get_absolute_url()}"
    assert first.find(f"{ATOM}author/{ATOM}name").text == coordinator.get_full_name()
    assert [c.get("term") for c in first.findall(f"{ATOM}category")] == ["SDGs"]
    assert first.find(f"{ATOM}published").text.startswith(
        newer.publish_at.astimezone(dt.UTC).strftime("%Y-%m-%d")
    )

    everything = ET.fromstring(client.get(reverse("news:feed")).content)
    titles = {e.find(f"{ATOM}title").text for e in everything.findall(f"{ATOM}entry")}
    assert titles == {"Newer", "Older", "Elsewhere"}
    assert older.title in titles and elsewhere.title in titles


def test_rss_feed_is_valid_xml(client, net, published):
    root = ET.fromstring(client.get(reverse("news:network_rss", args=[net.slug])).content)
    assert root.tag == "rss"
    assert [i.find("title").text for i in root.iter("item")] == [published.title]


def test_sitemap_lists_published_articles_only(client, net, published, draft):
    root = ET.fromstring(client.get("/sitemap.xml").content)
    ns = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    locations = [loc.text for loc in root.iter(f"{ns}loc")]
    assert locations == [f"http://testserver{published.get_absolute_url()}"]


def test_news_list_is_paginated(client, net, coordinator):
    for n in range(12):
        ArticleFactory(network=net, author=coordinator, title=f"Item {n:02d}")
    first = client.get(reverse("news:network_list", args=[net.slug])).content.decode()
    second = client.get(reverse("news:network_list", args=[net.slug]) + "?page=2").content.decode()
    assert first.count('class="card mb-3"') == 10 and "Page 1 of 2" in first
    assert second.count('class="card mb-3"') == 2
    assert client.get(reverse("news:network_list", args=[net.slug]) + "?page=9").status_code == 404


def make_articles(network, count):
    authors = [User.objects.create(email=f"writer{n}@example.org") for n in range(5)]
    tags = [Tag.objects.create(name=f"T{n}", slug=f"t{n}") for n in range(3)]
    now = timezone.now()
    articles = Article.objects.bulk_create(
        Article(
            network=network,
            title=f"Article {n}",
            slug=f"article-{n}",
            body="word " * 300,
            author=authors[n % 5],
            status=ArticleStatus.PUBLISHED,
            publish_at=now - dt.timedelta(minutes=n + 1),
        )
        for n in range(count)
    )
    Article.tags.through.objects.bulk_create(
        Article.tags.through(article=a, tag=tags[n % 3]) for n, a in enumerate(articles)
    )


@pytest.mark.parametrize("count", [10, 1000])
@pytest.mark.parametrize("page", ["news:list", "news:network_list", "news:network_feed"])
def test_news_pages_cost_the_same_queries_with_10_or_1000_articles(
    client, net, count, page, django_assert_max_num_queries
):
    make_articles(net, count)
    url = reverse(page) if page == "news:list" else reverse(page, args=[net.slug])
    with django_assert_max_num_queries(5):
        response = client.get(url)
    assert response.status_code == 200
    assert "Article 0" in response.content.decode()


@pytest.mark.parametrize("count", [10, 1000])
def test_editor_list_costs_the_same_queries_with_10_or_1000_articles(
    client_for, net, coordinator, count, django_assert_max_num_queries
):
    make_articles(net, count)
    client = client_for(coordinator)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("news:manage", args=[net.slug]))
    assert response.status_code == 200

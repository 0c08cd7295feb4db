"""Deeply nested Markdown: refused when typed, and shown as plain text when stored anyway.

400 nested list levels broke the plan page (RecursionError), 3,000 nested quotes the plan
PDF, and one such article the public Atom and RSS feeds of every network.
"""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from iap.models import PlanSection
from meetings.models import Meeting
from news.enums import ArticleStatus
from news.models import Article
from portal import markdown
from portal.markdown import MAX_MARKDOWN_LENGTH, render_markdown, validate_markdown

LISTS_400 = "\n".join("    " * level + "- level" for level in range(400))
QUOTES_3000 = ">" * 3000 + " deep"
RAW_HTML_QUOTES = "<blockquote>" * 3000 + "deep"
TOO_DEEP = "nest too deeply"


def test_nesting_within_the_limit_renders_as_markdown():
    text = "\n".join("    " * level + "- level" for level in range(20)) + "\n\n> > quoted"
    validate_markdown(text)
    html = render_markdown(text)
    assert html.count("<ul>") == 20 and "<blockquote>" in html


@pytest.mark.parametrize("text", [LISTS_400, QUOTES_3000, RAW_HTML_QUOTES, "- " * 400 + "x"])
def test_deep_nesting_is_refused_with_a_message(text):
    with pytest.raises(ValidationError, match=TOO_DEEP):
        validate_markdown(text)


def test_text_over_the_length_limit_is_refused():
    with pytest.raises(ValidationError, match="too long"):
        validate_markdown("a" * (MAX_MARKDOWN_LENGTH + 1))


@pytest.mark.parametrize("text", [LISTS_400, QUOTES_3000, RAW_HTML_QUOTES])
def test_deep_nesting_is_shown_as_escaped_plain_text(text):
    html = render_markdown(text + "<script>alert(1)</script>")
    assert html.startswith("<pre") and "<script>" not in html and "&lt;script&gt;" in html


def test_a_failing_renderer_never_raises(monkeypatch):
    def recurse(*args, **kwargs):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(markdown.md, "markdown", recurse)
    assert render_markdown("*fine* <b>") == '<pre class="markdown-as-text">*fine* &lt;b&gt;</pre>'


def test_a_plan_section_with_400_nested_lists_is_refused_by_the_form(
    client_for, net, city_a, city_member_a
):
    response = client_for(city_member_a).post(
        reverse("iap:section_edit", args=[net.slug, city_a.slug, "objectives"]),
        {"body": LISTS_400, "version": 1},
    )
    assert response.status_code == 200
    assert "Lists and quotes nest too deeply here: at most 20 levels." in response.content.decode()
    assert city_a.action_plan.sections.get(kind="objectives").body == ""


def test_minutes_nested_too_deeply_are_refused_by_the_form(client_for, net, coordinator):
    meeting = Meeting.objects.create(
        network=net, number=1, title="Kick-off", starts_at="2031-02-16T09:00Z",
        ends_at="2031-02-16T13:00Z",
    )  # fmt: skip
    response = client_for(coordinator).post(
        reverse("meetings:minutes_edit", args=[net.slug, 1]),
        {"minutes": QUOTES_3000, "version": meeting.version},
    )
    assert TOO_DEEP in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.minutes == ""


def test_an_article_body_nested_too_deeply_is_refused(net, coordinator):
    article = Article(network=net, title="Deep", slug="deep", body=QUOTES_3000, author=coordinator)
    with pytest.raises(ValidationError, match=TOO_DEEP):
        article.full_clean()


@pytest.mark.parametrize("body", [QUOTES_3000, LISTS_400], ids=["quotes", "lists"])
def test_a_stored_deep_section_breaks_neither_the_plan_page_nor_its_pdf(
    client_for, net, city_a, city_member_a, body
):
    PlanSection.objects.filter(plan=city_a.action_plan, kind="objectives").update(body=body)
    client = client_for(city_member_a)
    page = client.get(reverse("iap:plan", args=[net.slug, city_a.slug]))
    assert page.status_code == 200
    assert "deep" in page.content.decode() or "level" in page.content.decode()
    pdf = client.get(reverse("iap:plan_export", args=[net.slug, city_a.slug, "pdf"]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


@pytest.mark.parametrize("body", [QUOTES_3000, LISTS_400], ids=["quotes", "lists"])
def test_a_stored_deep_article_breaks_no_feed_and_the_others_stay_listed(
    client, net, other_net, coordinator, other_network_coordinator, body
):
    Article.objects.create(
        network=net, title="Deep", slug="deep", body=body, author=coordinator,
        status=ArticleStatus.PUBLISHED, publish_at="2021-01-02T10:00Z",
    )  # fmt: skip
    for network, author in [(net, coordinator), (other_net, other_network_coordinator)]:
        Article.objects.create(
            network=network, title=f"Fine news of {network.acronym}", slug="fine",
            body="All *good*.", author=author, status=ArticleStatus.PUBLISHED,
            publish_at="2021-01-01T10:00Z",
        )  # fmt: skip
    feeds = [reverse("news:feed"), reverse("news:rss")]
    for network in (net, other_net):
        feeds += [
            reverse("news:network_feed", args=[network.slug]),
            reverse("news:network_rss", args=[network.slug]),
        ]
    for url in feeds:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Fine news of" in response.content.decode(), url
    assert "Fine news of OTHERNET" in client.get(reverse("news:feed")).content.decode()
    article_page = client.get(reverse("news:article", args=[net.slug, "deep"]))
    assert article_page.status_code == 200

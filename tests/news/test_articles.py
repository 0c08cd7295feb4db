"""Writing, previewing, scheduling and publishing articles, as editors and readers see it."""

import datetime as dt
import io
import os
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from news import services, tasks
from news.enums import ArticleStatus
from news.models import Article
from tests.news.conftest import ArticleFactory
from tests.services import wait_until

XSS_BODY = """Hello **cities**.

<script>alert('owned')</script>
<img src="x" onerror="alert('owned')">
<a href="javascript:alert('owned')">click</a>
<p onclick="alert('owned')">Click me</p>
[also bad](javascript:alert('owned'))
"""


def png_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "green").save(buffer, format="PNG")
    return buffer.getvalue()


def create(client, net, **data):
    payload = {"title": "Our third meeting", "body": "We met online.", "summary": "", **data}
    return client.post(reverse("news:create", args=[net.slug]), payload)


def edit(client, article, **data):
    """Post the edit form as loaded now, with the article's current version."""
    article.refresh_from_db()
    payload = {"version": article.version, **data}
    return client.post(reverse("news:edit", args=[article.network.slug, article.pk]), payload)


def test_coordinator_writes_a_draft_and_lands_on_its_preview(client_for, net, coordinator):
    response = create(client_for(coordinator), net, title="TNM #3: CSR and the SDGs")
    article = Article.objects.get()
    assert article.status == ArticleStatus.DRAFT
    assert article.slug == "tnm-3-csr-and-the-sdgs"
    assert article.author == coordinator
    assert article.byline_role == "Deputy Project Coordinator"  # from the job title
    assert response["Location"] == reverse("news:preview", args=[net.slug, article.pk])
    preview = client_for(coordinator).get(response["Location"]).content.decode()
    assert "TNM #3: CSR and the SDGs" in preview
    assert "Only the network's news editors see this page." in preview


def test_the_communication_role_can_write_news_too(client_for, net, communication_officer):
    create(client_for(communication_officer), net)
    assert Article.objects.get().author == communication_officer


def test_bad_input_is_refused_with_clear_messages(client_for, net, coordinator, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = client_for(coordinator)
    response = create(client, net, title="", body="")
    assert response.status_code == 200
    text = response.content.decode()
    assert 'id_title" class="alert-link">Title</a>: This field is required.' in text
    assert 'id_body" class="alert-link">Body</a>: This field is required.' in text

    image = SimpleUploadedFile("cover.png", png_bytes(), content_type="image/png")
    response = create(client, net, cover_image=image, cover_alt="")
    assert "Describe the cover image for people who cannot see it." in response.content.decode()

    not_image = SimpleUploadedFile("cover.png", b"%PDF-1.4 not an image", content_type="image/png")
    response = create(client, net, cover_image=not_image, cover_alt="A picture")
    assert "Upload a valid image" in response.content.decode()
    assert not Article.objects.exists()


def test_a_cover_over_the_upload_limit_is_refused(client_for, net, coordinator, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.MAX_UPLOAD_MB = 1
    client = client_for(coordinator)
    buffer = io.BytesIO()
    Image.frombytes("RGB", (800, 800), os.urandom(800 * 800 * 3)).save(buffer, format="PNG")
    assert buffer.tell() > 1024 * 1024
    big = SimpleUploadedFile("cover.png", buffer.getvalue(), content_type="image/png")
    response = create(client, net, cover_image=big, cover_alt="Noise")
    assert "The file may be at most 1 MB." in response.content.decode()
    assert not Article.objects.exists()

    small = SimpleUploadedFile("cover.png", png_bytes(), content_type="image/png")
    create(client, net, cover_image=small, cover_alt="Trees planted")
    assert Article.objects.get().cover_image


def test_two_editors_on_one_article_the_second_save_is_refused_with_what_is_saved_now(
    client_for, net, coordinator, communication_officer, draft
):
    url = reverse("news:edit", args=[net.slug, draft.pk])
    first, second = client_for(coordinator), client_for(communication_officer)
    # Both open the form at the same version.
    for client in (first, second):
        assert f'name="version" value="{draft.version}"' in client.get(url).content.decode()
    loaded = {"version": draft.version, "summary": draft.summary, "byline_role": ""}

    response = first.post(url, {**loaded, "title": "All ten roadmaps are in", "body": "First."})
    assert response.status_code == 302
    response = second.post(url, {**loaded, "title": "Roadmaps in December", "body": "Second."})

    assert response.status_code == 200
    page = response.content.decode()
    assert "Someone else saved this in the meantime." in page
    assert page.count("What is saved now</h2>") == 1
    saved_now = page.split("What is saved now</h2>", 1)[1].split("</section>", 1)[0]
    assert "<dt>Title</dt><dd>All ten roadmaps are in</dd>" in saved_now
    assert 'value="Roadmaps in December"' in page  # the second editor's input is kept
    assert "Second.</textarea>" in page
    draft.refresh_from_db()
    assert (draft.title, draft.body) == ("All ten roadmaps are in", "First.")


def test_same_title_gets_its_own_slug_and_the_slug_never_changes(client_for, net, coordinator):
    client = client_for(coordinator)
    create(client, net, title="News")
    create(client, net, title="News")
    first, second = Article.objects.order_by("pk")
    assert (first.slug, second.slug) == ("news", "news-2")
    edit(client, first, title="Better title", body="x")
    first.refresh_from_db()
    assert first.title == "Better title" and first.slug == "news"


def test_edited_on_moves_with_real_edits_only(client_for, net, coordinator, draft):
    long_ago = timezone.now() - dt.timedelta(days=30)
    Article.objects.filter(pk=draft.pk).update(edited_at=long_ago)
    client = client_for(coordinator)
    same = {"title": draft.title, "summary": draft.summary, "body": draft.body, "byline_role": ""}

    edit(client, draft, **same)  # saved without changing anything
    draft.refresh_from_db()
    assert draft.edited_at == long_ago

    client.post(reverse("news:publish", args=[net.slug, draft.pk]), {"action": "publish"})
    draft.refresh_from_db()
    assert draft.status == ArticleStatus.PUBLISHED and draft.edited_at == long_ago

    edit(client, draft, **{**same, "body": draft.body + " And the cities agreed."})
    draft.refresh_from_db()
    assert timezone.now() - draft.edited_at < dt.timedelta(minutes=1)
    page = client.get(draft.get_absolute_url()).content.decode()
    assert f'Edited on <time datetime="{timezone.localtime(draft.edited_at).isoformat()}' in page


@pytest.mark.parametrize(
    "words, minutes", [(0, 1), (50, 1), (200, 1), (201, 2), (600, 3), (601, 4)]
)
def test_read_time_is_words_over_two_hundred_rounded_up_at_least_one(words, minutes):
    article = Article(body=" ".join(["word"] * words))
    assert article.read_minutes == minutes


def test_read_time_shows_on_the_article_page(client, net, coordinator):
    article = ArticleFactory(network=net, author=coordinator, body=" ".join(["city"] * 550))
    page = client.get(article.get_absolute_url()).content.decode()
    assert "Read time: 3 minutes" in page


def test_byline_shows_author_and_role(client, net, coordinator, published):
    page = client.get(published.get_absolute_url()).content.decode()
    assert "Article written by:" in page
    assert f"<strong>{coordinator.full_name}</strong>, Deputy Project Coordinator" in page


def test_no_script_or_event_handler_reaches_the_page_or_the_feed(client, net, coordinator):
    article = ArticleFactory(network=net, author=coordinator, body=XSS_BODY, slug="xss")
    page = client.get(article.get_absolute_url()).content.decode()
    body = page.split('<div class="article-body">', 1)[1].split("</div>", 1)[0]
    assert "<strong>cities</strong>" in body
    for bad in ("<script", "onerror", "onclick", "javascript:", "alert("):
        assert bad not in body
    feed = client.get(reverse("news:network_feed", args=[net.slug])).content.decode()
    for bad in ("&lt;script", "onerror", "onclick", "javascript:"):
        assert bad not in feed


def test_article_page_has_title_open_graph_and_canonical(client, net, published):
    page = client.get(published.get_absolute_url()).content.decode()
    url = f"http://testserver{published.get_absolute_url()}"
    assert "<title>Roadmaps submitted · TESTNET news</title>" in page
    assert f'<link rel="canonical" href="{url}">' in page
    assert '<meta property="og:title" content="Roadmaps submitted">' in page
    assert f'<meta property="og:url" content="{url}">' in page
    assert '<meta property="og:type" content="article">' in page


def test_scheduling_in_the_past_is_refused_with_a_message(client_for, net, coordinator, draft):
    client = client_for(coordinator)
    response = client.post(
        reverse("news:publish", args=[net.slug, draft.pk]),
        {"action": "schedule", "publish_at": "2020-01-01T10:00"},
        follow=True,
    )
    assert "Choose a time in the future, or publish the article now." in response.content.decode()
    draft.refresh_from_db()
    assert draft.status == ArticleStatus.DRAFT


def test_scheduled_article_is_published_when_its_time_comes(client_for, net, coordinator, draft):
    client = client_for(coordinator)
    when = timezone.localtime(timezone.now() + dt.timedelta(hours=2))
    client.post(
        reverse("news:publish", args=[net.slug, draft.pk]),
        {"action": "schedule", "publish_at": when.strftime("%Y-%m-%dT%H:%M")},
    )
    draft.refresh_from_db()
    assert draft.status == ArticleStatus.SCHEDULED
    assert client_for(None).get(draft.get_absolute_url()).status_code == 404

    assert services.publish_due_articles() == 0  # not yet
    # Two hours later: the scheduled moment has passed.
    Article.objects.filter(pk=draft.pk).update(publish_at=timezone.now() - dt.timedelta(seconds=1))
    assert services.publish_due_articles() == 1
    draft.refresh_from_db()
    assert draft.status == ArticleStatus.PUBLISHED
    assert client_for(None).get(draft.get_absolute_url()).status_code == 200


def test_unpublish_takes_an_article_off_the_public_pages(client_for, net, coordinator, published):
    client_for(coordinator).post(
        reverse("news:publish", args=[net.slug, published.pk]), {"action": "unpublish"}
    )
    assert client_for(None).get(published.get_absolute_url()).status_code == 404
    assert published.title not in client_for(None).get(reverse("news:list")).content.decode()


def test_the_beat_schedule_runs_the_publishing_task_every_minute():
    entry = settings.CELERY_BEAT_SCHEDULE["news-publish-scheduled-articles"]
    assert entry["task"] == tasks.publish_scheduled_articles.name
    assert entry["schedule"] <= 60


@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_beat_task_publishes_due_articles_through_a_real_worker(celery_worker, net, coordinator):
    due = ArticleFactory(
        network=net,
        author=coordinator,
        status=ArticleStatus.SCHEDULED,
        publish_at=timezone.now() - dt.timedelta(seconds=5),
    )
    later = ArticleFactory(
        network=net,
        author=coordinator,
        status=ArticleStatus.SCHEDULED,
        publish_at=timezone.now() + dt.timedelta(hours=1),
    )
    tasks.publish_scheduled_articles.delay()
    published = Article.objects.filter(pk=due.pk, status=ArticleStatus.PUBLISHED).exists
    assert wait_until(published, timeout=20)
    later.refresh_from_db()
    assert later.status == ArticleStatus.SCHEDULED


@pytest.mark.django_db(transaction=True)
def test_two_beat_ticks_at_once_publish_each_article_once(net, coordinator):
    past = timezone.now() - dt.timedelta(minutes=1)
    for _ in range(40):
        ArticleFactory(
            network=net, author=coordinator, status=ArticleStatus.SCHEDULED, publish_at=past
        )

    def tick(_):
        from django.db import connection

        try:
            return services.publish_due_articles()
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=4) as pool:
        counts = list(pool.map(tick, range(4)))
    assert sum(counts) == 40
    assert Article.objects.filter(status=ArticleStatus.PUBLISHED).count() == 40


def test_cover_image_is_served_with_the_article_and_hidden_with_a_draft(
    client_for, net, coordinator, city_member_a, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client = client_for(coordinator)
    image = SimpleUploadedFile("cover.png", png_bytes(), content_type="image/png")
    create(client, net, title="With a picture", cover_image=image, cover_alt="Trees planted")
    article = Article.objects.get()
    cover_url = reverse("news:cover", args=[net.slug, article.slug])
    assert client.get(cover_url).status_code == 200  # editors see their draft's cover
    assert client_for(city_member_a).get(cover_url).status_code == 404
    assert client_for(None).get(cover_url).status_code == 404

    services.article_publish(user=coordinator, article=article)
    response = client_for(None).get(cover_url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == png_bytes()
    page = client_for(None).get(article.get_absolute_url()).content.decode()
    assert f'<img class="img-fluid mb-3" src="{cover_url}" alt="Trees planted">' in page


def test_a_cover_whose_file_is_gone_answers_not_found(
    client_for, net, coordinator, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    client = client_for(coordinator)
    image = SimpleUploadedFile("cover.png", png_bytes(), content_type="image/png")
    create(client, net, title="With a picture", cover_image=image, cover_alt="Trees planted")
    article = Article.objects.get()
    services.article_publish(user=coordinator, article=article)
    article.cover_image.storage.delete(article.cover_image.name)
    cover_url = reverse("news:cover", args=[net.slug, article.slug])
    assert client_for(None).get(cover_url).status_code == 404

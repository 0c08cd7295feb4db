"""Changes to articles: writing, scheduling, publishing. Views call these, never `.save()`."""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from .models import Article, ArticleStatus

#: Fields whose change is a real edit and moves "Edited on".
TEXT_FIELDS = ("title", "summary", "body")
#: Slugs that would clash with the news pages' own addresses.
RESERVED_SLUGS = {"tag", "atom", "rss", "page"}


def unique_slug(*, network, title: str) -> str:
    base = slugify(title)[:100].strip("-") or "article"
    if base in RESERVED_SLUGS:
        base = f"{base}-article"
    taken = set(
        Article.objects.filter(network=network, slug__startswith=base).values_list(
            "slug", flat=True
        )
    )
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def article_create(*, network, author, title: str, body: str, **fields) -> Article:
    """A new draft. Its slug comes from the title once and stays, whatever later edits.

    The byline role defaults to the author's job title.
    """
    m2m = {k: fields.pop(k) for k in ("tags", "related_meetings", "related_cities") if k in fields}
    if not fields.get("byline_role"):
        fields["byline_role"] = author.job_title
    now = timezone.now()
    article = Article(
        network=network,
        author=author,
        title=title,
        body=body,
        slug=unique_slug(network=network, title=title),
        status=ArticleStatus.DRAFT,
        created_at=now,
        edited_at=now,
        **fields,
    )
    article.full_clean()
    article.save()
    for name, values in m2m.items():
        getattr(article, name).set(values)
    return article


@transaction.atomic
def article_update(*, article: Article, **fields) -> Article:
    """Save changes; "Edited on" moves only if the title, summary or body really changed."""
    m2m = {k: fields.pop(k) for k in ("tags", "related_meetings", "related_cities") if k in fields}
    current = Article.objects.select_for_update().get(pk=article.pk)
    text_changed = any(
        name in fields and fields[name] != getattr(current, name) for name in TEXT_FIELDS
    )
    if fields.get("cover_image") is False:  # "clear" ticked on the form
        fields["cover_image"] = ""
    for name, value in fields.items():
        setattr(article, name, value)
    if text_changed:
        article.edited_at = timezone.now()
    article.full_clean()
    article.save()
    for name, values in m2m.items():
        getattr(article, name).set(values)
    return article


@transaction.atomic
def article_publish(*, article: Article, now: datetime | None = None) -> Article:
    """Publish at once. An article published before keeps its first publish time."""
    now = now or timezone.now()
    article = Article.objects.select_for_update().get(pk=article.pk)
    if article.status != ArticleStatus.PUBLISHED or article.publish_at is None:
        article.publish_at = now
    article.status = ArticleStatus.PUBLISHED
    article.save(update_fields=["status", "publish_at"])
    return article


@transaction.atomic
def article_schedule(
    *, article: Article, publish_at: datetime, now: datetime | None = None
) -> Article:
    now = now or timezone.now()
    if publish_at <= now:
        raise ValidationError(
            {"publish_at": _("Choose a time in the future, or publish the article now.")}
        )
    article = Article.objects.select_for_update().get(pk=article.pk)
    article.status = ArticleStatus.SCHEDULED
    article.publish_at = publish_at
    article.save(update_fields=["status", "publish_at"])
    return article


@transaction.atomic
def article_unpublish(*, article: Article) -> Article:
    """Back to draft: the public no longer sees it."""
    article = Article.objects.select_for_update().get(pk=article.pk)
    article.status = ArticleStatus.DRAFT
    article.publish_at = None
    article.save(update_fields=["status", "publish_at"])
    return article


def publish_due_articles(*, now: datetime | None = None) -> int:
    """Publish the scheduled articles whose time has come. Safe to run twice at once."""
    now = now or timezone.now()
    with transaction.atomic():
        due = list(
            Article.objects.select_for_update(skip_locked=True).filter(
                status=ArticleStatus.SCHEDULED, publish_at__lte=now
            )
        )
        for article in due:
            article.status = ArticleStatus.PUBLISHED
            article.save(update_fields=["status"])
    return len(due)

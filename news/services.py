"""Changes to articles: writing, scheduling, publishing. Views call these, never `.save()`.

Each takes the person acting and checks the rule on the article (or on the network for
a new one): "news.add_article", "news.change_article" (through `save_versioned`),
"news.publish_article".
"""

from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from portal.versioning import save_versioned

from .enums import ArticleStatus
from .models import Article

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


def _with_cover_cleared(data: dict) -> dict:
    """A form gives False when "clear" is ticked and None when no image was ever given."""
    data = dict(data)
    if "cover_image" in data and (data["cover_image"] is False or data["cover_image"] is None):
        data["cover_image"] = ""
    return data


def article_create(*, user, network, data: dict) -> Article:
    """A new draft written by `user`. Its slug comes from the title once and stays.

    The byline role defaults to the author's job title.
    """
    if not user.has_perm("news.add_article", network):
        raise PermissionDenied
    data = _with_cover_cleared(data)
    if not data.get("byline_role"):
        data["byline_role"] = user.job_title
    now = timezone.now()
    with transaction.atomic():
        article = Article(
            network=network,
            author=user,
            slug=unique_slug(network=network, title=data.get("title", "")),
            status=ArticleStatus.DRAFT,
            created_at=now,
            edited_at=now,
        )
        return save_versioned(obj=article, user=user, data=data, version=None)


def article_update(*, user, article: Article, data: dict, version: int | None) -> Article:
    """Save an edit made on `version`; "Edited on" moves only if the text really changed.

    Raises `ConflictError` when someone saved the article since that version."""
    data = _with_cover_cleared(data)
    with transaction.atomic():
        saved = Article.objects.select_for_update().get(pk=article.pk)
        if any(name in data and data[name] != getattr(saved, name) for name in TEXT_FIELDS):
            data["edited_at"] = timezone.now()
        return save_versioned(obj=saved, user=user, data=data, version=version)


def _locked_for_publishing(*, user, article: Article) -> Article:
    article = Article.objects.select_for_update().get(pk=article.pk)
    if not user.has_perm("news.publish_article", article):
        raise PermissionDenied
    return article


@transaction.atomic
def article_publish(*, user, article: Article, now: datetime | None = None) -> Article:
    """Publish at once. An article published before keeps its first publish time."""
    now = now or timezone.now()
    article = _locked_for_publishing(user=user, article=article)
    if article.status != ArticleStatus.PUBLISHED or article.publish_at is None:
        article.publish_at = now
    article.status = ArticleStatus.PUBLISHED
    article.save(update_fields=["status", "publish_at"])
    return article


@transaction.atomic
def article_schedule(
    *, user, article: Article, publish_at: datetime, now: datetime | None = None
) -> Article:
    article = _locked_for_publishing(user=user, article=article)
    if publish_at <= (now or timezone.now()):
        raise ValidationError(
            {"publish_at": _("Choose a time in the future, or publish the article now.")}
        )
    article.status = ArticleStatus.SCHEDULED
    article.publish_at = publish_at
    article.save(update_fields=["status", "publish_at"])
    return article


@transaction.atomic
def article_unpublish(*, user, article: Article) -> Article:
    """Back to draft: the public no longer sees it."""
    article = _locked_for_publishing(user=user, article=article)
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

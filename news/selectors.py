"""What readers and editors see of the news.

`articles_visible_to` is the one rule of who sees which article: the network's news
editors see all of its articles, everyone else only what is published. Public pages,
feeds and the sitemap read `published_articles`, the part everyone sees.
"""

from datetime import datetime

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from partners.models import Network

from .enums import ArticleStatus
from .models import Article, Tag
from .rules import is_news_editor


def _public(articles: QuerySet, *, now: datetime | None = None) -> QuerySet:
    """Published, and the publishing time has come: what the public may read."""
    return articles.filter(status=ArticleStatus.PUBLISHED, publish_at__lte=now or timezone.now())


def _with_list_relations(articles: QuerySet) -> QuerySet:
    return articles.select_related("network", "author").prefetch_related(
        Prefetch("tags", queryset=Tag.objects.order_by("name"))
    )


def _with_detail_relations(articles: QuerySet) -> QuerySet:
    return articles.select_related("network", "author").prefetch_related(
        "tags", "related_cities", "related_meetings__network"
    )


def articles_visible_to(*, user, network: Network) -> QuerySet:
    """The network's articles this person may see: all for its news editors, else the public."""
    articles = Article.objects.filter(network=network)
    if is_news_editor(user, network):
        return articles
    return _public(articles)


def published_articles(*, network: Network | None = None, tag: Tag | None = None) -> QuerySet:
    """Articles the public may read, newest first."""
    articles = _public(Article.objects.all())
    if network is not None:
        articles = articles.filter(network=network)
    if tag is not None:
        articles = articles.filter(tags=tag)
    return _with_list_relations(articles).order_by("-publish_at", "-pk")


def is_published(*, article: Article) -> bool:
    return _public(Article.objects.filter(pk=article.pk)).exists()


def articles_to_manage(*, user, network: Network) -> QuerySet:
    """What the editors' list shows: drafts and scheduled articles first."""
    return _with_list_relations(articles_visible_to(user=user, network=network)).order_by(
        "status", "-publish_at", "-created_at"
    )


def public_network(*, slug: str) -> Network:
    return get_object_or_404(Network, slug=slug)


def public_article(*, network: Network, slug: str) -> Article:
    """A published article; drafts and scheduled ones are 404 for everyone here."""
    articles = _public(Article.objects.filter(network=network))
    return get_object_or_404(_with_detail_relations(articles), slug=slug)


def visible_article(*, user, network: Network, pk: int) -> Article:
    """One article by id, 404 if this person may not see it (or it is another network's)."""
    articles = articles_visible_to(user=user, network=network)
    return get_object_or_404(_with_detail_relations(articles), pk=pk)


def article_with_cover(*, user, network: Network, slug: str) -> Article:
    """The article whose cover is asked for, if this person may see it."""
    articles = articles_visible_to(user=user, network=network).exclude(cover_image="")
    return get_object_or_404(articles, slug=slug)

"""What readers and editors see of the news."""

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from partners.models import Network

from .models import Article, ArticleStatus, Tag
from .rules import is_news_editor


def _with_list_relations(articles: QuerySet) -> QuerySet:
    return articles.select_related("network", "author").prefetch_related(
        Prefetch("tags", queryset=Tag.objects.order_by("name"))
    )


def published_articles(*, network: Network | None = None, tag: Tag | None = None) -> QuerySet:
    """Articles the public may read, newest first."""
    articles = Article.objects.filter(
        status=ArticleStatus.PUBLISHED, publish_at__lte=timezone.now()
    )
    if network is not None:
        articles = articles.filter(network=network)
    if tag is not None:
        articles = articles.filter(tags=tag)
    return _with_list_relations(articles).order_by("-publish_at", "-pk")


def articles_for_editor(*, network: Network) -> QuerySet:
    """Every article of the network, drafts and scheduled ones first."""
    return _with_list_relations(Article.objects.filter(network=network)).order_by(
        "status", "-publish_at", "-created_at"
    )


def public_network(*, slug: str) -> Network:
    return get_object_or_404(Network, slug=slug)


def _with_detail_relations(articles: QuerySet) -> QuerySet:
    return articles.select_related("network", "author").prefetch_related(
        "tags", "related_cities", "related_meetings__network"
    )


def public_article(*, network: Network, slug: str) -> Article:
    """A published article; drafts and scheduled ones are 404 for everyone here."""
    return get_object_or_404(
        _with_detail_relations(
            Article.objects.filter(
                network=network, status=ArticleStatus.PUBLISHED, publish_at__lte=timezone.now()
            )
        ),
        slug=slug,
    )


def article_with_cover(*, user, network: Network, slug: str) -> Article:
    """The article whose cover is asked for: public, or any for the network's editors."""
    articles = Article.objects.filter(network=network, slug=slug).exclude(cover_image="")
    if not is_news_editor(user, network):
        articles = articles.filter(status=ArticleStatus.PUBLISHED, publish_at__lte=timezone.now())
    return get_object_or_404(articles)


def article_for_editor(*, network: Network, pk: int) -> Article:
    return get_object_or_404(_with_detail_relations(Article.objects.filter(network=network)), pk=pk)

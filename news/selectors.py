"""What readers and editors see of the news.

`articles_visible_to` is the one rule of who sees which article: the network's news
editors see all of its articles, everyone else only what is published. Public pages,
feeds and the sitemap read `published_articles`, the part everyone sees. An article's
translations go wherever the article goes: public with it, never without it.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import get_language_info

from partners.models import Network

from .enums import ArticleStatus
from .models import Article, ArticleTranslation, Tag, read_minutes
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
        "tags", "related_cities", "related_meetings__network", _translations()
    )


def _translations() -> Prefetch:
    """An article's translations by language, with their translators (one query)."""
    return Prefetch(
        "translations",
        queryset=ArticleTranslation.objects.select_related("translator").order_by("language"),
    )


def articles_visible_to(*, user, network: Network) -> QuerySet:
    """The network's articles this person may see: all for its news editors, else the public."""
    articles = Article.objects.filter(network=network)
    if is_news_editor(user, network):
        return articles
    return _public(articles)


def published_articles(
    *, network: Network | None = None, tag: Tag | None = None, with_translations: bool = False
) -> QuerySet:
    """Articles the public may read, newest first (with their translations, for a feed)."""
    articles = _public(Article.objects.all())
    if network is not None:
        articles = articles.filter(network=network)
    if tag is not None:
        articles = articles.filter(tags=tag)
    if with_translations:
        articles = articles.prefetch_related("translations")
    return _with_list_relations(articles).order_by("-publish_at", "-pk")


def is_published(*, article: Article) -> bool:
    return _public(Article.objects.filter(pk=article.pk)).exists()


def articles_to_manage(*, user, network: Network) -> QuerySet:
    """What the editors' list shows: drafts and scheduled articles first, each with its
    translations (to flag those out of date)."""
    articles = _with_list_relations(articles_visible_to(user=user, network=network))
    return articles.prefetch_related(_translations()).order_by(
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


def article_to_translate(*, user, network: Network, pk: int) -> Article:
    """One article by id with its translations, 404 if this person may not see it."""
    articles = articles_visible_to(user=user, network=network).select_related("network")
    return get_object_or_404(articles.prefetch_related(_translations()), pk=pk)


def translation_in(*, article: Article, language: str) -> ArticleTranslation:
    """The article's translation into `language` (from its prefetched translations), or 404."""
    for translation in article.translations.all():
        if translation.language == language:
            return translation
    raise Http404


# The article in one language ---------------------------------------------------------------


@dataclass(frozen=True)
class ArticleText:
    """What a page shows of an article in one language: its original, or a translation."""

    article: Article
    language: str
    title: str
    summary: str
    body: str
    translation: ArticleTranslation | None = None

    @property
    def is_original(self) -> bool:
        return self.translation is None

    @property
    def name_local(self) -> str:
        """The language's name in itself: "Italiano", "Français"."""
        return language_name_local(self.language)

    @property
    def url(self) -> str:
        return self.article.url_in(self.language)

    @property
    def original_url(self) -> str:
        return self.article.url_in(self.article.language)

    @property
    def read_minutes(self) -> int:
        return read_minutes(self.body)


def language_name_local(code: str) -> str:
    """As a language menu names it: "Italiano", "Français"."""
    return capfirst(get_language_info(code)["name_local"])


def original_text(article: Article) -> ArticleText:
    return ArticleText(
        article=article,
        language=article.language,
        title=article.title,
        summary=article.summary,
        body=article.body,
    )


def _translated_text(translation: ArticleTranslation) -> ArticleText:
    return ArticleText(
        article=translation.article,
        language=translation.language,
        title=translation.title,
        summary=translation.summary,
        body=translation.body,
        translation=translation,
    )


def article_texts(article: Article) -> list[ArticleText]:
    """The article in each language it exists in: the original first, then the
    translations by language code (read from `translations`, prefetched by the selectors)."""
    return [original_text(article)] + [
        _translated_text(translation) for translation in article.translations.all()
    ]


def article_text_in(article: Article, language: str) -> ArticleText | None:
    """The article in `language`, or None when it has no text in that language."""
    for text in article_texts(article):
        if text.language == language:
            return text
    return None


def article_text_for_reader(article: Article, language: str | None) -> ArticleText:
    """What a reader whose language is `language` sees at the article's own address: the
    translation into their language when there is one, else the original."""
    if language:
        found = article_text_in(article, language.split("-")[0].lower())
        if found is not None:
            return found
    return original_text(article)

"""News articles that a network publishes to the public."""

import math

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from partners.models import Network, Partner
from portal.markdown import validate_markdown, word_count
from portal.validators import plausible_datetime
from portal.versioning import Versioned

from .enums import ArticleStatus

#: Reading speed used for "Read time: N minutes".
WORDS_PER_MINUTE = 200


def read_minutes(text: str) -> int:
    return max(1, math.ceil(word_count(text) / WORDS_PER_MINUTE))


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=60, unique=True)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Article(Versioned):
    #: Published articles show on the public pages too (portal.pagecache.PUBLIC).
    public_page_cache = True

    network = models.ForeignKey(
        Network, verbose_name=_("network"), on_delete=models.CASCADE, related_name="articles"
    )
    title = models.CharField(_("title"), max_length=200)
    slug = models.SlugField(
        _("slug"), max_length=120, help_text=_("The article's address; it never changes.")
    )
    summary = models.TextField(_("summary"), max_length=600, blank=True)
    body = models.TextField(
        _("body"),
        help_text=_("Markdown: **bold**, _italic_, [links](https://…), lists."),
        validators=[validate_markdown],
    )
    cover_image = models.ImageField(_("cover image"), upload_to="news/covers/", blank=True)
    cover_alt = models.CharField(
        _("cover image description"),
        max_length=250,
        blank=True,
        help_text=_("What the image shows, for people who cannot see it."),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.PROTECT,
        related_name="articles",
    )
    byline_role = models.CharField(
        _("author's role in the byline"),
        max_length=200,
        blank=True,
        help_text=_("Taken from the author's job title; you may change it for this article."),
    )
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), blank=True, related_name="articles")
    related_meetings = models.ManyToManyField(
        "meetings.Meeting", verbose_name=_("related meetings"), blank=True, related_name="articles"
    )
    related_cities = models.ManyToManyField(
        Partner, verbose_name=_("related cities"), blank=True, related_name="articles"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT
    )
    publish_at = models.DateTimeField(
        _("publish time"), null=True, blank=True, validators=[plausible_datetime]
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now, editable=False)
    edited_at = models.DateTimeField(
        _("edited on"), default=timezone.now, help_text=_("Moves only when the text changes.")
    )
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default="en",
        help_text=_("The language the article is written in."),
    )

    change_permission = "news.change_article"

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        ordering = ["-publish_at", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["network", "slug"], name="article_slug_unique"),
            models.CheckConstraint(
                condition=Q(status=ArticleStatus.DRAFT) | Q(publish_at__isnull=False),
                name="article_scheduled_or_published_has_time",
            ),
            models.CheckConstraint(
                condition=Q(cover_image="") | ~Q(cover_alt=""),
                name="article_cover_image_has_alt_text",
            ),
        ]
        indexes = [models.Index(fields=["status", "publish_at"], name="article_public_idx")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse(
            "news:article", kwargs={"network_slug": self.network.slug, "slug": self.slug}
        )

    def url_in(self, language: str) -> str:
        """The public address of the article in `language`: the original or a translation."""
        return reverse(
            "news:article_in",
            kwargs={"network_slug": self.network.slug, "slug": self.slug, "language": language},
        )

    @property
    def read_minutes(self) -> int:
        return read_minutes(self.body)


class ArticleTranslation(models.Model):
    """The article in another language. It is out of date when the original's text changed
    after the translation was last saved (`source_edited_at` < the article's `edited_at`)."""

    #: Translations of published articles show on the public pages too.
    public_page_cache = True

    article = models.ForeignKey(
        Article, verbose_name=_("article"), on_delete=models.CASCADE, related_name="translations"
    )
    language = models.CharField(_("language"), max_length=10, choices=settings.LANGUAGES)
    title = models.CharField(_("title"), max_length=200)
    summary = models.TextField(_("summary"), max_length=600, blank=True)
    body = models.TextField(
        _("body"),
        help_text=_("Markdown: **bold**, _italic_, [links](https://…), lists."),
        validators=[validate_markdown],
    )
    source_edited_at = models.DateTimeField(
        _("translated from the text of"),
        help_text=_("When the original had last been edited as this translation was saved."),
    )
    translator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("translated by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("article translation")
        verbose_name_plural = _("article translations")
        ordering = ["article", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "language"], name="one_translation_per_language"
            ),
        ]

    def __str__(self):
        return f"{self.article} ({self.language})"

    def get_absolute_url(self):
        return self.article.url_in(self.language)

    @property
    def is_stale(self) -> bool:
        return self.source_edited_at < self.article.edited_at

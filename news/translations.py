"""Translations of an article: written, corrected and removed by the article's editors.

A translation remembers which text of the original it was made from: the original's
"edited on" time as the translator had it in front of them (`source_edited_at`). When
the original's text changes afterwards, the translation is out of date
(`ArticleTranslation.is_stale`) until someone saves it again from the new original.
Each service asks "news.change_article" on the article: whoever may edit an article may
edit its translations.
"""

from datetime import datetime

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from portal.versioning import ConflictError

from .models import Article, ArticleTranslation

#: The fields of the original that a translation carries in another language.
TRANSLATED_FIELDS = ("title", "summary", "body")


def languages_to_translate_into(*, article: Article) -> list[tuple[str, str]]:
    """The languages (code, name) the article has no text in yet."""
    taken = {article.language, *(t.language for t in article.translations.all())}
    return [(code, name) for code, name in settings.LANGUAGES if code not in taken]


def _locked_article(*, user, article: Article) -> Article:
    article = Article.objects.select_for_update().get(pk=article.pk)
    if not user.has_perm("news.change_article", article):
        raise PermissionDenied
    return article


def _source_marker(article: Article, read: datetime | None) -> datetime:
    """The original's "edited on" the translator worked from: what their form was loaded
    with, never later than the original's own (a form cannot know the future)."""
    if read is None or read > article.edited_at:
        return article.edited_at
    return read


def translation_create(
    *, user, article: Article, data: dict, source_edited_at: datetime | None = None
) -> ArticleTranslation:
    """A new translation of `article` into `data["language"]`, made from the original as it
    was at `source_edited_at` (the time the translator's form was loaded)."""
    with transaction.atomic():
        article = _locked_article(user=user, article=article)
        if data.get("language") == article.language:
            raise ValidationError(
                {"language": _("This is the language the article is written in.")}
            )
        if article.translations.filter(language=data.get("language")).exists():
            raise ValidationError(
                {"language": _("The article already has a translation in this language.")}
            )
        translation = ArticleTranslation(
            article=article,
            language=data.get("language", ""),
            translator=user,
            source_edited_at=_source_marker(article, source_edited_at),
            **{name: data.get(name, "") for name in TRANSLATED_FIELDS},
        )
        translation.full_clean()
        translation.save()
    return translation


def translation_update(
    *,
    user,
    translation: ArticleTranslation,
    data: dict,
    loaded_at: str | None,
    source_edited_at: datetime | None = None,
) -> ArticleTranslation:
    """Save a corrected translation. `loaded_at` is the `updated_at` the editor's form was
    loaded with: if someone saved the translation since, `ConflictError` carries theirs.

    Saving marks the translation as made from the original the form was loaded with, so
    that a translation saved from an up-to-date form is no longer out of date."""
    with transaction.atomic():
        article = _locked_article(user=user, article=translation.article)
        saved = ArticleTranslation.objects.select_for_update().get(pk=translation.pk)
        saved.article = article
        if loaded_at != saved.updated_at.isoformat():
            raise ConflictError(saved)
        for name in TRANSLATED_FIELDS:
            if name in data:
                setattr(saved, name, data[name])
        saved.translator = user
        saved.source_edited_at = _source_marker(article, source_edited_at)
        saved.full_clean()
        saved.save()
    return saved


def translation_delete(*, user, translation: ArticleTranslation) -> None:
    with transaction.atomic():
        _locked_article(user=user, article=translation.article)
        translation.delete()

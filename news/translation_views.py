"""Editor pages for an article's translations: add one, correct one, remove one.

Whoever may edit the article may edit its translations ("news.change_article", asked on
the article). The article and the translation are fetched through the selectors, so that
another network's article, or a language it has no translation in, is a 404.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView

from partners.mixins import NetworkPermissionMixin
from portal.confirmations import ConfirmPageMixin, confirmation
from portal.versioning import ConflictError, in_words

from . import selectors, translations
from .forms import TranslationForm
from .views import ArticleFormMixin, OneArticleMixin

CONFLICT = _(
    "Someone else saved this translation in the meantime. What is saved now is shown "
    "above; your text is kept in the form. Compare, then save again."
)


class TranslationMixin(NetworkPermissionMixin, OneArticleMixin):
    permission_required = "news.change_article"

    @cached_property
    def article(self):
        return selectors.article_to_translate(
            user=self.request.user, network=self.network, pk=self.kwargs["pk"]
        )

    @cached_property
    def translation(self):
        return selectors.translation_in(article=self.article, language=self.kwargs["language"])

    def get_permission_object(self):
        return self.article

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            article=self.article, original=selectors.original_text(self.article), **kwargs
        )


class TranslationFormMixin(TranslationMixin):
    form_class = TranslationForm
    template_name = "news/translation_form.html"
    form_invalid_from = ArticleFormMixin.form_invalid_from

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "article": self.article}

    def saved(self, message):
        messages.success(self.request, message)
        return HttpResponseRedirect(self.preview_url())


class TranslationCreateView(TranslationFormMixin, FormView):
    @cached_property
    def languages(self):
        return translations.languages_to_translate_into(article=self.article)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "languages": self.languages}

    def get_context_data(self, **kwargs):
        return super().get_context_data(every_language_done=not self.languages, **kwargs)

    def form_valid(self, form):
        try:
            translations.translation_create(
                user=self.request.user,
                article=self.article,
                data=form.translated_fields(),
                source_edited_at=form.cleaned_data.get("source_edited_at"),
            )
        except ValidationError as error:
            return self.form_invalid_from(form, error)
        return self.saved(_("The translation is saved."))


class TranslationUpdateView(TranslationFormMixin, FormView):
    """Two editors on one translation: the second save is refused with what is saved now."""

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.translation}

    def get_context_data(self, **kwargs):
        return super().get_context_data(translation=self.translation, **kwargs)

    def form_valid(self, form):
        try:
            translations.translation_update(
                user=self.request.user,
                translation=self.translation,
                data=form.translated_fields(),
                loaded_at=form.cleaned_data.get("loaded_at"),
                source_edited_at=form.cleaned_data.get("source_edited_at"),
            )
        except ConflictError as conflict:
            return self.render_conflict(form, conflict.current)
        except ValidationError as error:
            return self.form_invalid_from(form, error)
        return self.saved(_("The translation is saved."))

    def render_conflict(self, form, current):
        form.data = form.data.copy()  # the next save is made against what is saved now
        form.data[form.add_prefix("loaded_at")] = current.updated_at.isoformat()
        form.add_error(None, CONFLICT)
        context = self.get_context_data(
            form=form, conflict_current=in_words(current, translations.TRANSLATED_FIELDS)
        )
        return self.render_to_response(context)


class TranslationDeleteView(TranslationMixin, ConfirmPageMixin, TemplateView):
    """A GET asks for confirmation; the POST removes the translation."""

    def confirmation(self):
        language = self.translation.get_language_display()
        return confirmation(
            heading=_("Remove the translation into %(language)s?") % {"language": language},
            details=[self.article.title],
            what=_(
                "The translation is deleted. Readers find the article in the other languages "
                "it has; the address of this translation no longer answers."
            ),
            told=_("Nobody is e-mailed."),
            button=_("Remove the translation"),
            back_url=self.preview_url(),
            back_label=_("Keep the translation"),
        )

    def post(self, request, *args, **kwargs):
        translations.translation_delete(user=request.user, translation=self.translation)
        messages.success(request, _("The translation is removed."))
        return HttpResponseRedirect(self.preview_url())

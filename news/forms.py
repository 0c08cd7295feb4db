from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from meetings.models import Meeting
from partners.models import Partner
from portal.forms import DATETIME, VersionedFormMixin
from portal.uploads import IMAGES, validate_upload
from portal.validators import plausible_datetime

from .enums import PublishAction
from .models import Article, ArticleTranslation, Tag


class ArticleForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Article
        fields = [
            "title", "language", "summary", "body", "cover_image", "cover_alt", "byline_role",
            "tags", "related_meetings", "related_cities",
        ]  # fmt: skip
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "body": forms.Textarea(attrs={"rows": 16}),
            "tags": forms.CheckboxSelectMultiple,
            "related_meetings": forms.CheckboxSelectMultiple,
            "related_cities": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, network, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tags"].queryset = Tag.objects.order_by("name")
        self.fields["related_meetings"].queryset = Meeting.objects.filter(network=network)
        self.fields["related_cities"].queryset = Partner.objects.filter(network=network)
        self.fields["language"].required = False  # left out: as it was, English for a new one

    def clean_language(self):
        language = self.cleaned_data.get("language") or self.instance.language
        if self.instance.pk and self.instance.translations.filter(language=language).exists():
            raise forms.ValidationError(
                _("The article has a translation in this language. Remove it first.")
            )
        return language

    def clean_cover_image(self):
        image = self.cleaned_data.get("cover_image")
        if isinstance(image, UploadedFile):  # not the image saved before, nor "clear"
            validate_upload(image, kinds=IMAGES)
        return image

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("cover_image") and not cleaned.get("cover_alt", "").strip():
            self.add_error("cover_alt", _("Describe the cover image for people who cannot see it."))
        return cleaned


class PublishForm(forms.Form):
    action = forms.ChoiceField(choices=PublishAction.choices)
    publish_at = forms.DateTimeField(
        label=_("Publish at"),
        required=False,
        widget=DATETIME,
        help_text=_("In your time zone."),
        validators=[plausible_datetime],
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == PublishAction.SCHEDULE and cleaned.get("publish_at") is None:
            self.add_error("publish_at", _("Choose when the article should be published."))
        return cleaned


class TranslationForm(forms.ModelForm):
    """A translation of an article. Its language is chosen once, when it is added; the
    hidden fields say what the translator had in front of them when the form was loaded."""

    source_edited_at = forms.DateTimeField(
        label=_("Translated from the original edited on"),
        required=False,
        widget=forms.HiddenInput,
        validators=[plausible_datetime],
    )
    loaded_at = forms.CharField(
        label=_("Translation loaded at"), required=False, max_length=64, widget=forms.HiddenInput
    )

    class Meta:
        model = ArticleTranslation
        fields = ["language", "title", "summary", "body"]
        widgets = {
            "summary": forms.Textarea(attrs={"rows": 3}),
            "body": forms.Textarea(attrs={"rows": 16}),
        }

    def __init__(self, *args, article, languages=None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["language"]
            self.initial.setdefault("loaded_at", self.instance.updated_at.isoformat())
            for name in ("title", "summary", "body"):  # spelling checked in that language
                self.fields[name].widget.attrs["lang"] = self.instance.language
        else:
            self.fields["language"].choices = [("", "---------"), *(languages or [])]
            self.fields["language"].help_text = _(
                "Languages the article has no text in yet. The original is in %(language)s."
            ) % {"language": article.get_language_display()}
        # As a string: a date-time widget would drop the microseconds, and with them the
        # difference between the original as read and as saved.
        self.initial.setdefault("source_edited_at", article.edited_at.isoformat())

    def translated_fields(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if k in self._meta.fields}

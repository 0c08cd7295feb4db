from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from meetings.models import Meeting
from partners.models import Partner
from portal.forms import DATETIME, VersionedFormMixin
from portal.uploads import IMAGES, validate_upload
from portal.validators import plausible_datetime

from .enums import PublishAction
from .models import Article, Tag


class ArticleForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Article
        fields = [
            "title", "summary", "body", "cover_image", "cover_alt", "byline_role", "tags",
            "related_meetings", "related_cities",
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

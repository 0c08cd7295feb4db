from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from meetings.models import Meeting
from partners.models import Partner

from .models import Article, Tag

MAX_COVER_BYTES = 5 * 1024 * 1024


class ArticleForm(forms.ModelForm):
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
        if image and getattr(image, "size", 0) > MAX_COVER_BYTES:
            raise forms.ValidationError(_("The cover image may be at most 5 MB."))
        return image

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("cover_image") and not cleaned.get("cover_alt", "").strip():
            self.add_error("cover_alt", _("Describe the cover image for people who cannot see it."))
        return cleaned


class PublishForm(forms.Form):
    ACTIONS = [
        ("publish", _("Publish now")),
        ("schedule", _("Schedule")),
        ("unpublish", _("Back to draft")),
    ]
    action = forms.ChoiceField(choices=ACTIONS)
    publish_at = forms.DateTimeField(
        label=_("Publish at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        help_text=_("In your time zone."),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("action") == "schedule":
            when = cleaned.get("publish_at")
            if when is None:
                self.add_error("publish_at", _("Choose when the article should be published."))
            elif when <= timezone.now():
                self.add_error(
                    "publish_at", _("Choose a time in the future, or publish the article now.")
                )
        return cleaned

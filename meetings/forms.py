from pathlib import Path

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from partners.enums import Role
from partners.models import Partner, User

from .models import AgendaItem, Call, FollowUp, Meeting, MeetingDocument

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DOCUMENT_TYPES = {
    ".pdf", ".doc", ".docx", ".xls", ".xlsx", ".ppt", ".pptx", ".odt", ".ods", ".odp",
    ".png", ".jpg", ".jpeg", ".gif", ".webp",
}  # fmt: skip


def members_of(network):
    return User.objects.filter(memberships__network=network).distinct().order_by("full_name")


class TimesInOrderMixin:
    def clean(self):
        cleaned = super().clean()
        starts, ends = cleaned.get("starts_at"), cleaned.get("ends_at")
        if starts and ends and ends < starts:
            self.add_error("ends_at", _("The end cannot be before the start."))
        return cleaned


class MeetingForm(TimesInOrderMixin, forms.ModelForm):
    online_link = forms.URLField(label=_("Online link"), required=False, assume_scheme="https")

    class Meta:
        model = Meeting
        fields = [
            "number",
            "title",
            "starts_at",
            "ends_at",
            "format",
            "venue",
            "online_link",
            "host",
            "purpose",
        ]
        widgets = {
            "starts_at": DATETIME,
            "ends_at": DATETIME,
            "purpose": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {"starts_at": _("In your time zone."), "ends_at": _("In your time zone.")}

    def __init__(self, *args, network, **kwargs):
        super().__init__(*args, **kwargs)
        self.network = network
        self.fields["host"].queryset = Partner.objects.filter(network=network)

    def clean_number(self):
        number = self.cleaned_data["number"]
        others = Meeting.objects.filter(network=self.network, number=number).exclude(
            pk=self.instance.pk
        )
        if others.exists():
            raise forms.ValidationError(
                _("This network already has a meeting #%(n)d.") % {"n": number}
            )
        return number


class AgendaItemForm(forms.ModelForm):
    guests = forms.CharField(
        label=_("Guest speakers"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: name, affiliation."),
    )

    class Meta:
        model = AgendaItem
        fields = ["starts_at", "title", "kind", "speakers"]
        widgets = {"starts_at": DATETIME, "speakers": forms.CheckboxSelectMultiple}

    def __init__(self, *args, network, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["speakers"].queryset = members_of(network)
        if self.instance.pk:
            self.initial["guests"] = "\n".join(
                f"{g.name}, {g.affiliation}".rstrip(", ")
                for g in self.instance.guest_speakers.all()
            )

    def clean_guests(self):
        guests = []
        for line in self.cleaned_data["guests"].splitlines():
            if line.strip():
                name, _sep, affiliation = line.partition(",")
                guests.append((name.strip()[:200], affiliation.strip()[:300]))
        return guests


class AttendanceForm(forms.Form):
    people = forms.ModelMultipleChoiceField(
        label=_("Who attends from your city"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, partner, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["people"].queryset = User.objects.filter(
            memberships__partner=partner, memberships__role__in=Role.city_roles()
        ).distinct()


class MinutesForm(forms.ModelForm):
    class Meta:
        model = Meeting
        fields = ["minutes"]
        widgets = {"minutes": forms.Textarea(attrs={"rows": 14})}


class DocumentForm(forms.ModelForm):
    class Meta:
        model = MeetingDocument
        fields = ["title", "file"]

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in DOCUMENT_TYPES:
            raise forms.ValidationError(
                _("Upload a PDF, an Office or OpenDocument file, or an image.")
            )
        limit = settings.MEETINGS_MAX_UPLOAD_MB
        if upload.size > limit * 1024 * 1024:
            raise forms.ValidationError(_("The file may be at most %(mb)d MB.") % {"mb": limit})
        return upload


class CallForm(TimesInOrderMixin, forms.ModelForm):
    online_link = forms.URLField(label=_("Online link"), required=False, assume_scheme="https")

    class Meta:
        model = Call
        fields = ["title", "starts_at", "ends_at", "online_link", "cities", "meeting"]
        widgets = {
            "starts_at": DATETIME,
            "ends_at": DATETIME,
            "cities": forms.CheckboxSelectMultiple,
        }
        help_texts = {"starts_at": _("In your time zone.")}

    def __init__(self, *args, network, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cities"].queryset = Partner.objects.filter(network=network)
        self.fields["meeting"].queryset = Meeting.objects.filter(network=network)

    def clean_cities(self):
        cities = self.cleaned_data["cities"]
        if len(cities) < 2:
            raise forms.ValidationError(_("A bilateral call is between two or more cities."))
        return cities


class RescheduleForm(TimesInOrderMixin, forms.Form):
    starts_at = forms.DateTimeField(
        label=_("Starts at"), widget=DATETIME, help_text=_("In your time zone.")
    )
    ends_at = forms.DateTimeField(label=_("Ends at"), widget=DATETIME)


class CallNotesForm(forms.ModelForm):
    class Meta:
        model = Call
        fields = ["notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 6})}


class FollowUpForm(forms.ModelForm):
    class Meta:
        model = FollowUp
        fields = ["task", "owner", "due_on"]
        widgets = {"due_on": DATE}

    def __init__(self, *args, call, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = call.participants.order_by("full_name")


class CheckupRoundForm(forms.Form):
    title = forms.CharField(
        label=_("Title"), max_length=200, help_text=_('e.g. "December 2020 check-up"')
    )
    starts_at = forms.DateTimeField(
        label=_("First call starts at"), widget=DATETIME, help_text=_("In your time zone.")
    )
    minutes = forms.IntegerField(
        label=_("Minutes per call"), min_value=15, max_value=240, initial=60
    )

from django import forms
from django.utils.translation import gettext_lazy as _

from partners.selectors import city_team
from portal.forms import DATETIME, DatesInOrderMixin, VersionedFormMixin
from portal.validators import plausible_datetime

from . import selectors, services
from .action_forms import FollowUpForm  # noqa: F401 - a call's follow-up is an action
from .models import AgendaItem, Call, Meeting
from .rules import may_plan_call_between
from .timespan import span_text

#: Every form with a start and an end keeps them in order.
START_AND_END = [("starts_at", "ends_at")]


class MeetingForm(DatesInOrderMixin, VersionedFormMixin, forms.ModelForm):
    date_pairs = START_AND_END
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
        self.fields["host"].queryset = network.partners.all()

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

    def clean(self):
        cleaned = super().clean()
        starts_at, ends_at = cleaned.get("starts_at"), cleaned.get("ends_at")
        if self.instance.pk and starts_at and ends_at and not self.has_error("ends_at"):
            problem = services.agenda_outside_problem(
                meeting=self.instance, starts_at=starts_at, ends_at=ends_at
            )
            if problem:
                self.add_error("starts_at", problem)
        return cleaned


class AgendaItemForm(VersionedFormMixin, forms.ModelForm):
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

    def __init__(self, *args, network, meeting=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting = meeting or (self.instance.meeting if self.instance.meeting_id else None)
        if self.meeting is not None:
            self.fields["starts_at"].help_text = _(
                "In your time zone, within the meeting: %(span)s."
            ) % {"span": span_text(self.meeting.starts_at, self.meeting.ends_at)}
        self.fields["speakers"].queryset = selectors.network_members(network=network)
        if self.instance.pk:
            self.initial["guests"] = "\n".join(
                f"{g.name}, {g.affiliation}".rstrip(", ")
                for g in self.instance.guest_speakers.all()
            )

    def clean_starts_at(self):
        starts_at = self.cleaned_data["starts_at"]
        plausible_datetime(starts_at)  # a year far off says so first
        if self.meeting is not None:
            problem = services.agenda_time_problem(meeting=self.meeting, starts_at=starts_at)
            if problem:
                raise forms.ValidationError(problem)
        return starts_at

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
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, partner, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["people"].queryset = city_team(partner=partner)


class MinutesForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Meeting
        fields = ["minutes"]
        widgets = {"minutes": forms.Textarea(attrs={"rows": 14})}


class CallForm(DatesInOrderMixin, forms.ModelForm):
    date_pairs = START_AND_END
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

    def __init__(self, *args, network, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.network = network
        self.user = user
        self.fields["cities"].queryset = network.partners.all()
        self.fields["meeting"].queryset = Meeting.objects.filter(network=network)

    def clean_cities(self):
        cities = self.cleaned_data["cities"]
        if len(cities) < 2:
            raise forms.ValidationError(_("A bilateral call is between two or more cities."))
        if not may_plan_call_between(self.user, self.network, cities):
            raise forms.ValidationError(
                _("Your own city must take part in a call you plan; tick it among the cities.")
            )
        return cities


class RescheduleForm(DatesInOrderMixin, forms.Form):
    date_pairs = START_AND_END

    starts_at = forms.DateTimeField(
        label=_("Starts at"),
        widget=DATETIME,
        help_text=_("In your time zone."),
        validators=[plausible_datetime],
    )
    ends_at = forms.DateTimeField(
        label=_("Ends at"), widget=DATETIME, validators=[plausible_datetime]
    )


class CallNotesForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Call
        fields = ["notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 6})}

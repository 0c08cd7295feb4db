"""The forms of a meeting's outcomes (decisions, actions) and of a call's follow-ups.

A follow-up agreed in a call is an action too: the same fields, the same rule that a city
or a person (or both) owns it; only the choices differ (the call's cities and people).
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from partners.models import Partner, User
from portal.forms import DATE

from . import selectors
from .models import Action, Call, Decision


class DecisionForm(forms.ModelForm):
    class Meta:
        model = Decision
        fields = ["text"]
        widgets = {"text": forms.Textarea(attrs={"rows": 3})}
        labels = {"text": _("Decision")}
        help_texts = {"text": _("What the meeting decided, as the minutes record it.")}


class ActionForm(forms.ModelForm):
    """What, who (a city, a person, or both) and by when."""

    class Meta:
        model = Action
        fields = ["task", "partner", "owner", "due_on"]
        widgets = {"due_on": DATE}
        labels = {
            "task": _("What"),
            "partner": _("City"),
            "owner": _("Person"),
            "due_on": _("By when"),
        }
        help_texts = {
            "partner": _("Its whole team may tick it done."),
            "owner": _("Name a city, a person, or both."),
        }

    def __init__(self, *args, cities, people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = cities
        self.fields["partner"].empty_label = _("No city")
        self.fields["owner"].queryset = people
        self.fields["owner"].empty_label = _("Nobody in particular")
        self.fields["owner"].label_from_instance = _person_label

    def clean(self):
        cleaned = super().clean()
        has_errors = "partner" in self.errors or "owner" in self.errors
        if not has_errors and not cleaned.get("partner") and not cleaned.get("owner"):
            raise forms.ValidationError(
                _("Say who does it: choose a city, a person, or both."), code="nobody"
            )
        return cleaned

    def data_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in self._meta.fields}


def _person_label(person: User) -> str:
    return person.get_full_name() or person.email


class MeetingActionForm(ActionForm):
    """An action the minutes record: any city or member of the network; a date is due."""

    def __init__(self, *args, network, **kwargs):
        super().__init__(
            *args,
            cities=Partner.objects.filter(network=network).order_by("city"),
            people=selectors.network_members(network=network),
            **kwargs,
        )
        self.fields["due_on"].required = True


class FollowUpForm(ActionForm):
    """A follow-up agreed in a call: one of its cities (the call's own, when it has one)
    and one of its participants."""

    def __init__(self, *args, call: Call, **kwargs):
        super().__init__(
            *args,
            cities=call.cities.order_by("city"),
            people=call.participants.order_by("full_name"),
            **kwargs,
        )
        if not self.is_bound and not self.instance.pk:
            of_the_call = list(call.cities.all())  # prefetched by the call's pages
            if len(of_the_call) == 1:
                self.initial.setdefault("partner", of_the_call[0].pk)

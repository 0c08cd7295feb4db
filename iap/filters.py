"""The filters of the overviews across cities: a city and a state, chosen from lists.

A value that is not on the list (a city of another network, a state that does not exist)
makes the form invalid: the page says so and answers 400, never 500 and never a row of a
city the person may not see, since the cities offered are those the person sees.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from .enums import RoadmapState, SsaStatus


class OverviewFilter(forms.Form):
    """`city` (a slug) and `state`; both may be left at "all"."""

    #: The choices of the second list and its label; set by each overview.
    states: list[tuple[str, str]] = []
    state_label = _("State")
    #: The selector's name for the second filter.
    state_argument = "state"

    city = forms.ChoiceField(
        label=_("City"), required=False, widget=forms.Select(attrs={"class": "form-select"})
    )
    state = forms.ChoiceField(required=False, widget=forms.Select(attrs={"class": "form-select"}))

    def __init__(self, data, *, cities):
        super().__init__(data)
        self.fields["city"].choices = [
            ("", _("All cities")),
            *((city.slug, city.city) for city in cities),
        ]
        self.fields["state"].label = self.state_label
        self.fields["state"].choices = [("", _("All")), *self.states]

    def chosen(self) -> dict[str, str]:
        """The filters for the selector, once the form is valid."""
        return {
            "city": self.cleaned_data["city"],
            self.state_argument: self.cleaned_data["state"],
        }

    def is_filtered(self) -> bool:
        return any(self.chosen().values())


class RoadmapFilter(OverviewFilter):
    states = RoadmapState.choices
    state_label = _("State of the roadmap")


class ActionFilter(OverviewFilter):
    states = RoadmapState.choices
    state_label = _("Status of the plan")
    state_argument = "status"


class SsaFilter(OverviewFilter):
    states = SsaStatus.choices
    state_label = _("Status")
    state_argument = "status"

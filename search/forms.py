from django import forms
from django.utils.translation import gettext_lazy as _

from .enums import KIND_HEADINGS, Kind
from .selectors import MAX_QUERY_LENGTH


class SearchForm(forms.Form):
    """The words to look for, and which kind of results to list (all, if none)."""

    q = forms.CharField(
        label=_("Search for"),
        max_length=MAX_QUERY_LENGTH,
        required=False,
        help_text=_(
            "Words to find, in any language and with or without accents. Put a phrase in "
            "quotes; write “or” between alternatives and “-” before a word to leave out."
        ),
    )
    kind = forms.ChoiceField(
        label=_("Show"),
        choices=[("", _("All kinds")), *((kind.value, KIND_HEADINGS[kind]) for kind in Kind)],
        required=False,
    )

"""The picker of the compare page: two versions of a roadmap or a plan, by number."""

from django import forms
from django.utils import formats
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.dates import localtime_or_utc

SELECT = forms.Select(attrs={"class": "form-select"})


def version_label(version) -> str:
    """How the picker names a version: its number, when it was submitted and, if it was,
    when it was withdrawn."""
    values = {
        "n": version.number,
        "submitted": formats.date_format(localtime_or_utc(version.created_at), "j F Y"),
    }
    if version.withdrawn_at is None:
        return gettext("Version %(n)d — submitted %(submitted)s") % values
    values["withdrawn"] = formats.date_format(localtime_or_utc(version.withdrawn_at), "j F Y")
    return gettext("Version %(n)d — submitted %(submitted)s, withdrawn %(withdrawn)s") % values


class CompareForm(forms.Form):
    """`from` and `to`: two different versions among `versions` (read by the view), in
    either order. Anything else is an error on the form, never a failure of the page."""

    def __init__(self, *args, versions, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(v.number, version_label(v)) for v in versions]
        self.fields["from"] = forms.TypedChoiceField(
            label=_("Compare version"), choices=choices, coerce=int, widget=SELECT
        )
        self.fields["to"] = forms.TypedChoiceField(
            label=_("with version"), choices=choices, coerce=int, widget=SELECT
        )
        self.versions = {v.number: v for v in versions}

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("from") is not None and cleaned.get("from") == cleaned.get("to"):
            raise forms.ValidationError(_("Choose two different versions to compare."), code="same")
        return cleaned

    def chosen(self):
        """The two versions chosen, in the order asked."""
        return self.versions[self.cleaned_data["from"]], self.versions[self.cleaned_data["to"]]

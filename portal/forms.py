"""Form pieces every app uses: the version a form was loaded with, dates in order."""

from django import forms
from django.utils.translation import gettext_lazy as _

from portal.validators import FIRST_YEAR, LAST_YEAR

#: Date pickers offer the years `portal.validators` accepts; the validators still decide.
DATE = forms.DateInput(
    attrs={"type": "date", "min": f"{FIRST_YEAR}-01-01", "max": f"{LAST_YEAR}-12-31"},
    format="%Y-%m-%d",
)
DATETIME = forms.DateTimeInput(
    attrs={
        "type": "datetime-local",
        "min": f"{FIRST_YEAR}-01-01T00:00",
        "max": f"{LAST_YEAR}-12-31T23:59",
    },
    format="%Y-%m-%dT%H:%M",
)


class VersionedFormMixin(forms.Form):
    """Carries the version the person loaded, so that a stale save can be refused."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        if instance is not None and instance.pk and not self.is_bound:
            self.initial["version"] = instance.version

    def data_fields(self) -> dict:
        """What the person typed, without the version (and without non-model fields)."""
        return {k: v for k, v in self.cleaned_data.items() if k in self._meta.fields}


class DatesInOrderMixin:
    """The end of each (start, end) pair of fields is not before its start."""

    date_pairs = [("starts_on", "ends_on")]

    def clean(self):
        cleaned = super().clean()
        for start_name, end_name in self.date_pairs:
            start, end = cleaned.get(start_name), cleaned.get(end_name)
            if start and end and end < start:
                self.add_error(end_name, _("The end cannot be before the start."))
        return cleaned

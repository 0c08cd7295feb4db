"""The coordinator's obligation form and the audit log's filters."""

from django import forms
from django.contrib.postgres.forms import SimpleArrayField
from django.utils.translation import gettext_lazy as _

from partners.enums import ObligationKind
from partners.models import Obligation
from portal.forms import DATE

from . import states

#: The fields that matter for one kind only; for the other kinds they are emptied.
ONLY_FOR = {
    "within_days": {ObligationKind.ROADMAP_REVIEW},
    "target": {ObligationKind.SSAS_PLANNED},
    "meeting_number": {ObligationKind.TNM_ATTENDANCE},
}
#: A review is due N days after each submission: it has no date of its own.
NO_DATES = {ObligationKind.ROADMAP_REVIEW}


class ObligationForm(forms.ModelForm):
    """One obligation of the network. Only the fields its kind needs are asked for; the
    model's constraints say what is missing (a due date, the number of days, the TNM)."""

    remind_days = SimpleArrayField(
        forms.IntegerField(min_value=0, max_value=365),
        label=_("Remind (days before the due date)"),
        max_length=6,
        required=False,
        error_messages={"item_invalid": _("Number %(nth)s of the list:")},
        help_text=_(
            "Numbers of days separated by commas, e.g. 14, 3: on each of those days before "
            "the due date, whoever still owes it gets a reminder (at most six numbers, each "
            "from 0 to 365). Leave empty for no reminder before the date."
        ),
    )

    meeting_number = forms.IntegerField(
        label=_("TNM number"),
        min_value=1,
        max_value=999,
        required=False,
        help_text=_("For TNM attendance only: the number of the transnational meeting."),
    )

    class Meta:
        model = Obligation
        fields = [
            "kind",
            "title",
            "due_on",
            "opens_on",
            "within_days",
            "target",
            "meeting_number",
            "remind_days",
            "grace_days",
        ]
        widgets = {"due_on": DATE, "opens_on": DATE}
        help_texts = {
            "kind": _(
                "Where each city stands on it is computed from its records: the roadmap, "
                "the Small Scale Actions, the ULG meetings, the attendance, the follow-ups."
            ),
            "due_on": _(
                "Not for reviews: each review is due a number of days after its submission."
            ),
            "opens_on": _(
                "Optional. E.g. the first day of the quarter in which a ULG meeting is owed: "
                "before it, the obligation is not due yet."
            ),
            "within_days": _(
                "For reviews only: each submitted roadmap is reviewed within this many days."
            ),
            "target": _("For Small Scale Actions only: how many each city plans."),
            "grace_days": _(
                "Once it is late, whoever owes it is told at once; the coordinator is told "
                "after this many days."
            ),
        }

    def __init__(self, *args, network, **kwargs):
        super().__init__(*args, **kwargs)
        self.network = network
        for name in ("within_days", "target", "meeting_number"):
            self.fields[name].required = False
        # What the browser offers; the model's validators decide.
        for name, (least, most) in {
            "within_days": (1, 365),
            "target": (1, 100),
            "grace_days": (0, 365),
        }.items():
            self.fields[name].widget.attrs.update(min=least, max=most)

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind is None:
            return cleaned
        unused = [name for name, kinds in ONLY_FOR.items() if kind not in kinds]
        if kind in NO_DATES:
            unused += ["due_on", "opens_on"]
        for name in unused:  # what does not matter for this kind is neither kept nor checked
            cleaned[name] = None
            self._errors.pop(name, None)
        if kind == ObligationKind.SSAS_PLANNED:
            if cleaned.get("target") is None and "target" not in self.errors:
                self.add_error("target", _("Say how many Small Scale Actions each city plans."))
        elif cleaned.get("target") is None:
            cleaned["target"] = Obligation._meta.get_field("target").default
        number = cleaned.get("meeting_number")
        if (
            kind == ObligationKind.TNM_ATTENDANCE
            and number is not None
            and not states.meeting_exists(network=self.network, number=number)
        ):
            self.add_error(
                "meeting_number",
                _("The network has no TNM number %(number)d yet: add the meeting first.")
                % {"number": number},
            )
        return cleaned


class ReminderLogFilter(forms.Form):
    """Which reminders the audit log shows: of one city, of one obligation, or all.

    The choices are the network's own, checked in Python: a value that is not one of
    them is simply not applied."""

    city = forms.ChoiceField(
        label=_("City"), required=False, widget=forms.Select(attrs={"class": "form-select"})
    )
    obligation = forms.ChoiceField(
        label=_("Obligation"),
        required=False,
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, data=None, *, partners, obligations, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["city"].choices = [("", _("All cities"))] + [
            (partner.slug, partner.city) for partner in partners
        ]
        self.fields["obligation"].choices = [("", _("All obligations"))] + [
            (str(obligation.pk), obligation.title) for obligation in obligations
        ]

    def chosen(self) -> dict:
        """The valid filters only (bad values are left out, never an error)."""
        self.is_valid()
        return {
            name: value
            for name, value in getattr(self, "cleaned_data", {}).items()
            if name in self.fields and value
        }

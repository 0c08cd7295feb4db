from django import forms
from django.forms.formsets import DELETION_FIELD_NAME
from django.utils.translation import gettext_lazy as _

from partners.models import Stakeholder
from portal.forms import DATE, DatesInOrderMixin, VersionedFormMixin
from portal.uploads import validate_upload

from .models import PlanAction, PlanSection, RoadmapStep, SmallScaleAction, SsaFile


class StepForm(DatesInOrderMixin, VersionedFormMixin, forms.ModelForm):
    date_pairs = [("starts_on", "due_on")]

    class Meta:
        model = RoadmapStep
        fields = ["title", "description", "owner", "starts_on", "due_on", "status", "is_milestone"]
        widgets = {
            "starts_on": DATE,
            "due_on": DATE,
            "description": forms.Textarea(attrs={"rows": 3}),
        }


class SectionForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = PlanSection
        fields = ["body"]
        labels = {"body": _("Text (Markdown)")}
        help_texts = {"body": ""}
        widgets = {"body": forms.Textarea(attrs={"rows": 14})}


class BudgetNotNegativeMixin:
    def clean_budget(self):
        budget = self.cleaned_data.get("budget")
        if budget is not None and budget < 0:
            raise forms.ValidationError(_("A budget cannot be negative."))
        return budget


class ActionForm(DatesInOrderMixin, BudgetNotNegativeMixin, VersionedFormMixin, forms.ModelForm):
    indicators_text = forms.CharField(
        label=_("Indicators"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: name | baseline | target"),
    )

    class Meta:
        model = PlanAction
        fields = [
            "title",
            "objective",
            "responsible_body",
            "stakeholders",
            "starts_on",
            "ends_on",
            "budget",
            "funding_source",
            "risk",
            "mitigation",
        ]
        widgets = {
            "starts_on": DATE,
            "ends_on": DATE,
            "stakeholders": forms.CheckboxSelectMultiple,
            "risk": forms.Textarea(attrs={"rows": 2}),
            "mitigation": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, partner, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stakeholders"].queryset = Stakeholder.objects.filter(partner=partner)
        if self.instance.pk and not self.is_bound:
            self.initial["indicators_text"] = "\n".join(
                f"{i.name} | {i.baseline} | {i.target}" for i in self.instance.indicators.all()
            )

    def clean_indicators_text(self):
        """(name, baseline, target) rows."""
        rows = []
        for line in self.cleaned_data["indicators_text"].splitlines():
            if line.strip():
                name, baseline, target = ([p.strip() for p in line.split("|")] + ["", ""])[:3]
                if not name:
                    raise forms.ValidationError(_("Each indicator needs a name."))
                rows.append((name[:200], baseline[:100], target[:100]))
        return rows


class SsaForm(DatesInOrderMixin, BudgetNotNegativeMixin, VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = SmallScaleAction
        fields = [
            "title",
            "action",
            "tests_what",
            "description",
            "stakeholders",
            "budget",
            "starts_on",
            "ends_on",
            "status",
            "done",
            "results",
        ]
        widgets = {
            "starts_on": DATE,
            "ends_on": DATE,
            "stakeholders": forms.CheckboxSelectMultiple,
            "tests_what": forms.Textarea(attrs={"rows": 2}),
            "description": forms.Textarea(attrs={"rows": 4}),
            "done": forms.Textarea(attrs={"rows": 3}),
            "results": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, partner, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stakeholders"].queryset = Stakeholder.objects.filter(partner=partner)
        self.fields["action"].queryset = PlanAction.objects.filter(plan__partner=partner)


class SsaIndicatorForm(forms.Form):
    """One indicator of a Small Scale Action: what it set out to change, and by how much."""

    name = forms.CharField(label=_("Indicator"), max_length=200, required=False)
    target = forms.CharField(label=_("Target"), max_length=100, required=False)
    result = forms.CharField(label=_("Result"), max_length=100, required=False)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("name") and (cleaned.get("target") or cleaned.get("result")):
            self.add_error("name", _("Give the indicator a name, or empty its row."))
        return cleaned


class BaseSsaIndicatorFormSet(forms.BaseFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if DELETION_FIELD_NAME in form.fields:
            form.fields[DELETION_FIELD_NAME].label = _("Remove this indicator")

    def rows(self) -> list[tuple[str, str, str]]:
        """(name, target, result) of each named row kept (not ticked for removal)."""
        return [
            (form.cleaned_data["name"], form.cleaned_data["target"], form.cleaned_data["result"])
            for form in self.forms
            if form.cleaned_data.get("name") and not form.cleaned_data.get(DELETION_FIELD_NAME)
        ]


#: The indicators of a Small Scale Action, edited with it: two empty rows to add one, a
#: "Remove" box on each row; no JavaScript needed.
SsaIndicatorFormSet = forms.formset_factory(
    SsaIndicatorForm,
    formset=BaseSsaIndicatorFormSet,
    extra=2,
    can_delete=True,
    max_num=30,
    validate_max=True,
    absolute_max=30,
)


def ssa_indicator_formset(data=None, *, ssa: SmallScaleAction | None):
    """The formset of `ssa`'s indicators (none for a new Small Scale Action)."""
    initial = None
    if data is None and ssa is not None:
        initial = [
            {"name": i.name, "target": i.target, "result": i.result} for i in ssa.indicators.all()
        ]
    return SsaIndicatorFormSet(data, initial=initial, prefix="indicators")


class SsaFileForm(forms.ModelForm):
    class Meta:
        model = SsaFile
        fields = ["title", "file"]

    def clean_file(self):
        return validate_upload(self.cleaned_data["file"])

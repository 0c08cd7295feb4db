from django import forms
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


class SsaFileForm(forms.ModelForm):
    class Meta:
        model = SsaFile
        fields = ["title", "file"]

    def clean_file(self):
        return validate_upload(self.cleaned_data["file"])

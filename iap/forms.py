from django import forms
from django.utils.translation import gettext_lazy as _

from partners.models import Stakeholder

from .models import IapSettings, PlanAction, RoadmapStep, SmallScaleAction, SsaFile

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
ALLOWED_FILES = {
    ".pdf",
    ".doc",
    ".docx",
    ".xls",
    ".xlsx",
    ".ppt",
    ".pptx",
    ".odt",
    ".ods",
    ".png",
    ".jpg",
    ".jpeg",
    ".webp",
}
MAX_FILE_MB = 20


class VersionedForm(forms.ModelForm):
    """Carries the version the person loaded, so a stale save can be refused."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.version

    def data_fields(self):
        return {k: v for k, v in self.cleaned_data.items() if k != "version"}


class DatesInOrderMixin:
    start_field, end_field = "starts_on", "due_on"

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get(self.start_field), cleaned.get(self.end_field)
        if start and end and end < start:
            self.add_error(self.end_field, _("The end cannot be before the start."))
        return cleaned


class StepForm(DatesInOrderMixin, VersionedForm):
    class Meta:
        model = RoadmapStep
        fields = ["title", "description", "owner", "starts_on", "due_on", "status", "is_milestone"]
        widgets = {
            "starts_on": DATE,
            "due_on": DATE,
            "description": forms.Textarea(attrs={"rows": 3}),
        }


class CommentForm(forms.Form):
    body = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}))
    step = forms.ModelChoiceField(
        label=_("On the step"),
        queryset=RoadmapStep.objects.none(),
        required=False,
        empty_label=_("The whole roadmap"),
    )

    def __init__(self, *args, roadmap, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["step"].queryset = roadmap.steps.all()


class TransitionForm(forms.Form):
    ACTIONS = ["submit", "start_review", "request_changes", "approve", "reopen"]
    action = forms.ChoiceField(choices=[(a, a) for a in ACTIONS])
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class DeadlineForm(forms.ModelForm):
    class Meta:
        model = IapSettings
        fields = ["roadmap_deadline"]
        widgets = {"roadmap_deadline": DATE}


class SectionForm(forms.Form):
    body = forms.CharField(
        label=_("Text (Markdown)"), required=False, widget=forms.Textarea(attrs={"rows": 14})
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class SectionCommentForm(forms.Form):
    body = forms.CharField(label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}))


class ActionForm(DatesInOrderMixin, VersionedForm):
    start_field, end_field = "starts_on", "ends_on"
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

    def clean_budget(self):
        budget = self.cleaned_data.get("budget")
        if budget is not None and budget < 0:
            raise forms.ValidationError(_("A budget cannot be negative."))
        return budget

    def clean_indicators_text(self):
        rows = []
        for line in self.cleaned_data["indicators_text"].splitlines():
            if line.strip():
                name, baseline, target = ([p.strip() for p in line.split("|")] + ["", ""])[:3]
                if not name:
                    raise forms.ValidationError(_("Each indicator needs a name."))
                rows.append((name[:200], baseline[:100], target[:100]))
        return rows

    def data_fields(self):
        return {k: v for k, v in super().data_fields().items() if k != "indicators_text"}


class SsaForm(DatesInOrderMixin, VersionedForm):
    start_field, end_field = "starts_on", "ends_on"

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
            "results",
            "lessons",
        ]
        widgets = {
            "starts_on": DATE,
            "ends_on": DATE,
            "stakeholders": forms.CheckboxSelectMultiple,
            "tests_what": forms.Textarea(attrs={"rows": 2}),
            "description": forms.Textarea(attrs={"rows": 4}),
            "results": forms.Textarea(attrs={"rows": 3}),
            "lessons": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, partner, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stakeholders"].queryset = Stakeholder.objects.filter(partner=partner)
        self.fields["action"].queryset = PlanAction.objects.filter(plan__partner=partner)

    def clean_budget(self):
        budget = self.cleaned_data.get("budget")
        if budget is not None and budget < 0:
            raise forms.ValidationError(_("A budget cannot be negative."))
        return budget


class SsaFileForm(forms.ModelForm):
    class Meta:
        model = SsaFile
        fields = ["title", "file"]

    def clean_file(self):
        from pathlib import Path

        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in ALLOWED_FILES:
            raise forms.ValidationError(
                _("Upload a photo, a PDF or an Office or OpenDocument file.")
            )
        if upload.size > MAX_FILE_MB * 1024 * 1024:
            raise forms.ValidationError(
                _("The file may be at most %(mb)d MB.") % {"mb": MAX_FILE_MB}
            )
        return upload

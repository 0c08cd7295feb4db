"""The forms of the rubric: a criterion, and the scoring of a plan's version against every
criterion (a radio group of the four levels and a comment each)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .enums import RubricLevel, SectionKind
from .models import RubricCriterion
from .rubric import TITLE_TAKEN

GUIDANCE_LIMIT = 2_000
COMMENT_LIMIT = 4_000


class CriterionForm(forms.ModelForm):
    guidance = forms.CharField(
        label=_("What the reviewer looks for"),
        required=False,
        max_length=GUIDANCE_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One or two questions the lead expert answers when scoring."),
    )

    class Meta:
        model = RubricCriterion
        fields = ["title", "guidance", "section"]
        help_texts = {"section": _("Leave “The whole plan” for a criterion about all of it.")}

    def __init__(self, *args, network, **kwargs):
        super().__init__(*args, **kwargs)
        self.network = network
        self.fields["section"].choices = [("", _("The whole plan")), *SectionKind.choices]

    def clean_title(self):
        title = self.cleaned_data["title"].strip()
        others = self.network.rubric.filter(title__iexact=title)
        if self.instance.pk:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(TITLE_TAKEN)
        return title


class ScoreForm(forms.Form):
    """One level (radio buttons) and a comment per criterion; criteria left without a
    level are not scored. `rows` pairs each criterion with its two fields."""

    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, criteria, version: int, given=None, **kwargs):
        super().__init__(*args, **kwargs)
        given = given or {}
        self.criteria = list(criteria)
        self.initial["version"] = version
        for criterion in self.criteria:
            level, comment = given.get(criterion.pk, (None, ""))
            self.fields[f"level_{criterion.pk}"] = forms.TypedChoiceField(
                label=criterion.title,
                choices=RubricLevel.choices,
                coerce=int,
                required=False,
                initial=level,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
            )
            self.fields[f"comment_{criterion.pk}"] = forms.CharField(
                label=_("Comment on “%(criterion)s”") % {"criterion": criterion.title},
                required=False,
                max_length=COMMENT_LIMIT,
                initial=comment,
                widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
            )

    @property
    def rows(self):
        """(criterion, its level field, its comment field)."""
        return [(c, self[f"level_{c.pk}"], self[f"comment_{c.pk}"]) for c in self.criteria]

    def clean(self):
        cleaned = super().clean()
        chosen = False
        for criterion in self.criteria:
            level = cleaned.get(f"level_{criterion.pk}")
            comment = cleaned.get(f"comment_{criterion.pk}", "")
            if level not in (None, ""):
                chosen = True
            elif comment and f"level_{criterion.pk}" not in self.errors:
                self.add_error(
                    f"level_{criterion.pk}", _("Choose a level to go with your comment.")
                )
        if not chosen and not self.errors:
            raise forms.ValidationError(_("Choose a level for at least one criterion."))
        return cleaned

    def levels(self) -> dict[int, tuple[int, str]]:
        """{criterion id: (level, comment)} of the criteria given a level."""
        found = {}
        for criterion in self.criteria:
            level = self.cleaned_data.get(f"level_{criterion.pk}")
            if level not in (None, ""):
                found[criterion.pk] = (level, self.cleaned_data.get(f"comment_{criterion.pk}", ""))
        return found

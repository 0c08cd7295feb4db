"""The form of a lesson of a Small Scale Action (turning it into an IAP action uses the
action's own form, iap.forms.ActionForm, filled in from the lesson)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import SsaLesson

#: A lesson is a paragraph or a few: longer text belongs in the SSA's results.
LESSON_LENGTH = 2000


class LessonForm(forms.ModelForm):
    text = forms.CharField(
        label=_("Lesson"),
        max_length=LESSON_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_(
            "What the Small Scale Action taught the city. Its first line or sentence titles "
            "the IAP action it may become."
        ),
    )

    class Meta:
        model = SsaLesson
        fields = ["text"]

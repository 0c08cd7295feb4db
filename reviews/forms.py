from django import forms
from django.utils.translation import gettext_lazy as _

from .enums import ReviewAction

BODY_LIMIT = 20_000


class TransitionForm(forms.Form):
    action = forms.ChoiceField(choices=ReviewAction.choices)
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=BODY_LIMIT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class CommentForm(forms.Form):
    """A new thread, or a reply to one."""

    body = forms.CharField(
        label=_("Comment"), max_length=BODY_LIMIT, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean_body(self):
        body = self.cleaned_data["body"]
        if "\x00" in body:
            raise forms.ValidationError(_("The comment contains a character that cannot be saved."))
        return body

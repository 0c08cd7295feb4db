"""The confirmation page every destroying action shows before it acts.

A confirmation is a GET of the very address the action is POSTed to: the page
(`templates/_confirm.html`) says what will happen and who is told, and its button POSTs.
It works without JavaScript.
"""

from django.utils.translation import gettext_lazy as _


def confirmation(
    *,
    heading,
    what,
    told,
    button,
    back_url,
    back_label=None,
    details=(),
    fields=None,
    nothing_to_do="",
) -> dict:
    """What `templates/_confirm.html` shows: the question (`heading`), the thing it is
    about (`details`), what will happen, who is told, the button that does it (posting
    `fields` with it) and the way back. With `nothing_to_do`, only that and the way back."""
    return {
        "heading": heading,
        "details": list(details),
        "what": what,
        "told": told,
        "button": button,
        "back_url": back_url,
        "back_label": back_label or _("Go back"),
        "fields": fields or {},
        "nothing_to_do": nothing_to_do,
    }


class ConfirmPageMixin:
    """A GET answers the page of `confirmation()`; the view's `post` acts."""

    template_name = "_confirm.html"

    def confirmation(self) -> dict:
        raise NotImplementedError

    def get_context_data(self, **kwargs):
        return super().get_context_data(confirm=self.confirmation(), **kwargs)

"""The programme of a meeting: move an agenda item up or down (buttons, no dragging), or
remove one after a confirmation page."""

from django.contrib import messages
from django.http import HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import TemplateView

from portal.confirmations import ConfirmPageMixin, confirmation

from . import selectors, services
from .timespan import moment_text
from .views import MeetingMixin

#: What an agenda item may be moved by: its neighbour before it, or after it.
DIRECTIONS = ("up", "down")


class AgendaItemMixin(MeetingMixin):
    permission_required = "meetings.change_meeting"

    @cached_property
    def meeting(self):
        """The meeting alone, without the details its own page shows."""
        return get_object_or_404(
            selectors.meetings_visible_to(user=self.request.user, network=self.network),
            number=self.kwargs["number"],
        )

    @cached_property
    def item(self):
        return get_object_or_404(self.meeting.agenda.all(), pk=self.kwargs["pk"])

    def programme_url(self, item=None):
        anchor = f"#item-{item.pk}" if item is not None else "#programme"
        return self.meeting_url() + anchor


class AgendaItemMoveView(AgendaItemMixin, View):
    """Swap the item with the one before (`direction=up`) or after it (`down`)."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        direction = request.POST.get("direction")
        if direction not in DIRECTIONS:
            return HttpResponseBadRequest(str(_("Move an agenda item up or down.")))
        services.agenda_item_move(user=request.user, item=self.item, direction=direction)
        text = _("“%(title)s” moved up.") if direction == "up" else _("“%(title)s” moved down.")
        messages.success(request, text % {"title": self.item.title})
        return HttpResponseRedirect(self.programme_url(self.item))


class AgendaItemRemoveView(ConfirmPageMixin, AgendaItemMixin, TemplateView):
    def confirmation(self):
        return confirmation(
            heading=_("Remove “%(title)s” from the programme?") % {"title": self.item.title},
            details=[str(self.meeting), moment_text(self.item.starts_at)],
            what=_("The item and its speakers are taken off the meeting's programme."),
            told=_("Nobody is e-mailed: the programme on the meeting's page changes."),
            button=_("Remove the item"),
            back_url=self.programme_url(self.item),
            back_label=_("Keep it"),
        )

    def post(self, request, *args, **kwargs):
        services.agenda_item_remove(user=request.user, item=self.item)
        messages.success(
            request, _("“%(title)s” was removed from the programme.") % {"title": self.item.title}
        )
        return HttpResponseRedirect(self.programme_url())

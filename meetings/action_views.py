"""The coordinator records a meeting's decisions and actions; owners tick actions done.

Adding, changing and removing are the coordinator's (`meetings.change_meeting`); removing
asks once, on a page that says what goes. Ticking (`meetings.tick_action`) is a POST from
the meeting, the call or the home, and returns to the page it came from.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils import formats
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import FormView, TemplateView

from partners.mixins import NetworkPermissionMixin
from portal.confirmations import ConfirmPageMixin, confirmation

from . import actions
from .action_forms import DecisionForm, FollowUpForm, MeetingActionForm
from .views import CallMixin, FormPageMixin, MeetingMixin


def action_owners(action) -> str:
    """Who owns an action, in words: its city, its person, or both."""
    names = [action.partner.city if action.partner else "", _person(action.owner)]
    return _("Owner: %(who)s") % {"who": ", ".join(name for name in names if name)}


def _person(user) -> str:
    return (user.get_full_name() or user.email) if user else ""


def action_due(action) -> str:
    if action.due_on is None:
        return _("No date")
    return _("By %(date)s") % {"date": formats.date_format(action.due_on, "j M Y")}


def show_refusal(form, error: ValidationError) -> None:
    """What the service refused, on the field it is about (or above the form)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.error_dict.items():
        form.add_error(name if name in form.fields else None, errors)


# Decisions --------------------------------------------------------------------------------


class DecisionMixin(MeetingMixin):
    permission_required = "meetings.change_meeting"

    @cached_property
    def decision(self):
        if "pk" not in self.kwargs:
            return None
        return get_object_or_404(self.meeting.decisions.all(), pk=self.kwargs["pk"])

    def decisions_url(self):
        return self.meeting_url() + "#decisions-heading"


class DecisionFormView(DecisionMixin, FormPageMixin, FormView):
    """Record a decision of the meeting, or change its words (the address names it)."""

    form_class = DecisionForm

    @property
    def heading(self):
        return _("Edit the decision") if self.decision else _("Record a decision")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.decision}

    def form_valid(self, form):
        try:
            actions.decision_save(
                user=self.request.user,
                meeting=self.meeting,
                decision=self.decision,
                text=form.cleaned_data["text"],
            )
        except ValidationError as error:
            show_refusal(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The decision has been saved."))
        return HttpResponseRedirect(self.decisions_url())


class DecisionRemoveView(ConfirmPageMixin, DecisionMixin, TemplateView):
    """GET: the decision that will go; POST: it goes."""

    def confirmation(self):
        return confirmation(
            heading=_("Remove this decision from the minutes?"),
            details=[str(self.meeting), self.decision.text],
            what=_("The decision is taken off the meeting's page and its meeting pack."),
            told=_("Nobody is e-mailed."),
            button=_("Remove the decision"),
            back_url=self.decisions_url(),
            back_label=_("Keep it"),
        )

    def post(self, request, *args, **kwargs):
        actions.decision_remove(user=request.user, decision=self.decision)
        messages.success(request, _("The decision has been removed from the minutes."))
        return HttpResponseRedirect(self.decisions_url())


# A meeting's actions ----------------------------------------------------------------------


class ActionMixin(MeetingMixin):
    permission_required = "meetings.change_meeting"

    @cached_property
    def action(self):
        if "pk" not in self.kwargs:
            return None
        return get_object_or_404(
            self.meeting.actions.select_related("partner", "owner"), pk=self.kwargs["pk"]
        )

    def actions_url(self):
        return self.meeting_url() + "#actions-heading"


class ActionFormView(ActionMixin, FormPageMixin, FormView):
    """Record an action of the meeting (what, who, by when), or change one."""

    form_class = MeetingActionForm

    @property
    def heading(self):
        return _("Edit the action") if self.action else _("Record an action")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "network": self.network, "instance": self.action}

    def form_valid(self, form):
        try:
            actions.action_save(
                user=self.request.user,
                event=self.meeting,
                action=self.action,
                data=form.data_fields(),
            )
        except ValidationError as error:
            show_refusal(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The action has been saved."))
        return HttpResponseRedirect(self.actions_url())


class ActionRemoveView(ConfirmPageMixin, ActionMixin, TemplateView):
    """GET: the action that will go, and where it disappears from; POST: it goes."""

    def confirmation(self):
        action = self.action
        return confirmation(
            heading=_("Remove the action “%(task)s”?") % {"task": action.task},
            details=[str(self.meeting), action_owners(action), action_due(action)],
            what=_(
                "The action is taken off the meeting's page and its owners' homes, and it no "
                "longer counts in the network's obligations."
            ),
            told=_("Nobody is e-mailed."),
            button=_("Remove the action"),
            back_url=self.actions_url(),
            back_label=_("Keep it"),
        )

    def post(self, request, *args, **kwargs):
        actions.action_remove(user=request.user, action=self.action)
        messages.success(request, _("The action has been removed."))
        return HttpResponseRedirect(self.actions_url())


# A call's follow-ups ----------------------------------------------------------------------


class FollowUpCreateView(CallMixin, FormPageMixin, FormView):
    """Agree a follow-up in a call: an action of the call (what, who, by when)."""

    permission_required = "meetings.change_call"
    form_class = FollowUpForm
    heading = _("Agree a follow-up")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "call": self.call}

    def form_valid(self, form):
        try:
            actions.action_save(user=self.request.user, event=self.call, data=form.data_fields())
        except ValidationError as error:
            show_refusal(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The follow-up has been added."))
        return HttpResponseRedirect(self.call.get_absolute_url() + "#follow-ups-heading")


# Ticking done -----------------------------------------------------------------------------


def wanted_state(request) -> bool | None:
    """What the button asks: done ("1"), open again ("0"), or the other way round."""
    return {"1": True, "0": False}.get(request.POST.get("done", ""))


class TickMixin:
    """A POST that ticks an action done (or opens it again), then goes back."""

    permission_required = "meetings.tick_action"
    http_method_names = ["post"]

    def back_url(self, action):
        """The page the button was on (an address of this site), else the action's event."""
        wanted = self.request.POST.get("next", "")
        local = wanted.startswith("/") and url_has_allowed_host_and_scheme(
            wanted,
            allowed_hosts={self.request.get_host()},
            require_https=self.request.is_secure(),
        )
        return wanted if local else action.event.get_absolute_url()

    def post(self, request, *args, **kwargs):
        action = actions.action_tick(
            user=request.user, action=self.get_permission_object(), done=wanted_state(request)
        )
        message = _("“%(task)s” is done.") if action.done else _("“%(task)s” is open again.")
        messages.success(request, message % {"task": action.task})
        return HttpResponseRedirect(self.back_url(action))


class ActionTickView(TickMixin, NetworkPermissionMixin, View):
    """Any action of a meeting or a call the person sees (another's: 404)."""

    @cached_property
    def action(self):
        return get_object_or_404(
            actions.actions_visible_to(user=self.request.user, network=self.network),
            pk=self.kwargs["pk"],
        )

    def get_permission_object(self):
        return self.action


class FollowUpTickView(TickMixin, CallMixin, View):
    """The call's own address for ticking one of its follow-ups; same rule, same service."""

    @cached_property
    def action(self):
        return get_object_or_404(self.call.follow_ups.all(), pk=self.kwargs["follow_up"])

    def get_permission_object(self):
        return self.action

    def back_url(self, action):
        return self.call.get_absolute_url()

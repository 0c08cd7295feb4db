from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import FormView, ListView, TemplateView

from partners.mixins import NetworkPermissionMixin, keep_private
from partners.roles import city_ids_in
from partners.selectors import network_slugs_for
from portal import pagecache
from portal.confirmations import ConfirmPageMixin, confirmation
from portal.i18n import addressed_to
from portal.views import VersionedFormViewMixin

from . import actions, booking, selectors, services
from .calendar import calendar_bytes
from .forms import (
    AgendaItemForm,
    AttendanceForm,
    CallForm,
    CallNotesForm,
    FollowUpForm,
    MeetingForm,
    MinutesForm,
    RescheduleForm,
)
from .timespan import span_text


def ics_response(items, filename, *, name=""):
    response = HttpResponse(
        calendar_bytes(items, name=name), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


class FormPageMixin:
    """The shared form page of meetings and calls, headed by `heading`."""

    template_name = "meetings/form.html"
    heading = ""


def cancel_confirmation(event, *, heading, what, button, back_label, nothing_to_do):
    """The confirmation of cancelling a meeting or a call: who gets the cancellation."""
    count = len(services.invitees_of(event)) if event.ends_at >= timezone.now() else 0
    told = ngettext(
        "The %(n)d participant gets a cancellation e-mail with a calendar update.",
        "The %(n)d participants get a cancellation e-mail with a calendar update.",
        count,
    ) % {"n": count}
    return confirmation(
        heading=heading,
        details=[str(event), span_text(event.starts_at, event.ends_at)],
        what=what,
        told=told
        if count
        else _("Nobody is told: the event is past or nobody takes part, so no e-mail is sent."),
        button=button,
        back_url=event.get_absolute_url(),
        back_label=back_label,
        nothing_to_do=nothing_to_do if event.is_cancelled else "",
    )


#: The confirmations of the calendar address's actions: heading, what happens, button.
FEED_CONFIRMATIONS = {
    "renew": (
        _("Make a new calendar address?"),
        _(
            "Your current address stops working at once: calendar apps that use it stop "
            "showing your meetings until you give them the new one, shown to you once."
        ),
        _("Make a new address"),
    ),
    "revoke": (
        _("Stop your calendar address?"),
        _(
            "Your address stops working at once: calendar apps that use it stop showing "
            "your meetings and calls."
        ),
        _("Stop my calendar address"),
    ),
}


# Meetings --------------------------------------------------------------------------------


class MeetingListView(NetworkPermissionMixin, ListView):
    permission_required = "meetings.view_meeting"
    template_name = "meetings/meeting_list.html"
    context_object_name = "meetings"

    def get_permission_object(self):
        return self.network

    def get_queryset(self):
        return selectors.meetings_visible_to(user=self.request.user, network=self.network).order_by(
            "-starts_at"
        )

    def get_context_data(self, **kwargs):
        calls = selectors.calls_visible_to(user=self.request.user, network=self.network)
        rounds = booking.rounds_visible_to(user=self.request.user, network=self.network)
        return super().get_context_data(
            calls=calls.prefetch_related("cities").order_by("-starts_at"),
            rounds=rounds.annotate(
                slot_count=Count("slots", distinct=True),
                booked_count=Count("slots", filter=Q(slots__partner__isnull=False), distinct=True),
            ).order_by("-created_at"),
            **kwargs,
        )


class MeetingMixin(NetworkPermissionMixin):
    """A page of one meeting, fetched through `meetings_visible_to`: invisible is 404."""

    permission_required = "meetings.view_meeting"

    @cached_property
    def meeting(self):
        return get_object_or_404(
            selectors.meeting_with_details(
                user=self.request.user, network=self.network, number=self.kwargs["number"]
            )
        )

    def get_permission_object(self):
        return self.meeting

    def get_context_data(self, **kwargs):
        return super().get_context_data(meeting=self.meeting, **kwargs)

    def meeting_url(self):
        return self.meeting.get_absolute_url()


class MeetingDetailView(MeetingMixin, TemplateView):
    template_name = "meetings/meeting_detail.html"

    @cached_property
    def meeting(self):
        """Read with its decisions and actions (`actions.with_outcomes`), in one query."""
        return get_object_or_404(
            actions.with_outcomes(
                selectors.meeting_with_details(
                    user=self.request.user, network=self.network, number=self.kwargs["number"]
                )
            )
        )

    def get_context_data(self, **kwargs):
        attendances = list(self.meeting.attendances.all())
        by_city = {}
        for attendance in attendances:
            by_city.setdefault(attendance.partner, []).append(attendance.user)
        my_cities = city_ids_in(self.request.user, self.network.pk)
        return super().get_context_data(
            programme=selectors.programme_by_day(self.meeting),
            attendance_by_city=sorted(by_city.items(), key=lambda pair: pair[0].city),
            my_attendance=[a for a in attendances if a.partner_id in my_cities],
            **actions.outcomes_of(self.meeting),
            **kwargs,
        )


class MeetingCreateView(NetworkPermissionMixin, FormPageMixin, FormView):
    permission_required = "meetings.change_meeting"
    form_class = MeetingForm
    heading = _("Plan a transnational meeting")

    def get_permission_object(self):
        return self.network

    def get_initial(self):
        return {"number": selectors.next_meeting_number(network=self.network)}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "network": self.network}

    def form_valid(self, form):
        meeting = services.meeting_create(
            user=self.request.user, network=self.network, data=form.data_fields()
        )
        messages.success(self.request, _("The meeting is planned."))
        return HttpResponseRedirect(meeting.get_absolute_url())


class MeetingEditView(MeetingMixin, VersionedFormViewMixin, FormPageMixin, FormView):
    """Edit a meeting. A new time goes through the reschedule service, which tells people."""

    permission_required = "meetings.change_meeting"
    form_class = MeetingForm
    heading = _("Edit the meeting")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "network": self.network, "instance": self.meeting}

    def form_valid(self, form):
        try:
            conflict = self.save_or_conflict(
                form,
                lambda: services.meeting_update(
                    user=self.request.user,
                    meeting=self.meeting,
                    data=form.data_fields(),
                    version=form.cleaned_data["version"],
                ),
            )
        except ValidationError as error:  # agenda items outside the new time
            form.add_error(None, error)
            return self.form_invalid(form)
        if conflict:
            return conflict
        messages.success(self.request, _("The meeting has been saved."))
        return HttpResponseRedirect(self.saved.get_absolute_url())


class MeetingCancelView(ConfirmPageMixin, MeetingMixin, TemplateView):
    """A GET asks for confirmation, saying who is told; the POST cancels."""

    permission_required = "meetings.change_meeting"

    @cached_property
    def meeting(self):
        """The meeting alone: the confirmation shows none of its details."""
        return get_object_or_404(
            selectors.meetings_visible_to(user=self.request.user, network=self.network),
            number=self.kwargs["number"],
        )

    def confirmation(self):
        return cancel_confirmation(
            self.meeting,
            heading=_("Cancel this meeting?"),
            what=_(
                "The meeting is marked cancelled on its page and in every calendar feed, and "
                "its reminders are not sent."
            ),
            button=_("Cancel the meeting"),
            back_label=_("Keep the meeting"),
            nothing_to_do=_("This meeting is already cancelled."),
        )

    def post(self, request, *args, **kwargs):
        services.event_cancel(user=request.user, event=self.meeting)
        messages.success(request, _("The meeting is cancelled; participants are told."))
        return HttpResponseRedirect(self.meeting_url())


class AgendaItemFormView(MeetingMixin, VersionedFormViewMixin, FormPageMixin, FormView):
    permission_required = "meetings.change_meeting"
    form_class = AgendaItemForm
    heading = _("Agenda item")

    @cached_property
    def item(self):
        if "pk" not in self.kwargs:
            return None
        return get_object_or_404(self.meeting.agenda.all(), pk=self.kwargs["pk"])

    def get_initial(self):
        return {} if self.item else {"starts_at": self.meeting.starts_at}

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "network": self.network,
            "meeting": self.meeting,
            "instance": self.item,
        }

    def form_valid(self, form):
        try:
            conflict = self.save_or_conflict(
                form,
                lambda: services.agenda_item_save(
                    user=self.request.user,
                    meeting=self.meeting,
                    item=self.item,
                    data=form.data_fields(),
                    guests=form.cleaned_data["guests"],
                    version=form.cleaned_data["version"],
                ),
            )
        except ValidationError as error:  # a time outside the meeting, if it moved meanwhile
            form.add_error(None, error)
            return self.form_invalid(form)
        if conflict:
            return conflict
        messages.success(self.request, _("The agenda has been saved."))
        return HttpResponseRedirect(self.meeting_url())


class AttendanceView(MeetingMixin, FormPageMixin, FormView):
    """A city's team says who of them attends."""

    permission_required = "meetings.register_attendance"
    form_class = AttendanceForm
    heading = _("Register attendance")

    @cached_property
    def partner(self):
        cities = selectors.cities_of(user=self.request.user, network=self.network)
        wanted = self.request.GET.get("city") or self.request.POST.get("city")
        if wanted and "\x00" in wanted:
            raise Http404  # no city's slug has one, and the database refuses to compare it
        partner = cities.filter(slug=wanted).first() if wanted else cities.first()
        if partner is None:
            raise Http404
        return partner

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "partner": self.partner}

    def get_initial(self):
        return {
            "people": [
                a.user for a in self.meeting.attendances.all() if a.partner_id == self.partner.pk
            ]
        }

    def get_context_data(self, **kwargs):
        return super().get_context_data(city=self.partner, **kwargs)

    def form_valid(self, form):
        services.attendance_set(
            user=self.request.user,
            meeting=self.meeting,
            partner=self.partner,
            users=form.cleaned_data["people"],
        )
        messages.success(
            self.request, _("Attendance for %(city)s saved.") % {"city": self.partner.city}
        )
        return HttpResponseRedirect(self.meeting_url())


class MinutesEditView(MeetingMixin, VersionedFormViewMixin, FormPageMixin, FormView):
    permission_required = "meetings.change_meeting"
    form_class = MinutesForm
    heading = _("Minutes")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.meeting}

    def form_valid(self, form):
        conflict = self.save_or_conflict(
            form,
            lambda: services.minutes_save(
                user=self.request.user,
                meeting=self.meeting,
                minutes=form.cleaned_data["minutes"],
                version=form.cleaned_data["version"],
            ),
        )
        if conflict:
            return conflict
        messages.success(self.request, _("The minutes have been saved."))
        return HttpResponseRedirect(self.meeting_url())


class MeetingIcsView(MeetingMixin, View):
    def get(self, request, *args, **kwargs):
        return ics_response([self.meeting], f"{self.network.slug}-tnm-{self.meeting.number}.ics")


# Calls -----------------------------------------------------------------------------------


class CallMixin(NetworkPermissionMixin):
    """A page of one call, fetched through `calls_visible_to`: invisible is 404."""

    permission_required = "meetings.view_call"

    @cached_property
    def call(self):
        return get_object_or_404(
            selectors.calls_visible_to(
                user=self.request.user, network=self.network
            ).prefetch_related("cities", "participants"),
            pk=self.kwargs["pk"],
        )

    def get_permission_object(self):
        return self.call

    def get_context_data(self, **kwargs):
        return super().get_context_data(call=self.call, **kwargs)


class CallDetailView(CallMixin, TemplateView):
    template_name = "meetings/call_detail.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            notes_form=CallNotesForm(instance=self.call),
            follow_up_form=FollowUpForm(call=self.call),
            follow_ups=actions.actions_of(event=self.call),
            **kwargs,
        )


class CallNotesView(CallMixin, VersionedFormViewMixin, FormPageMixin, FormView):
    """Posted from the call page. A stale save (or bad input) is shown on the form page,
    the input kept."""

    permission_required = "meetings.change_call"
    http_method_names = ["post"]
    form_class = CallNotesForm
    heading = _("Notes")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.call}

    def form_valid(self, form):
        conflict = self.save_or_conflict(
            form,
            lambda: services.call_notes_save(
                user=self.request.user,
                call=self.call,
                notes=form.cleaned_data["notes"],
                version=form.cleaned_data["version"],
            ),
        )
        if conflict:
            return conflict
        messages.success(self.request, _("The notes have been saved."))
        return HttpResponseRedirect(self.call.get_absolute_url())


class CallRescheduleView(CallMixin, FormPageMixin, FormView):
    permission_required = "meetings.reschedule_call"
    form_class = RescheduleForm
    heading = _("Change the time")

    def get_initial(self):
        return {"starts_at": self.call.starts_at, "ends_at": self.call.ends_at}

    def form_valid(self, form):
        try:
            services.event_reschedule(user=self.request.user, event=self.call, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The new time has been sent to the participants."))
        return HttpResponseRedirect(self.call.get_absolute_url())


class CallCancelView(ConfirmPageMixin, CallMixin, TemplateView):
    """A GET asks for confirmation, saying who is told; the POST cancels."""

    permission_required = "meetings.cancel_call"

    def confirmation(self):
        return cancel_confirmation(
            self.call,
            heading=_("Cancel this call?"),
            what=_(
                "The call is marked cancelled on its page and in every calendar feed, and its "
                "reminders are not sent."
            ),
            button=_("Cancel the call"),
            back_label=_("Keep the call"),
            nothing_to_do=_("This call is already cancelled."),
        )

    def post(self, request, *args, **kwargs):
        services.event_cancel(user=request.user, event=self.call)
        messages.success(request, _("The call is cancelled; participants are told."))
        return HttpResponseRedirect(self.call.get_absolute_url())


class CallIcsView(CallMixin, View):
    def get(self, request, *args, **kwargs):
        return ics_response([self.call], f"{self.network.slug}-{slugify(self.call.title)[:60]}.ics")


class CallCreateView(NetworkPermissionMixin, FormPageMixin, FormView):
    permission_required = "meetings.add_call"
    form_class = CallForm
    heading = _("Plan a bilateral call")

    def get_permission_object(self):
        return self.network

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "network": self.network, "user": self.request.user}

    def form_valid(self, form):
        call = services.call_create(
            user=self.request.user, network=self.network, data=form.cleaned_data
        )
        messages.success(self.request, _("The call is planned."))
        return HttpResponseRedirect(call.get_absolute_url())


# Personal calendar feed ------------------------------------------------------------------


class CalendarSettingsView(NetworkPermissionMixin, TemplateView):
    """The person's secret calendar address: create, renew or revoke it."""

    permission_required = "meetings.view_meeting"
    template_name = "meetings/calendar_settings.html"

    def get_permission_object(self):
        return self.network

    def get_context_data(self, **kwargs):
        has_feed = selectors.has_calendar_feed(user=self.request.user)
        return super().get_context_data(has_feed=has_feed, **kwargs)

    def get(self, request, *args, **kwargs):
        """`?action=renew` or `?action=revoke` asks for confirmation when the person has an
        address: both stop the one their calendar apps use."""
        action = request.GET.get("action")
        if action in FEED_CONFIRMATIONS and selectors.has_calendar_feed(user=request.user):
            heading, what, button = FEED_CONFIRMATIONS[action]
            page = confirmation(
                heading=heading,
                what=what,
                told=_("Nobody else is told: the address was yours alone."),
                button=button,
                back_url=request.path,
                back_label=_("Keep my address"),
                fields={"action": action},
            )
            context = {"network": self.network, "confirm": page}
            return TemplateResponse(request, "_confirm.html", context)
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        if request.POST.get("action") == "revoke":
            services.calendar_feed_revoke(user=request.user)
            messages.success(request, _("Your calendar address no longer works."))
            return HttpResponseRedirect(request.path)
        token = services.calendar_feed_renew(user=request.user)
        url = request.build_absolute_uri(reverse("meetings:calendar_feed", args=[token]))
        return self.render_to_response(self.get_context_data(new_url=url))


class CalendarFeedView(View):
    """The secret feed itself: no login (calendar apps cannot log in), the token is the key."""

    public = True

    def get(self, request, token):
        # The feed's scopes (its owner and their networks) are remembered, so that a stored
        # feed costs no query; the feed is always built from the secret checked anew.
        remembered = pagecache.recall(f"feed:{services.calendar_feed_key(token)}")

        def build():
            user = services.calendar_feed_user(token=token)
            if user is None:
                raise Http404
            scopes = feed_scopes(user)
            pagecache.remember(f"feed:{services.calendar_feed_key(token)}", scopes)
            with addressed_to(user):  # the owner's language, whatever the calendar app asks
                response = ics_response(
                    selectors.events_for_feed(user=user),
                    "cities4csr.ics",
                    name=str(_("CITIES4CSR meetings, calls and deadlines")),
                )
            return response if scopes == remembered else pagecache.refuse(response)

        if remembered is None:
            return keep_private(build())
        return keep_private(
            pagecache.serve(
                request, scopes=remembered, render=build, content_types=("text/calendar",)
            )
        )


def feed_scopes(user) -> list[str]:
    """What a person's feed shows: their own things and their networks' (meetings, calls,
    and the deadlines of `portal.registry.calendar_items`, whose obligations and records
    belong to the network's scope)."""
    scopes = [pagecache.SITE, pagecache.user_scope(user.pk)]
    return scopes + [pagecache.network_scope(slug) for slug in network_slugs_for(user=user)]

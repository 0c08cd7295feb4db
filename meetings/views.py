from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import CreateView, FormView, ListView, TemplateView, UpdateView

from partners.mixins import NetworkMixin, NetworkPermissionMixin
from partners.models import Partner
from partners.roles import city_ids_in

from . import selectors, services
from .calendar import calendar_bytes
from .enums import CallKind
from .forms import (
    AgendaItemForm,
    AttendanceForm,
    CallForm,
    CallNotesForm,
    CheckupRoundForm,
    DocumentForm,
    FollowUpForm,
    MeetingForm,
    MinutesForm,
    RescheduleForm,
)
from .models import AgendaItem, CalendarFeed, GuestSpeaker, Meeting


def ics_response(items, filename, *, name=""):
    response = HttpResponse(
        calendar_bytes(items, name=name), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# Meetings --------------------------------------------------------------------------------


class MeetingListView(NetworkMixin, ListView):
    template_name = "meetings/meeting_list.html"
    context_object_name = "meetings"

    def get_queryset(self):
        return selectors.meetings_of(network=self.network).order_by("-starts_at")

    def get_context_data(self, **kwargs):
        calls = selectors.calls_visible_to(user=self.request.user, network=self.network)
        return super().get_context_data(
            calls=calls.prefetch_related("cities").order_by("-starts_at"), **kwargs
        )


class MeetingMixin(NetworkPermissionMixin):
    permission_required = "meetings.view_meeting"

    @cached_property
    def meeting(self):
        return get_object_or_404(
            selectors.meeting_with_details(network=self.network, number=self.kwargs["number"])
        )

    def get_permission_object(self):
        return self.meeting

    def get_context_data(self, **kwargs):
        return super().get_context_data(meeting=self.meeting, **kwargs)

    def meeting_url(self):
        return self.meeting.get_absolute_url()


class MeetingDetailView(MeetingMixin, TemplateView):
    template_name = "meetings/meeting_detail.html"

    def get_context_data(self, **kwargs):
        attendances = list(self.meeting.attendances.all())
        by_city = {}
        for attendance in attendances:
            by_city.setdefault(attendance.partner, []).append(attendance.user)
        my_cities = city_ids_in(self.request.user, self.network.pk)
        return super().get_context_data(
            attendance_by_city=sorted(by_city.items(), key=lambda pair: pair[0].city),
            my_attendance=[a for a in attendances if a.partner_id in my_cities],
            **kwargs,
        )


class MeetingCreateView(NetworkPermissionMixin, CreateView):
    permission_required = "meetings.change_meeting"
    form_class = MeetingForm
    template_name = "meetings/form.html"
    heading = _("Plan a transnational meeting")

    def get_permission_object(self):
        return self.network

    def get_initial(self):
        last = Meeting.objects.filter(network=self.network).order_by("-number").first()
        return {"number": (last.number + 1) if last else 1}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "network": self.network}

    def form_valid(self, form):
        form.instance.network = self.network
        messages.success(self.request, _("The meeting is planned."))
        return super().form_valid(form)


class MeetingEditView(MeetingMixin, UpdateView):
    """Edit a meeting. A new time goes through the reschedule service, which tells people."""

    permission_required = "meetings.change_meeting"
    form_class = MeetingForm
    template_name = "meetings/form.html"
    heading = _("Edit the meeting")

    def get_object(self, queryset=None):
        return self.meeting

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "network": self.network}

    def form_valid(self, form):
        starts_at, ends_at = form.cleaned_data["starts_at"], form.cleaned_data["ends_at"]
        original = Meeting.objects.get(pk=self.meeting.pk)
        with transaction.atomic():
            meeting = form.save(commit=False)
            meeting.starts_at, meeting.ends_at = original.starts_at, original.ends_at
            meeting.save()
            services.event_reschedule(event=meeting, starts_at=starts_at, ends_at=ends_at)
        messages.success(self.request, _("The meeting has been saved."))
        return HttpResponseRedirect(
            reverse("meetings:meeting_detail", args=[self.network.slug, meeting.number])
        )


class MeetingCancelView(MeetingMixin, View):
    permission_required = "meetings.change_meeting"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        services.event_cancel(event=self.meeting)
        messages.success(request, _("The meeting is cancelled; participants are told."))
        return HttpResponseRedirect(self.meeting_url())


class AgendaItemFormView(MeetingMixin, FormView):
    permission_required = "meetings.change_meeting"
    form_class = AgendaItemForm
    template_name = "meetings/form.html"
    heading = _("Agenda item")

    @cached_property
    def item(self):
        if "pk" not in self.kwargs:
            return None
        return get_object_or_404(AgendaItem, meeting=self.meeting, pk=self.kwargs["pk"])

    def get_initial(self):
        return {} if self.item else {"starts_at": self.meeting.starts_at}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "network": self.network, "instance": self.item}

    def form_valid(self, form):
        with transaction.atomic():
            item = form.save(commit=False)
            item.meeting = self.meeting
            item.save()
            form.save_m2m()
            item.guest_speakers.all().delete()
            GuestSpeaker.objects.bulk_create(
                GuestSpeaker(agenda_item=item, name=name, affiliation=affiliation)
                for name, affiliation in form.cleaned_data["guests"]
            )
        messages.success(self.request, _("The agenda has been saved."))
        return HttpResponseRedirect(self.meeting_url())


class AttendanceView(MeetingMixin, FormView):
    """A city's team says who of them attends."""

    permission_required = "meetings.register_attendance"
    form_class = AttendanceForm
    template_name = "meetings/form.html"
    heading = _("Register attendance")

    @cached_property
    def partner(self):
        mine = city_ids_in(self.request.user, self.network.pk)
        partners = Partner.objects.filter(network=self.network, pk__in=mine).order_by("city")
        wanted = self.request.GET.get("city") or self.request.POST.get("city")
        if wanted:
            return get_object_or_404(partners, slug=wanted)
        partner = partners.first()
        if partner is None:
            raise PermissionDenied
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
            meeting=self.meeting, partner=self.partner, users=form.cleaned_data["people"]
        )
        messages.success(
            self.request, _("Attendance for %(city)s saved.") % {"city": self.partner.city}
        )
        return HttpResponseRedirect(self.meeting_url())


class MinutesEditView(MeetingMixin, UpdateView):
    permission_required = "meetings.change_meeting"
    form_class = MinutesForm
    template_name = "meetings/form.html"
    heading = _("Minutes")

    def get_object(self, queryset=None):
        return self.meeting

    def get_success_url(self):
        return self.meeting_url()


class DocumentUploadView(MeetingMixin, CreateView):
    permission_required = "meetings.upload_document"
    form_class = DocumentForm
    template_name = "meetings/form.html"
    heading = _("Add a document")

    def form_valid(self, form):
        form.instance.meeting = self.meeting
        form.instance.uploaded_by = self.request.user
        form.save()
        messages.success(self.request, _("The document has been added."))
        return HttpResponseRedirect(self.meeting_url())


class DocumentDownloadView(MeetingMixin, View):
    """Documents are served by the portal to network members only, never from a public URL."""

    def get(self, request, *args, **kwargs):
        document = get_object_or_404(self.meeting.documents.all(), pk=kwargs["pk"])
        try:
            handle = document.file.open("rb")
        except FileNotFoundError as exc:
            raise Http404 from exc
        return FileResponse(handle, as_attachment=True, filename=document.filename)


class MeetingIcsView(MeetingMixin, View):
    def get(self, request, *args, **kwargs):
        return ics_response([self.meeting], f"{self.network.slug}-tnm-{self.meeting.number}.ics")


# Calls -----------------------------------------------------------------------------------


class CallMixin(NetworkPermissionMixin):
    permission_required = "meetings.view_call"

    @cached_property
    def call(self):
        return get_object_or_404(
            selectors.calls_visible_to(
                user=self.request.user, network=self.network
            ).prefetch_related("cities", "participants", "follow_ups__owner"),
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
            **kwargs,
        )


class CallNotesView(CallMixin, View):
    permission_required = "meetings.change_call"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        form = CallNotesForm(request.POST, instance=self.call)
        if form.is_valid():
            form.save()
            messages.success(request, _("The notes have been saved."))
        return HttpResponseRedirect(self.call.get_absolute_url())


class FollowUpCreateView(CallMixin, FormView):
    permission_required = "meetings.change_call"
    form_class = FollowUpForm
    template_name = "meetings/form.html"
    heading = _("Agree a follow-up")

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "call": self.call}

    def form_valid(self, form):
        form.instance.call = self.call
        form.save()
        messages.success(self.request, _("The follow-up has been added."))
        return HttpResponseRedirect(self.call.get_absolute_url())


class FollowUpToggleView(CallMixin, View):
    permission_required = "meetings.change_call"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        follow_up = get_object_or_404(self.call.follow_ups.all(), pk=kwargs["follow_up"])
        follow_up.done = not follow_up.done
        follow_up.save(update_fields=["done"])
        return HttpResponseRedirect(self.call.get_absolute_url())


class CallRescheduleView(CallMixin, FormView):
    permission_required = "meetings.change_call"
    form_class = RescheduleForm
    template_name = "meetings/form.html"
    heading = _("Change the time")

    def get_initial(self):
        return {"starts_at": self.call.starts_at, "ends_at": self.call.ends_at}

    def form_valid(self, form):
        try:
            services.event_reschedule(event=self.call, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The new time has been sent to the participants."))
        return HttpResponseRedirect(self.call.get_absolute_url())


class CallCancelView(CallMixin, View):
    permission_required = "meetings.change_call"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        services.event_cancel(event=self.call)
        messages.success(request, _("The call is cancelled; participants are told."))
        return HttpResponseRedirect(self.call.get_absolute_url())


class CallIcsView(CallMixin, View):
    def get(self, request, *args, **kwargs):
        return ics_response([self.call], f"{self.network.slug}-{slugify(self.call.title)[:60]}.ics")


class CallCreateView(NetworkPermissionMixin, CreateView):
    permission_required = "meetings.add_call"
    form_class = CallForm
    template_name = "meetings/form.html"
    heading = _("Plan a bilateral call")

    def get_permission_object(self):
        return self.network

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "network": self.network}

    def form_valid(self, form):
        from partners.enums import Role
        from partners.models import User

        with transaction.atomic():
            call = form.save(commit=False)
            call.network = self.network
            call.kind = CallKind.BILATERAL
            call.save()
            form.save_m2m()
            teams = User.objects.filter(
                memberships__partner__in=call.cities.all(), memberships__role__in=Role.city_roles()
            ).distinct()
            call.participants.set([*teams, self.request.user])
        messages.success(self.request, _("The call is planned."))
        return HttpResponseRedirect(call.get_absolute_url())


class CheckupRoundCreateView(NetworkPermissionMixin, FormView):
    permission_required = "meetings.open_checkup_round"
    form_class = CheckupRoundForm
    template_name = "meetings/form.html"
    heading = _("Open a round of check-up calls")

    def get_permission_object(self):
        return self.network

    def form_valid(self, form):
        data = form.cleaned_data
        if self.network.checkup_rounds.filter(title=data["title"]).exists():
            form.add_error("title", _("A round with this title exists already."))
            return self.form_invalid(form)
        checkup_round = services.checkup_round_open(
            network=self.network,
            title=data["title"],
            starts_at=data["starts_at"],
            minutes=data["minutes"],
        )
        messages.success(
            self.request,
            _("%(count)d check-up calls planned.") % {"count": checkup_round.calls.count()},
        )
        return HttpResponseRedirect(reverse("meetings:meeting_list", args=[self.network.slug]))


# Personal calendar feed ------------------------------------------------------------------


class CalendarSettingsView(NetworkMixin, TemplateView):
    """The person's secret calendar address: create, renew or revoke it."""

    template_name = "meetings/calendar_settings.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            has_feed=CalendarFeed.objects.filter(user=self.request.user).exists(), **kwargs
        )

    def post(self, request, *args, **kwargs):
        if request.POST.get("action") == "revoke":
            services.calendar_feed_revoke(user=request.user)
            messages.success(request, _("Your calendar address no longer works."))
            return HttpResponseRedirect(request.path)
        token = services.calendar_feed_renew(user=request.user)
        url = request.build_absolute_uri(reverse("meetings:calendar_feed", args=[token]))
        context = self.get_context_data(new_url=url)
        return self.render_to_response(context)


def calendar_feed(request, token):
    """The secret feed itself: no login (calendar apps cannot log in), the token is the key."""
    user = services.calendar_feed_user(token=token)
    if user is None:
        raise Http404
    return ics_response(
        selectors.events_for_feed(user=user),
        "cities4csr.ics",
        name=str(_("CITIES4CSR meetings and calls")),
    )

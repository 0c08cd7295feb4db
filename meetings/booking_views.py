"""Check-up rounds: the coordinator offers slots (with a preview), cities book them."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import FormView, TemplateView

from partners.mixins import NetworkPermissionMixin

from . import booking
from .booking_forms import CheckupRoundForm, SlotForm


class CheckupRoundCreateView(NetworkPermissionMixin, FormView):
    """The form, then a preview of every slot in the coordinator's zone and in each city's;
    "Open the round" saves it and tells the cities. Nothing is saved before."""

    permission_required = "meetings.open_checkup_round"
    form_class = CheckupRoundForm
    template_name = "meetings/checkup_round_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "network": self.network}

    def form_valid(self, form):
        if "change" in self.request.POST:
            return self.render_to_response(self.get_context_data(form=form))
        if "open" not in self.request.POST:
            return self.preview(form)
        try:
            checkup_round = booking.checkup_round_open(
                user=self.request.user,
                network=self.network,
                title=form.cleaned_data["title"],
                slots=form.slots,
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("The round is open with %(n)d slots; the cities are told to book one.")
            % {"n": len(form.slots)},
        )
        return HttpResponseRedirect(round_url(checkup_round))

    def preview(self, form):
        cities = list(self.network.partners.order_by("city"))
        return TemplateResponse(
            self.request,
            "meetings/checkup_round_preview.html",
            self.get_context_data(
                form=form,
                days=booking.preview(slots=form.slots, cities=cities, zone=form.zone),
                slot_count=len(form.slots),
                city_count=len(cities),
            ),
        )


def round_url(checkup_round):
    return reverse(
        "meetings:checkup_round",
        kwargs={"network_slug": checkup_round.network.slug, "pk": checkup_round.pk},
    )


class CheckupRoundMixin(NetworkPermissionMixin):
    """A page of one round of the network, fetched through `rounds_visible_to`."""

    permission_required = "meetings.view_checkup_round"

    @cached_property
    def checkup_round(self):
        rounds = booking.rounds_visible_to(user=self.request.user, network=self.network)
        return get_object_or_404(rounds, pk=self.kwargs["pk"])

    def get_permission_object(self):
        return self.checkup_round

    def get_context_data(self, **kwargs):
        return super().get_context_data(checkup_round=self.checkup_round, **kwargs)


class CheckupRoundView(CheckupRoundMixin, TemplateView):
    """A city's people: their booking or the free slots in the city's zone; those who see
    every city: who has booked and who has not; the coordinator assigns a slot."""

    template_name = "meetings/checkup_round.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            page=booking.round_page(user=self.request.user, checkup_round=self.checkup_round),
            **kwargs,
        )


class SlotActionView(CheckupRoundMixin, View):
    """Posted from the round's page: one slot for one city. A slot taken meanwhile, or a
    stale button, is said in words on the round's page."""

    http_method_names = ["post"]
    done = ""

    def cities(self):
        return booking.coordinated_cities(user=self.request.user, network_id=self.network.pk)

    def act(self, *, slot, city):
        raise NotImplementedError

    def post(self, request, *args, **kwargs):
        form = SlotForm(request.POST, checkup_round=self.checkup_round, cities=self.cities())
        if not form.is_valid():
            errors = [error for errors in form.errors.values() for error in errors]
            messages.error(request, errors[0])
            return HttpResponseRedirect(round_url(self.checkup_round))
        slot, city = form.cleaned_data["slot"], form.cleaned_data["city"]
        try:
            self.act(slot=slot, city=city)
        except booking.BookingError as error:
            messages.error(request, error.message)
        else:
            when = booking.local_time(slot.starts_at, slot.ends_at, city.time_zone, place=city.city)
            messages.success(request, self.done % {"city": city.city, "when": when.text})
        return HttpResponseRedirect(round_url(self.checkup_round))


class SlotBookView(SlotActionView):
    permission_required = "meetings.book_checkup_slot"
    done = _("%(city)s's check-up call is booked: %(when)s. Everyone taking part is invited.")

    def act(self, *, slot, city):
        booking.slot_book(user=self.request.user, slot=slot, partner=city)


class SlotMoveView(SlotActionView):
    permission_required = "meetings.book_checkup_slot"
    done = _("%(city)s's check-up call is moved to %(when)s. Everyone taking part is told.")

    def act(self, *, slot, city):
        booking.slot_move(user=self.request.user, slot=slot, partner=city)


class SlotAssignView(SlotActionView):
    permission_required = "meetings.assign_checkup_slot"
    done = _("%(city)s's check-up call is booked: %(when)s. Everyone taking part is invited.")

    def cities(self):
        return self.network.partners.all()

    def act(self, *, slot, city):
        booking.slot_assign(user=self.request.user, slot=slot, partner=city)

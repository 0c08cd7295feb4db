from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import (
    CreateView,
    FormView,
    ListView,
    TemplateView,
    UpdateView,
    View,
)

from . import selectors, services
from .forms import (
    AcceptInvitationForm,
    CityGroupForm,
    DeadlineFormSet,
    InvitationForm,
    MembershipForm,
    NetworkPhaseForm,
    PartnerProfileForm,
    ProfileForm,
    StageFormSet,
    StakeholderForm,
    UlgMeetingForm,
)
from .mixins import NetworkMixin, NetworkPermissionMixin
from .models import Network, User
from portal.panels import render_panels
from .roles import city_ids_in


class NetworkHomeView(NetworkMixin, TemplateView):
    template_name = "partners/network_home.html"

    def get_context_data(self, **kwargs):
        my_cities = city_ids_in(self.request.user, self.network.pk)
        return super().get_context_data(
            partners=selectors.partners_of(network=self.network),
            stages=self.network.stages.all(),
            deadlines=self.network.deadlines.all(),
            today=timezone.localdate(),
            my_groups=selectors.city_groups_of(network=self.network, partner_ids=my_cities)
            if my_cities
            else [],
            panels=render_panels(self.request, self.network),
            **kwargs,
        )


class WorkplanEditView(NetworkPermissionMixin, TemplateView):
    """The coordinator edits the phase, the workplan stages and the key deadlines."""

    permission_required = "partners.change_workplan"
    template_name = "partners/workplan_form.html"

    def forms(self):
        data = self.request.POST if self.request.method == "POST" else None
        return (
            NetworkPhaseForm(data, instance=self.network, prefix="network"),
            StageFormSet(data, instance=self.network, prefix="stages"),
            DeadlineFormSet(data, instance=self.network, prefix="deadlines"),
        )

    def get(self, request, *args, **kwargs):
        phase, stages, deadlines = self.forms()
        return self.render_to_response(
            self.get_context_data(phase_form=phase, stages=stages, deadlines=deadlines)
        )

    def post(self, request, *args, **kwargs):
        phase, stages, deadlines = self.forms()
        if phase.is_valid() and stages.is_valid() and deadlines.is_valid():
            with transaction.atomic():
                phase.save()
                stages.save()
                deadlines.save()
            messages.success(request, _("The workplan has been saved."))
            return HttpResponseRedirect(self.network.get_absolute_url())
        return self.render_to_response(
            self.get_context_data(phase_form=phase, stages=stages, deadlines=deadlines)
        )


# Partner cities --------------------------------------------------------------------------


class PartnerMixin(NetworkPermissionMixin):
    permission_required = "partners.view_partner"

    @cached_property
    def partner(self):
        return selectors.partner_for(network=self.network, slug=self.kwargs["partner_slug"])

    def get_permission_object(self):
        return self.partner

    def get_context_data(self, **kwargs):
        return super().get_context_data(partner=self.partner, **kwargs)


class PartnerListView(NetworkMixin, ListView):
    template_name = "partners/partner_list.html"
    context_object_name = "partners"

    def get_queryset(self):
        return selectors.partners_with_team(network=self.network)


class PartnerDetailView(PartnerMixin, TemplateView):
    template_name = "partners/partner_detail.html"


class PartnerEditView(PartnerMixin, UpdateView):
    permission_required = "partners.change_partner"
    form_class = PartnerProfileForm
    template_name = "partners/partner_form.html"

    def get_object(self, queryset=None):
        return self.partner

    def form_valid(self, form):
        messages.success(self.request, _("The city profile has been saved."))
        return super().form_valid(form)


# People and roles ------------------------------------------------------------------------


class PeopleView(NetworkPermissionMixin, ListView):
    permission_required = "partners.manage_memberships"
    template_name = "partners/people.html"
    context_object_name = "memberships"

    def get_queryset(self):
        return selectors.memberships_of_network(network=self.network).order_by(
            "user__full_name", "user__email", "role"
        )


class MembershipMixin(NetworkPermissionMixin):
    permission_required = "partners.manage_memberships"

    @cached_property
    def membership(self):
        return get_object_or_404(
            selectors.memberships_of_network(network=self.network), pk=self.kwargs["pk"]
        )

    def people_url(self):
        return reverse("partners:people", args=[self.network.slug])


class MembershipEditView(MembershipMixin, FormView):
    form_class = MembershipForm
    template_name = "partners/membership_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "network": self.network, "instance": self.membership}

    def get_context_data(self, **kwargs):
        return super().get_context_data(membership=self.membership, **kwargs)

    def form_valid(self, form):
        try:
            services.membership_change_role(
                membership=self.membership,
                role=form.cleaned_data["role"],
                partner=form.cleaned_data["partner"],
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The role has been changed."))
        return HttpResponseRedirect(self.people_url())


class MembershipRemoveView(MembershipMixin, View):
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        services.membership_remove(membership=self.membership)
        messages.success(request, _("The role has been removed."))
        return HttpResponseRedirect(self.people_url())


# Invitations -----------------------------------------------------------------------------


class InvitationListView(NetworkPermissionMixin, ListView):
    permission_required = "partners.invite"
    template_name = "partners/invitation_list.html"
    context_object_name = "invitations"
    paginate_by = 50

    def get_queryset(self):
        return selectors.invitations_visible_to(user=self.request.user, network=self.network)


class InvitationCreateView(NetworkPermissionMixin, FormView):
    permission_required = "partners.invite"
    form_class = InvitationForm
    template_name = "partners/invitation_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "network": self.network, "inviter": self.request.user}

    def form_valid(self, form):
        try:
            invitation = services.invitation_create(
                network=self.network, invited_by=self.request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("An invitation is on its way to %(email)s.") % {"email": invitation.email},
        )
        return HttpResponseRedirect(reverse("partners:invitations", args=[self.network.slug]))


class InvitationActionView(NetworkPermissionMixin, View):
    """Resend or revoke an invitation one may see (POST only)."""

    permission_required = "partners.invite"
    http_method_names = ["post"]
    action = "resend"

    def post(self, request, *args, **kwargs):
        invitation = get_object_or_404(
            selectors.invitations_visible_to(user=request.user, network=self.network),
            pk=kwargs["pk"],
        )
        if self.action == "revoke":
            services.invitation_revoke(invitation=invitation)
            messages.success(
                request, _("The invitation has been revoked; its link no longer works.")
            )
        else:
            try:
                services.invitation_resend(invitation=invitation)
            except services.InvitationError:
                messages.error(request, _("This invitation was already used or revoked."))
            else:
                messages.success(
                    request, _("A new link has been sent; the old one no longer works.")
                )
        return HttpResponseRedirect(reverse("partners:invitations", args=[self.network.slug]))


INVITATION_PROBLEMS = {
    "invalid": _("This invitation link is not valid. It may have been replaced by a newer one."),
    "expired": _("This invitation has expired. Ask the person who invited you to send it again."),
    "used": _("This invitation has already been used. Log in with your e-mail and password."),
    "revoked": _("This invitation has been withdrawn."),
    "account_exists": _("You already have an account: log in first, then open the link again."),
    "other_account": _(
        "This invitation is for another e-mail address than the one you are logged in with."
    ),
}


class InvitationAcceptView(FormView):
    """The invited person sets a password (or uses their account) and lands in the network."""

    template_name = "partners/invitation_accept.html"
    form_class = AcceptInvitationForm

    def dispatch(self, request, *args, **kwargs):
        self.network = get_object_or_404(Network, slug=kwargs["network_slug"])
        try:
            self.invitation = services.invitation_from_token(
                token=kwargs["token"], network=self.network
            )
        except services.InvitationError as problem:
            return self.problem(problem.reason)
        self.existing = User.objects.filter(email__iexact=self.invitation.email).first()
        return super().dispatch(request, *args, **kwargs)

    def problem(self, reason):
        return render(
            self.request,
            "partners/invitation_problem.html",
            {"message": INVITATION_PROBLEMS[reason], "reason": reason},
            status=410 if reason in {"expired", "used", "revoked"} else 404,
        )

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "email": self.invitation.email}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            invitation=self.invitation, existing=self.existing, **kwargs
        )

    def post(self, request, *args, **kwargs):
        if self.existing is not None:
            if request.user != self.existing:
                return self.problem(
                    "account_exists" if not request.user.is_authenticated else "other_account"
                )
            return self.accept(user=request.user)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        return self.accept(
            full_name=form.cleaned_data["full_name"], password=form.cleaned_data["password1"]
        )

    def accept(self, **kwargs):
        try:
            user, invitation = services.invitation_accept(
                token=self.kwargs["token"], network=self.network, **kwargs
            )
        except services.InvitationError as problem:
            return self.problem(problem.reason)
        login(self.request, user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(
            self.request,
            _("Welcome to %(network)s.") % {"network": invitation.network.acronym},
        )
        return HttpResponseRedirect(invitation.network.get_absolute_url())


# URBACT Local Group ----------------------------------------------------------------------


class UlgView(PartnerMixin, TemplateView):
    permission_required = "partners.view_ulg"
    template_name = "partners/ulg.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            stakeholders=selectors.stakeholders_of(partner=self.partner),
            ulg_meetings=selectors.ulg_meetings_of(partner=self.partner),
            **kwargs,
        )


class UlgFormMixin(PartnerMixin):
    permission_required = "partners.change_ulg"
    template_name = "partners/ulg_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "partner": self.partner}

    def get_success_url(self):
        return reverse("partners:ulg", args=[self.network.slug, self.partner.slug])

    def form_valid(self, form):
        form.instance.partner = self.partner
        messages.success(self.request, _("Saved."))
        return super().form_valid(form)


class StakeholderCreateView(UlgFormMixin, CreateView):
    form_class = StakeholderForm
    heading = _("Add a stakeholder")


class StakeholderEditView(UlgFormMixin, UpdateView):
    form_class = StakeholderForm
    heading = _("Edit a stakeholder")

    def get_object(self, queryset=None):
        return get_object_or_404(self.partner.stakeholders, pk=self.kwargs["pk"])


class UlgMeetingCreateView(UlgFormMixin, CreateView):
    form_class = UlgMeetingForm
    heading = _("Record a ULG meeting")


class UlgMeetingEditView(UlgFormMixin, UpdateView):
    form_class = UlgMeetingForm
    heading = _("Edit a ULG meeting")

    def get_object(self, queryset=None):
        return get_object_or_404(self.partner.ulg_meetings, pk=self.kwargs["pk"])


# City pairs and clusters -----------------------------------------------------------------


class CityGroupListView(NetworkMixin, ListView):
    template_name = "partners/city_group_list.html"
    context_object_name = "groups"

    def get_queryset(self):
        return selectors.city_groups_of(network=self.network)


class CityGroupFormMixin(NetworkPermissionMixin):
    permission_required = "partners.manage_city_groups"
    form_class = CityGroupForm
    template_name = "partners/city_group_form.html"

    def get_permission_object(self):
        return self.network

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "network": self.network}

    def form_valid(self, form):
        group = form.save(commit=False)
        group.network = self.network
        services.city_group_save(group=group, cities=form.cleaned_data["cities"])
        messages.success(self.request, _("Saved."))
        return HttpResponseRedirect(reverse("partners:city_groups", args=[self.network.slug]))


class CityGroupCreateView(CityGroupFormMixin, CreateView):
    pass


class CityGroupEditView(CityGroupFormMixin, UpdateView):
    def get_object(self, queryset=None):
        return get_object_or_404(
            selectors.city_groups_of(network=self.network), pk=self.kwargs["pk"]
        )


class CityGroupDeleteView(NetworkPermissionMixin, View):
    permission_required = "partners.manage_city_groups"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        group = get_object_or_404(selectors.city_groups_of(network=self.network), pk=kwargs["pk"])
        group.delete()
        messages.success(request, _("The group has been removed."))
        return HttpResponseRedirect(reverse("partners:city_groups", args=[self.network.slug]))


class ProfileView(LoginRequiredMixin, UpdateView):
    form_class = ProfileForm
    template_name = "partners/profile.html"
    success_url = reverse_lazy("profile")

    def get_object(self, queryset=None):
        return self.request.user

    def form_valid(self, form):
        messages.success(self.request, _("Your profile has been saved."))
        return super().form_valid(form)


class NotificationListView(LoginRequiredMixin, ListView):
    template_name = "partners/notification_list.html"
    context_object_name = "notifications"
    paginate_by = 25

    def get_queryset(self):
        return selectors.notifications_for(user=self.request.user)


class NotificationMarkReadView(LoginRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request):
        ids = request.POST.getlist("notification")
        try:
            ids = [int(pk) for pk in ids] or None
        except ValueError:
            ids = []
        count = services.notification_mark_read(user=request.user, notification_ids=ids)
        if count:
            messages.success(request, _("Marked as read."))
        return HttpResponseRedirect(reverse("notifications"))

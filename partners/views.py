"""Pages of networks, cities and people: a form in, one service call, a redirect out."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse, reverse_lazy
from django.utils import timezone, translation
from django.utils.decorators import method_decorator
from django.utils.functional import cached_property
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.generic import FormView, ListView, TemplateView, UpdateView, View
from django.views.i18n import set_language

from portal.confirmations import ConfirmPageMixin, confirmation
from portal.panels import render_panels
from portal.views import VersionedFormViewMixin

from . import selectors, services
from .forms import (
    AcceptInvitationForm,
    CityGroupForm,
    InvitationForm,
    MembershipForm,
    PartnerProfileForm,
    ProfileForm,
    StakeholderForm,
    UlgMeetingForm,
    WorkplanForms,
)
from .mixins import NetworkPermissionMixin, OwnAccountMixin
from .models import CityGroup, Stakeholder, UlgMeeting
from .roles import city_ids_in


class NetworkHomeView(NetworkPermissionMixin, TemplateView):
    permission_required = "partners.view_network"
    template_name = "partners/network_home.html"

    def get_context_data(self, **kwargs):
        my_cities = city_ids_in(self.request.user, self.network.pk)
        stages, deadlines = selectors.workplan_of(self.network)
        return super().get_context_data(
            partners=self.network.partners.all(),
            stages=stages,
            deadlines=deadlines,
            today=timezone.localdate(),
            my_groups=selectors.city_groups_named(network=self.network, partner_ids=my_cities)
            if my_cities
            else [],
            panels=render_panels(self.request, self.network),
            **kwargs,
        )


class WorkplanEditView(NetworkPermissionMixin, TemplateView):
    """The coordinator edits the phase and the workplan stages."""

    permission_required = "partners.change_workplan"
    template_name = "partners/workplan_form.html"

    def get(self, request, *args, **kwargs):
        forms = WorkplanForms(network=self.network)
        return self.render_to_response(self.get_context_data(**forms.context()))

    def post(self, request, *args, **kwargs):
        forms = WorkplanForms(request.POST, network=self.network)
        if not forms.is_valid():
            return self.render_to_response(self.get_context_data(**forms.context()))
        services.workplan_save(user=request.user, network=self.network, **forms.changes())
        messages.success(request, _("The workplan has been saved."))
        return HttpResponseRedirect(self.network.get_absolute_url())


# Partner cities --------------------------------------------------------------------------


class PartnerMixin(NetworkPermissionMixin):
    """A page about one city of the network; the permission is asked of the city."""

    permission_required = "partners.view_partner"

    @cached_property
    def partner(self):
        return selectors.partner_for(network=self.network, slug=self.kwargs["partner_slug"])

    def get_permission_object(self):
        return self.partner

    def get_context_data(self, **kwargs):
        return super().get_context_data(partner=self.partner, **kwargs)


class PartnerListView(NetworkPermissionMixin, ListView):
    permission_required = "partners.view_network"
    template_name = "partners/partner_list.html"
    context_object_name = "partners"

    def get_queryset(self):
        return selectors.partners_with_team(network=self.network)


class PartnerDetailView(PartnerMixin, TemplateView):
    permission_required = "partners.view_partner"
    template_name = "partners/partner_detail.html"


class PartnerEditView(PartnerMixin, VersionedFormViewMixin, FormView):
    permission_required = "partners.change_partner"
    form_class = PartnerProfileForm
    template_name = "partners/partner_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.partner}

    def form_valid(self, form):
        conflict = self.save_or_conflict(
            form,
            lambda: services.partner_profile_save(
                user=self.request.user,
                partner=self.partner,
                data=form.data_fields(),
                version=form.cleaned_data["version"],
            ),
        )
        if conflict:
            return conflict
        messages.success(self.request, _("The city profile has been saved."))
        return HttpResponseRedirect(self.partner.get_absolute_url())


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
    permission_required = "partners.manage_memberships"
    form_class = MembershipForm
    template_name = "partners/membership_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "network": self.network, "instance": self.membership}

    def get_context_data(self, **kwargs):
        return super().get_context_data(membership=self.membership, **kwargs)

    def form_valid(self, form):
        try:
            services.membership_change_role(
                user=self.request.user,
                membership=self.membership,
                role=form.cleaned_data["role"],
                partner=form.cleaned_data["partner"],
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The role has been changed."))
        return HttpResponseRedirect(self.people_url())


class MembershipRemoveView(MembershipMixin, ConfirmPageMixin, TemplateView):
    """GET asks first (what goes, who is told); POST removes the role."""

    permission_required = "partners.manage_memberships"

    def confirmation(self):
        membership = self.membership
        return confirmation(
            heading=_("Remove this role?"),
            details=[
                f"{membership.user.get_full_name()}: {membership.get_role_display()}"
                + (f", {membership.partner.city}" if membership.partner else "")
            ],
            what=_(
                "The person loses this role in the network and what it lets them see and "
                "do; their other roles, their account and what they wrote stay."
            ),
            told=_("Nobody is told; the person sees the change the next time they log in."),
            button=_("Remove the role"),
            back_url=self.people_url(),
        )

    def post(self, request, *args, **kwargs):
        try:
            services.membership_remove(user=request.user, membership=self.membership)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
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
                user=self.request.user, network=self.network, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("An invitation is on its way to %(email)s.") % {"email": invitation.email},
        )
        return HttpResponseRedirect(reverse("partners:invitations", args=[self.network.slug]))


class InvitationActionView(NetworkPermissionMixin, ConfirmPageMixin, TemplateView):
    """Resend or revoke an invitation one may see: POST acts; a GET of the revoke address
    asks first."""

    permission_required = "partners.invite"
    action = "resend"

    def invitation(self, request):
        return get_object_or_404(
            selectors.invitations_visible_to(user=request.user, network=self.network),
            pk=self.kwargs["pk"],
        )

    def get(self, request, *args, **kwargs):
        if self.action != "revoke":
            return HttpResponseNotAllowed(["POST"])
        return super().get(request, *args, **kwargs)

    def confirmation(self):
        invitation = self.invitation(self.request)
        return confirmation(
            heading=_("Revoke this invitation?"),
            details=[invitation.email],
            what=_("The link in the invitation stops working; nobody can join with it."),
            told=_("Nobody is told: the person finds the link no longer works."),
            button=_("Revoke the invitation"),
            back_url=reverse("partners:invitations", args=[self.network.slug]),
        )

    def post(self, request, *args, **kwargs):
        invitation = self.invitation(request)
        if self.action == "revoke":
            services.invitation_revoke(user=request.user, invitation=invitation)
            messages.success(
                request, _("The invitation has been revoked; its link no longer works.")
            )
        else:
            try:
                services.invitation_resend(user=request.user, invitation=invitation)
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
    """The invited person sets a password (or uses their account) and lands in the network.

    Public on purpose: the signed link is the permission, and it works once."""

    public = True
    template_name = "partners/invitation_accept.html"
    form_class = AcceptInvitationForm

    def dispatch(self, request, *args, **kwargs):
        self.network = selectors.network_by_slug(slug=kwargs["network_slug"])
        try:
            self.invitation = services.invitation_from_token(
                token=kwargs["token"], network=self.network
            )
        except services.InvitationError as problem:
            return self.problem(problem.reason)
        self.existing = selectors.account_for_email(email=self.invitation.email)
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


class UlgMixin(PartnerMixin):
    """A page of one city's local group: another city's group is a 404, not a 403."""

    @cached_property
    def partner(self):
        return get_object_or_404(
            selectors.ulg_cities_visible_to(user=self.request.user, network=self.network),
            slug=self.kwargs["partner_slug"],
        )


class UlgView(UlgMixin, TemplateView):
    permission_required = "partners.view_ulg"
    template_name = "partners/ulg.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        return super().get_context_data(
            stakeholders=selectors.stakeholders_visible_to(user=user, network=self.network).filter(
                partner=self.partner
            ),
            ulg_meetings=selectors.ulg_meetings_visible_to(user=user, network=self.network).filter(
                partner=self.partner
            ),
            **kwargs,
        )


class UlgFormMixin(UlgMixin):
    permission_required = "partners.change_ulg"
    template_name = "partners/ulg_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "partner": self.partner, "instance": self.object}

    def done(self):
        messages.success(self.request, _("Saved."))
        return HttpResponseRedirect(
            reverse("partners:ulg", args=[self.network.slug, self.partner.slug])
        )


class StakeholderFormMixin(UlgFormMixin, VersionedFormViewMixin):
    form_class = StakeholderForm

    def form_valid(self, form):
        conflict = self.save_or_conflict(
            form,
            lambda: services.stakeholder_save(
                user=self.request.user,
                stakeholder=self.object,
                data=form.data_fields(),
                version=form.cleaned_data["version"],
            ),
        )
        return conflict or self.done()


class StakeholderCreateView(StakeholderFormMixin, FormView):
    permission_required = "partners.change_ulg"
    heading = _("Add a stakeholder")

    @cached_property
    def object(self):
        return Stakeholder(partner=self.partner)


class StakeholderEditView(StakeholderFormMixin, FormView):
    permission_required = "partners.change_ulg"
    heading = _("Edit a stakeholder")

    @cached_property
    def object(self):
        return get_object_or_404(
            selectors.stakeholders_visible_to(user=self.request.user, network=self.network),
            partner=self.partner,
            pk=self.kwargs["pk"],
        )


class UlgMeetingFormMixin(UlgFormMixin):
    form_class = UlgMeetingForm

    def form_valid(self, form):
        services.ulg_meeting_save(
            user=self.request.user, meeting=self.object, data=dict(form.cleaned_data)
        )
        return self.done()


class UlgMeetingCreateView(UlgMeetingFormMixin, FormView):
    permission_required = "partners.change_ulg"
    heading = _("Record a ULG meeting")

    @cached_property
    def object(self):
        return UlgMeeting(partner=self.partner)


class UlgMeetingEditView(UlgMeetingFormMixin, FormView):
    permission_required = "partners.change_ulg"
    heading = _("Edit a ULG meeting")

    @cached_property
    def object(self):
        return get_object_or_404(
            selectors.ulg_meetings_visible_to(user=self.request.user, network=self.network),
            partner=self.partner,
            pk=self.kwargs["pk"],
        )


# City pairs and clusters -----------------------------------------------------------------


class CityGroupListView(NetworkPermissionMixin, ListView):
    permission_required = "partners.view_network"
    template_name = "partners/city_group_list.html"
    context_object_name = "groups"

    def get_queryset(self):
        return selectors.city_groups_of(network=self.network)


class CityGroupFormMixin(NetworkPermissionMixin):
    form_class = CityGroupForm
    template_name = "partners/city_group_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "network": self.network, "instance": self.object}

    def get_context_data(self, **kwargs):
        saved = self.object if self.object.pk else None
        return super().get_context_data(object=saved, **kwargs)

    def form_valid(self, form):
        try:
            services.city_group_save(
                user=self.request.user, group=self.object, data=dict(form.cleaned_data)
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, _("Saved."))
        return HttpResponseRedirect(reverse("partners:city_groups", args=[self.network.slug]))


class CityGroupCreateView(CityGroupFormMixin, FormView):
    permission_required = "partners.manage_city_groups"

    @cached_property
    def object(self):
        return CityGroup(network=self.network)


class CityGroupEditView(CityGroupFormMixin, FormView):
    permission_required = "partners.manage_city_groups"

    @cached_property
    def object(self):
        return get_object_or_404(
            selectors.city_groups_of(network=self.network), pk=self.kwargs["pk"]
        )


class CityGroupDeleteView(NetworkPermissionMixin, ConfirmPageMixin, TemplateView):
    """GET asks first; POST removes the pair or cluster."""

    permission_required = "partners.manage_city_groups"

    def group(self):
        return get_object_or_404(
            selectors.city_groups_of(network=self.network), pk=self.kwargs["pk"]
        )

    def confirmation(self):
        group = self.group()
        return confirmation(
            heading=_("Remove this group?"),
            details=[f"{group.get_kind_display()}: {group.topic}"],
            what=_("The cities are no longer paired for this topic; the cities stay."),
            told=_("Nobody is told; the cities no longer see the pairing on their pages."),
            button=_("Remove the group"),
            back_url=reverse("partners:city_groups", args=[self.network.slug]),
        )

    def post(self, request, *args, **kwargs):
        group = self.group()
        services.city_group_delete(user=request.user, group=group)
        messages.success(request, _("The group has been removed."))
        return HttpResponseRedirect(reverse("partners:city_groups", args=[self.network.slug]))


# The person's own account ----------------------------------------------------------------


class ProfileView(OwnAccountMixin, UpdateView):
    permission_required = "partners.change_own_profile"
    form_class = ProfileForm
    template_name = "partners/profile.html"
    success_url = reverse_lazy("profile")

    def get_object(self, queryset=None):
        return self.request.user

    def form_valid(self, form):
        user = services.profile_save(user=self.request.user, data=form.cleaned_data)
        # Said in the language just chosen (none chosen: the browser's).
        translation.activate(user.language or translation.get_language_from_request(self.request))
        messages.success(self.request, _("Your profile has been saved."))
        return HttpResponseRedirect(self.get_success_url())


@method_decorator(csrf_exempt, name="dispatch")
class LanguageChooseView(View):
    """The header's language switcher (Django's `set_language`, which keeps the choice in a
    cookie and goes back to `next`). Public on purpose: visitors choose a language too.

    A visitor's choice is only a cookie, so the form needs no CSRF token, and the public
    pages, which carry it, can still be stored once for every visitor. A signed-in person's
    choice is also kept in their profile: that write is CSRF-checked."""

    public = True
    http_method_names = ["post"]

    def post(self, request):
        if request.user.is_authenticated:
            return csrf_protect(self.choose_for_profile)(request)
        return set_language(request)

    def choose_for_profile(self, request):
        language = request.POST.get("language", "")
        if language in dict(settings.LANGUAGES):
            services.language_choose(user=request.user, language=language)
        return set_language(request)


class NotificationListView(OwnAccountMixin, ListView):
    permission_required = "partners.read_own_notifications"
    template_name = "partners/notification_list.html"
    context_object_name = "notifications"
    paginate_by = 25

    def get_queryset(self):
        return selectors.notifications_for(user=self.request.user)


class NotificationMarkReadView(OwnAccountMixin, View):
    """Mark all read, or only the notifications named in `notification`."""

    permission_required = "partners.read_own_notifications"
    http_method_names = ["post"]

    def post(self, request):
        ids = request.POST.getlist("notification")
        try:
            ids = [int(pk) for pk in ids]
        except ValueError:
            ids = [0]  # names none of theirs: nothing is marked
        if ids:
            count = services.notification_mark_read(user=request.user, notification_ids=ids)
        else:
            count = services.notifications_mark_all_read(user=request.user)
        if count:
            message = ngettext(
                "%(count)d notification marked as read.",
                "%(count)d notifications marked as read.",
                count,
            )
            messages.success(request, message % {"count": count})
        else:
            messages.info(request, _("There was nothing unread."))
        return HttpResponseRedirect(reverse("notifications"))


class NotificationOpenView(OwnAccountMixin, View):
    """Opening a notification (a POST: it writes) marks it read and goes to what it is
    about; only an address of this site is followed, anything else leads to the inbox."""

    permission_required = "partners.read_own_notifications"
    http_method_names = ["post"]

    def post(self, request, pk):
        notification = selectors.notification_for(user=request.user, pk=pk)
        services.notification_open(user=request.user, notification=notification)
        target = notification.url.strip()
        local = url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        return HttpResponseRedirect(target if target and local else reverse("notifications"))

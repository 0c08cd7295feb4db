from django import forms
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm, UsernameField
from django.db.models import BLANK_CHOICE_DASH
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _

from portal.forms import DATE, DatesInOrderMixin, VersionedFormMixin

from .enums import GroupKind, Role
from .models import (
    CityGroup,
    Invitation,
    Membership,
    Network,
    Partner,
    Stakeholder,
    UlgMeeting,
    User,
    WorkplanStage,
)
from .selectors import invitation_scope


class EmailAuthenticationForm(AuthenticationForm):
    # Declared here so that the length is checked: AuthenticationForm only sets it on the
    # widget, and an over-long name would reach the lockout table.
    username = UsernameField(
        label=_("Email"),
        max_length=User._meta.get_field("email").max_length,
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "Please enter a correct email and password. The password is case-sensitive."
        ),
    }


def language_choices() -> list[tuple[str, str]]:
    """Each of the portal's languages in its own name ("Italiano", "Latviešu"), as the
    header's switcher shows them: a person finds their own whatever the page's language."""
    return [(code, get_language_info(code)["name_local"]) for code, _name in settings.LANGUAGES]


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["full_name", "job_title", "time_zone", "language"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].choices = [("", _("The browser's language")), *language_choices()]


class PartnerProfileForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Partner
        fields = ["time_zone", "description", "csr_challenge", "iap_focus"]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "csr_challenge": forms.Textarea(attrs={"rows": 4}),
            "iap_focus": forms.Textarea(attrs={"rows": 4}),
        }


class InvitationForm(forms.ModelForm):
    """The coordinator invites to any role; a city coordinator, members of their own city."""

    class Meta:
        model = Invitation
        fields = ["email", "role", "partner"]

    def __init__(self, *args, network, inviter, **kwargs):
        super().__init__(*args, **kwargs)
        self.network = network
        scope = invitation_scope(user=inviter, network=network)
        roles = [(role, label) for role, label in Role.choices if role in scope.roles]
        self.fields["role"].choices = roles if len(roles) == 1 else [*BLANK_CHOICE_DASH, *roles]
        cities = network.partners.all()
        if scope.city_ids is not None:
            self.fields["partner"].queryset = cities.filter(pk__in=scope.city_ids)
            self.fields["partner"].required = True
            self.fields["partner"].empty_label = None
        else:
            self.fields["partner"].queryset = cities
        self.fields["partner"].help_text = _("Needed for city coordinators and team members.")

    def clean_email(self):
        email = self.cleaned_data["email"].lower()
        if Invitation.objects.filter(
            network=self.network, email__iexact=email, accepted_at=None, revoked_at=None
        ).exists():
            raise forms.ValidationError(
                _("This person already has an open invitation; resend or revoke it instead.")
            )
        return email

    def clean(self):
        cleaned = super().clean()
        role, partner = cleaned.get("role"), cleaned.get("partner")
        if role in Role.city_roles() and partner is None:
            self.add_error("partner", _("Choose the city for a city role."))
        if (
            role
            and role not in Role.city_roles()
            and partner is not None
            and role != Role.LEAD_PARTNER
        ):
            cleaned["partner"] = None
        email = cleaned.get("email")
        if (
            email
            and role
            and Membership.objects.filter(
                network=self.network,
                user__email__iexact=email,
                role=role,
                partner=cleaned.get("partner"),
            ).exists()
        ):
            self.add_error("email", _("This person already has this role."))
        return cleaned


class AcceptInvitationForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email, **kwargs):
        super().__init__(*args, **kwargs)
        self.email = email

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        elif first:
            try:
                password_validation.validate_password(
                    first, User(email=self.email, full_name=cleaned.get("full_name", ""))
                )
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class MembershipForm(forms.ModelForm):
    class Meta:
        model = Membership
        fields = ["role", "partner"]

    def __init__(self, *args, network, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = Partner.objects.filter(network=network)


class StakeholderForm(VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = Stakeholder
        fields = ["name", "organisation", "sector", "email", "consent_to_contact", "is_active"]

    def __init__(self, *args, partner, **kwargs):
        super().__init__(*args, **kwargs)
        self.partner = partner

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        if email:
            others = Stakeholder.objects.filter(partner=self.partner, email__iexact=email)
            if self.instance.pk:
                others = others.exclude(pk=self.instance.pk)
            if others.exists():
                raise forms.ValidationError(
                    _("A stakeholder of this city already has this e-mail address.")
                )
        return email


class UlgMeetingForm(forms.ModelForm):
    class Meta:
        model = UlgMeeting
        fields = ["held_on", "topic", "participants", "stakeholders_present", "notes"]
        widgets = {
            "held_on": DATE,
            "stakeholders_present": forms.CheckboxSelectMultiple,
            "notes": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, partner, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stakeholders_present"].queryset = Stakeholder.objects.filter(partner=partner)

    def clean(self):
        cleaned = super().clean()
        present = cleaned.get("stakeholders_present")
        participants = cleaned.get("participants")
        if present is not None and participants is not None and participants < len(present):
            self.add_error(
                "participants",
                _("At least the %(count)d stakeholders marked present took part.")
                % {"count": len(present)},
            )
        return cleaned


class CityGroupForm(forms.ModelForm):
    class Meta:
        model = CityGroup
        fields = ["kind", "topic", "cities", "notes"]
        widgets = {
            "cities": forms.CheckboxSelectMultiple,
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, network, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cities"].queryset = Partner.objects.filter(network=network)

    def clean(self):
        cleaned = super().clean()
        kind, cities = cleaned.get("kind"), cleaned.get("cities")
        if kind and cities is not None:
            if kind == GroupKind.PAIR and len(cities) != 2:
                self.add_error("cities", _("A pair is exactly two cities."))
            elif kind == GroupKind.CLUSTER and len(cities) < 2:
                self.add_error("cities", _("A cluster needs at least two cities."))
        return cleaned


class NetworkPhaseForm(forms.ModelForm):
    class Meta:
        model = Network
        fields = ["theme", "current_phase", "peer_review_days"]
        widgets = {
            "theme": forms.Textarea(attrs={"rows": 2}),
            "peer_review_days": forms.NumberInput(attrs={"min": 1, "max": 60}),
        }


class WorkplanStageForm(DatesInOrderMixin, forms.ModelForm):
    class Meta:
        model = WorkplanStage
        fields = ["name", "phase", "starts_on", "ends_on", "description"]
        widgets = {
            "starts_on": DATE,
            "ends_on": DATE,
            "description": forms.Textarea(attrs={"rows": 2}),
        }


StageFormSet = forms.inlineformset_factory(
    Network, WorkplanStage, form=WorkplanStageForm, extra=1, can_delete=True
)


class WorkplanForms:
    """The phase and the stages of a network, edited on one page."""

    def __init__(self, data=None, *, network):
        self.phase = NetworkPhaseForm(data, instance=network, prefix="network")
        self.stages = StageFormSet(data, instance=network, prefix="stages")

    def is_valid(self) -> bool:
        return all([self.phase.is_valid(), self.stages.is_valid()])

    def changes(self) -> dict:
        """What to save and what to remove, for `services.workplan_save`."""
        return {
            "phase": {name: self.phase.cleaned_data[name] for name in self.phase._meta.fields},
            "stages": self.stages.save(commit=False),
            "removed_stages": self.stages.deleted_objects,
        }

    def context(self) -> dict:
        return {"phase_form": self.phase, "stages": self.stages}

"""People, networks, partner cities and the roles that tie them together."""

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from timezone_field import TimeZoneField

from portal.outbox import OutboxItem, OutboxStatus
from portal.validators import plausible_date
from portal.versioning import Versioned

from .enums import (
    COUNTRIES,
    GroupKind,
    InvitationStatus,
    ObligationKind,
    Phase,
    Role,
    Sector,
)


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An e-mail address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        return self.get(**{f"{self.model.USERNAME_FIELD}__iexact": username})


class User(AbstractBaseUser, PermissionsMixin):
    """A person who logs in with an e-mail address."""

    email = models.EmailField(_("email"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    job_title = models.CharField(
        _("job title"),
        max_length=200,
        blank=True,
        help_text=_("For example “Deputy Project Coordinator”. Shown in bylines."),
    )
    time_zone = TimeZoneField(_("time zone"), default="Europe/Brussels", use_pytz=False)
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        blank=True,
        help_text=_("The portal's pages and e-mails are in this language. Empty: the browser's."),
    )
    is_staff = models.BooleanField(_("staff status"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["full_name", "email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_unique_ignoring_case"),
        ]

    def __str__(self):
        return self.full_name or self.email

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    def clean(self):
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    def get_full_name(self):
        return self.full_name or self.email

    def get_short_name(self):
        return (self.full_name.split() or [self.email])[0]


class Network(models.Model):
    """An Action Planning Network such as CITIES4CSR."""

    name = models.CharField(_("name"), max_length=300)
    acronym = models.CharField(_("acronym"), max_length=40)
    slug = models.SlugField(_("slug"), unique=True)
    theme = models.TextField(_("theme"), blank=True)
    start_date = models.DateField(_("start date"), validators=[plausible_date])
    end_date = models.DateField(_("end date"), validators=[plausible_date])
    current_phase = models.CharField(
        _("current phase"), max_length=40, choices=Phase.choices, default=Phase.PHASE_1
    )
    peer_review_days = models.PositiveSmallIntegerField(
        _("days for the paired cities' comments"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_(
            "When set, a submitted roadmap or IAP goes first to the cities paired with its "
            "city, for comments within this many days, then to the lead expert. Leave empty "
            "to send it straight to the lead expert."
        ),
    )

    class Meta:
        verbose_name = _("network")
        verbose_name_plural = _("networks")
        ordering = ["acronym"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="network_dates_in_order"
            ),
        ]

    def __str__(self):
        return self.acronym

    def get_absolute_url(self):
        return reverse("partners:network_home", kwargs={"network_slug": self.slug})


class Partner(Versioned):
    """A partner city in one network."""

    change_permission = "partners.change_partner"

    network = models.ForeignKey(
        Network, verbose_name=_("network"), on_delete=models.CASCADE, related_name="partners"
    )
    city = models.CharField(_("city"), max_length=200)
    slug = models.SlugField(_("slug"))
    country = models.CharField(_("country"), max_length=2, choices=COUNTRIES)
    is_lead_partner = models.BooleanField(_("lead partner"), default=False)
    time_zone = TimeZoneField(_("time zone"), default="Europe/Brussels", use_pytz=False)
    description = models.TextField(_("about the city"), blank=True)
    csr_challenge = models.TextField(
        _("CSR challenge"), blank=True, help_text=_("The city's challenge the network works on.")
    )
    iap_focus = models.TextField(
        _("IAP focus"), blank=True, help_text=_("What the Integrated Action Plan will focus on.")
    )

    class Meta:
        verbose_name = _("partner city")
        verbose_name_plural = _("partner cities")
        ordering = ["-is_lead_partner", "city"]
        constraints = [
            models.UniqueConstraint(
                fields=["network", "slug"], name="partner_slug_unique_in_network"
            ),
            models.UniqueConstraint(
                fields=["network"],
                condition=Q(is_lead_partner=True),
                name="one_lead_partner_per_network",
            ),
        ]

    def __str__(self):
        return self.city

    def get_absolute_url(self):
        return reverse(
            "partners:partner_detail",
            kwargs={"network_slug": self.network.slug, "partner_slug": self.slug},
        )


class Membership(models.Model):
    """A person's role in a network, for one partner city where the role is a city's."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    network = models.ForeignKey(
        Network, verbose_name=_("network"), on_delete=models.CASCADE, related_name="memberships"
    )
    partner = models.ForeignKey(
        Partner,
        verbose_name=_("partner city"),
        on_delete=models.CASCADE,
        related_name="memberships",
        null=True,
        blank=True,
    )
    role = models.CharField(_("role"), max_length=40, choices=Role.choices)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["network", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "network", "role", "partner"],
                condition=Q(partner__isnull=False),
                name="membership_unique_with_partner",
            ),
            models.UniqueConstraint(
                fields=["user", "network", "role"],
                condition=Q(partner__isnull=True),
                name="membership_unique_without_partner",
            ),
            models.CheckConstraint(
                condition=~Q(role__in=Role.city_roles()) | Q(partner__isnull=False),
                name="city_roles_need_a_partner",
            ),
        ]

    def __str__(self):
        where = f" ({self.partner})" if self.partner_id else ""
        return f"{self.user} — {self.get_role_display()}{where}, {self.network}"

    def clean(self):
        if self.role in Role.city_roles() and not self.partner_id:
            raise ValidationError({"partner": _("City roles need a partner city.")})
        if self.partner_id and self.network_id and self.partner.network_id != self.network_id:
            raise ValidationError({"partner": _("This city belongs to another network.")})


class Stakeholder(Versioned):
    """A member of a city's URBACT Local Group (ULG)."""

    change_permission = "partners.change_ulg"

    partner = models.ForeignKey(
        Partner,
        verbose_name=_("partner city"),
        on_delete=models.CASCADE,
        related_name="stakeholders",
    )
    name = models.CharField(_("name"), max_length=200)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    sector = models.CharField(_("sector"), max_length=20, choices=Sector.choices)
    email = models.EmailField(_("email"), blank=True)
    consent_to_contact = models.BooleanField(
        _("consents to be contacted"),
        default=False,
        help_text=_("Only then are the contact details shown to others (GDPR)."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("ULG stakeholder")
        verbose_name_plural = _("ULG stakeholders")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                F("partner"),
                Lower("email"),
                condition=~Q(email=""),
                name="stakeholder_email_unique_in_city",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.organisation})" if self.organisation else self.name

    def permission_object(self):
        return self.partner


class WorkplanStage(models.Model):
    """A stage of the network's workplan (Activation, Planning Actions …) with its dates."""

    network = models.ForeignKey(
        Network, verbose_name=_("network"), on_delete=models.CASCADE, related_name="stages"
    )
    name = models.CharField(_("name"), max_length=200)
    phase = models.CharField(_("phase"), max_length=40, choices=Phase.choices, blank=True)
    starts_on = models.DateField(_("starts on"), validators=[plausible_date])
    ends_on = models.DateField(_("ends on"), validators=[plausible_date])
    description = models.TextField(_("what happens"), blank=True)

    class Meta:
        verbose_name = _("workplan stage")
        verbose_name_plural = _("workplan stages")
        ordering = ["network", "starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="stage_dates_in_order"
            ),
        ]

    def __str__(self):
        return self.name


ONE_PER_NETWORK = _("The network has one obligation of this kind only.")


def default_remind_days():
    return [14, 3]


def validate_remind_days(value):
    """Up to six whole numbers of days from 0 to 365, each once."""
    if not isinstance(value, list) or len(value) > 6:
        raise ValidationError(_("Give at most six numbers of days."))
    if any(not isinstance(days, int) or isinstance(days, bool) or not 0 <= days <= 365
           for days in value):  # fmt: skip
        raise ValidationError(_("Each number of days is a whole number from 0 to 365."))
    if len(set(value)) != len(value):
        raise ValidationError(_("Each number of days once, please."))


class Obligation(models.Model):
    """Something each city (or the lead expert) owes the network by a date: submit the
    roadmap, review a submission within N days, hold a ULG meeting this quarter … The
    coordinator sets them; where each city stands is computed from the records
    (`progress.states`). A milestone is owed by nobody: it marks the workplan's timeline."""

    network = models.ForeignKey(
        Network, verbose_name=_("network"), on_delete=models.CASCADE, related_name="obligations"
    )
    kind = models.CharField(
        _("what is owed"),
        max_length=20,
        choices=ObligationKind.choices,
        default=ObligationKind.MILESTONE,
    )
    title = models.CharField(_("title"), max_length=200)
    due_on = models.DateField(
        _("due on"),
        null=True,
        blank=True,
        validators=[plausible_date],
        help_text=_("For reviews, leave empty: each review is due N days after its submission."),
    )
    opens_on = models.DateField(
        _("counts from"),
        null=True,
        blank=True,
        validators=[plausible_date],
        help_text=_("E.g. the first day of the quarter in which a ULG meeting is owed."),
    )
    within_days = models.PositiveSmallIntegerField(
        _("review within (days)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    target = models.PositiveSmallIntegerField(
        _("how many"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("For Small Scale Actions: how many each city plans."),
    )
    meeting_number = models.PositiveSmallIntegerField(
        _("TNM number"),
        null=True,
        blank=True,
        help_text=_("For attendance: the transnational meeting it is about."),
    )
    remind_days = models.JSONField(
        _("remind (days before)"),
        default=default_remind_days,
        blank=True,
        validators=[validate_remind_days],
    )
    grace_days = models.PositiveSmallIntegerField(
        _("tell the coordinator after (days late)"),
        default=7,
        validators=[MaxValueValidator(365)],
    )

    class Meta:
        verbose_name = _("obligation")
        verbose_name_plural = _("obligations")
        ordering = ["network", F("due_on").asc(nulls_first=True), "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["network", "kind"],
                condition=Q(kind__in=ObligationKind.once_per_network()),
                name="one_obligation_per_kind",
                violation_error_message=ONE_PER_NETWORK,
            ),
            models.CheckConstraint(
                condition=Q(kind=ObligationKind.ROADMAP_REVIEW, within_days__isnull=False)
                | (~Q(kind=ObligationKind.ROADMAP_REVIEW) & Q(due_on__isnull=False)),
                name="obligation_has_a_due_date",
                violation_error_message=_("Give a due date (or, for reviews, the number of days)."),
            ),
            models.CheckConstraint(
                condition=~Q(kind=ObligationKind.TNM_ATTENDANCE) | Q(meeting_number__isnull=False),
                name="attendance_names_its_meeting",
                violation_error_message=_("Give the number of the TNM."),
            ),
            models.CheckConstraint(
                condition=Q(opens_on__isnull=True)
                | Q(due_on__isnull=True)
                | Q(due_on__gte=F("opens_on")),
                name="obligation_dates_in_order",
                violation_error_message=_("The due date is before the date it counts from."),
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def owed_by_cities(self):
        return self.kind in ObligationKind.owed_by_each_city()

    @property
    def is_review(self):
        return self.kind == ObligationKind.ROADMAP_REVIEW

    @property
    def is_milestone(self):
        return self.kind == ObligationKind.MILESTONE


class UlgMeeting(models.Model):
    """A local meeting of a city's URBACT Local Group."""

    partner = models.ForeignKey(
        Partner,
        verbose_name=_("partner city"),
        on_delete=models.CASCADE,
        related_name="ulg_meetings",
    )
    held_on = models.DateField(_("date"), validators=[plausible_date])
    topic = models.CharField(_("topic"), max_length=300)
    participants = models.PositiveIntegerField(_("number of participants"), default=0)
    stakeholders_present = models.ManyToManyField(
        Stakeholder, verbose_name=_("stakeholders present"), blank=True, related_name="meetings"
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("ULG meeting")
        verbose_name_plural = _("ULG meetings")
        ordering = ["partner", "-held_on", "-pk"]

    def __str__(self):
        return f"{self.held_on:%Y-%m-%d} {self.topic}"


class CityGroup(models.Model):
    """Cities paired or clustered by the coordinator to exchange good practices."""

    network = models.ForeignKey(
        Network, verbose_name=_("network"), on_delete=models.CASCADE, related_name="city_groups"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=GroupKind.choices)
    topic = models.CharField(_("topic"), max_length=300)
    notes = models.TextField(_("notes"), blank=True)
    cities = models.ManyToManyField(Partner, verbose_name=_("cities"), related_name="groups")

    class Meta:
        verbose_name = _("city pair or cluster")
        verbose_name_plural = _("city pairs and clusters")
        ordering = ["network", "kind", "topic"]

    def __str__(self):
        return self.topic


class Invitation(models.Model):
    """An invitation by e-mail to take a role (and city) in a network.

    The link carries a signed (invitation, nonce) pair; only the nonce is stored. Using,
    revoking or resending the invitation changes or clears the nonce, so an old link
    stops working. The row is also the e-mail's outbox.
    """

    network = models.ForeignKey(
        Network, verbose_name=_("network"), on_delete=models.CASCADE, related_name="invitations"
    )
    partner = models.ForeignKey(
        Partner,
        verbose_name=_("partner city"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="invitations",
    )
    email = models.EmailField(_("email"))
    role = models.CharField(_("role"), max_length=40, choices=Role.choices)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("invited by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="invitations_sent",
    )
    nonce = models.CharField(_("nonce"), max_length=64, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(role__in=Role.city_roles()) | Q(partner__isnull=False),
                name="invitation_city_roles_need_a_partner",
            ),
            models.UniqueConstraint(
                Lower("email"),
                "network",
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="one_open_invitation_per_email_and_network",
            ),
        ]

    def __str__(self):
        return f"{self.email} → {self.get_role_display()}"

    @property
    def status(self) -> InvitationStatus:
        if self.accepted_at:
            return InvitationStatus.ACCEPTED
        if self.revoked_at:
            return InvitationStatus.REVOKED
        if self.expires_at <= timezone.now():
            return InvitationStatus.EXPIRED
        return InvitationStatus.OPEN

    def get_status_display(self):
        return self.status.label

    @property
    def is_settled(self) -> bool:
        """Accepted or revoked: it can be neither resent nor revoked any more."""
        return self.status in (InvitationStatus.ACCEPTED, InvitationStatus.REVOKED)


class InvitationEmail(OutboxItem):
    """One sending of an invitation's e-mail. A resend is a new row with a new link."""

    invitation = models.ForeignKey(
        Invitation, verbose_name=_("invitation"), on_delete=models.CASCADE, related_name="emails"
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta(OutboxItem.Meta):
        verbose_name = _("invitation e-mail")
        verbose_name_plural = _("invitation e-mails")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return str(self.invitation)

    @classmethod
    def claimable(cls, rows, *, now):
        return rows.select_related(
            "invitation__network", "invitation__partner", "invitation__invited_by"
        )

    def status_before_sending(self, *, now):
        if self.invitation.status != InvitationStatus.OPEN:
            return OutboxStatus.CANCELLED
        return None

    def build_message(self, *, now):
        from .services import invitation_message

        return invitation_message(self.invitation)


class Notification(models.Model):
    """A message in a person's inbox; its `email` goes out too when one was asked for."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    network = models.ForeignKey(
        Network, verbose_name=_("network"), on_delete=models.CASCADE, null=True, blank=True
    )
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(
                fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_unread"
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_read(self):
        return self.read_at is not None


class NotificationEmail(OutboxItem):
    """The e-mail of a notification that should also reach the person by e-mail."""

    notification = models.OneToOneField(
        Notification,
        verbose_name=_("notification"),
        on_delete=models.CASCADE,
        related_name="email",
    )

    class Meta(OutboxItem.Meta):
        verbose_name = _("notification e-mail")
        verbose_name_plural = _("notification e-mails")
        ordering = ["-due_at", "-pk"]

    def __str__(self):
        return str(self.notification)

    @classmethod
    def claimable(cls, rows, *, now):
        return rows.select_related("notification__recipient")

    def build_message(self, *, now):
        from .services import notification_message

        return notification_message(self.notification)

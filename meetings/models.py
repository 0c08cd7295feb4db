"""Transnational meetings of a network. Calls, agendas and reminders build on these."""

import uuid
from pathlib import Path

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from partners.models import Network, Partner
from portal.markdown import validate_markdown
from portal.outbox import OutboxItem
from portal.validators import plausible_date, plausible_datetime
from portal.versioning import Versioned

from .enums import AgendaKind, CallKind, DocumentKind, MeetingFormat, MeetingStatus, NoticeKind

#: Reminders before each meeting and call, in minutes: 7 days, 1 day and 1 hour.
DEFAULT_REMINDER_OFFSETS = [7 * 24 * 60, 24 * 60, 60]


class EventStatusMixin:
    """What templates and services ask of a meeting's or a call's status."""

    @property
    def is_planned(self) -> bool:
        return self.status == MeetingStatus.PLANNED

    @property
    def is_cancelled(self) -> bool:
        return self.status == MeetingStatus.CANCELLED


class Meeting(EventStatusMixin, Versioned):
    """A numbered transnational meeting (TNM) of a network.

    `version` refuses a stale save of the meeting's form or its minutes; `sequence` is the
    iCalendar revision, raised at each new time or cancellation.
    """

    change_permission = "meetings.change_meeting"

    network = models.ForeignKey(
        Network, verbose_name=_("network"), on_delete=models.CASCADE, related_name="meetings"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=300)
    starts_at = models.DateTimeField(_("starts at"), validators=[plausible_datetime])
    ends_at = models.DateTimeField(_("ends at"), validators=[plausible_datetime])
    format = models.CharField(
        _("format"), max_length=20, choices=MeetingFormat.choices, default=MeetingFormat.ONLINE
    )
    venue = models.CharField(_("venue"), max_length=300, blank=True)
    online_link = models.URLField(
        _("online link"), blank=True, help_text=_("Shown to network members only.")
    )
    host = models.ForeignKey(
        Partner,
        verbose_name=_("host city"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hosted_meetings",
    )
    status = models.CharField(
        _("status"), max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    purpose = models.TextField(_("purpose"), blank=True)
    minutes = models.TextField(
        _("minutes"), blank=True, help_text=_("Markdown."), validators=[validate_markdown]
    )
    sequence = models.PositiveIntegerField(
        _("calendar revision"), default=0, help_text=_("Raised at each change of time.")
    )

    class Meta:
        verbose_name = _("transnational meeting")
        verbose_name_plural = _("transnational meetings")
        ordering = ["network", "number"]
        constraints = [
            models.UniqueConstraint(fields=["network", "number"], name="meeting_number_unique"),
            models.CheckConstraint(
                condition=Q(ends_at__gte=F("starts_at")), name="meeting_ends_after_start"
            ),
        ]

    def __str__(self):
        return f"TNM #{self.number}: {self.title}"

    def get_absolute_url(self):
        return reverse(
            "meetings:meeting_detail",
            kwargs={"network_slug": self.network.slug, "number": self.number},
        )

    @property
    def kind_label(self):
        return _("Transnational meeting")

    @property
    def calendar_uid(self):
        return f"meeting-{self.pk}@cities4csr"


class AgendaItem(Versioned):
    change_permission = "meetings.change_meeting"

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="agenda"
    )
    starts_at = models.DateTimeField(_("time"), validators=[plausible_datetime])
    position = models.PositiveIntegerField(
        _("order"), default=0, help_text=_("Among the items at the same time.")
    )
    title = models.CharField(_("title"), max_length=300)
    kind = models.CharField(_("kind"), max_length=30, choices=AgendaKind.choices)
    speakers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("speakers (members)"), blank=True,
        related_name="agenda_items",
    )  # fmt: skip

    class Meta:
        verbose_name = _("agenda item")
        verbose_name_plural = _("agenda items")
        ordering = ["meeting", "starts_at", "position", "pk"]

    def __str__(self):
        return self.title

    def permission_object(self):
        return self.meeting


class GuestSpeaker(models.Model):
    agenda_item = models.ForeignKey(
        AgendaItem, verbose_name=_("agenda item"), on_delete=models.CASCADE,
        related_name="guest_speakers",
    )  # fmt: skip
    name = models.CharField(_("name"), max_length=200)
    affiliation = models.CharField(_("affiliation"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("guest speaker")
        verbose_name_plural = _("guest speakers")
        ordering = ["agenda_item", "pk"]

    def __str__(self):
        return f"{self.name} ({self.affiliation})" if self.affiliation else self.name


class Attendance(models.Model):
    """A person of a city registered by their city to attend a meeting."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="attendances"
    )
    partner = models.ForeignKey(
        Partner, verbose_name=_("city"), on_delete=models.CASCADE, related_name="attendances"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE,
        related_name="attendances",
    )  # fmt: skip
    registered_at = models.DateTimeField(_("registered at"), auto_now_add=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendances")
        ordering = ["meeting", "partner", "user"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "user"], name="attend_a_meeting_once")
        ]

    def __str__(self):
        return f"{self.user} ({self.partner})"


def document_path(document, filename):
    return f"meetings/library/{document.network_id}/{uuid.uuid4().hex}/{Path(filename).name}"


def thumbnail_path(document, filename):
    return f"meetings/library/{document.network_id}/thumbnails/{uuid.uuid4().hex}.jpg"


class Document(models.Model):
    """A file of the network's library: a meeting's slides, minutes and photos, a city's
    presentation, a shared study. Served to the network's members only, through the
    portal's permission check; a photo also has a small thumbnail for the gallery."""

    network = models.ForeignKey(
        Network, verbose_name=_("network"), on_delete=models.CASCADE, related_name="documents"
    )
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, null=True, blank=True,
        related_name="documents",
    )  # fmt: skip
    partner = models.ForeignKey(
        Partner, verbose_name=_("city"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="documents", help_text=_("The city the file comes from, if any."),
    )  # fmt: skip
    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(
        _("type"), max_length=20, choices=DocumentKind.choices, default=DocumentKind.OTHER
    )
    tag = models.CharField(_("tag"), max_length=50, blank=True)
    file = models.FileField(_("file"), upload_to=document_path, max_length=300)
    thumbnail = models.FileField(
        _("thumbnail"), upload_to=thumbnail_path, max_length=300, blank=True
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.SET_NULL,
        null=True, related_name="+",
    )  # fmt: skip
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["network", "-uploaded_at", "pk"]

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        if self.network_id is None and self.meeting_id is not None:
            self.network_id = self.meeting.network_id  # a meeting's file is its network's
        super().save(*args, **kwargs)

    @property
    def filename(self):
        return Path(self.file.name).name


class CheckupRound(models.Model):
    """A round of check-up calls: one call per city with the LP and the LE."""

    network = models.ForeignKey(
        Network, verbose_name=_("network"), on_delete=models.CASCADE, related_name="checkup_rounds"
    )
    title = models.CharField(_("title"), max_length=200)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("check-up round")
        verbose_name_plural = _("check-up rounds")
        ordering = ["network", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["network", "title"], name="checkup_round_title_unique")
        ]

    def __str__(self):
        return self.title


class CheckupSlot(models.Model):
    """A time the coordinator offers in a check-up round; a city coordinator books it and
    the call is made for it. Each city books one slot of a round, and a slot is booked
    once: the booking is one conditional UPDATE of a free slot (`partner` empty)."""

    checkup_round = models.ForeignKey(
        CheckupRound, verbose_name=_("check-up round"), on_delete=models.CASCADE,
        related_name="slots",
    )  # fmt: skip
    starts_at = models.DateTimeField(_("starts at"), validators=[plausible_datetime])
    ends_at = models.DateTimeField(_("ends at"), validators=[plausible_datetime])
    hosts = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("hosts available"), blank=True,
        related_name="+", help_text=_("The lead partner and lead expert free at that time."),
    )  # fmt: skip
    partner = models.ForeignKey(
        Partner, verbose_name=_("booked by city"), on_delete=models.CASCADE, null=True,
        blank=True, related_name="checkup_slots",
    )  # fmt: skip
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("booked by"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="+",
    )  # fmt: skip
    booked_at = models.DateTimeField(_("booked at"), null=True, blank=True)
    call = models.OneToOneField(
        "Call", verbose_name=_("call"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="slot",
    )  # fmt: skip

    class Meta:
        verbose_name = _("check-up slot")
        verbose_name_plural = _("check-up slots")
        ordering = ["checkup_round", "starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="slot_ends_after_start"
            ),
            models.UniqueConstraint(
                fields=["checkup_round", "partner"],
                condition=Q(partner__isnull=False),
                name="one_slot_per_city_per_round",
            ),
            models.UniqueConstraint(
                fields=["checkup_round", "starts_at"], name="one_slot_per_time_per_round"
            ),
        ]

    def __str__(self):
        return f"{self.checkup_round}: {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def is_free(self):
        return self.partner_id is None


class Call(EventStatusMixin, Versioned):
    """A bilateral call between cities, or a check-up call of one city with the LP and LE.

    `version` refuses a stale save of the notes; `sequence` is the iCalendar revision.
    """

    change_permission = "meetings.change_call"

    network = models.ForeignKey(
        Network, verbose_name=_("network"), on_delete=models.CASCADE, related_name="calls"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=CallKind.choices)
    title = models.CharField(_("title"), max_length=300)
    starts_at = models.DateTimeField(_("starts at"), validators=[plausible_datetime])
    ends_at = models.DateTimeField(_("ends at"), validators=[plausible_datetime])
    online_link = models.URLField(_("online link"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=MeetingStatus.choices, default=MeetingStatus.PLANNED
    )
    meeting = models.ForeignKey(
        Meeting, verbose_name=_("during meeting"), on_delete=models.SET_NULL, null=True,
        blank=True, related_name="calls",
    )  # fmt: skip
    checkup_round = models.ForeignKey(
        CheckupRound, verbose_name=_("check-up round"), on_delete=models.CASCADE, null=True,
        blank=True, related_name="calls",
    )  # fmt: skip
    cities = models.ManyToManyField(Partner, verbose_name=_("cities"), related_name="calls")
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("participants"), blank=True, related_name="calls"
    )
    notes = models.TextField(_("notes"), blank=True)
    sequence = models.PositiveIntegerField(_("calendar revision"), default=0)

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["network", "starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gte=F("starts_at")), name="call_ends_after_start"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse(
            "meetings:call_detail", kwargs={"network_slug": self.network.slug, "pk": self.pk}
        )

    @property
    def kind_label(self):
        return self.get_kind_display()

    @property
    def calendar_uid(self):
        return f"call-{self.pk}@cities4csr"


class Decision(models.Model):
    """What a meeting decided, as its minutes record it."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, related_name="decisions"
    )
    text = models.TextField(_("decision"))
    position = models.PositiveIntegerField(_("order"), default=0)
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["meeting", "position", "pk"]

    def __str__(self):
        return self.text[:60]


class Action(models.Model):
    """Something agreed at a meeting or a check-up call (a follow-up): what, who (a city,
    a person, or both) and by when. Its owner ticks it done; late ones count in the
    network's obligations."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, null=True, blank=True,
        related_name="actions",
    )  # fmt: skip
    call = models.ForeignKey(
        Call, verbose_name=_("call"), on_delete=models.CASCADE, null=True, blank=True,
        related_name="follow_ups",
    )  # fmt: skip
    task = models.CharField(_("what"), max_length=300)
    partner = models.ForeignKey(
        Partner, verbose_name=_("city"), on_delete=models.CASCADE, null=True, blank=True,
        related_name="actions",
    )  # fmt: skip
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.SET_NULL, null=True,
        blank=True, related_name="follow_ups",
    )  # fmt: skip
    due_on = models.DateField(_("by when"), null=True, blank=True, validators=[plausible_date])
    done = models.BooleanField(_("done"), default=False)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    created_at = models.DateTimeField(_("agreed at"), auto_now_add=True, null=True)

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["done", F("due_on").asc(nulls_last=True), "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(meeting__isnull=True, call__isnull=False)
                | Q(meeting__isnull=False, call__isnull=True),
                name="action_of_a_meeting_or_a_call",
            ),
        ]

    def __str__(self):
        return self.task

    @property
    def event(self):
        return self.meeting or self.call


#: Follow-ups of check-up calls are actions (the name the calls' pages still use).
FollowUp = Action


class ReminderPolicy(models.Model):
    """How long before a meeting or call the network's people are reminded."""

    network = models.OneToOneField(
        Network, verbose_name=_("network"), on_delete=models.CASCADE, related_name="reminder_policy"
    )
    offsets_minutes = models.JSONField(_("reminder offsets (minutes)"), default=list)

    class Meta:
        verbose_name = _("reminder policy")
        verbose_name_plural = _("reminder policies")

    def __str__(self):
        return str(self.network)


class Notice(OutboxItem):
    """One e-mail about one meeting or call to one person: a reminder, a new time or a
    cancellation. The row is created when the notice is planned; the unique constraint
    makes a second row for the same (event, person, kind, offset, start) impossible, and
    the outbox sends it once.
    """

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("meeting"), on_delete=models.CASCADE, null=True, blank=True,
        related_name="notices",
    )  # fmt: skip
    call = models.ForeignKey(
        Call, verbose_name=_("call"), on_delete=models.CASCADE, null=True, blank=True,
        related_name="notices",
    )  # fmt: skip
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE,
        related_name="+",
    )  # fmt: skip
    kind = models.CharField(
        _("kind"), max_length=20, choices=NoticeKind.choices, default=NoticeKind.REMINDER
    )
    offset_minutes = models.PositiveIntegerField(_("minutes before the start"), default=0)
    event_starts_at = models.DateTimeField(
        _("planned start"), help_text=_("The start this notice was planned for.")
    )
    event_sequence = models.PositiveIntegerField(
        _("calendar revision"),
        default=0,
        help_text=_(
            "For invitations, new times and cancellations: the event's revision it carries. "
            "Reminders keep 0, so that a change of title plans no reminder twice."
        ),
    )

    class Meta(OutboxItem.Meta):
        verbose_name = _("reminder or notice")
        verbose_name_plural = _("reminders and notices")
        ordering = ["due_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(meeting__isnull=True, call__isnull=False)
                | Q(meeting__isnull=False, call__isnull=True),
                name="notice_about_one_event",
            ),
            models.UniqueConstraint(
                fields=[
                    "meeting",
                    "user",
                    "kind",
                    "offset_minutes",
                    "event_starts_at",
                    "event_sequence",
                ],
                condition=Q(meeting__isnull=False),
                name="notice_once_per_meeting_person_offset",
            ),
            models.UniqueConstraint(
                fields=[
                    "call",
                    "user",
                    "kind",
                    "offset_minutes",
                    "event_starts_at",
                    "event_sequence",
                ],
                condition=Q(call__isnull=False),
                name="notice_once_per_call_person_offset",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.offset_minutes} min → {self.user}"

    @property
    def event(self):
        return self.meeting or self.call

    @property
    def is_cancellation(self) -> bool:
        return self.kind == NoticeKind.CANCELLATION

    @property
    def is_update(self) -> bool:
        return self.kind == NoticeKind.UPDATE

    message_id_prefix = "notice"

    @classmethod
    def claimable(cls, rows, *, now):
        """With the person, the event and whether a nearer reminder is due too. The
        notices of one event share one event object, whose calendar file is then made
        once for all of them."""
        from .services import nearer_reminder_due

        return (
            rows.select_related("user")
            .prefetch_related("meeting__network", "call__network")
            .annotate(nearer_reminder_due=nearer_reminder_due(now=now))
        )

    def status_before_sending(self, *, now):
        from .services import reminder_outcome

        return reminder_outcome(self, now=now)

    def build_message(self, *, now):
        from .services import notice_message

        return notice_message(self, now=now)


class CalendarFeed(models.Model):
    """A person's secret calendar address. Only a hash of the token is kept."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("person"), on_delete=models.CASCADE,
        related_name="calendar_feed",
    )  # fmt: skip
    token_hash = models.CharField(_("hash of the secret address"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("made at"), auto_now=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self):
        return str(self.user)

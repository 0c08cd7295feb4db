"""The audit log of obligation reminders: one row per message that went out."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from partners.models import Network, Obligation, Partner

from .enums import ReminderStage


class ReminderSent(models.Model):
    """One reminder of one obligation about one city, and who received it.

    The unique constraints make each go once: the run that inserts the row sends the
    message in the same transaction; a second run at the same time fails on the row and
    rolls its message back. A new due date (e.g. a new submission to review) is a new row.
    A removed obligation or city leaves its lines, with NULL where it was and its name
    kept; no constraint compares those lines.
    """

    network = models.ForeignKey(
        Network, verbose_name=_("network"), on_delete=models.CASCADE, related_name="+"
    )
    # The log outlives what it is about: a removed obligation or city leaves its lines,
    # with their names as they were.
    obligation = models.ForeignKey(
        Obligation,
        verbose_name=_("obligation"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    obligation_title = models.CharField(_("obligation"), max_length=200, blank=True)
    partner = models.ForeignKey(
        Partner,
        verbose_name=_("city"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty for a report about several cities from before the audit log."),
    )
    city_name = models.CharField(_("city"), max_length=200, blank=True)
    stage = models.CharField(_("message"), max_length=20, choices=ReminderStage.choices)
    days_before = models.SmallIntegerField(_("days before the date"), default=0)
    due_on = models.DateField(_("due on"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True, db_index=True)
    recipients = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("sent to"), blank=True, related_name="+"
    )
    recipient_names = models.TextField(_("sent to (as they were named then)"), blank=True)
    title = models.CharField(_("message title"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        ordering = ["-sent_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["obligation", "partner", "stage", "days_before", "due_on"],
                condition=Q(partner__isnull=False),
                name="obligation_reminder_once_per_city",
            ),
            models.UniqueConstraint(
                fields=["obligation", "stage", "days_before", "due_on"],
                condition=Q(partner__isnull=True, city_name=""),
                name="obligation_report_once",
            ),
        ]

    def __str__(self):
        return f"{self.get_stage_display()} {self.due_on}"

    def save(self, *args, **kwargs):
        """The line names its network, obligation and city as they are when it is written."""
        if self.obligation_id is not None:
            self.network_id = self.network_id or self.obligation.network_id
            self.obligation_title = self.obligation_title or self.obligation.title
        if self.partner_id is not None:
            self.city_name = self.city_name or self.partner.city
        super().save(*args, **kwargs)

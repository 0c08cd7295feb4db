"""Transnational meetings of a network. Calls, agendas and reminders build on these."""

from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from partners.models import Network, Partner

from .enums import MeetingFormat, MeetingStatus


class Meeting(models.Model):
    """A numbered transnational meeting (TNM) of a network."""

    network = models.ForeignKey(
        Network, verbose_name=_("network"), on_delete=models.CASCADE, related_name="meetings"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=300)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
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

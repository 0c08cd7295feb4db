from django.db import models
from django.utils.translation import gettext_lazy as _


class ReminderStage(models.TextChoices):
    """Which message of an obligation went out: before the date, when late, or to the
    coordinator once the grace period is over."""

    BEFORE = "before", _("Reminder before the date")
    LATE = "late", _("Late: told the one who owes it")
    ESCALATED = "escalated", _("Late: told the coordinator")

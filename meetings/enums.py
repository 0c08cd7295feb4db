from django.db import models
from django.utils.translation import gettext_lazy as _


class MeetingFormat(models.TextChoices):
    ONLINE = "online", _("Online")
    ON_SITE = "on_site", _("On site")
    HYBRID = "hybrid", _("Hybrid")


class MeetingStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    HELD = "held", _("Held")
    CANCELLED = "cancelled", _("Cancelled")


class AgendaKind(models.TextChoices):
    KEYNOTE = "keynote", _("Keynote")
    PLENARY = "plenary", _("Plenary")
    INTERACTIVE = "interactive", _("Interactive session")
    NETWORK_EXCHANGE = "network_exchange", _("Network-to-network exchange")
    BILATERAL_CALLS = "bilateral_calls", _("Bilateral calls")
    WORKSHOP = "workshop", _("Workshop")


class CallKind(models.TextChoices):
    BILATERAL = "bilateral", _("Bilateral call")
    CHECKUP = "checkup", _("Check-up call")


class NoticeKind(models.TextChoices):
    REMINDER = "reminder", _("Reminder")
    INVITATION = "invitation", _("Invitation")
    UPDATE = "update", _("New time")
    CANCELLATION = "cancellation", _("Cancellation")


class DocumentKind(models.TextChoices):
    """What a file of the network's library is."""

    PRESENTATION = "presentation", _("Presentation")
    MINUTES = "minutes", _("Minutes or report")
    PHOTO = "photo", _("Photo")
    STUDY = "study", _("Study or good practice")
    TEMPLATE = "template", _("Template or guide")
    OTHER = "other", _("Other")

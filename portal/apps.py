from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    """What every app of the portal shares: Markdown, panels, time zones, the outbox,
    versioned saves, upload and date checks. It imports none of the other apps."""

    name = "portal"
    verbose_name = _("Portal")
    default_auto_field = "django.db.models.BigAutoField"

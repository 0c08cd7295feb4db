from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgressConfig(AppConfig):
    """Where each city stands: the network's obligations computed from the records, the
    reminders that follow from them, and each role's home."""

    name = "progress"
    verbose_name = _("Progress")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from partners.cache_scopes import watch

        watch(self.get_models())

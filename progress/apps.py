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
        from portal.registry import calendar_items, panels

        from .calendar import deadlines_for
        from .glance import timeline_panel

        watch(self.get_models())
        panels.register(timeline_panel, order=5)  # the workplan's timeline, first
        calendar_items.register(deadlines_for)  # the person's deadlines in their feed

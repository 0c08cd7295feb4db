from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = _("Meetings and calls")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from partners.cache_scopes import watch
        from portal.registry import demo_loaders, demo_scale_loaders, panels

        from . import demo, demo_scale
        from .panels import next_events

        panels.register(next_events, order=10)
        demo_loaders.register(demo.load, order=10)
        demo_scale_loaders.register(demo_scale.load, order=10)
        watch(self.get_models())  # every write bumps the pages that show it

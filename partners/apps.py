from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PartnersConfig(AppConfig):
    name = "partners"
    verbose_name = _("Partners and people")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from .cache_scopes import watch

        watch(self.get_models())  # every write bumps the pages that show it

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IapConfig(AppConfig):
    name = "iap"
    verbose_name = _("Integrated Action Plans")
    default_auto_field = "django.db.models.BigAutoField"

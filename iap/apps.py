from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


def create_city_plans(sender, instance, created, raw=False, **kwargs):
    """A new city gets its roadmap and plan at once, so that no page has to create them."""
    if created and not raw:
        from .services import city_plans_create

        city_plans_create(partner=instance)


class IapConfig(AppConfig):
    name = "iap"
    verbose_name = _("Integrated Action Plans")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from partners.cache_scopes import watch
        from portal.registry import demo_loaders, demo_scale_loaders

        from . import demo, demo_scale

        demo_loaders.register(demo.load, order=20)
        demo_scale_loaders.register(demo_scale.load, order=20)
        # partners knows nothing of iap: iap listens for new cities.
        post_save.connect(
            create_city_plans, sender="partners.Partner", dispatch_uid="iap_create_city_plans"
        )
        watch(self.get_models())  # every write bumps the pages that show it

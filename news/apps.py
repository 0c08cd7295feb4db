from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsConfig(AppConfig):
    name = "news"
    verbose_name = _("News")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from partners.cache_scopes import watch
        from portal.registry import demo_loaders, demo_scale_loaders

        from . import demo, demo_scale

        demo_loaders.register(demo.load, order=30)
        demo_scale_loaders.register(demo_scale.load, order=30)
        watch(self.get_models())  # every write bumps the pages that show it

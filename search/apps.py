from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SiteSearchConfig(AppConfig):
    """One search box over everything a person may see, on PostgreSQL's full-text search.
    It reads the other apps' models and selectors; none of them knows it."""

    name = "search"
    verbose_name = _("Search")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from portal.registry import demo_loaders, demo_scale_loaders

        from . import demo, indexing

        indexing.connect()
        demo_loaders.register(demo.load, order=1000)  # after every app's demo data
        demo_scale_loaders.register(demo.load_scale, order=1000)

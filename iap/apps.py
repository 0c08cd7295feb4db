from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


def create_city_plans(sender, instance, created, raw=False, **kwargs):
    """A new city gets its roadmap and plan at once, so that no page has to create them."""
    if created and not raw:
        from .services import city_plans_create

        city_plans_create(partner=instance)


def give_network_its_rubric(sender, instance, created, raw=False, **kwargs):
    """A new network starts with URBACT's usual rubric for the IAPs, which it may change."""
    if created and not raw:
        from .rubric import rubric_for_new_network

        rubric_for_new_network(network=instance)


class IapConfig(AppConfig):
    name = "iap"
    verbose_name = _("Integrated Action Plans")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from partners.cache_scopes import watch
        from portal.registry import demo_loaders, demo_scale_loaders

        from . import demo, demo_peer, demo_rubric, demo_scale

        # Peer review is off while the review histories are played (they had none), on
        # after them, with Ķekava's IAP sent to Rijeka.
        demo_loaders.register(demo_peer.pause, order=15)
        demo_loaders.register(demo.load, order=20)
        demo_loaders.register(demo_rubric.load, order=30)
        demo_loaders.register(demo_peer.load, order=40)
        demo_scale_loaders.register(demo_scale.load, order=20)
        demo_scale_loaders.register(demo_rubric.load_scale, order=25)
        # partners knows nothing of iap: iap listens for new cities.
        post_save.connect(
            create_city_plans, sender="partners.Partner", dispatch_uid="iap_create_city_plans"
        )
        post_save.connect(
            give_network_its_rubric,
            sender="partners.Network",
            dispatch_uid="iap_give_network_its_rubric",
        )
        watch(self.get_models())  # every write bumps the pages that show it

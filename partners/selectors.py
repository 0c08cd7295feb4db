from django.db.models import QuerySet

from .models import Network, Notification, Partner
from .roles import network_ids


def networks_for(*, user) -> QuerySet[Network]:
    """The networks a person belongs to, and no other."""
    return Network.objects.filter(pk__in=network_ids(user)).order_by("acronym")


def network_for(*, user, slug: str) -> Network:
    """One network the person belongs to; 404 for any other, so slugs reveal nothing."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(networks_for(user=user), slug=slug)


def partners_of(*, network: Network) -> QuerySet[Partner]:
    return network.partners.all()


def unread_count(*, user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notifications_for(*, user) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user).select_related("network")

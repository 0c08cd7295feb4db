from django.utils.functional import SimpleLazyObject

from . import selectors


def portal(request):
    """The person's networks and unread count, for the navigation; fetched only if used."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "my_networks": SimpleLazyObject(lambda: selectors.network_list_for(user=user)),
        "unread_notifications": SimpleLazyObject(lambda: selectors.unread_count(user=user)),
    }

"""Who holds which role where, read once per request and cached on the user object.

Every permission predicate of every app goes through here, so a page asks the database
for a person's memberships once, however many checks its template makes. The same query
brings the networks and cities of those memberships (a network page finds its network
there) and the person's count of unread notifications (the menu of every page shows it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .enums import Role

if TYPE_CHECKING:
    from .models import Network, Partner

_CACHE_ATTR = "_c4csr_memberships"
_UNREAD_ATTR = "_c4csr_unread"


@dataclass(frozen=True)
class Held:
    network_id: int
    role: str
    partner_id: int | None
    network: Network | None = field(default=None, compare=False, repr=False)
    partner: Partner | None = field(default=None, compare=False, repr=False)


def memberships_of(user) -> list[Held]:
    if user is None or not user.is_authenticated:
        return []
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = _read_memberships(user)
        setattr(user, _CACHE_ATTR, cached)
    return cached


def _read_memberships(user) -> list[Held]:
    from django.db.models import Count, IntegerField, OuterRef, Subquery

    from .models import Membership, Notification

    unread = (
        Notification.objects.filter(recipient=OuterRef("user"), read_at__isnull=True)
        .order_by()
        .values("recipient")
        .annotate(count=Count("pk"))
        .values("count")
    )
    rows = list(
        Membership.objects.filter(user=user)
        .select_related("network", "partner")
        .annotate(unread=Subquery(unread, output_field=IntegerField()))
        .order_by("network__acronym", "network_id", "partner__city", "partner_id", "role")
    )
    if rows:
        setattr(user, _UNREAD_ATTR, rows[0].unread or 0)
    return [
        Held(
            network_id=m.network_id,
            role=m.role,
            partner_id=m.partner_id,
            network=m.network,
            partner=m.partner,
        )
        for m in rows
    ]


def unread_read_with_memberships(user) -> int | None:
    """The unread count the memberships' query brought, or None (no membership, or the
    memberships were not read in this request)."""
    return getattr(user, _UNREAD_ATTR, None)


def forget_memberships(user) -> None:
    """Drop the cache after roles changed within the same request or test."""
    for attr in (_CACHE_ATTR, _UNREAD_ATTR):
        if user is not None and hasattr(user, attr):
            delattr(user, attr)


def network_id_of(obj) -> int | None:
    """The network an object belongs to: a Network, or anything with a network or partner."""
    from .models import Network

    if obj is None:
        return None
    if isinstance(obj, Network):
        return obj.pk
    if getattr(obj, "network_id", None) is not None:
        return obj.network_id
    partner = partner_of(obj)
    if partner is not None:
        return partner.network_id
    network = getattr(obj, "network", None)
    return getattr(network, "pk", None)


def partner_of(obj):
    from .models import Partner

    if obj is None:
        return None
    if isinstance(obj, Partner):
        return obj
    return getattr(obj, "partner", None)


def partner_id_of(obj) -> int | None:
    from .models import Partner

    if isinstance(obj, Partner):
        return obj.pk
    if getattr(obj, "partner_id", None) is not None:
        return obj.partner_id
    partner = partner_of(obj)
    return getattr(partner, "pk", None)


def roles_in(user, network_id: int | None) -> set[str]:
    if network_id is None:
        return set()
    return {h.role for h in memberships_of(user) if h.network_id == network_id}


def holds(user, network_id: int | None, roles) -> bool:
    """The person holds one of `roles` in the network."""
    return not roles_in(user, network_id).isdisjoint(roles)


def city_ids_in(user, network_id: int | None, roles=None) -> set[int]:
    """The partner cities where the person holds one of `roles` (by default, a city role)."""
    wanted = set(roles or Role.city_roles())
    return {
        h.partner_id
        for h in memberships_of(user)
        if h.network_id == network_id and h.role in wanted and h.partner_id
    }


def network_ids(user) -> set[int]:
    return {h.network_id for h in memberships_of(user)}


def networks_of(user) -> list[Network]:
    """The person's networks, by acronym, as the memberships' query brought them."""
    found = {}
    for held in memberships_of(user):
        found.setdefault(held.network_id, held.network)
    return list(found.values())


def cities_in(user, network_id: int | None, roles=None) -> list[Partner]:
    """The partner cities of `city_ids_in`, by name, as the memberships' query brought them."""
    wanted = set(roles or Role.city_roles())
    found = {
        h.partner_id: h.partner
        for h in memberships_of(user)
        if h.network_id == network_id and h.role in wanted and h.partner_id
    }
    return list(found.values())

"""Who holds which role where, read once per request and cached on the user object.

Every permission predicate of every app goes through here, so a page asks the database
for a person's memberships once, however many checks its template makes.
"""

from __future__ import annotations

from dataclasses import dataclass

from .enums import Role

_CACHE_ATTR = "_c4csr_memberships"


@dataclass(frozen=True)
class Held:
    network_id: int
    role: str
    partner_id: int | None


def memberships_of(user) -> list[Held]:
    if user is None or not user.is_authenticated:
        return []
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        from .models import Membership

        cached = [
            Held(network_id=n, role=r, partner_id=p)
            for n, r, p in Membership.objects.filter(user=user).values_list(
                "network_id", "role", "partner_id"
            )
        ]
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget_memberships(user) -> None:
    """Drop the cache after roles changed within the same request or test."""
    if user is not None and hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


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

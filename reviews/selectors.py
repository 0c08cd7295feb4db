"""Reads for the review engine: who pairs with a city, which threads a person sees."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from partners.models import Partner
from partners.roles import city_ids_in, memberships_of

from .enums import Side, ThreadState
from .models import Thread


def peers_of(partner: Partner) -> QuerySet[Partner]:
    """The cities paired or clustered with `partner` (partners.CityGroup)."""
    return (
        Partner.objects.filter(groups__cities=partner, network_id=partner.network_id)
        .exclude(pk=partner.pk)
        .distinct()
    )


#: Where `peer_city_ids_of` keeps what it read, on the user object (one request).
_PEERS_ATTR = "_c4csr_peer_city_ids"


def peer_city_ids_of(user, partner: Partner) -> set[int]:
    """The person's own cities that are paired with `partner` (one query per city and
    request, kept on the user object as partners.roles keeps the memberships, so that a
    page asking it of every thread reads it once; none for a person in no city team)."""
    own = city_ids_in(user, partner.network_id)
    if not own:
        return set()
    held = memberships_of(user)
    read_with, found = getattr(user, _PEERS_ATTR, (None, None))
    if read_with is not held:  # first time, or the memberships were read again since
        found = {}
        setattr(user, _PEERS_ATTR, (held, found))
    if partner.pk not in found:
        found[partner.pk] = set(peers_of(partner).filter(pk__in=own).values_list("pk", flat=True))
    return set(found[partner.pk])


def threads_visible(*, user, document) -> QuerySet[Thread]:
    """The threads of a document that the person reads: everything for the city and the
    reviewers; for a paired city, the paired cities' threads only."""
    threads = (
        Thread.objects.filter(
            document_type__app_label=document._meta.app_label,
            document_type__model=document._meta.model_name,
            document_id=document.pk,
        )
        .select_related("opened_by", "resolved_by", "peer")
        .prefetch_related("messages__author")
    )
    if sees_all_threads(user, document):
        return threads
    if peer_city_ids_of(user, document.partner):
        return threads.filter(side=Side.PEER)
    return threads.none()


def sees_all_threads(user, document) -> bool:
    from partners.enums import Role
    from partners.roles import holds

    return holds(user, document.partner.network_id, Role.sees_every_city()) or (
        document.partner_id in city_ids_in(user, document.partner.network_id)
    )


def open_thread_counts(queryset, *, relation: str = "threads"):
    """`queryset` of documents, annotated with `open_threads`: threads nobody answered
    or resolved yet."""
    return queryset.annotate(
        open_threads=Count(relation, filter=Q(**{f"{relation}__state": ThreadState.OPEN}))
    )

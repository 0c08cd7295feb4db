"""Reads of networks, cities and people; each `*_visible_to` is the one rule of who sees what."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.postgres.aggregates import ArrayAgg
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import F, OuterRef, Prefetch, QuerySet, Subquery
from django.db.models.functions import JSONObject
from django.http import Http404
from django.shortcuts import get_object_or_404

from .enums import ObligationKind, Role
from .models import (
    CityGroup,
    Invitation,
    Membership,
    Network,
    Notification,
    Obligation,
    Partner,
    Stakeholder,
    UlgMeeting,
    User,
    WorkplanStage,
)
from .roles import (
    city_ids_in,
    holds,
    memberships_of,
    network_ids,
    networks_of,
    unread_read_with_memberships,
)


def networks_for(*, user) -> QuerySet[Network]:
    """The networks a person belongs to, and no other."""
    return Network.objects.filter(pk__in=network_ids(user)).order_by("acronym")


def network_list_for(*, user) -> list[Network]:
    """`networks_for`, read with the person's memberships instead of a query of its own."""
    return networks_of(user)


def network_slugs_for(*, user) -> list[str]:
    return [network.slug for network in networks_of(user)]


def network_for(*, user, slug: str) -> Network:
    """One network the person belongs to; 404 for any other, so slugs reveal nothing.

    Found among the networks read with the person's memberships: no query of its own."""
    for network in networks_of(user):
        if network.slug == slug:
            return network
    raise Http404


def network_by_slug(*, slug: str) -> Network:
    """Any network, for the one public page of a network: accepting an invitation."""
    return get_object_or_404(Network, slug=slug)


def account_for_email(*, email: str) -> User | None:
    return User.objects.filter(email__iexact=email).first()


def unread_count(*, user) -> int:
    """Read with the person's memberships when they have any (one query for both)."""
    memberships_of(user)
    known = unread_read_with_memberships(user)
    if known is not None:
        return known
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def notifications_for(*, user) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user).select_related("network")


def notification_for(*, user, pk: int) -> Notification:
    """One of the person's own notifications; 404 for anyone else's."""
    return get_object_or_404(notifications_for(user=user), pk=pk)


def partners_with_team(*, network: Network) -> QuerySet[Partner]:
    """Cities with their team (people and roles) in a fixed number of queries."""
    return network.partners.prefetch_related(
        Prefetch(
            "memberships",
            queryset=Membership.objects.select_related("user").order_by("role", "user__full_name"),
        )
    )


def partner_for(*, network: Network, slug: str) -> Partner:
    return get_object_or_404(partners_with_team(network=network), slug=slug)


def memberships_of_network(*, network: Network) -> QuerySet[Membership]:
    return Membership.objects.filter(network=network).select_related("user", "partner")


# URBACT Local Groups ---------------------------------------------------------------------


def ulg_cities_visible_to(*, user, network: Network) -> QuerySet[Partner]:
    """The cities whose local group a person may see: their own city's; all, for staff.

    Stakeholders are people outside the portal, so another city's group stays with its
    team and the people who run the network (the `partners.view_ulg` rule asks this)."""
    cities = network.partners.all()
    if holds(user, network.pk, Role.staff()):
        return cities
    return cities.filter(pk__in=city_ids_in(user, network.pk))


def stakeholders_visible_to(*, user, network: Network) -> QuerySet[Stakeholder]:
    return Stakeholder.objects.filter(
        partner__in=ulg_cities_visible_to(user=user, network=network)
    ).order_by("-is_active", "name")


def ulg_meetings_visible_to(*, user, network: Network) -> QuerySet[UlgMeeting]:
    return UlgMeeting.objects.filter(
        partner__in=ulg_cities_visible_to(user=user, network=network)
    ).prefetch_related("stakeholders_present")


# City pairs and clusters -----------------------------------------------------------------


def city_groups_of(*, network: Network) -> QuerySet[CityGroup]:
    return CityGroup.objects.filter(network=network).prefetch_related("cities")


def city_groups_named(*, network: Network, partner_ids) -> QuerySet[CityGroup]:
    """The groups these cities are in, each with the names of all its cities in
    `city_names` (lead partner first, then by name), in one query."""
    theirs = CityGroup.objects.filter(network=network, cities__in=list(partner_ids))
    return (
        CityGroup.objects.filter(pk__in=theirs.values("pk"))
        .annotate(
            city_names=ArrayAgg(
                "cities__city", order_by=("-cities__is_lead_partner", "cities__city")
            )
        )
        .order_by("kind", "topic")
    )


# Invitations -----------------------------------------------------------------------------


@dataclass(frozen=True)
class InvitationScope:
    """The roles and cities a person may invite to. `city_ids` None means any city."""

    roles: tuple[str, ...]
    city_ids: frozenset[int] | None

    def allows(self, *, role: str, partner_id: int | None) -> bool:
        return role in self.roles and (self.city_ids is None or partner_id in self.city_ids)

    def filter(self, invitations: QuerySet[Invitation]) -> QuerySet[Invitation]:
        invitations = invitations.filter(role__in=self.roles)
        if self.city_ids is not None:
            invitations = invitations.filter(partner__in=self.city_ids)
        return invitations


def invitation_scope(*, user, network: Network) -> InvitationScope:
    """The network's coordinator invites anyone anywhere; a city coordinator invites team
    members to their own city; nobody else invites. The form, the list and the
    `partners.send_invitation` rule all ask this."""
    if holds(user, network.pk, [Role.COORDINATOR]):
        return InvitationScope(roles=tuple(Role.values), city_ids=None)
    own = city_ids_in(user, network.pk, roles=[Role.CITY_COORDINATOR])
    if own:
        return InvitationScope(roles=(Role.CITY_TEAM_MEMBER,), city_ids=frozenset(own))
    return InvitationScope(roles=(), city_ids=frozenset())


def invitations_visible_to(*, user, network: Network) -> QuerySet[Invitation]:
    invitations = Invitation.objects.filter(network=network).select_related("partner", "invited_by")
    return invitation_scope(user=user, network=network).filter(invitations)


# People of other apps --------------------------------------------------------------------


def city_team(*, partner: Partner) -> QuerySet[User]:
    """The active people of one city's team: its coordinator and members."""
    return User.objects.filter(
        memberships__partner=partner, memberships__role__in=Role.city_roles(), is_active=True
    ).distinct()


def people_with_roles(*, network: Network, roles) -> QuerySet[User]:
    """The active people who hold one of `roles` in the network."""
    return User.objects.filter(
        memberships__network=network, memberships__role__in=list(roles), is_active=True
    ).distinct()


def roadmap_deadline(*, network: Network):
    """The date the network's cities submit their IAP roadmaps by, or None."""
    return (
        Obligation.objects.filter(network=network, kind=ObligationKind.ROADMAP)
        .values_list("due_on", flat=True)
        .first()
    )


def roadmap_deadline_of(network) -> Subquery:
    """`roadmap_deadline` as an expression, to read it with a row of another table:
    `network` is that row's path to its network, e.g. `OuterRef("partner__network")`."""
    deadlines = Obligation.objects.filter(network=network, kind=ObligationKind.ROADMAP)
    return Subquery(deadlines.order_by("due_on", "pk").values("due_on")[:1])


# The workplan ------------------------------------------------------------------------


def workplan_of(network) -> tuple[list[WorkplanStage], list[Obligation]]:
    """The network's workplan stages and its obligations (milestones included), in date
    order, read together in one query and kept on the network object for the rest of the
    request: the network home, which shows both, has no query to spare.

    The network home's view and the timeline panel (`progress.glance`) share it."""
    found = getattr(network, _WORKPLAN_ATTR, None)
    if found is None:
        stages = WorkplanStage.objects.filter(network=OuterRef("pk")).order_by("starts_on", "pk")
        obligations = Obligation.objects.filter(network=OuterRef("pk")).order_by(
            F("due_on").asc(nulls_first=True), "pk"
        )
        stage_rows, obligation_rows = (
            Network.objects.filter(pk=network.pk)
            .annotate(
                stage_rows=ArraySubquery(_as_json(stages)),
                obligation_rows=ArraySubquery(_as_json(obligations)),
            )
            .values_list("stage_rows", "obligation_rows")
            .get()
        )
        found = (
            [_instance(WorkplanStage, row, network) for row in stage_rows],
            [_instance(Obligation, row, network) for row in obligation_rows],
        )
        setattr(network, _WORKPLAN_ATTR, found)
    return found


_WORKPLAN_ATTR = "_c4csr_workplan"


def _as_json(queryset):
    """Each row of `queryset` as one JSON object of its model's columns."""
    fields = queryset.model._meta.concrete_fields
    return queryset.values(row=JSONObject(**{f.attname: F(f.attname) for f in fields}))


def _instance(model, row: dict, network):
    fields = model._meta.concrete_fields
    values = [field.to_python(row[field.attname]) for field in fields]
    instance = model.from_db(model.objects.db, [field.attname for field in fields], values)
    instance.network = network
    return instance

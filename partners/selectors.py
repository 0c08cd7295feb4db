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


def partners_with_team(*, network: Network) -> QuerySet[Partner]:
    """Cities with their team (people and roles) in a fixed number of queries."""
    from django.db.models import Prefetch

    from .models import Membership

    return network.partners.prefetch_related(
        Prefetch(
            "memberships",
            queryset=Membership.objects.select_related("user").order_by("role", "user__full_name"),
        )
    )


def partner_for(*, network: Network, slug: str) -> Partner:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(partners_with_team(network=network), slug=slug)


def memberships_of_network(*, network: Network):
    from .models import Membership

    return Membership.objects.filter(network=network).select_related("user", "partner")


def stakeholders_of(*, partner: Partner):
    return partner.stakeholders.order_by("-is_active", "name")


def ulg_meetings_of(*, partner: Partner):
    return partner.ulg_meetings.prefetch_related("stakeholders_present")


def city_groups_of(*, network: Network, partner_ids=None):
    from .models import CityGroup

    groups = CityGroup.objects.filter(network=network).prefetch_related("cities")
    if partner_ids is not None:
        groups = groups.filter(cities__in=list(partner_ids)).distinct()
    return groups


def invitations_visible_to(*, user, network: Network):
    """All of the network's invitations for its coordinator; a city's own for its coordinator."""
    from .enums import Role
    from .models import Invitation
    from .roles import memberships_of
    from .rules import is_coordinator

    invitations = Invitation.objects.filter(network=network).select_related("partner", "invited_by")
    if is_coordinator(user, network):
        return invitations
    own = [
        h.partner_id
        for h in memberships_of(user)
        if h.network_id == network.pk and h.role == Role.CITY_COORDINATOR
    ]
    return invitations.filter(partner__in=own, role=Role.CITY_TEAM_MEMBER)


def city_team(*, partner: Partner) -> QuerySet:
    """The active people of one city's team: its coordinator and members."""
    from .enums import Role
    from .models import User

    return User.objects.filter(
        memberships__partner=partner, memberships__role__in=Role.city_roles(), is_active=True
    ).distinct()


def people_with_roles(*, network: Network, roles) -> QuerySet:
    """The active people who hold one of `roles` in the network."""
    from .models import User

    return User.objects.filter(
        memberships__network=network, memberships__role__in=list(roles), is_active=True
    ).distinct()


def roadmap_deadline(*, network: Network):
    """The date the network's cities submit their IAP roadmaps by, or None."""
    from .enums import DeadlinePurpose
    from .models import KeyDeadline

    return (
        KeyDeadline.objects.filter(network=network, purpose=DeadlinePurpose.IAP_ROADMAP)
        .values_list("due_on", flat=True)
        .first()
    )

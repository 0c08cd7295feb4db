"""Who may do what with networks, cities and people. Views, templates and services ask these.

Roles are grouped on `Role` (`Role.staff()`, `Role.city_roles()` …); a predicate for a
group is built from the group, so a new role is added to the enum, here and in the
permission tables, nowhere else.
"""

import rules

from . import selectors
from .enums import Role
from .roles import city_ids_in, holds, network_id_of, partner_id_of, roles_in


def has_role(*wanted):
    """A predicate: the person holds one of `wanted` in the network of the object."""

    @rules.predicate(name=f"has_role_{'_or_'.join(wanted)}")
    def predicate(user, obj=None):
        return holds(user, network_id_of(obj), wanted)

    return predicate


is_network_member = rules.predicate(
    lambda user, obj=None: bool(roles_in(user, network_id_of(obj))), name="is_network_member"
)
is_coordinator = has_role(Role.COORDINATOR)
is_lead_expert = has_role(Role.LEAD_EXPERT)
is_programme_officer = has_role(Role.PROGRAMME_OFFICER)
#: City coordinator of some city of the object's network.
is_city_coordinator_in_network = has_role(Role.CITY_COORDINATOR)
#: The people who run the network (`Role.staff()`).
is_network_staff = has_role(*Role.staff())
#: Who sees every city of the network (`Role.sees_every_city()`).
sees_every_city = has_role(*Role.sees_every_city())


@rules.predicate
def is_in_city_team(user, obj=None):
    """The person is a coordinator or member of the team of the object's own city."""
    partner_id = partner_id_of(obj)
    return partner_id is not None and partner_id in city_ids_in(user, network_id_of(obj))


@rules.predicate
def is_city_coordinator_of_city(user, obj=None):
    partner_id = partner_id_of(obj)
    return partner_id is not None and partner_id in city_ids_in(
        user, network_id_of(obj), roles=[Role.CITY_COORDINATOR]
    )


@rules.predicate
def is_self(user, person=None):
    """The object is the person themselves (their profile, their inbox)."""
    return user.is_authenticated and person is not None and user.pk == person.pk


@rules.predicate
def can_see_ulg(user, partner=None):
    """Asks the same selector as the pages, of one city."""
    if partner is None:
        return False
    visible = selectors.ulg_cities_visible_to(user=user, network=partner.network)
    return visible.filter(pk=partner.pk).exists()


@rules.predicate
def may_invite(user, network=None):
    """The person may invite someone to the network (`selectors.invitation_scope`)."""
    return network is not None and bool(
        selectors.invitation_scope(user=user, network=network).roles
    )


@rules.predicate
def may_send_invitation(user, invitation=None):
    """The invitation is within what the person may invite to (`selectors.invitation_scope`)."""
    if invitation is None:
        return False
    scope = selectors.invitation_scope(user=user, network=invitation.network)
    return scope.allows(role=invitation.role, partner_id=invitation.partner_id)


rules.add_perm("partners.change_own_profile", is_self)
rules.add_perm("partners.read_own_notifications", is_self)

rules.add_perm("partners.view_network", is_network_member)
rules.add_perm("partners.view_partner", is_network_member)
rules.add_perm("partners.change_partner", is_coordinator | is_city_coordinator_of_city)
rules.add_perm("partners.manage_memberships", is_coordinator)
rules.add_perm("partners.change_workplan", is_coordinator)
rules.add_perm("partners.manage_city_groups", is_coordinator)

#: A city's URBACT Local Group: its own team, and the people who run the network.
rules.add_perm("partners.view_ulg", can_see_ulg)
rules.add_perm("partners.change_ulg", is_in_city_team)
#: Contact details of a stakeholder who has not consented stay with the city's own team.
rules.add_perm("partners.view_stakeholder_contact", is_in_city_team)

#: On a network: may open the invitation pages; on an invitation: may send, resend, revoke it.
rules.add_perm("partners.invite", may_invite)
rules.add_perm("partners.send_invitation", may_send_invitation)

"""Who may do what with networks, cities and people. Views and templates both ask these."""

import rules

from .enums import Role
from .roles import city_ids_in, network_id_of, partner_id_of, roles_in


def _has_role(*wanted):
    @rules.predicate(name=f"has_role_{'_or_'.join(wanted)}")
    def predicate(user, obj=None):
        return bool(roles_in(user, network_id_of(obj)) & set(wanted))

    return predicate


is_network_member = rules.predicate(
    lambda user, obj=None: bool(roles_in(user, network_id_of(obj))), name="is_network_member"
)
is_coordinator = _has_role(Role.COORDINATOR)
is_lead_partner = _has_role(Role.LEAD_PARTNER)
is_lead_expert = _has_role(Role.LEAD_EXPERT)
is_ad_hoc_expert = _has_role(Role.AD_HOC_EXPERT)
is_city_coordinator = _has_role(Role.CITY_COORDINATOR)
is_city_team_member = _has_role(Role.CITY_TEAM_MEMBER)
is_programme_officer = _has_role(Role.PROGRAMME_OFFICER)

#: The people who run the network: the coordinator, the lead partner and the lead expert.
is_network_staff = is_coordinator | is_lead_partner | is_lead_expert


@rules.predicate
def is_in_city_team(user, obj=None):
    """The person is a coordinator or member of the team of the object's own city."""
    partner_id = partner_id_of(obj)
    return partner_id is not None and partner_id in city_ids_in(user, network_id_of(obj))


@rules.predicate
def is_city_coordinator_of_city(user, obj=None):
    from .roles import memberships_of

    partner_id = partner_id_of(obj)
    return partner_id is not None and any(
        h.partner_id == partner_id and h.role == Role.CITY_COORDINATOR for h in memberships_of(user)
    )


rules.add_perm("partners.view_network", is_network_member)
rules.add_perm("partners.change_network", is_coordinator)
rules.add_perm("partners.view_partner", is_network_member)
rules.add_perm("partners.change_partner", is_coordinator | is_city_coordinator_of_city)
rules.add_perm("partners.manage_memberships", is_coordinator)

#: A city's URBACT Local Group: its own team, and the people who run the network.
can_view_ulg = is_in_city_team | is_network_staff
can_change_ulg = is_in_city_team

rules.add_perm("partners.view_ulg", can_view_ulg)
rules.add_perm("partners.change_ulg", can_change_ulg)
#: Contact details of a stakeholder who has not consented stay with the city's own team.
rules.add_perm("partners.view_stakeholder_contact", is_in_city_team)


@rules.predicate
def is_city_coordinator_in_network(user, obj=None):
    """City coordinator of some city of the object's network (they invite to their own city)."""
    return Role.CITY_COORDINATOR in roles_in(user, network_id_of(obj))


rules.add_perm("partners.invite", is_coordinator | is_city_coordinator_in_network)
rules.add_perm("partners.manage_city_groups", is_coordinator)
rules.add_perm("partners.change_workplan", is_coordinator)

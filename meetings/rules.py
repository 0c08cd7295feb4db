"""Who may do what with meetings and calls. Views and templates both ask these."""

import rules

from partners.enums import Role
from partners.roles import city_ids_in, network_id_of, roles_in
from partners.rules import is_coordinator, is_network_member, is_network_staff, is_programme_officer


@rules.predicate
def has_a_city_in_network(user, obj=None):
    """A city coordinator or team member of some city in the object's network."""
    return bool(city_ids_in(user, network_id_of(obj)))


@rules.predicate
def is_in_a_city_of_the_call(user, call=None):
    if call is None:
        return False
    mine = city_ids_in(user, call.network_id)
    return bool(mine) and call.cities.filter(pk__in=mine).exists()


@rules.predicate
def is_participant(user, call=None):
    return (
        call is not None and user.is_authenticated and call.participants.filter(pk=user.pk).exists()
    )


@rules.predicate
def is_city_coordinator_in_network(user, obj=None):
    return Role.CITY_COORDINATOR in roles_in(user, network_id_of(obj))


rules.add_perm("meetings.view_meeting", is_network_member)
rules.add_perm("meetings.change_meeting", is_coordinator)
rules.add_perm("meetings.register_attendance", has_a_city_in_network)
rules.add_perm("meetings.see_attendance", is_network_staff)
rules.add_perm("meetings.upload_document", is_network_staff)
rules.add_perm(
    "meetings.view_call",
    is_network_staff | is_programme_officer | is_in_a_city_of_the_call | is_participant,
)
rules.add_perm("meetings.change_call", is_network_staff | is_in_a_city_of_the_call)
rules.add_perm("meetings.add_call", is_network_staff | is_city_coordinator_in_network)
rules.add_perm("meetings.open_checkup_round", is_coordinator)

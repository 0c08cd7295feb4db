"""Who may do what with meetings and calls. Views, templates and services all ask these.

Who may *see* a meeting or a call is decided once, by `selectors.meetings_visible_to` and
`selectors.calls_visible_to`; the view permissions below ask those selectors.
"""

import rules

from partners.enums import Role
from partners.roles import city_ids_in, network_id_of, network_ids
from partners.rules import (
    is_city_coordinator_in_network,
    is_coordinator,
    is_network_member,
    is_network_staff,
)

from . import selectors
from .models import Call, Meeting


@rules.predicate
def can_see_meeting(user, obj=None):
    """A meeting `meetings_visible_to` lists; for a network's pages, its members."""
    if isinstance(obj, Meeting):
        visible = selectors.meetings_visible_to(user=user, network=obj.network)
        return visible.filter(pk=obj.pk).exists()
    return is_network_member(user, obj)


@rules.predicate
def can_see_call(user, call=None):
    """A call `calls_visible_to` lists."""
    if not isinstance(call, Call):
        return False
    return selectors.calls_visible_to(user=user, network=call.network).filter(pk=call.pk).exists()


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


def may_plan_call_between(user, network, cities) -> bool:
    """The network's staff plan any call; a city coordinator only a call their own city
    takes part in, so that no city is invited to calls it cannot cancel."""
    if is_network_staff(user, network):
        return True
    mine = city_ids_in(user, network.pk, roles=[Role.CITY_COORDINATOR])
    return any(city.pk in mine for city in cities)


@rules.predicate
def belongs_to_a_network(user, obj=None):
    return bool(network_ids(user))


rules.add_perm("meetings.view_meeting", can_see_meeting)
rules.add_perm("meetings.change_meeting", is_coordinator)
rules.add_perm("meetings.register_attendance", has_a_city_in_network)
rules.add_perm("meetings.see_attendance", is_network_staff)
rules.add_perm("meetings.upload_document", is_network_staff)
rules.add_perm("meetings.view_call", can_see_call)
rules.add_perm("meetings.change_call", is_network_staff | is_in_a_city_of_the_call)
rules.add_perm("meetings.add_call", is_network_staff | is_city_coordinator_in_network)
rules.add_perm("meetings.open_checkup_round", is_coordinator)
rules.add_perm("meetings.keep_calendar_feed", belongs_to_a_network)

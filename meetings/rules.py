"""Who may do what with meetings and calls. Views, templates and services all ask these.

Who may *see* a meeting or a call is decided once, by `selectors.meetings_visible_to` and
`selectors.calls_visible_to`; the view permissions below ask those selectors.
"""

import rules
from django.utils import timezone

from partners.enums import Role
from partners.roles import city_ids_in, holds, network_id_of, network_ids
from partners.rules import (
    is_city_coordinator_in_network,
    is_coordinator,
    is_network_member,
    is_network_staff,
)

from . import selectors
from .enums import CallKind
from .models import Action, Call, Meeting


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
def may_tick_action(user, action=None):
    """An action is ticked done by its person, by anyone of its city's team, and by the
    network's coordinator. One agreed with nobody in particular (older follow-ups) is the
    call's cities'. Asks the database only for those: read lists with their event."""
    if not isinstance(action, Action) or not user.is_authenticated:
        return False
    network_id = action.event.network_id
    if holds(user, network_id, [Role.COORDINATOR]) or action.owner_id == user.pk:
        return True
    mine = city_ids_in(user, network_id)
    if action.partner_id is not None:
        return action.partner_id in mine
    if action.owner_id is None and action.call_id is not None and mine:
        return action.call.cities.filter(pk__in=mine).exists()
    return False


@rules.predicate
def is_checkup_call(user, call=None):
    """A check-up call of a round (one city with the lead partner and the lead expert)."""
    return isinstance(call, Call) and call.kind == CallKind.CHECKUP


@rules.predicate
def belongs_to_a_network(user, obj=None):
    return bool(network_ids(user))


@rules.predicate
def uploaded_it(user, document=None):
    """The person uploaded this file of the library."""
    return (
        document is not None
        and user.is_authenticated
        and getattr(document, "uploaded_by_id", None) == user.pk
    )


def may_upload_for(user, network, partner) -> bool:
    """The network's staff file a document for any of its cities or for none; a city's
    team only for their own city."""
    if partner is not None and partner.network_id != network.pk:
        return False
    if is_network_staff(user, network):
        return True
    return partner is not None and partner.pk in city_ids_in(user, network.pk)


@rules.predicate
def meeting_has_ended(user, meeting=None):
    """A meeting that took place and is over (a cancelled one never ends)."""
    return (
        isinstance(meeting, Meeting)
        and not meeting.is_cancelled
        and meeting.ends_at <= timezone.now()
    )


rules.add_perm("meetings.view_meeting", can_see_meeting)
rules.add_perm("meetings.change_meeting", is_coordinator)
rules.add_perm("meetings.register_attendance", has_a_city_in_network)
rules.add_perm("meetings.see_attendance", is_network_staff)
#: The network's document library: its members read it; staff and city teams add to it
#: (a city's team for their own city, `may_upload_for`); the uploader or the coordinator
#: removes a file.
rules.add_perm("meetings.view_library", is_network_member)
rules.add_perm("meetings.upload_document", is_network_staff | has_a_city_in_network)
rules.add_perm("meetings.remove_document", is_coordinator | (is_network_member & uploaded_it))
#: The meeting pack (PDF): for the network's members, once the meeting has ended (its
#: view fetches the meeting through `meetings_visible_to`; this asks no query, so that the
#: meeting's page may ask it for its link).
rules.add_perm("meetings.download_pack", is_network_member & meeting_has_ended)
rules.add_perm("meetings.view_call", can_see_call)
rules.add_perm("meetings.change_call", is_network_staff | is_in_a_city_of_the_call)
rules.add_perm("meetings.add_call", is_network_staff | is_city_coordinator_in_network)
rules.add_perm("meetings.open_checkup_round", is_coordinator)
#: Only the coordinator cancels a check-up call for everyone; a bilateral call, also those
#: who may change it (the staff and the teams of its cities, who planned it).
rules.add_perm(
    "meetings.cancel_call",
    is_coordinator | (~is_checkup_call & (is_network_staff | is_in_a_city_of_the_call)),
)
#: A check-up call keeps the time of its slot: only the coordinator gives it another time
#: (the city moves its booking on the round's page); a bilateral call, those who change it.
rules.add_perm(
    "meetings.reschedule_call",
    is_coordinator | (~is_checkup_call & (is_network_staff | is_in_a_city_of_the_call)),
)
#: A round of check-up calls: its members see it, each city coordinator books a slot for
#: their city (`booking.slot_book` checks the city), the coordinator assigns the rest.
rules.add_perm("meetings.view_checkup_round", is_network_member)
rules.add_perm("meetings.book_checkup_slot", is_city_coordinator_in_network)
rules.add_perm("meetings.assign_checkup_slot", is_coordinator)
rules.add_perm("meetings.tick_action", may_tick_action)
rules.add_perm("meetings.keep_calendar_feed", belongs_to_a_network)

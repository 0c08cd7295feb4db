"""Permission table for check-up rounds: every address against every role.

The coordinator opens a round; every member of the network sees it; each city coordinator
books (or moves) a slot for their own city; the coordinator assigns one to a city. Members
without the right get 403; anything of another network is 404, and so is a round of
another network asked under this network's address. Visitors go to the login page.
"""

import itertools

import pytest
from django.urls import reverse

from meetings.models import Call, CheckupRound
from tests.conftest import ROLE_FIXTURES
from tests.meetings.booking_world import (  # noqa: F401
    add_slots,
    booked_round_fixture,
    checkup_round_fixture,
    free_slots,
)
from tests.permissions import MEMBERS, check, expected

CITY_COORDINATORS = {"city_coordinator_a", "city_coordinator_b"}

PAGES = [
    ("meetings:checkup_round_create", [], {"coordinator"}),
    ("meetings:checkup_round", ["round"], MEMBERS),
]
ACTIONS = [
    ("meetings:checkup_slot_book", CITY_COORDINATORS),
    ("meetings:checkup_slot_move", CITY_COORDINATORS),
    ("meetings:checkup_slot_assign", {"coordinator"}),
]


@pytest.mark.parametrize(
    "role, name, args, allowed",
    [
        pytest.param(role, name, args, allowed, id=f"{name}-{role}")
        for (name, args, allowed), role in itertools.product(PAGES, ROLE_FIXTURES)
    ],
)
def test_page(request, client_for, net, checkup_round, role, name, args, allowed):
    world = {"round": checkup_round.pk}
    address = reverse(name, args=[net.slug, *[world[a] for a in args]])
    response = client_for(request.getfixturevalue(role)).get(address)
    check(response, expected(role, allowed), role)


@pytest.mark.parametrize(
    "role, name, allowed",
    [
        pytest.param(role, name, allowed, id=f"{name}-{role}")
        for (name, allowed), role in itertools.product(ACTIONS, ROLE_FIXTURES)
    ],
)
def test_action(request, client_for, net, booked_round, city_a, city_b, role, name, allowed):
    """City A has booked a slot; each role tries to book, move or assign another."""
    person = request.getfixturevalue(role)
    own = {"city_coordinator_a": city_a, "city_coordinator_b": city_b}
    city = own.get(role, city_b)
    slot = free_slots(booked_round)[0]
    response = client_for(person).post(
        reverse(name, args=[net.slug, booked_round.pk]), {"slot": slot.pk, "city": city.pk}
    )
    want = expected(role, allowed)
    slot.refresh_from_db()
    if want == 200:
        assert response.status_code == 302, role
        assert response["Location"] == reverse(
            "meetings:checkup_round", args=[net.slug, booked_round.pk]
        )
        moved_or_booked = {
            "meetings:checkup_slot_book": city_b if role == "city_coordinator_b" else None,
            "meetings:checkup_slot_move": city_a if role == "city_coordinator_a" else None,
            "meetings:checkup_slot_assign": city_b,
        }[name]
        assert slot.partner == moved_or_booked, role
    else:
        check(response, want, role)
        assert slot.is_free, role
        assert Call.objects.count() == 1, role


def test_a_round_of_another_network_is_not_found_here(
    client_for, net, other_net, coordinator, city_coordinator_a, city_a
):
    theirs = CheckupRound.objects.create(network=other_net, title="Their round")
    (slot,) = add_slots(theirs, [], 1)
    data = {"slot": slot.pk, "city": city_a.pk}
    ours = client_for(coordinator)
    assert (
        ours.get(reverse("meetings:checkup_round", args=[net.slug, theirs.pk])).status_code == 404
    )
    assign = reverse("meetings:checkup_slot_assign", args=[net.slug, theirs.pk])
    assert ours.post(assign, data).status_code == 404
    book = reverse("meetings:checkup_slot_book", args=[net.slug, theirs.pk])
    assert client_for(city_coordinator_a).post(book, data).status_code == 404
    slot.refresh_from_db()
    assert slot.is_free

"""Who may plan a bilateral call: the network's staff any, a city coordinator only their own.

A call between two other cities sent them invitations and reminders for a call they could
not cancel; the page and the service now both refuse it, and nothing is created.
"""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from meetings import services
from meetings.models import Call
from partners.enums import Role
from partners.models import Partner
from tests.factories import MembershipFactory

DATA = {"title": "Peer call", "starts_at": "2031-03-01T10:00", "ends_at": "2031-03-01T10:30"}


@pytest.fixture
def city_c(net):
    return Partner.objects.create(network=net, city="Ceeville", slug="ceeville", country="IT")


def plan(client, net, cities):
    return client.post(
        reverse("meetings:call_create", args=[net.slug]),
        {**DATA, "cities": [city.pk for city in cities]},
    )


def test_city_coordinator_cannot_plan_a_call_between_two_other_cities(
    client_for, net, city_a, city_b, city_c, city_coordinator_a
):
    response = plan(client_for(city_coordinator_a), net, [city_b, city_c])

    assert response.status_code == 200
    assert "Your own city must take part in a call you plan" in response.content.decode()
    assert not Call.objects.exists()


def test_city_coordinator_plans_a_call_their_city_takes_part_in(
    client_for, net, city_a, city_b, city_coordinator_a
):
    response = plan(client_for(city_coordinator_a), net, [city_a, city_b])

    assert response.status_code == 302
    assert set(Call.objects.get().cities.all()) == {city_a, city_b}


@pytest.mark.parametrize("role", ["coordinator", "lead_partner", "lead_expert"])
def test_network_staff_plan_a_call_between_any_cities(
    request, client_for, net, city_a, city_b, city_c, role
):
    response = plan(client_for(request.getfixturevalue(role)), net, [city_b, city_c])

    assert response.status_code == 302
    assert set(Call.objects.get().cities.all()) == {city_b, city_c}


def test_the_service_refuses_a_call_without_the_planners_city(
    net, city_a, city_b, city_c, city_coordinator_a
):
    with pytest.raises(PermissionDenied):
        services.call_create(
            user=city_coordinator_a,
            network=net,
            data={
                "title": "Peer call",
                "starts_at": "2031-03-01T10:00+00:00",
                "ends_at": "2031-03-01T10:30+00:00",
                "online_link": "",
                "meeting": None,
                "cities": [city_b, city_c],
            },
        )
    assert not Call.objects.exists()


def test_a_city_coordinator_plans_only_for_the_city_they_coordinate(
    client_for, net, city_a, city_b, city_c, city_coordinator_a, city_member_b
):
    """A city coordinator of A who is also on B's team plans for A only, not for B."""
    MembershipFactory(
        user=city_coordinator_a, network=net, role=Role.CITY_TEAM_MEMBER, partner=city_b
    )
    response = plan(client_for(city_coordinator_a), net, [city_b, city_c])

    assert "Your own city must take part in a call you plan" in response.content.decode()
    assert not Call.objects.exists()

"""A network always keeps a coordinator: the last one can be neither demoted nor removed."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from partners import services
from partners.enums import Role
from partners.models import Membership
from tests.factories import MembershipFactory, UserFactory

REFUSED = "A network needs at least one coordinator"


def coordinator_membership(user, net):
    return Membership.objects.get(user=user, network=net, role=Role.COORDINATOR)


def test_the_only_coordinator_cannot_demote_themselves(client_for, net, city_a, coordinator):
    membership = coordinator_membership(coordinator, net)

    response = client_for(coordinator).post(
        reverse("partners:membership_edit", args=[net.slug, membership.pk]),
        {"role": Role.LEAD_PARTNER, "partner": city_a.pk},
    )

    assert response.status_code == 200 and REFUSED in response.content.decode()
    membership.refresh_from_db()
    assert membership.role == Role.COORDINATOR


def test_the_service_refuses_to_remove_the_last_coordinator(net, coordinator):
    membership = coordinator_membership(coordinator, net)

    with pytest.raises(ValidationError, match=REFUSED):
        services.membership_remove(user=coordinator, membership=membership)

    assert Membership.objects.filter(pk=membership.pk).exists()


def test_the_service_refuses_to_demote_the_last_coordinator(net, city_a, coordinator):
    membership = coordinator_membership(coordinator, net)

    with pytest.raises(ValidationError, match=REFUSED):
        services.membership_change_role(
            user=coordinator, membership=membership, role=Role.CITY_COORDINATOR, partner=city_a
        )

    membership.refresh_from_db()
    assert membership.role == Role.COORDINATOR


def test_a_coordinator_steps_down_once_another_coordinator_is_there(
    client_for, net, city_a, coordinator
):
    successor = UserFactory(email="successor@example.org")
    MembershipFactory(user=successor, network=net, role=Role.COORDINATOR, partner=None)
    membership = coordinator_membership(coordinator, net)

    client_for(successor).post(
        reverse("partners:membership_remove", args=[net.slug, membership.pk])
    )

    assert not Membership.objects.filter(pk=membership.pk).exists()
    with pytest.raises(ValidationError, match=REFUSED):
        services.membership_remove(
            user=successor, membership=coordinator_membership(successor, net)
        )


def test_the_last_coordinator_keeps_the_role_while_changing_its_city(
    net, city_a, city_b, coordinator
):
    membership = coordinator_membership(coordinator, net)

    services.membership_change_role(
        user=coordinator, membership=membership, role=Role.COORDINATOR, partner=city_b
    )

    membership.refresh_from_db()
    assert (membership.role, membership.partner) == (Role.COORDINATOR, city_b)


def test_another_networks_coordinator_does_not_count(
    net, city_a, coordinator, other_network_coordinator
):
    with pytest.raises(ValidationError, match=REFUSED):
        services.membership_remove(
            user=coordinator, membership=coordinator_membership(coordinator, net)
        )


def test_the_only_coordinator_removing_themselves_is_told_why_on_the_page(
    client_for, net, coordinator
):
    membership = coordinator_membership(coordinator, net)

    response = client_for(coordinator).post(
        reverse("partners:membership_remove", args=[net.slug, membership.pk]), follow=True
    )

    assert response.status_code == 200 and REFUSED in response.content.decode()
    assert Membership.objects.filter(pk=membership.pk).exists()

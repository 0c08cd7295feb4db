"""Every role's predicates, on its own network, another city and another network."""

import pytest

from partners import rules as r
from partners.roles import forget_memberships

PREDICATES = {
    "member": r.is_network_member,
    "coordinator": r.is_coordinator,
    "lead_expert": r.is_lead_expert,
    "city_coordinator": r.is_city_coordinator_in_network,
    "officer": r.is_programme_officer,
    "staff": r.is_network_staff,
}

#: role fixture -> the predicates that hold for it on its own network (all others must not)
EXPECTED = {
    "coordinator": {"member", "coordinator", "staff"},
    "lead_partner": {"member", "staff"},
    "lead_expert": {"member", "lead_expert", "staff"},
    "ad_hoc_expert": {"member"},
    "city_coordinator_a": {"member", "city_coordinator"},
    "city_member_a": {"member"},
    "officer": {"member", "officer"},
    "outsider": set(),
    "other_network_coordinator": set(),
}


@pytest.mark.parametrize("role", EXPECTED)
@pytest.mark.parametrize("predicate", PREDICATES)
def test_role_predicates_on_the_network(request, net, role, predicate):
    user = request.getfixturevalue(role)
    assert PREDICATES[predicate](user, net) is (predicate in EXPECTED[role])


@pytest.mark.parametrize("role", sorted(set(EXPECTED) - {"other_network_coordinator"}))
def test_no_role_reaches_into_another_network(request, other_net, other_city, role):
    user = request.getfixturevalue(role)
    assert not any(p(user, other_net) for p in PREDICATES.values())
    assert not any(p(user, other_city) for p in PREDICATES.values())
    assert not user.has_perm("partners.view_network", other_net)


@pytest.mark.parametrize(
    "role, city, expected",
    [
        ("city_member_a", "city_a", True),
        ("city_coordinator_a", "city_a", True),
        ("city_member_a", "city_b", False),
        ("city_coordinator_a", "city_b", False),
        ("coordinator", "city_a", False),
        ("lead_expert", "city_a", False),
    ],
)
def test_city_team_predicate_is_about_ones_own_city(request, role, city, expected):
    user = request.getfixturevalue(role)
    assert r.is_in_city_team(user, request.getfixturevalue(city)) is expected


@pytest.mark.parametrize(
    "role, city, expected",
    [
        ("city_coordinator_a", "city_a", True),
        ("city_coordinator_a", "city_b", False),
        ("city_member_a", "city_a", False),
        ("coordinator", "city_b", True),
        ("lead_expert", "city_a", False),
        ("officer", "city_a", False),
        ("other_network_coordinator", "city_a", False),
    ],
)
def test_who_may_edit_a_city_profile(request, role, city, expected):
    user = request.getfixturevalue(role)
    assert user.has_perm("partners.change_partner", request.getfixturevalue(city)) is expected


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_the_staff_predicate_follows_the_staff_roles(request, net, role):
    from partners.enums import Role

    user = request.getfixturevalue(role)
    held = {m.role for m in user.memberships.filter(network=net)}
    assert r.is_network_staff(user, net) is bool(held & set(Role.staff()))


def test_anonymous_holds_no_role(net):
    from django.contrib.auth.models import AnonymousUser

    assert not any(p(AnonymousUser(), net) for p in PREDICATES.values())


def test_one_person_holds_roles_in_several_networks(net, other_net, other_city, lead_expert):
    from partners.enums import Role
    from partners.services import membership_grant

    membership_grant(user=lead_expert, network=other_net, role=Role.PROGRAMME_OFFICER)
    forget_memberships(lead_expert)
    assert r.is_lead_expert(lead_expert, net)
    assert not r.is_lead_expert(lead_expert, other_net)
    assert r.is_programme_officer(lead_expert, other_net)
    assert not r.is_programme_officer(lead_expert, net)


def test_city_roles_need_a_city(net, outsider):
    from django.db import IntegrityError, transaction

    from partners.enums import Role
    from partners.models import Membership

    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=outsider, network=net, role=Role.CITY_TEAM_MEMBER)


def test_a_network_has_at_most_one_lead_partner(net, city_a):
    from django.db import IntegrityError, transaction

    from tests.factories import PartnerFactory

    with pytest.raises(IntegrityError), transaction.atomic():
        PartnerFactory(network=net, is_lead_partner=True)

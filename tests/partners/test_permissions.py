"""Permission table for the partners app: every page against every role.

Each row names the pages of one kind and the roles that may use them; every other
member of the network gets 403, people outside the network 404, visitors the login page.
"""

import pytest
from django.urls import reverse

from partners.models import CityGroup, Invitation, Membership

ROLES = [
    "anonymous", "outsider", "other_network_coordinator", "city_member_a", "city_member_b",
    "city_coordinator_a", "lead_expert", "lead_partner", "officer", "coordinator",
]  # fmt: skip
MEMBERS = {
    "city_member_a", "city_member_b", "city_coordinator_a", "lead_expert", "lead_partner",
    "officer", "coordinator",
}  # fmt: skip
CITY_A_TEAM = {"city_member_a", "city_coordinator_a"}
STAFF = {"coordinator", "lead_partner", "lead_expert"}

#: (url name, the arguments after the network slug, who may open it)
PAGES = [
    ("partners:network_home", [], MEMBERS),
    ("partners:partner_list", [], MEMBERS),
    ("partners:partner_detail", ["alphaville"], MEMBERS),
    ("partners:city_groups", [], MEMBERS),
    ("partners:partner_edit", ["alphaville"], {"city_coordinator_a", "coordinator"}),
    ("partners:ulg", ["alphaville"], CITY_A_TEAM | STAFF),
    ("partners:stakeholder_create", ["alphaville"], CITY_A_TEAM),
    ("partners:stakeholder_edit", ["alphaville", "stakeholder"], CITY_A_TEAM),
    ("partners:ulg_meeting_create", ["alphaville"], CITY_A_TEAM),
    ("partners:ulg_meeting_edit", ["alphaville", "ulg_meeting"], CITY_A_TEAM),
    ("partners:people", [], {"coordinator"}),
    ("partners:membership_edit", ["membership"], {"coordinator"}),
    ("partners:invitations", [], {"coordinator", "city_coordinator_a"}),
    ("partners:invitation_create", [], {"coordinator", "city_coordinator_a"}),
    ("partners:city_group_create", [], {"coordinator"}),
    ("partners:city_group_edit", ["group"], {"coordinator"}),
    ("partners:workplan_edit", [], {"coordinator"}),
]
#: Actions (POST only) and who may do them; they redirect when allowed.
ACTIONS = [
    ("partners:invitation_resend", ["invitation"], {"coordinator", "city_coordinator_a"}),
    ("partners:invitation_revoke", ["invitation"], {"coordinator", "city_coordinator_a"}),
    ("partners:city_group_delete", ["group"], {"coordinator"}),
    ("partners:membership_remove", ["membership"], {"coordinator"}),
]
COVERED_URL_NAMES = {name for name, _, _ in PAGES + ACTIONS} | {"partners:invitation_accept"}


@pytest.fixture
def world(net, city_a, city_b, stakeholders_a, ulg_meeting_a, pair_ab, invitation_a, city_member_b):
    membership_of_b = Membership.objects.get(user=city_member_b)
    return {
        "stakeholder": stakeholders_a[1].pk,
        "ulg_meeting": ulg_meeting_a.pk,
        "group": pair_ab.pk,
        "invitation": invitation_a.pk,
        "membership": membership_of_b.pk,
    }


def url_for(name, args, net, world):
    return reverse(name, args=[net.slug, *[world.get(a, a) for a in args]])


def expected_status(role, allowed):
    if role == "anonymous":
        return "login"
    if role not in MEMBERS:
        return 404
    return 200 if role in allowed else 403


def assert_status(response, expected, role=""):
    if expected == "login":
        assert response.status_code == 302, role
        assert "/accounts/login/" in response["Location"], role
    else:
        assert response.status_code == expected, f"{role}: {response.status_code} != {expected}"


@pytest.mark.parametrize("name, args, allowed", PAGES, ids=[p[0] for p in PAGES])
def test_pages(request, client_for, net, world, name, args, allowed):
    url = url_for(name, args, net, world)
    for role in ROLES:
        response = client_for(request.getfixturevalue(role)).get(url)
        assert_status(response, expected_status(role, allowed), role)
        if response.status_code != 200:
            # A refused page shows nothing of city A's local group.
            assert b"Private Person" not in response.content, role
            assert b"private@alpha.example.org" not in response.content, role


@pytest.mark.parametrize("name, args, allowed", ACTIONS, ids=[a[0] for a in ACTIONS])
def test_actions(request, client_for, net, world, name, args, allowed):
    url = url_for(name, args, net, world)
    # Those who may not act go first: they must change nothing.
    for role in sorted(ROLES, key=lambda r: expected_status(r, allowed) == 200):
        response = client_for(request.getfixturevalue(role)).post(url)
        expected = expected_status(role, allowed)
        if expected == 200:
            assert response.status_code == 302, role
        else:
            assert_status(response, expected, role)
            assert Invitation.objects.filter(revoked_at=None).count() == 1, role
            assert CityGroup.objects.count() == 1, role
            assert Membership.objects.filter(pk=world["membership"]).exists(), role


def test_get_on_an_action_is_not_allowed(client_for, net, world, coordinator):
    response = client_for(coordinator).get(
        url_for("partners:city_group_delete", ["group"], net, world)
    )
    assert response.status_code == 405
    assert CityGroup.objects.exists()


@pytest.mark.parametrize(
    "role, sees_private_contact",
    [("city_member_a", True), ("city_coordinator_a", True), ("lead_expert", False),
     ("lead_partner", False), ("coordinator", False)],
)  # fmt: skip
def test_only_the_city_team_sees_contacts_of_stakeholders_without_consent(
    request, client_for, net, world, role, sees_private_contact
):
    page = client_for(request.getfixturevalue(role)).get(
        reverse("partners:ulg", args=[net.slug, "alphaville"])
    )
    text = page.content.decode()
    assert "Private Person" in text and "open@alpha.example.org" in text
    assert ("private@alpha.example.org" in text) is sees_private_contact


def test_a_city_coordinator_cannot_edit_another_citys_profile_or_ulg(
    client_for, net, city_b, city_coordinator_a
):
    client = client_for(city_coordinator_a)
    assert (
        client.get(reverse("partners:partner_edit", args=[net.slug, "betatown"])).status_code == 403
    )
    response = client.post(
        reverse("partners:stakeholder_create", args=[net.slug, "betatown"]),
        {"name": "Sneaky", "sector": "other"},
    )
    assert response.status_code == 403
    assert not city_b.stakeholders.exists()


def test_objects_of_another_city_are_404_through_ones_own_city(
    client_for, net, city_a, city_b, city_coordinator_b, stakeholders_a, ulg_meeting_a
):
    client = client_for(city_coordinator_b)
    assert (
        client.get(
            reverse("partners:stakeholder_edit", args=[net.slug, "betatown", stakeholders_a[0].pk])
        ).status_code
        == 404
    )
    assert (
        client.get(
            reverse("partners:ulg_meeting_edit", args=[net.slug, "betatown", ulg_meeting_a.pk])
        ).status_code
        == 404
    )


def test_a_city_coordinator_cannot_resend_another_citys_invitation(
    client_for, net, city_b, city_coordinator_b, invitation_a
):
    response = client_for(city_coordinator_b).post(
        reverse("partners:invitation_resend", args=[net.slug, invitation_a.pk])
    )
    assert response.status_code == 404  # not among the invitations city B's coordinator sees
    invitation_a.refresh_from_db()
    assert invitation_a.status == "open"

"""Permission table for the partners app: every page against every role, one case each.

Each row names a page, the roles that may use it and the members who see what it is
about; a member who sees it but may not use it gets 403, one who does not see it (another
city's local group) and people outside the network 404, visitors the login page.
"""

from dataclasses import dataclass

import pytest
from django.urls import reverse

from partners.enums import InvitationStatus
from partners.models import CityGroup, Invitation, InvitationEmail, Membership, Notification
from partners.services import notify
from tests.conftest import ROLE_FIXTURES
from tests.factories import UserFactory

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
#: Who sees city A's local group at all; the other members get 404 there, not 403.
SEES_ULG_A = CITY_A_TEAM | STAFF


@dataclass(frozen=True)
class Page:
    name: str
    args: tuple = ()
    allowed: frozenset = frozenset(MEMBERS)
    #: The members who see what the page is about; the others get 404.
    sees: frozenset = frozenset(MEMBERS)

    def __str__(self):
        return self.name.split(":", 1)[1]


PAGES = [
    Page("partners:network_home"),
    Page("partners:partner_list"),
    Page("partners:partner_detail", ("alphaville",)),
    Page("partners:city_groups"),
    Page("partners:partner_edit", ("alphaville",), {"city_coordinator_a", "coordinator"}),
    Page("partners:ulg", ("alphaville",), SEES_ULG_A, SEES_ULG_A),
    Page("partners:stakeholder_create", ("alphaville",), CITY_A_TEAM, SEES_ULG_A),
    Page("partners:stakeholder_edit", ("alphaville", "stakeholder"), CITY_A_TEAM, SEES_ULG_A),
    Page("partners:ulg_meeting_create", ("alphaville",), CITY_A_TEAM, SEES_ULG_A),
    Page("partners:ulg_meeting_edit", ("alphaville", "ulg_meeting"), CITY_A_TEAM, SEES_ULG_A),
    Page("partners:people", (), {"coordinator"}),
    Page("partners:membership_edit", ("membership",), {"coordinator"}),
    Page("partners:invitations", (), {"coordinator", "city_coordinator_a"}),
    Page("partners:invitation_create", (), {"coordinator", "city_coordinator_a"}),
    Page("partners:city_group_create", (), {"coordinator"}),
    Page("partners:city_group_edit", ("group",), {"coordinator"}),
    Page("partners:workplan_edit", (), {"coordinator"}),
]
#: Actions (POST only) and who may do them; they redirect when allowed.
ACTIONS = [
    Page("partners:invitation_resend", ("invitation",), {"coordinator", "city_coordinator_a"}),
    Page("partners:invitation_revoke", ("invitation",), {"coordinator", "city_coordinator_a"}),
    Page("partners:city_group_delete", ("group",), {"coordinator"}),
    Page("partners:membership_remove", ("membership",), {"coordinator"}),
]
#: The person's own inbox (under /accounts/, no network in the address): every person
#: logged in uses their own; another person's notification is a 404 for everyone.
INBOX_PAGES = ["notifications"]
INBOX_ACTIONS = ["notifications_mark_read", "notification_open"]
COVERED_URL_NAMES = (
    {page.name for page in PAGES + ACTIONS}
    | {"partners:invitation_accept"}
    | {*INBOX_PAGES, *INBOX_ACTIONS}
)


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


def url_for(page, net, world):
    return reverse(page.name, args=[net.slug, *[world.get(a, a) for a in page.args]])


def expected_status(role, page):
    if role == "anonymous":
        return "login"
    if role not in page.sees:
        return 404
    return 200 if role in page.allowed else 403


def assert_status(response, expected):
    if expected == "login":
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == expected


def test_the_tables_name_every_role_and_every_page_of_the_app():
    from tests.test_url_coverage import url_names

    assert {p.name for p in PAGES + ACTIONS} | {"partners:invitation_accept"} == {
        name for name in url_names() if name.startswith("partners:")
    }
    for page in PAGES + ACTIONS:
        assert page.allowed <= page.sees <= MEMBERS, page


@pytest.mark.parametrize("page", PAGES, ids=str)
@pytest.mark.parametrize("role", ROLES)
def test_page(request, client_for, net, world, role, page):
    response = client_for(request.getfixturevalue(role)).get(url_for(page, net, world))
    assert_status(response, expected_status(role, page))
    if response.status_code != 200:
        # A refused page shows nothing of city A's local group.
        assert b"Private Person" not in response.content
        assert b"private@alpha.example.org" not in response.content


@pytest.mark.parametrize("page", ACTIONS, ids=str)
@pytest.mark.parametrize("role", ROLES)
def test_action(request, client_for, net, world, role, page):
    response = client_for(request.getfixturevalue(role)).post(url_for(page, net, world))
    expected = expected_status(role, page)
    if expected == 200:
        assert response.status_code == 302
        return
    assert_status(response, expected)
    # Those who may not act change nothing.
    assert Invitation.objects.filter(revoked_at=None).count() == 1
    assert InvitationEmail.objects.count() == 1
    assert CityGroup.objects.count() == 1
    assert Membership.objects.filter(pk=world["membership"]).exists()


def test_the_inbox_table_names_every_address_of_the_inbox():
    from tests.test_url_coverage import url_names

    assert {*INBOX_PAGES, *INBOX_ACTIONS} == {
        name for name in url_names() if name.startswith("notification")
    }


@pytest.fixture
def notifications_of(net):
    """Each person's own notification about the network, and one of somebody else."""

    def make(user):
        mine = notify(recipients=[user], title="Yours", url=net.get_absolute_url()) if user else []
        [theirs] = notify(
            recipients=[UserFactory(email="someone.else@example.org")],
            title="Theirs",
            url=net.get_absolute_url(),
        )
        return (mine[0] if mine else None), theirs

    return make


@pytest.mark.parametrize("role", ROLE_FIXTURES)
def test_inbox(request, client_for, notifications_of, role):
    user = request.getfixturevalue(role)
    mine, theirs = notifications_of(user)
    client = client_for(user)
    for name in INBOX_PAGES:
        response = client.get(reverse(name))
        assert_status(response, "login" if user is None else 200)
        assert b"Theirs" not in response.content
    response = client.post(reverse("notifications_mark_read"))
    if user is None:
        assert_status(response, "login")
    else:
        assert (response.status_code, response["Location"]) == (302, reverse("notifications"))
        assert Notification.objects.filter(pk=mine.pk, read_at__isnull=False).exists()
    assert Notification.objects.filter(pk=theirs.pk, read_at=None).exists()


@pytest.mark.parametrize("role", ROLE_FIXTURES)
def test_opening_a_notification(request, client_for, net, notifications_of, role):
    user = request.getfixturevalue(role)
    mine, theirs = notifications_of(user)
    client = client_for(user)
    response = client.post(reverse("notification_open", args=[theirs.pk]))
    assert_status(response, "login" if user is None else 404)
    assert Notification.objects.filter(pk=theirs.pk, read_at=None).exists()
    if mine is not None:
        response = client.post(reverse("notification_open", args=[mine.pk]))
        assert (response.status_code, response["Location"]) == (302, net.get_absolute_url())
        assert Notification.objects.filter(pk=mine.pk, read_at__isnull=False).exists()


@pytest.mark.parametrize(
    "name, asks",
    [
        ("partners:city_group_delete", "Remove this group?"),
        ("partners:membership_remove", "Remove this role?"),
        ("partners:invitation_revoke", "Revoke this invitation?"),
    ],
)
def test_a_get_on_a_destroying_action_asks_first_and_destroys_nothing(
    client_for, net, world, coordinator, name, asks
):
    [action] = [page for page in ACTIONS if page.name == name]
    before = (CityGroup.objects.count(), Membership.objects.count(),
              Invitation.objects.filter(revoked_at=None).count())  # fmt: skip
    response = client_for(coordinator).get(url_for(action, net, world))
    page = response.content.decode()
    assert response.status_code == 200 and asks in page and "Who is told" in page
    assert f'action="{url_for(action, net, world)}"' in page  # the button POSTs there
    assert before == (CityGroup.objects.count(), Membership.objects.count(),
                      Invitation.objects.filter(revoked_at=None).count())  # fmt: skip


def test_a_get_on_resending_an_invitation_is_not_allowed(client_for, net, world, coordinator):
    [resend] = [page for page in ACTIONS if page.name == "partners:invitation_resend"]
    assert client_for(coordinator).get(url_for(resend, net, world)).status_code == 405


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


def test_a_city_coordinator_cannot_edit_another_citys_profile_nor_see_its_ulg(
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
    assert response.status_code == 404  # another city's local group is not theirs to see
    assert not city_b.stakeholders.exists()


def test_staff_see_a_citys_local_group_but_cannot_change_it(
    client_for, net, city_a, lead_expert, stakeholders_a
):
    client = client_for(lead_expert)
    assert client.get(reverse("partners:ulg", args=[net.slug, "alphaville"])).status_code == 200
    response = client.post(
        reverse("partners:stakeholder_create", args=[net.slug, "alphaville"]),
        {"name": "Sneaky", "sector": "other"},
    )
    assert response.status_code == 403
    assert city_a.stakeholders.count() == 2


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
    assert invitation_a.status == InvitationStatus.OPEN

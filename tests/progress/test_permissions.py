"""Permission table for the progress pages: every page against every role, one case each.

The matrix and the reminder log show every city: the network staff and the programme
officer see the matrix, the staff the log, the coordinator sets the obligations. A city's
progress page is for its own team and for those who see every city; another city's people
get 404, as does another network's coordinator everywhere.
"""

import pytest
from django.urls import reverse

from tests.permissions import check

ROLES = [
    "anonymous", "outsider", "other_network_coordinator", "city_member_a", "city_coordinator_a",
    "city_member_b", "city_coordinator_b", "lead_expert", "lead_partner", "ad_hoc_expert",
    "officer", "coordinator",
]  # fmt: skip
MEMBERS = set(ROLES) - {"anonymous", "outsider", "other_network_coordinator"}
STAFF = {"coordinator", "lead_partner", "lead_expert"}
SEES_EVERY_CITY = STAFF | {"officer"}
TEAM_A = {"city_member_a", "city_coordinator_a"}

PAGES = [
    ("progress:home", [], MEMBERS),
    ("progress:matrix", [], SEES_EVERY_CITY),
    ("progress:city", ["a"], TEAM_A | SEES_EVERY_CITY),
    ("progress:obligations", [], {"coordinator"}),
    ("progress:obligation_create", [], {"coordinator"}),
    ("progress:obligation_edit", ["obligation"], {"coordinator"}),
    ("progress:obligation_remove", ["obligation"], {"coordinator"}),
    ("progress:reminder_log", [], STAFF),
]
#: Pages about one city: another city's people do not find them (404), not a 403.
CITY_PAGES = {"progress:city"}


@pytest.fixture
def world(city_a, roadmap_obligation):
    return {"a": city_a.slug, "obligation": roadmap_obligation.pk}


def url(name, args, net, world):
    return reverse(name, args=[net.slug, *[world.get(a, a) for a in args]])


def expected(role, allowed, *, city_page=False):
    if role == "anonymous":
        return "login"
    if role not in MEMBERS:
        return 404
    if role in allowed:
        return 200
    return 404 if city_page else 403


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name, args, allowed", PAGES, ids=[p[0] for p in PAGES])
def test_pages(request, client_for, net, world, name, args, allowed, role):
    response = client_for(request.getfixturevalue(role)).get(url(name, args, net, world))
    check(response, expected(role, allowed, city_page=name in CITY_PAGES), role)


def test_another_networks_coordinator_sees_nothing_of_the_matrix(
    client_for, net, world, city_a, other_network_coordinator
):
    client = client_for(other_network_coordinator)
    for name, args in [("progress:matrix", []), ("progress:city", ["a"])]:
        response = client.get(url(name, args, net, world))
        assert response.status_code == 404
        assert city_a.city.encode() not in response.content


def test_every_link_of_the_officers_matrix_and_home_opens_for_the_officer(
    client_for, net, city_a, city_b, officer, roadmap_obligation
):
    """The officer may not open a city's local group: the ULG cell links to the city."""
    import datetime as dt
    import re

    from partners.enums import ObligationKind
    from partners.models import Obligation

    Obligation.objects.create(
        network=net, kind=ObligationKind.ULG_MEETING, title="ULG meeting this quarter",
        opens_on=dt.date(2021, 1, 1), due_on=dt.date(2021, 3, 31),
    )  # fmt: skip
    client = client_for(officer)
    links = set()
    for name in ("progress:matrix", "progress:home"):
        page = client.get(reverse(name, args=[net.slug])).content.decode()
        links |= set(re.findall(rf'href="(/n/{net.slug}/[^"]*)"', page))
    assert any("/cities/alphaville/" in link for link in links)
    assert not any("/ulg/" in link for link in links)
    for link in sorted(links):
        assert client.get(link).status_code == 200, link

"""Permission table of the programme's actions and of the confirmation pages: every new
address (and every confirmation GET of an old one) against every role.

Allowed pages render; members without the right get 403; what a person may not see
(another city's call or roadmap, anything of another network) is 404; visitors go to the
login page. A refused action changes nothing.
"""

import datetime as dt
import itertools

import pytest
from django.urls import reverse

from meetings import services
from meetings.enums import AgendaKind
from meetings.models import AgendaItem
from tests.conftest import ROLE_FIXTURES
from tests.iap.conftest import roadmap_a  # noqa: F401
from tests.permissions import MEMBERS, check

STAFF = {"coordinator", "lead_partner", "lead_expert"}
CITY_A = {"city_member_a", "city_coordinator_a"}
#: Who sees city A's check-up call, and city A's roadmap; the rest of the network gets 404.
SEES_CALL = STAFF | CITY_A | {"officer"}
SEES_ROADMAP_A = STAFF | CITY_A | {"officer"}

#: (name, arguments, query, who may, who sees the thing at all)
PAGES = [
    ("meetings:meeting_cancel", ["number"], "", {"coordinator"}, MEMBERS),
    # Only the coordinator cancels a check-up call for everyone (issue 14).
    ("meetings:call_cancel", ["call"], "", {"coordinator"}, SEES_CALL),
    ("meetings:agenda_item_remove", ["number", "item"], "", {"coordinator"}, MEMBERS),
    ("meetings:calendar_settings", [], "?action=renew", MEMBERS, MEMBERS),
    ("meetings:calendar_settings", [], "?action=revoke", MEMBERS, MEMBERS),
    ("iap:step_delete", ["city", "step"], "", CITY_A, SEES_ROADMAP_A),
]
ACTIONS = [
    ("meetings:agenda_item_move", ["number", "item"], {"direction": "down"}, {"coordinator"}),
    ("meetings:agenda_item_remove", ["number", "item"], {}, {"coordinator"}),
]
COVERED_URL_NAMES = {"meetings:agenda_item_move", "meetings:agenda_item_remove"}


@pytest.fixture
def world(meeting, checkup_call, city_a, roadmap_a, request):  # noqa: F811
    first = AgendaItem.objects.create(
        meeting=meeting, starts_at=meeting.starts_at, title="Welcome", kind=AgendaKind.PLENARY
    )
    AgendaItem.objects.create(
        meeting=meeting,
        starts_at=meeting.starts_at + dt.timedelta(hours=1),
        title="Keynote",
        kind=AgendaKind.KEYNOTE,
    )
    return {
        "number": meeting.number,
        "item": first.pk,
        "call": checkup_call.pk,
        "city": city_a.slug,
        "step": roadmap_a.steps.order_by("position").first().pk,
    }


def expected(role, allowed, sees):
    if role == "anonymous":
        return "login"
    if role not in MEMBERS:
        return 404
    if role in allowed:
        return 200
    return 403 if role in sees else 404


def url(name, args, net, world):
    return reverse(name, args=[net.slug, *[world[a] for a in args]])


@pytest.mark.parametrize(
    "role, name, args, query, allowed, sees",
    [
        pytest.param(role, *row, id=f"{row[0]}{row[2]}-{role}")
        for row, role in itertools.product(PAGES, ROLE_FIXTURES)
    ],
)
def test_confirmation_page(
    request, client_for, net, world, meeting, checkup_call, roadmap_a,  # noqa: F811
    role, name, args, query, allowed, sees,
):  # fmt: skip
    person = request.getfixturevalue(role)
    if name == "meetings:calendar_settings" and role in MEMBERS:
        services.calendar_feed_renew(user=person)  # an address to renew or stop
    response = client_for(person).get(url(name, args, net, world) + query)
    check(response, expected(role, allowed, sees), role)
    if response.status_code == 200:
        assert b"Who is told" in response.content, role
    # Asking changed nothing.
    meeting.refresh_from_db()
    checkup_call.refresh_from_db()
    assert meeting.is_planned and checkup_call.is_planned, role
    assert meeting.agenda.count() == 2 and roadmap_a.steps.count() == 2, role


@pytest.mark.parametrize(
    "role, name, args, data, allowed",
    [
        pytest.param(role, *row, id=f"{row[0]}-{role}")
        for row, role in itertools.product(ACTIONS, ROLE_FIXTURES)
    ],
)
def test_action(request, client_for, net, world, meeting, role, name, args, data, allowed):
    before = [(i.title, i.starts_at) for i in meeting.agenda.all()]
    response = client_for(request.getfixturevalue(role)).post(url(name, args, net, world), data)
    after = [(i.title, i.starts_at) for i in meeting.agenda.all()]
    want = expected(role, allowed, MEMBERS)
    if want == 200:
        assert response.status_code == 302, role
        assert after != before, role
    else:
        check(response, want, role)
        assert after == before, role


def test_an_item_of_another_meeting_is_not_there(client_for, net, world, meeting, coordinator):
    other = meeting.__class__.objects.create(
        network=net,
        number=6,
        title="Another",
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
    )
    client = client_for(coordinator)
    item_of_5 = world["item"]
    remove = reverse("meetings:agenda_item_remove", args=[net.slug, other.number, item_of_5])
    assert client.get(remove).status_code == 404
    response = client.post(
        reverse("meetings:agenda_item_move", args=[net.slug, other.number, item_of_5]),
        {"direction": "down"},
    )
    assert response.status_code == 404

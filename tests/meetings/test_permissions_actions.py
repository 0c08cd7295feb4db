"""Permission table for decisions and actions: every address against every role.

The coordinator records, changes and removes a meeting's decisions and actions. An action
is ticked done by its person, by anyone of its city's team and by the coordinator; the
others who see it get 403, those who do not see its call 404, and another network's
coordinator 404 everywhere. Visitors go to the login page.
"""

import datetime as dt
import itertools

import pytest
from django.urls import reverse

from meetings.models import Action, Decision, Meeting
from tests.conftest import ROLE_FIXTURES
from tests.permissions import MEMBERS, check

CITY_A = {"city_member_a", "city_coordinator_a"}
#: Who sees city A's check-up call (the others of the network do not find it: 404).
SEES_CALL = {"coordinator", "lead_partner", "lead_expert", "officer"} | CITY_A

PAGES = [
    ("meetings:decision_create", ["number"], {"coordinator"}),
    ("meetings:decision_edit", ["number", "decision"], {"coordinator"}),
    ("meetings:decision_remove", ["number", "decision"], {"coordinator"}),
    ("meetings:action_create", ["number"], {"coordinator"}),
    ("meetings:action_edit", ["number", "action"], {"coordinator"}),
    ("meetings:action_remove", ["number", "action"], {"coordinator"}),
]
#: (name, arguments, who may, whether it is about the call, what the POST changes)
ACTIONS = [
    ("meetings:decision_remove", ["number", "decision"], {"coordinator"}, False),
    ("meetings:action_remove", ["number", "action"], {"coordinator"}, False),
    # City A's action of the meeting: its team and the coordinator tick it.
    ("meetings:action_tick", ["action"], {"coordinator"} | CITY_A, False),
    # The lead expert's follow-up of city A's check-up call: theirs and the coordinator's.
    ("meetings:action_tick", ["follow_up"], {"coordinator", "lead_expert"}, True),
    ("meetings:follow_up_toggle", ["call", "follow_up"], {"coordinator", "lead_expert"}, True),
]


@pytest.fixture
def world(meeting, checkup_call, city_a, lead_expert):
    decision = Decision.objects.create(meeting=meeting, text="TNM #7 goes to Sofia")
    action = Action.objects.create(
        meeting=meeting, task="Send the ULG list", partner=city_a, due_on=dt.date(2031, 3, 1)
    )
    follow_up = Action.objects.create(
        call=checkup_call, task="Comment the roadmap", owner=lead_expert
    )
    return {
        "number": meeting.number,
        "decision": decision.pk,
        "action": action.pk,
        "call": checkup_call.pk,
        "follow_up": follow_up.pk,
    }


def url(name, args, net, world):
    return reverse(name, args=[net.slug, *[world[a] for a in args]])


def expected(role, allowed, *, about_the_call=False):
    if role == "anonymous":
        return "login"
    if role not in MEMBERS:
        return 404
    if role in allowed:
        return 200
    if about_the_call and role not in SEES_CALL:
        return 404
    return 403


def cases(table):
    return [
        pytest.param(role, *row, id=f"{row[0]}-{'-'.join(row[1])}-{role}")
        for row, role in itertools.product(table, ROLE_FIXTURES)
    ]


@pytest.mark.parametrize("role, name, args, allowed", cases(PAGES))
def test_page(request, client_for, net, world, role, name, args, allowed):
    response = client_for(request.getfixturevalue(role)).get(url(name, args, net, world))
    check(response, expected(role, allowed), role)


@pytest.mark.parametrize("role, name, args, allowed, about_the_call", cases(ACTIONS))
def test_post(request, client_for, net, world, role, name, args, allowed, about_the_call):
    before = {
        "decisions": Decision.objects.count(),
        "actions": Action.objects.count(),
        "done": set(Action.objects.filter(done=True).values_list("pk", flat=True)),
    }
    response = client_for(request.getfixturevalue(role)).post(
        url(name, args, net, world), {"done": "1"}
    )
    want = expected(role, allowed, about_the_call=about_the_call)
    target = world[args[-1]]
    if want == 200:
        assert response.status_code == 302, role
        if name == "meetings:decision_remove":
            assert not Decision.objects.filter(pk=target).exists(), role
        elif name == "meetings:action_remove":
            assert not Action.objects.filter(pk=target).exists(), role
        else:
            assert Action.objects.get(pk=target).done, role
    else:
        check(response, want, role)
        assert Decision.objects.count() == before["decisions"], role
        assert Action.objects.count() == before["actions"], role
        assert (
            set(Action.objects.filter(done=True).values_list("pk", flat=True)) == (before["done"])
        ), role


@pytest.mark.parametrize("name", ["meetings:action_tick", "meetings:follow_up_toggle"])
def test_ticking_is_a_post(client_for, net, world, coordinator, name):
    args = ["follow_up"] if name == "meetings:action_tick" else ["call", "follow_up"]
    response = client_for(coordinator).get(url(name, args, net, world))
    assert response.status_code == 405
    assert not Action.objects.get(pk=world["follow_up"]).done


def test_an_action_of_another_network_is_not_found_through_this_one(
    client_for, net, world, coordinator, other_net, other_city, other_network_coordinator
):
    """The address names the network: an action of another network is not found through
    this one, not even by a coordinator, who may tick every action of their own."""
    theirs = Meeting.objects.create(
        network=other_net,
        number=1,
        title="Kick-off",
        starts_at=dt.datetime(2031, 1, 5, 9, tzinfo=dt.UTC),
        ends_at=dt.datetime(2031, 1, 5, 12, tzinfo=dt.UTC),
    )
    action = Action.objects.create(meeting=theirs, task="Theirs", partner=other_city)
    through_ours = reverse("meetings:action_tick", args=[net.slug, action.pk])
    assert client_for(coordinator).post(through_ours).status_code == 404
    action.refresh_from_db()
    assert not action.done
    through_theirs = reverse("meetings:action_tick", args=[other_net.slug, action.pk])
    assert client_for(other_network_coordinator).post(through_theirs).status_code == 302
    action.refresh_from_db()
    assert action.done

"""Outcomes into actions: the minutes record decisions and actions (what, who, by when),
the owners tick them done, and each city's people find theirs on their home. A check-up
call's follow-ups are the same kind of action, listed and ticked the same way."""

import datetime as dt
import html
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from meetings import actions as action_services
from meetings.enums import CallKind
from meetings.models import Action, Call, Decision, Meeting
from tests.meetings.conftest import START

TAG = re.compile(r"<[^>]+>")


def today():
    return timezone.localdate()


def days(n):
    return today() + dt.timedelta(days=n)


def text(fragment):
    return " ".join(html.unescape(TAG.sub(" ", fragment)).split())


def section(page, heading_id):
    """The text of the section labelled by the heading `heading_id`."""
    found = re.search(
        r'<section aria-labelledby="' + heading_id + r'"[^>]*>(.*?)</section>', page, re.DOTALL
    )
    assert found, f"no section {heading_id!r}"
    return found[1]


def path(name, net, *args):
    return reverse(f"meetings:{name}", args=[net.slug, *args])


def page_of(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def home_url(net):
    return reverse("progress:home", args=[net.slug])


# The coordinator records decisions and actions ---------------------------------------------


def test_the_coordinator_records_a_decision_and_an_action_that_members_then_read(
    client_for, net, meeting, city_a, city_member_a, coordinator
):
    client = client_for(coordinator)
    response = client.post(
        path("decision_create", net, meeting.number), {"text": "TNM #7 is held in Sofia"}
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#decisions-heading")
    response = client.post(
        path("action_create", net, meeting.number),
        {"task": "Book the venue", "partner": city_a.pk, "owner": "", "due_on": "2031-03-20"},
    )
    assert response.status_code == 302
    action = meeting.actions.get()
    assert (action.partner, action.owner, action.due_on) == (city_a, None, dt.date(2031, 3, 20))

    page = page_of(client_for(city_member_a), meeting.get_absolute_url())
    decisions = text(section(page, "decisions-heading"))
    assert "Decisions" in decisions and "TNM #7 is held in Sofia" in decisions
    shown = text(section(page, "actions-heading"))
    assert "Book the venue" in shown
    assert "owner: Alphaville" in shown and "due 20 Mar 2031" in shown
    assert "Mark done" in shown  # a member of the owning city ticks it
    assert "Record an action" not in page and "Record a decision" not in page
    assert path("action_edit", net, meeting.number, action.pk) not in page


def test_an_action_names_a_city_or_a_person_or_it_is_refused(client_for, net, meeting, coordinator):
    response = client_for(coordinator).post(
        path("action_create", net, meeting.number),
        {"task": "Somebody should do this", "partner": "", "owner": "", "due_on": "2031-03-20"},
    )
    assert response.status_code == 200
    assert "Say who does it: choose a city, a person, or both." in response.content.decode()
    assert not Action.objects.exists()


def test_an_action_needs_a_date_and_words(client_for, net, meeting, city_a, coordinator):
    response = client_for(coordinator).post(
        path("action_create", net, meeting.number), {"task": "", "partner": city_a.pk}
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert page.count("This field is required.") >= 2
    assert not Action.objects.exists()


def test_a_person_can_own_an_action_without_a_city(
    client_for, net, meeting, lead_expert, coordinator
):
    client_for(coordinator).post(
        path("action_create", net, meeting.number),
        {"task": "Comment the roadmaps", "owner": lead_expert.pk, "due_on": "2031-03-01"},
    )
    action = Action.objects.get()
    assert (action.partner, action.owner) == (None, lead_expert)


def test_cities_and_people_of_another_network_are_refused(
    client_for, net, meeting, coordinator, other_city, other_network_coordinator
):
    client = client_for(coordinator)
    for data in ({"partner": other_city.pk}, {"owner": other_network_coordinator.pk}):
        response = client.post(
            path("action_create", net, meeting.number),
            {"task": "Not ours", "due_on": "2031-03-01", **data},
        )
        assert response.status_code == 200
        assert "Select a valid choice." in response.content.decode()
    with pytest.raises(ValidationError):
        action_services.action_save(
            user=coordinator, event=meeting, data={"task": "Not ours", "partner": other_city}
        )
    with pytest.raises(ValidationError):
        action_services.action_save(
            user=coordinator,
            event=meeting,
            data={"task": "Not ours", "owner": other_network_coordinator},
        )
    assert not Action.objects.exists()


def test_only_the_coordinator_records_through_the_services(
    net, meeting, city_a, city_coordinator_a, lead_expert
):
    with pytest.raises(PermissionDenied):
        action_services.action_save(
            user=city_coordinator_a, event=meeting, data={"task": "Ours", "partner": city_a}
        )
    with pytest.raises(PermissionDenied):
        action_services.decision_save(user=lead_expert, meeting=meeting, text="We decide")
    assert not Action.objects.exists() and not Decision.objects.exists()


def test_decisions_keep_the_order_they_were_recorded_in(
    client_for, net, meeting, coordinator, city_member_a
):
    for words in ("First", "Second", "Third"):
        action_services.decision_save(user=coordinator, meeting=meeting, text=words)
    page = page_of(client_for(city_member_a), meeting.get_absolute_url())
    shown = text(section(page, "decisions-heading"))
    assert shown.index("First") < shown.index("Second") < shown.index("Third")


def test_the_coordinator_changes_and_removes_after_a_confirmation(
    client_for, net, meeting, city_a, city_b, coordinator
):
    client = client_for(coordinator)
    decision = Decision.objects.create(meeting=meeting, text="Old words")
    action = Action.objects.create(
        meeting=meeting, task="Book the venue", partner=city_a, due_on=dt.date(2031, 3, 20)
    )
    client.post(path("decision_edit", net, meeting.number, decision.pk), {"text": "New words"})
    client.post(
        path("action_edit", net, meeting.number, action.pk),
        {"task": "Book the venue", "partner": city_b.pk, "due_on": "2031-03-25"},
    )
    decision.refresh_from_db()
    action.refresh_from_db()
    assert decision.text == "New words"
    assert (action.partner, action.due_on) == (city_b, dt.date(2031, 3, 25))

    asked = page_of(client, path("action_remove", net, meeting.number, action.pk))
    assert "Remove the action “Book the venue”?" in asked
    assert "Owner: Betatown" in asked and "By 25 Mar 2031" in asked
    assert "Nobody is e-mailed." in asked
    assert Action.objects.filter(pk=action.pk).exists()  # asking removes nothing
    client.post(path("action_remove", net, meeting.number, action.pk))
    assert not Action.objects.filter(pk=action.pk).exists()

    asked = page_of(client, path("decision_remove", net, meeting.number, decision.pk))
    assert "Remove this decision from the minutes?" in asked and "New words" in asked
    assert Decision.objects.filter(pk=decision.pk).exists()
    client.post(path("decision_remove", net, meeting.number, decision.pk))
    assert not Decision.objects.filter(pk=decision.pk).exists()


def test_an_action_is_found_only_through_its_own_meeting(
    client_for, net, meeting, city_a, coordinator
):
    other = Meeting.objects.create(
        network=net, number=6, title="Another", starts_at=START, ends_at=START
    )
    action = Action.objects.create(meeting=other, task="Elsewhere", partner=city_a)
    client = client_for(coordinator)
    assert client.get(path("action_edit", net, meeting.number, action.pk)).status_code == 404
    assert client.post(path("action_remove", net, meeting.number, action.pk)).status_code == 404
    assert Action.objects.filter(pk=action.pk).exists()


def test_overdue_actions_are_marked_in_words_and_done_ones_are_not(
    client_for, net, meeting, city_a, city_member_a, coordinator
):
    Action.objects.create(meeting=meeting, task="Late one", partner=city_a, due_on=days(-3))
    Action.objects.create(
        meeting=meeting, task="Done one", partner=city_a, due_on=days(-9), done=True,
        done_at=timezone.now(),
    )  # fmt: skip
    Action.objects.create(meeting=meeting, task="Next one", partner=city_a, due_on=days(4))
    shown = text(
        section(page_of(client_for(city_member_a), meeting.get_absolute_url()), "actions-heading")
    )
    assert "Late one Overdue by 3 days" in shown
    assert shown.count("Overdue") == 1
    assert "Done one Done" in shown and "done on" in shown
    assert shown.index("Late one") < shown.index("Next one") < shown.index("Done one")


# Ticking done ---------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["owner", "city_member_a", "coordinator"])
def test_the_owner_the_citys_team_and_the_coordinator_tick_it_done(
    request, client_for, net, meeting, city_a, lead_expert, who
):
    action = Action.objects.create(
        meeting=meeting, task="Send the list", partner=city_a, owner=lead_expert
    )
    person = lead_expert if who == "owner" else request.getfixturevalue(who)
    client = client_for(person)
    response = client.post(path("action_tick", net, action.pk), {"done": "1"})
    assert response.status_code == 302
    assert response["Location"] == meeting.get_absolute_url()
    action.refresh_from_db()
    assert action.done and action.done_at is not None
    client.post(path("action_tick", net, action.pk), {"done": "0"})
    action.refresh_from_db()
    assert not action.done and action.done_at is None


def test_another_city_cannot_tick_it(client_for, net, meeting, city_a, city_member_b, officer):
    action = Action.objects.create(meeting=meeting, task="Send the list", partner=city_a)
    for person in (city_member_b, officer):
        assert client_for(person).post(path("action_tick", net, action.pk)).status_code == 403
    action.refresh_from_db()
    assert not action.done


def test_a_tick_sent_twice_stays_done(client_for, net, meeting, city_a, city_member_a):
    action = Action.objects.create(meeting=meeting, task="Send the list", partner=city_a)
    client = client_for(city_member_a)
    for _ in range(2):
        client.post(path("action_tick", net, action.pk), {"done": "1"})
    action.refresh_from_db()
    assert action.done
    first_done_at = action.done_at
    client.post(path("action_tick", net, action.pk), {"done": "1"})
    action.refresh_from_db()
    assert action.done_at == first_done_at


def test_the_tick_returns_to_the_page_it_came_from_on_this_site_only(
    client_for, net, meeting, city_a, city_member_a, home_url
):
    action = Action.objects.create(meeting=meeting, task="Send the list", partner=city_a)
    client = client_for(city_member_a)
    back = client.post(path("action_tick", net, action.pk), {"done": "1", "next": home_url})
    assert back["Location"] == home_url
    for elsewhere in ("https://evil.example.org/", "//evil.example.org/x", "javascript:alert(1)"):
        back = client.post(path("action_tick", net, action.pk), {"next": elsewhere})
        assert back["Location"] == meeting.get_absolute_url(), elsewhere


def test_the_meeting_page_shows_the_tick_at_once(
    client_for, net, meeting, city_a, city_member_a, city_coordinator_a
):
    """The stored page of the meeting is not served after a tick."""
    action = Action.objects.create(meeting=meeting, task="Send the list", partner=city_a)
    reader = client_for(city_member_a)
    assert "Mark done" in section(page_of(reader, meeting.get_absolute_url()), "actions-heading")
    client_for(city_coordinator_a).post(path("action_tick", net, action.pk), {"done": "1"})
    shown = text(section(page_of(reader, meeting.get_absolute_url()), "actions-heading"))
    assert "Send the list Done" in shown and "Reopen" in shown


# A check-up call's follow-ups -----------------------------------------------------------------


def test_the_follow_up_form_offers_the_calls_city_and_people(
    client_for, net, checkup_call, city_a, city_coordinator_a, lead_expert
):
    client = client_for(lead_expert)
    form = client.get(path("follow_up_create", net, checkup_call.pk)).context["form"]
    assert form.initial["partner"] == city_a.pk
    assert list(form.fields["partner"].queryset) == [city_a]
    assert city_coordinator_a in form.fields["owner"].queryset
    response = client.post(
        path("follow_up_create", net, checkup_call.pk),
        {"task": "Share the plan", "partner": city_a.pk, "due_on": "2031-03-01"},
    )
    assert response.status_code == 302
    assert checkup_call.follow_ups.get().partner == city_a
    refused = client.post(
        path("follow_up_create", net, checkup_call.pk), {"task": "Nobody's", "partner": ""}
    )
    assert "Say who does it" in refused.content.decode()
    assert checkup_call.follow_ups.count() == 1


def test_the_call_lists_its_follow_ups_like_the_meeting_lists_its_actions(
    client_for, net, checkup_call, city_a, city_member_a, lead_expert
):
    Action.objects.create(call=checkup_call, task="Share the plan", partner=city_a, due_on=days(-2))
    Action.objects.create(call=checkup_call, task="Expert note", owner=lead_expert)
    shown = text(
        section(page_of(client_for(city_member_a), checkup_call.get_absolute_url()),
                "follow-ups-heading")
    )  # fmt: skip
    assert "Share the plan Overdue by 2 days" in shown and "owner: Alphaville" in shown
    assert f"Expert note owner: {lead_expert.get_full_name()}" in shown
    assert shown.count("Mark done") == 1  # the lead expert's own is theirs to tick


def test_the_calls_own_toggle_follows_the_same_rule(
    client_for, net, checkup_call, city_a, city_member_a, lead_expert
):
    follow_up = Action.objects.create(call=checkup_call, task="Share the plan", partner=city_a)
    toggle = path("follow_up_toggle", net, checkup_call.pk, follow_up.pk)
    assert client_for(lead_expert).post(toggle).status_code == 403
    response = client_for(city_member_a).post(toggle)
    assert response["Location"] == checkup_call.get_absolute_url()
    follow_up.refresh_from_db()
    assert follow_up.done and follow_up.done_at is not None


# The owner's home ---------------------------------------------------------------------------


def checkup(net, city, day, title):
    starts = timezone.make_aware(dt.datetime.combine(day, dt.time(10)))
    call = Call.objects.create(
        network=net, kind=CallKind.CHECKUP, title=title, starts_at=starts,
        ends_at=starts + dt.timedelta(hours=1),
    )  # fmt: skip
    call.cities.set([city])
    return call


def test_the_home_lists_the_citys_actions_and_ones_own_from_meetings_and_calls(
    client_for, net, meeting, city_a, city_b, city_member_a, city_coordinator_a, lead_expert,
    home_url,
):  # fmt: skip
    call = checkup(net, city_a, days(-10), "Check-up: Alphaville")
    Action.objects.create(meeting=meeting, task="City's meeting action", partner=city_a,
                          due_on=days(10))  # fmt: skip
    Action.objects.create(meeting=meeting, task="My own action", owner=city_member_a,
                          due_on=days(-4))  # fmt: skip
    Action.objects.create(call=call, task="Teammate's follow-up", owner=city_coordinator_a,
                          due_on=days(2))  # fmt: skip
    Action.objects.create(meeting=meeting, task="Betatown's action", partner=city_b,
                          due_on=days(1))  # fmt: skip
    Action.objects.create(call=call, task="The expert's note", owner=lead_expert, due_on=days(1))
    Action.objects.create(meeting=meeting, task="Already done", partner=city_a, done=True)

    page = page_of(client_for(city_member_a), home_url)
    shown = text(section(page, "follow-ups-heading"))

    assert "Your actions and follow-ups" in shown
    order = ["My own action", "Teammate's follow-up", "City's meeting action"]
    assert [shown.index(task) for task in order] == sorted(shown.index(task) for task in order)
    assert "My own action Overdue by 4 days" in shown and shown.count("Overdue") == 1
    assert f"From TNM #{meeting.number}: {meeting.title}" in shown
    assert "From Check-up: Alphaville" in shown
    for hidden in ("Betatown's action", "The expert's note", "Already done"):
        assert hidden not in shown, hidden


def test_ticking_on_the_home_returns_to_the_home_without_the_action(
    client_for, net, meeting, city_a, city_member_a, home_url
):
    action = Action.objects.create(
        meeting=meeting, task="City's meeting action", partner=city_a, due_on=days(3)
    )
    client = client_for(city_member_a)
    page = page_of(client, home_url)
    tick = re.search(
        r'<form method="post" action="([^"]+)">.*?name="done" value="(\d)">.*?'
        r'name="next" value="([^"]+)">',
        section(page, "follow-ups-heading"),
        re.DOTALL,
    )
    assert tick, "no tick button on the home"
    assert tick[1] == path("action_tick", net, action.pk)
    response = client.post(tick[1], {"done": tick[2], "next": tick[3]}, follow=True)
    assert response.redirect_chain[-1][0] == home_url + "#follow-ups-heading"
    after = response.content.decode()
    assert "“City's meeting action” is done." in text(after)
    assert "City's meeting action" not in text(section(after, "follow-ups-heading"))
    action.refresh_from_db()
    assert action.done


# Query counts -------------------------------------------------------------------------------


def add_outcomes(meeting, cities, owner, start, stop):
    for n in range(start, stop):
        Decision.objects.create(meeting=meeting, text=f"Decision {n}")
        Action.objects.create(
            meeting=meeting, task=f"Action {n}", partner=cities[n % 2],
            owner=owner if n % 3 else None, due_on=days(n - 5),
        )  # fmt: skip


def queries_of(client, url):
    client.get(url)  # what a process reads once in its life is not counted
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


@pytest.mark.parametrize("role", ["coordinator", "city_member_a"])
def test_the_meeting_page_costs_the_same_whatever_its_outcomes(
    request, settings, client_for, net, meeting, city_a, city_b, coordinator, role
):
    settings.PAGE_CACHE_SECONDS = 0  # build the page each time
    client = client_for(request.getfixturevalue(role))
    add_outcomes(meeting, (city_a, city_b), coordinator, 0, 2)
    few, _page = queries_of(client, meeting.get_absolute_url())
    add_outcomes(meeting, (city_a, city_b), coordinator, 2, 20)
    many, page = queries_of(client, meeting.get_absolute_url())
    assert "Action 19" in page and "Decision 19" in page
    assert many == few


def test_the_home_costs_the_same_whatever_the_actions(
    settings, client_for, net, meeting, city_a, city_b, city_member_a, home_url
):
    settings.PAGE_CACHE_SECONDS = 0
    client = client_for(city_member_a)
    add_outcomes(meeting, (city_a, city_b), city_member_a, 0, 2)
    few, _page = queries_of(client, home_url)
    add_outcomes(meeting, (city_a, city_b), city_member_a, 2, 20)
    many, page = queries_of(client, home_url)
    assert "Action 1" in page
    assert many == few

"""The personal calendar feed carries each person's obligation deadlines beside their
meetings and calls: all-day events with stable UIDs, read with `icalendar`."""

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from iap.enums import RoadmapState, SsaStatus
from iap.models import Roadmap, RoadmapTransition
from meetings import services as meeting_services
from partners.enums import ObligationKind
from partners.models import Obligation
from progress import services as progress_services

SOON = timezone.localdate() + dt.timedelta(days=40)
SUBMITTED_ON = timezone.localdate() - dt.timedelta(days=3)


def feed(user) -> dict[str, dict]:
    """The person's feed, each event by UID: its date, summary and description."""
    token = meeting_services.calendar_feed_renew(user=user)
    return read(token)


def read(token) -> dict[str, dict]:
    response = Client().get(reverse("meetings:calendar_feed", args=[token]))
    assert response.status_code == 200
    events = {}
    for event in Calendar.from_ical(response.content).walk("VEVENT"):
        events[str(event["uid"])] = {
            "date": event.decoded("dtstart"),
            "value": event["dtstart"].params.get("VALUE"),
            "end": event.decoded("dtend"),
            "summary": str(event["summary"]),
            "description": str(event.get("description", "")),
            "url": str(event.get("url", "")),
        }
    return events


@pytest.fixture
def obligations(net, city_a, city_b, roadmap_obligation, review_obligation):
    """Roadmaps were due 31 Dec 2020: Alphaville submitted three days ago (done, waiting
    for review), Betatown did not (late). Two Small Scale Actions are due in 40 days."""
    ssas = Obligation.objects.create(
        network=net, kind=ObligationKind.SSAS_PLANNED, title="SSAs planned", due_on=SOON, target=2
    )
    milestone = Obligation.objects.create(
        network=net, kind=ObligationKind.MILESTONE, title="Mid-term reflection", due_on=SOON
    )
    roadmap = city_a.roadmap
    submitted = timezone.make_aware(dt.datetime.combine(SUBMITTED_ON, dt.time(10)))
    Roadmap.objects.filter(pk=roadmap.pk).update(
        state=RoadmapState.SUBMITTED, submitted_at=submitted, state_since=submitted
    )
    made = RoadmapTransition.objects.create(
        roadmap=roadmap, from_state=RoadmapState.DRAFT, to_state=RoadmapState.SUBMITTED
    )
    RoadmapTransition.objects.filter(pk=made.pk).update(at=submitted)
    return {
        "roadmap": roadmap_obligation,
        "review": review_obligation,
        "ssas": ssas,
        "milestone": milestone,
    }


def uid(obligation, partner=None):
    tail = f"-{partner.pk}" if partner is not None else ""
    return f"obligation-{obligation.pk}{tail}@cities4csr"


def test_a_city_member_gets_their_citys_open_deadlines_only(
    obligations, city_a, city_b, city_member_a, city_member_b
):
    mine = feed(city_member_a)
    theirs = feed(city_member_b)

    ssas = mine[uid(obligations["ssas"], city_a)]
    assert ssas["date"] == SOON and ssas["value"] == "DATE"
    assert ssas["end"] == SOON + dt.timedelta(days=1)
    assert ssas["summary"] == "Due: SSAs planned"
    assert "State: On track" in ssas["description"]
    assert "0 of 2 planned" in ssas["description"]
    assert ssas["url"].endswith(reverse("iap:ssa_list", args=["testnet", city_a.slug]))
    # The roadmap Alphaville submitted is done: not in its calendar; nothing of Betatown is.
    assert uid(obligations["roadmap"], city_a) not in mine
    assert not any(f"-{city_b.pk}@" in key for key in mine)
    assert uid(obligations["milestone"]) not in mine

    late = theirs[uid(obligations["roadmap"], city_b)]
    assert late["date"] == dt.date(2020, 12, 31)
    assert "State: Late" in late["description"] and "Not submitted yet" in late["description"]
    assert not any(f"-{city_a.pk}@" in key for key in theirs)


def test_the_lead_expert_gets_each_review_on_its_due_date(obligations, city_a, lead_expert):
    events = feed(lead_expert)

    review = events[uid(obligations["review"], city_a)]
    assert review["date"] == SUBMITTED_ON + dt.timedelta(days=10)
    assert review["summary"] == "Due: Roadmaps reviewed: Alphaville"
    assert "Waiting for review for 3 days" in review["description"]
    # The lead expert owes no city's roadmap or SSAs.
    assert set(events) == {uid(obligations["review"], city_a)}


def test_the_coordinator_gets_every_obligation_and_milestone_of_the_network(
    obligations, city_a, coordinator
):
    events = feed(coordinator)

    roadmap = events[uid(obligations["roadmap"])]
    assert roadmap["date"] == dt.date(2020, 12, 31)
    assert "1 of 2 cities done" in roadmap["description"]
    assert "Late: Betatown" in roadmap["description"]
    assert roadmap["url"].endswith(reverse("progress:matrix", args=["testnet"]))
    assert events[uid(obligations["ssas"])]["date"] == SOON
    assert events[uid(obligations["milestone"])]["summary"] == "Milestone: Mid-term reflection"
    assert uid(obligations["review"], city_a) in events  # the reviews due, too


def test_a_done_obligation_leaves_the_citys_calendar(obligations, city_a, city_member_a):
    assert uid(obligations["ssas"], city_a) in feed(city_member_a)
    for title in ("Pop-up CSR desk", "Employers' breakfast"):
        city_a.small_scale_actions.create(title=title, status=SsaStatus.PLANNED)

    assert uid(obligations["ssas"], city_a) not in feed(city_member_a)


def test_the_stored_feed_follows_a_new_due_date(
    obligations, net, city_a, city_member_a, coordinator
):
    token = meeting_services.calendar_feed_renew(user=city_member_a)
    key = uid(obligations["ssas"], city_a)
    for _ in range(2):  # the first view learns the feed's scopes, the second is stored
        assert read(token)[key]["date"] == SOON
    with CaptureQueriesContext(connection) as queries:
        assert read(token)[key]["date"] == SOON
    assert len(queries) == 0  # served from the page cache

    later = SOON + dt.timedelta(days=30)
    ssas = obligations["ssas"]
    ssas.due_on = later
    progress_services.obligation_save(user=coordinator, network=net, obligation=ssas)

    assert read(token)[key]["date"] == later


def test_someone_who_owes_nothing_gets_no_deadline(obligations, officer):
    assert not any(key.startswith("obligation-") for key in feed(officer))

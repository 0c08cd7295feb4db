"""What a city is late with, said in words on its own pages: a roadmap step not done by
its due date, a Small Scale Action not evaluated by its end date, and the roadmap itself
never submitted by the network's deadline. "Today" is the viewer's, in their time zone."""

import datetime as dt
import re
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format

from iap.enums import SsaStatus, StepStatus
from iap.models import Roadmap, RoadmapStep, SmallScaleAction
from iap.selectors import overdue_days, overdue_days_of
from partners.services import roadmap_deadline_set

TODAY = dt.date(2031, 3, 27)


def today_of(user) -> dt.date:
    return timezone.localdate(timezone=zoneinfo.ZoneInfo(str(user.time_zone)))


def days(n) -> dt.timedelta:
    return dt.timedelta(days=n)


def text_of(fragment: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", fragment).split())


def row_of(page: str, step) -> str:
    """The text of the step's row on the roadmap's page."""
    found = re.search(rf'<tr id="step-{step.pk}">(.*?)</tr>', page, re.DOTALL)
    assert found, step.title
    return text_of(found[1])


# The one rule ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "due_on, expected",
    [
        (None, 0),
        (TODAY + days(1), 0),
        (TODAY, 0),  # due today is not late yet
        (TODAY - days(1), 1),
        (TODAY - days(12), 12),
        (dt.date(1, 1, 1), (TODAY - dt.date(1, 1, 1)).days),
        (dt.date(9999, 12, 31), 0),
    ],
)
def test_overdue_days_counts_whole_days_after_the_due_date(due_on, expected):
    assert overdue_days(due_on, TODAY) == expected


def test_what_is_done_is_never_overdue():
    late = TODAY - days(3)
    assert overdue_days_of(RoadmapStep(due_on=late), today=TODAY) == 3
    assert overdue_days_of(RoadmapStep(due_on=late, status=StepStatus.BLOCKED), today=TODAY) == 3
    assert overdue_days_of(RoadmapStep(due_on=late, status=StepStatus.DONE), today=TODAY) == 0
    assert overdue_days_of(SmallScaleAction(ends_on=late), today=TODAY) == 3
    evaluated = SmallScaleAction(ends_on=late, status=SsaStatus.EVALUATED)
    assert overdue_days_of(evaluated, today=TODAY) == 0
    never_submitted = Roadmap()
    never_submitted.deadline = late
    assert overdue_days_of(never_submitted, today=TODAY) == 3
    submitted = Roadmap(submitted_at=dt.datetime(2031, 3, 1, tzinfo=dt.UTC))
    submitted.deadline = late
    assert overdue_days_of(submitted, today=TODAY) == 0
    assert overdue_days_of(Roadmap(), today=TODAY) == 0  # the network set no deadline


# Roadmap steps -----------------------------------------------------------------------------


def test_the_city_sees_which_steps_are_overdue_and_by_how_much(
    client_for, roadmap_a, city_member_a
):
    today = today_of(city_member_a)
    late = roadmap_a.steps.create(position=3, title="Map companies", due_on=today - days(3))
    yesterday = roadmap_a.steps.create(position=4, title="Call the ULG", due_on=today - days(1))
    due_today = roadmap_a.steps.create(position=5, title="Write it up", due_on=today)
    done = roadmap_a.steps.create(
        position=6, title="Hire an expert", due_on=today - days(30), status=StepStatus.DONE
    )
    page = client_for(city_member_a).get(roadmap_a.get_absolute_url()).content.decode()
    assert "Overdue Due 3 days ago" in row_of(page, late)
    assert "Overdue Due 1 day ago" in row_of(page, yesterday)
    for step in (due_today, done):
        assert "Overdue" not in row_of(page, step), step.title


def test_the_day_that_counts_is_the_viewers_own(
    client_for, roadmap_a, city_member_a, city_coordinator_a
):
    """At any moment it is a day later on Kiritimati (UTC+14) than on Pago Pago (UTC−11):
    a step due on Pago Pago's today is overdue for a viewer on Kiritimati only."""
    city_member_a.time_zone = "Pacific/Kiritimati"
    city_member_a.save()
    city_coordinator_a.time_zone = "Pacific/Pago_Pago"
    city_coordinator_a.save()
    step = roadmap_a.steps.create(
        position=3, title="Map companies", due_on=today_of(city_coordinator_a)
    )
    for viewer, is_late in ((city_member_a, True), (city_coordinator_a, False)):
        page = client_for(viewer).get(roadmap_a.get_absolute_url()).content.decode()
        assert ("Overdue" in row_of(page, step)) is is_late, viewer.time_zone


# The roadmap itself ------------------------------------------------------------------------


def test_a_roadmap_never_submitted_by_the_deadline_is_said_to_be_overdue(
    client_for, net, roadmap_a, coordinator, city_member_a, lead_expert
):
    due = today_of(city_member_a) - days(12)
    roadmap_deadline_set(user=coordinator, network=net, due_on=due)
    sentence = f"The roadmap was due on {date_format(due, 'j F Y')}: 12 days overdue."
    for viewer in (city_member_a, lead_expert):
        page = text_of(client_for(viewer).get(roadmap_a.get_absolute_url()).content.decode())
        assert f"Overdue {sentence}" in page

    Roadmap.objects.filter(pk=roadmap_a.pk).update(submitted_at=timezone.now())
    page = text_of(client_for(city_member_a).get(roadmap_a.get_absolute_url()).content.decode())
    assert "The roadmap was due on" not in page


@pytest.mark.parametrize("late_by, shown", [(0, None), (1, "1 day overdue.")])
def test_the_roadmaps_deadline_day_itself_is_not_overdue(
    client_for, net, roadmap_a, coordinator, city_member_a, late_by, shown
):
    roadmap_deadline_set(
        user=coordinator, network=net, due_on=today_of(city_member_a) - days(late_by)
    )
    page = text_of(client_for(city_member_a).get(roadmap_a.get_absolute_url()).content.decode())
    if shown is None:
        assert "The roadmap was due on" not in page
    else:
        assert shown in page


# Small Scale Actions -----------------------------------------------------------------------


def test_the_ssa_list_marks_actions_ended_and_not_evaluated(client_for, net, city_a, city_member_a):
    today = today_of(city_member_a)
    for title, ends_on, status in [
        ("Tree planting", today - days(3), SsaStatus.RUNNING),
        ("Volunteering day", today - days(40), SsaStatus.EVALUATED),
        ("Repair café", today, SsaStatus.PLANNED),
        ("Job fair", None, SsaStatus.IDEA),
    ]:
        SmallScaleAction.objects.create(
            partner=city_a, title=title, starts_on=ends_on, ends_on=ends_on, status=status
        )
    page = text_of(
        client_for(city_member_a)
        .get(reverse("iap:ssa_list", args=[net.slug, city_a.slug]))
        .content.decode()
    )
    assert "Tree planting · Running Overdue It ended 3 days ago and is not evaluated yet." in page
    assert page.count("Overdue") == 1

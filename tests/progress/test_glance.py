"""Progress at a glance: what each chart says, read from records built here, and the pages
that show each chart with its table (or a sentence while there is nothing to draw)."""

import datetime as dt
import html
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from iap.enums import RoadmapState, StepStatus
from iap.models import Roadmap, RoadmapTransition, RoadmapVersion, SmallScaleAction
from partners.enums import ObligationKind
from partners.models import Obligation, WorkplanStage
from progress import glance

TODAY = dt.date(2021, 3, 15)


def at(day: dt.date, hour: int = 12) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def step(title, status):
    return {"id": 0, "title": title, "status": status, "owner": "", "due_on": ""}


def version(roadmap, number, day, statuses):
    made = RoadmapVersion.objects.create(
        roadmap=roadmap,
        number=number,
        steps=[step(f"Step {n}", status) for n, status in enumerate(statuses, 1)],
    )
    RoadmapVersion.objects.filter(pk=made.pk).update(created_at=at(day))


def transition(roadmap, from_state, to_state, day):
    made = RoadmapTransition.objects.create(
        roadmap=roadmap, from_state=from_state, to_state=to_state
    )
    RoadmapTransition.objects.filter(pk=made.pk).update(at=at(day))
    Roadmap.objects.filter(pk=roadmap.pk).update(state=to_state, state_since=at(day))


def html_text(response) -> str:
    return html.unescape(response.content.decode())


# Steps done over time ----------------------------------------------------------------------


def test_steps_done_at_each_submission_then_today(city_a):
    roadmap = city_a.roadmap
    version(roadmap, 1, dt.date(2020, 12, 15), ["done", "not_started", "in_progress"])
    version(roadmap, 2, dt.date(2021, 2, 10), ["done", "done", "in_progress"])
    for n, status in enumerate(
        [StepStatus.DONE, StepStatus.DONE, StepStatus.DONE, StepStatus.BLOCKED], 1
    ):
        roadmap.steps.create(position=n, title=f"Step {n}", status=status)

    chart = glance.steps_over_time(partner=city_a, today=TODAY)

    assert chart.table.headers == ("Date", "Steps done", "Steps in all")
    assert chart.table.rows == (
        ("15 Dec 2020", "1", "3"),
        ("10 Feb 2021", "2", "3"),
        ("15 Mar 2021", "3", "4"),
    )
    assert "Alphaville" in chart.title and "<svg" in chart.svg


def test_a_roadmap_never_submitted_shows_today_only_and_an_empty_one_nothing(city_a, city_b):
    city_a.roadmap.steps.create(position=1, title="Map the actors", status=StepStatus.DONE)

    assert glance.steps_over_time(partner=city_a, today=TODAY).table.rows == (
        ("15 Mar 2021", "1", "1"),
    )
    assert glance.steps_over_time(partner=city_b, today=TODAY) is None


# Roadmap states over time --------------------------------------------------------------------


@pytest.fixture
def history(city_a, city_b, other_city):
    a, b = city_a.roadmap, city_b.roadmap
    transition(a, RoadmapState.DRAFT, RoadmapState.SUBMITTED, dt.date(2020, 12, 20))
    transition(a, RoadmapState.SUBMITTED, RoadmapState.IN_REVIEW, dt.date(2021, 1, 5))
    transition(a, RoadmapState.IN_REVIEW, RoadmapState.APPROVED, dt.date(2021, 2, 10))
    transition(b, RoadmapState.DRAFT, RoadmapState.SUBMITTED, dt.date(2021, 1, 20))
    # Another network's roadmap counts in its own network only.
    transition(other_city.roadmap, RoadmapState.DRAFT, RoadmapState.SUBMITTED, dt.date(2020, 6, 1))


def test_roadmap_states_at_the_end_of_each_month_then_today(net, history):
    chart = glance.states_over_time(network=net, today=TODAY)

    assert chart.table.headers == ("Date", "Draft", "Submitted", "In review", "Approved", "Total")
    assert chart.table.rows == (
        ("31 Dec 2020", "1", "1", "0", "0", "2"),
        ("31 Jan 2021", "0", "1", "1", "0", "2"),
        ("28 Feb 2021", "0", "1", "0", "1", "2"),
        ("15 Mar 2021", "0", "1", "0", "1", "2"),
    )


def test_a_month_ends_at_midnight_in_the_networks_time_zone(net, city_a, city_b):
    # 23:30 on 31 January in Brussels is still January there, though February in UTC.
    roadmap = city_a.roadmap
    made = RoadmapTransition.objects.create(
        roadmap=roadmap, from_state=RoadmapState.DRAFT, to_state=RoadmapState.SUBMITTED
    )
    late_evening = timezone.make_aware(dt.datetime(2021, 1, 31, 23, 30))
    RoadmapTransition.objects.filter(pk=made.pk).update(at=late_evening)

    rows = glance.roadmap_states_by_month(network=net, today=dt.date(2021, 2, 3))

    assert (dt.date(2021, 1, 31), RoadmapState.SUBMITTED, 1) in rows


def test_no_transition_yet_draws_nothing(net, city_a):
    assert glance.states_over_time(network=net, today=TODAY) is None


# SSA budgets by city ---------------------------------------------------------------------


def test_ssa_budgets_are_summed_per_city_of_the_network(net, city_a, city_b, other_city):
    for city, budget in [
        (city_a, Decimal("1000")),
        (city_a, Decimal("2500.50")),
        (city_a, None),
        (other_city, Decimal("99999")),
    ]:
        SmallScaleAction.objects.create(partner=city, title="Pop-up CSR desk", budget=budget)

    chart = glance.ssa_budgets(network=net)

    assert chart.table.headers == ("City", "Value")
    assert chart.table.rows == (("Alphaville", "3,500.50 EUR"), ("Betatown", "0 EUR"))


def test_no_budget_yet_draws_nothing(net, city_a):
    SmallScaleAction.objects.create(partner=city_a, title="Pop-up CSR desk")
    assert glance.ssa_budgets(network=net) is None


# The workplan's timeline -----------------------------------------------------------------


@pytest.fixture
def workplan(net, city_a, city_b, roadmap_obligation, review_obligation):
    WorkplanStage.objects.create(
        network=net, name="Activation", starts_on=dt.date(2020, 9, 1), ends_on=dt.date(2021, 2, 28)
    )
    WorkplanStage.objects.create(
        network=net, name="Planning actions", starts_on=dt.date(2021, 3, 1),
        ends_on=dt.date(2022, 6, 30),
    )  # fmt: skip
    Obligation.objects.create(
        network=net, kind=ObligationKind.MILESTONE, title="Mid-term reflection",
        due_on=dt.date(2021, 6, 15),
    )  # fmt: skip
    # Alphaville submitted its roadmap; Betatown did not, and the date (31 Dec 2020) passed.
    Roadmap.objects.filter(partner=city_a).update(
        state=RoadmapState.SUBMITTED, submitted_at=at(dt.date(2020, 12, 20))
    )


def test_the_timeline_marks_each_deadline_with_the_networks_standing(net, workplan, coordinator):
    chart = glance.workplan_timeline(network=net, user=coordinator, today=TODAY)

    assert chart.table.rows == (
        ("Activation", "Stage", "1 Sep 2020 to 28 Feb 2021", ""),
        ("IAP roadmaps submitted", "Deadline", "31 Dec 2020", "1 of 2 done, 1 late"),
        ("Planning actions", "Stage", "1 Mar 2021 to 30 Jun 2022", ""),
        ("Today", "", "15 Mar 2021", "during Planning actions"),
        ("Mid-term reflection", "Deadline", "15 Jun 2021", "milestone"),
    )
    assert "Roadmaps reviewed" not in chart.svg  # due N days after each submission: no date


def test_a_citys_people_see_their_own_citys_standing_on_the_timeline(
    net, workplan, city_member_a, city_member_b, ad_hoc_expert
):
    def standing(user):
        rows = glance.workplan_timeline(network=net, user=user, today=TODAY).table.rows
        return next(row[3] for row in rows if row[0] == "IAP roadmaps submitted")

    assert standing(city_member_a) == "Done"
    assert standing(city_member_b) == "Late"
    assert standing(ad_hoc_expert) == ""  # no city of their own, no view of every city


def test_no_stage_and_no_dated_obligation_draws_nothing(net, coordinator, review_obligation):
    assert glance.workplan_timeline(network=net, user=coordinator, today=TODAY) is None


# The pages -------------------------------------------------------------------------------


def test_the_matrix_shows_each_chart_with_its_table(
    client_for, net, coordinator, workplan, history
):
    SmallScaleAction.objects.create(partner=net.partners.first(), title="Desk", budget=900)

    page = html_text(client_for(coordinator).get(reverse("progress:matrix", args=[net.slug])))

    assert page.count('<figure class="chart">') == 3
    assert page.count('role="img"') == 3
    for caption in (
        "TESTNET: the workplan and its deadlines",
        "TESTNET: roadmaps in each state at the end of each month",
        "TESTNET: Small Scale Action budgets by city",
    ):
        assert f"<caption>{caption}</caption>" in page
    assert "Where each city stands" in page  # the matrix is still there


def test_the_matrix_says_so_when_there_is_nothing_to_draw(client_for, net, city_a, coordinator):
    page = html_text(client_for(coordinator).get(reverse("progress:matrix", args=[net.slug])))

    assert "<svg" not in page
    assert "No workplan stages or dated obligations yet." in page
    assert "No roadmap has changed state yet: every roadmap is a draft." in page
    assert "No Small Scale Action has a budget yet." in page


def test_a_citys_page_shows_its_steps_over_time(client_for, net, city_a, city_member_a):
    version(city_a.roadmap, 1, dt.date(2020, 12, 15), ["done", "in_progress"])
    url = reverse("progress:city", args=[net.slug, city_a.slug])

    page = html_text(client_for(city_member_a).get(url))

    assert "<caption>Alphaville: roadmap steps done at each submission and today</caption>" in page
    assert '<th scope="row">15 Dec 2020</th><td>1</td><td>2</td>' in page


def test_a_city_with_no_steps_gets_a_sentence(client_for, net, city_a, city_member_a):
    url = reverse("progress:city", args=[net.slug, city_a.slug])
    page = html_text(client_for(city_member_a).get(url))
    assert "The roadmap has no steps yet." in page and "<svg" not in page


def test_the_network_home_shows_the_timeline_to_every_member(
    client_for, net, workplan, coordinator, city_member_b
):
    home = reverse("partners:network_home", args=[net.slug])

    for person, standing, matrix_link in (
        (coordinator, "1 of 2 done", True),
        (city_member_b, "Late", False),
    ):
        page = html_text(client_for(person).get(home))
        assert "<caption>TESTNET: the workplan and its deadlines</caption>" in page
        assert "The workplan at a glance" in page
        assert f"<td>{standing}" in page
        assert (reverse("progress:matrix", args=[net.slug]) in page) is matrix_link


def test_the_network_home_has_no_timeline_panel_without_a_workplan(client_for, net, coordinator):
    page = html_text(client_for(coordinator).get(reverse("partners:network_home", args=[net.slug])))
    assert "The workplan at a glance" not in page


def test_the_workplan_is_read_in_one_query_as_it_is_stored(
    net, workplan, django_assert_num_queries
):
    with django_assert_num_queries(1):
        stages, obligations = glance.workplan_of(net)
        assert glance.workplan_of(net) == (stages, obligations)  # kept for the request

    assert [(s.pk, s.name, s.starts_on, s.ends_on) for s in stages] == list(
        WorkplanStage.objects.filter(network=net)
        .order_by("starts_on")
        .values_list("pk", "name", "starts_on", "ends_on")
    )
    stored = {ob.pk: ob for ob in Obligation.objects.filter(network=net)}
    assert [ob.title for ob in obligations] == [
        "Roadmaps reviewed",  # no date: first
        "IAP roadmaps submitted",
        "Mid-term reflection",
    ]
    for ob in obligations:
        same = stored[ob.pk]
        assert (ob.kind, ob.due_on, ob.within_days, ob.remind_days, ob.network) == (
            same.kind, same.due_on, same.within_days, same.remind_days, net,
        )  # fmt: skip

"""Editing plans without losing anyone's work, exports and SSAs."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import formats
from pypdf import PdfReader

from iap.models import PlanAction, RoadmapStep, SmallScaleAction
from partners.models import Stakeholder
from reviews import services as engine
from tests.factories import PartnerFactory


def step_data(step, **changes):
    data = {
        "title": step.title, "description": step.description, "owner": step.owner,
        "starts_on": step.starts_on.isoformat() if step.starts_on else "",
        "due_on": step.due_on.isoformat() if step.due_on else "", "status": step.status,
        "version": step.version,
    }  # fmt: skip
    return {**data, **changes}


def test_a_second_save_of_the_same_step_is_refused_and_shows_what_changed(
    client_for, net, roadmap_a, city_member_a, city_coordinator_a
):
    step = roadmap_a.steps.get(position=1)
    edit = reverse("iap:step_edit", args=[net.slug, "alphaville", step.pk])
    first, second = client_for(city_member_a), client_for(city_coordinator_a)
    loaded = step_data(step)  # both opened the form at version 1
    assert first.post(edit, {**loaded, "owner": "Maria (ULG coordinator)"}).status_code == 302
    response = second.post(edit, {**loaded, "title": "Set up the local group"})
    text = response.content.decode()
    assert response.status_code == 200
    assert "Someone else saved this in the meantime." in text
    assert "Maria (ULG coordinator)" in text  # what is saved now
    assert 'value="Set up the local group"' in text  # the second person's input is kept
    step.refresh_from_db()
    assert (step.title, step.owner, step.version) == (
        "Set up the ULG",
        "Maria (ULG coordinator)",
        2,
    )
    # Saving again from the refreshed version works.
    assert (
        second.post(edit, {**step_data(step), "title": "Set up the local group"}).status_code == 302
    )
    step.refresh_from_db()
    assert (step.title, step.owner, step.version) == (
        "Set up the local group",
        "Maria (ULG coordinator)",
        3,
    )


def test_the_refusal_shows_what_is_saved_now_in_words_once(
    client_for, net, roadmap_a, city_member_a, city_coordinator_a
):
    step = roadmap_a.steps.get(position=2)
    edit = reverse("iap:step_edit", args=[net.slug, "alphaville", step.pk])
    loaded = step_data(step, is_milestone="on")
    first = client_for(city_member_a).post(edit, {**loaded, "status": "in_progress"})
    assert first.status_code == 302
    text = client_for(city_coordinator_a).post(edit, {**loaded, "title": "Mine"}).content.decode()
    assert "Someone else saved this in the meantime." in text
    assert text.count('id="conflict-heading"') == 1 and text.count("<dt>Status</dt>") == 1
    saved = text[text.index('id="conflict-heading"') : text.index("</section>")]
    assert "<dt>Status</dt><dd>In progress</dd>" in saved and "in_progress" not in saved
    assert "<dt>Milestone</dt><dd>Yes</dd>" in saved and "True" not in saved
    starts = formats.date_format(dt.date(2021, 1, 1), "DATE_FORMAT")
    assert f"<dt>Start</dt><dd>{starts}</dd>" in saved and "2021-01-01" not in saved


def test_a_second_save_of_the_same_section_is_refused(
    client_for, net, city_a, city_member_a, city_coordinator_a
):
    plan = city_a.action_plan
    section = plan.sections.get(kind="objectives")
    edit = reverse("iap:section_edit", args=[net.slug, "alphaville", "objectives"])
    client_for(city_member_a).post(edit, {"body": "1. A CSR pact.", "version": 1})
    response = client_for(city_coordinator_a).post(
        edit, {"body": "1. Something else.", "version": 1}
    )
    assert "Someone else saved this in the meantime." in response.content.decode()
    assert "1. A CSR pact." in response.content.decode()
    section.refresh_from_db()
    assert section.body == "1. A CSR pact."


def test_step_dates_out_of_order_are_refused(client_for, net, roadmap_a, city_member_a):
    response = client_for(city_member_a).post(
        reverse("iap:step_create", args=[net.slug, "alphaville"]),
        {
            "title": "Late",
            "starts_on": "2021-05-01",
            "due_on": "2021-04-01",
            "status": "not_started",
        },
    )
    assert "The end cannot be before the start." in response.content.decode()
    assert roadmap_a.steps.count() == 2


def test_roadmap_page_shows_the_feedback_first_and_the_history(
    client_for, net, roadmap_a, city_coordinator_a, lead_expert, city_member_a
):
    engine.submit(document=roadmap_a, user=city_coordinator_a)
    step = roadmap_a.steps.get(position=2)
    engine.thread_open(document=roadmap_a, user=lead_expert, body="Who from the ULG?", anchor=step)
    engine.request_changes(document=roadmap_a, user=lead_expert, comment="See my comment.")
    page = client_for(city_member_a).get(roadmap_a.get_absolute_url()).content.decode()
    feedback, steps, history = (
        page.index('id="feedback-heading"'),
        page.index('id="steps-heading"'),
        page.index('id="history-heading"'),
    )
    assert feedback < page.index("See my comment.") < steps < history  # the change request
    assert page.index("Agree objectives", steps) < page.index("Who from the ULG?") < history
    assert "In review → <strong>Changes requested</strong>" in page[history:]


def test_roadmap_and_plan_export_as_pdf_and_csv(client_for, net, roadmap_a, city_a, lead_expert):
    client = client_for(lead_expert)
    pdf = client.get(reverse("iap:roadmap_export", args=[net.slug, "alphaville", "pdf"]))
    assert pdf["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "Alphaville: IAP roadmap" in text and "Agree objectives" in text

    rows = list(
        csv.reader(
            io.StringIO(
                client.get(
                    reverse("iap:roadmap_export", args=[net.slug, "alphaville", "csv"])
                ).content.decode("utf-8-sig")
            )
        )
    )
    assert rows[0][:3] == ["Order", "Title", "Description"]
    assert [r[1] for r in rows[1:]] == ["Set up the ULG", "Agree objectives"]

    plan = city_a.action_plan
    plan.sections.filter(kind="context").update(body="Alphaville has **many** small firms.")
    action = plan.actions.create(
        title="Local CSR pact", budget="25000.50", funding_source="City budget"
    )
    action.indicators.create(name="Companies signed", baseline="0", target="30")
    pdf = client.get(reverse("iap:plan_export", args=[net.slug, "alphaville", "pdf"]))
    text = " ".join(
        " ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(pdf.content)).pages
    )
    assert "Integrated Action Plan" in text and "many small firms" in text
    assert "Local CSR pact" in text and "Companies signed" in text
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(
                    reverse("iap:plan_export", args=[net.slug, "alphaville", "csv"])
                ).content.decode("utf-8-sig")
            )
        )
    )
    assert rows[1][0] == "Local CSR pact" and rows[1][6] == "25000.50" and "0 → 30" in rows[1][8]


def test_actions_with_indicators_and_a_budget_in_euros(client_for, net, city_a, city_member_a):
    person = Stakeholder.objects.create(partner=city_a, name="Chamber", sector="private")
    url = reverse("iap:action_create", args=[net.slug, "alphaville"])
    data = {
        "title": "Local CSR pact",
        "budget": "-5",
        "indicators_text": "Companies signed | 0 | 30",
        "stakeholders": [person.pk],
        "starts_on": "2021-09-01",
        "ends_on": "2022-06-30",
    }
    client = client_for(city_member_a)
    assert "A budget cannot be negative." in client.post(url, data).content.decode()
    assert client.post(url, {**data, "budget": "25000.00"}).status_code == 302
    action = PlanAction.objects.get()
    assert str(action.budget) == "25000.00" and list(action.stakeholders.all()) == [person]
    assert [(i.name, i.baseline, i.target) for i in action.indicators.all()] == [
        ("Companies signed", "0", "30")
    ]


def test_small_scale_actions_link_the_action_they_test_and_local_stakeholders(
    client_for, net, city_a, city_b, city_member_a
):
    plan = city_a.action_plan
    action = plan.actions.create(title="Green the city with companies")
    mine = Stakeholder.objects.create(partner=city_a, name="Volunteers", sector="civil_society")
    theirs = Stakeholder.objects.create(partner=city_b, name="Not ours", sector="other")
    url = reverse("iap:ssa_create", args=[net.slug, "alphaville"])
    data = {
        "title": "Tree planting",
        "action": action.pk,
        "status": "planned",
        "stakeholders": [theirs.pk],
    }
    client = client_for(city_member_a)
    assert "Select a valid choice" in client.post(url, data).content.decode()
    response = client.post(url, {**data, "stakeholders": [mine.pk], "budget": "10000"})
    ssa = SmallScaleAction.objects.get()
    assert response["Location"] == ssa.get_absolute_url()
    assert ssa.action == action and list(ssa.stakeholders.all()) == [mine]


@pytest.mark.parametrize("cities", [5, 50])
def test_review_queue_costs_the_same_queries_with_5_or_50_cities(
    client_for, net, lead_expert, cities, django_assert_max_num_queries
):
    for _ in range(cities):
        partner = PartnerFactory(network=net)
        RoadmapStep.objects.create(roadmap=partner.roadmap, title="Step")
    client = client_for(lead_expert)
    url = reverse("iap:review_queue", args=[net.slug])
    with django_assert_max_num_queries(10):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("steps", [3, 30])
def test_roadmap_page_costs_the_same_queries_as_it_grows(
    client_for,
    net,
    roadmap_a,
    lead_expert,
    city_coordinator_a,
    steps,
    django_assert_max_num_queries,
):
    for n in range(steps):
        roadmap_a.steps.create(position=10 + n, title=f"Step {n}")
    engine.submit(document=roadmap_a, user=city_coordinator_a)
    for n, step in enumerate(roadmap_a.steps.all()[: steps // 3]):
        engine.thread_open(document=roadmap_a, user=lead_expert, body=f"Comment {n}", anchor=step)
    client = client_for(lead_expert)
    with django_assert_max_num_queries(25):
        assert client.get(roadmap_a.get_absolute_url()).status_code == 200

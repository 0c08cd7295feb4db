"""What the review means for the city's own writing: the roadmap's steps and the plan's
sections and actions change only while the document is a draft or sent back, and a
submission freezes them as they were. The transitions themselves, for both documents and
every role, are tests/reviews/test_engine.py."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from iap import services
from iap.enums import RoadmapState as S
from iap.enums import SectionKind
from iap.models import ActionPlan
from partners.models import Stakeholder
from reviews import services as engine

EDITABLE = {S.DRAFT, S.CHANGES_REQUESTED}


@pytest.mark.parametrize("state", list(S))
def test_the_city_changes_its_steps_only_while_the_roadmap_is_editable(
    roadmap_a, in_state, city_member_a, state
):
    in_state(roadmap_a, state)
    step = roadmap_a.steps.get(position=1)
    data = {
        "title": "Set up the URBACT Local Group", "description": "", "owner": "City team",
        "starts_on": step.starts_on, "due_on": step.due_on, "status": "in_progress",
        "is_milestone": False,
    }  # fmt: skip
    if state in EDITABLE:
        services.step_save(
            user=city_member_a, roadmap=roadmap_a, step=step, version=step.version, data=data
        )
        services.step_delete(user=city_member_a, step=roadmap_a.steps.get(position=2))
        assert list(roadmap_a.steps.values_list("title", flat=True)) == [data["title"]]
        return
    with pytest.raises(PermissionDenied):
        services.step_save(
            user=city_member_a, roadmap=roadmap_a, step=step, version=step.version, data=data
        )
    with pytest.raises(PermissionDenied):
        services.step_save(user=city_member_a, roadmap=roadmap_a, data=data)  # a new one
    with pytest.raises(PermissionDenied):
        services.step_delete(user=city_member_a, step=step)
    assert list(roadmap_a.steps.values_list("title", flat=True)) == [
        "Set up the ULG",
        "Agree objectives",
    ]


@pytest.mark.parametrize("state", list(S))
def test_the_city_changes_its_plan_only_while_it_is_editable(city_a, city_member_a, state):
    ActionPlan.objects.filter(partner=city_a).update(state=state)
    plan = ActionPlan.objects.get(partner=city_a)
    section = plan.sections.get(kind=SectionKind.CONTEXT)

    def write():
        services.section_save(
            user=city_member_a, section=section, body="Few firms report.", version=section.version
        )
        services.action_save(
            user=city_member_a, plan=plan, data={"title": "Open a CSR desk"}, indicators=[]
        )

    if state in EDITABLE:
        write()
        assert plan.sections.get(kind=SectionKind.CONTEXT).body == "Few firms report."
        assert list(plan.actions.values_list("title", flat=True)) == ["Open a CSR desk"]
    else:
        with pytest.raises(PermissionDenied):
            write()
        assert plan.sections.get(kind=SectionKind.CONTEXT).body == ""
        assert not plan.actions.exists()


def test_a_roadmap_version_keeps_each_step_as_stored_and_in_order(
    roadmap_a, city_coordinator_a, city_member_a, lead_expert
):
    engine.submit(user=city_coordinator_a, document=roadmap_a)
    engine.request_changes(user=lead_expert, document=roadmap_a, comment="Dates?")
    roadmap_a.steps.filter(position=1).update(title="Set up the URBACT Local Group")

    first = roadmap_a.versions.get(number=1)
    ulg, objectives = roadmap_a.steps.order_by("position")
    assert first.steps == [
        {
            "id": ulg.pk, "title": "Set up the ULG", "description": "", "owner": "City team",
            "starts_on": "2020-10-01", "due_on": "2020-11-30", "status": "not_started",
            "is_milestone": "False",
        },
        {
            "id": objectives.pk, "title": "Agree objectives", "description": "", "owner": "ULG",
            "starts_on": "2021-01-01", "due_on": "2021-03-31", "status": "not_started",
            "is_milestone": "True",
        },
    ]  # fmt: skip
    engine.submit(user=city_coordinator_a, document=roadmap_a)
    assert roadmap_a.versions.get(number=2).steps[0]["title"] == "Set up the URBACT Local Group"
    assert first.steps[0]["title"] == "Set up the ULG"


def test_a_plan_version_keeps_its_sections_and_its_action_table(
    city_a, city_coordinator_a, city_member_a
):
    plan = city_a.action_plan
    plan.sections.filter(kind=SectionKind.FUNDING).update(body="ERDF and the city budget.")
    chamber = Stakeholder.objects.create(partner=city_a, name="Chamber of commerce")
    action = services.action_save(
        user=city_member_a, plan=plan,
        data={"title": "Open a CSR desk", "starts_on": dt.date(2021, 9, 1), "budget": 12000,
              "stakeholders": [chamber]},
        indicators=[("Firms advised", "0", "40")],
    )  # fmt: skip

    engine.submit(user=city_coordinator_a, document=plan)

    content = plan.versions.get().content
    bodies = {s["kind"]: s["body"] for s in content["sections"]}
    assert bodies[SectionKind.FUNDING] == "ERDF and the city budget."
    assert set(bodies) == set(SectionKind.values)
    [frozen] = content["actions"]
    assert (frozen["id"], frozen["title"], frozen["starts_on"], frozen["budget"]) == (
        action.pk, "Open a CSR desk", "2021-09-01", "12000.00"
    )  # fmt: skip
    assert frozen["stakeholders"] == ["Chamber of commerce"]
    assert frozen["indicators"] == [["Firms advised", "0", "40"]]

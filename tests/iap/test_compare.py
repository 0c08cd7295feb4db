"""Any two submitted versions of a roadmap or an IAP, compared in words: labels, dates as
dates, choices and ticks in words, what was added (with all it held), removed, changed
(words marked) or moved; a picker that refuses what is not two versions, and no other
city's versions."""

import datetime as dt
import html
import re
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.urls import reverse

from iap import compare
from iap.enums import StepStatus
from iap.models import PlanVersion, RoadmapVersion
from reviews import services as reviews
from reviews.enums import ReviewState
from tests.fuzz import FAMILIES
from tests.permissions import check

#: What a reader must never see: field names, codes, Python's booleans.
RAW = re.compile(r"\b(is_milestone|starts_on|due_on|ends_on|in_progress|not_started|True|False)\b")
MAY_12 = dt.datetime(2021, 5, 12, 10, 0, tzinfo=dt.UTC)
TAG = re.compile(r"<[^>]+>")


def main_text(response) -> str:
    """What a reader sees of the page's main part."""
    body = response.content.decode()
    main = body[body.index("<main") : body.index("</main>")]
    return " ".join(html.unescape(TAG.sub(" ", main)).split())


def url(name, net, city, *args, query=""):
    return reverse(f"iap:{name}", args=[net.slug, city.slug, *args]) + query


def submit(document, user):
    """The city submits; then the document is back in its hands, as after a request for
    changes."""
    reviews.submit(user=user, document=document)
    type(document).objects.filter(pk=document.pk).update(state=ReviewState.DRAFT)
    document.refresh_from_db()


@pytest.fixture
def three_versions(roadmap_a, city_coordinator_a):
    """Version 1: three steps. Version 2: the first one renamed and under way. Version 3:
    the third moved first, the second removed, a new step added with all its details."""
    roadmap_a.steps.create(position=3, title="Map the stakeholders", owner="ULG")
    submit(roadmap_a, city_coordinator_a)
    roadmap_a.steps.filter(position=1).update(
        title="Set up the URBACT Local Group",
        status=StepStatus.IN_PROGRESS,
        due_on=dt.date(2020, 12, 15),
    )
    submit(roadmap_a, city_coordinator_a)
    roadmap_a.steps.filter(position=3).update(position=0)
    roadmap_a.steps.filter(position=2).delete()
    roadmap_a.steps.create(
        position=4,
        title="Hold the first ULG meeting",
        description="Invite the chamber of commerce.\n\nAgree the ULG's rules.",
        owner="Deputy mayor's office",
        starts_on=dt.date(2021, 2, 1),
        due_on=dt.date(2021, 2, 28),
        status=StepStatus.BLOCKED,
        is_milestone=True,
    )
    submit(roadmap_a, city_coordinator_a)
    RoadmapVersion.objects.filter(roadmap=roadmap_a).update(created_at=MAY_12)
    return roadmap_a


def test_versions_1_and_3_compared_in_words(client_for, net, city_a, three_versions, lead_expert):
    response = client_for(lead_expert).get(
        url("version_compare", net, city_a, query="?from=1&to=3")
    )
    assert response.status_code == 200
    text = main_text(response)
    assert not RAW.search(text), RAW.search(text)

    renamed = text[text.index("Set up the URBACT Local Group") : text.index("Agree objectives")]
    assert "Changed." in renamed
    # Labels of the fields, values in words, each side said.
    assert "Status In version 1 removed: Not started In version 3 added: In progress" in renamed
    assert "Due In version 1 removed: 30 November 2020 In version 3 added: 15 December 2020" in (
        renamed
    )
    assert "removed: ULG" in renamed and "added: URBACT Local Group" in renamed

    removed = text[text.index("Agree objectives") : text.index("Hold the first ULG meeting")]
    assert "Removed in the newer version." in removed
    assert "Milestone Yes" in removed and "Start 1 January 2021" in removed

    added = text[text.index("Hold the first ULG meeting") :]
    assert "Added in the newer version." in added
    for shown in (
        "Description Invite the chamber of commerce. Agree the ULG's rules.",
        "Owner Deputy mayor's office",
        "Start 1 February 2021",
        "Due 28 February 2021",
        "Status Blocked",
        "Milestone Yes",
    ):
        assert shown in added

    assert "Map the stakeholders Moved from position 3 to position 1." in text


def test_the_versions_may_be_asked_newer_first_and_the_page_says_which_is_which(
    client_for, net, city_a, three_versions, city_member_a
):
    text = main_text(
        client_for(city_member_a).get(url("version_compare", net, city_a, query="?from=3&to=1"))
    )
    assert "From version 1 (the older) to version 3 (the newer)" in text
    assert "Version 3 is the newer of the two" in text
    assert "Hold the first ULG meeting Added in the newer version." in text


def test_the_picker_names_each_version_by_its_date_and_says_it_was_withdrawn(
    client_for, net, city_a, three_versions, city_member_a
):
    RoadmapVersion.objects.filter(roadmap=three_versions, number=2).update(withdrawn_at=MAY_12)
    response = client_for(city_member_a).get(url("version_compare", net, city_a))
    body = html.unescape(response.content.decode())
    assert '<label class="form-label" for="id_from">Compare version</label>' in body
    assert '<label class="form-label" for="id_to">with version</label>' in body
    assert "Version 3 — submitted 12 May 2021</option>" in body
    assert "Version 2 — submitted 12 May 2021, withdrawn 12 May 2021</option>" in body
    # Without a choice, the last version and the one before it.
    assert "From version 2 (the older) to version 3 (the newer)" in main_text(response)


def test_one_version_read_whole_in_words(client_for, net, city_a, three_versions, officer):
    response = client_for(officer).get(url("version", net, city_a, 3))
    text = main_text(response)
    assert response.status_code == 200 and not RAW.search(text)
    assert "Step 1: Map the stakeholders" in text
    assert "Step 3: Hold the first ULG meeting" in text
    assert "Status In progress" in text and "Milestone Yes" in text and "Milestone No" in text
    assert "Submitted on 12 May 2021" in text
    assert "Compare version 2 with version 3" in text


def test_the_former_address_of_the_changes_leads_to_the_compare_page(
    client_for, net, city_a, three_versions, city_member_a
):
    response = client_for(city_member_a).get(url("version_diff", net, city_a, 1, 2))
    assert response.status_code == 302
    assert response["Location"] == url("version_compare", net, city_a, query="?from=1&to=2")


@pytest.mark.parametrize(
    "query, says",
    [
        ("?from=2&to=2", "Choose two different versions to compare."),
        ("?from=x&to=1", "Select a valid choice."),
        ("?from=1&to=99999999999999999999", "Select a valid choice."),
        ("?from=-1&to=1", "Select a valid choice."),
        ("?from=1", "This field is required."),
        ("?from=&to=", "This field is required."),
    ],
)
def test_a_choice_that_is_not_two_versions_is_said_on_the_page(
    client_for, net, city_a, three_versions, city_member_a, query, says
):
    response = client_for(city_member_a).get(url("version_compare", net, city_a, query=query))
    assert response.status_code == 400
    text = main_text(response)
    assert "These versions cannot be compared; choose again:" in text and says in text


@pytest.mark.parametrize("family", FAMILIES, ids=str)
def test_hostile_values_in_the_picker_never_break_the_page(
    client_for, net, city_a, three_versions, city_member_a, family
):
    client = client_for(city_member_a)
    for data in ({"from": family.value, "to": "1"}, {"from": "1", "to": family.value}):
        response = client.get(url("version_compare", net, city_a), data)
        assert response.status_code == 400


def test_to_alone_compares_with_the_version_before(
    client_for, net, city_a, three_versions, city_member_a
):
    text = main_text(
        client_for(city_member_a).get(url("version_compare", net, city_a, query="?to=2"))
    )
    assert "From version 1 (the older) to version 2 (the newer)" in text


def test_with_a_single_version_there_is_nothing_to_compare(
    client_for, net, city_a, roadmap_a, city_coordinator_a
):
    submit(roadmap_a, city_coordinator_a)
    response = client_for(city_coordinator_a).get(
        url("version_compare", net, city_a, query="?from=1&to=2")
    )
    assert response.status_code == 200
    assert "Only one version has been submitted" in main_text(response)


def test_a_version_that_is_not_there_is_404(client_for, net, city_a, three_versions, lead_expert):
    client = client_for(lead_expert)
    assert client.get(url("version", net, city_a, 4)).status_code == 404
    assert client.get(url("version", net, city_a, 10**20)).status_code == 404
    assert client.get(url("plan_version", net, city_a, 1)).status_code == 404


# The IAP -------------------------------------------------------------------------------------


@pytest.fixture
def plan_versions(city_a, city_coordinator_a):
    """Version 1 and 2 of city A's plan: the funding section rewritten, an action's budget
    raised, a stakeholder and an indicator's target changed."""
    plan = city_a.action_plan
    plan.sections.filter(kind="funding").update(
        body="The city pays the first year.\n\nERDF funds the rest."
    )
    action = plan.actions.create(
        title="Local CSR pact",
        responsible_body="Economic development office",
        starts_on=dt.date(2021, 9, 1),
        budget=Decimal("12500.00"),
    )
    action.indicators.create(name="Firms that sign", baseline="0", target="30")
    chamber = city_a.stakeholders.create(name="Chamber of Commerce", sector="private")
    action.stakeholders.set([chamber])
    submit(plan, city_coordinator_a)
    plan.sections.filter(kind="funding").update(
        body="The city and the region pay the first year.\n\nERDF funds the rest."
    )
    action.budget = Decimal("15000.50")
    action.save()
    action.indicators.update(target="40")
    action.stakeholders.add(city_a.stakeholders.create(name="Anchor employers", sector="private"))
    submit(plan, city_coordinator_a)
    return plan


def test_the_iap_compare_shows_a_section_rewritten_and_a_budget_changed(
    client_for, net, city_a, plan_versions, lead_expert
):
    response = client_for(lead_expert).get(
        url("plan_version_compare", net, city_a, query="?from=1&to=2")
    )
    assert response.status_code == 200
    text = main_text(response)
    assert not RAW.search(text)
    funding = text[text.index("Funding Changed.") : text.index("Actions")]
    assert "The city added: and the region pay the first year." in funding
    assert "ERDF funds the rest." in funding  # the unchanged paragraph, on both sides
    action = text[text.index("Local CSR pact Changed.") :]
    assert (
        "Estimated budget (EUR) In version 1 removed: 12,500 EUR "
        "In version 2 added: 15,000.50 EUR" in action
    )
    assert "added: Anchor employers" in action
    assert "removed: Firms that sign: 0 → 30" in action
    assert "added: Firms that sign: 0 → 40" in action
    assert "5 sections are unchanged." in text


def test_one_iap_version_read_whole(client_for, net, city_a, plan_versions, city_member_a):
    PlanVersion.objects.filter(plan=plan_versions).update(created_at=MAY_12)
    text = main_text(client_for(city_member_a).get(url("plan_version", net, city_a, 1)))
    assert "Alphaville: IAP version 1" in text and "Submitted on 12 May 2021" in text
    assert "Funding The city pays the first year. ERDF funds the rest." in text
    assert "Objectives Not written in this version." in text
    assert "Estimated budget (EUR) 12,500 EUR" in text
    assert "Stakeholders involved Chamber of Commerce" in text
    assert "Start 1 September 2021" in text and "End Not given" in text


# Who sees the versions -------------------------------------------------------------------

ROLES = [
    "anonymous", "outsider", "other_network_coordinator", "city_member_a", "city_coordinator_a",
    "city_member_b", "city_coordinator_b", "lead_expert", "lead_partner", "ad_hoc_expert",
    "officer", "coordinator",
]  # fmt: skip
OUTSIDE = {"anonymous", "outsider", "other_network_coordinator"}
#: Who sees city A's roadmap and plan; the rest of the network gets 404.
SEES_A = {"city_member_a", "city_coordinator_a", "coordinator", "lead_partner", "lead_expert",
          "officer"}  # fmt: skip
TABLE = [
    ("version", [1], 200),
    ("version_compare", [], 200),
    ("version_diff", [1, 2], 302),
    ("plan_version", [1], 200),
    ("plan_version_compare", [], 200),
]
COVERED_URL_NAMES = {f"iap:{name}" for name, _, _ in TABLE}


@pytest.fixture
def two_of_each(roadmap_a, city_a):
    """Versions 1 and 2 of city A's roadmap and plan, as a submission freezes them."""
    plan = city_a.action_plan
    for number in (1, 2):
        RoadmapVersion.objects.create(roadmap=roadmap_a, number=number, steps=roadmap_a.snapshot())
        PlanVersion.objects.create(plan=plan, number=number, content=plan.snapshot())


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name, args, answer", TABLE, ids=[row[0] for row in TABLE])
def test_who_sees_the_versions(
    request, client_for, net, city_a, two_of_each, name, args, answer, role
):
    response = client_for(request.getfixturevalue(role)).get(url(name, net, city_a, *args))
    allowed = answer if role in SEES_A else 404  # another city's people: not there
    check(response, "login" if role == "anonymous" else allowed, role)


# Compared item by item ---------------------------------------------------------------------


def version(number, *titles):
    steps = [{"id": n, "title": title} for n, title in enumerate(titles, start=1)]
    return SimpleNamespace(number=number, steps=steps)


def test_a_step_moved_among_five_is_the_only_one_said_to_have_moved():
    before = version(1, "A", "B", "C", "D", "E")
    after = SimpleNamespace(number=2, steps=[before.steps[i] for i in (0, 4, 1, 2, 3)])
    changes = compare.compare(before, after).groups[0]
    assert [(c.item.title, c.moved) for c in changes.changes] == [("E", (5, 2))]
    assert changes.changes[0].summary == "Moved from position 5 to position 2."
    assert changes.unchanged_summary == "4 steps are unchanged."


def test_a_snapshot_with_odd_values_is_still_read():
    """Values no form would save (a date that is not one, a code no longer known, a list
    where a text was) are shown as they are, not a failure."""
    odd = SimpleNamespace(
        number=1,
        steps=[
            {"id": 1, "title": "A", "due_on": "someday", "status": "paused", "owner": ["x"]},
            "not a step",
        ],
    )
    (group,) = compare.read_version(odd)
    fields = {f.name: f.lines for f in group.items[0].fields}
    assert fields["due_on"] == ("someday",) and fields["status"] == ("paused",)
    assert fields["owner"] == ()
    plan = SimpleNamespace(number=1, content={"sections": "x", "actions": [{"budget": "NaN"}]})
    sections, actions = compare.read_version(plan)
    assert sections.items == () and actions.items[0].title == "Action 1"

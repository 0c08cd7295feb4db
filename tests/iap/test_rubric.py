"""The network's IAP rubric and the lead expert's scores (issue 15).

The coordinator and the lead expert set the criteria; a reviewer scores the latest
version of a submitted plan against each; the city sees every version's scores and how
they changed. A removed criterion keeps the scores already given."""

import datetime as dt
import html

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from iap import rubric
from iap.demo_rubric import load_scored_plan
from iap.enums import RubricLevel, SectionKind
from iap.models import RubricCriterion, RubricScore
from reviews import services as engine
from reviews.enums import ReviewState
from tests.conftest import ROLE_FIXTURES
from tests.permissions import check, expected

RUBRIC = {"coordinator", "lead_expert"}
REVIEWERS = {"lead_expert", "lead_partner"}
TEAM_A = {"city_member_a", "city_coordinator_a"}
SEES_A = TEAM_A | {"coordinator", "lead_partner", "lead_expert", "officer"}


@pytest.fixture
def criteria(net):
    rubric.rubric_for_new_network(network=net)
    return list(net.rubric.order_by("position"))


@pytest.fixture
def plan(city_a):
    plan = city_a.action_plan
    plan.sections.filter(kind=SectionKind.CONTEXT).update(body="Many small companies.")
    return plan


def submit(plan, city_coordinator_a):
    return engine.submit(user=city_coordinator_a, document=plan)


@pytest.fixture
def submitted(plan, city_coordinator_a, criteria):
    """City A's plan, version 1 submitted and waiting for the lead expert."""
    return submit(plan, city_coordinator_a)


def rubric_url(net, name="iap:rubric", *args):
    return reverse(name, args=[net.slug, *args])


def score_url(net, city):
    return reverse("iap:plan_score", args=[net.slug, city.slug])


def score_data(criteria, version, levels, comments=None):
    data = {"version": version}
    for criterion, level in zip(criteria, levels, strict=False):
        if level is not None:
            data[f"level_{criterion.pk}"] = str(level)
    for criterion, comment in zip(criteria, comments or [], strict=False):
        data[f"comment_{criterion.pk}"] = comment
    return data


def text(response) -> str:
    """The page as a reader sees its characters (apostrophes unescaped)."""
    return html.unescape(response.content.decode())


def titles(net):
    return list(net.rubric.order_by("position", "pk").values_list("title", flat=True))


# Every new network's rubric ---------------------------------------------------------------


def test_a_new_network_gets_urbacts_six_criteria_once(net):
    """Created with the network (iap listens for new networks); asking again adds none."""
    assert titles(net) == [
        "Integrated approach",
        "Stakeholder participation",
        "Realism of the action table",
        "Funding",
        "Monitoring and indicators",
        "Risks",
    ]
    assert net.rubric.get(title="Funding").section == SectionKind.FUNDING
    assert net.rubric.get(title="Integrated approach").section == ""
    assert rubric.rubric_for_new_network(network=net) == 0
    assert net.rubric.count() == 6


def test_a_network_that_changed_its_rubric_keeps_it(net, coordinator, criteria):
    for criterion in criteria[1:]:
        rubric.criterion_remove(user=coordinator, criterion=criterion)
    assert rubric.rubric_for_new_network(network=net) == 0
    assert titles(net) == ["Integrated approach"]


# The rubric's pages, per role ---------------------------------------------------------------

PAGES = [
    ("iap:rubric", []),
    ("iap:rubric_create", []),
    ("iap:rubric_edit", ["criterion"]),
    ("iap:rubric_remove", ["criterion"]),
]
ACTIONS = [
    ("iap:rubric_create", [], {"title": "Gender equality", "guidance": "", "section": ""}),
    ("iap:rubric_edit", ["criterion"], {"title": "Integration", "guidance": "", "section": ""}),
    ("iap:rubric_move", ["criterion"], {"direction": "down"}),
    ("iap:rubric_remove", ["criterion"], {}),
]
COVERED_URL_NAMES = {name for name, _ in PAGES} | {name for name, _, _ in ACTIONS}


def _url(net, name, args, criteria):
    return reverse(name, args=[net.slug, *[criteria[0].pk for _ in args]])


@pytest.mark.parametrize("role", ROLE_FIXTURES)
@pytest.mark.parametrize("name, args", PAGES, ids=[name for name, _ in PAGES])
def test_rubric_pages_per_role(request, client_for, net, criteria, name, args, role):
    response = client_for(request.getfixturevalue(role)).get(_url(net, name, args, criteria))
    check(response, expected(role, RUBRIC), role)


@pytest.mark.parametrize("role", ROLE_FIXTURES)
@pytest.mark.parametrize("name, args, data", ACTIONS, ids=[name for name, _, _ in ACTIONS])
def test_rubric_actions_per_role(request, client_for, net, criteria, name, args, data, role):
    before = titles(net)
    response = client_for(request.getfixturevalue(role)).post(_url(net, name, args, criteria), data)
    want = expected(role, RUBRIC)
    if want == 200:
        assert response.status_code == 302, role
        assert titles(net) != before, role
    else:
        check(response, want, role)
        assert titles(net) == before, role


def test_a_criterion_of_another_network_is_not_there(
    client_for, net, other_net, criteria, coordinator
):
    rubric.rubric_for_new_network(network=other_net)
    theirs = other_net.rubric.first()
    client = client_for(coordinator)
    for name in ("iap:rubric_edit", "iap:rubric_remove"):
        assert client.get(rubric_url(net, name, theirs.pk)).status_code == 404
    response = client.post(rubric_url(net, "iap:rubric_move", theirs.pk), {"direction": "up"})
    assert response.status_code == 404
    assert client.post(rubric_url(net, "iap:rubric_remove", theirs.pk)).status_code == 404
    assert other_net.rubric.count() == 6


# Setting the criteria -----------------------------------------------------------------------


@pytest.mark.parametrize("role", sorted(RUBRIC))
def test_coordinator_and_lead_expert_add_change_move_and_remove_criteria(
    request, client_for, net, criteria, role
):
    client = client_for(request.getfixturevalue(role))
    response = client.post(
        rubric_url(net, "iap:rubric_create"),
        {"title": "Gender equality", "guidance": "Does each action say who gains?", "section": ""},
        follow=True,
    )
    added = net.rubric.get(title="Gender equality")
    assert titles(net)[-1] == "Gender equality"
    assert "The criterion “Gender equality” has been added to the rubric." in text(response)
    assert "Does each action say who gains?" in text(response)

    client.post(
        rubric_url(net, "iap:rubric_edit", added.pk),
        {"title": "Gender equality", "guidance": "Who gains?", "section": SectionKind.ACTIONS},
    )
    added.refresh_from_db()
    assert (added.guidance, added.section) == ("Who gains?", SectionKind.ACTIONS)

    response = client.post(
        rubric_url(net, "iap:rubric_move", added.pk), {"direction": "up"}, follow=True
    )
    assert titles(net)[-2:] == ["Gender equality", "Risks"]
    assert "“Gender equality” moved up." in text(response)
    response = client.post(
        rubric_url(net, "iap:rubric_move", criteria[0].pk), {"direction": "up"}, follow=True
    )
    assert "“Integrated approach” is already the first criterion." in text(response)
    assert list(net.rubric.order_by("position").values_list("position", flat=True)) == [
        1, 2, 3, 4, 5, 6, 7,
    ]  # fmt: skip

    page = client.get(rubric_url(net, "iap:rubric_remove", added.pk))
    assert "Remove the criterion “Gender equality”?" in text(page)
    response = client.post(rubric_url(net, "iap:rubric_remove", added.pk), follow=True)
    assert "Gender equality" not in titles(net)
    assert "The criterion “Gender equality” has been removed." in text(response)


def test_a_move_that_is_neither_up_nor_down_is_refused(client_for, net, criteria, coordinator):
    response = client_for(coordinator).post(
        rubric_url(net, "iap:rubric_move", criteria[0].pk), {"direction": "sideways"}
    )
    assert response.status_code == 400
    assert titles(net)[0] == "Integrated approach"


@pytest.mark.parametrize(
    "data, field",
    [
        ({"title": "Funding"}, "title"),  # taken
        ({"title": "  funding "}, "title"),  # taken, in other letters
        ({"title": ""}, "title"),
        ({"title": "x" * 5000}, "title"),
        ({"title": "Fun\x00ding"}, "title"),
        ({"title": "Fine", "guidance": "x" * 5000}, "guidance"),
        ({"title": "Fine", "guidance": "a\x00b"}, "guidance"),
        ({"title": "Fine", "section": "nowhere"}, "section"),
    ],
    ids=["taken", "taken-case", "empty", "long", "nul", "long-guidance", "nul-guidance",
         "section"],
)  # fmt: skip
def test_bad_criteria_are_form_errors(client_for, net, criteria, coordinator, data, field):
    response = client_for(coordinator).post(
        rubric_url(net, "iap:rubric_create"), {"guidance": "", "section": "", **data}
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert net.rubric.count() == 6


# Scoring ------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLE_FIXTURES)
def test_score_page_per_role_once_submitted(request, client_for, net, city_a, submitted, role):
    response = client_for(request.getfixturevalue(role)).get(score_url(net, city_a))
    want = expected(role, REVIEWERS)
    if want == 403 and role not in SEES_A:
        want = 404  # another city's people: city A's plan is not there for them
    check(response, want, role)


def test_scoring_starts_the_review_and_saves_the_scores_of_the_latest_version(
    client_for, net, city_a, submitted, criteria, lead_expert
):
    client = client_for(lead_expert)
    page = client.get(score_url(net, city_a))
    assert "Score version 1 of Alphaville's IAP" in text(page)
    assert "<legend" in text(page) and "Stakeholder participation" in text(page)
    assert "Partly met" in text(page) and "Fully met" in text(page)
    response = client.post(
        score_url(net, city_a),
        score_data(criteria, 1, [2, 3], ["Sectors joined, places not.", "The ULG shaped it."]),
        follow=True,
    )
    assert "Your scores of version 1 of Alphaville's IAP have been saved" in text(response)
    submitted.refresh_from_db()
    assert submitted.state == ReviewState.IN_REVIEW
    scores = RubricScore.objects.filter(version__plan=submitted).order_by("criterion__position")
    assert [(s.criterion_title, s.level, s.comment) for s in scores] == [
        ("Integrated approach", RubricLevel.PARTLY, "Sectors joined, places not."),
        ("Stakeholder participation", RubricLevel.LARGELY, "The ULG shaped it."),
    ]
    assert {s.version.number for s in scores} == {1}
    assert {s.scored_by for s in scores} == {lead_expert}


def test_scoring_again_changes_the_scores_of_that_version(
    client_for, net, city_a, submitted, criteria, lead_expert
):
    client = client_for(lead_expert)
    client.post(score_url(net, city_a), score_data(criteria, 1, [2], ["Not yet."]))
    page = client.get(score_url(net, city_a))
    assert page.context["form"][f"level_{criteria[0].pk}"].value() == 2  # the form shows it
    client.post(score_url(net, city_a), score_data(criteria, 1, [4], ["Now it is."]))
    score = RubricScore.objects.get(version__plan=submitted)
    assert (score.level, score.comment) == (RubricLevel.FULLY, "Now it is.")


def scored_twice(plan, criteria, city_coordinator_a, lead_expert):
    """Version 1 scored, changes requested, version 2 submitted and scored."""
    rubric.score_save(
        user=lead_expert, plan=plan, version=1,
        levels={criteria[0].pk: (2, "Places missing."), criteria[3].pk: (1, "No source.")},
    )  # fmt: skip
    engine.request_changes(user=lead_expert, document=plan, comment="Say who pays.")
    submit(plan, city_coordinator_a)
    rubric.score_save(
        user=lead_expert, plan=plan, version=2,
        levels={criteria[0].pk: (2, "Still no places."), criteria[3].pk: (3, "Sources named.")},
    )  # fmt: skip


def test_the_scores_of_each_version_and_how_they_changed(
    submitted, criteria, city_coordinator_a, lead_expert
):
    scored_twice(submitted, criteria, city_coordinator_a, lead_expert)
    table = rubric.scores_of(plan=submitted)
    assert table.versions == [1, 2]
    rows = {row.title: row for row in table.rows}
    assert len(table.rows) == 6
    funding = rows["Funding"]
    assert [cell.label for cell in funding.cells] == ["Not addressed", "Largely met"]
    assert funding.cells[1].change_text == "Up from “Not addressed” in version 1."
    assert rows["Integrated approach"].cells[1].change_text == "The same as in version 1."
    assert rows["Risks"].cells == [None, None]
    assert [row.title for row in table.by_section[SectionKind.FUNDING]] == ["Funding"]


def test_the_city_reads_the_scores_on_its_plan(
    client_for, net, city_a, submitted, criteria, city_coordinator_a, city_member_a, lead_expert
):
    scored_twice(submitted, criteria, city_coordinator_a, lead_expert)
    page = text(client_for(city_member_a).get(reverse("iap:plan", args=[net.slug, city_a.slug])))
    assert "Review rubric" in page
    assert "Version 1" in page and "Version 2" in page
    assert "Up from “Not addressed” in version 1." in page
    assert "Sources named." in page


def test_the_rubric_as_the_plan_page_includes_it(
    submitted, criteria, city_coordinator_a, city_member_a, lead_expert, net, city_a
):
    """iap/_rubric.html, as iap/plan.html includes it: the table of versions for the city,
    no scoring button for it."""
    scored_twice(submitted, criteria, city_coordinator_a, lead_expert)
    request = RequestFactory().get("/")
    request.user = city_member_a
    shown = render_to_string(
        "iap/_rubric.html",
        {
            "rubric": rubric.scores_of(plan=submitted),
            "plan": submitted,
            "partner": city_a,
            "network": net,
            "user": city_member_a,
        },
        request=request,
    )
    assert '<th scope="col">Version 2</th>' in shown
    assert "↑" in shown and "Up from “Not addressed” in version 1." in shown
    assert "Still no places." in shown
    assert "Score the latest version" not in shown
    reviewer = render_to_string(
        "iap/_rubric.html",
        {"rubric": rubric.scores_of(plan=submitted), "plan": submitted, "partner": city_a,
         "network": net, "user": lead_expert},
    )  # fmt: skip
    assert "Score the latest version" in reviewer
    assert "Change the network's rubric" in reviewer


def test_the_scores_about_a_section_can_show_next_to_it(
    submitted, criteria, city_coordinator_a, lead_expert
):
    scored_twice(submitted, criteria, city_coordinator_a, lead_expert)
    table = rubric.scores_of(plan=submitted)
    funding = render_to_string("iap/_rubric_section.html", {"rubric": table, "kind": "funding"})
    assert "“Funding”: Largely met in version 2." in funding
    assert "Up from “Not addressed” in version 1." in funding
    risks = render_to_string("iap/_rubric_section.html", {"rubric": table, "kind": "risks"})
    assert "“Risks”: not scored yet." in risks
    assert not render_to_string(
        "iap/_rubric_section.html", {"rubric": table, "kind": "context"}
    ).strip()


def test_a_removed_criterion_keeps_its_scores(
    submitted, criteria, city_coordinator_a, lead_expert, coordinator
):
    scored_twice(submitted, criteria, city_coordinator_a, lead_expert)
    rubric.criterion_remove(user=coordinator, criterion=criteria[3])
    assert RubricScore.objects.filter(criterion_title="Funding", criterion=None).count() == 2
    table = rubric.scores_of(plan=submitted)
    funding = next(row for row in table.rows if row.title == "Funding")
    assert funding.removed
    assert [cell.level for cell in funding.cells] == [1, 3]
    assert table.rows[-1] is funding  # after the criteria still in the rubric


@pytest.mark.parametrize(
    "levels, comments, field",
    [
        ([7], [""], "level"),
        (["0"], [""], "level"),
        (["a\x00"], [""], "level"),
        ([2], ["x" * 5000], "comment"),
        ([2], ["a\x00b"], "comment"),
        ([None], ["A comment without a level."], "level"),
        ([None], [""], None),  # nothing scored at all
    ],
    ids=["above", "zero", "nul-level", "long", "nul", "comment-alone", "nothing"],
)
def test_bad_scores_are_form_errors_and_start_nothing(
    client_for, net, city_a, submitted, criteria, lead_expert, levels, comments, field
):
    response = client_for(lead_expert).post(
        score_url(net, city_a), score_data(criteria, 1, levels, comments)
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    if field is None:
        assert errors["__all__"] == ["Choose a level for at least one criterion."]
    else:
        assert f"{field}_{criteria[0].pk}" in errors
    assert not RubricScore.objects.exists()
    submitted.refresh_from_db()
    assert submitted.state == ReviewState.SUBMITTED


def test_scoring_a_draft_plan_is_refused(client_for, net, city_a, plan, criteria, lead_expert):
    client = client_for(lead_expert)
    assert client.get(score_url(net, city_a)).status_code == 403
    response = client.post(score_url(net, city_a), score_data(criteria, 1, [2]))
    assert response.status_code == 403
    assert not RubricScore.objects.exists()


def test_scoring_an_approved_plan_is_refused(
    client_for, net, city_a, submitted, criteria, lead_expert
):
    engine.approve(user=lead_expert, document=submitted)
    response = client_for(lead_expert).post(score_url(net, city_a), score_data(criteria, 1, [2]))
    assert response.status_code == 403
    assert not RubricScore.objects.exists()


def test_a_version_submitted_while_the_form_was_open_is_not_scored_blindly(
    client_for, net, city_a, submitted, criteria, lead_expert, city_coordinator_a
):
    engine.withdraw(user=city_coordinator_a, document=submitted)
    submit(submitted, city_coordinator_a)  # version 2
    response = client_for(lead_expert).post(score_url(net, city_a), score_data(criteria, 1, [2]))
    assert response.status_code == 200
    assert "The city has submitted another version since you opened this page" in text(response)
    assert not RubricScore.objects.exists()


def test_a_criterion_removed_while_the_form_was_open_is_left_out(
    client_for, net, city_a, submitted, criteria, lead_expert, coordinator
):
    data = score_data(criteria, 1, [2, 3])
    rubric.criterion_remove(user=coordinator, criterion=criteria[0])
    client_for(lead_expert).post(score_url(net, city_a), data)
    assert list(RubricScore.objects.values_list("criterion_title", flat=True)) == [
        "Stakeholder participation"
    ]


def test_with_no_criteria_the_score_page_says_so(
    client_for, net, city_a, plan, city_coordinator_a, lead_expert
):
    net.rubric.all().delete()  # the network removed every criterion
    submit(plan, city_coordinator_a)
    page = client_for(lead_expert).get(score_url(net, city_a))
    assert "The network's rubric has no criteria yet" in text(page)


# The demo -----------------------------------------------------------------------------------


def test_the_demo_plan_is_scored_twice_and_loads_once(
    net, city_a, plan, criteria, city_coordinator_a, lead_expert
):
    today = dt.date(2030, 5, 10)
    load_scored_plan(plan, city=city_coordinator_a, lead_expert=lead_expert, today=today)
    plan.refresh_from_db()
    table = rubric.scores_of(plan=plan)
    assert plan.state == ReviewState.IN_REVIEW
    assert table.versions == [1, 2]
    risks = next(row for row in table.rows if row.title == "Risks")
    assert risks.cells[1].change_text == "Up from “Not addressed” in version 1."
    assert plan.versions.get(number=2).created_at.date() == dt.date(2030, 5, 4)
    scores = RubricScore.objects.count()
    load_scored_plan(plan, city=city_coordinator_a, lead_expert=lead_expert, today=today)
    assert RubricScore.objects.count() == scores == 12
    assert plan.versions.count() == 2
    assert RubricCriterion.objects.filter(network=net).count() == 6

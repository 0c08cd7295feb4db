"""Permission table for the IAP app: every page and action against every role, one case each.

City A's roadmap, plan and SSAs: its team and the network's staff (and the programme
officer, read-only) see them; another city's people get 404, as does anyone outside.
"""

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from iap.enums import RoadmapState, SectionKind
from iap.models import SmallScaleAction, SsaFile
from iap.rubric import rubric_for_new_network
from partners.services import roadmap_deadline_set
from reviews import services as engine
from reviews.enums import ReviewAction
from reviews.models import Message
from tests.permissions import check

ROLES = [
    "anonymous", "outsider", "other_network_coordinator", "city_member_a", "city_coordinator_a",
    "city_member_b", "city_coordinator_b", "lead_expert", "lead_partner", "ad_hoc_expert",
    "officer", "coordinator",
]  # fmt: skip
MEMBERS = set(ROLES) - {"anonymous", "outsider", "other_network_coordinator"}
STAFF = {"coordinator", "lead_partner", "lead_expert"}
TEAM_A = {"city_member_a", "city_coordinator_a"}
SEES_A = TEAM_A | STAFF | {"officer"}
#: Who sees every city (`Role.sees_every_city()`): the IAP page and the overviews.
ALL_CITIES = STAFF | {"officer"}
#: Pages of the network as a whole: another of its members gets 403, not 404.
NETWORK_PAGES = {
    "iap:review_queue", "iap:overview_roadmaps", "iap:overview_roadmaps_export",
    "iap:overview_actions", "iap:overview_actions_export", "iap:overview_ssas",
    "iap:overview_ssas_export", "iap:rubric", "iap:rubric_create", "iap:rubric_edit",
    "iap:rubric_remove",
}  # fmt: skip
#: The network's IAP rubric: the coordinator and the lead expert set it.
RUBRIC = {"coordinator", "lead_expert"}

PAGES = [
    ("iap:review_queue", [], ALL_CITIES),
    ("iap:overview_roadmaps", [], ALL_CITIES),
    ("iap:overview_roadmaps_export", ["csv"], ALL_CITIES),
    ("iap:overview_roadmaps_export", ["xlsx"], ALL_CITIES),
    ("iap:overview_actions", [], ALL_CITIES),
    ("iap:overview_actions_export", ["csv"], ALL_CITIES),
    ("iap:overview_actions_export", ["xlsx"], ALL_CITIES),
    ("iap:overview_ssas", [], ALL_CITIES),
    ("iap:overview_ssas_export", ["csv"], ALL_CITIES),
    ("iap:overview_ssas_export", ["xlsx"], ALL_CITIES),
    ("iap:roadmap", ["a"], SEES_A),
    ("iap:version", ["a", 1], SEES_A),
    ("iap:roadmap_export", ["a", "pdf"], SEES_A),
    ("iap:plan", ["a"], SEES_A),
    ("iap:plan_export", ["a", "csv"], SEES_A),
    ("iap:ssa_list", ["a"], SEES_A),
    ("iap:ssa_detail", ["a", "ssa"], SEES_A),
    ("iap:ssa_file_download", ["a", "ssa", "file"], SEES_A),
    ("iap:step_create", ["a"], TEAM_A),
    ("iap:step_edit", ["a", "step"], TEAM_A),
    ("iap:section_edit", ["a", "context"], TEAM_A),
    ("iap:action_create", ["a"], TEAM_A),
    ("iap:action_edit", ["a", "action"], TEAM_A),
    ("iap:ssa_create", ["a"], TEAM_A),
    ("iap:ssa_edit", ["a", "ssa"], TEAM_A),
    ("iap:ssa_file_upload", ["a", "ssa"], TEAM_A),
    ("iap:lesson_create", ["a", "ssa"], TEAM_A),
    ("iap:lesson_edit", ["a", "ssa", "lesson"], TEAM_A),
    ("iap:lesson_remove", ["a", "ssa", "lesson"], TEAM_A),
    ("iap:lesson_to_action", ["a", "ssa", "lesson"], TEAM_A),
    ("iap:rubric", [], RUBRIC),
    ("iap:rubric_create", [], RUBRIC),
    ("iap:rubric_edit", ["criterion"], RUBRIC),
    ("iap:rubric_remove", ["criterion"], RUBRIC),
    # Scored by a reviewer once submitted (tests/iap/test_rubric.py); a draft by nobody.
    ("iap:plan_score", ["a"], set()),
]
REVIEWERS = {"lead_expert", "lead_partner"}
ON_FUNDING = {"body": "A note", "part": "section-funding"}
ACTIONS = [
    ("iap:roadmap_thread_open", ["a"], TEAM_A | REVIEWERS, {"body": "A note"}),
    ("iap:roadmap_thread", ["a", "thread", "reply"], TEAM_A | REVIEWERS, {"body": "A reply"}),
    ("iap:plan_thread_open", ["a"], TEAM_A | REVIEWERS, ON_FUNDING),
    ("iap:plan_thread", ["a", "plan_thread", "reply"], TEAM_A | REVIEWERS, {"body": "A reply"}),
    ("iap:plan_transition", ["a"], {"city_coordinator_a"}, {"action": ReviewAction.SUBMIT}),
    ("iap:step_delete", ["a", "step"], TEAM_A, {}),
    ("iap:step_move", ["a", "step"], TEAM_A, {"direction": "down"}),
    ("iap:roadmap_transition", ["a"], {"city_coordinator_a"}, {"action": ReviewAction.SUBMIT}),
]
COVERED_URL_NAMES = {p[0] for p in PAGES} | {a[0] for a in ACTIONS}


@pytest.fixture
def world(roadmap_a, city_a, lead_expert, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    plan = city_a.action_plan
    plan.sections.filter(kind=SectionKind.CONTEXT).update(body="Few firms report on CSR.")
    action = plan.actions.create(title="Local CSR pact")
    thread = engine.thread_open(user=lead_expert, document=roadmap_a, body="Why?")
    plan_thread = engine.thread_open(user=lead_expert, document=plan, body="Which fund?")
    ssa = SmallScaleAction.objects.create(partner=city_a, title="Tree planting", action=action)
    item = SsaFile(ssa=ssa, title="Photo")
    item.file.save("trees.png", ContentFile(b"\x89PNG trees"), save=True)
    step = roadmap_a.steps.order_by("position").first()
    rubric_for_new_network(network=city_a.network)
    criterion = city_a.network.rubric.first()
    lesson = ssa.lesson_items.create(text="Ask the companies directly.")
    return {"a": city_a.slug, "step": step.pk, "action": action.pk, "ssa": ssa.pk, "file": item.pk,
            "criterion": criterion.pk, "lesson": lesson.pk, "thread": thread.pk,
            "plan_thread": plan_thread.pk}  # fmt: skip


def url(name, args, net, world):
    return reverse(
        name, args=[net.slug, *[world.get(a, a) if isinstance(a, str) else a for a in args]]
    )


def expected(role, allowed, *, network_page=False):
    """ "login", or the status code the role gets."""
    if role == "anonymous":
        return "login"
    if role not in MEMBERS:
        return 404  # another network, or none: the network itself is not there
    if role in allowed:
        return 200
    if network_page or role in SEES_A:
        return 403  # sees the network (or the city's plans), may not do this
    return 404  # another city's people: city A's plans are not there for them


@pytest.fixture
def with_version(roadmap_a, city_coordinator_a, in_state):
    """A submitted version 1, then back to draft so that the city may edit."""
    engine.submit(document=roadmap_a, user=city_coordinator_a)
    in_state(roadmap_a, "draft")


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    "name, args, allowed", PAGES, ids=[":".join([p[0], *map(str, p[1])]) for p in PAGES]
)
def test_pages(request, client_for, net, world, with_version, name, args, allowed, role):
    response = client_for(request.getfixturevalue(role)).get(url(name, args, net, world))
    check(response, expected(role, allowed, network_page=name in NETWORK_PAGES), role)


def nothing_changed(roadmap, plan):
    roadmap.refresh_from_db()
    plan.refresh_from_db()
    return (
        roadmap.state == RoadmapState.DRAFT
        and list(roadmap.steps.values_list("title", flat=True))
        == ["Set up the ULG", "Agree objectives"]
        and plan.state == RoadmapState.DRAFT
        and Message.objects.count() == 2  # the world's two threads, no reply
    )


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name, args, allowed, data", ACTIONS, ids=[a[0] for a in ACTIONS])
def test_actions(request, client_for, net, world, roadmap_a, name, args, allowed, data, role):
    plan = roadmap_a.partner.action_plan
    assert nothing_changed(roadmap_a, plan)
    response = client_for(request.getfixturevalue(role)).post(url(name, args, net, world), data)
    want = expected(role, allowed)
    if want == 200:
        assert response.status_code == 302, role
        assert not nothing_changed(roadmap_a, plan), role
    else:
        check(response, want, role)
        assert nothing_changed(roadmap_a, plan), role


def test_another_city_cannot_see_a_draft_even_by_guessing(
    client_for, net, roadmap_b, city_member_a
):
    client = client_for(city_member_a)
    response = client.get(reverse("iap:roadmap", args=[net.slug, "betatown"]))
    assert response.status_code == 404
    assert b"Betatown's secret draft step" not in response.content
    assert (
        client.get(reverse("iap:roadmap_export", args=[net.slug, "betatown", "csv"])).status_code
        == 404
    )


def test_the_city_cannot_edit_steps_while_the_roadmap_is_under_review(
    client_for, net, world, roadmap_a, in_state, city_member_a
):
    in_state(roadmap_a, "in_review")
    client = client_for(city_member_a)
    assert client.get(url("iap:step_create", ["a"], net, world)).status_code == 403
    response = client.post(url("iap:step_delete", ["a", "step"], net, world))
    assert response.status_code == 403 and roadmap_a.steps.count() == 2


def test_unknown_export_format_is_404(client_for, net, world, lead_expert):
    assert (
        client_for(lead_expert)
        .get(url("iap:roadmap_export", ["a", "docx"], net, world))
        .status_code
        == 404
    )


def test_queue_shows_state_waiting_and_who_is_late(
    client_for, net, city_a, city_b, roadmap_a, lead_expert, city_coordinator_a, coordinator
):
    roadmap_deadline_set(user=coordinator, network=net, due_on=dt.date(2020, 12, 31))
    engine.submit(document=roadmap_a, user=city_coordinator_a)
    page = (
        client_for(lead_expert).get(reverse("iap:review_queue", args=[net.slug])).content.decode()
    )
    alpha, beta = page.index("Alphaville"), page.index("Betatown")
    assert alpha < beta  # waiting for a review comes first
    assert "Submitted" in page[alpha:beta]
    assert "Late" in page[beta:] and "Late" not in page[alpha:beta]


def test_another_citys_ssa_is_404_even_through_ones_own_city(
    client_for, net, world, city_b, city_member_b
):
    """The SSA of city A, asked for under city B's address, is not there."""
    response = client_for(city_member_b).get(
        reverse("iap:ssa_detail", args=[net.slug, city_b.slug, world["ssa"]])
    )
    assert response.status_code == 404


def test_the_programme_officer_reads_every_city_and_changes_nothing(
    client_for, net, world, roadmap_a, officer
):
    client = client_for(officer)
    assert client.get(url("iap:roadmap", ["a"], net, world)).status_code == 200
    for name, args, _allowed, data in ACTIONS:
        assert client.post(url(name, args, net, world), data).status_code == 403, name
    assert nothing_changed(roadmap_a, roadmap_a.partner.action_plan)

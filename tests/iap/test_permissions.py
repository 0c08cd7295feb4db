"""Permission table for the IAP app: every page and action against every role.

City A's roadmap, plan and SSAs: its team and the network's staff (and the programme
officer, read-only) see them; another city's people get 404, as does anyone outside.
"""

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from iap import services
from iap.models import RoadmapComment, SectionComment, SmallScaleAction, SsaFile

ROLES = [
    "anonymous", "outsider", "other_network_coordinator", "city_member_a", "city_coordinator_a",
    "city_member_b", "city_coordinator_b", "lead_expert", "lead_partner", "ad_hoc_expert",
    "officer", "coordinator",
]  # fmt: skip
MEMBERS = set(ROLES) - {"anonymous", "outsider", "other_network_coordinator"}
STAFF = {"coordinator", "lead_partner", "lead_expert"}
TEAM_A = {"city_member_a", "city_coordinator_a"}
SEES_A = TEAM_A | STAFF | {"officer"}

PAGES = [
    ("iap:review_queue", [], STAFF),
    ("iap:deadline", [], {"coordinator"}),
    ("iap:roadmap", ["a"], SEES_A),
    ("iap:version", ["a", 1], SEES_A),
    ("iap:version_diff", ["a", 1, 1], SEES_A),
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
]
ACTIONS = [
    ("iap:roadmap_comment", ["a"], TEAM_A | {"lead_expert", "lead_partner"}, {"body": "A note"}),
    ("iap:section_comment", ["a", "context"], {"lead_expert", "lead_partner"}, {"body": "A note"}),
    ("iap:plan_status", ["a"], TEAM_A, {"status": "drafting"}),
    ("iap:step_delete", ["a", "step"], TEAM_A, {}),
    ("iap:roadmap_transition", ["a"], {"city_coordinator_a"}, {"action": "submit"}),
]
COVERED_URL_NAMES = {p[0] for p in PAGES} | {a[0] for a in ACTIONS}


@pytest.fixture
def world(roadmap_a, city_a, city_coordinator_a, lead_expert, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    plan = services.plan_for(partner=city_a)
    action = plan.actions.create(title="Local CSR pact")
    ssa = SmallScaleAction.objects.create(partner=city_a, title="Tree planting", action=action)
    item = SsaFile(ssa=ssa, title="Photo")
    item.file.save("trees.png", ContentFile(b"\x89PNG trees"), save=True)
    step = roadmap_a.steps.order_by("position").first()
    return {"a": city_a.slug, "step": step.pk, "action": action.pk, "ssa": ssa.pk, "file": item.pk}


def url(name, args, net, world):
    return reverse(
        name, args=[net.slug, *[world.get(a, a) if isinstance(a, str) else a for a in args]]
    )


def expected(role, allowed):
    if role == "anonymous":
        return "login"
    if role not in MEMBERS or role not in SEES_A and role not in allowed:
        return 404 if role != "anonymous" else "login"
    return 200 if role in allowed else 403


def check(response, want, role):
    if want == "login":
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], role
    else:
        assert response.status_code == want, f"{role}: {response.status_code} != {want}"


@pytest.fixture
def with_version(roadmap_a, city_coordinator_a, in_state):
    """A submitted version 1, then back to draft so that the city may edit."""
    services.roadmap_submit(roadmap=roadmap_a, user=city_coordinator_a)
    in_state(roadmap_a, "draft")


@pytest.mark.parametrize("name, args, allowed", PAGES, ids=[p[0] for p in PAGES])
def test_pages(request, client_for, net, world, with_version, name, args, allowed):
    for role in ROLES:
        response = client_for(request.getfixturevalue(role)).get(url(name, args, net, world))
        want = expected(role, allowed)
        if name in ("iap:review_queue", "iap:deadline") and role in MEMBERS and role not in allowed:
            want = 403  # network pages, not a city's: members see the network
        check(response, want, role)


@pytest.mark.parametrize("name, args, allowed, data", ACTIONS, ids=[a[0] for a in ACTIONS])
def test_actions(request, client_for, net, world, roadmap_a, name, args, allowed, data):
    for role in sorted(ROLES, key=lambda r: r in allowed):  # refused ones first
        want = expected(role, allowed)
        if want == 200 and name == "iap:step_delete":  # each allowed role removes a step of its own
            world["step"] = roadmap_a.steps.create(position=9, title="Extra").pk
        response = client_for(request.getfixturevalue(role)).post(url(name, args, net, world), data)
        if want == 200:
            assert response.status_code == 302, role
        else:
            check(response, want, role)
            roadmap_a.refresh_from_db()
            assert roadmap_a.state == "draft", role
            assert roadmap_a.steps.count() == 2, role
            assert not RoadmapComment.objects.exists() and not SectionComment.objects.exists(), role


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
    from iap.models import IapSettings

    IapSettings.objects.create(network=net, roadmap_deadline=dt.date(2020, 12, 31))
    services.roadmap_submit(roadmap=roadmap_a, user=city_coordinator_a)
    page = (
        client_for(lead_expert).get(reverse("iap:review_queue", args=[net.slug])).content.decode()
    )
    alpha, beta = page.index("Alphaville"), page.index("Betatown")
    assert alpha < beta  # waiting for a review comes first
    assert "Submitted" in page[alpha:beta]
    assert "Late" in page[beta:] and "Late" not in page[alpha:beta]

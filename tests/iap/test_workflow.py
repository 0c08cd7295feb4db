"""Every roadmap transition, allowed or not, for every role — only through iap.services."""

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from iap import services
from iap.enums import RoadmapAction
from iap.enums import RoadmapState as S
from iap.models import RoadmapTransition, RoadmapVersion
from partners.models import Notification
from portal.outbox import OutboxStatus, send_pending

ROLES = [
    "city_member_a", "city_coordinator_a", "city_member_b", "city_coordinator_b", "lead_expert",
    "lead_partner", "ad_hoc_expert", "officer", "coordinator", "other_network_coordinator",
    "outsider",
]  # fmt: skip


def run(action, roadmap, user):
    comment = "Please add the ULG meetings."
    return {
        "submit": lambda: services.roadmap_submit(roadmap=roadmap, user=user),
        "start_review": lambda: services.roadmap_start_review(roadmap=roadmap, user=user),
        "request_changes": lambda: services.roadmap_request_changes(
            roadmap=roadmap, user=user, comment=comment
        ),
        "approve": lambda: services.roadmap_approve(roadmap=roadmap, user=user),
        "reopen": lambda: services.roadmap_reopen(roadmap=roadmap, user=user, reason=comment),
    }[action]()


#: (action, from state, to state, the roles that may do it from that state)
ALLOWED = {
    ("submit", S.DRAFT): (S.SUBMITTED, {"city_coordinator_a"}),
    ("submit", S.CHANGES_REQUESTED): (S.SUBMITTED, {"city_coordinator_a"}),
    ("start_review", S.SUBMITTED): (S.IN_REVIEW, {"lead_expert", "lead_partner"}),
    ("request_changes", S.IN_REVIEW): (S.CHANGES_REQUESTED, {"lead_expert", "lead_partner"}),
    ("approve", S.IN_REVIEW): (S.APPROVED, {"lead_expert", "lead_partner"}),
    ("reopen", S.APPROVED): (S.CHANGES_REQUESTED, {"lead_expert"}),
}
ACTIONS = list(RoadmapAction)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("state", list(S))
def test_every_transition_for_every_role(request, roadmap_a, in_state, action, state, role):
    to_state, allowed = ALLOWED.get((action, state), (None, set()))
    user = request.getfixturevalue(role)
    in_state(roadmap_a, state)
    if role in allowed:
        result = run(action, roadmap_a, user)
        assert result.state == to_state
        last = RoadmapTransition.objects.get()
        assert (last.from_state, last.to_state, last.by) == (state, to_state, user)
    else:
        with pytest.raises(PermissionDenied):
            run(action, roadmap_a, user)
        roadmap_a.refresh_from_db()
        assert roadmap_a.state == state
        assert not RoadmapTransition.objects.exists()


def test_a_city_cannot_approve_its_own_roadmap(
    roadmap_a, in_state, city_coordinator_a, city_member_a
):
    in_state(roadmap_a, S.IN_REVIEW)
    for person in (city_coordinator_a, city_member_a):
        with pytest.raises(PermissionDenied):
            services.roadmap_approve(roadmap=roadmap_a, user=person)
    roadmap_a.refresh_from_db()
    assert roadmap_a.state == S.IN_REVIEW


def test_the_lead_expert_of_another_network_cannot_review(
    roadmap_a, in_state, other_net, other_city
):
    from partners.enums import Role
    from tests.factories import MembershipFactory, UserFactory

    foreign_le = UserFactory()
    MembershipFactory(user=foreign_le, network=other_net, role=Role.LEAD_EXPERT)
    in_state(roadmap_a, S.SUBMITTED)
    with pytest.raises(PermissionDenied):
        services.roadmap_start_review(roadmap=roadmap_a, user=foreign_le)


def test_requests_and_reopening_need_a_comment(roadmap_a, in_state, lead_expert):
    in_state(roadmap_a, S.IN_REVIEW)
    with pytest.raises(ValidationError):
        services.roadmap_request_changes(roadmap=roadmap_a, user=lead_expert, comment="  ")
    in_state(roadmap_a, S.APPROVED)
    with pytest.raises(ValidationError):
        services.roadmap_reopen(roadmap=roadmap_a, user=lead_expert, reason="")
    roadmap_a.refresh_from_db()
    assert roadmap_a.state == S.APPROVED


def test_an_empty_roadmap_cannot_be_submitted(city_a, city_coordinator_a):
    roadmap = city_a.roadmap
    with pytest.raises(ValidationError):
        services.roadmap_submit(roadmap=roadmap, user=city_coordinator_a)
    roadmap.refresh_from_db()
    assert roadmap.state == S.DRAFT and not roadmap.versions.exists()


def test_each_transition_tells_the_other_side_in_the_app_and_by_email(
    roadmap_a, city_coordinator_a, city_member_a, lead_expert, lead_partner
):
    services.roadmap_submit(roadmap=roadmap_a, user=city_coordinator_a)
    assert set(Notification.objects.values_list("recipient__email", flat=True)) == {
        lead_expert.email,
        lead_partner.email,
    }
    assert send_pending()[OutboxStatus.SENT] == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted([lead_expert.email, lead_partner.email])
    services.roadmap_start_review(roadmap=roadmap_a, user=lead_expert)
    services.roadmap_request_changes(roadmap=roadmap_a, user=lead_expert, comment="Add ULG dates.")
    assert send_pending()[OutboxStatus.SENT] == 4
    assert len(mail.outbox) == 6
    to_city = [m for m in mail.outbox if m.to == [city_member_a.email]]
    assert any("Changes requested" in m.subject and "Add ULG dates." in m.body for m in to_city)


def test_each_submission_freezes_a_version_that_later_edits_do_not_change(
    roadmap_a, city_coordinator_a, lead_expert
):
    services.roadmap_submit(roadmap=roadmap_a, user=city_coordinator_a)
    step = roadmap_a.steps.get(position=1)
    services.roadmap_start_review(roadmap=roadmap_a, user=lead_expert)
    services.roadmap_request_changes(roadmap=roadmap_a, user=lead_expert, comment="Dates?")
    roadmap_a.refresh_from_db()
    services.step_save(
        roadmap=roadmap_a,
        user=city_coordinator_a,
        step=step,
        version=step.version,
        data={
            "title": "Set up the URBACT Local Group",
            "due_on": step.due_on,
            "starts_on": step.starts_on,
            "owner": "Deputy mayor's office",
            "description": "",
            "status": "in_progress",
            "is_milestone": False,
        },
    )
    first = RoadmapVersion.objects.get(number=1)
    assert first.steps[0]["title"] == "Set up the ULG"  # frozen
    services.roadmap_submit(roadmap=roadmap_a, user=city_coordinator_a)
    second = RoadmapVersion.objects.get(number=2)
    assert second.steps[0]["title"] == "Set up the URBACT Local Group"

    changes = {c.title: c for c in services.version_diff(first, second)}
    change = changes["Set up the URBACT Local Group"]
    assert change.kind == "changed"
    fields = {name: (before, after, parts) for name, before, after, parts in change.fields}
    assert fields["owner"][:2] == ("City team", "Deputy mayor's office")
    assert ("-", "ULG") in fields["title"][2] and ("+", "URBACT Local Group") in fields["title"][2]
    assert fields["status"][:2] == ("not_started", "in_progress")
    assert changes["Agree objectives"].kind == "same"


def test_a_city_asking_for_changes_without_a_comment_is_refused_not_corrected(
    roadmap_a, in_state, city_coordinator_a
):
    in_state(roadmap_a, S.IN_REVIEW)
    with pytest.raises(PermissionDenied):
        services.roadmap_request_changes(roadmap=roadmap_a, user=city_coordinator_a, comment="")

"""The review engine's transitions, the same for the roadmap and the IAP: who may do each
from each state, what it records, freezes and tells; withdrawing; the review that starts
by itself. Only through reviews.services, as the pages, the admin and the demo do."""

from itertools import pairwise

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count

from partners.enums import Role
from partners.models import Notification
from portal.outbox import OutboxStatus, send_pending
from reviews import services
from reviews.enums import ReviewAction as A
from reviews.enums import ReviewState as S
from reviews.enums import Side, ThreadState
from reviews.models import Thread
from tests.factories import MembershipFactory, UserFactory
from tests.reviews.conftest import (
    CITY_TEAM_A,
    PLAN,
    REVIEWERS,
    ROADMAP,
    parts_of,
    put_in_state,
    reload,
    told,
    undone,
    write_document,
)

COMMENT = "Please add the ULG meetings."


def run(action, document, user):
    return {
        A.SUBMIT: lambda: services.submit(user=user, document=document, comment=COMMENT),
        A.WITHDRAW: lambda: services.withdraw(user=user, document=document, reason=COMMENT),
        A.END_PEER_REVIEW: lambda: services.end_peer_review(user=user, document=document),
        A.REQUEST_CHANGES: lambda: services.request_changes(
            user=user, document=document, comment=COMMENT
        ),
        A.APPROVE: lambda: services.approve(user=user, document=document, comment=COMMENT),
        A.REOPEN: lambda: services.reopen(user=user, document=document, reason=COMMENT),
    }[action]()


#: (action, from state) → (to state, the roles that may do it). Without paired cities: a
#: withdrawn document goes back to draft, its first state.
ALLOWED = {
    (A.SUBMIT, S.DRAFT): (S.SUBMITTED, {"city_coordinator_a"}),
    (A.SUBMIT, S.CHANGES_REQUESTED): (S.SUBMITTED, {"city_coordinator_a"}),
    (A.WITHDRAW, S.SUBMITTED): (S.DRAFT, {"city_coordinator_a"}),
    (A.WITHDRAW, S.PEER_REVIEW): (S.DRAFT, {"city_coordinator_a"}),
    (A.END_PEER_REVIEW, S.PEER_REVIEW): (S.SUBMITTED, REVIEWERS),
    (A.REQUEST_CHANGES, S.SUBMITTED): (S.CHANGES_REQUESTED, REVIEWERS),
    (A.REQUEST_CHANGES, S.IN_REVIEW): (S.CHANGES_REQUESTED, REVIEWERS),
    (A.APPROVE, S.SUBMITTED): (S.APPROVED, REVIEWERS),
    (A.APPROVE, S.IN_REVIEW): (S.APPROVED, REVIEWERS),
    (A.REOPEN, S.APPROVED): (S.CHANGES_REQUESTED, {"lead_expert"}),
}


def told_of(action, state, role) -> set[str]:
    """The roles told of an action: the other side, never the person who did it."""
    return {
        A.SUBMIT: REVIEWERS,
        A.WITHDRAW: REVIEWERS if state == S.SUBMITTED else set(),  # no paired city here
        A.END_PEER_REVIEW: REVIEWERS,
        A.REQUEST_CHANGES: CITY_TEAM_A,
        A.APPROVE: CITY_TEAM_A | {"coordinator"},
        A.REOPEN: CITY_TEAM_A,
    }[action] - {role}


def in_order(content):
    """A frozen plan's sections by kind (the order they are read in is the database's)."""
    if isinstance(content, dict):
        return {**content, "sections": sorted(content["sections"], key=lambda s: s["kind"])}
    return content


def what_is_there(document):
    """The document's state and how many transitions, versions, threads and notifications
    there are (two queries: the table below asks it some 650 times)."""
    counts = {
        f"n_{name}": Count(name, distinct=True) for name in ("transitions", "versions", "threads")
    }
    row = type(document).objects.filter(pk=document.pk).annotate(**counts)
    return (*row.values_list("state", *counts).get(), Notification.objects.count())


@pytest.mark.parametrize("action", list(A))
def test_every_transition_from_every_state_for_every_role(document, people, action):
    for state in S:
        to_state, allowed = ALLOWED.get((action, state), (None, set()))
        for role, user in people.items():
            with undone():
                start = put_in_state(document, state)
                if role in allowed:
                    check_done(action, start, user, role, to_state, people)
                else:
                    before = what_is_there(start)
                    with pytest.raises(PermissionDenied):
                        run(action, start, user)
                    assert what_is_there(start) == before, f"{role} from {state}"


def check_done(action, start, user, role, to_state, people):
    """The action done: the new state, its history, the version a submission freezes, the
    change-request thread, and who was told."""
    state, where = start.state, f"{role} from {start.state}"
    frozen = start.snapshot() if action == A.SUBMIT else None

    result = run(action, start, user)

    assert result.state == to_state == reload(start).state, where
    path = [state, to_state]
    if state == S.SUBMITTED and action in (A.REQUEST_CHANGES, A.APPROVE):
        path = [state, S.IN_REVIEW, to_state]  # the decision starts the review
    history = list(start.transitions.order_by("at", "pk"))
    assert [(t.from_state, t.to_state, t.by) for t in history] == [
        (a, b, user) for a, b in pairwise(path)
    ], where
    if action != A.END_PEER_REVIEW:
        assert history[-1].comment == COMMENT, where
    versions = list(start.versions.all())
    if action == A.SUBMIT:
        assert [(v.number, v.created_by, v.withdrawn_at) for v in versions] == [(1, user, None)]
        content = getattr(versions[0], start.version_field)
        assert in_order(content) == in_order(frozen), where
    else:
        assert versions == [], where
    threads = list(start.threads.all())
    if action in (A.REQUEST_CHANGES, A.REOPEN):
        [thread] = threads
        assert (thread.is_change_request, thread.state, thread.side) == (
            True, ThreadState.OPEN, Side.REVIEWER
        ), where  # fmt: skip
        assert [m.body for m in thread.messages.all()] == [COMMENT]
    else:
        assert threads == [], where
    want = {people[r].email for r in told_of(action, state, role)}
    assert told() == dict.fromkeys(want, 1), where  # once each, in the app and by e-mail


def test_the_city_and_the_reviewers_hear_of_each_step_by_email(
    document, city_coordinator_a, city_member_a, lead_expert, lead_partner, coordinator
):
    services.submit(user=city_coordinator_a, document=document)
    assert send_pending()[OutboxStatus.SENT] == 2
    assert sorted(m.to[0] for m in mail.outbox) == sorted([lead_expert.email, lead_partner.email])
    assert all("Alphaville submitted its" in m.subject for m in mail.outbox)

    mail.outbox.clear()
    services.request_changes(user=lead_expert, document=document, comment="Add ULG dates.")
    assert send_pending()[OutboxStatus.SENT] == 2  # the review started with it: told once
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [city_coordinator_a.email, city_member_a.email]
    )
    assert all("Changes requested" in m.subject and "Add ULG dates." in m.body for m in mail.outbox)

    mail.outbox.clear()
    services.submit(user=city_coordinator_a, document=document)
    services.approve(user=lead_partner, document=document)
    send_pending()
    approved = sorted(m.to[0] for m in mail.outbox if "is approved" in m.subject)
    assert approved == sorted([city_coordinator_a.email, city_member_a.email, coordinator.email])


def test_a_document_with_nothing_written_cannot_be_submitted(kind, city_b, city_coordinator_b):
    empty = city_b.roadmap if kind == ROADMAP else city_b.action_plan
    with pytest.raises(ValidationError):
        services.submit(user=city_coordinator_b, document=empty)
    empty = reload(empty)
    assert empty.state == S.DRAFT and not empty.versions.exists()
    assert not empty.transitions.exists() and not Notification.objects.exists()


def change_the_text(document, text):
    """What the city writes after a submission (a step's title, a section's text)."""
    if document.review_kind == ROADMAP:
        document.steps.filter(position=1).update(title=text)
    else:
        document.sections.filter(kind="context").update(body=text)


def first_text(content, kind):
    if kind == ROADMAP:
        return content[0]["title"]
    return next(s["body"] for s in content["sections"] if s["kind"] == "context")


def test_each_submission_freezes_a_version_that_later_edits_do_not_change(
    kind, document, city_coordinator_a, lead_expert
):
    services.submit(user=city_coordinator_a, document=document)
    services.request_changes(user=lead_expert, document=document, comment="Dates?")
    change_the_text(document, "Set up the URBACT Local Group with the chamber of commerce")
    services.submit(user=city_coordinator_a, document=document)

    first, second = reload(document).versions.order_by("number")
    assert first_text(first.content, kind) == {
        ROADMAP: "Set up the ULG", PLAN: "Few firms report on CSR."
    }[kind]  # fmt: skip
    assert first_text(second.content, kind) == (
        "Set up the URBACT Local Group with the chamber of commerce"
    )
    assert second.created_by == city_coordinator_a
    assert reload(document).state == S.SUBMITTED


# Withdrawing -----------------------------------------------------------------------------


def test_the_city_withdraws_a_first_submission_back_to_draft_and_may_edit_again(
    document, city_coordinator_a, city_member_a, lead_expert, lead_partner
):
    services.submit(user=city_coordinator_a, document=document)
    Notification.objects.all().delete()

    back = services.withdraw(user=city_coordinator_a, document=document, reason="A typo.")

    assert back.state == S.DRAFT
    [version] = back.versions.all()
    assert version.withdrawn_at is not None
    last = back.transitions.order_by("-at", "-pk").first()
    assert (last.from_state, last.to_state, last.comment) == (S.SUBMITTED, S.DRAFT, "A typo.")
    assert told() == {lead_expert.email: 1, lead_partner.email: 1}
    assert Notification.objects.filter(title__contains="Alphaville withdrew its").count() == 2
    assert city_member_a.has_perm(back.perm("edit"), back)
    # Submitted again, it is a new version; the withdrawn one stays marked.
    again = services.submit(user=city_coordinator_a, document=back)
    assert [(v.number, v.withdrawn_at is None) for v in again.versions.order_by("number")] == [
        (1, False),
        (2, True),
    ]


def test_a_resubmission_withdrawn_goes_back_to_changes_requested(
    document, city_coordinator_a, lead_expert
):
    services.submit(user=city_coordinator_a, document=document)
    services.request_changes(user=lead_expert, document=document, comment="Dates?")
    services.submit(user=city_coordinator_a, document=document)

    back = services.withdraw(user=city_coordinator_a, document=document)

    assert back.state == S.CHANGES_REQUESTED
    assert [(v.number, v.withdrawn_at is None) for v in back.versions.order_by("number")] == [
        (1, True),
        (2, False),
    ]
    assert back.threads.get(is_change_request=True).state == ThreadState.OPEN


@pytest.mark.parametrize("how", ["comment", "decision"])
def test_once_the_review_started_the_city_cannot_withdraw(
    document, city_coordinator_a, lead_expert, how
):
    services.submit(user=city_coordinator_a, document=document)
    if how == "comment":
        services.thread_open(user=lead_expert, document=document, body="Looking at it.")
    else:
        services.approve(user=lead_expert, document=document)
    state = reload(document).state
    with pytest.raises(PermissionDenied):
        services.withdraw(user=city_coordinator_a, document=document)
    assert reload(document).state == state != S.DRAFT
    assert reload(document).versions.get().withdrawn_at is None


# The review starts by itself -------------------------------------------------------------


def review_started(document):
    return list(
        reload(document).transitions.filter(to_state=S.IN_REVIEW).values_list("by", flat=True)
    )


@pytest.mark.parametrize("reviewer", ["lead_expert", "lead_partner"])
def test_a_reviewers_first_comment_starts_the_review_and_the_city_hears_once(
    request, document, city_coordinator_a, city_member_a, reviewer
):
    user = request.getfixturevalue(reviewer)
    services.submit(user=city_coordinator_a, document=document)
    Notification.objects.all().delete()

    services.thread_open(user=user, document=document, body="Why this order?")

    assert reload(document).state == S.IN_REVIEW
    assert review_started(document) == [user.pk]
    assert told() == {city_coordinator_a.email: 1, city_member_a.email: 1}
    assert Notification.objects.filter(title__contains="review of your").count() == 2

    services.thread_open(user=user, document=document, body="And the budget?")
    assert review_started(document) == [user.pk]  # started once
    assert reload(document).state == S.IN_REVIEW


def test_a_reviewers_first_reply_starts_the_review_too(document, city_member_a, city_coordinator_a,
                                                       lead_expert):  # fmt: skip
    services.submit(user=city_coordinator_a, document=document)
    question = services.thread_open(user=city_member_a, document=document, body="Is it enough?")
    assert reload(document).state == S.SUBMITTED  # the city's own comment starts nothing

    services.thread_reply(user=lead_expert, thread=question, body="Almost.")

    assert reload(document).state == S.IN_REVIEW
    assert review_started(document) == [lead_expert.pk]


@pytest.mark.parametrize("decide", ["request_changes", "approve"])
def test_a_decision_on_a_submitted_document_records_the_review_it_started(
    document, city_coordinator_a, city_member_a, lead_expert, decide
):
    services.submit(user=city_coordinator_a, document=document)
    Notification.objects.all().delete()

    getattr(services, decide)(user=lead_expert, document=document, comment="Seen.")

    assert review_started(document) == [lead_expert.pk]
    assert told(recipient__in=[city_coordinator_a, city_member_a]) == {
        city_coordinator_a.email: 1,  # the decision, not "the review started" besides
        city_member_a.email: 1,
    }


def test_the_city_commenting_and_a_reviewer_commenting_a_draft_start_nothing(
    document, city_coordinator_a, city_member_a, lead_expert
):
    services.thread_open(user=lead_expert, document=document, body="An early thought.")
    assert reload(document).state == S.DRAFT
    services.submit(user=city_coordinator_a, document=document)
    services.thread_open(user=city_member_a, document=document, body="A note for us.")
    assert reload(document).state == S.SUBMITTED
    assert review_started(document) == []


def test_a_score_starts_the_review_through_begin_review(
    document, city_coordinator_a, lead_expert, coordinator
):
    services.submit(user=city_coordinator_a, document=document)
    with pytest.raises(PermissionDenied):
        services.begin_review(user=coordinator, document=document)
    assert reload(document).state == S.SUBMITTED

    services.begin_review(user=lead_expert, document=document)
    services.begin_review(user=lead_expert, document=document)  # once is enough

    assert review_started(document) == [lead_expert.pk]


# What a decision needs -------------------------------------------------------------------


@pytest.mark.parametrize("blank", ["", "   ", "\n\t"])
def test_changes_are_requested_and_a_document_reopened_only_with_a_comment(
    document, lead_expert, blank
):
    in_review = put_in_state(document, S.IN_REVIEW)
    with pytest.raises(ValidationError):
        services.request_changes(user=lead_expert, document=in_review, comment=blank)
    approved = put_in_state(document, S.APPROVED)
    with pytest.raises(ValidationError):
        services.reopen(user=lead_expert, document=approved, reason=blank)
    assert reload(document).state == S.APPROVED
    assert not reload(document).transitions.exists() and not Thread.objects.exists()


def test_the_change_request_is_a_thread_the_city_answers_and_the_reviewer_resolves(
    kind, document, city_coordinator_a, city_member_a, lead_expert
):
    services.submit(user=city_coordinator_a, document=document)
    services.request_changes(user=lead_expert, document=document, comment="Name the ULG members.")

    request_thread = Thread.objects.get(is_change_request=True)
    assert request_thread.document == reload(document)
    assert request_thread.version_number == 1 and request_thread.anchor is None
    assert request_thread.opened_by == lead_expert

    services.thread_mark_answered(user=city_member_a, thread=request_thread)
    services.thread_resolve(user=lead_expert, thread=request_thread)
    assert Thread.objects.get().state == ThreadState.RESOLVED


def test_a_reviewer_of_another_network_can_neither_decide_nor_comment(
    document, city_coordinator_a, other_net
):
    stranger = UserFactory(email="le-elsewhere@example.org")
    MembershipFactory(user=stranger, network=other_net, role=Role.LEAD_EXPERT)
    services.submit(user=city_coordinator_a, document=document)
    for attempt in (
        lambda: services.approve(user=stranger, document=document),
        lambda: services.begin_review(user=stranger, document=document),
        lambda: services.thread_open(user=stranger, document=document, body="Hello"),
    ):
        with pytest.raises(PermissionDenied):
            attempt()
    assert reload(document).state == S.SUBMITTED and not Thread.objects.exists()


def test_latest_version_is_the_last_submitted(document, city_coordinator_a, lead_expert):
    assert services.latest_version(document) is None
    services.submit(user=city_coordinator_a, document=document)
    services.request_changes(user=lead_expert, document=document, comment="Dates?")
    services.submit(user=city_coordinator_a, document=document)
    assert services.latest_version(reload(document)).number == 2


def test_the_roadmap_and_the_plan_of_a_city_are_reviewed_apart(
    city_a, city_coordinator_a, lead_expert
):
    roadmap, plan = write_document(ROADMAP, city_a), write_document(PLAN, city_a)
    services.submit(user=city_coordinator_a, document=roadmap)
    services.thread_open(user=lead_expert, document=roadmap, body="On the roadmap.",
                         anchor=parts_of(roadmap)[0])  # fmt: skip
    assert reload(roadmap).state == S.IN_REVIEW and reload(plan).state == S.DRAFT
    assert reload(roadmap).threads.count() == 1 and reload(plan).threads.count() == 0
    assert not plan.transitions.exists() and not plan.versions.exists()

"""Comment threads on a roadmap or an IAP, or on one of its parts: who opens, replies, marks
answered and resolves; what is refused; who hears of it; how many stay open."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from iap.models import ActionPlan, Roadmap
from iap.selectors import threads_of
from partners.models import Notification
from reviews import services
from reviews.enums import ReviewState as S
from reviews.enums import Side, ThreadState
from reviews.models import Message, Thread
from reviews.selectors import open_thread_counts, threads_visible
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

#: Who writes on a city's document, and as which side; everyone else may not.
WRITERS = {
    "city_coordinator_a": Side.CITY,
    "city_member_a": Side.CITY,
    "lead_expert": Side.REVIEWER,
    "lead_partner": Side.REVIEWER,
}


def part_name(part) -> str:
    """How a page names the part (iap.selectors.threads_of)."""
    kind = type(part).__name__
    if kind == "PlanSection":
        return f"section-{part.kind}"
    return f"{'step' if kind == 'RoadmapStep' else 'action'}-{part.pk}"


def test_a_thread_opens_on_the_document_or_on_each_of_its_parts(
    document, lead_expert, city_member_a
):
    whole = services.thread_open(user=lead_expert, document=document, body="In general: good.")
    on_parts = [
        services.thread_open(user=lead_expert, document=document, body=f"On {part}.", anchor=part)
        for part in parts_of(document)
    ]

    assert whole.anchor is None and whole.anchor_label == ""
    for thread, part in zip(on_parts, parts_of(document), strict=True):
        assert thread.anchor == part and thread.anchor_label == str(part)
        assert [m.body for m in thread.messages.all()] == [f"On {part}."]
    assert all(t.document == reload(document) for t in [whole, *on_parts])
    shown = {t.pk: t.part for t in threads_of(user=city_member_a, document=reload(document))}
    assert shown == {
        whole.pk: "",
        **{t.pk: part_name(p) for t, p in zip(on_parts, parts_of(document), strict=True)},
    }


def test_a_part_of_another_document_is_refused(kind, document, other_document, lead_expert):
    of_the_other_kind = write_document(PLAN if kind == ROADMAP else ROADMAP, document.partner)
    for foreign in [*parts_of(other_document), *parts_of(of_the_other_kind)]:
        with pytest.raises(ValidationError, match="another document"):
            services.thread_open(user=lead_expert, document=document, body="Hm.", anchor=foreign)
    assert not Thread.objects.exists() and not Message.objects.exists()
    assert reload(document).state == S.DRAFT


@pytest.mark.parametrize("state", [S.DRAFT, S.IN_REVIEW, S.APPROVED])
def test_the_city_and_the_reviewers_open_threads_and_nobody_else(document, people, state):
    for role, user in people.items():
        with undone():
            start = put_in_state(document, state)
            if role in WRITERS:
                thread = services.thread_open(user=user, document=start, body="A point.")
                assert (thread.side, thread.opened_by, thread.state) == (
                    WRITERS[role], user, ThreadState.OPEN
                ), role  # fmt: skip
                assert thread.messages.get().side == WRITERS[role]
            else:
                with pytest.raises(PermissionDenied):
                    services.thread_open(user=user, document=start, body="A point.")
                assert not Thread.objects.exists(), role


@pytest.fixture
def reviewer_thread(document, lead_expert):
    part = parts_of(document)[0]
    return services.thread_open(user=lead_expert, document=document, body="Why?", anchor=part)


@pytest.fixture
def city_thread(document, city_member_a):
    return services.thread_open(user=city_member_a, document=document, body="Is this enough?")


def test_the_city_and_the_reviewers_reply_and_nobody_else(reviewer_thread, people):
    for role, user in people.items():
        with undone():
            if role in WRITERS:
                message = services.thread_reply(user=user, thread=reviewer_thread, body="Yes.")
                assert (message.side, message.author) == (WRITERS[role], user), role
                assert reviewer_thread.messages.count() == 2
            else:
                with pytest.raises(PermissionDenied):
                    services.thread_reply(user=user, thread=reviewer_thread, body="Yes.")
                assert reviewer_thread.messages.count() == 1, role


def test_a_resolved_thread_takes_no_more_replies(reviewer_thread, lead_expert, city_member_a):
    services.thread_resolve(user=lead_expert, thread=reviewer_thread)
    for person in (lead_expert, city_member_a):
        with pytest.raises(PermissionDenied):
            services.thread_reply(user=person, thread=reviewer_thread, body="One more thing.")
    assert reviewer_thread.messages.count() == 1


@pytest.mark.parametrize("body", ["", "   \n", "Dates\x00?"])
def test_blank_comments_and_nul_bytes_are_refused(document, reviewer_thread, lead_expert, body):
    with pytest.raises(ValidationError):
        services.thread_open(user=lead_expert, document=document, body=body)
    with pytest.raises(ValidationError):
        services.thread_reply(user=lead_expert, thread=reviewer_thread, body=body)
    assert Thread.objects.count() == 1 and Message.objects.count() == 1


def test_a_long_comment_is_kept_whole(document, city_member_a):
    body = "Our ULG met. " * 1000
    thread = services.thread_open(user=city_member_a, document=document, body=body)
    assert thread.messages.get().body == body


# Answered and resolved --------------------------------------------------------------------


def test_the_city_marks_a_reviewers_thread_answered_and_the_reviewers_hear_of_it(
    reviewer_thread, city_member_a, lead_expert, lead_partner
):
    Notification.objects.all().delete()

    thread = services.thread_mark_answered(user=city_member_a, thread=reviewer_thread)

    assert thread.state == ThreadState.ANSWERED and thread.answered_at is not None
    assert told() == {lead_expert.email: 1, lead_partner.email: 1}
    assert "Alphaville answered a comment on its" in Notification.objects.first().title
    with pytest.raises(PermissionDenied):  # answered already
        services.thread_mark_answered(user=city_member_a, thread=reviewer_thread)


def test_only_the_city_marks_answered_and_not_on_its_own_thread(
    reviewer_thread, city_thread, people
):
    for role, user in people.items():
        with undone():
            if role in CITY_TEAM_A:
                services.thread_mark_answered(user=user, thread=reviewer_thread)
                assert reload_thread(reviewer_thread).state == ThreadState.ANSWERED
            else:
                with pytest.raises(PermissionDenied):
                    services.thread_mark_answered(user=user, thread=reviewer_thread)
            with pytest.raises(PermissionDenied):
                services.thread_mark_answered(user=user, thread=city_thread)
    assert {t.state for t in Thread.objects.all()} == {ThreadState.OPEN}


def reload_thread(thread):
    return Thread.objects.get(pk=thread.pk)


def test_a_reviewers_reply_to_an_answered_thread_opens_it_again(
    reviewer_thread, city_member_a, lead_expert
):
    services.thread_mark_answered(user=city_member_a, thread=reviewer_thread)
    services.thread_reply(user=city_member_a, thread=reviewer_thread, body="See step 2.")
    assert reload_thread(reviewer_thread).state == ThreadState.ANSWERED  # the city's own word

    services.thread_reply(user=lead_expert, thread=reviewer_thread, body="Not yet: the dates.")

    thread = reload_thread(reviewer_thread)
    assert (thread.state, thread.answered_at) == (ThreadState.OPEN, None)


def test_the_reviewers_resolve_any_thread_the_city_only_its_own(
    reviewer_thread, city_thread, people
):
    for role, user in people.items():
        for thread in (reviewer_thread, city_thread):
            may = role in REVIEWERS or (role in CITY_TEAM_A and thread == city_thread)
            with undone():
                if may:
                    services.thread_resolve(user=user, thread=thread)
                    resolved = reload_thread(thread)
                    assert resolved.state == ThreadState.RESOLVED, role
                    assert (resolved.resolved_by, resolved.resolved_at is not None) == (user, True)
                    with pytest.raises(PermissionDenied):  # once
                        services.thread_resolve(user=user, thread=thread)
                else:
                    with pytest.raises(PermissionDenied):
                        services.thread_resolve(user=user, thread=thread)
                    assert reload_thread(thread).state == ThreadState.OPEN, role


def test_an_answered_thread_is_resolved_by_the_reviewer(
    reviewer_thread, city_member_a, lead_partner
):
    services.thread_mark_answered(user=city_member_a, thread=reviewer_thread)
    services.thread_resolve(user=lead_partner, thread=reviewer_thread)
    assert reload_thread(reviewer_thread).state == ThreadState.RESOLVED


# Who hears of it --------------------------------------------------------------------------


def test_each_comment_tells_the_other_side_never_the_writer(
    document, city_coordinator_a, city_member_a, lead_expert, lead_partner, coordinator
):
    city = {city_coordinator_a.email: 1, city_member_a.email: 1}
    reviewers = {lead_expert.email: 1, lead_partner.email: 1}

    thread = services.thread_open(user=lead_expert, document=document, body="Why?")
    assert told() == city
    assert Notification.objects.filter(body="Why?").count() == 2

    Notification.objects.all().delete()
    services.thread_reply(user=city_member_a, thread=thread, body="Because.")
    assert told() == reviewers

    Notification.objects.all().delete()
    services.thread_reply(user=lead_partner, thread=thread, body="Fine.")
    assert told() == city

    Notification.objects.all().delete()
    services.thread_open(user=city_coordinator_a, document=document, body="A question.")
    assert told() == reviewers
    assert coordinator.email not in told()


# Counts and who reads what ----------------------------------------------------------------


def test_open_threads_are_counted_per_document(
    kind, document, other_document, lead_expert, city_member_a, city_coordinator_b
):
    model = Roadmap if kind == ROADMAP else ActionPlan
    threads = [
        services.thread_open(user=lead_expert, document=document, body=f"Point {n}")
        for n in range(4)
    ]
    services.thread_mark_answered(user=city_member_a, thread=threads[0])
    services.thread_resolve(user=lead_expert, thread=threads[1])
    services.thread_open(user=city_coordinator_b, document=other_document, body="Ours.")
    the_other_kind = write_document(PLAN if kind == ROADMAP else ROADMAP, document.partner)
    services.thread_open(user=lead_expert, document=the_other_kind, body="Elsewhere.")

    counts = dict(open_thread_counts(model.objects.all()).values_list("partner", "open_threads"))

    assert counts[document.partner_id] == 2  # neither the answered nor the resolved one
    assert counts[other_document.partner_id] == 1


@pytest.mark.parametrize(
    "role, sees",
    [
        ("city_member_a", True),
        ("city_coordinator_a", True),
        ("lead_expert", True),
        ("lead_partner", True),
        ("coordinator", True),
        ("officer", True),
        ("city_coordinator_b", False),
        ("other_network_coordinator", False),
    ],
)
def test_the_threads_a_person_reads(request, document, reviewer_thread, city_thread, role, sees):
    user = request.getfixturevalue(role)
    visible = set(threads_visible(user=user, document=document).values_list("pk", flat=True))
    assert visible == ({reviewer_thread.pk, city_thread.pk} if sees else set())

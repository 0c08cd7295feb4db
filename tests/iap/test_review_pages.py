"""The review on the roadmap and IAP pages: the actions each person is offered, comment
threads shown where their part is, replying, answering and resolving through the pages,
and what a bad comment or a bad address gets."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from iap.models import PlanTransition
from partners.enums import GroupKind
from partners.models import CityGroup
from reviews import services as engine
from reviews.enums import ReviewState, ThreadState
from reviews.models import Thread

ACTION = re.compile(r'name="action" value="([a-z_]+)"')
ALERT = re.compile(r'<div class="alert alert-(\w+)" role="alert">(.*?)</div>', re.DOTALL)

#: The actions each role is offered on city A's roadmap or plan, in each state.
OFFERED = {
    ReviewState.DRAFT: {
        "city_coordinator_a": {"submit"},
        "city_member_a": set(),
        "lead_expert": set(),
    },
    ReviewState.PEER_REVIEW: {
        "city_coordinator_a": {"withdraw"},
        "city_coordinator_b": {"end_peer_review"},
        "lead_expert": {"end_peer_review"},
    },
    ReviewState.SUBMITTED: {
        "city_coordinator_a": {"withdraw"},
        "city_member_a": set(),
        "lead_expert": {"request_changes", "approve"},
        "lead_partner": {"request_changes", "approve"},
        "coordinator": set(),
        "officer": set(),
    },
    ReviewState.IN_REVIEW: {
        "city_coordinator_a": set(),
        "lead_expert": {"request_changes", "approve"},
    },
    ReviewState.CHANGES_REQUESTED: {"city_coordinator_a": {"submit"}, "lead_expert": set()},
    ReviewState.APPROVED: {
        "lead_expert": {"reopen"},
        "lead_partner": set(),
        "city_coordinator_a": set(),
    },
}


def document_of(city, kind):
    return city.roadmap if kind == "roadmap" else city.action_plan


def alerts(client, url) -> list[tuple[str, str]]:
    return ALERT.findall(client.get(url).content.decode())


def thread_url(net, kind, thread, what):
    return reverse(f"iap:{kind}_thread", args=[net.slug, "alphaville", thread.pk, what])


@pytest.fixture
def paired(net, city_a, city_b):
    """A and B comment on each other's roadmap and plan for ten days."""
    net.peer_review_days = 10
    net.save(update_fields=["peer_review_days"])
    group = CityGroup.objects.create(network=net, kind=GroupKind.PAIR, topic="Green jobs")
    group.cities.set([city_a, city_b])
    return group


@pytest.mark.parametrize("kind", ["roadmap", "plan"])
@pytest.mark.parametrize("state", OFFERED)
def test_each_person_is_offered_the_review_actions_of_their_role(
    request, client_for, city_a, paired, kind, state
):
    document = document_of(city_a, kind)
    type(document).objects.filter(pk=document.pk).update(
        state=state, peer_review_until=timezone.localdate() + dt.timedelta(days=5)
    )
    for role, actions in OFFERED[state].items():
        response = client_for(request.getfixturevalue(role)).get(document.get_absolute_url())
        assert response.status_code == 200, role
        assert set(ACTION.findall(response.content.decode())) == actions, role


def test_the_state_says_what_happens_next(client_for, roadmap_a, city_coordinator_a):
    engine.submit(document=roadmap_a, user=city_coordinator_a)
    page = client_for(city_coordinator_a).get(roadmap_a.get_absolute_url()).content.decode()
    submitted_on = timezone.localdate().strftime("%-d %B %Y")
    assert "State: <strong>Submitted</strong>" in page
    assert f"Submitted on {submitted_on}, waiting for the lead expert's review." in page


def test_a_comment_on_a_step_shows_under_that_step_and_starts_the_review(
    client_for, net, roadmap_a, city_coordinator_a, city_member_a, lead_expert
):
    engine.submit(document=roadmap_a, user=city_coordinator_a)
    first, second = roadmap_a.steps.order_by("position")
    response = client_for(lead_expert).post(
        reverse("iap:roadmap_thread_open", args=[net.slug, "alphaville"]),
        {"part": f"step-{second.pk}", "body": "Who from the ULG?"},
    )
    thread = Thread.objects.get()
    assert response["Location"] == f"{roadmap_a.get_absolute_url()}#thread-{thread.pk}"
    roadmap_a.refresh_from_db()
    assert roadmap_a.state == ReviewState.IN_REVIEW  # the first comment started the review

    page = client_for(city_member_a).get(roadmap_a.get_absolute_url()).content.decode()
    row = page.index(f'id="step-{second.pk}"')
    shown = page.index(f'id="thread-{thread.pk}"')
    assert page.index(f'id="step-{first.pk}"') < row < shown < page.index("</table>", row)
    assert "Who from the ULG?" in page[shown:]
    # The city finds it from the top of the page too.
    feedback = page[page.index('id="feedback-heading"') : page.index('id="steps-heading"')]
    assert f'<a href="#thread-{thread.pk}">Agree objectives</a>' in feedback


def test_the_city_replies_and_marks_answered_then_the_reviewer_resolves(
    client_for, net, roadmap_a, city_coordinator_a, city_member_a, lead_expert
):
    engine.submit(document=roadmap_a, user=city_coordinator_a)
    step = roadmap_a.steps.get(position=2)
    thread = engine.thread_open(
        document=roadmap_a, user=lead_expert, body="Who from the ULG?", anchor=step
    )
    back = f"{roadmap_a.get_absolute_url()}#thread-{thread.pk}"
    city, expert = client_for(city_member_a), client_for(lead_expert)
    page = city.get(roadmap_a.get_absolute_url()).content.decode()
    assert thread_url(net, "roadmap", thread, "answered") in page
    assert thread_url(net, "roadmap", thread, "resolve") not in page  # the reviewer's

    reply = city.post(thread_url(net, "roadmap", thread, "reply"), {"body": "The chamber."})
    assert reply["Location"] == back
    answered = city.post(thread_url(net, "roadmap", thread, "answered"))
    assert answered["Location"] == back
    thread.refresh_from_db()
    assert thread.state == ThreadState.ANSWERED
    assert ("success", "The comment is marked answered; the reviewer has been told.") in alerts(
        city, roadmap_a.get_absolute_url()
    )

    page = expert.get(roadmap_a.get_absolute_url()).content.decode()
    assert "The chamber." in page and "Answered</span>" in page
    assert expert.post(thread_url(net, "roadmap", thread, "resolve"))["Location"] == back
    thread.refresh_from_db()
    assert thread.state == ThreadState.RESOLVED
    page = city.get(roadmap_a.get_absolute_url()).content.decode()
    assert f'<details id="thread-{thread.pk}"' in page  # resolved: folded, still there
    assert thread_url(net, "roadmap", thread, "reply") not in page


def test_comments_on_a_plan_section_and_action_show_where_they_belong(
    client_for, net, city_a, city_coordinator_a, city_member_a, lead_expert
):
    plan = city_a.action_plan
    plan.sections.filter(kind="funding").update(body="The city budget.")
    action = plan.actions.create(title="Local CSR pact")
    engine.submit(document=plan, user=city_coordinator_a)
    expert = client_for(lead_expert)
    opened = reverse("iap:plan_thread_open", args=[net.slug, "alphaville"])
    expert.post(opened, {"part": "section-funding", "body": "Which fund?"})
    expert.post(opened, {"part": f"action-{action.pk}", "body": "Who signs it?"})
    on_section = Thread.objects.get(messages__body="Which fund?")
    on_action = Thread.objects.get(messages__body="Who signs it?")

    page = client_for(city_member_a).get(plan.get_absolute_url()).content.decode()
    funding = page.index('id="section-funding"')
    assert (
        funding < page.index(f'id="thread-{on_section.pk}"') < page.index('id="section-monitoring"')
    )
    assert f'href="#action-{action.pk}-comments">1 comment' in page
    comments = page.index(f'id="action-{action.pk}-comments"')
    assert page.index("</table>") < comments < page.index(f'id="thread-{on_action.pk}"')
    assert 'name="status"' not in page  # the old "mark the plan final" form is gone


@pytest.mark.parametrize("what", ["reply", "answered", "resolve"])
def test_another_citys_team_gets_404_on_the_thread_addresses(
    client_for, net, roadmap_a, city_b, city_member_b, lead_expert, what
):
    thread = engine.thread_open(document=roadmap_a, user=lead_expert, body="Who from the ULG?")
    other = client_for(city_member_b)
    assert other.post(thread_url(net, "roadmap", thread, what), {"body": "Hi"}).status_code == 404
    opened = reverse("iap:roadmap_thread_open", args=[net.slug, "alphaville"])
    assert other.post(opened, {"body": "Hi"}).status_code == 404
    assert thread.messages.count() == 1 and Thread.objects.count() == 1


def test_a_thread_of_another_document_or_an_unknown_action_is_404(
    client_for, net, roadmap_a, city_a, city_member_a, lead_expert
):
    on_plan = engine.thread_open(document=city_a.action_plan, user=lead_expert, body="Which?")
    client = client_for(city_member_a)
    assert (
        client.post(thread_url(net, "roadmap", on_plan, "reply"), {"body": "Hi"}).status_code == 404
    )
    assert client.post(thread_url(net, "plan", on_plan, "delete")).status_code == 404


@pytest.mark.parametrize(
    "kind, part",
    [
        ("roadmap", "step-999999"),
        ("roadmap", "step-abc"),
        ("roadmap", "section-context"),
        ("roadmap", "bogus"),
        ("roadmap", "step-of-b"),
        ("plan", "section-nope"),
        ("plan", "action-999999"),
        ("plan", "step-1"),
        ("plan", "action-of-b"),
    ],
)
def test_a_part_that_is_not_of_this_document_is_404(
    client_for, net, roadmap_a, roadmap_b, city_b, lead_expert, kind, part
):
    if part == "step-of-b":
        part = f"step-{roadmap_b.steps.get().pk}"
    elif part == "action-of-b":
        part = f"action-{city_b.action_plan.actions.create(title='Not yours').pk}"
    url = reverse(f"iap:{kind}_thread_open", args=[net.slug, "alphaville"])
    assert client_for(lead_expert).post(url, {"part": part, "body": "Hi"}).status_code == 404
    assert not Thread.objects.exists()


@pytest.mark.parametrize(
    "body, said",
    [
        ("", "This field is required."),
        ("   ", "This field is required."),
        ("Who\x00from", "Null characters are not allowed."),
        ("x" * 25_000, "Ensure this value has at most 20000 characters (it has 25000)."),
    ],
)
def test_a_comment_that_cannot_be_saved_is_said_not_a_failure(
    client_for, net, roadmap_a, city_member_a, lead_expert, body, said
):
    thread = engine.thread_open(document=roadmap_a, user=lead_expert, body="Who from the ULG?")
    client = client_for(city_member_a)
    for url in (
        reverse("iap:roadmap_thread_open", args=[net.slug, "alphaville"]),
        thread_url(net, "roadmap", thread, "reply"),
    ):
        response = client.post(url, {"part": "", "body": body})
        assert response.status_code == 302
        assert alerts(client, response["Location"]) == [("danger", said)]
    assert Thread.objects.count() == 1 and thread.messages.count() == 1


def test_a_long_comment_is_kept_whole(client_for, net, roadmap_a, city_member_a):
    body = "word " * 1_000 + "x" * 5_000
    response = client_for(city_member_a).post(
        reverse("iap:roadmap_thread_open", args=[net.slug, "alphaville"]),
        {"part": "", "body": body},
    )
    assert response.status_code == 302
    page = client_for(city_member_a).get(response["Location"]).content.decode()
    assert "x" * 5_000 in page


def test_times_show_the_persons_own_zone(client_for, roadmap_a, city_member_a, lead_expert):
    engine.thread_open(document=roadmap_a, user=lead_expert, body="Who from the ULG?")
    city_member_a.time_zone = "Europe/Sofia"
    city_member_a.save(update_fields=["time_zone"])
    page = client_for(city_member_a).get(roadmap_a.get_absolute_url()).content.decode()
    assert re.search(r"\d{1,2} \w{3} \d{4}, \d{2}:\d{2} EES?T</time>", page)


def test_the_review_queue_counts_open_comments_and_the_plans_waiting(
    client_for, net, roadmap_a, city_a, city_coordinator_a, lead_expert
):
    engine.thread_open(document=roadmap_a, user=lead_expert, body="Who from the ULG?")
    engine.thread_open(document=roadmap_a, user=lead_expert, body="When?")
    plan = city_a.action_plan
    plan.sections.filter(kind="context").update(body="Many small firms.")
    engine.submit(document=plan, user=city_coordinator_a)
    PlanTransition.objects.filter(plan=plan).update(at=timezone.now() - dt.timedelta(days=3))
    page = client_for(lead_expert).get(reverse("iap:review_queue", args=[net.slug]))
    text = " ".join(page.content.decode().split())
    row = text[text.index(">Alphaville<") :]
    row = row[: row.index("</tr>")]
    assert "2 open comments" in row and "Submitted" in row
    assert "Waiting for review: 3 days" in row


def test_the_citys_home_counts_the_comments_to_address_on_its_plan(
    client_for, net, city_a, city_coordinator_a, city_member_a, lead_expert
):
    plan = city_a.action_plan
    plan.sections.filter(kind="funding").update(body="The city budget.")
    engine.submit(document=plan, user=city_coordinator_a)
    section = plan.sections.get(kind="funding")
    engine.thread_open(document=plan, user=lead_expert, body="Which fund?", anchor=section)
    engine.request_changes(document=plan, user=lead_expert, comment="See my comments.")
    page = client_for(city_member_a).get(reverse("progress:home", args=[net.slug]))
    text = page.content.decode()
    assert "Changes requested on your Integrated Action Plan: 2 comments to address" in text
    assert f"{plan.get_absolute_url()}#feedback-heading" in text

"""Peer review between paired cities: a submitted roadmap or IAP goes first to the cities
paired with its city, for the days the network sets, then to the lead expert with their
comments. A paired city reads only the document sent to it; any other city gets a 404."""

import datetime as dt
import time
from io import StringIO

import pytest
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from iap.demo_peer import COMMENT as RIJEKA_SAYS
from iap.enums import SectionKind, SsaStatus
from iap.models import ActionPlan, Roadmap, SmallScaleAction
from partners.enums import Role
from partners.models import Network, Notification, User
from reviews import services as engine
from reviews import tasks
from reviews.enums import ReviewAction, ReviewState, Side
from reviews.models import Thread
from tests.factories import MembershipFactory, PartnerFactory, UserFactory
from tests.iap.conftest import roadmap_a, roadmap_b  # noqa: F401
from tests.partners.conftest import pair_ab  # noqa: F401
from tests.permissions import check

COMMENT = "Name the companies of your first Small Scale Action."


@pytest.fixture
def peer_days(net):
    net.peer_review_days = 7
    net.save(update_fields=["peer_review_days"])
    return 7


@pytest.fixture
def city_c(net):
    """A third city of the network, paired with nobody."""
    return PartnerFactory(network=net, city="Gammaville", slug="gammaville")


@pytest.fixture
def city_member_c(net, city_c):
    user = UserFactory(email="c-member@example.org")
    MembershipFactory(user=user, network=net, role=Role.CITY_TEAM_MEMBER, partner=city_c)
    return user


@pytest.fixture
def plan_a(city_a):
    plan = ActionPlan.objects.select_related("partner__network").get(partner=city_a)
    plan.sections.filter(kind=SectionKind.OBJECTIVES).update(body="A local CSR pact.")
    return plan


@pytest.fixture
def ssa_a(city_a):
    return SmallScaleAction.objects.create(
        partner=city_a, title="Alphaville's volunteering day", status=SsaStatus.PLANNED
    )


def url(name, net, city, *args):
    return reverse(name, args=[net.slug, city.slug, *args])


def post_action(client, net, city, action, document="roadmap", comment=""):
    return client.post(
        url(f"iap:{document}_transition", net, city), {"action": action, "comment": comment}
    )


def titles(user) -> list[str]:
    return list(Notification.objects.filter(recipient=user).values_list("title", flat=True))


def page_threads(response) -> list[Thread]:
    """The threads the document's page shows, wherever on the page."""
    return [t for threads in response.context["threads_by_part"].values() for t in threads]


# The paired city reads, comments, and hands the document over -----------------------------


def test_the_paired_city_comments_then_hands_the_roadmap_to_the_lead_expert(
    client_for, net, city_a, city_b, roadmap_a, pair_ab, peer_days,  # noqa: F811
    city_coordinator_a, city_member_b, lead_expert,
):  # fmt: skip
    city = client_for(city_coordinator_a)
    response = post_action(city, net, city_a, ReviewAction.SUBMIT, comment="Your views, please.")
    roadmap_a.refresh_from_db()
    until = timezone.localdate() + dt.timedelta(days=7)
    assert roadmap_a.state == ReviewState.PEER_REVIEW
    assert roadmap_a.peer_review_until == until
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        "Your IAP roadmap has been sent to your paired cities for their comments until "
        f"{date_format(until, 'j F Y')}; the lead expert will review it after that."
    ]
    assert titles(city_member_b) == [
        f"Alphaville asks for your comments on its IAP roadmap (version 1) by {date_format(until)}"
    ]
    assert titles(lead_expert) == []  # not yet: the paired cities first

    # The city writes a note for itself: the paired city does not read it.
    city.post(url("iap:roadmap_thread_open", net, city_a), {"body": "Check the dates."})
    peer = client_for(city_member_b)
    page = peer.get(url("iap:roadmap", net, city_a))
    assert page.status_code == 200
    assert "Set up the ULG" in page.content.decode()
    assert url("iap:ssa_list", net, city_a) not in page.content.decode()
    assert page_threads(page) == []

    step = roadmap_a.steps.get(title="Agree objectives")
    response = peer.post(
        url("iap:roadmap_thread_open", net, city_a), {"body": COMMENT, "part": f"step-{step.pk}"}
    )
    thread = Thread.objects.get(side=Side.PEER)
    assert response.status_code == 302 and response["Location"].endswith(f"#thread-{thread.pk}")
    assert (thread.peer, thread.anchor_label, thread.opened_by) == (
        city_b,
        step.title,
        city_member_b,
    )
    assert [t.pk for t in page_threads(peer.get(url("iap:roadmap", net, city_a)))] == [thread.pk]

    assert post_action(peer, net, city_a, ReviewAction.END_PEER_REVIEW).status_code == 302
    roadmap_a.refresh_from_db()
    assert roadmap_a.state == ReviewState.SUBMITTED
    assert (
        "Alphaville's IAP roadmap is ready for review, with 1 comment from the paired cities"
        in (titles(lead_expert))
    )

    # The lead expert reads the paired city's comment, said to come from it, on its step.
    page = client_for(lead_expert).get(url("iap:roadmap", net, city_a))
    assert "(paired city Betatown)" in page.content.decode()
    threads = page_threads(page)
    from_peers = [t for t in threads if t.side == Side.PEER]
    assert [(t.peer.city, t.part, t.messages.all()[0].body) for t in from_peers] == [
        ("Betatown", f"step-{step.pk}", COMMENT)
    ]

    # The peer review is over: the paired city still reads it and answers on its own
    # thread, but opens no new one and cannot end it twice.
    assert peer.get(url("iap:roadmap", net, city_a)).status_code == 200
    assert (
        peer.post(url("iap:roadmap_thread_open", net, city_a), {"body": "More"}).status_code == 403
    )
    assert post_action(peer, net, city_a, ReviewAction.END_PEER_REVIEW).status_code == 403
    reply = peer.post(url("iap:roadmap_thread", net, city_a, thread.pk, "reply"), {"body": "Also"})
    assert reply.status_code == 302 and thread.messages.count() == 2


def test_the_paired_city_reads_the_plan_sent_to_it_and_nothing_else_of_the_city(
    client_for, net, city_a, city_b, pair_ab, peer_days, plan_a, ssa_a,  # noqa: F811
    city_coordinator_a, city_member_b,
):  # fmt: skip
    peer = client_for(city_member_b)
    assert peer.get(url("iap:plan", net, city_a)).status_code == 404  # not sent yet
    engine.submit(user=city_coordinator_a, document=plan_a)

    page = peer.get(url("iap:plan", net, city_a))
    assert page.status_code == 200
    body = page.content.decode()
    assert "A local CSR pact." in body
    assert url("iap:ssa_list", net, city_a) not in body  # no way to the city's SSAs
    assert url("iap:roadmap", net, city_a) not in body  # nor to its roadmap
    for name, args in [
        ("iap:roadmap", ()),
        ("iap:version", (1,)),
        ("iap:roadmap_export", ("pdf",)),
        ("iap:ssa_list", ()),
        ("iap:ssa_detail", (ssa_a.pk,)),
    ]:
        assert peer.get(url(name, net, city_a, *args)).status_code == 404, name
    objectives = plan_a.sections.get(kind=SectionKind.OBJECTIVES)
    response = peer.post(
        url("iap:plan_thread_open", net, city_a), {"body": COMMENT, "part": "section-objectives"}
    )
    assert response.status_code == 302
    thread = Thread.objects.get()
    assert (thread.side, thread.peer, thread.anchor_id) == (Side.PEER, city_b, objectives.pk)


def test_the_paired_city_does_not_read_the_lead_expert_s_side_of_the_review(
    client_for, net, city_a, pair_ab, plan_a,  # noqa: F811
    city_coordinator_a, city_member_a, city_member_b, lead_expert,
):  # fmt: skip
    engine.submit(user=city_coordinator_a, document=plan_a)  # no peer review yet
    engine.request_changes(user=lead_expert, document=plan_a, comment="Funding is thin.")
    net.peer_review_days = 7
    net.save(update_fields=["peer_review_days"])
    engine.submit(user=city_coordinator_a, document=plan_a, comment="Revised: over to Betatown.")

    peer = client_for(city_member_b).get(url("iap:plan", net, city_a))
    body = peer.content.decode()
    assert "Revised: over to Betatown." in body  # the note sent to it
    assert "Funding is thin." not in body  # the change request: a thread, and a decision
    assert peer.context["rubric"] is None
    assert page_threads(peer) == []
    city = client_for(city_member_a).get(url("iap:plan", net, city_a))
    assert "Funding is thin." in city.content.decode()


# Nobody else --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, args, method",
    [
        ("iap:roadmap", (), "get"),
        ("iap:version", (1,), "get"),
        ("iap:roadmap_export", ("csv",), "get"),
        ("iap:roadmap_thread_open", (), "post"),
        ("iap:roadmap_thread", ("thread", "reply"), "post"),
        ("iap:roadmap_thread", ("thread", "resolve"), "post"),
        ("iap:roadmap_transition", (), "post"),
        ("iap:plan", (), "get"),
        ("iap:plan_export", ("csv",), "get"),
        ("iap:plan_thread_open", (), "post"),
        ("iap:plan_thread", ("thread", "reply"), "post"),
        ("iap:plan_transition", (), "post"),
    ],
)
@pytest.mark.parametrize(
    "role, want",
    [
        ("city_member_b", 200),  # paired: reads, and may post
        ("city_member_c", 404),  # another city of the network, paired with nobody
        ("other_network_coordinator", 404),
        ("anonymous", "login"),
    ],
)
def test_only_the_paired_city_reaches_the_documents_sent_to_it(
    request, client_for, net, city_a, roadmap_a, plan_a, pair_ab, peer_days,  # noqa: F811
    city_coordinator_a, city_member_b, name, args, method, role, want,
):  # fmt: skip
    engine.submit(user=city_coordinator_a, document=roadmap_a)
    engine.submit(user=city_coordinator_a, document=plan_a)
    document = plan_a if name.startswith("iap:plan") else roadmap_a
    thread = engine.thread_open(user=city_member_b, document=document, body=COMMENT)
    args = [thread.pk if arg == "thread" else arg for arg in args]
    client = client_for(request.getfixturevalue(role))
    if method == "get":
        response = client.get(url(name, net, city_a, *args))
    else:
        data = {"body": "Hello", "action": ReviewAction.END_PEER_REVIEW}
        response = client.post(url(name, net, city_a, *args), data)
    check(response, 302 if want == 200 and method == "post" else want, role)


# Beat ends the peer reviews whose days are over ----------------------------------------------


@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_beat_hands_over_the_documents_whose_days_are_over_once(
    celery_worker, net, city_a, city_b, roadmap_a, roadmap_b, pair_ab, peer_days,  # noqa: F811
    city_coordinator_a, city_coordinator_b, lead_expert,
):  # fmt: skip
    from celery.signals import task_postrun

    from tests.services import wait_until

    day = dt.date(2025, 3, 3)
    engine.submit(user=city_coordinator_a, document=roadmap_a, today=day)  # until 10 March
    engine.submit(user=city_coordinator_b, document=roadmap_b, today=day + dt.timedelta(days=1))
    finished = []

    def count(sender=None, **kwargs):
        if sender is not None and sender.name == tasks.end_peer_reviews.name:
            finished.append(kwargs.get("task_id"))

    task_postrun.connect(count, weak=False)
    try:
        tasks.end_peer_reviews.delay("2025-03-10")  # the last day to comment: nothing ends
        assert wait_until(lambda: len(finished) == 1)
        roadmap_a.refresh_from_db()
        assert roadmap_a.state == ReviewState.PEER_REVIEW
        tasks.end_peer_reviews.delay("2025-03-11")
        tasks.end_peer_reviews.delay("2025-03-11")  # a doubled tick
        assert wait_until(lambda: len(finished) == 3)
    finally:
        task_postrun.disconnect(count)
    time.sleep(0.2)
    roadmap_a.refresh_from_db()
    roadmap_b.refresh_from_db()
    assert roadmap_a.state == ReviewState.SUBMITTED
    assert roadmap_b.state == ReviewState.PEER_REVIEW  # its days run one more
    assert list(roadmap_a.transitions.values_list("to_state", "by")) == [
        (ReviewState.PEER_REVIEW, city_coordinator_a.pk),
        (ReviewState.SUBMITTED, None),
    ]
    assert titles(lead_expert) == [
        "Alphaville's IAP roadmap is ready for review, with 0 comments from the paired cities"
    ]  # once


# Without peer review ---------------------------------------------------------------------------


def test_a_network_without_the_setting_sends_a_submission_straight_to_the_reviewers(
    client_for, net, city_a, roadmap_a, pair_ab,  # noqa: F811
    city_coordinator_a, city_member_b, lead_expert,
):  # fmt: skip
    assert net.peer_review_days is None
    post_action(client_for(city_coordinator_a), net, city_a, ReviewAction.SUBMIT)
    roadmap_a.refresh_from_db()
    assert (roadmap_a.state, roadmap_a.peer_review_until) == (ReviewState.SUBMITTED, None)
    assert titles(lead_expert) == ["Alphaville submitted its IAP roadmap (version 1)"]
    assert titles(city_member_b) == []
    assert client_for(city_member_b).get(url("iap:roadmap", net, city_a)).status_code == 404


def test_a_city_with_no_pair_sends_its_submission_straight_to_the_reviewers(
    client_for, net, city_a, roadmap_a, peer_days,  # noqa: F811
    city_coordinator_a, lead_expert,
):  # fmt: skip
    post_action(client_for(city_coordinator_a), net, city_a, ReviewAction.SUBMIT)
    roadmap_a.refresh_from_db()
    assert (roadmap_a.state, roadmap_a.peer_review_until) == (ReviewState.SUBMITTED, None)
    assert titles(lead_expert) == ["Alphaville submitted its IAP roadmap (version 1)"]


def test_the_city_withdraws_during_the_peer_review_and_the_paired_city_is_told(
    client_for, net, city_a, roadmap_a, pair_ab, peer_days,  # noqa: F811
    city_coordinator_a, city_member_b, lead_expert,
):  # fmt: skip
    city = client_for(city_coordinator_a)
    post_action(city, net, city_a, ReviewAction.SUBMIT)
    response = post_action(city, net, city_a, ReviewAction.WITHDRAW, comment="One more step.")
    assert response.status_code == 302
    roadmap_a.refresh_from_db()
    assert roadmap_a.state == ReviewState.DRAFT
    assert roadmap_a.versions.get().withdrawn_at is not None
    assert "Alphaville withdrew its IAP roadmap" in titles(city_member_b)
    assert titles(lead_expert) == []
    peer = client_for(city_member_b)
    assert peer.post(url("iap:roadmap_thread_open", net, city_a), {"body": "Hi"}).status_code == 403
    assert post_action(peer, net, city_a, ReviewAction.END_PEER_REVIEW).status_code == 403
    assert not Thread.objects.exists()


# Where the paired city finds what it is asked to comment on, and the setting ----------------------


def test_the_paired_city_s_home_lists_what_it_is_asked_to_comment_on_until_when(
    client_for, net, city_a, roadmap_a, plan_a, pair_ab, peer_days,  # noqa: F811
    city_coordinator_a, city_member_b, city_member_c,
):  # fmt: skip
    engine.submit(user=city_coordinator_a, document=plan_a)
    until = timezone.localdate() + dt.timedelta(days=7)
    home = client_for(city_member_b).get(reverse("progress:home", args=[net.slug]))
    body = home.content.decode()
    asked = f"Asked to comment: Alphaville&#x27;s Integrated Action Plan, until {until:%-d %b %Y}"
    assert asked in body
    assert f'href="{url("iap:plan", net, city_a)}"' in body
    other = client_for(city_member_c).get(reverse("progress:home", args=[net.slug]))
    assert "Asked to comment" not in other.content.decode()
    engine.end_peer_review(user=None, document=plan_a)
    home = client_for(city_member_b).get(reverse("progress:home", args=[net.slug]))
    assert "Asked to comment" not in home.content.decode()


def test_the_coordinator_sets_the_days_for_the_paired_cities_comments(
    client_for, net, coordinator, city_member_a
):
    client = client_for(coordinator)
    edit = reverse("partners:workplan_edit", args=[net.slug])
    form = client.get(edit).content.decode()
    assert "Days for the paired cities&#x27; comments" in form
    data = {
        "network-theme": "CSR", "network-current_phase": "activation",
        "stages-TOTAL_FORMS": "0", "stages-INITIAL_FORMS": "0",
    }  # fmt: skip
    for wrong in ("0", "61", "many"):
        response = client.post(edit, {**data, "network-peer_review_days": wrong})
        assert response.status_code == 200, wrong
    net.refresh_from_db()
    assert net.peer_review_days is None
    assert client.post(edit, {**data, "network-peer_review_days": "10"}).status_code == 302
    net.refresh_from_db()
    assert net.peer_review_days == 10
    pairs = client_for(city_member_a).get(reverse("partners:city_groups", args=[net.slug]))
    assert "for their comments within 10 days, then to the lead expert" in pairs.content.decode()
    assert client.post(edit, {**data, "network-peer_review_days": ""}).status_code == 302
    net.refresh_from_db()
    assert net.peer_review_days is None


# The demo ------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_demo_has_kekava_s_iap_with_rijeka_for_its_comments(client):
    call_command("load_demo", today="2025-05-14", stdout=StringIO())
    network = Network.objects.get(slug="cities4csr")
    assert network.peer_review_days == 7
    plan = ActionPlan.objects.get(partner__slug="kekava")
    assert (plan.state, plan.peer_review_until) == (ReviewState.PEER_REVIEW, dt.date(2025, 5, 19))
    # The review histories played before went straight to the lead expert.
    assert Roadmap.objects.get(partner__slug="vratsa").state == ReviewState.SUBMITTED
    budaors = ActionPlan.objects.get(partner__slug="budaors")
    assert not budaors.transitions.filter(to_state=ReviewState.PEER_REVIEW).exists()

    client.force_login(User.objects.get(email="rijeka@example.org"))
    home = client.get(reverse("progress:home", args=["cities4csr"])).content.decode()
    assert "Asked to comment: Ķekava&#x27;s Integrated Action Plan, until 19 May 2025" in home
    page = client.get(reverse("iap:plan", args=["cities4csr", "kekava"]))
    assert RIJEKA_SAYS in page.content.decode()

"""Each role's home: the landing page after login shows, for each role the person holds,
what it asks of them now, read from the real records built in each test."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import formats, timezone

from iap.enums import SectionKind, SsaStatus
from iap.models import PlanSection, Roadmap, RoadmapTransition, SmallScaleAction
from meetings.enums import AgendaKind, CallKind, MeetingFormat
from meetings.models import AgendaItem, Attendance, Call, FollowUp, Meeting
from news.enums import ArticleStatus
from news.models import Article
from partners.enums import ObligationKind, Role
from partners.models import Obligation, UlgMeeting
from progress.enums import ReminderStage
from progress.models import ReminderSent
from reviews import services as engine
from tests.factories import MembershipFactory, UserFactory

HEADING = re.compile(r"<h([1-6])[^>]*>(.*?)</h\1>", re.DOTALL)
TAG = re.compile(r"<[^>]+>")


def today():
    return timezone.localdate()


def days(n):
    return today() + dt.timedelta(days=n)


def long_date(day):
    return formats.date_format(day, "j M Y")


def at(day, hour=10):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def text(html):
    return " ".join(TAG.sub(" ", html).split())


def home(client, net):
    response = client.get(reverse("progress:home", args=[net.slug]))
    assert response.status_code == 200
    return response.content.decode()


def headings(page):
    """(level, text) of each heading, in the order of the page."""
    return [(int(level), text(inner)) for level, inner in HEADING.findall(page)]


def section(page, title):
    """The text of the section under the h2 `title`, up to the next h2."""
    found = re.search(
        r"<h2[^>]*>\s*" + re.escape(title) + r"\s*</h2>(.*?)(?=<h2|</main>)", page, re.DOTALL
    )
    assert found, f"no section {title!r} in {headings(page)}"
    return found[1]


def links(fragment):
    """(text, href) of each link, in order."""
    return [
        (text(inner), href)
        for href, inner in re.findall(r'<a href="([^"]+)"[^>]*>(.*?)</a>', fragment, re.DOTALL)
    ]


def roadmap_url(city):
    return reverse("iap:roadmap", args=[city.network.slug, city.slug])


@pytest.fixture(autouse=True)
def roadmaps_with_a_step(city_a, city_b):
    """A roadmap is submitted with at least one step."""
    for city in (city_a, city_b):
        city.roadmap.steps.create(position=1, title="Set up the ULG")


def submitted_days_ago(roadmap, n, user):
    engine.submit(user=user, document=roadmap)
    moment = at(days(-n))
    RoadmapTransition.objects.filter(roadmap=roadmap).update(at=moment)
    Roadmap.objects.filter(pk=roadmap.pk).update(state_since=moment, submitted_at=moment)


# The city team ------------------------------------------------------------------------------


def test_a_roadmap_sent_back_says_how_many_comments_to_address_and_shows_the_feedback(
    client_for, net, city_a, city_member_a, city_coordinator_a, lead_expert, roadmap_obligation
):
    roadmap = city_a.roadmap
    engine.thread_open(user=city_member_a, document=roadmap, body="Our own draft note")
    engine.submit(user=city_coordinator_a, document=roadmap)
    step = roadmap.steps.get()
    engine.thread_open(
        user=lead_expert, document=roadmap, body="Which stakeholders, and when?", anchor=step
    )
    engine.thread_open(user=lead_expert, document=roadmap, body="Add the budget.")
    engine.request_changes(
        user=lead_expert, document=roadmap, comment="Please name the ULG members per step."
    )
    plan_section = PlanSection.objects.get(plan__partner=city_a, kind=SectionKind.FUNDING)
    engine.thread_open(
        user=lead_expert, document=city_a.action_plan, body="Which fund?", anchor=plan_section
    )

    page = home(client_for(city_member_a), net)

    todo = section(page, "What Alphaville has to do next")
    # The two comments and the change request itself, each a thread to address.
    action = "Changes requested on your roadmap: 3 comments to address"
    assert (action, f"{roadmap_url(city_a)}#feedback-heading") in links(todo)
    assert "Submit your roadmap" not in todo  # submitted once: that obligation is met
    feedback = text(section(page, "Latest feedback on Alphaville's roadmap and plan"))
    for shown in (
        "Roadmap: Changes requested",
        "Please name the ULG members per step.",
        "Comment on the roadmap step “Set up the ULG”",
        "Which stakeholders, and when?",
        "Comment on “Funding” in the plan",
        "Which fund?",
        lead_expert.get_full_name(),
        timezone.now().strftime("%-d %b %Y"),
    ):
        assert shown in feedback
    # The newest first: the plan's comment came last.
    assert feedback.index("Which fund?") < feedback.index("Please name the ULG members")


def test_one_comment_to_address_is_said_in_the_singular(
    client_for, net, city_a, city_member_a, city_coordinator_a, lead_expert
):
    roadmap = city_a.roadmap
    engine.submit(user=city_coordinator_a, document=roadmap)
    budget = engine.thread_open(user=lead_expert, document=roadmap, body="Add the budget.")
    engine.request_changes(user=lead_expert, document=roadmap, comment="Dates?")
    engine.thread_mark_answered(user=city_member_a, thread=budget)  # one left: the request

    page = text(home(client_for(city_member_a), net))

    assert "Changes requested on your roadmap: 1 comment to address" in page


def test_open_obligations_come_late_first_then_by_date_each_with_its_next_action(
    client_for, net, city_a, city_member_a, roadmap_obligation
):
    def owe(kind, due_in, **fields):
        fields.setdefault("title", ObligationKind(kind).label)
        return Obligation.objects.create(network=net, kind=kind, due_on=days(due_in), **fields)

    owe(ObligationKind.ULG_MEETING, 40, opens_on=days(-2))
    owe(ObligationKind.TNM_ATTENDANCE, 20, meeting_number=7)
    owe(ObligationKind.SSAS_PLANNED, 10, target=2)
    met = owe(ObligationKind.ULG_MEETING, 5, opens_on=days(-60), title="ULG this quarter")
    SmallScaleAction.objects.create(partner=city_a, title="Pop-up", status=SsaStatus.PLANNED)
    UlgMeeting.objects.create(partner=city_a, held_on=days(-3), topic="Kick-off")

    todo = section(home(client_for(city_member_a), net), "What Alphaville has to do next")

    slug, city = net.slug, city_a.slug
    assert [name for name, _href in links(todo)][:4] == [
        "Submit your roadmap",
        "Plan 1 more Small Scale Action",
        "Register who attends TNM #7",
        f"Record a ULG meeting held between {long_date(days(-2))} and {long_date(days(40))}",
    ]
    assert [href for _name, href in links(todo)][:4] == [
        f"/n/{slug}/iap/{city}/roadmap/",
        f"/n/{slug}/iap/{city}/ssa/",
        f"/n/{slug}/meetings/7/",
        f"/n/{slug}/cities/{city}/ulg/",
    ]
    assert "Late" in text(todo) and "days late" in text(todo)
    assert met.title not in todo  # held in its period: done, not listed


def test_a_city_with_nothing_to_do_says_so(client_for, net, city_a, city_member_a):
    page = home(client_for(city_member_a), net)

    assert "Alphaville has met every obligation" in text(
        section(page, "What Alphaville has to do next")
    )
    assert "No feedback yet." in section(page, "Latest feedback on Alphaville's roadmap and plan")
    assert "No action or follow-up waits for you." in section(page, "Your actions and follow-ups")
    assert "Nothing planned yet." in section(page, "Next meetings and calls")


def checkup(net, city, starts_at, title):
    call = Call.objects.create(
        network=net, kind=CallKind.CHECKUP, title=title,
        starts_at=starts_at, ends_at=starts_at + dt.timedelta(hours=1),
    )  # fmt: skip
    call.cities.set([city])
    return call


def test_follow_ups_of_the_citys_check_up_calls_with_the_overdue_said_in_words(
    client_for, net, city_a, city_b, city_member_a, city_coordinator_a
):
    call = checkup(net, city_a, at(days(-10)), "Check-up: Alphaville")
    FollowUp.objects.create(
        call=call, task="Send the ULG list", owner=city_coordinator_a, due_on=days(-5)
    )
    FollowUp.objects.create(call=call, task="Book the room", due_on=days(6))
    FollowUp.objects.create(call=call, task="Already done", done=True)
    other = checkup(net, city_b, at(days(-10)), "Check-up: Betatown")
    FollowUp.objects.create(call=other, task="Betatown's own task", due_on=days(-5))

    follow_ups = section(home(client_for(city_member_a), net), "Your actions and follow-ups")

    shown = text(follow_ups)
    assert shown.index("Send the ULG list") < shown.index("Book the room")
    assert "Overdue by 5 days" in shown
    assert shown.count("Overdue") == 1
    assert f"owner: {city_coordinator_a.get_full_name()}" in shown
    assert ("Check-up: Alphaville", call.get_absolute_url()) in links(follow_ups)
    assert "Already done" not in shown and "Betatown" not in shown


def test_the_next_meetings_and_calls_of_the_city(client_for, net, city_a, city_member_a):
    Meeting.objects.create(
        network=net, number=7, title="TNM in Sofia",
        starts_at=at(days(21)), ends_at=at(days(21), 17),
    )  # fmt: skip
    call = checkup(net, city_a, at(days(3)), "Check-up: Alphaville")

    events = section(home(client_for(city_member_a), net), "Next meetings and calls")

    assert [name for name, _ in links(events)][:2] == [call.title, "TNM #7: TNM in Sofia"]


def test_a_city_member_never_sees_another_citys_obligations_or_feedback(
    client_for, net, city_a, city_b, city_member_a, city_coordinator_b, lead_expert,
    roadmap_obligation,
):  # fmt: skip
    roadmap = city_b.roadmap
    engine.submit(user=city_coordinator_b, document=roadmap)
    engine.thread_open(user=lead_expert, document=roadmap, body="Betatown: dates?")
    engine.request_changes(user=lead_expert, document=roadmap, comment="Redo it")

    page = home(client_for(city_member_a), net)

    assert "Betatown" not in page and "betatown" not in page
    assert "Redo it" not in page and "Changes requested" not in page
    assert [h for level, h in headings(page) if level == 2][:2] == [
        "What Alphaville has to do next",
        "Latest feedback on Alphaville's roadmap and plan",
    ]


# The lead expert ----------------------------------------------------------------------------


def test_the_lead_expert_sees_reviews_waiting_with_days_and_deadline_and_the_cities_late(
    client_for, net, city_a, city_b, city_coordinator_b, lead_expert, roadmap_obligation,
    review_obligation,
):  # fmt: skip
    submitted_days_ago(city_b.roadmap, 3, city_coordinator_b)
    call = checkup(net, city_a, at(days(2)), "December check-up")

    page = home(client_for(lead_expert), net)

    reviews = section(page, "Reviews waiting")
    assert links(reviews)[0] == ("Review Betatown's roadmap", roadmap_url(city_b))
    deadline = days(-3 + review_obligation.within_days)
    assert "waiting for 3 days" in text(reviews)
    assert f"review deadline {deadline.strftime('%-d %b %Y')}" in text(reviews)
    late = section(page, "Cities late")
    assert "Alphaville" in text(late) and "Betatown" not in text(late)  # B submitted
    assert (roadmap_obligation.title, roadmap_url(city_a)) in links(late)
    calls = section(page, "Next check-up calls")
    assert links(calls)[0] == ("December check-up", call.get_absolute_url())
    assert "Alphaville" in text(calls)
    levels = [level for level, _ in headings(page)]
    assert levels[0] == 1 and set(levels[1:]) == {2}
    assert "Where each city stands" not in [h for _, h in headings(page)]


def test_the_lead_experts_empty_home_says_so(client_for, net, city_a, lead_expert):
    page = home(client_for(lead_expert), net)

    assert "No roadmap is waiting for a review." in section(page, "Reviews waiting")
    assert "The network has set no deadline for reviews." in section(page, "Reviews waiting")
    assert "No city is late." in section(page, "Cities late")
    assert "No check-up call planned." in section(page, "Next check-up calls")


# The coordinator and the lead partner -------------------------------------------------------


@pytest.fixture
def coordination(net, city_a, city_b, coordinator, city_coordinator_b, roadmap_obligation):
    """City A late on its roadmap for years, B submitted; an escalation sent; a meeting
    with no agenda nor attendance; a news draft."""
    engine.submit(user=city_coordinator_b, document=city_b.roadmap)
    ReminderSent.objects.create(
        obligation=roadmap_obligation, partner=city_a, stage=ReminderStage.ESCALATED,
        due_on=roadmap_obligation.due_on, recipient_names="Carla Coordinator",
        title="Alphaville is late",
    )  # fmt: skip
    meeting = Meeting.objects.create(
        network=net, number=7, title="TNM in Sofia", starts_at=at(days(21)),
        ends_at=at(days(21), 17), venue="City hall", online_link="https://meet.example.org/7",
        format=MeetingFormat.HYBRID,
    )  # fmt: skip
    prepared = Meeting.objects.create(
        network=net, number=8, title="TNM in Turin", starts_at=at(days(60)),
        ends_at=at(days(60), 17), format=MeetingFormat.ONLINE, online_link="https://meet.example.org/8",
    )  # fmt: skip
    AgendaItem.objects.create(
        meeting=prepared, starts_at=at(days(60), 11), title="Welcome", kind=AgendaKind.PLENARY
    )
    Attendance.objects.create(meeting=prepared, partner=city_b, user=city_coordinator_b)
    draft = Article.objects.create(
        network=net, title="Roadmaps are in", slug="roadmaps-are-in", body="All submitted.",
        author=coordinator, status=ArticleStatus.DRAFT,
    )  # fmt: skip
    return {"meeting": meeting, "prepared": prepared, "draft": draft}


def test_the_coordinator_sees_the_matrix_escalations_meetings_to_prepare_and_drafts(
    client_for, net, city_a, coordinator, roadmap_obligation, coordination
):
    page = home(client_for(coordinator), net)

    matrix = section(page, "Where each city stands")
    assert (
        f"Late : Alphaville, {roadmap_obligation.title}",
        roadmap_url(city_a),
    ) in links(matrix)
    escalations = section(page, "Escalations")
    assert (f"Alphaville: {roadmap_obligation.title}", roadmap_url(city_a)) in links(escalations)
    assert "sent to Carla Coordinator" in text(escalations)
    assert "Betatown" not in text(escalations)
    meetings = section(page, "Meetings to prepare")
    assert links(meetings)[0] == (
        "TNM #7: TNM in Sofia",
        coordination["meeting"].get_absolute_url(),
    )
    assert "Still missing: no agenda items yet, nobody registered to attend yet" in text(meetings)
    assert "Agenda, attendance and place are ready." in text(meetings)
    drafts = section(page, "Drafts to publish")
    edit = reverse("news:edit", args=[net.slug, coordination["draft"].pk])
    assert ("Roadmaps are in", edit) in links(drafts)
    assert [h for level, h in headings(page) if level == 2] == [
        "Where each city stands",
        "Escalations",
        "Meetings to prepare",
        "Drafts to publish",
    ]


def test_a_published_article_is_no_draft_to_publish(client_for, net, coordinator, coordination):
    coordination["draft"].status = ArticleStatus.PUBLISHED
    coordination["draft"].publish_at = timezone.now()
    coordination["draft"].save()

    drafts = section(home(client_for(coordinator), net), "Drafts to publish")

    assert "No draft waits to be published." in drafts


def test_the_lead_partner_sees_reviews_and_the_matrix_but_no_drafts_they_could_not_edit(
    client_for, net, lead_partner, coordination
):
    page = home(client_for(lead_partner), net)

    assert [h for level, h in headings(page) if level == 2] == [
        "Reviews waiting",
        "Where each city stands",
        "Escalations",
        "Meetings to prepare",
    ]
    assert "Betatown" in text(section(page, "Reviews waiting"))


def test_the_coordinators_empty_home_says_so(client_for, net, coordinator):
    page = home(client_for(coordinator), net)

    assert "The network has no obligations yet." in section(page, "Where each city stands")
    escalations = section(page, "Escalations")
    assert "Nothing is late past its grace period." in escalations
    assert "No escalation in the last 30 days." in escalations
    assert "No meeting is planned." in section(page, "Meetings to prepare")
    assert "No draft waits to be published." in section(page, "Drafts to publish")


# The programme officer and the others -------------------------------------------------------


def test_the_officer_reaches_every_citys_roadmap_plan_and_ssas_and_changes_nothing(
    client_for, net, city_a, city_b, officer, roadmap_obligation
):
    page = home(client_for(officer), net)

    assert [h for level, h in headings(page) if level == 2] == [
        "Where each city stands",
        "Every city's plans",
    ]
    plans = links(section(page, "Every city's plans"))
    for city in (city_a, city_b):
        args = [net.slug, city.slug]
        assert (f"{city.city}'s IAP roadmap", reverse("iap:roadmap", args=args)) in plans
        assert (f"{city.city}'s Integrated Action Plan", reverse("iap:plan", args=args)) in plans
        assert (f"{city.city}'s Small Scale Actions", reverse("iap:ssa_list", args=args)) in plans
    assert "/obligations/" not in page and "/news/" not in section(page, "Every city's plans")


@pytest.mark.parametrize("role", [Role.AD_HOC_EXPERT, Role.COMMUNICATION])
def test_the_others_see_the_next_meetings_and_communication_the_drafts(
    client_for, net, coordinator, role
):
    person = UserFactory(email="other@example.org")
    MembershipFactory(user=person, network=net, role=role)
    Meeting.objects.create(
        network=net, number=7, title="TNM in Sofia",
        starts_at=at(days(21)), ends_at=at(days(21), 17),
    )  # fmt: skip
    Article.objects.create(
        network=net, title="Roadmaps are in", slug="roadmaps-are-in", body="All submitted.",
        author=coordinator, status=ArticleStatus.DRAFT,
    )  # fmt: skip

    page = home(client_for(person), net)

    assert "TNM #7: TNM in Sofia" in text(section(page, "Next meetings and calls"))
    sections = [h for level, h in headings(page) if level == 2]
    if role == Role.COMMUNICATION:
        assert sections == ["Next meetings and calls", "Drafts to publish"]
        assert "Roadmaps are in" in section(page, "Drafts to publish")
    else:
        assert sections == ["Next meetings and calls"]


def test_several_roles_show_the_sections_of_each_once(
    client_for, net, city_a, coordinator, roadmap_obligation
):
    MembershipFactory(user=coordinator, network=net, role=Role.CITY_COORDINATOR, partner=city_a)

    page = home(client_for(coordinator), net)

    sections = [h for level, h in headings(page) if level == 2]
    assert sections[:4] == [
        "What Alphaville has to do next",
        "Latest feedback on Alphaville's roadmap and plan",
        "Your actions and follow-ups",
        "Next meetings and calls",
    ]
    assert "Where each city stands" in sections and "Drafts to publish" in sections
    assert len(sections) == len(set(sections))
    assert "Your roles here: City coordinator (Alphaville), Coordinator" in text(page)


# Who may see whose home -----------------------------------------------------------------------


def test_the_home_of_another_network_is_not_found(
    client_for, net, other_net, other_city, city_member_a, other_network_coordinator
):
    client = client_for(city_member_a)
    assert client.get(reverse("progress:home", args=[other_net.slug])).status_code == 404
    response = client_for(other_network_coordinator).get(reverse("progress:home", args=[net.slug]))
    assert response.status_code == 404
    assert b"Alphaville" not in response.content


def test_after_login_a_person_of_one_network_lands_on_their_home(
    client, net, city_member_a, password
):
    response = client.post(
        reverse("login"), {"username": city_member_a.email, "password": password}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("progress:home", args=[net.slug])
    assert "What Alphaville has to do next" in response.content.decode()

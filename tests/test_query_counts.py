"""Every main page costs at most eight SQL queries when it is built (the page cache off),
and as many with one generated network as with two: no page asks the database once per
row it shows.

The pages are those `make bench` measures, opened as the person the bench opens them as.
The data is `load_demo --scale 1`, then `--scale 2`, loaded once for the module and rolled
back after it. Each page is asked twice at each size and the second answer counted, so
that what a process reads once in its life (translations, content types) is not counted.
"""

import datetime as dt
import html
import re
from dataclasses import dataclass, field

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
from django.urls import reverse
from django.utils import dateformat, timezone

from iap.enums import RoadmapState, StepStatus
from iap.models import (
    ActionPlan,
    PlanAction,
    PlanVersion,
    Roadmap,
    RoadmapStep,
    RoadmapVersion,
    SmallScaleAction,
    SsaLesson,
)
from meetings import services as meeting_services
from meetings.models import Call, CheckupRound, Meeting
from news.selectors import published_articles
from partners import demo_scale
from partners.models import CityGroup, Network, Partner, Stakeholder, User
from partners.selectors import roadmap_deadline

#: The tests use the database, so that the test database is made even when they run alone.
pytestmark = pytest.mark.django_db

BUDGET = 8
SIZES = (1, 2)
NETWORK = "gen-01"
H1 = re.compile(r"<h1[^>]*>(.*?)</h1>", re.DOTALL)
TAG = re.compile(r"<[^>]+>")

#: The network home of each role the bench opens it as, by login.
HOME_ROLES = {
    "coordinator": "coordinator",
    "lead partner": "lead-partner",
    "lead expert": "lead-expert",
    "programme officer": "officer",
    "city coordinator": "city-01",
    "team member": "member-01a",
}

#: Each role's home (progress:home) that the tests open, by login, and a section it shows.
PROGRESS_HOMES = {
    "city coordinator": ("city-01", "What {city} has to do next"),
    "lead expert": ("lead-expert", "Reviews waiting"),
    "coordinator": ("coordinator", "Drafts to publish"),
    "programme officer": ("officer", "Every city's plans"),
}

PAGES = [
    *(f"network home, {role}" for role in HOME_ROLES),
    *(f"home, {role}" for role in PROGRESS_HOMES),
    "meetings",
    "meeting",
    "call",
    "cancel a meeting, confirmation",
    "cancel a call, confirmation",
    "remove an agenda item, confirmation",
    "remove a roadmap step, confirmation",
    "review queue",
    "IAP page, programme officer",
    "all roadmaps",
    "all IAP actions",
    "all IAP actions, CSV",
    "all SSAs",
    "library",
    "check-up round",
    "obligations",
    "reminders sent",
    "roadmap",
    "roadmap, city team",
    "plan",
    "plan, paired city",
    "roadmap version",
    "roadmap versions compared",
    "IAP version",
    "IAP versions compared",
    "IAP rubric",
    "remove a rubric criterion, confirmation",
    "score an IAP",
    "SSA list",
    "SSA page, city team",
    "turn a lesson into an IAP action",
    "news, editors' list",
    "news, public list",
    "news, public list of the network",
    "article",
    "news feed, Atom",
    "news feed of the network, RSS",
    "article, Italian translation",
    "add a translation",
    "edit a translation",
    "remove a translation, confirmation",
    "personal calendar feed",
    "front page, anonymous",
    "people",
    "cities",
    "pairs",
    "invitations",
    "progress matrix, with its charts",
    "city progress, with its chart",
    "search",
]


@dataclass
class Page:
    path: str
    email: str | None  # None: anonymous
    #: What the page's <h1> says, or None for a feed.
    heading: str | None
    #: What else its body shows (unescaped text).
    shows: tuple[str, ...] = ()


@dataclass
class Answer:
    status: int
    heading: str | None
    body: str  # unescaped, with its tags
    text: str  # what a reader sees: without tags
    queries: list[str] = field(repr=False)


def login(local: str) -> str:
    return f"{local}@{NETWORK}.example.org"


def latest(events):
    past = events.filter(starts_at__lte=timezone.now()).order_by("-starts_at").first()
    return past or events.order_by("starts_at").first()


def speakers_shown(meeting) -> list[str]:
    """How the meeting page names each speaker of its programme: a person by their city in
    the meeting's network, else by their job title; a guest by their organisation."""
    names = []
    for item in meeting.agenda.prefetch_related("speakers__memberships__partner", "guest_speakers"):
        for person in item.speakers.all():
            cities = [
                m.partner.city
                for m in person.memberships.all()
                if m.network_id == meeting.network_id and m.partner is not None
            ]
            where = cities[0] if cities else person.job_title
            names.append(f"{person.get_full_name()} ({where})" if where else person.get_full_name())
        names += [str(guest) for guest in item.guest_speakers.all()]
    return names


def pairings_shown(city) -> list[str]:
    """How the home of a city's people names the city's pairs and their cities."""
    shown = []
    for group in CityGroup.objects.filter(cities=city).prefetch_related("cities"):
        shown += [group.topic, ", ".join(c.city for c in group.cities.all())]
    return shown


def with_stakeholders(city) -> list[str]:
    """Two of the city's stakeholders take part in its first action (the generated plans
    name none), so that the plan shows their names."""
    action = PlanAction.objects.filter(plan__partner=city).order_by("starts_on", "pk").first()
    people = [
        Stakeholder.objects.create(partner=city, name=name, sector="private")
        for name in ("Chamber of Commerce", "Anchor employers' club")
    ]
    action.stakeholders.set(people)
    return sorted(person.name for person in people)


def with_lessons(city) -> tuple[SmallScaleAction, SsaLesson, tuple[str, ...]]:
    """The city's first Small Scale Action evaluated with two indicators and two lessons,
    the first of which became the first action of its IAP (open to the city): the SSA, the
    lesson still to turn into an action, and what the SSA's page shows its team."""
    from reviews.enums import ReviewState

    ActionPlan.objects.filter(partner=city).update(state=ReviewState.DRAFT)
    ssa = SmallScaleAction.objects.filter(partner=city).order_by("pk").first()
    ssa.indicators.all().delete()
    ssa.indicators.create(name="Companies taking part", target="10", result="12")
    ssa.indicators.create(name="Employees volunteering", target="60", result="48")
    action = PlanAction.objects.filter(plan__partner=city).order_by("pk").first()
    ssa.lesson_items.create(text="Ask through the associations. It works.", action=action)
    lesson = ssa.lesson_items.create(text="Half a day suits small companies.")
    shows = ("Employees volunteering", "Became the IAP action", action.title)
    return ssa, lesson, (*shows, "Turn into an IAP action")


def open_to_the_city(city) -> tuple[str, ...]:
    """The city's roadmap back with the city (changes requested) and its second step three
    days late: what its page then shows its team, the move buttons and the overdue mark on
    each row that has them."""
    Roadmap.objects.filter(partner=city).update(state=RoadmapState.CHANGES_REQUESTED)
    second = RoadmapStep.objects.filter(roadmap__partner=city).order_by("position", "pk")[1]
    due = timezone.localdate() - dt.timedelta(days=3)
    RoadmapStep.objects.filter(pk=second.pk).update(
        starts_on=due - dt.timedelta(days=30), due_on=due, status=StepStatus.IN_PROGRESS
    )
    return (f"Move up {second.title}", f"Move down {second.title}", "Overdue")


def submitted_twice(city) -> tuple[str, ...]:
    """Versions 1 and 2 of the city's roadmap and plan (the generated plans are never
    submitted), the plan's second with its first action's budget raised: what the plan's
    compare page then shows."""
    roadmap, plan = city.roadmap, city.action_plan
    for number in (1, 2):
        RoadmapVersion.objects.get_or_create(
            roadmap=roadmap, number=number, defaults={"steps": roadmap.snapshot()}
        )
    first = plan.snapshot()
    second = {**first, "actions": [{**first["actions"][0], "budget": "99999.00"}]}
    for number, content in ((1, first), (2, second)):
        PlanVersion.objects.get_or_create(plan=plan, number=number, defaults={"content": content})
    return ("Estimated budget (EUR)", "99,999 EUR")


#: The comment the city makes on its paired city's plan (`sent_to_the_paired_city`).
PEER_COMMENT = "Our ULG asks how your companies chose their neighbourhoods."


def sent_to_the_paired_city(city) -> Partner:
    """The network asks paired cities for their comments; the city paired with `city`
    submits its plan, so that it is with `city` for 7 days, and `city` comments on it."""
    from iap.models import ActionPlan
    from partners.enums import GroupKind
    from reviews import services as engine

    Network.objects.filter(pk=city.network_id).update(peer_review_days=7)
    pair = CityGroup.objects.filter(cities=city, kind=GroupKind.PAIR).order_by("pk").first()
    paired = pair.cities.exclude(pk=city.pk).get()
    author = User.objects.get(memberships__partner=paired, email__startswith="city-")
    plan = ActionPlan.objects.select_related("partner__network").get(partner=paired)
    plan.sections.filter(kind="objectives").update(body="Thirty companies sign the pact.")
    engine.submit(user=author, document=plan)
    commenter = User.objects.get(email=login("city-01"))
    engine.thread_open(user=commenter, document=plan, body=PEER_COMMENT)
    return paired


def scored_by_the_lead_expert(city) -> tuple[str, tuple[str, ...]]:
    """The city's plan waiting for review (with its versions), its latest scored by the
    lead expert against the first two criteria of the rubric: the heading of the scoring
    page, and what the plan's page then shows."""
    from iap import rubric
    from iap.models import ActionPlan
    from reviews.enums import ReviewState

    plan = ActionPlan.objects.select_related("partner__network").get(partner=city)
    ActionPlan.objects.filter(pk=plan.pk).update(state=ReviewState.SUBMITTED)
    plan.refresh_from_db()
    latest = plan.versions.order_by("-number").first() or PlanVersion.objects.create(
        plan=plan, number=1, content=plan.snapshot()
    )
    first, second = city.network.rubric.order_by("position", "pk")[:2]
    rubric.score_save(
        user=User.objects.get(email=login("lead-expert")),
        plan=plan,
        version=latest.number,
        levels={first.pk: (3, "Joined up."), second.pk: (2, "The ULG, later.")},
    )
    heading = f"Score version {latest.number} of {city.city}'s IAP"
    return heading, ("Review rubric", "Largely met", "The ULG, later.")


def translated(article) -> str:
    """The article in Italian, saved from its current text, and in French, saved before its
    last edit (out of date): the Italian title."""
    from news.models import ArticleTranslation

    for language, made_from in (
        ("it", article.edited_at),
        ("fr", article.edited_at - dt.timedelta(days=1)),
    ):
        ArticleTranslation.objects.update_or_create(
            article=article,
            language=language,
            defaults={
                "title": f"{article.title} ({language})",
                "body": article.body,
                "source_edited_at": made_from,
            },
        )
    return f"{article.title} (it)"


def pages() -> dict[str, Page]:
    """Each page of the bench on the data loaded now."""
    network = Network.objects.get(slug=NETWORK)
    slug, acronym = network.slug, network.acronym
    city = Partner.objects.get(network=network, memberships__user__email=login("city-01"))
    coordinator = login("coordinator")
    meeting = latest(Meeting.objects.filter(network=network))
    call = latest(Call.objects.filter(network=network))
    article = published_articles(network=network).first()
    italian_title = translated(article)
    token = meeting_services.calendar_feed_renew(user=User.objects.get(email=coordinator))
    deadline = roadmap_deadline(network=network)
    checkup_round = CheckupRound.objects.filter(network=network).order_by("pk").first()
    budget_raised = submitted_twice(city)
    paired = sent_to_the_paired_city(city)
    score_heading, scores_shown = scored_by_the_lead_expert(city)
    criterion = network.rubric.order_by("position", "pk").first()

    def url(name, *args):
        return reverse(name, args=args)

    home = url("partners:network_home", slug)
    second_city = Partner.objects.get(network=network, memberships__user__email=login("city-02"))
    ssa, lesson, ssa_shows = with_lessons(second_city)
    result = {
        f"network home, {role}": Page(
            home,
            login(local),
            acronym,
            (User.objects.get(email=login(local)).get_full_name(),),
        )
        for role, local in HOME_ROLES.items()
    }
    for role in ("city coordinator", "team member"):
        result[f"network home, {role}"].shows += ("Your city's pairings", *pairings_shown(city))
    result |= {
        "meetings": Page(url("meetings:meeting_list", slug), coordinator, "Meetings and calls"),
        "meeting": Page(
            meeting.get_absolute_url(), coordinator, meeting.title, tuple(speakers_shown(meeting))
        ),
        "call": Page(call.get_absolute_url(), coordinator, call.title),
        "cancel a meeting, confirmation": Page(
            url("meetings:meeting_cancel", slug, meeting.number),
            coordinator,
            "Cancel",
            (str(meeting),),
        ),
        "cancel a call, confirmation": Page(
            url("meetings:call_cancel", slug, call.pk), coordinator, "Cancel", (str(call),)
        ),
        "remove an agenda item, confirmation": Page(
            url("meetings:agenda_item_remove", slug, meeting.number, meeting.agenda.first().pk),
            coordinator,
            f"Remove “{meeting.agenda.first().title}” from the programme?",
        ),
        "remove a roadmap step, confirmation": Page(
            url("iap:step_delete", slug, city.slug, city.roadmap.steps.first().pk),
            login("city-01"),
            f"Remove the step “{city.roadmap.steps.first().title}”?",
        ),
        "review queue": Page(
            url("iap:review_queue", slug), login("lead-expert"), "IAP roadmap reviews"
        ),
        "IAP page, programme officer": Page(
            url("iap:review_queue", slug), login("officer"), "The cities' IAPs", (city.city,)
        ),
        "all roadmaps": Page(
            url("iap:overview_roadmaps", slug), login("officer"), "All roadmaps", (city.city,)
        ),
        "all IAP actions": Page(
            url("iap:overview_actions", slug),
            login("officer"),
            "All IAP actions and budgets",
            (city.city, "All cities"),
        ),
        "all IAP actions, CSV": Page(
            url("iap:overview_actions_export", slug, "csv"),
            login("officer"),
            None,
            ("City,Action,Responsible body", city.city, "All cities"),
        ),
        "all SSAs": Page(
            url("iap:overview_ssas", slug), login("officer"), "All Small Scale Actions"
        ),
        "roadmap": Page(
            url("iap:roadmap", slug, city.slug),
            coordinator,
            f"{city.city}: IAP roadmap",
            (f"Deadline: {dateformat.format(deadline, 'j F Y')}",),
        ),
        "roadmap, city team": Page(
            url("iap:roadmap", slug, city.slug),
            login("city-01"),
            f"{city.city}: IAP roadmap",
            open_to_the_city(city),
        ),
        "plan": Page(
            url("iap:plan", slug, city.slug),
            coordinator,
            f"{city.city}: Integrated Action Plan",
            (", ".join(with_stakeholders(city)), *scores_shown),
        ),
        "IAP rubric": Page(
            url("iap:rubric", slug), coordinator, f"{acronym}: the IAP rubric", (criterion.title,)
        ),
        "remove a rubric criterion, confirmation": Page(
            url("iap:rubric_remove", slug, criterion.pk),
            login("lead-expert"),
            f"Remove the criterion “{criterion.title}”?",
        ),
        "score an IAP": Page(
            url("iap:plan_score", slug, city.slug),
            login("lead-expert"),
            score_heading,
            (criterion.title, "Largely met", "Fully met"),
        ),
        "roadmap version": Page(
            url("iap:version", slug, city.slug, 1), coordinator, f"{city.city}: roadmap version 1"
        ),
        "roadmap versions compared": Page(
            url("iap:version_compare", slug, city.slug),
            coordinator,
            f"{city.city}: compare roadmap versions",
            ("Compare version", "with version", "(the newer)"),
        ),
        "IAP version": Page(
            url("iap:plan_version", slug, city.slug, 2), coordinator, f"{city.city}: IAP version 2"
        ),
        "IAP versions compared": Page(
            url("iap:plan_version_compare", slug, city.slug) + "?from=2&to=1",
            coordinator,
            f"{city.city}: compare IAP versions",
            budget_raised,
        ),
        "SSA list": Page(
            url("iap:ssa_list", slug, city.slug), coordinator, f"{city.city}: Small Scale Actions"
        ),
        "SSA page, city team": Page(
            url("iap:ssa_detail", slug, second_city.slug, ssa.pk),
            login("city-02"),
            ssa.title,
            ssa_shows,
        ),
        "turn a lesson into an IAP action": Page(
            url("iap:lesson_to_action", slug, second_city.slug, ssa.pk, lesson.pk),
            login("city-02"),
            "Turn the lesson into an IAP action",
            (lesson.text, f"Learnt from the Small Scale Action “{ssa.title}”"),
        ),
        "news, editors' list": Page(url("news:manage", slug), coordinator, "News articles"),
        "news, public list": Page(url("news:list"), None, "News from the networks"),
        "news, public list of the network": Page(
            url("news:network_list", slug), None, f"{acronym} news"
        ),
        "article": Page(article.get_absolute_url(), None, article.title),
        "news feed, Atom": Page(url("news:feed"), None, None, ("<feed", "<entry")),
        "news feed of the network, RSS": Page(
            url("news:network_rss", slug), None, None, ("<rss", "<item>", acronym)
        ),
        "article, Italian translation": Page(
            article.url_in("it"), None, italian_title, ("Also in:", "Français", "Read the original")
        ),
        "add a translation": Page(
            url("news:translation_create", slug, article.pk), coordinator, "Translate"
        ),
        "edit a translation": Page(
            url("news:translation_edit", slug, article.pk, "fr"),
            coordinator,
            "Edit the translation of",
            ("Out of date: the original changed on",),
        ),
        "remove a translation, confirmation": Page(
            url("news:translation_remove", slug, article.pk, "it"),
            coordinator,
            "Remove the translation into Italian?",
        ),
        "personal calendar feed": Page(
            url("meetings:calendar_feed", token),
            None,
            None,
            ("BEGIN:VCALENDAR", "BEGIN:VEVENT"),
        ),
        "front page, anonymous": Page(url("home"), None, "CITIES4CSR portal"),
        "search": Page(
            url("search:results") + "?q=city", coordinator, "Search", ("results for “city”",)
        ),
        "people": Page(url("partners:people", slug), coordinator, "People and roles"),
        "cities": Page(url("partners:partner_list", slug), coordinator, "Partner cities"),
        "pairs": Page(url("partners:city_groups", slug), coordinator, "City pairs and clusters"),
        "invitations": Page(url("partners:invitations", slug), coordinator, "Invitations"),
        "progress matrix, with its charts": Page(
            url("progress:matrix", slug),
            coordinator,
            "Where each city stands",
            (
                f"{acronym}: the workplan and its deadlines",
                f"{acronym}: roadmaps in each state at the end of each month",
                f"{acronym}: Small Scale Action budgets by city",
            ),
        ),
        "library": Page(url("meetings:library", slug), login("city-01"), "Document library"),
        "check-up round": Page(
            url("meetings:checkup_round", slug, checkup_round.pk), coordinator, checkup_round.title
        ),
        "obligations": Page(
            url("progress:obligations", slug),
            coordinator,
            "Obligations and deadlines",
            ("IAP roadmaps submitted",),
        ),
        "reminders sent": Page(url("progress:reminder_log", slug), coordinator, "Reminders sent"),
        "city progress, with its chart": Page(
            url("progress:city", slug, city.slug),
            coordinator,
            f"{city.city}: where the city stands",
            (f"{city.city}: roadmap steps done at each submission and today",),
        ),
    }
    for role, (local, section) in PROGRESS_HOMES.items():
        result[f"home, {role}"] = Page(
            url("progress:home", slug),
            login(local),
            f"Your home in {acronym}",
            (section.format(city=city.city),),
        )
    result["news, editors' list"].shows += ("Out of date: the original changed on",)
    result["article"].shows += ("Also in:", "Italiano", "Français")
    result["home, city coordinator"].shows += (
        f"Asked to comment: {paired.city}'s Integrated Action Plan, until",
    )
    result["plan, paired city"] = Page(
        url("iap:plan", slug, paired.slug),
        login("city-01"),
        f"{paired.city}: Integrated Action Plan",
        (PEER_COMMENT, f"paired city {city.city}"),
    )
    assert set(result) == set(PAGES)
    return result


def text(fragment: str) -> str:
    return " ".join(html.unescape(TAG.sub(" ", fragment)).split())


def ask(page: Page) -> Answer:
    client = Client()
    if page.email is not None:
        client.force_login(User.objects.get(email=page.email))
    client.get(page.path)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(page.path)
    body = response.content.decode()
    found = H1.search(body)
    return Answer(
        status=response.status_code,
        heading=text(found[1]) if found else None,
        body=html.unescape(body),
        text=text(body),
        queries=[query["sql"] for query in queries.captured_queries],
    )


@pytest.fixture(scope="module")
def answers(django_db_setup, django_db_blocker) -> dict[tuple[str, int], tuple[Page, Answer]]:
    """Each page at each size of data, built without the page cache."""
    name = connection.settings_dict["NAME"]
    assert name.startswith("test"), f"refusing to load data into {name}, not a test database"
    found = {}
    with (
        django_db_blocker.unblock(),
        override_settings(PAGE_CACHE_SECONDS=0),
        transaction.atomic(),
    ):
        for size in SIZES:
            demo_scale.generate(scale=size)
            for name, page in pages().items():
                found[name, size] = (page, ask(page))
        transaction.set_rollback(True)
    return found


def listing(answer: Answer) -> str:
    return "\n".join(f"  {n}. {sql[:300]}" for n, sql in enumerate(answer.queries, 1))


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("name", PAGES)
def test_page_answers_with_its_own_content(answers, name, size):
    page, answer = answers[name, size]
    assert answer.status == 200, page.path
    if page.heading is not None:
        assert answer.heading is not None and page.heading in answer.heading
    for shown in page.shows:
        assert shown in answer.text or shown in answer.body


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("name", PAGES)
def test_page_costs_at_most_eight_queries(answers, name, size):
    page, answer = answers[name, size]
    assert len(answer.queries) <= BUDGET, (
        f"{name} ({page.path}) asked {len(answer.queries)} queries:\n{listing(answer)}"
    )


@pytest.mark.parametrize("name", PAGES)
def test_page_costs_as_many_queries_with_twice_the_networks(answers, name):
    (_page, one), (_, two) = answers[name, 1], answers[name, 2]
    assert len(two.queries) == len(one.queries), (
        f"{name}: {len(one.queries)} queries at scale 1, {len(two.queries)} at scale 2:\n"
        f"scale 1:\n{listing(one)}\nscale 2:\n{listing(two)}"
    )

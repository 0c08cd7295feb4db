"""Every form of the portal, posted by a person allowed to use it, with hostile values.

For each form and each family of hostile values (see `tests/fuzz.py`), the test opens the
page as a role that may use it, reads the fields of its form, and posts it twice: with
the value where it could be legitimate input, then with the value in every field. The
portal must answer below 500; a refused form (any answer but a redirect) must leave our
apps' rows as they were; an accepted one must leave the page it leads to, and the pages
and files that show the saved value (feeds, exports), working.

A guard test fails when a URL of ours that takes a POST has no row here, so that a new
form is fuzzed from the day it lands.
"""

import datetime as dt
import os
import traceback
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django import forms
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from iap.models import SmallScaleAction, SsaFile
from iap.rubric import rubric_for_new_network
from meetings.booking_forms import CheckupRoundForm, SlotForm
from meetings.enums import AgendaKind
from meetings.forms import CallNotesForm
from meetings.models import Action, AgendaItem, Decision, Document, FollowUp
from news.forms import PublishForm
from news.models import ArticleTranslation
from partners import services as partner_services
from partners.models import Membership
from reviews import services as engine
from reviews.forms import CommentForm, TransitionForm
from tests.fuzz import (
    FAMILIES,
    TEXT,
    browser_data,
    changes,
    everywhere,
    fields_of,
    fits,
    forms_in,
    snapshot,
    where_it_fits,
)
from tests.iap.conftest import roadmap_a  # noqa: F401
from tests.meetings.booking_world import (  # noqa: F401
    booked_round_fixture,
    checkup_round_fixture,
    free_slots,
)
from tests.meetings.conftest import checkup_call, meeting  # noqa: F401
from tests.news.conftest import ArticleFactory
from tests.partners.conftest import (  # noqa: F401
    invitation_a,
    pair_ab,
    stakeholders_a,
    ulg_meeting_a,
)
from tests.progress.conftest import roadmap_obligation  # noqa: F401
from tests.test_url_coverage import named_patterns
from tests.test_views_declare_permissions import view_of


@dataclass(frozen=True)
class Form:
    """One form: its URL, who may use it, and how to fill it."""

    name: str
    role: str
    #: Names of the URL's arguments, in order, looked up in `ARGUMENTS`.
    args: tuple = ("net",)
    #: For a POST-only action, the form class or field names it reads (no page to open).
    posts: type | tuple | None = None
    #: For a POST-only action, what its page would send besides the fuzzed fields.
    sends: dict = field(default_factory=dict)
    #: Pages (name, argument names) that show what the form saved, opened after it did.
    shown_on: tuple = ()
    #: The action answers its page (200), not a redirect, when it has done its work.
    answers_page_when_done: bool = False

    def __str__(self):
        return f"{self.name}[{self.role}]"


ROADMAP = (("iap:roadmap", ("net", "city")), ("iap:roadmap_export", ("net", "city", "csv")),
           ("iap:roadmap_export", ("net", "city", "pdf")))  # fmt: skip
PLAN = (("iap:plan", ("net", "city")), ("iap:plan_export", ("net", "city", "csv")),
        ("iap:plan_export", ("net", "city", "pdf")))  # fmt: skip
#: Where the rubric and a plan's scores show.
RUBRIC = (("iap:rubric", ("net",)),)
SCORED = (("iap:plan", ("net", "submitted_city")), ("iap:plan_export", ("net", "city", "pdf")))
FEEDS = (("news:list", ()), ("news:feed", ()), ("news:rss", ()), ("news:network_feed", ("net",)),
         ("news:network_rss", ("net",)), ("news:manage", ("net",)))  # fmt: skip
#: Where an article's Italian translation shows: its public page, the editors' list, the feed.
TRANSLATED = (("news:article_in", ("net", "article_slug", "it_translation")),
              ("news:manage", ("net",)), ("news:network_feed", ("net",)))  # fmt: skip
MEETINGS = (("meetings:meeting_list", ("net",)), ("meetings:meeting_detail", ("net", "number")),
            ("meetings:meeting_ics", ("net", "number")),
            ("partners:network_home", ("net",)))  # fmt: skip
#: Where a meeting's actions show: the meeting, the homes, the obligations' matrix.
OUTCOMES = (*MEETINGS, ("progress:home", ("net",)), ("progress:matrix", ("net",)))
CALL = (("meetings:call_detail", ("net", "call")), ("meetings:call_ics", ("net", "call")),
        ("meetings:meeting_list", ("net",)), ("partners:network_home", ("net",)))  # fmt: skip
ULG = (("partners:ulg", ("net", "city")), ("partners:partner_detail", ("net", "city")))
CITY = ("net", "city")
#: Where an SSA's results and lessons show: its page and the plan's PDF.
SSA = (("iap:ssa_detail", ("net", "city", "ssa")), ("iap:plan_export", ("net", "city", "pdf")))
OBLIGATIONS = (("progress:obligations", ("net",)), ("progress:matrix", ("net",)),
               ("progress:home", ("net",)), ("progress:city", ("net", "city")),
               ("partners:network_home", ("net",)))  # fmt: skip

FORMS = [
    # Accounts: public forms as a visitor, the person's own as a city member.
    Form("login", "anonymous", ()),
    Form("password_reset", "anonymous", ()),
    Form("password_reset_confirm", "anonymous", ("uidb64", "reset_token")),
    Form("password_change", "city_member_a", ()),
    Form("logout", "city_member_a", (), posts=("next",)),
    Form("profile", "city_member_a", (), shown_on=(("partners:people", ("net",)),)),
    Form("notifications_mark_read", "city_member_a", (), posts=("notification",)),
    Form(
        "set_language",
        "city_member_a",
        (),
        posts=("language", "next"),
        sends={"language": "it", "next": "/"},
    ),  # fmt: skip
    Form("notification_open", "city_member_a", ("notification",), posts=()),
    # Partners
    Form("partners:invitation_accept", "anonymous", ("net", "invitation_token")),
    Form("partners:workplan_edit", "coordinator", shown_on=(("partners:network_home", ("net",)),)),
    Form("partners:partner_edit", "city_coordinator_a", CITY, shown_on=ULG),
    Form("partners:stakeholder_create", "city_member_a", CITY, shown_on=ULG),
    Form("partners:stakeholder_edit", "city_member_a", (*CITY, "stakeholder"), shown_on=ULG),
    Form("partners:ulg_meeting_create", "city_member_a", CITY, shown_on=ULG),
    Form("partners:ulg_meeting_edit", "city_member_a", (*CITY, "ulg_meeting"), shown_on=ULG),
    Form("partners:membership_edit", "coordinator", ("net", "membership")),
    Form("partners:membership_remove", "coordinator", ("net", "membership"), posts=()),
    Form("partners:invitation_create", "coordinator"),
    Form("partners:invitation_resend", "coordinator", ("net", "invitation"), posts=()),
    Form("partners:invitation_revoke", "coordinator", ("net", "invitation"), posts=()),
    Form("partners:city_group_create", "coordinator"),
    Form("partners:city_group_edit", "coordinator", ("net", "group")),
    Form("partners:city_group_delete", "coordinator", ("net", "group"), posts=()),
    # News: the published article, so that what is saved reaches the feeds.
    Form("news:create", "coordinator", shown_on=FEEDS),
    Form("news:edit", "coordinator", ("net", "article"), shown_on=FEEDS),
    Form(
        "news:publish",
        "coordinator",
        ("net", "draft"),
        posts=PublishForm,
        sends={"action": "publish"},
        shown_on=FEEDS,
    ),  # fmt: skip
    Form("news:translation_create", "coordinator", ("net", "article"), shown_on=TRANSLATED),
    Form(
        "news:translation_edit",
        "coordinator",
        ("net", "article", "it_translation"),
        shown_on=TRANSLATED,
    ),
    Form("news:translation_remove", "coordinator", ("net", "article", "it_translation"), posts=()),
    # Meetings and calls
    Form("meetings:meeting_create", "coordinator", shown_on=MEETINGS[:1]),
    Form("meetings:meeting_edit", "coordinator", ("net", "number"), shown_on=MEETINGS),
    Form("meetings:meeting_cancel", "coordinator", ("net", "number"), posts=()),
    Form("meetings:agenda_item_create", "coordinator", ("net", "number"), shown_on=MEETINGS),
    Form("meetings:agenda_item_edit", "coordinator", ("net", "number", "item"), shown_on=MEETINGS),
    Form(
        "meetings:agenda_item_move",
        "coordinator",
        ("net", "number", "item"),
        posts=("direction",),
        shown_on=MEETINGS,
    ),  # fmt: skip
    Form("meetings:agenda_item_remove", "coordinator", ("net", "number", "item"), posts=()),
    Form("meetings:attendance", "city_coordinator_a", ("net", "number"), shown_on=MEETINGS),
    Form("meetings:minutes_edit", "coordinator", ("net", "number"), shown_on=MEETINGS),
    Form("meetings:decision_create", "coordinator", ("net", "number"), shown_on=MEETINGS),
    Form("meetings:decision_edit", "coordinator", ("net", "number", "decision"), shown_on=MEETINGS),
    Form("meetings:decision_remove", "coordinator", ("net", "number", "decision"), posts=()),
    Form("meetings:action_create", "coordinator", ("net", "number"), shown_on=OUTCOMES),
    Form(
        "meetings:action_edit",
        "coordinator",
        ("net", "number", "meeting_action"),
        shown_on=OUTCOMES,
    ),
    Form("meetings:action_remove", "coordinator", ("net", "number", "meeting_action"), posts=()),
    Form(
        "meetings:action_tick",
        "city_member_a",
        ("net", "meeting_action"),
        posts=("done", "next"),
        shown_on=OUTCOMES,
    ),
    Form("meetings:document_upload", "coordinator", ("net", "number"), shown_on=MEETINGS),
    Form("meetings:document_upload", "city_member_a", ("net", "number"), shown_on=MEETINGS),
    Form("meetings:library_upload", "city_member_a", shown_on=(("meetings:library", ("net",)),)),
    Form("meetings:library_upload", "coordinator", shown_on=(("meetings:library", ("net",)),)),
    Form("meetings:library_remove", "city_member_a", ("net", "document"), posts=()),
    Form(
        "meetings:calendar_settings",
        "city_member_a",
        posts=("action",),
        answers_page_when_done=True,
    ),  # fmt: skip
    Form("meetings:call_create", "coordinator", shown_on=CALL[2:]),
    Form("meetings:call_create", "city_coordinator_a", shown_on=CALL[2:]),
    Form("meetings:checkup_round_create", "coordinator", shown_on=CALL[2:]),
    Form(
        "meetings:checkup_round_create",
        "coordinator",
        posts=CheckupRoundForm,
        sends={
            "open": "1",
            "opens": "09:00",
            "closes": "11:00",
            "minutes": "60",
            "gap": "0",
            "day_1": "2099-03-02",
        },
        shown_on=CALL[2:],
    ),
    Form(
        "meetings:checkup_slot_book",
        "city_coordinator_b",
        ("net", "round"),
        posts=SlotForm,
        sends={"slot": "free_slot", "city": "city_b_pk"},
        shown_on=CALL[2:],
    ),
    Form(
        "meetings:checkup_slot_move",
        "city_coordinator_a",
        ("net", "booked_round"),
        posts=SlotForm,
        sends={"slot": "free_slot", "city": "city_a_pk"},
    ),
    Form(
        "meetings:checkup_slot_assign",
        "coordinator",
        ("net", "round"),
        posts=SlotForm,
        sends={"slot": "free_slot", "city": "city_b_pk"},
        shown_on=CALL[2:],
    ),
    Form(
        "meetings:call_notes",
        "lead_expert",
        ("net", "call"),
        posts=CallNotesForm,
        sends={"version": "call_version"},
        shown_on=CALL,
    ),  # fmt: skip
    Form("meetings:follow_up_create", "city_coordinator_a", ("net", "call"), shown_on=CALL),
    Form("meetings:follow_up_toggle", "city_coordinator_a", ("net", "call", "follow_up"), posts=()),
    Form("meetings:call_reschedule", "coordinator", ("net", "call"), shown_on=CALL),
    Form("meetings:call_cancel", "coordinator", ("net", "call"), posts=()),
    # Progress
    Form("progress:obligation_create", "coordinator", shown_on=OBLIGATIONS),
    Form("progress:obligation_edit", "coordinator", ("net", "obligation"), shown_on=OBLIGATIONS),
    Form("progress:obligation_remove", "coordinator", ("net", "obligation"), posts=()),
    # IAP
    Form(
        "iap:roadmap_transition",
        "city_coordinator_a",
        CITY,
        posts=TransitionForm,
        sends={"action": "submit"},
        shown_on=ROADMAP,
    ),  # fmt: skip
    Form(
        "iap:roadmap_thread_open",
        "lead_expert",
        CITY,
        posts=CommentForm,
        sends={"part": "step_part"},
        shown_on=ROADMAP,
    ),
    Form(
        "iap:roadmap_thread",
        "city_member_a",
        (*CITY, "roadmap_thread", "reply"),
        posts=CommentForm,
        shown_on=ROADMAP,
    ),
    Form("iap:roadmap_thread", "city_member_a", (*CITY, "roadmap_thread", "answered"), posts=()),
    Form("iap:roadmap_thread", "lead_expert", (*CITY, "roadmap_thread", "resolve"), posts=()),
    Form("iap:step_create", "city_member_a", CITY, shown_on=ROADMAP),
    Form("iap:step_edit", "city_member_a", ("net", "city", "step"), shown_on=ROADMAP),
    Form("iap:step_delete", "city_member_a", ("net", "city", "step"), posts=()),
    Form(
        "iap:step_move",
        "city_member_a",
        ("net", "city", "step"),
        posts=("direction",),
        shown_on=ROADMAP,
    ),  # fmt: skip
    Form("iap:section_edit", "city_member_a", ("net", "city", "context"), shown_on=PLAN),
    Form(
        "iap:plan_transition",
        "city_coordinator_a",
        CITY,
        posts=TransitionForm,
        sends={"action": "submit"},
        shown_on=PLAN,
    ),
    Form(
        "iap:plan_thread_open",
        "lead_expert",
        CITY,
        posts=CommentForm,
        sends={"part": "section-context"},
        shown_on=PLAN,
    ),
    Form(
        "iap:plan_thread",
        "city_member_a",
        (*CITY, "plan_thread", "reply"),
        posts=CommentForm,
        shown_on=PLAN,
    ),
    Form("iap:plan_thread", "city_member_a", (*CITY, "plan_thread", "answered"), posts=()),
    Form("iap:plan_thread", "lead_expert", (*CITY, "plan_thread", "resolve"), posts=()),
    Form("iap:action_create", "city_member_a", CITY, shown_on=PLAN),
    Form("iap:rubric_create", "coordinator", shown_on=RUBRIC),
    Form("iap:rubric_edit", "lead_expert", ("net", "criterion"), shown_on=RUBRIC),
    Form(
        "iap:rubric_move",
        "coordinator",
        ("net", "criterion"),
        posts=("direction",),
        shown_on=RUBRIC,
    ),  # fmt: skip
    Form("iap:rubric_remove", "coordinator", ("net", "criterion"), posts=()),
    Form("iap:plan_score", "lead_expert", ("net", "submitted_city"), shown_on=SCORED),
    Form("iap:action_edit", "city_member_a", ("net", "city", "action"), shown_on=PLAN),
    Form("iap:ssa_create", "city_member_a", CITY, shown_on=(("iap:ssa_list", CITY),)),
    Form(
        "iap:ssa_edit",
        "city_member_a",
        ("net", "city", "ssa"),
        shown_on=(("iap:ssa_detail", ("net", "city", "ssa")),),
    ),  # fmt: skip
    Form("iap:ssa_file_remove", "city_member_a", ("net", "city", "ssa", "ssa_file"), posts=()),
    Form(
        "iap:ssa_file_upload",
        "city_member_a",
        ("net", "city", "ssa"),
        shown_on=(("iap:ssa_detail", ("net", "city", "ssa")),),
    ),  # fmt: skip
    Form("iap:lesson_create", "city_member_a", ("net", "city", "ssa"), shown_on=SSA),
    Form("iap:lesson_edit", "city_member_a", ("net", "city", "ssa", "lesson"), shown_on=SSA),
    Form("iap:lesson_remove", "city_member_a", ("net", "city", "ssa", "lesson"), posts=()),
    Form(
        "iap:lesson_to_action",
        "city_member_a",
        ("net", "city", "ssa", "lesson"),
        shown_on=(*SSA, *PLAN),
    ),  # fmt: skip
]


# The small world the forms are about; each argument is made only when a form needs it.


def _ssa_file(request):
    """A file of the SSA the same URL names (made just before: the latest)."""
    ssa = SmallScaleAction.objects.latest("pk")
    item = SsaFile(ssa=ssa, title="Report")
    item.file.save("report.pdf", ContentFile(b"%PDF-1.4 report"), save=True)
    return item.pk


def _document(request):
    document = Document(
        network=request.getfixturevalue("net"),
        title="Our TNM slides",
        uploaded_by=request.getfixturevalue("city_member_a"),
    )
    document.file.save("slides.pdf", ContentFile(b"%PDF-1.4 slides"), save=True)
    return document.pk


def _agenda_item(request):
    tnm = request.getfixturevalue("meeting")
    item = AgendaItem.objects.create(
        meeting=tnm, starts_at=tnm.starts_at, title="Keynote", kind=AgendaKind.KEYNOTE
    )
    return item.pk


def _ssa(request):
    city = request.getfixturevalue("city_a")
    request.getfixturevalue("roadmap_a")
    action = _plan_action(request)
    ssa = SmallScaleAction.objects.create(partner=city, title="Tree planting", action_id=action)
    ssa.indicators.create(name="Trees planted", target="100")
    return ssa.pk


def _lesson(request):
    """A lesson of the SSA the same URL names (made just before: the latest)."""
    ssa = SmallScaleAction.objects.latest("pk")
    return ssa.lesson_items.create(text="Ask the companies directly. They come.").pk


def _plan_action(request):
    plan = request.getfixturevalue("city_a").action_plan
    action = plan.actions.filter(title="Local CSR pact").first()
    return (action or plan.actions.create(title="Local CSR pact")).pk


def _criterion(request):
    network = request.getfixturevalue("net")
    rubric_for_new_network(network=network)
    return network.rubric.order_by("position").first().pk


def _submitted_city(request):
    """City A, its IAP submitted (version 1) against the network's rubric."""
    _criterion(request)
    plan = request.getfixturevalue("city_a").action_plan
    plan.sections.filter(kind="context").update(body="Many small companies.")
    engine.submit(user=request.getfixturevalue("city_coordinator_a"), document=plan)
    return plan.partner.slug


def _thread(request, document):
    """A comment of the lead expert on city A's roadmap or plan."""
    if document == "plan_a":
        document = request.getfixturevalue("city_a").action_plan
    else:
        document = request.getfixturevalue(document)
    lead_expert = request.getfixturevalue("lead_expert")
    return engine.thread_open(user=lead_expert, document=document, body="Who takes part?").pk


def _italian_translation(request):
    """The published article's Italian translation, made once: its language."""
    article = request.getfixturevalue("published_article")
    ArticleTranslation.objects.get_or_create(
        article=article,
        language="it",
        defaults={"title": "Ciao", "body": "Testo.", "source_edited_at": article.edited_at},
    )
    return "it"


def _reset_uid(request):
    return urlsafe_base64_encode(force_bytes(request.getfixturevalue("city_member_a").pk))


ARGUMENTS = {
    "net": lambda request: request.getfixturevalue("net").slug,
    "obligation": lambda request: request.getfixturevalue("roadmap_obligation").pk,
    "notification": lambda request: (
        partner_services.notify(
            recipients=[request.getfixturevalue("city_member_a")],
            title="Roadmap approved",
            url=request.getfixturevalue("net").get_absolute_url(),
        )[0].pk
    ),
    "city": lambda request: request.getfixturevalue("city_a").slug,
    "csv": lambda request: "csv",
    "pdf": lambda request: "pdf",
    "context": lambda request: "context",
    "uidb64": _reset_uid,
    "reset_token": lambda request: default_token_generator.make_token(
        request.getfixturevalue("city_member_a")
    ),
    "invitation_token": lambda request: partner_services.invitation_token(
        request.getfixturevalue("invitation_a")
    ),
    "invitation": lambda request: request.getfixturevalue("invitation_a").pk,
    "stakeholder": lambda request: request.getfixturevalue("stakeholders_a")[0].pk,
    "ulg_meeting": lambda request: request.getfixturevalue("ulg_meeting_a").pk,
    "group": lambda request: request.getfixturevalue("pair_ab").pk,
    "membership": lambda request: (
        Membership.objects.get(user=request.getfixturevalue("city_member_b")).pk
    ),
    "article": lambda request: request.getfixturevalue("published_article").pk,
    "draft": lambda request: request.getfixturevalue("draft_article").pk,
    "article_slug": lambda request: request.getfixturevalue("published_article").slug,
    "it_translation": _italian_translation,
    "number": lambda request: request.getfixturevalue("meeting").number,
    "item": _agenda_item,
    "call": lambda request: request.getfixturevalue("checkup_call").pk,
    "round": lambda request: request.getfixturevalue("checkup_round").pk,
    "booked_round": lambda request: request.getfixturevalue("booked_round").pk,
    "free_slot": lambda request: free_slots(request.getfixturevalue("checkup_round"))[0].pk,
    "city_a_pk": lambda request: request.getfixturevalue("city_a").pk,
    "city_b_pk": lambda request: request.getfixturevalue("city_b").pk,
    "call_version": lambda request: request.getfixturevalue("checkup_call").version,
    "follow_up": lambda request: (
        FollowUp.objects.create(
            call=request.getfixturevalue("checkup_call"), task="Send the roadmap"
        ).pk
    ),
    "decision": lambda request: (
        Decision.objects.create(meeting=request.getfixturevalue("meeting"), text="Sofia").pk
    ),
    "meeting_action": lambda request: (
        Action.objects.create(
            meeting=request.getfixturevalue("meeting"),
            task="Book the venue",
            partner=request.getfixturevalue("city_a"),
            due_on=dt.date(2031, 3, 1),
        ).pk
    ),
    "step": lambda request: request.getfixturevalue("roadmap_a").steps.order_by("position")[0].pk,
    "step_part": lambda request: f"step-{ARGUMENTS['step'](request)}",
    "roadmap_thread": lambda request: _thread(request, "roadmap_a"),
    "plan_thread": lambda request: _thread(request, "plan_a"),
    "criterion": _criterion,
    "submitted_city": _submitted_city,
    "action": _plan_action,
    "ssa": _ssa,
    "ssa_file": _ssa_file,
    "lesson": _lesson,
    "document": _document,
}


@pytest.fixture
def published_article(net, coordinator):
    return ArticleFactory(network=net, author=coordinator, slug="roadmaps-submitted")


@pytest.fixture
def draft_article(net, coordinator):
    return ArticleFactory(
        network=net, author=coordinator, slug="a-draft", status="draft", publish_at=None
    )


@pytest.fixture
def world(request, net, city_a, city_b, city_member_a, city_member_b, settings, tmp_path):
    """Everyone of city A's network and the things the forms are about, made as needed."""
    settings.MEDIA_ROOT = tmp_path
    return lambda name: ARGUMENTS[name](request) if name in ARGUMENTS else name


@pytest.fixture(autouse=True)
def throttle_counters_of_this_test(settings):
    """Logins and reset requests count under a prefix of this test, deleted afterwards."""
    prefix = f"test-fuzz-{uuid.uuid4().hex[:12]}"
    settings.THROTTLE_KEY_PREFIX = prefix
    yield
    try:
        redis = cache._cache.get_client(write=True)
        keys = list(redis.scan_iter(match=f"{cache.make_key(prefix)}*", count=10_000))
        if keys:
            redis.delete(*keys)
    except Exception:  # noqa: BLE001, S110 - no Redis: nothing was counted there
        pass


# The guard -------------------------------------------------------------------------------


def handles_post(view) -> bool:
    methods = getattr(view, "http_method_names", ())
    return hasattr(view, "post") and "post" in methods


def post_url_names():
    """Named URLs of ours whose view answers a POST."""
    names = set()
    for name, pattern in named_patterns():
        callback = pattern.callback
        view = getattr(callback, "view_class", None)
        if view is not None and handles_post(view):
            names.add(name)
    return names


def test_every_form_of_the_portal_is_fuzzed():
    fuzzed = {form.name for form in FORMS}
    assert sorted(post_url_names() - fuzzed) == [], "forms with no row in FORMS"
    assert sorted(fuzzed - post_url_names()) == [], "rows in FORMS for no form"


# The fuzz --------------------------------------------------------------------------------


def where(error: BaseException) -> str:
    """The deepest line of the portal's own code the error went through."""
    root = Path(__file__).resolve().parent.parent
    ours = [
        frame
        for frame in traceback.extract_tb(error.__traceback__)
        if frame.filename.startswith(str(root)) and "/.venv/" not in frame.filename
    ]
    frame = ours[-1] if ours else traceback.extract_tb(error.__traceback__)[-1]
    return f"{Path(frame.filename).name}:{frame.lineno}"


def ask(problems, what, send):
    """The response, or None with the problem noted when the portal fails."""
    try:
        response = send()
    except Exception as error:  # noqa: BLE001 - the test client re-raises the view's error
        problems.append(f"{what}: {type(error).__name__}: {str(error)[:160]} at {where(error)}")
        return None
    if response.status_code >= 500:
        problems.append(f"{what}: answered {response.status_code}")
        return None
    return response


def opened(client, url, problems, what):
    response = ask(problems, what, lambda: client.get(url))
    if response is not None and hasattr(response, "streaming_content"):
        ask(problems, what, lambda: b"".join(response.streaming_content))


def the_form(form, client, url, world):
    """(address to post to, {field name: form field}, what the page sends as it stands)."""
    if form.posts is not None:
        if isinstance(form.posts, tuple):
            fields = {name: forms.CharField(required=False) for name in form.posts}
        else:
            fields = dict(form.posts.base_fields)
        return url, fields, {name: world(value) for name, value in form.sends.items()}
    page = client.get(url, follow=True)
    assert page.status_code == 200, f"{form}: the form page answered {page.status_code}"
    fields = fields_of(forms_in(page.context))
    assert fields, f"{form}: no form in the page's context"
    return page.request["PATH_INFO"], fields, browser_data(page.content.decode(), fields)


def families_for(form):
    """Every text family; the date and number ones only where the form has such a field
    (the form class tells; a page of several forms gets them all)."""
    if isinstance(form.posts, tuple):
        return [family for family in FAMILIES if family.fits == TEXT]
    form_class = form.posts or getattr(view_of(form.name), "form_class", None)
    if form_class is None:
        return FAMILIES
    fields = form_class.base_fields.values()
    return [
        family
        for family in FAMILIES
        if family.fits == TEXT or any(fits(family, field) for field in fields)
    ]


CASES = [
    pytest.param(form, family, id=f"{form}-{family}")
    for form in FORMS
    for family in families_for(form)
]


@pytest.mark.parametrize("form, family", CASES)
def test_hostile_values_never_break_a_form(request, client_for, world, form, family):
    client = client_for(request.getfixturevalue(form.role))
    url = reverse(form.name, args=[world(name) for name in form.args])
    url, fields, sends = the_form(form, client, url, world)
    if not fields:  # an action without fields: hostile values it does not expect
        fields = {"unexpected": forms.CharField(required=False)}
    attempts = [
        ("where it fits", where_it_fits(sends, fields, family)),
        ("everywhere", everywhere(sends, fields, family)),
    ]
    problems, accepted = [], []
    for how, data in attempts:
        if data is None:
            continue
        what = f"POST {form.name} with {family} {how} ({', '.join(fields)})"
        before = snapshot()
        response = ask(problems, what, lambda data=data: client.post(url, data))
        if os.environ.get("FUZZ_VERBOSE") and response is not None:
            print(f"{response.status_code} {what}")  # noqa: T201
        if response is None:
            continue
        if response.status_code in (301, 302, 303):
            accepted.append(what)
            opened(client, response["Location"], problems, f"{what}, then GET the next page")
            continue
        if form.answers_page_when_done and response.status_code == 200:
            accepted.append(what)
            continue
        changed = changes(before, snapshot())
        if changed:
            problems.append(f"{what}: refused ({response.status_code}) but changed {changed}")
    if accepted:  # the pages and files that show what was saved
        for name, args in form.shown_on:
            shown = reverse(name, args=[world(arg) for arg in args])
            opened(client, shown, problems, f"{accepted[-1]}, then GET {name}")
    assert not problems, "\n".join(problems)


def test_the_families_are_hostile_enough():
    by_name = {family.name: family for family in FAMILIES}
    assert len(by_name["long"].value) >= 5000
    assert "\x00" in by_name["nul"].value
    assert by_name["nested_quotes"].value.count(">") >= 3000
    assert by_name["nested_lists"].value.count("\n") >= 400
    assert by_name["year_1"].date_value == dt.date(1, 1, 1).isoformat()
    assert by_name["formula"].value.startswith("=")

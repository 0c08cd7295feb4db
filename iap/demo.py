"""Demo roadmaps (their real review of 2020–21, and the open work dated from the day the
demo is loaded), IAP drafts and Small Scale Actions."""

import datetime as dt
from decimal import Decimal

from partners.demo_scale import sent_at
from partners.models import Notification, NotificationEmail, Stakeholder
from reviews import services as engine
from reviews.enums import ThreadState
from reviews.models import Message, Thread

from . import lessons, services
from .enums import RoadmapState, SectionKind, SsaStatus, StepStatus
from .models import Roadmap, RoadmapTransition, RoadmapVersion

STEPS = [
    (
        "Map local companies' CSR practice",
        "ULG coordinator",
        (2020, 10, 1),
        (2020, 12, 15),
        StepStatus.DONE,
        False,
    ),
    (
        "Agree the IAP objectives with the ULG",
        "City coordinator",
        (2021, 1, 10),
        (2021, 3, 31),
        StepStatus.IN_PROGRESS,
        True,
    ),
    (
        "Design and test Small Scale Actions",
        "ULG",
        (2021, 4, 1),
        (2021, 10, 31),
        StepStatus.NOT_STARTED,
        False,
    ),
    (
        "Write the action table with budgets",
        "City team",
        (2021, 9, 1),
        (2021, 12, 15),
        StepStatus.NOT_STARTED,
        False,
    ),
    (
        "Final IAP approved by the city council",
        "Deputy mayor",
        (2022, 3, 1),
        (2022, 6, 30),
        StepStatus.NOT_STARTED,
        True,
    ),
]

UTC = dt.UTC

#: The steps a city adds when the lead expert asks for changes. A step added goes to the
#: end of the roadmap, after later ones: Sofia, asked for changes, can move its ULG step
#: up to where its dates put it ("Move up" on the roadmap's page).
ULG_STEP = (
    "ULG meetings on the objectives and the Small Scale Actions",
    "ULG coordinator",
    (2021, 2, 1),
    (2021, 6, 30),
    StepStatus.IN_PROGRESS,
    True,
)
SSA_STEP = (
    "First Small Scale Action with local companies",
    "City team",
    (2021, 9, 1),
    (2021, 11, 30),
    StepStatus.NOT_STARTED,
    True,
)

FIRST = "Our roadmap, discussed with the ULG."
AGAIN = "Revised with the ULG as asked."
ASK_ULG = "Say which stakeholders take part and when the ULG meets on this."
CHANGES = "Add the ULG meetings and a milestone for the SSAs."
ASK_SSA = "Give the Small Scale Actions dates and a budget."
CHANGES_SSA = "Nearly there: the Small Scale Actions need a milestone of their own."
APPROVED = "Clear steps and owners. Approved."


def on(*day, hour=10, minute=0):
    """A moment of the network's real 2020–21 history."""
    return dt.datetime(*day, hour, minute, tzinfo=UTC)


def ago(days, hour=10, minute=0):
    """A moment `days` before the day the demo is loaded (resolved by `when`)."""
    return ("ago", days, hour, minute)


def submit(at, comment=FIRST):
    return ("submit", at, comment)


def review(at):
    return ("review", at)


def comment(at, step, body):
    return ("comment", at, step, body)


def changes(at, body=CHANGES, *, step=STEPS[1][0], ask=ASK_ULG):
    """The lead expert comments on a step, then asks for changes half an hour later."""
    return [comment(at, step, ask), ("changes", at + dt.timedelta(minutes=30), body)]


def add_step(at, step=ULG_STEP):
    return ("add_step", at, step)


def approve(at, body=APPROVED):
    return ("approve", at, body)


#: Each city's roadmap as it went: every city submitted at the end of December 2020 and the
#: lead expert reviewed them from January 2021; most were approved over 2021. Two have
#: their open work now: Vratsa resubmitted 3 days ago and waits for review; the lead
#: expert asked Sofia for changes a few days ago, with 2 comments to address.
HISTORIES = {
    "milan": [submit(on(2020, 12, 21)), review(on(2021, 1, 11)), approve(on(2021, 1, 14))],
    "guimaraes": [
        submit(on(2020, 12, 22)), review(on(2021, 1, 11, hour=14)),
        comment(on(2021, 1, 19), STEPS[2][0], "Guimarães une could be your first SSA."),
        approve(on(2021, 1, 20)),
    ],
    "bratislava": [submit(on(2020, 12, 23)), review(on(2021, 1, 12)), approve(on(2021, 1, 25))],
    "budaors": [
        submit(on(2020, 12, 28)), review(on(2021, 1, 12, hour=14)), *changes(on(2021, 1, 15)),
        add_step(on(2021, 2, 1)), submit(on(2021, 2, 8), AGAIN), review(on(2021, 2, 10)),
        approve(on(2021, 2, 19)),
    ],
    "kekava": [
        submit(on(2020, 12, 29)), review(on(2021, 1, 13)), *changes(on(2021, 1, 18)),
        add_step(on(2021, 2, 20)), submit(on(2021, 3, 1), AGAIN), review(on(2021, 3, 3)),
        approve(on(2021, 3, 15)),
    ],
    "molina-de-segura": [
        submit(on(2020, 12, 30)), review(on(2021, 1, 13, hour=14)), *changes(on(2021, 1, 19)),
        add_step(on(2021, 4, 1)), submit(on(2021, 4, 12), AGAIN), review(on(2021, 4, 14)),
        approve(on(2021, 5, 3)),
    ],
    "rijeka": [
        submit(on(2020, 12, 30, hour=14)), review(on(2021, 1, 14)), *changes(on(2021, 1, 20)),
        add_step(on(2021, 5, 25)), submit(on(2021, 6, 7), AGAIN), review(on(2021, 6, 9)),
        *changes(on(2021, 6, 15), CHANGES_SSA, step=STEPS[2][0], ask=ASK_SSA),
        add_step(on(2021, 8, 30), SSA_STEP), submit(on(2021, 9, 6), AGAIN),
        review(on(2021, 9, 8)), approve(on(2021, 9, 20)),
    ],
    "nantes": [
        submit(on(2020, 12, 31)), review(on(2021, 1, 14, hour=14)), *changes(on(2021, 1, 21)),
        add_step(on(2021, 9, 27)), submit(on(2021, 10, 4), AGAIN), review(on(2021, 10, 6)),
        approve(on(2021, 10, 18)),
    ],
    "vratsa": [
        submit(on(2020, 12, 29, hour=14)), review(on(2021, 1, 12, hour=16)),
        *changes(on(2021, 1, 18, hour=14)), add_step(ago(5)),
        submit(ago(3), "Revised with the ULG: the meetings on the objectives are in."),
    ],
    "sofia": [
        submit(on(2020, 12, 28, hour=14)), review(on(2021, 1, 11, hour=16)),
        *changes(on(2021, 1, 15, hour=14)), add_step(ago(14)), submit(ago(12), AGAIN),
        review(ago(9)),
        comment(ago(4, 9, 30), STEPS[2][0],
                "Which Small Scale Action do you test first, and with which companies? "
                "Name them in this step."),
        comment(ago(4, 9, 45), STEPS[3][0],
                "Give each action a budget line and a funding source."),
        ("changes", ago(4, 10, 15),
         "Two points to address before I approve: see my comments on the steps."),
    ],
}  # fmt: skip

#: The Small Scale Actions of each city: (title, status). Rijeka and Nantes have only an
#: idea so far: the two cities late on the "Small Scale Actions planned" deadline.
SSAS = {
    "budaors": [("Tree planting with local companies", SsaStatus.RUNNING)],
    "bratislava": [("Tree planting in housing estates with company volunteers", SsaStatus.PLANNED)],
    "sofia": [("Tree planting in a neighbourhood park", SsaStatus.PLANNED)],
    "guimaraes": [("Guimarães une: companies and associations together", SsaStatus.PLANNED)],
    "molina-de-segura": [
        ("Mi Sueño Fátima: a neighbourhood and its businesses", SsaStatus.PLANNED)
    ],
    "milan": [("Company volunteering day", SsaStatus.EVALUATED)],
    "rijeka": [("Company volunteering day", SsaStatus.IDEA)],
    "nantes": [("Company volunteering day", SsaStatus.IDEA)],
}
DEFAULT_SSAS = [("Company volunteering day", SsaStatus.PLANNED)]
#: What an evaluated Small Scale Action recorded: what was done, its results against its
#: indicators (name, target, result), its lessons, and the IAP action the first became.
EVALUATIONS = {
    "milan": {
        "texts": {
            "done": (
                "Twelve companies lent 48 employees for a day to three neighbourhood "
                "projects: a school garden, a library's reading corner and a park clean-up."
            ),
            "results": (
                "The three projects were finished on the day. Nine of the twelve companies "
                "said they would come again, four of them with a project of their own."
            ),
        },
        "indicators": [
            ("Companies taking part", "10", "12"),
            ("Employees volunteering", "60", "48"),
        ],
        "lessons": [
            "Companies join when a neighbourhood association asks them directly. The city's "
            "letter alone brought two companies; the associations' calls brought ten.",
            "Half a day suits small companies better than a whole day: several could not "
            "spare their staff for longer.",
        ],
        "action": {
            "responsible_body": "Economic development office, with the neighbourhood associations",
            "starts_on": dt.date(2022, 3, 1),
            "ends_on": dt.date(2022, 12, 31),
            "budget": Decimal("8000.00"),
            "funding_source": "City budget",
        },
    },
}

#: What each event of a history moves the roadmap to.
MOVES_TO = {
    "submit": RoadmapState.SUBMITTED,
    "review": RoadmapState.IN_REVIEW,
    "changes": RoadmapState.CHANGES_REQUESTED,
    "approve": RoadmapState.APPROVED,
}

#: Notifications older than this were read by their recipients.
READ_AFTER_DAYS = 14


def load(*, context, stdout=None):
    # The roadmap deadline is one of the network's obligations: partners.demo loads it.
    for slug, partner in context["partners"].items():
        city = context["city_coordinators"][slug]
        load_roadmap(partner, HISTORIES[slug], city=city, context=context)
        load_plan(partner, city=city)
        load_ssas(partner, city=city)


def when(at, today):
    if isinstance(at, tuple):
        _ago, days, hour, minute = at
        day = today - dt.timedelta(days=days)
        return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=UTC)
    return at


def load_roadmap(partner, history, *, city, context):
    """Play the city's history through the review services, each event at its moment.

    A roadmap that already went exactly this way is left alone, so loading twice on one day
    changes nothing; loaded on another day (or after someone tried the demo), its history
    is played anew, so that the open work is dated from today."""
    today = context["dates"].today
    events = [(what, when(at, today), *args) for what, at, *args in history]
    roadmap = partner.roadmap
    if _signature(roadmap) == _planned(events):
        return
    _clear(roadmap)
    roadmap = Roadmap.objects.select_related("partner__network").get(pk=roadmap.pk)
    for step in STEPS:
        _add_step(roadmap, city, step)
    le = context["lead_expert"]
    for what, at, *args in events:
        marks = _marks()
        if what == "submit":
            for thread in roadmap.threads.filter(state=ThreadState.OPEN):
                engine.thread_mark_answered(user=city, thread=thread)  # before resubmitting
            engine.submit(document=roadmap, user=city, comment=args[0], today=at.date())
        elif what == "review":
            engine.begin_review(document=roadmap, user=le)
        elif what == "comment":
            step = roadmap.steps.get(title=args[0])
            engine.thread_open(document=roadmap, user=le, anchor=step, body=args[1])
        elif what == "changes":
            engine.request_changes(document=roadmap, user=le, comment=args[0])
        elif what == "approve":
            for thread in roadmap.threads.exclude(state=ThreadState.RESOLVED):
                engine.thread_resolve(user=le, thread=thread)
            engine.approve(document=roadmap, user=le, comment=args[0])
        elif what == "add_step":
            _add_step(roadmap, city, args[0])
        roadmap.refresh_from_db()
        _stamp(roadmap, marks, at=at, today=today)
    moves = [(what, at) for what, at, *_ in events if what in MOVES_TO]
    Roadmap.objects.filter(pk=roadmap.pk).update(
        state_since=moves[-1][1] if moves else roadmap.state_since,
        submitted_at=next((at for what, at in moves if what == "submit"), None),
    )


def _add_step(roadmap, city, step):
    title, owner, start, due, status, milestone = step
    services.step_save(
        user=city,
        roadmap=roadmap,
        data={
            "title": title,
            "owner": owner,
            "starts_on": dt.date(*start),
            "due_on": dt.date(*due),
            "status": status,
            "is_milestone": milestone,
        },
    )


def _planned(events):
    transitions = [(MOVES_TO[what], at) for what, at, *_ in events if what in MOVES_TO]
    comments = sum(1 for what, *_ in events if what == "comment")
    versions = sum(1 for what, *_ in events if what == "submit")
    steps = len(STEPS) + sum(1 for what, *_ in events if what == "add_step")
    return transitions, comments, versions, steps


def _signature(roadmap):
    return (
        list(roadmap.transitions.order_by("at", "pk").values_list("to_state", "at")),
        roadmap.threads.filter(is_change_request=False).count(),
        roadmap.versions.count(),
        roadmap.steps.count(),
    )


def _clear(roadmap):
    """Back to an empty draft: steps, versions, transitions, comments and the notifications
    about them go."""
    Notification.objects.filter(
        network=roadmap.partner.network, url=roadmap.get_absolute_url()
    ).delete()
    for related in (roadmap.threads, roadmap.transitions, roadmap.versions, roadmap.steps):
        related.all().delete()
    Roadmap.objects.filter(pk=roadmap.pk).update(state=RoadmapState.DRAFT, submitted_at=None)


def _last_pk(model):
    return model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _marks():
    return {
        model: _last_pk(model)
        for model in (Notification, Thread, Message, RoadmapTransition, RoadmapVersion)
    }


def _stamp(roadmap, marks, *, at, today):
    """Put what the last event wrote at its moment: the transition, the version, the comment,
    the notifications (read when old) and their e-mails (sent then)."""
    RoadmapTransition.objects.filter(roadmap=roadmap, pk__gt=marks[RoadmapTransition]).update(at=at)
    RoadmapVersion.objects.filter(roadmap=roadmap, pk__gt=marks[RoadmapVersion]).update(
        created_at=at
    )
    Thread.objects.filter(roadmap=roadmap, pk__gt=marks[Thread]).update(opened_at=at)
    Thread.objects.filter(roadmap=roadmap, answered_at__gt=at).update(answered_at=at)
    Thread.objects.filter(roadmap=roadmap, resolved_at__gt=at).update(resolved_at=at)
    Message.objects.filter(thread__roadmap=roadmap, pk__gt=marks[Message]).update(written_at=at)
    notes = Notification.objects.filter(pk__gt=marks[Notification], url=roadmap.get_absolute_url())
    is_old = at.date() < today - dt.timedelta(days=READ_AFTER_DAYS)
    NotificationEmail.objects.filter(notification__in=notes).update(**sent_at(at))
    notes.update(created_at=at, read_at=at + dt.timedelta(hours=3) if is_old else None)


def load_plan(partner, *, city):
    plan = partner.action_plan
    texts = {
        SectionKind.CONTEXT: (
            f"{partner.city} has many small companies but little dialogue between them "
            "and the city on social and environmental goals."
        ),
        SectionKind.OBJECTIVES: (
            "1. A local CSR pact signed by 30 companies.\n"
            "2. Companies' volunteers in three neighbourhood projects a year."
        ),
    }
    for section in plan.sections.filter(kind__in=list(texts), body=""):
        services.section_save(
            user=city, section=section, body=texts[section.kind], version=section.version
        )
    if not plan.actions.filter(title="Local CSR pact").exists():
        services.action_save(
            user=city,
            plan=plan,
            data={
                "title": "Local CSR pact",
                "objective": "Companies commit to the SDGs",
                "responsible_body": "Economic development office",
                "starts_on": dt.date(2021, 9, 1),
                "ends_on": dt.date(2022, 6, 30),
                "budget": Decimal("25000.00"),
                "funding_source": "City budget",
                "risk": "Few companies sign",
                "mitigation": "Chamber of commerce promotes the pact",
                "stakeholders": Stakeholder.objects.filter(partner=partner)[:2],
            },
            indicators=[("Companies signed", "0", "30")],
        )


def load_ssas(partner, *, city):
    action = partner.action_plan.actions.first()
    evaluation = EVALUATIONS.get(partner.slug)
    for title, status in SSAS.get(partner.slug, DEFAULT_SSAS):
        ssa = partner.small_scale_actions.filter(title=title).first()
        evaluated = status == SsaStatus.EVALUATED and evaluation is not None
        if ssa is None or ssa.status != status:
            ssa = services.ssa_save(
                user=city,
                partner=partner,
                ssa=ssa,
                version=ssa.version if ssa else None,
                data={
                    "title": title,
                    "action": action,
                    "tests_what": "Whether companies take part when asked by the city.",
                    "budget": Decimal("10000.00"),
                    "starts_on": dt.date(2021, 4, 1),
                    "ends_on": dt.date(2021, 10, 31),
                    "status": status,
                    "stakeholders": Stakeholder.objects.filter(partner=partner)[:3],
                    **(evaluation["texts"] if evaluated else {}),
                },
                indicators=evaluation["indicators"] if evaluated else None,
            )
        if evaluated:
            _load_lessons(ssa, evaluation, city=city)


def _load_lessons(ssa, evaluation, *, city):
    """The evaluated SSA's lessons; the first has already become an action of the IAP."""
    for text in evaluation["lessons"]:
        if not ssa.lesson_items.filter(text=text).exists():
            lessons.lesson_save(user=city, ssa=ssa, text=text)
    first = ssa.lesson_items.select_related("ssa").get(text=evaluation["lessons"][0])
    plan = ssa.partner.action_plan
    if first.action_id is None and city.has_perm("iap.edit_plan", plan):
        initial = lessons.action_initial(first)
        lessons.lesson_to_action(
            user=city,
            lesson=first,
            data={
                "title": initial["title"],
                "objective": initial["objective"],
                **evaluation["action"],
            },
            indicators=[
                tuple(part.strip() for part in line.split("|"))
                for line in initial["indicators_text"].splitlines()
            ],
        )

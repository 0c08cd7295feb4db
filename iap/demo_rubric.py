"""Demo data of the IAP rubric: every demo network gets URBACT's usual criteria, and
Budaörs's IAP has been submitted twice, each version scored by the lead expert, so that
the plan's page shows the scores by version and how they changed.

Played through the services (the review engine and iap.rubric), then dated from the day
the demo is loaded. Loading again changes nothing while the plan is as this left it."""

import datetime as dt

from partners.demo_scale import sent_at
from partners.enums import Role
from partners.models import Notification, NotificationEmail
from partners.selectors import people_with_roles
from reviews import services as engine
from reviews.enums import ReviewState, ThreadState
from reviews.models import Message, Thread

from . import rubric, services
from .enums import RubricLevel, SectionKind
from .models import ActionPlan, PlanTransition, PlanVersion, RubricCriterion, RubricScore

CITY = "budaors"
L = RubricLevel

#: The sections as first submitted; the city writes funding and risks again after the
#: lead expert's request.
FIRST_DRAFT = {
    SectionKind.ACTIONS: (
        "Five actions: the CSR pact, a volunteering day each year, a CSR award, a "
        "one-stop shop for companies and a yearly forum with the ULG."
    ),
    SectionKind.FUNDING: "The city will look for funding.",
    SectionKind.MONITORING: (
        "The ULG meets twice a year to review what has been done. Each action names an indicator."
    ),
    SectionKind.RISKS: "",
}
REVISED = {
    SectionKind.FUNDING: (
        "The city budget covers the pact and the award (EUR 40,000 over two years). The "
        "one-stop shop is proposed for the regional development programme; the forum is "
        "paid for by the chamber of commerce."
    ),
    SectionKind.RISKS: (
        "- Few companies sign the pact: the chamber of commerce promotes it to its members.\n"
        "- The regional funds are not granted: the one-stop shop starts as a desk in the "
        "economic development office."
    ),
}
CHANGES = (
    "Before I can approve: say where the money comes from for each action, and name the "
    "main risks with a way to reduce each one."
)

#: The lead expert's scores of each version, criterion by criterion in the rubric's order.
SCORES = {
    1: [
        (L.PARTLY, "The plan joins economic development and social affairs; the districts "
         "are hardly mentioned."),
        (L.LARGELY, "The ULG shaped the objectives; say who delivers which action."),
        (L.PARTLY, "The actions have owners but no dates for three of them."),
        (L.NOT_ADDRESSED, "No funding source is named."),
        (L.PARTLY, "Indicators named, without baselines."),
        (L.NOT_ADDRESSED, "The risks section is empty."),
    ],
    2: [
        (L.LARGELY, "The districts now have a place in the forum and the volunteering days."),
        (L.LARGELY, "Unchanged: still say who delivers the one-stop shop."),
        (L.LARGELY, "Dates and owners for every action."),
        (L.LARGELY, "Each action has a source; the regional funds are not granted yet."),
        (L.PARTLY, "Baselines are still missing for two indicators."),
        (L.FULLY, "The two main risks, each with a fallback."),
    ],
}  # fmt: skip

#: When each step happened, in days before the day the demo is loaded.
DAYS_AGO = {"submit_1": 40, "score_1": 33, "changes": 33, "submit_2": 6, "score_2": 2}
READ_AFTER_DAYS = 14


def load(*, context, stdout=None):
    for network in (context["network"], context["other_network"]):
        rubric.rubric_for_new_network(network=network)
    partner = context["partners"].get(CITY)
    if partner is not None:
        reviewers = people_with_roles(network=partner.network, roles=[Role.LEAD_EXPERT])
        load_scored_plan(
            partner.action_plan,
            city=context["city_coordinators"][CITY],
            lead_expert=reviewers.order_by("pk").first(),
            today=context["dates"].today,
        )


def load_scale(*, context, stdout=None):
    """Every generated network has the usual rubric (written in bulk, as the rest)."""
    RubricCriterion.objects.bulk_create(
        [c for gen in context["generated"] for c in rubric.default_criteria(gen.network)],
        ignore_conflicts=True,
    )


def _scored_twice(plan) -> bool:
    numbers = RubricScore.objects.filter(version__plan=plan).values_list(
        "version__number", flat=True
    )
    return set(numbers) >= {1, 2} and plan.state == ReviewState.IN_REVIEW


def load_scored_plan(plan, *, city, lead_expert, today):
    if _scored_twice(plan):
        return
    _clear(plan)
    plan = ActionPlan.objects.select_related("partner__network").get(pk=plan.pk)
    criteria = list(plan.partner.network.rubric.order_by("position", "pk"))

    def moment(step):
        day = today - dt.timedelta(days=DAYS_AGO[step])
        return dt.datetime(day.year, day.month, day.day, 10, 0, tzinfo=dt.UTC)

    marks = _marks()
    _write(plan, city, FIRST_DRAFT)
    _submit(plan, city, on=moment("submit_1").date())
    _stamp(plan, marks, at=moment("submit_1"), today=today)

    marks = _marks()
    _score(plan, lead_expert, 1, criteria)
    engine.request_changes(user=lead_expert, document=plan, comment=CHANGES)
    _stamp(plan, marks, at=moment("changes"), today=today)

    marks = _marks()
    _write(plan, city, REVISED)
    for thread in plan.threads.filter(state=ThreadState.OPEN):
        engine.thread_mark_answered(user=city, thread=thread)
    _submit(plan, city, on=moment("submit_2").date())
    _stamp(plan, marks, at=moment("submit_2"), today=today)

    marks = _marks()
    _score(plan, lead_expert, 2, criteria)
    _stamp(plan, marks, at=moment("score_2"), today=today)
    ActionPlan.objects.filter(pk=plan.pk).update(
        state_since=moment("score_2"), submitted_at=moment("submit_1")
    )


def _write(plan, city, texts):
    for section in plan.sections.filter(kind__in=list(texts)):
        if section.body != texts[section.kind]:
            services.section_save(
                user=city, section=section, body=texts[section.kind], version=section.version
            )


def _submit(plan, city, *, on):
    plan = engine.submit(user=city, document=plan, today=on)
    if plan.state == ReviewState.PEER_REVIEW:  # the network asks its pairs first
        engine.end_peer_review(user=None, document=plan)


def _score(plan, lead_expert, number, criteria):
    levels = {
        criterion.pk: (int(level), comment)
        for criterion, (level, comment) in zip(criteria, SCORES[number], strict=False)
    }
    if levels:
        rubric.score_save(user=lead_expert, plan=plan, version=number, levels=levels)
    else:  # a network whose rubric was emptied: the review starts all the same
        engine.begin_review(user=lead_expert, document=plan)


def _clear(plan):
    """Back to an unsubmitted draft: versions (and their scores), history, threads and the
    notifications about them go."""
    Notification.objects.filter(network=plan.partner.network, url=plan.get_absolute_url()).delete()
    for related in (plan.threads, plan.transitions, plan.versions):
        related.all().delete()
    ActionPlan.objects.filter(pk=plan.pk).update(
        state=ReviewState.DRAFT, submitted_at=None, peer_review_until=None
    )


def _last_pk(model):
    return model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _marks():
    return {
        model: _last_pk(model)
        for model in (Notification, Thread, Message, PlanTransition, PlanVersion, RubricScore)
    }


def _stamp(plan, marks, *, at, today):
    """Date what the last steps wrote at their moment: transitions, versions, scores,
    threads, and the notifications (read when old) with their e-mails (sent then)."""
    PlanTransition.objects.filter(plan=plan, pk__gt=marks[PlanTransition]).update(at=at)
    PlanVersion.objects.filter(plan=plan, pk__gt=marks[PlanVersion]).update(created_at=at)
    RubricScore.objects.filter(version__plan=plan, pk__gt=marks[RubricScore]).update(scored_at=at)
    Thread.objects.filter(plan=plan, pk__gt=marks[Thread]).update(opened_at=at)
    Thread.objects.filter(plan=plan, answered_at__gt=at).update(answered_at=at)
    Message.objects.filter(thread__plan=plan, pk__gt=marks[Message]).update(written_at=at)
    notes = Notification.objects.filter(pk__gt=marks[Notification], url=plan.get_absolute_url())
    is_old = at.date() < today - dt.timedelta(days=READ_AFTER_DAYS)
    NotificationEmail.objects.filter(notification__in=notes).update(**sent_at(at))
    notes.update(created_at=at, read_at=at + dt.timedelta(hours=3) if is_old else None)

"""Peer review in the demo: CITIES4CSR gives paired cities 7 days to comment on a submitted
roadmap or IAP, and Ķekava's IAP is with its paired city, Rijeka, now: submitted two days
before the demo is loaded, with one comment of Rijeka's on its objectives.

Two loaders: `pause` (before iap.demo) turns the setting off while the review histories
are played (the roadmaps' 2020–21 one, the scored IAP of iap.demo_rubric), since those went
straight to the lead expert; `load` (after them) turns it on and sends Ķekava's IAP to
Rijeka. Loaded twice on one day, the second changes
nothing; on another day (or after someone tried the demo), the IAP's review is played anew.
"""

import datetime as dt

from partners.demo_scale import sent_at
from partners.models import Notification, NotificationEmail
from reviews import services as engine
from reviews.enums import ReviewState
from reviews.models import Message, Thread

from .enums import SectionKind
from .models import ActionPlan, PlanTransition, PlanVersion

PEER_REVIEW_DAYS = 7
CITY, PEER = "kekava", "rijeka"
SUBMITTED_DAYS_AGO = 2
COMMENTED_DAYS_AGO = 1
SUBMITTED = "Our first full draft, discussed with the ULG: Rijeka, your comments please."
COMMENT = (
    "Your second objective could name the neighbourhoods first: in Rijeka the companies "
    "joined once they knew where their volunteers would go."
)


def pause(*, context, stdout=None):
    """Before the review histories: they went straight to the lead expert."""
    _set_days(context["network"], None)


def load(*, context, stdout=None):
    network, today = context["network"], context["dates"].today
    _set_days(network, PEER_REVIEW_DAYS)
    plan = ActionPlan.objects.select_related("partner__network").get(
        partner=context["partners"][CITY]
    )
    submitted_on = today - dt.timedelta(days=SUBMITTED_DAYS_AGO)
    if _as_planned(plan, until=submitted_on + dt.timedelta(days=PEER_REVIEW_DAYS)):
        return
    _clear(plan)
    city, peer = context["city_coordinators"][CITY], context["city_coordinators"][PEER]

    marks = _marks()
    engine.submit(user=city, document=plan, comment=SUBMITTED, today=submitted_on)
    at = _moment(submitted_on, hour=9)
    _stamp(plan, marks, at=at)
    ActionPlan.objects.filter(pk=plan.pk).update(state_since=at, submitted_at=at)

    marks = _marks()
    plan.refresh_from_db()
    objectives = plan.sections.get(kind=SectionKind.OBJECTIVES)
    engine.thread_open(user=peer, document=plan, body=COMMENT, anchor=objectives)
    _stamp(plan, marks, at=_moment(today - dt.timedelta(days=COMMENTED_DAYS_AGO), hour=15))


def _set_days(network, days):
    if network.peer_review_days != days:
        network.peer_review_days = days
        network.save(update_fields=["peer_review_days"])


def _moment(day: dt.date, *, hour: int) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, tzinfo=dt.UTC)


def _as_planned(plan, *, until: dt.date) -> bool:
    return (
        plan.state == ReviewState.PEER_REVIEW
        and plan.peer_review_until == until
        and list(plan.transitions.values_list("to_state", flat=True)) == [ReviewState.PEER_REVIEW]
        and plan.versions.count() == 1
        and list(plan.threads.values_list("messages__body", flat=True)) == [COMMENT]
    )


def _clear(plan):
    """Back to a draft never submitted: its versions (and their scores), history, threads
    and the notifications about them go; its sections and actions stay."""
    Notification.objects.filter(network=plan.partner.network, url=plan.get_absolute_url()).delete()
    for related in (plan.threads, plan.transitions, plan.versions):
        related.all().delete()
    ActionPlan.objects.filter(pk=plan.pk).update(
        state=ReviewState.DRAFT, submitted_at=None, peer_review_until=None
    )
    plan.refresh_from_db()


def _last_pk(model):
    return model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _marks():
    return {
        model: _last_pk(model)
        for model in (Notification, Thread, Message, PlanTransition, PlanVersion)
    }


def _stamp(plan, marks, *, at):
    """Put what the last step wrote at its moment; its notifications unread, their
    e-mails sent then."""
    PlanTransition.objects.filter(plan=plan, pk__gt=marks[PlanTransition]).update(at=at)
    PlanVersion.objects.filter(plan=plan, pk__gt=marks[PlanVersion]).update(created_at=at)
    Thread.objects.filter(plan=plan, pk__gt=marks[Thread]).update(opened_at=at)
    Message.objects.filter(thread__plan=plan, pk__gt=marks[Message]).update(written_at=at)
    notes = Notification.objects.filter(pk__gt=marks[Notification], url=plan.get_absolute_url())
    NotificationEmail.objects.filter(notification__in=notes).update(**sent_at(at))
    notes.update(created_at=at)

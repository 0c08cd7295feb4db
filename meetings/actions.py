"""What meetings decide and agree: decisions, and actions (what, who, by when).

A follow-up agreed in a call is an action too. Each action is owned by a city, a person,
or both; its person, anyone of its city's team and the network's coordinator tick it done
(`meetings.tick_action`). The network's obligations count the late ones
(`progress.states`), and each city's people find theirs on their home.

Every write here bumps the network's stored pages (`portal.pagecache`): an action shows on
its meeting or call, on the homes and in the matrix.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.postgres.expressions import ArraySubquery
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Max, OuterRef, Q, QuerySet
from django.db.models.functions import JSONObject
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from partners.models import Membership, Partner, User
from portal import pagecache

from .models import Action, Call, Decision, Meeting
from .selectors import calls_visible_to, meetings_visible_to

#: What the forms of an action may set.
ACTION_FIELDS = ("task", "partner", "owner", "due_on")


def _require(user, permission: str, obj) -> None:
    if not user.has_perm(permission, obj):
        raise PermissionDenied


def _changed(event) -> None:
    pagecache.changed([pagecache.network_scope(event.network.slug)])


def _of_event(event) -> dict:
    return {"meeting": event} if isinstance(event, Meeting) else {"call": event}


# Reads ------------------------------------------------------------------------------------


def actions_visible_to(*, user, network) -> QuerySet[Action]:
    """The actions of the meetings and calls the person sees (`meetings_visible_to`,
    `calls_visible_to`), with what their rows show and their tick rule reads."""
    meetings = meetings_visible_to(user=user, network=network).values("pk")
    calls = calls_visible_to(user=user, network=network).values("pk")
    return Action.objects.filter(Q(meeting__in=meetings) | Q(call__in=calls)).select_related(
        "meeting__network", "call__network", "partner", "owner"
    )


def days_overdue(action: Action, today: dt.date) -> int:
    """How many days an action not done is past its own date (0: it is not)."""
    if action.done or action.due_on is None or action.due_on >= today:
        return 0
    return (today - action.due_on).days


def actions_of(*, event, today: dt.date | None = None) -> list[Action]:
    """A meeting's actions or a call's follow-ups, open ones first by date, each with
    `days_overdue`; in one query."""
    today = today or timezone.localdate()
    related = event.actions if isinstance(event, Meeting) else event.follow_ups
    rows = list(
        related.select_related("partner", "owner").order_by(
            "done", F("due_on").asc(nulls_last=True), "pk"
        )
    )
    for row in rows:
        row.days_overdue = days_overdue(row, today)
    return rows


def with_outcomes(meetings: QuerySet[Meeting]) -> QuerySet[Meeting]:
    """The meetings, each read with its decisions and actions (`outcomes_of`), in the same
    query: the meeting's page shows them at no cost of its own."""
    decisions = Decision.objects.filter(meeting=OuterRef("pk")).order_by("position", "pk")
    actions = Action.objects.filter(meeting=OuterRef("pk")).order_by(
        "done", F("due_on").asc(nulls_last=True), "pk"
    )
    return meetings.annotate(
        decision_rows=ArraySubquery(
            decisions.values(json=JSONObject(id="pk", text="text", position="position"))
        ),
        action_rows=ArraySubquery(
            actions.values(
                json=JSONObject(
                    id="pk",
                    task="task",
                    due_on="due_on",
                    done="done",
                    done_at="done_at",
                    partner_id="partner_id",
                    partner_city="partner__city",
                    owner_id="owner_id",
                    owner_name="owner__full_name",
                    owner_email="owner__email",
                )
            )
        ),
    )


def outcomes_of(meeting: Meeting, *, today: dt.date | None = None) -> dict:
    """The decisions and the actions (each with `days_overdue`) of a meeting read through
    `with_outcomes`, as the meeting's page lists them."""
    today = today or timezone.localdate()
    decisions = [
        Decision(meeting=meeting, id=row["id"], text=row["text"], position=row["position"])
        for row in meeting.decision_rows
    ]
    actions = []
    for row in meeting.action_rows:
        action = Action(
            meeting=meeting,
            id=row["id"],
            task=row["task"],
            due_on=dt.date.fromisoformat(row["due_on"]) if row["due_on"] else None,
            done=row["done"],
            done_at=dt.datetime.fromisoformat(row["done_at"]) if row["done_at"] else None,
        )
        if row["partner_id"] is not None:
            action.partner = Partner(
                id=row["partner_id"], network_id=meeting.network_id, city=row["partner_city"]
            )
        if row["owner_id"] is not None:
            action.owner = User(
                id=row["owner_id"], full_name=row["owner_name"], email=row["owner_email"]
            )
        action.days_overdue = days_overdue(action, today)
        actions.append(action)
    return {"decisions": decisions, "actions": actions}


# Decisions --------------------------------------------------------------------------------


@transaction.atomic
def decision_save(*, user, meeting: Meeting, text: str, decision: Decision | None = None):
    """Record a decision of the meeting (after the others), or change one's words."""
    _require(user, "meetings.change_meeting", meeting)
    if decision is None:
        last = meeting.decisions.aggregate(last=Max("position"))["last"] or 0
        decision = Decision(meeting=meeting, position=last + 1)
    elif decision.meeting_id != meeting.pk:
        raise PermissionDenied
    decision.text = text
    decision.full_clean()
    decision.save()
    _changed(meeting)
    return decision


@transaction.atomic
def decision_remove(*, user, decision: Decision) -> None:
    meeting = decision.meeting
    _require(user, "meetings.change_meeting", meeting)
    decision.delete()
    _changed(meeting)


# Actions ----------------------------------------------------------------------------------


def _check_who(action: Action, network_id: int) -> None:
    """A city or a person (or both) owns the action, and both are of the event's network."""
    errors = {}
    if action.partner_id is None and action.owner_id is None:
        errors["__all__"] = _("Say who does it: choose a city, a person, or both.")
    if action.partner_id is not None and action.partner.network_id != network_id:
        errors["partner"] = _("Choose one of the network's cities.")
    if (
        action.owner_id is not None
        and not Membership.objects.filter(user_id=action.owner_id, network_id=network_id).exists()
    ):
        errors["owner"] = _("Choose one of the network's people.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def action_save(*, user, event: Meeting | Call, data: dict, action: Action | None = None):
    """Agree an action at a meeting or a call (or change one): what, who, by when."""
    _require(user, event.change_permission, event)
    if action is None:
        action = Action(**_of_event(event))
    elif (action.meeting_id, action.call_id) != (
        event.pk if isinstance(event, Meeting) else None,
        event.pk if isinstance(event, Call) else None,
    ):
        raise PermissionDenied
    for name in ACTION_FIELDS:
        if name in data:
            setattr(action, name, data[name])
    _check_who(action, event.network_id)
    action.full_clean()
    action.save()
    _changed(event)
    return action


@transaction.atomic
def action_remove(*, user, action: Action) -> None:
    event = action.event
    _require(user, event.change_permission, event)
    action.delete()
    _changed(event)


@transaction.atomic
def action_tick(*, user, action: Action, done: bool | None = None) -> Action:
    """Mark the action done (with when) or open again; without `done`, the other way
    round. Saying which makes a form sent twice (a double click, a page left open) do no
    harm."""
    action = (
        Action.objects.select_for_update(of=("self",))
        .select_related("meeting__network", "call__network")
        .filter(pk=action.pk)
        .first()
    )
    if action is None:
        raise Http404  # removed a moment ago by someone else
    _require(user, "meetings.tick_action", action)
    done = not action.done if done is None else done
    if action.done != done:
        action.done = done
        action.done_at = timezone.now() if done else None
        action.save(update_fields=["done", "done_at"])
        _changed(action.event)
    return action

"""Meetings, calls and their e-mails: invitations, reminders, new times and cancellations.

Every e-mail about an event is a `Notice` row. Reminders are planned by the beat sweep
when they fall due (so new attendees, new offsets and new times are always taken into
account); invitations, new-time and cancellation notices when the change is made, each
carrying the event's calendar revision (`sequence`, raised by every change that is sent),
so that calendars update the event they hold. A unique constraint allows one row per
(event, person, kind, offset, planned start, revision), and the sender holds the
row's lock while it talks to the SMTP server and marks it sent in the same transaction:
two sweeps at once, a retried task or a doubled beat tick cannot send it twice. A worker
killed after the SMTP server took the message but before the commit leaves the row
pending; it is then sent again with the same Message-ID, which mail clients use to show
it once. While the broker is down nothing is sent; the rows wait, and when the sweep runs
again, reminders whose event has already started are skipped and logged. When several
reminders of one event are due for a person at once (an event planned at short notice, a
sweep back after an outage), only the nearest goes out, saying how long is really left
("in 30 minutes", not "in 7 days"); the others are recorded as skipped.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
from email.utils import parseaddr
from types import SimpleNamespace

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from partners.enums import Role
from partners.models import Membership, Notification, User
from partners.rules import is_in_city_team
from partners.selectors import city_team, people_with_roles
from partners.services import notify
from portal import outbox, pagecache
from portal.i18n import addressed_to, in_every_language, language_of, phrase
from portal.outbox import OutboxStatus
from portal.versioning import save_versioned

from .calendar import calendar_bytes, venue_of
from .enums import CallKind, MeetingStatus, NoticeKind
from .models import (
    DEFAULT_REMINDER_OFFSETS,
    AgendaItem,
    Attendance,
    CalendarFeed,
    Call,
    CheckupRound,
    CheckupSlot,
    GuestSpeaker,
    Meeting,
    Notice,
    ReminderPolicy,
)
from .rules import may_plan_call_between
from .timespan import moment_text

log = logging.getLogger(__name__)

#: How long after an event started the sweep still records its missed reminders as skipped.
SKIP_WINDOW = dt.timedelta(days=7)
#: Who takes part in every check-up call of a round, with the city's team.
CHECKUP_HOSTS = (Role.LEAD_PARTNER, Role.LEAD_EXPERT)


def _require(user, permission: str, obj) -> None:
    if not user.has_perm(permission, obj):
        raise PermissionDenied


# People ----------------------------------------------------------------------------------


def participants_of(event) -> list[User]:
    """Who gets the e-mails: a meeting's registered attendees and the network's staff;
    a call's participants."""
    if isinstance(event, Meeting):
        attendees = User.objects.filter(attendances__meeting=event, is_active=True)
        staff = people_with_roles(network=event.network, roles=Role.staff())
        people = {u.pk: u for u in [*attendees, *staff]}
        return list(people.values())
    return list(event.participants.filter(is_active=True))


def offsets_for(network) -> list[int]:
    policy = ReminderPolicy.objects.filter(network=network).first()
    return sorted(
        policy.offsets_minutes if policy and policy.offsets_minutes else DEFAULT_REMINDER_OFFSETS
    )


# Meetings --------------------------------------------------------------------------------


def meeting_create(*, user, network, data: dict) -> Meeting:
    """Plan a meeting: every member of the network is invited."""
    with transaction.atomic():
        meeting = save_versioned(obj=Meeting(network=network), user=user, data=data, version=None)
        invite(meeting)
    return meeting


def meeting_update(*, user, meeting: Meeting, data: dict, version: int | None) -> Meeting:
    """Save the meeting's form; a new time goes through `event_reschedule`, which tells
    the participants, and a new title, place or online link sends them a new invitation
    (`event_changed`). A new time that would leave agenda items outside it is refused."""
    data = dict(data)
    times = {name: data.pop(name) for name in ("starts_at", "ends_at") if name in data}
    with transaction.atomic():
        before = Meeting.objects.select_for_update().get(pk=meeting.pk)
        meeting = save_versioned(obj=meeting, user=user, data=data, version=version)
        if times:
            problem = agenda_outside_problem(
                meeting=meeting,
                starts_at=times.get("starts_at", meeting.starts_at),
                ends_at=times.get("ends_at", meeting.ends_at),
            )
            if problem:
                raise ValidationError({"starts_at": problem})
            meeting = event_reschedule(
                user=user,
                event=meeting,
                starts_at=times.get("starts_at", meeting.starts_at),
                ends_at=times.get("ends_at", meeting.ends_at),
            )
        if meeting.sequence == before.sequence and details_changed(before, meeting):
            meeting = event_changed(meeting)  # a new place or link: a new invitation
    return meeting


def minutes_save(*, user, meeting: Meeting, minutes: str, version: int | None) -> Meeting:
    return save_versioned(obj=meeting, user=user, data={"minutes": minutes}, version=version)


def agenda_item_save(
    *,
    user,
    meeting: Meeting,
    data: dict,
    guests: list[tuple[str, str]],
    item: AgendaItem | None = None,
    version: int | None = None,
) -> AgendaItem:
    """Create or update an agenda item; its guest speakers become exactly `guests`
    (name, affiliation). It starts within the meeting's time (the meeting is locked, so
    that a new time of the meeting and the item cannot pass each other)."""
    with transaction.atomic():
        meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
        _require(user, "meetings.change_meeting", meeting)
        problem = agenda_time_problem(meeting=meeting, starts_at=data.get("starts_at"))
        if problem:
            raise ValidationError({"starts_at": problem})
        item = save_versioned(
            obj=item or AgendaItem(meeting=meeting), user=user, data=data, version=version
        )
        item.guest_speakers.all().delete()
        GuestSpeaker.objects.bulk_create(
            GuestSpeaker(agenda_item=item, name=name, affiliation=affiliation)
            for name, affiliation in guests
        )
    return item


def agenda_time_problem(*, meeting: Meeting, starts_at: dt.datetime | None) -> str | None:
    """Why an agenda item may not start at `starts_at` (outside the meeting), in the
    reader's zone; None when it may."""
    if starts_at is None or meeting.starts_at <= starts_at <= meeting.ends_at:
        return None
    return _("The meeting runs from %(starts)s to %(ends)s; this time is outside it.") % {
        "starts": moment_text(meeting.starts_at),
        "ends": moment_text(meeting.ends_at),
    }


def agenda_outside_problem(
    *, meeting: Meeting, starts_at: dt.datetime, ends_at: dt.datetime
) -> str | None:
    """Why the meeting may not move to this time: agenda items would fall outside it."""
    if meeting.pk is None:
        return None
    outside = (
        meeting.agenda.filter(Q(starts_at__lt=starts_at) | Q(starts_at__gt=ends_at)).count()
        if starts_at <= ends_at
        else 0
    )
    if not outside:
        return None
    return ngettext(
        "%(n)d agenda item would fall outside the new time: move it first, or pick a time "
        "that includes it.",
        "%(n)d agenda items would fall outside the new time: move them first, or pick a "
        "time that includes them.",
        outside,
    ) % {"n": outside}


@transaction.atomic
def agenda_item_move(*, user, item: AgendaItem, direction: str) -> AgendaItem:
    """Swap the item with its neighbour in the programme ("up": the one before, "down":
    the one after): they exchange their times and places, so the programme stays in time
    order. At either end of the programme nothing moves."""
    meeting = Meeting.objects.select_for_update().get(pk=item.meeting_id)
    _require(user, "meetings.change_meeting", meeting)
    if direction not in ("up", "down"):
        raise ValidationError(_("An agenda item moves up or down."))
    items = list(meeting.agenda.order_by("starts_at", "position", "pk"))
    index = next((i for i, each in enumerate(items) if each.pk == item.pk), None)
    if index is None:
        raise Http404  # removed a moment ago by someone else
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(items):
        return items[index]
    times = [each.starts_at for each in items]
    items[index], items[other] = items[other], items[index]
    for position, (each, starts_at) in enumerate(zip(items, times, strict=True)):
        if (each.starts_at, each.position) != (starts_at, position):
            each.starts_at, each.position = starts_at, position
            each.version += 1  # a form opened before the move is then refused, not obeyed
            each.save(update_fields=["starts_at", "position", "version"])
    return items[other]


@transaction.atomic
def agenda_item_remove(*, user, item: AgendaItem) -> None:
    """Take the item off the programme (its guest speakers with it)."""
    meeting = Meeting.objects.select_for_update().get(pk=item.meeting_id)
    _require(user, "meetings.change_meeting", meeting)
    AgendaItem.objects.filter(pk=item.pk, meeting=meeting).delete()


@transaction.atomic
def attendance_set(*, user, meeting: Meeting, partner, users) -> None:
    """The city's attendees of the meeting are exactly `users` (people of that city)."""
    _require(user, "meetings.register_attendance", meeting)
    if partner.network_id != meeting.network_id or not is_in_city_team(user, partner):
        raise PermissionDenied
    team = set(city_team(partner=partner).values_list("pk", flat=True))
    if any(person.pk not in team for person in users):
        raise ValidationError(_("Only people of the city's team can be registered."))
    Attendance.objects.filter(meeting=meeting, partner=partner).exclude(user__in=users).delete()
    Attendance.objects.bulk_create(
        [Attendance(meeting=meeting, partner=partner, user=u) for u in users], ignore_conflicts=True
    )
    pagecache.changed([pagecache.network_scope(meeting.network.slug)])


# Calls -----------------------------------------------------------------------------------


@transaction.atomic
def call_create(*, user, network, data: dict) -> Call:
    """A bilateral call between cities; their teams and the person who plans it take part."""
    _require(user, "meetings.add_call", network)
    data = dict(data)
    cities = list(data.pop("cities"))
    if not may_plan_call_between(user, network, cities):
        raise PermissionDenied
    call = Call(network=network, kind=CallKind.BILATERAL, **data)
    call.full_clean()
    call.save()
    call.cities.set(cities)
    teams = [person for city in cities for person in city_team(partner=city)]
    call.participants.set({person.pk for person in [*teams, user]})
    invite(call)
    return call


def call_notes_save(*, user, call: Call, notes: str, version: int | None) -> Call:
    return save_versioned(obj=call, user=user, data={"notes": notes}, version=version)


# New times and cancellations -------------------------------------------------------------


def _event_field(event) -> dict:
    return {"meeting": event} if isinstance(event, Meeting) else {"call": event}


@transaction.atomic
def event_reschedule(
    *, user, event, starts_at: dt.datetime, ends_at: dt.datetime, to_its_slot: bool = False
):
    """A new time for a meeting or a call: reminders follow it, and every participant is
    told at once (unless the event was and stays in the past: a correction of the history).

    A check-up call keeps the time of its slot: only the coordinator re-times it, and its
    slot moves with it; `to_its_slot` is the booking's own move of a city to another slot,
    which the city coordinator may make."""
    event = type(event).objects.select_for_update().get(pk=event.pk)
    if isinstance(event, Call) and not to_its_slot:
        _require(user, "meetings.reschedule_call", event)
    else:
        _require(user, event.change_permission, event)
    if (event.starts_at, event.ends_at) == (starts_at, ends_at):
        return event
    was_to_come = event.ends_at >= timezone.now()
    event.starts_at, event.ends_at = starts_at, ends_at
    event.sequence += 1
    event.full_clean()
    event.save(update_fields=["starts_at", "ends_at", "sequence"])
    if isinstance(event, Call) and not to_its_slot:
        try:
            with transaction.atomic():
                CheckupSlot.objects.filter(call=event).update(starts_at=starts_at, ends_at=ends_at)
        except IntegrityError as error:
            raise ValidationError(
                _("Another slot of this round starts at that time; move the city there instead.")
            ) from error
    Notice.objects.filter(
        **_event_field(event), kind=NoticeKind.REMINDER, status=OutboxStatus.PENDING
    ).exclude(event_starts_at=starts_at).update(status=OutboxStatus.CANCELLED)
    if was_to_come or ends_at >= timezone.now():
        _tell(event, invitees_of(event), NoticeKind.UPDATE)
    return event


@transaction.atomic
def event_cancel(*, user, event):
    """Cancel a meeting or a call: its reminders are not sent, and every participant is told."""
    event = type(event).objects.select_for_update().get(pk=event.pk)
    cancel = "meetings.cancel_call" if isinstance(event, Call) else event.change_permission
    _require(user, cancel, event)
    if event.is_cancelled:
        return event
    event.status = MeetingStatus.CANCELLED
    event.sequence += 1
    event.save(update_fields=["status", "sequence"])
    if isinstance(event, Call):  # a check-up call's slot is free again: the city books anew
        CheckupSlot.objects.filter(call=event).update(
            partner=None, booked_by=None, booked_at=None, call=None
        )
    Notice.objects.filter(**_event_field(event), status=OutboxStatus.PENDING).exclude(
        kind=NoticeKind.CANCELLATION
    ).update(status=OutboxStatus.CANCELLED)
    if event.ends_at >= timezone.now():  # a past event is cancelled in the history only
        _tell(event, invitees_of(event), NoticeKind.CANCELLATION)
    return event


# Invitations -----------------------------------------------------------------------------

#: What an invitation shows besides the time: a change of one sends everyone a new revision.
INVITED_DETAILS = ("number", "title", "format", "venue", "online_link")
#: The notices that carry a revision of the event to put in a calendar.
REVISIONS = (NoticeKind.INVITATION, NoticeKind.UPDATE)
#: Who the invitations come from, the first the network has.
ORGANIZER_ROLES = (Role.COORDINATOR, Role.LEAD_PARTNER, Role.LEAD_EXPERT)


def invitees_of(event) -> list[User]:
    """Who is invited: every member of a meeting's network; a call's participants."""
    if isinstance(event, Meeting):
        people = User.objects.filter(memberships__network_id=event.network_id, is_active=True)
        return list(people.distinct().order_by("pk"))
    return list(event.participants.filter(is_active=True).order_by("pk"))


def organizer_of(event):
    """Who the invitations come from: the network's coordinator (else its lead partner,
    else its lead expert); the portal's own address for a network with none of them."""
    memberships = Membership.objects.filter(
        network_id=event.network_id, role__in=ORGANIZER_ROLES, user__is_active=True
    ).select_related("user")
    first = {}
    for membership in memberships.order_by("pk"):
        first.setdefault(membership.role, membership.user)
    for role in ORGANIZER_ROLES:
        if role in first:
            return first[role]
    name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    return SimpleNamespace(email=address, get_full_name=lambda: name or address)


def details_changed(before, after) -> bool:
    """Whether what an invitation shows besides the time differs (title, place, link)."""
    return any(
        getattr(before, name, None) != getattr(after, name, None) for name in INVITED_DETAILS
    )


def _locked(event):
    return type(event).objects.select_for_update().get(pk=event.pk)


def _worth_inviting(event) -> bool:
    """Invitations are for planned events still to come: recording a past meeting for the
    network's history, or correcting it, e-mails nobody."""
    return event.is_planned and event.ends_at >= timezone.now()


def _notice_title(event, kind) -> str:
    """Lazy: each person's inbox line is in their own language."""
    if kind == NoticeKind.CANCELLATION and not event.is_cancelled:
        return phrase(gettext_lazy("No longer expected: %(event)s"), event=str(event))
    if kind == NoticeKind.CANCELLATION:
        return phrase(gettext_lazy("Cancelled: %(event)s"), event=str(event))
    if kind == NoticeKind.UPDATE:
        return phrase(gettext_lazy("New time: %(event)s"), event=str(event))
    if event.sequence:
        return phrase(gettext_lazy("Changed: %(event)s"), event=str(event))
    return phrase(gettext_lazy("Invitation: %(event)s"), event=str(event))


def _tell(event, people, kind) -> list[User]:
    """Send the event as it is now (its revision `event.sequence`) to those of `people`
    not told of this revision yet: a notice of `kind` for the outbox, which attaches the
    calendar, and a line in their inbox. Their pending notices of older revisions are
    dropped: this one says all they would. The caller holds the event's row lock, so a
    doubled call tells nobody twice. Returns the people told."""
    where = _event_field(event)
    people = {person.pk: person for person in people if person.is_active}
    kinds = [kind] if kind == NoticeKind.CANCELLATION else list(REVISIONS)
    told = set(
        Notice.objects.filter(
            **where, kind__in=kinds, event_sequence=event.sequence, user_id__in=list(people)
        ).values_list("user_id", flat=True)
    )
    new = [person for pk, person in people.items() if pk not in told]
    if not new:
        return []
    Notice.objects.filter(
        **where,
        user__in=new,
        kind__in=REVISIONS,
        status=OutboxStatus.PENDING,
        event_sequence__lt=event.sequence,
    ).update(status=OutboxStatus.CANCELLED)
    if kind != NoticeKind.CANCELLATION:  # invited again before being told they were not
        Notice.objects.filter(
            **where, user__in=new, kind=NoticeKind.CANCELLATION, status=OutboxStatus.PENDING
        ).update(status=OutboxStatus.CANCELLED)
    now = timezone.now()
    Notice.objects.bulk_create(
        [
            Notice(
                **where,
                user=person,
                kind=kind,
                event_starts_at=event.starts_at,
                event_sequence=event.sequence,
                due_at=now,
            )
            for person in new
        ],
        ignore_conflicts=True,
    )
    notify(
        recipients=new,
        title=_notice_title(event, kind),
        url=event.get_absolute_url(),
        network=event.network,
    )
    outbox.sweep_soon()
    return new


@transaction.atomic
def invite(event, people=None) -> list[User]:
    """Invite the event's participants (or those of `people` who take part: someone just
    added) to the event as it is now: an e-mail with a calendar invitation (METHOD:REQUEST,
    the event's UID and revision) and a line in their inbox. Once per person and revision:
    calling it again tells nobody twice. Nothing for a cancelled event or one that is
    over. Returns the people invited."""
    event = _locked(event)
    if not _worth_inviting(event):
        return []
    invitees = invitees_of(event)
    if people is not None:
        wanted = {person.pk for person in people}
        invitees = [person for person in invitees if person.pk in wanted]
    return _tell(event, invitees, NoticeKind.INVITATION)


@transaction.atomic
def uninvite(event, people) -> list[User]:
    """Tell people taken off the event (a host not free at a call's new time) that it is
    off for them: a calendar CANCEL of its current revision, which removes it from their
    calendar, and a line in their inbox. Once per person and revision."""
    event = _locked(event)
    return _tell(event, people, NoticeKind.CANCELLATION)


@transaction.atomic
def event_changed(event):
    """What the invitation shows besides the time changed (title, place, online link): a
    new revision of the event, sent to every participant, which their calendars put in
    place of the old one. A new time goes through `event_reschedule` instead."""
    event = _locked(event)
    if not _worth_inviting(event):
        return event
    event.sequence += 1
    event.save(update_fields=["sequence"])
    _tell(event, invitees_of(event), NoticeKind.INVITATION)
    return event


def checkup_round_url(checkup_round) -> str:
    """The round's booking page."""
    network_slug = checkup_round.network.slug
    try:
        return reverse(
            "meetings:checkup_round",
            kwargs={"network_slug": network_slug, "pk": checkup_round.pk},
        )
    except NoReverseMatch:  # until the booking page exists: the network's meetings
        return reverse("meetings:meeting_list", kwargs={"network_slug": network_slug})


@transaction.atomic
def checkup_round_announce(checkup_round) -> list[User]:
    """Tell the cities that a round of check-up calls is open for booking: each city
    coordinator (the whole team of a city without one) in their inbox and by e-mail, with
    a link to the round's booking page; the hosts (lead partner, lead expert) in their
    inbox. Once per round: calling it again tells nobody twice. Returns the people told."""
    checkup_round = (
        CheckupRound.objects.select_for_update(of=("self",))
        .select_related("network")
        .get(pk=checkup_round.pk)
    )
    network = checkup_round.network
    url = checkup_round_url(checkup_round)
    title = phrase(gettext_lazy("Book your check-up call: %(round)s"), round=checkup_round.title)
    hosts_title = phrase(gettext_lazy("Check-up round open: %(round)s"), round=checkup_round.title)
    told = Notification.objects.filter(  # each told in their own language
        network=network,
        url=url,
        title__in=[
            text[:300] for text in in_every_language(title) | in_every_language(hosts_title)
        ],
    )
    if told.exists():
        return []
    teams: dict[int, dict[str, list[User]]] = {}
    memberships = Membership.objects.filter(
        network=network, role__in=Role.city_roles(), user__is_active=True
    ).select_related("user")
    for membership in memberships.order_by("pk"):
        team = teams.setdefault(membership.partner_id, {})
        team.setdefault(membership.role, []).append(membership.user)
    cities = [
        team.get(Role.CITY_COORDINATOR) or [p for people in team.values() for p in people]
        for team in teams.values()
    ]
    city_people = list({p.pk: p for people in cities for p in people}.values())
    notify(
        recipients=city_people,
        title=title,
        body=phrase(
            gettext_lazy(
                "The check-up calls of %(round)s can be booked: pick one of the free times, "
                "shown in your city's time zone."
            ),
            round=checkup_round.title,
        ),
        url=url,
        network=network,
        email=True,
    )
    hosts = list(people_with_roles(network=network, roles=CHECKUP_HOSTS))
    notify(
        recipients=hosts,
        title=hosts_title,
        body=gettext_lazy("The cities are told, and book their calls among the times offered."),
        url=url,
        network=network,
    )
    return [*city_people, *hosts]


# Calendar feed ---------------------------------------------------------------------------


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def calendar_feed_renew(*, user) -> str:
    """A new secret address; the old one stops working. Returns the token, shown once."""
    _require(user, "meetings.keep_calendar_feed", None)
    token = secrets.token_urlsafe(32)
    CalendarFeed.objects.update_or_create(user=user, defaults={"token_hash": _hash(token)})
    return token


def calendar_feed_revoke(*, user) -> None:
    _require(user, "meetings.keep_calendar_feed", None)
    CalendarFeed.objects.filter(user=user).delete()


def calendar_feed_key(token: str) -> str:
    """What the portal keeps of a secret address: its hash, never the address itself."""
    return _hash(token)


def calendar_feed_user(*, token: str) -> User | None:
    feed = CalendarFeed.objects.select_related("user").filter(token_hash=_hash(token)).first()
    return feed.user if feed and feed.user.is_active else None


# Reminders -------------------------------------------------------------------------------


def plan_due_reminders(*, now: dt.datetime) -> int:
    """Create the reminder rows that have fallen due (once: the constraint sees to it)."""
    horizon = max(
        DEFAULT_REMINDER_OFFSETS
        + [max(p.offsets_minutes or [0]) for p in ReminderPolicy.objects.all()]
    )
    window = Q(starts_at__gt=now - SKIP_WINDOW, starts_at__lte=now + dt.timedelta(minutes=horizon))
    rows = []
    events = [
        *Meeting.objects.filter(window, status=MeetingStatus.PLANNED).select_related("network"),
        *Call.objects.filter(window, status=MeetingStatus.PLANNED).select_related("network"),
    ]
    offsets_cache = {}
    for event in events:
        offsets = offsets_cache.setdefault(event.network_id, offsets_for(event.network))
        due = [(o, event.starts_at - dt.timedelta(minutes=o)) for o in offsets]
        due = [(o, at) for o, at in due if at <= now]
        if not due:
            continue
        for user in participants_of(event):
            for offset, at in due:
                rows.append(
                    Notice(
                        **_event_field(event),
                        user=user,
                        kind=NoticeKind.REMINDER,
                        offset_minutes=offset,
                        event_starts_at=event.starts_at,
                        due_at=at,
                    )  # fmt: skip
                )
    created = Notice.objects.bulk_create(rows, ignore_conflicts=True)
    return len(created)


def send_due_notices(*, now: dt.datetime | None = None, limit: int = 500) -> dict:
    """Plan what fell due, then send each due notice exactly once. Safe to run twice at once."""
    now = now or timezone.now()
    plan_due_reminders(now=now)
    counts = outbox.send_pending(models=[Notice], now=now, limit=limit)
    return {
        "sent": counts[OutboxStatus.SENT],
        "skipped": counts[OutboxStatus.SKIPPED],
        "cancelled": counts[OutboxStatus.CANCELLED],
        "failed": counts["error"] + counts[OutboxStatus.FAILED],
    }


def reminder_outcome(notice: Notice, *, now) -> str | None:
    """A reminder whose event moved or was cancelled is not sent; one whose event has
    started is skipped and logged, and so is one that a nearer reminder, due too, makes
    pointless. Other notices are sent. `notice` is read through `Notice.claimable`."""
    if notice.kind != NoticeKind.REMINDER:
        return None
    event = notice.event
    if not event.is_planned or event.starts_at != notice.event_starts_at:
        return OutboxStatus.CANCELLED
    if now >= event.starts_at:
        log.warning(
            "Skipped the %s-minute reminder of %s for %s: the event started at %s, "
            "before the reminder could go out",
            notice.offset_minutes, event, notice.user.email, event.starts_at.isoformat(),
        )  # fmt: skip
        return OutboxStatus.SKIPPED
    if notice.nearer_reminder_due:
        log.info(
            "Skipped the %s-minute reminder of %s for %s: a nearer one is due as well",
            notice.offset_minutes, event, notice.user.email,
        )  # fmt: skip
        return OutboxStatus.SKIPPED
    return None


def nearer_reminder_due(*, now) -> Exists:
    """For each notice of a query: whether a reminder with a smaller offset of the same
    event and start is due for the same person (the sweep plans every due offset before it
    sends any). Read with the notices, in one query for a whole batch."""
    return Exists(
        Notice.objects.filter(
            Q(meeting=OuterRef("meeting")) | Q(call=OuterRef("call")),
            user=OuterRef("user"),
            kind=NoticeKind.REMINDER,
            event_starts_at=OuterRef("event_starts_at"),
            offset_minutes__lt=OuterRef("offset_minutes"),
            due_at__lte=now,
        ).exclude(status=OutboxStatus.CANCELLED)
    )


_DAY = 24 * 60


def time_left_words(left: dt.timedelta) -> str:
    """How long until the start, as a person says it: "7 days", "23 hours", "30 minutes",
    "1 hour and 5 minutes"; from about a day on, to the nearest hour."""
    minutes = max(1, round(left.total_seconds() / 60))
    if minutes >= _DAY - 30:
        minutes = round(minutes / 60) * 60
    days, rest = divmod(minutes, _DAY)
    hours, minutes = divmod(rest, 60)
    parts = [
        ngettext("%(n)d day", "%(n)d days", days) % {"n": days} if days else "",
        ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours} if hours else "",
        ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes} if minutes else "",
    ]
    first, *rest_parts = [part for part in parts if part]
    if not rest_parts:
        return first
    return _("%(larger)s and %(smaller)s") % {"larger": first, "smaller": rest_parts[0]}


def _time_left(notice: Notice, *, now) -> str:
    if notice.kind != NoticeKind.REMINDER:
        return ""
    return time_left_words(notice.event.starts_at - now)


#: Where the person's name goes in a body shared by the e-mails of one time zone.
_NAME = "\x00name\x00"


def notice_message(notice: Notice, *, now=None) -> EmailMessage:
    event, user = notice.event, notice.user
    method = "CANCEL" if notice.is_cancellation else "REQUEST"
    invitation = notice.kind == NoticeKind.INVITATION
    changed = invitation and notice.event_sequence > 0
    language = language_of(user)
    with addressed_to(user):  # the attendee's language and zone, whoever changed the event
        in_words = _time_left(notice, now=now or timezone.now())
        # The body is the same for everyone of a language in a time zone but for the name:
        # it is made once per both with a stand-in, replaced by each person's name.
        stand_in = SimpleNamespace(get_full_name=lambda: _NAME, time_zone=user.time_zone)
        context = {
            "notice": notice,
            "event": event,
            "user": stand_in,
            "link": _shared(
                event, "link", lambda: f"{settings.SITE_URL}{event.get_absolute_url()}"
            ),
            "starts": event.starts_at,
            "ends": event.ends_at,
            "in_words": in_words,
            "invitation": invitation,
            "changed": changed,
            "venue": venue_of(event),
        }
        subject = _shared(
            event,
            ("subject", notice.kind, changed, in_words, language),
            lambda: render_to_string("meetings/email/notice_subject.txt", context).strip(),
        )
        body = _shared(
            event,
            ("body", notice.kind, changed, in_words, str(user.time_zone), language),
            lambda: render_to_string("meetings/email/notice.txt", context),
        ).replace(_NAME, user.get_full_name(), 1)
        # A scheduling message: the organizer and the attendees, the event's UID and its
        # revision, so that the calendar updates the event it already holds.
        ics = _shared(
            event,
            (method, event.sequence, language),
            lambda: calendar_bytes(
                [event],
                method=method,
                organizer=organizer_of(event),
                attendees=invitees_of(event),
            ),
        )
    message = outbox.OutboxEmail(subject=subject, body=body, to=[user.email])
    message.attach("invite.ics", ics, f"text/calendar; method={method}; charset=utf-8")
    return message


def _shared(event, key, make):
    """What the e-mails about an event share (its link, the subject, the calendar file),
    made once for all the notices of a sweep's batch: they share one event object
    (`Notice.claimable` prefetches it)."""
    made = event.__dict__.setdefault("_shared_by_notices", {})
    if key not in made:
        made[key] = make()
    return made[key]

"""Meetings, calls and their e-mails: reminders, new times and cancellations.

Every e-mail about an event is a `Notice` row. Reminders are planned by the beat sweep
when they fall due (so new attendees, new offsets and new times are always taken into
account); new-time and cancellation notices when the change is made. A unique constraint
allows one row per (event, person, kind, offset, planned start), and the sender holds the
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
from types import SimpleNamespace

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from partners.enums import Role
from partners.models import User
from partners.rules import is_in_city_team
from partners.selectors import city_team, people_with_roles
from partners.services import notify
from portal import outbox, pagecache
from portal.outbox import OutboxStatus
from portal.validators import plausible_datetime
from portal.versioning import save_versioned

from .calendar import calendar_bytes
from .enums import CallKind, MeetingStatus, NoticeKind
from .models import (
    DEFAULT_REMINDER_OFFSETS,
    AgendaItem,
    Attendance,
    CalendarFeed,
    Call,
    CheckupRound,
    Document,
    FollowUp,
    GuestSpeaker,
    Meeting,
    Notice,
    ReminderPolicy,
)
from .rules import may_plan_call_between

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
    return save_versioned(obj=Meeting(network=network), user=user, data=data, version=None)


def meeting_update(*, user, meeting: Meeting, data: dict, version: int | None) -> Meeting:
    """Save the meeting's form; a new time goes through `event_reschedule`, which tells
    the participants."""
    data = dict(data)
    times = {name: data.pop(name) for name in ("starts_at", "ends_at") if name in data}
    with transaction.atomic():
        meeting = save_versioned(obj=meeting, user=user, data=data, version=version)
        if times:
            meeting = event_reschedule(
                user=user,
                event=meeting,
                starts_at=times.get("starts_at", meeting.starts_at),
                ends_at=times.get("ends_at", meeting.ends_at),
            )
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
    (name, affiliation)."""
    with transaction.atomic():
        item = save_versioned(
            obj=item or AgendaItem(meeting=meeting), user=user, data=data, version=version
        )
        item.guest_speakers.all().delete()
        GuestSpeaker.objects.bulk_create(
            GuestSpeaker(agenda_item=item, name=name, affiliation=affiliation)
            for name, affiliation in guests
        )
    return item


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


def document_upload(*, user, meeting: Meeting, title: str, file) -> Document:
    _require(user, "meetings.upload_document", meeting)
    document = Document(
        network=meeting.network, meeting=meeting, title=title, file=file, uploaded_by=user
    )
    document.full_clean()
    document.save()
    return document


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
    return call


def call_notes_save(*, user, call: Call, notes: str, version: int | None) -> Call:
    return save_versioned(obj=call, user=user, data={"notes": notes}, version=version)


def follow_up_create(*, user, call: Call, data: dict) -> FollowUp:
    _require(user, "meetings.change_call", call)
    follow_up = FollowUp(call=call, **data)
    follow_up.full_clean()
    follow_up.save()
    return follow_up


@transaction.atomic
def follow_up_toggle(*, user, follow_up: FollowUp) -> FollowUp:
    follow_up = (
        FollowUp.objects.select_for_update(of=("self",))
        .select_related("call")
        .get(pk=follow_up.pk)
    )
    _require(user, "meetings.change_call", follow_up.call)
    follow_up.done = not follow_up.done
    follow_up.done_at = timezone.now() if follow_up.done else None
    follow_up.save(update_fields=["done", "done_at"])
    return follow_up


@transaction.atomic
def checkup_round_open(
    *, user, network, title: str, starts_at: dt.datetime, minutes: int = 60, gap: int = 15
) -> CheckupRound:
    """One check-up call per city with its team, the lead partner and the lead expert,
    one after the other from `starts_at`."""
    _require(user, "meetings.open_checkup_round", network)
    plausible_datetime(starts_at)
    checkup_round = CheckupRound(network=network, title=title)
    checkup_round.full_clean()
    checkup_round.save()
    hosts = list(people_with_roles(network=network, roles=CHECKUP_HOSTS))
    start = starts_at
    for partner in network.partners.order_by("city"):
        call = Call.objects.create(
            network=network,
            kind=CallKind.CHECKUP,
            title=f"{title}: {partner.city}",
            starts_at=start,
            ends_at=start + dt.timedelta(minutes=minutes),
            checkup_round=checkup_round,
        )
        call.cities.set([partner])
        call.participants.set([*city_team(partner=partner), *hosts])
        start += dt.timedelta(minutes=minutes + gap)
    first = checkup_round.calls.order_by("starts_at").first()
    count = network.partners.count()
    notify(
        recipients=hosts,
        title=ngettext(
            "%(round)s: %(n)d check-up call planned",
            "%(round)s: %(n)d check-up calls planned",
            count,
        )
        % {"round": title, "n": count},
        url=first.get_absolute_url()
        if first
        else reverse("meetings:meeting_list", kwargs={"network_slug": network.slug}),
        network=network,
    )
    return checkup_round


# New times and cancellations -------------------------------------------------------------


def _event_field(event) -> dict:
    return {"meeting": event} if isinstance(event, Meeting) else {"call": event}


@transaction.atomic
def event_reschedule(*, user, event, starts_at: dt.datetime, ends_at: dt.datetime):
    """A new time for a meeting or a call: reminders follow it, and every participant is
    told at once."""
    event = type(event).objects.select_for_update().get(pk=event.pk)
    _require(user, event.change_permission, event)
    if (event.starts_at, event.ends_at) == (starts_at, ends_at):
        return event
    event.starts_at, event.ends_at = starts_at, ends_at
    event.sequence += 1
    event.full_clean()
    event.save(update_fields=["starts_at", "ends_at", "sequence"])
    now = timezone.now()
    Notice.objects.filter(
        **_event_field(event), kind=NoticeKind.REMINDER, status=OutboxStatus.PENDING
    ).exclude(event_starts_at=starts_at).update(status=OutboxStatus.CANCELLED)
    Notice.objects.bulk_create(
        [
            Notice(
                **_event_field(event),
                user=person,
                kind=NoticeKind.UPDATE,
                event_starts_at=starts_at,
                due_at=now,
            )  # fmt: skip
            for person in participants_of(event)
        ],
        ignore_conflicts=True,
    )
    outbox.sweep_soon()
    return event


@transaction.atomic
def event_cancel(*, user, event):
    """Cancel a meeting or a call: its reminders are not sent, and every participant is told."""
    event = type(event).objects.select_for_update().get(pk=event.pk)
    _require(user, event.change_permission, event)
    if event.is_cancelled:
        return event
    event.status = MeetingStatus.CANCELLED
    event.sequence += 1
    event.save(update_fields=["status", "sequence"])
    Notice.objects.filter(**_event_field(event), status=OutboxStatus.PENDING).exclude(
        kind=NoticeKind.CANCELLATION
    ).update(status=OutboxStatus.CANCELLED)
    Notice.objects.bulk_create(
        [
            Notice(
                **_event_field(event),
                user=person,
                kind=NoticeKind.CANCELLATION,
                event_starts_at=event.starts_at,
                due_at=timezone.now(),
            )  # fmt: skip
            for person in participants_of(event)
        ],
        ignore_conflicts=True,
    )
    outbox.sweep_soon()
    return event


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
    with translation.override(settings.LANGUAGE_CODE), timezone.override(user.time_zone):
        in_words = _time_left(notice, now=now or timezone.now())
        # The body is the same for everyone in a time zone but for the name: it is made
        # once per zone with a stand-in, which each e-mail replaces by the person's name.
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
        }
        subject = _shared(
            event,
            ("subject", notice.kind, in_words),
            lambda: render_to_string("meetings/email/notice_subject.txt", context).strip(),
        )
        body = _shared(
            event,
            ("body", notice.kind, in_words, str(user.time_zone)),
            lambda: render_to_string("meetings/email/notice.txt", context),
        ).replace(_NAME, user.get_full_name(), 1)
    message = outbox.OutboxEmail(subject=subject, body=body, to=[user.email])
    message.attach(
        "invite.ics",
        _shared(event, (method, event.sequence), lambda: calendar_bytes([event], method=method)),
        f"text/calendar; method={method}; charset=utf-8",
    )
    return message


def _shared(event, key, make):
    """What the e-mails about an event share (its link, the subject, the calendar file),
    made once for all the notices of a sweep's batch: they share one event object
    (`Notice.claimable` prefetches it)."""
    made = event.__dict__.setdefault("_shared_by_notices", {})
    if key not in made:
        made[key] = make()
    return made[key]

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
again, late reminders go out, and reminders whose event has already started are skipped
and logged.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import ngettext

from partners.enums import Role
from partners.models import User
from partners.services import notify
from portal import outbox
from portal.outbox import OutboxStatus

from .calendar import calendar_bytes
from .enums import CallKind, MeetingStatus, NoticeKind
from .models import (
    DEFAULT_REMINDER_OFFSETS,
    Attendance,
    CalendarFeed,
    Call,
    CheckupRound,
    Meeting,
    Notice,
    ReminderPolicy,
)

log = logging.getLogger(__name__)

STAFF_ROLES = (Role.COORDINATOR, Role.LEAD_PARTNER, Role.LEAD_EXPERT)
#: How long after an event started the sweep still records its missed reminders as skipped.
SKIP_WINDOW = dt.timedelta(days=7)


# People ----------------------------------------------------------------------------------


def network_staff(network) -> list[User]:
    return list(
        User.objects.filter(
            memberships__network=network, memberships__role__in=STAFF_ROLES, is_active=True
        ).distinct()
    )


def participants_of(event) -> list[User]:
    """Who gets the e-mails: a meeting's registered attendees and the network's staff;
    a call's participants."""
    if isinstance(event, Meeting):
        attendees = User.objects.filter(attendances__meeting=event, is_active=True)
        people = {u.pk: u for u in [*attendees, *network_staff(event.network)]}
        return list(people.values())
    return list(event.participants.filter(is_active=True))


def offsets_for(network) -> list[int]:
    policy = ReminderPolicy.objects.filter(network=network).first()
    return sorted(
        policy.offsets_minutes if policy and policy.offsets_minutes else DEFAULT_REMINDER_OFFSETS
    )


# Changes ---------------------------------------------------------------------------------


def _event_field(event) -> dict:
    return {"meeting": event} if isinstance(event, Meeting) else {"call": event}


@transaction.atomic
def event_reschedule(*, event, starts_at: dt.datetime, ends_at: dt.datetime):
    """A new time: reminders follow it, and every participant is told at once."""
    event = type(event).objects.select_for_update().get(pk=event.pk)
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
                user=user,
                kind=NoticeKind.UPDATE,
                event_starts_at=starts_at,
                due_at=now,
            )  # fmt: skip
            for user in participants_of(event)
        ],
        ignore_conflicts=True,
    )
    outbox.sweep_soon()
    return event


@transaction.atomic
def event_cancel(*, event):
    event = type(event).objects.select_for_update().get(pk=event.pk)
    if event.status == MeetingStatus.CANCELLED:
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
                user=user,
                kind=NoticeKind.CANCELLATION,
                event_starts_at=event.starts_at,
                due_at=timezone.now(),
            )  # fmt: skip
            for user in participants_of(event)
        ],
        ignore_conflicts=True,
    )
    outbox.sweep_soon()
    return event


@transaction.atomic
def attendance_set(*, meeting: Meeting, partner, users) -> None:
    """The city's attendees of the meeting are exactly `users` (people of that city)."""
    Attendance.objects.filter(meeting=meeting, partner=partner).exclude(user__in=users).delete()
    Attendance.objects.bulk_create(
        [Attendance(meeting=meeting, partner=partner, user=u) for u in users], ignore_conflicts=True
    )


@transaction.atomic
def checkup_round_open(
    *, network, title: str, starts_at: dt.datetime, minutes: int = 60, gap: int = 15
):
    """One check-up call per city with its team, the lead partner and the lead expert,
    one after the other from `starts_at`."""
    checkup_round = CheckupRound.objects.create(network=network, title=title)
    lp_le = list(
        User.objects.filter(
            memberships__network=network,
            memberships__role__in=[Role.LEAD_PARTNER, Role.LEAD_EXPERT],
        ).distinct()
    )
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
        team = User.objects.filter(
            memberships__partner=partner, memberships__role__in=Role.city_roles()
        ).distinct()
        call.participants.set([*team, *lp_le])
        start += dt.timedelta(minutes=minutes + gap)
    notify(
        recipients=list(lp_le),
        title=f"{title}: {network.partners.count()} check-up calls planned",
        url=checkup_round.calls.first().get_absolute_url() if checkup_round.calls.exists() else "",
        network=network,
    )
    return checkup_round


# Calendar feed ---------------------------------------------------------------------------


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def calendar_feed_renew(*, user) -> str:
    """A new secret address; the old one stops working. Returns the token, shown once."""
    token = secrets.token_urlsafe(32)
    CalendarFeed.objects.update_or_create(user=user, defaults={"token_hash": _hash(token)})
    return token


def calendar_feed_revoke(*, user) -> None:
    CalendarFeed.objects.filter(user=user).delete()


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
    started is skipped and logged. Other notices are sent."""
    if notice.kind != NoticeKind.REMINDER:
        return None
    event = notice.event
    if event.status != MeetingStatus.PLANNED or event.starts_at != notice.event_starts_at:
        return OutboxStatus.CANCELLED
    if now >= event.starts_at:
        log.warning(
            "Skipped the %s-minute reminder of %s for %s: the event started at %s, "
            "before the reminder could go out",
            notice.offset_minutes, event, notice.user.email, event.starts_at.isoformat(),
        )  # fmt: skip
        return OutboxStatus.SKIPPED
    return None


def offset_words(minutes: int) -> str:
    """7 days, 1 day, 1 hour, 30 minutes."""
    if minutes and minutes % (24 * 60) == 0:
        days = minutes // (24 * 60)
        return ngettext("%(n)d day", "%(n)d days", days) % {"n": days}
    if minutes and minutes % 60 == 0:
        hours = minutes // 60
        return ngettext("%(n)d hour", "%(n)d hours", hours) % {"n": hours}
    return ngettext("%(n)d minute", "%(n)d minutes", minutes) % {"n": minutes}


def notice_message(notice: Notice) -> EmailMessage:
    event, user = notice.event, notice.user
    with translation.override(settings.LANGUAGE_CODE), timezone.override(user.time_zone):
        context = {
            "notice": notice,
            "event": event,
            "user": user,
            "link": f"{settings.SITE_URL}{event.get_absolute_url()}",
            "starts": timezone.localtime(event.starts_at),
            "ends": timezone.localtime(event.ends_at),
            "in_words": offset_words(notice.offset_minutes),
        }
        subject = render_to_string("meetings/email/notice_subject.txt", context).strip()
        body = render_to_string("meetings/email/notice.txt", context)
    message = EmailMessage(subject=subject, body=body, to=[user.email])
    cancelled = notice.kind == NoticeKind.CANCELLATION
    message.attach(
        "invite.ics",
        calendar_bytes([event], method="CANCEL" if cancelled else "REQUEST"),
        f"text/calendar; method={'CANCEL' if cancelled else 'REQUEST'}; charset=utf-8",
    )
    return message

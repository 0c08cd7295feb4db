"""Reads of meetings and calls. Who may see which is decided here, once per kind of object:
views fetch through these selectors (so the invisible is a 404), the network home and the
personal calendar feed list through them, and the `view_*` rules ask them."""

import datetime as dt
import zoneinfo

from django.contrib.postgres.aggregates import JSONBAgg
from django.db.models import OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import JSONObject
from django.utils import timezone

from partners.models import Membership, Partner, User
from partners.roles import city_ids_in
from partners.rules import is_network_member, sees_every_city
from partners.selectors import network_list_for
from portal.dates import localtime_or_utc
from portal.registry import calendar_items

from .models import AgendaItem, Attendance, CalendarFeed, Call, GuestSpeaker, Meeting


def meetings_visible_to(*, user, network) -> QuerySet[Meeting]:
    """Every meeting of the network, for its members; nothing for anyone else."""
    return meetings_visible_in(user=user, networks=[network])


def meetings_visible_in(*, user, networks) -> QuerySet[Meeting]:
    """`meetings_visible_to` of several networks at once, in one query."""
    mine = [network.pk for network in networks if is_network_member(user, network)]
    return Meeting.objects.filter(network__in=mine).select_related("host", "network")


def meeting_with_details(*, user, network, number: int) -> QuerySet[Meeting]:
    """One meeting with its attendance, documents and calls (its agenda: `agenda_of`)."""
    return (
        meetings_visible_to(user=user, network=network)
        .filter(number=number)
        .prefetch_related(
            Prefetch(
                "attendances",
                queryset=Attendance.objects.select_related("user", "partner").order_by(
                    "partner__city", "user__full_name"
                ),
            ),
            "documents",
            "calls",
        )
    )


def agenda_of(*, meeting: Meeting) -> list[AgendaItem]:
    """The meeting's agenda in programme order, each item with `members` (its speakers
    from the network, by name, each with `city`: their city in the meeting's network, if
    any), `guests` (its guest speakers) and `speakers_shown` (each speaker with their city
    or organisation), read with the items in one query."""
    city = (
        Membership.objects.filter(
            user=OuterRef("user"), network=meeting.network_id, partner__isnull=False
        )
        .order_by("pk")
        .values("partner__city")[:1]
    )
    members = (
        AgendaItem.speakers.through.objects.filter(agendaitem=OuterRef("pk"))
        .order_by()
        .values("agendaitem")
        .annotate(
            rows=JSONBAgg(
                JSONObject(
                    full_name="user__full_name",
                    email="user__email",
                    job_title="user__job_title",
                    city=Subquery(city),
                ),
                order_by=("user__full_name", "user__email"),
            )
        )
        .values("rows")
    )
    guests = (
        GuestSpeaker.objects.filter(agenda_item=OuterRef("pk"))
        .order_by()
        .values("agenda_item")
        .annotate(rows=JSONBAgg(JSONObject(name="name", affiliation="affiliation"), order_by="pk"))
        .values("rows")
    )
    items = list(
        meeting.agenda.annotate(
            member_rows=Subquery(members), guest_rows=Subquery(guests)
        ).order_by("starts_at", "position", "pk")
    )
    for item in items:
        item.members = [_speaker(**row) for row in item.member_rows or []]
        item.guests = [GuestSpeaker(**row) for row in item.guest_rows or []]
        item.speakers_shown = [
            *(_with_where(person.get_full_name(), person.city or person.job_title)
              for person in item.members),
            *(_with_where(guest.name, guest.affiliation) for guest in item.guests),
        ]  # fmt: skip
    return items


def _speaker(*, city, **fields) -> User:
    person = User(**fields)
    person.city = city
    return person


def _with_where(name: str, where: str) -> str:
    """A speaker as the programme names them: "Maria Petrova (Sofia)"."""
    return f"{name} ({where})" if where else name


def programme_by_day(meeting: Meeting, tz=None) -> list[tuple[dt.date, list[AgendaItem]]]:
    """The meeting's programme grouped by the day each item starts in `tz` (a zone or its
    name; by default the current zone, the reader's): [(day, [items])], days in order.
    Each item is read as `agenda_of` reads it, with `local_starts_at`, its start in `tz`."""
    zone = zoneinfo.ZoneInfo(tz) if isinstance(tz, str) else tz
    days: dict[dt.date, list[AgendaItem]] = {}
    for item in agenda_of(meeting=meeting):
        item.local_starts_at = localtime_or_utc(item.starts_at, zone)
        days.setdefault(item.local_starts_at.date(), []).append(item)
    return list(days.items())


def calls_visible_to(*, user, network) -> QuerySet[Call]:
    """All calls of the network for its staff and programme officer; for anyone else of the
    network, the calls of their own cities and those they take part in."""
    return calls_visible_in(user=user, networks=[network])


def calls_visible_in(*, user, networks) -> QuerySet[Call]:
    """`calls_visible_to` of several networks at once, in one query."""
    member_of = [network for network in networks if is_network_member(user, network)]
    every_city = [network.pk for network in member_of if sees_every_city(user, network)]
    own_cities = [network.pk for network in member_of if network.pk not in every_city]
    city_ids = set().union(*(city_ids_in(user, pk) for pk in own_cities))
    theirs = Call.objects.filter(Q(cities__in=city_ids) | Q(participants=user))
    calls = Call.objects.filter(
        Q(network__in=every_city) | Q(network__in=own_cities, pk__in=theirs.values("pk"))
    )
    return calls.select_related("network", "checkup_round")


def next_meeting_number(*, network) -> int:
    last = Meeting.objects.filter(network=network).order_by("-number").first()
    return last.number + 1 if last else 1


def cities_of(*, user, network) -> QuerySet[Partner]:
    """The cities of the network whose team the person belongs to."""
    return Partner.objects.filter(network=network, pk__in=city_ids_in(user, network.pk)).order_by(
        "city"
    )


def network_members(*, network) -> QuerySet[User]:
    return User.objects.filter(memberships__network=network).distinct().order_by("full_name")


def upcoming(*, user, network, limit: int = 5):
    now = timezone.now()
    meetings = list(
        meetings_visible_to(user=user, network=network)
        .filter(ends_at__gte=now)
        .order_by("starts_at")[:limit]
    )
    calls = list(
        calls_visible_to(user=user, network=network)
        .filter(ends_at__gte=now)
        .order_by("starts_at")[:limit]
    )
    return sorted(meetings + calls, key=lambda e: e.starts_at)[:limit]


def events_for_feed(*, user):
    """Every meeting and call the person may see, in all their networks, then the all-day
    items other apps offer the person (`portal.registry.calendar_items`: the deadlines
    they owe)."""
    networks = network_list_for(user=user)
    return [
        *meetings_visible_in(user=user, networks=networks),
        *calls_visible_in(user=user, networks=networks),
        *(item for provider in calendar_items for item in provider(user)),
    ]


def has_calendar_feed(*, user) -> bool:
    return CalendarFeed.objects.filter(user=user).exists()

"""Reads of meetings and calls. Who may see which is decided here, once per kind of object:
views fetch through these selectors (so the invisible is a 404), the network home and the
personal calendar feed list through them, and the `view_*` rules ask them."""

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from partners.models import Partner, User
from partners.roles import city_ids_in
from partners.rules import is_network_member, sees_every_city
from partners.selectors import networks_for

from .models import AgendaItem, Attendance, CalendarFeed, Call, Meeting


def meetings_visible_to(*, user, network) -> QuerySet[Meeting]:
    """Every meeting of the network, for its members; nothing for anyone else."""
    meetings = Meeting.objects.filter(network=network).select_related("host", "network")
    return meetings if is_network_member(user, network) else meetings.none()


def meeting_with_details(*, user, network, number: int) -> QuerySet[Meeting]:
    return (
        meetings_visible_to(user=user, network=network)
        .filter(number=number)
        .prefetch_related(
            Prefetch(
                "agenda",
                queryset=AgendaItem.objects.prefetch_related("speakers", "guest_speakers"),
            ),
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


def calls_visible_to(*, user, network) -> QuerySet[Call]:
    """All calls of the network for its staff and programme officer; for anyone else of the
    network, the calls of their own cities and those they take part in."""
    calls = Call.objects.filter(network=network).select_related("network", "checkup_round")
    if not is_network_member(user, network):
        return calls.none()
    if sees_every_city(user, network):
        return calls
    mine = Call.objects.filter(Q(cities__in=city_ids_in(user, network.pk)) | Q(participants=user))
    return calls.filter(pk__in=mine.values("pk"))


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
        .prefetch_related("cities")
        .order_by("starts_at")[:limit]
    )
    return sorted(meetings + calls, key=lambda e: e.starts_at)[:limit]


def events_for_feed(*, user):
    """Every meeting and call the person may see, in all their networks."""
    events = []
    for network in networks_for(user=user):
        events += meetings_visible_to(user=user, network=network)
        events += calls_visible_to(user=user, network=network)
    return events


def has_calendar_feed(*, user) -> bool:
    return CalendarFeed.objects.filter(user=user).exists()

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from partners.roles import city_ids_in, network_ids, roles_in
from partners.rules import is_network_staff, is_programme_officer

from .models import AgendaItem, Attendance, Call, Meeting


def meetings_of(*, network) -> QuerySet[Meeting]:
    return Meeting.objects.filter(network=network).select_related("host", "network")


def meeting_with_details(*, network, number: int) -> QuerySet[Meeting]:
    return (
        meetings_of(network=network)
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
    calls = Call.objects.filter(network=network).select_related("network", "checkup_round")
    if is_network_staff(user, network) or is_programme_officer(user, network):
        return calls
    mine = city_ids_in(user, network.pk)
    return calls.filter(Q(cities__in=mine) | Q(participants=user)).distinct()


def upcoming(*, user, network, limit: int = 5):
    now = timezone.now()
    meetings = list(
        meetings_of(network=network).filter(ends_at__gte=now).order_by("starts_at")[:limit]
    )
    calls = list(
        calls_visible_to(user=user, network=network)
        .filter(ends_at__gte=now)
        .prefetch_related("cities")
        .order_by("starts_at")[:limit]
    )
    return sorted(meetings + calls, key=lambda e: e.starts_at)[:limit]


def events_for_feed(*, user):
    """Every meeting of the person's networks and every call they may see."""
    networks = network_ids(user)
    meetings = Meeting.objects.filter(network__in=networks).select_related("network")
    calls = []
    for call in (
        Call.objects.filter(network__in=networks)
        .select_related("network")
        .prefetch_related("cities", "participants")
    ):
        staff = bool(
            roles_in(user, call.network_id)
            & {"coordinator", "lead_partner", "lead_expert", "programme_officer"}
        )
        mine = city_ids_in(user, call.network_id)
        if (
            staff
            or any(c.pk in mine for c in call.cities.all())
            or any(p.pk == user.pk for p in call.participants.all())
        ):
            calls.append(call)
    return [*meetings, *calls]

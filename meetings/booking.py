"""Check-up rounds with bookable slots: the coordinator offers times over several days, each
city coordinator books one, and the call is made for it.

A slot is booked by one conditional UPDATE of a free slot (`partner` empty), in a
transaction: of two cities that pick the same slot at the same moment, the second waits for
the first's row lock, then finds the slot taken and updates nothing. The unique (round,
city) constraint refuses a second slot for a city that books twice at once. The loser is
told in words (`BookingError`), never a server error.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Prefetch, QuerySet
from django.utils import dateformat, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from partners.enums import Role
from partners.models import Network, Partner, User
from partners.roles import cities_in
from partners.rules import is_network_member, sees_every_city
from partners.selectors import city_team, people_with_roles
from portal import pagecache
from portal.dates import localtime_or_utc
from portal.validators import plausible_datetime

from . import services
from .enums import CallKind
from .models import Call, CheckupRound, CheckupSlot
from .timespan import span_text

#: Office hours in a city's own zone; a call outside them is marked.
OFFICE_OPENS = dt.time(8, 0)
OFFICE_CLOSES = dt.time(18, 0)
#: The most days and slots one round offers.
MAX_DAYS = 10
MAX_SLOTS = 150

TAKEN = gettext_lazy("Someone booked that slot a moment ago; please choose another.")


class BookingError(Exception):
    """A booking that cannot be made, said in words for the person who tried."""

    def __init__(self, message):
        super().__init__(str(message))
        self.message = str(message)


def _require(user, permission: str, obj) -> None:
    if not user.has_perm(permission, obj):
        raise PermissionDenied


def checkup_hosts(*, network: Network) -> QuerySet[User]:
    """Who may host the calls of a round: the network's lead partner(s) and lead expert(s)."""
    return people_with_roles(network=network, roles=services.CHECKUP_HOSTS).order_by(
        "full_name", "pk"
    )


# Planning the slots ----------------------------------------------------------------------


@dataclass(frozen=True)
class PlannedSlot:
    """A slot before it is saved: the preview shows these, then the round is made of them."""

    starts_at: dt.datetime
    ends_at: dt.datetime
    hosts: tuple = ()


def plan_slots(
    *,
    days: list[tuple[dt.date, list]],
    opens: dt.time,
    closes: dt.time,
    minutes: int,
    gap: int,
    zone: dt.tzinfo,
) -> list[PlannedSlot]:
    """The slots of each day, one after the other from `opens` until a call would end
    after `closes` (times of the coordinator's `zone`), each `minutes` long with `gap`
    minutes between them. `days` pairs each date with the hosts free that day."""
    slots = []
    length, step = dt.timedelta(minutes=minutes), dt.timedelta(minutes=minutes + gap)
    for day, hosts in sorted(days, key=lambda pair: pair[0]):
        start = dt.datetime.combine(day, opens, tzinfo=zone).astimezone(dt.UTC)
        last_end = dt.datetime.combine(day, closes, tzinfo=zone).astimezone(dt.UTC)
        while start + length <= last_end:
            slots.append(PlannedSlot(start, start + length, tuple(hosts)))
            start += step
    return slots


@dataclass(frozen=True)
class LocalTime:
    """A slot as read in one zone: "Wed 10 Feb 2027, 20:45–21:45 EET", and whether that is
    outside office hours there."""

    text: str
    starts: dt.datetime
    zone: str
    outside_office_hours: bool
    #: Who reads it so: city names, or empty for the reader's own zone.
    place: str = ""


def local_time(starts_at: dt.datetime, ends_at: dt.datetime, zone, *, place="") -> LocalTime:
    zone = zoneinfo.ZoneInfo(zone) if isinstance(zone, str) else zone
    starts, ends = localtime_or_utc(starts_at, zone), localtime_or_utc(ends_at, zone)
    outside = starts.time() < OFFICE_OPENS or (ends.date(), ends.time()) > (
        starts.date(),
        OFFICE_CLOSES,
    )
    return LocalTime(
        text=span_text(starts_at, ends_at, zone),
        starts=starts,
        zone=str(zone),
        outside_office_hours=outside,
        place=place,
    )


def times_in_the_cities(starts_at, ends_at, cities) -> list[LocalTime]:
    """The slot in each zone of the cities, the cities of one zone together."""
    by_zone: dict[str, list[Partner]] = {}
    for city in cities:
        by_zone.setdefault(str(city.time_zone), []).append(city)
    return [
        local_time(starts_at, ends_at, zone, place=", ".join(c.city for c in sorted_cities))
        for zone, sorted_cities in sorted(by_zone.items(), key=lambda pair: pair[1][0].city)
    ]


@dataclass
class PreviewDay:
    day: str
    slots: list = field(default_factory=list)


@dataclass(frozen=True)
class PreviewSlot:
    yours: LocalTime
    hosts: tuple
    cities: list


def preview(*, slots: list[PlannedSlot], cities, zone) -> list[PreviewDay]:
    """The slots by day of the coordinator's zone, each in the coordinator's zone and in
    each city's."""
    cities = list(cities)
    days: dict[dt.date, PreviewDay] = {}
    for slot in slots:
        yours = local_time(slot.starts_at, slot.ends_at, zone)
        day = days.setdefault(
            yours.starts.date(), PreviewDay(day=dateformat.format(yours.starts, "l j F Y"))
        )
        day.slots.append(
            PreviewSlot(
                yours=yours,
                hosts=slot.hosts,
                cities=times_in_the_cities(slot.starts_at, slot.ends_at, cities),
            )
        )
    return list(days.values())


# Opening a round -------------------------------------------------------------------------


@transaction.atomic
def checkup_round_open(
    *, user, network: Network, title: str, slots: list[PlannedSlot]
) -> CheckupRound:
    """A round of check-up calls offering `slots`; the cities are told to book one."""
    _require(user, "meetings.open_checkup_round", network)
    if not slots:
        raise ValidationError(_("Offer at least one slot."))
    if len(slots) > MAX_SLOTS:
        raise ValidationError(
            _("A round offers at most %(n)d slots.") % {"n": MAX_SLOTS}, code="too_many"
        )
    allowed = set(checkup_hosts(network=network).values_list("pk", flat=True))
    for slot in slots:
        plausible_datetime(slot.starts_at)
        plausible_datetime(slot.ends_at)
        if any(host.pk not in allowed for host in slot.hosts):
            raise ValidationError(_("Only the lead partner and the lead expert host the calls."))
    checkup_round = CheckupRound(network=network, title=title)
    checkup_round.full_clean()
    try:
        with transaction.atomic():
            checkup_round.save()
    except IntegrityError as error:  # the same title, opened at the same moment
        raise ValidationError(_("A round with this title exists already.")) from error
    made = CheckupSlot.objects.bulk_create(
        CheckupSlot(checkup_round=checkup_round, starts_at=slot.starts_at, ends_at=slot.ends_at)
        for slot in slots
    )
    Hosts = CheckupSlot.hosts.through  # noqa: N806
    Hosts.objects.bulk_create(
        Hosts(checkupslot_id=row.pk, user_id=host.pk)
        for row, slot in zip(made, slots, strict=True)
        for host in slot.hosts
    )
    pagecache.changed([pagecache.network_scope(network.slug)])
    services.checkup_round_announce(checkup_round)
    return checkup_round


# Booking ---------------------------------------------------------------------------------


def _call_for(slot: CheckupSlot, partner: Partner) -> Call:
    """The check-up call of a booked slot: the city's team and the slot's hosts take part."""
    checkup_round = slot.checkup_round
    call = Call(
        network_id=checkup_round.network_id,
        kind=CallKind.CHECKUP,
        title=f"{checkup_round.title}: {partner.city}"[:300],
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        checkup_round=checkup_round,
    )
    call.full_clean()
    call.save()
    call.cities.set([partner])
    call.participants.set({p.pk for p in [*city_team(partner=partner), *slot.hosts.all()]})
    return call


def _check_bookable(slot: CheckupSlot, partner: Partner, *, now) -> None:
    if partner.network_id != slot.checkup_round.network_id:
        raise PermissionDenied
    if slot.starts_at <= now:
        raise BookingError(_("That slot has already begun; please choose another."))


def _claim(*, slot: CheckupSlot, partner: Partner, by, now) -> Call:
    """Book a free slot for the city and make its call; `BookingError` if the slot was
    taken meanwhile or the city has one already. One transaction: all or nothing."""
    _check_bookable(slot, partner, now=now)
    try:
        with transaction.atomic():
            claimed = CheckupSlot.objects.filter(pk=slot.pk, partner__isnull=True).update(
                partner=partner, booked_by=by, booked_at=now
            )
            if not claimed:
                raise BookingError(TAKEN)
            call = _call_for(slot, partner)
            CheckupSlot.objects.filter(pk=slot.pk).update(call=call)
            services.invite(call)
    except IntegrityError as error:  # the city booked another slot at the same moment
        raise BookingError(
            _("%(city)s has a slot of this round already.") % {"city": partner.city}
        ) from error
    pagecache.changed([pagecache.network_scope(slot.checkup_round.network.slug)])
    return call


def coordinated_cities(*, user, network_id: int) -> list[Partner]:
    """The cities whose coordinator the person is: those they book for."""
    return cities_in(user, network_id, roles=[Role.CITY_COORDINATOR])


def _require_city_coordinator(user, checkup_round, partner) -> None:
    _require(user, "meetings.book_checkup_slot", checkup_round)
    mine = coordinated_cities(user=user, network_id=checkup_round.network_id)
    if partner.pk not in {city.pk for city in mine}:
        raise PermissionDenied


def slot_book(*, user, slot: CheckupSlot, partner: Partner) -> Call:
    """A city coordinator books a free slot of the round for their city."""
    _require_city_coordinator(user, slot.checkup_round, partner)
    return _claim(slot=slot, partner=partner, by=user, now=timezone.now())


def slot_assign(*, user, slot: CheckupSlot, partner: Partner) -> Call:
    """The coordinator books a free slot for a city that has not booked."""
    _require(user, "meetings.assign_checkup_slot", slot.checkup_round)
    return _claim(slot=slot, partner=partner, by=user, now=timezone.now())


def slot_move(*, user, slot: CheckupSlot, partner: Partner) -> Call:
    """A city coordinator moves the city's booking to another free slot of the round, in
    one transaction: the old slot is freed and the new one taken, or nothing changes. The
    call gets the new time (its participants are told, `event_reschedule`) and the new
    slot's hosts; a host who is not free at the new time is taken off the call and told."""
    checkup_round = slot.checkup_round
    _require_city_coordinator(user, checkup_round, partner)
    now = timezone.now()
    _check_bookable(slot, partner, now=now)
    try:
        with transaction.atomic():
            # The call first, then its slot: the order the cancellation locks them in, so
            # that a move and a cancellation at once wait for each other, never deadlock.
            booked_call = (
                CheckupSlot.objects.filter(checkup_round=checkup_round, partner=partner)
                .values_list("call_id", flat=True)
                .first()
            )
            if booked_call is not None:
                list(Call.objects.select_for_update().filter(pk=booked_call))
            current = (
                CheckupSlot.objects.select_for_update(of=("self",))
                .select_related("call")
                .filter(checkup_round=checkup_round, partner=partner)
                .first()
            )
            if current is None or current.call is None:
                raise BookingError(_("%(city)s has no booking to move.") % {"city": partner.city})
            call = current.call
            if current.pk == slot.pk:
                return call
            if not call.is_planned or call.starts_at <= now:
                raise BookingError(_("This call can no longer be moved."))
            CheckupSlot.objects.filter(pk=current.pk).update(
                partner=None, booked_by=None, booked_at=None, call=None
            )
            claimed = CheckupSlot.objects.filter(pk=slot.pk, partner__isnull=True).update(
                partner=partner, booked_by=user, booked_at=now, call=call
            )
            if not claimed:
                raise BookingError(TAKEN)  # rolls back: the old booking stays as it was
            before = set(call.participants.all())
            hosts = set(slot.hosts.all())
            dropped = (before - hosts) & set(checkup_hosts(network=checkup_round.network))
            call.participants.set({p.pk for p in [*city_team(partner=partner), *hosts]})
            call = services.event_reschedule(
                user=user,
                event=call,
                starts_at=slot.starts_at,
                ends_at=slot.ends_at,
                to_its_slot=True,
            )
            if dropped:
                services.uninvite(call, dropped)
    except IntegrityError as error:  # the city booked another slot at the same moment
        raise BookingError(
            _("%(city)s has a slot of this round already.") % {"city": partner.city}
        ) from error
    pagecache.changed([pagecache.network_scope(checkup_round.network.slug)])
    return call


# Reads -----------------------------------------------------------------------------------


def rounds_visible_to(*, user, network) -> QuerySet[CheckupRound]:
    """The network's rounds, for its members; nothing for anyone else."""
    if not is_network_member(user, network):
        return CheckupRound.objects.none()
    return CheckupRound.objects.filter(network=network).select_related("network")


def slots_of(checkup_round: CheckupRound) -> list[CheckupSlot]:
    """The round's slots with their hosts, booking city and call, in time order."""
    return list(
        checkup_round.slots.select_related("partner", "call__network").prefetch_related(
            Prefetch("hosts", queryset=User.objects.order_by("full_name", "pk"))
        )
    )


@dataclass(frozen=True)
class SlotChoice:
    """A slot as one city's people read it: in the city's zone, and in the reader's own
    when it differs."""

    slot: CheckupSlot
    city_time: LocalTime
    own_time: LocalTime | None


@dataclass
class CityBooking:
    city: Partner
    slot: CheckupSlot | None
    city_time: LocalTime | None = None
    own_time: LocalTime | None = None
    #: Free slots the city may book or move to, read in its zone.
    choices: list = field(default_factory=list)
    may_book: bool = False

    @property
    def call(self):
        return self.slot.call if self.slot else None

    @property
    def may_move(self) -> bool:
        call = self.call
        return bool(self.may_book and call and call.is_planned and call.starts_at > timezone.now())


def _choice(slot, city, own_zone) -> SlotChoice:
    city_time = local_time(slot.starts_at, slot.ends_at, city.time_zone, place=city.city)
    own = None
    if str(own_zone) != str(city.time_zone):
        own = local_time(slot.starts_at, slot.ends_at, own_zone)
    return SlotChoice(slot=slot, city_time=city_time, own_time=own)


@dataclass
class RoundPage:
    checkup_round: CheckupRound
    slots: list
    free: list
    #: For a city's people: each of their cities, with its booking or the free slots.
    mine: list
    #: For those who see every city: each city of the network, booked or not.
    cities: list
    booked_count: int = 0

    @property
    def everyone_booked(self) -> bool:
        return bool(self.cities) and self.booked_count == len(self.cities)

    @property
    def summary(self) -> str:
        return ngettext(
            "%(booked)d of %(n)d city has booked.",
            "%(booked)d of %(n)d cities have booked.",
            len(self.cities),
        ) % {"booked": self.booked_count, "n": len(self.cities)}


def round_page(*, user, checkup_round: CheckupRound) -> RoundPage:
    """What the round's page shows to this person: their cities' bookings and the free
    slots in each city's zone; for those who see every city, who has booked and who not."""
    network = checkup_round.network
    now = timezone.now()
    own_zone = timezone.get_current_timezone()
    slots = slots_of(checkup_round)
    free = [slot for slot in slots if slot.is_free and slot.starts_at > now]
    booked = {slot.partner_id: slot for slot in slots if not slot.is_free}
    coordinated = {c.pk for c in coordinated_cities(user=user, network_id=network.pk)}
    mine = []
    for city in sorted(cities_in(user, network.pk), key=lambda c: c.city):
        slot = booked.get(city.pk)
        entry = CityBooking(
            city=city,
            slot=slot,
            choices=[_choice(s, city, own_zone) for s in free],
            may_book=city.pk in coordinated,
        )
        if slot is not None:
            chosen = _choice(slot, city, own_zone)
            entry.city_time, entry.own_time = chosen.city_time, chosen.own_time
        mine.append(entry)
    cities = []
    if sees_every_city(user, network):
        for city in network.partners.order_by("city"):
            slot = booked.get(city.pk)
            entry = CityBooking(city=city, slot=slot)
            if slot is not None:
                chosen = _choice(slot, city, own_zone)
                entry.city_time, entry.own_time = chosen.city_time, chosen.own_time
            else:
                entry.choices = [_choice(s, city, own_zone) for s in free]
            cities.append(entry)
    return RoundPage(
        checkup_round=checkup_round,
        slots=slots,
        free=free,
        mine=mine,
        cities=cities,
        booked_count=sum(1 for entry in cities if entry.slot is not None),
    )

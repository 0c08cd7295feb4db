"""A round of check-up slots, free or with city A's booking, for the booking tests, their
permission table and the form fuzz. Import the `*_fixture` functions: they register as
`checkup_round` and `booked_round`."""

import datetime as dt

import pytest

from meetings import booking
from meetings.models import CheckupRound, CheckupSlot

#: The first slot of the round: Tue 4 Mar 2031, 10:00 in Brussels, 11:00 in Sofia.
SLOT_START = dt.datetime(2031, 3, 4, 9, 0, tzinfo=dt.UTC)
HOUR = dt.timedelta(hours=1)


def add_slots(checkup_round, hosts, count, *, first=SLOT_START):
    slots = []
    for n in range(count):
        starts = first + n * dt.timedelta(minutes=75)
        slot = CheckupSlot.objects.create(
            checkup_round=checkup_round, starts_at=starts, ends_at=starts + HOUR
        )
        slot.hosts.set(hosts)
        slots.append(slot)
    return slots


@pytest.fixture(name="checkup_round")
def checkup_round_fixture(net, city_a, city_b, lead_partner, lead_expert):
    """Three free slots an hour long, 75 minutes apart, hosted by the LP and the LE."""
    checkup_round = CheckupRound.objects.create(network=net, title="March 2031 check-up")
    add_slots(checkup_round, [lead_partner, lead_expert], 3)
    return checkup_round


@pytest.fixture(name="booked_round")
def booked_round_fixture(checkup_round, city_a, city_member_a, city_coordinator_a):
    """City A has booked the first slot."""
    booking.slot_book(
        user=city_coordinator_a, slot=checkup_round.slots.order_by("starts_at")[0], partner=city_a
    )
    return checkup_round


def free_slots(checkup_round):
    return list(checkup_round.slots.filter(partner__isnull=True).order_by("starts_at"))

"""Check-up rounds with bookable slots: the coordinator offers them (preview first), each
city coordinator books one in the city's own zone, a city moves its booking, the coordinator
assigns the rest; two cities picking one slot at once: exactly one wins."""

import datetime as dt
import html
import re
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from meetings import booking, services
from meetings.enums import CallKind, MeetingStatus, NoticeKind
from meetings.models import Call, CheckupRound, CheckupSlot, Notice
from partners.enums import Role
from partners.models import Notification
from tests.factories import MembershipFactory, PartnerFactory, UserFactory
from tests.meetings.booking_world import (  # noqa: F401
    SLOT_START,
    add_slots,
    booked_round_fixture,
    checkup_round_fixture,
    free_slots,
)

INLINE = re.compile(r"</?(?:time|span|strong|a|small|label)\b[^>]*>")
TAG = re.compile(r"<[^>]+>")


def text(response) -> str:
    """What a reader sees of the page, in one line."""
    page = INLINE.sub("", response.content.decode())
    return " ".join(html.unescape(TAG.sub(" ", page)).split())


def said(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def path(name, net, *args):
    return reverse(name, args=[net.slug, *args])


@pytest.fixture
def sofia_b(city_b):
    city_b.time_zone = "Europe/Sofia"
    city_b.save()
    return city_b


# Offering slots ------------------------------------------------------------------------------


def round_data(lead_partner, lead_expert, **changes):
    return {
        "title": "March 2031 check-up",
        "opens": "16:00",
        "closes": "18:00",
        "minutes": "60",
        "gap": "0",
        "day_1": "2031-03-04",
        "hosts_1": [lead_partner.pk, lead_expert.pk],
        "day_2": "2031-03-05",
        "hosts_2": [lead_expert.pk],
        **changes,
    }


def test_the_preview_shows_each_slot_in_each_citys_zone_and_saves_nothing(
    client_for, net, city_a, sofia_b, coordinator, lead_partner, lead_expert
):
    client = client_for(coordinator)
    response = client.post(
        path("meetings:checkup_round_create", net), round_data(lead_partner, lead_expert)
    )
    assert response.status_code == 200
    page = text(response)
    assert "Check the slots" in page
    assert "4 slots over 2 day(s) for the 2 cities" in page
    # 16:00 and 17:00 in Brussels (the coordinator's zone) are 17:00 and 18:00 in Sofia.
    assert "Tue 4 Mar 2031, 16:00–17:00 CET" in page
    assert "Tue 4 Mar 2031, 17:00–18:00 EET in Betatown" in page
    assert "Tue 4 Mar 2031, 18:00–19:00 EET in Betatown: outside office hours" in page
    assert "Tue 4 Mar 2031, 17:00–18:00 CET in Alphaville: outside" not in page
    assert page.count("outside office hours") == 2  # the second call of each day, in Sofia
    assert not CheckupRound.objects.exists() and not CheckupSlot.objects.exists()
    # "Change the slots" brings the form back as it was filled.
    again = client.post(
        path("meetings:checkup_round_create", net),
        {**round_data(lead_partner, lead_expert), "change": "1"},
    )
    assert 'value="March 2031 check-up"' in again.content.decode()
    assert "See the slots" in text(again)


def test_opening_the_round_makes_its_slots_and_tells_the_cities(
    client_for,
    net,
    city_a,
    sofia_b,
    coordinator,
    lead_partner,
    lead_expert,
    city_coordinator_a,
    city_coordinator_b,
    city_member_a,
):
    response = client_for(coordinator).post(
        path("meetings:checkup_round_create", net),
        {**round_data(lead_partner, lead_expert), "open": "1"},
    )
    checkup_round = CheckupRound.objects.get()
    assert response["Location"] == path("meetings:checkup_round", net, checkup_round.pk)
    slots = list(checkup_round.slots.order_by("starts_at"))
    assert [(s.starts_at.day, s.starts_at.hour) for s in slots] == [
        (4, 15), (4, 16), (5, 15), (5, 16),
    ]  # fmt: skip
    assert all(s.ends_at - s.starts_at == dt.timedelta(hours=1) and s.is_free for s in slots)
    assert set(slots[0].hosts.all()) == {lead_partner, lead_expert}
    assert set(slots[3].hosts.all()) == {lead_expert}
    assert not Call.objects.exists()  # the calls are made as the cities book
    told = Notification.objects.filter(title="Book your check-up call: March 2031 check-up")
    assert {n.recipient for n in told} == {city_coordinator_a, city_coordinator_b}
    assert all(n.url == response["Location"] for n in told)
    assert Notification.objects.filter(recipient=lead_expert, url=response["Location"]).exists()


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"day_1": "", "day_2": ""}, "day_1", "Give at least one day."),
        ({"closes": "15:00"}, "closes", "The calls end after they begin: give a later time."),
        ({"day_2": "2031-03-04"}, "day_2", "Day 2 repeats day 1."),
        ({"day_1": "2020-03-04"}, "day_1", "This day is past."),
        ({"hosts_2": []}, "hosts_2", "Tick who is free to host on this day."),
        ({"closes": "16:30"}, "minutes", "No call of 60 minutes fits between 16:00 and 16:30."),
        ({"day_1": "0001-01-01"}, "day_1", "Enter a date between 2000 and 2100."),
        ({"minutes": "5"}, "minutes", "Ensure this value is greater than or equal to 15."),
    ],
)
def test_a_round_that_cannot_be_held_is_refused_in_words(
    client_for, net, city_a, coordinator, lead_partner, lead_expert, changes, field, message
):
    response = client_for(coordinator).post(
        path("meetings:checkup_round_create", net),
        {**round_data(lead_partner, lead_expert), **changes, "open": "1"},
    )
    assert response.status_code == 200
    assert message in response.context["form"].errors[field]
    assert message in text(response)
    assert not CheckupRound.objects.exists()


def test_too_many_slots_and_a_title_used_before_are_refused(
    client_for, net, city_a, coordinator, lead_partner, lead_expert
):
    client = client_for(coordinator)
    ten_days = {f"day_{n}": f"2031-03-{n + 9:02d}" for n in range(1, 11)}
    ten_days |= {f"hosts_{n}": [lead_expert.pk] for n in range(1, 11)}
    data = {**round_data(lead_partner, lead_expert), **ten_days, "open": "1"}
    response = client.post(
        path("meetings:checkup_round_create", net),
        {**data, "opens": "00:00", "closes": "23:59", "minutes": "15"},
    )
    assert "That makes 950 slots; a round offers at most 150." in text(response)
    client.post(path("meetings:checkup_round_create", net), data)
    assert CheckupRound.objects.count() == 1
    again = client.post(path("meetings:checkup_round_create", net), data)
    assert "A round with this title exists already." in text(again)


def test_slots_follow_the_coordinators_clock_across_a_change_of_summer_time(net):
    """On 30 March 2031 Brussels moves to summer time: the window stays 09:00–11:00 there."""
    brussels = timezone.get_default_timezone()
    slots = booking.plan_slots(
        days=[(dt.date(2031, 3, 29), []), (dt.date(2031, 3, 31), [])],
        opens=dt.time(9),
        closes=dt.time(11),
        minutes=45,
        gap=15,
        zone=brussels,
    )
    assert [s.starts_at.astimezone(brussels).strftime("%d %H:%M") for s in slots] == [
        "29 09:00", "29 10:00", "31 09:00", "31 10:00",
    ]  # fmt: skip
    assert [s.starts_at.hour for s in slots] == [8, 9, 7, 8]  # UTC


# Booking --------------------------------------------------------------------------------------


def test_a_city_coordinator_books_a_free_slot_shown_in_the_citys_zone(
    client_for,
    net,
    checkup_round,
    city_a,
    sofia_b,
    city_coordinator_a,
    city_coordinator_b,
    city_member_b,
    lead_partner,
    lead_expert,
):
    city_coordinator_b.time_zone = "Europe/Lisbon"
    city_coordinator_b.save()
    client = client_for(city_coordinator_b)
    page = text(client.get(path("meetings:checkup_round", net, checkup_round.pk)))
    assert "Tue 4 Mar 2031, 11:00–12:00 EET in Betatown" in page
    assert "your time: Tue 4 Mar 2031, 09:00–10:00 WET" in page
    assert page.count("Book this slot") == 3

    first = free_slots(checkup_round)[0]
    response = client.post(
        path("meetings:checkup_slot_book", net, checkup_round.pk),
        {"slot": first.pk, "city": sofia_b.pk},
        follow=True,
    )
    assert said(response) == [
        "Betatown's check-up call is booked: Tue 4 Mar 2031, 11:00–12:00 EET. "
        "Everyone taking part is invited."
    ]
    call = Call.objects.get()
    assert (call.kind, call.title, call.checkup_round) == (
        CallKind.CHECKUP, "March 2031 check-up: Betatown", checkup_round,
    )  # fmt: skip
    assert (call.starts_at, call.ends_at) == (first.starts_at, first.ends_at)
    assert list(call.cities.all()) == [sofia_b]
    assert set(call.participants.all()) == {
        city_coordinator_b, city_member_b, lead_partner, lead_expert,
    }  # fmt: skip
    first.refresh_from_db()
    assert (first.partner, first.booked_by, first.call) == (sofia_b, city_coordinator_b, call)
    invited = Notice.objects.filter(call=call, kind=NoticeKind.INVITATION)
    assert {n.user for n in invited} == set(call.participants.all())

    # The slot is gone for the other city; its call is not theirs to see.
    other = text(
        client_for(city_coordinator_a).get(path("meetings:checkup_round", net, checkup_round.pk))
    )
    assert other.count("Book this slot") == 2
    assert "Tue 4 Mar 2031, 10:00–11:00 CET" not in other
    assert "Betatown" not in other
    # Betatown now sees its call, and may move it.
    mine = text(client.get(path("meetings:checkup_round", net, checkup_round.pk)))
    assert "Booked: Tue 4 Mar 2031, 11:00–12:00 EET in Betatown" in mine
    assert mine.count("Move here") == 2 and "Book this slot" not in mine


def test_a_city_books_one_slot_of_a_round(
    client_for, net, booked_round, city_a, city_coordinator_a
):
    response = client_for(city_coordinator_a).post(
        path("meetings:checkup_slot_book", net, booked_round.pk),
        {"slot": free_slots(booked_round)[0].pk, "city": city_a.pk},
        follow=True,
    )
    assert said(response) == ["Alphaville has a slot of this round already."]
    assert Call.objects.count() == 1
    assert booked_round.slots.filter(partner=city_a).count() == 1


def test_a_slot_that_has_begun_cannot_be_booked(
    client_for, net, checkup_round, city_a, city_coordinator_a, lead_expert
):
    (past,) = add_slots(
        checkup_round, [lead_expert], 1, first=timezone.now() - dt.timedelta(hours=2)
    )
    response = client_for(city_coordinator_a).post(
        path("meetings:checkup_slot_book", net, checkup_round.pk),
        {"slot": past.pk, "city": city_a.pk},
        follow=True,
    )
    assert said(response) == ["That slot has already begun; please choose another."]
    assert not Call.objects.exists()


def test_a_city_coordinator_books_only_for_their_own_city(
    client_for, net, checkup_round, city_b, city_coordinator_a
):
    slot = free_slots(checkup_round)[0]
    response = client_for(city_coordinator_a).post(
        path("meetings:checkup_slot_book", net, checkup_round.pk),
        {"slot": slot.pk, "city": city_b.pk},
        follow=True,
    )
    assert said(response) == ["You cannot book for that city."]
    with pytest.raises(PermissionDenied):
        booking.slot_book(user=city_coordinator_a, slot=slot, partner=city_b)
    assert not Call.objects.exists()


def test_a_slot_of_another_round_is_refused(
    client_for, net, checkup_round, city_a, city_coordinator_a, lead_expert
):
    other = CheckupRound.objects.create(network=net, title="Another round")
    (slot,) = add_slots(other, [lead_expert], 1)
    response = client_for(city_coordinator_a).post(
        path("meetings:checkup_slot_book", net, checkup_round.pk),
        {"slot": slot.pk, "city": city_a.pk},
        follow=True,
    )
    assert said(response) == ["That slot is not one of this round's."]


# Two at once ----------------------------------------------------------------------------------


def _reset(checkup_round):
    CheckupSlot.objects.filter(checkup_round=checkup_round).update(
        partner=None, booked_by=None, booked_at=None, call=None
    )
    Notice.objects.all().delete()
    Call.objects.all().delete()


@pytest.mark.django_db(transaction=True)
def test_two_cities_booking_the_same_slot_at_once_exactly_one_wins(
    client_for, net, checkup_round, city_a, city_b, city_coordinator_a, city_coordinator_b
):
    url = path("meetings:checkup_slot_book", net, checkup_round.pk)
    clients = [(client_for(city_coordinator_a), city_a), (client_for(city_coordinator_b), city_b)]
    for race in range(5):
        _reset(checkup_round)
        slot = free_slots(checkup_round)[race % 3]
        start = threading.Barrier(len(clients))

        def book(pair, slot=slot, start=start):
            client, city = pair
            try:
                start.wait()
                response = client.post(url, {"slot": slot.pk, "city": city.pk}, follow=True)
                return response.redirect_chain[0][1], said(response)
            finally:
                connection.close()

        with ThreadPoolExecutor(max_workers=len(clients)) as pool:
            answers = list(pool.map(book, clients))
        assert [status for status, _ in answers] == [302, 302], f"race {race}"
        messages = sorted(message for _, said_ in answers for message in said_)
        assert len(messages) == 2 and messages[1] == str(booking.TAKEN), f"race {race}: {messages}"
        assert "check-up call is booked" in messages[0]
        slot.refresh_from_db()
        assert slot.partner in (city_a, city_b)
        assert Call.objects.count() == 1
        assert Call.objects.get().cities.get() == slot.partner


@pytest.mark.django_db(transaction=True)
def test_a_booking_waits_for_the_one_in_progress_then_finds_the_slot_taken(
    net, checkup_round, city_a, city_b, city_coordinator_a, city_coordinator_b
):
    """City A's booking holds the slot's row while its call is made; city B's UPDATE waits
    for it, and once A's transaction commits, finds the slot no longer free."""
    slot = free_slots(checkup_round)[0]
    entered = threading.Event()

    def city_b_books():
        try:
            entered.set()
            return booking.slot_book(user=city_coordinator_b, slot=slot, partner=city_b)
        except booking.BookingError as error:
            return error.message
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=1) as pool, transaction.atomic():
        CheckupSlot.objects.filter(pk=slot.pk).update(partner=city_a)  # A's booking, uncommitted
        outcome = pool.submit(city_b_books)
        entered.wait()
        with pytest.raises(TimeoutError):  # still waiting for A's row lock
            outcome.result(timeout=0.5)
    assert outcome.result(timeout=10) == str(booking.TAKEN)
    slot.refresh_from_db()
    assert slot.partner == city_a and not Call.objects.exists()


# Moving and assigning -------------------------------------------------------------------------


def test_a_city_moves_its_booking_and_the_call_follows(
    client_for,
    net,
    booked_round,
    city_a,
    city_coordinator_a,
    city_member_a,
    lead_partner,
    lead_expert,
):
    call = Call.objects.get()
    old, target = booked_round.slots.get(partner=city_a), free_slots(booked_round)[0]
    target.hosts.set([lead_expert])  # the lead partner is not free then
    response = client_for(city_coordinator_a).post(
        path("meetings:checkup_slot_move", net, booked_round.pk),
        {"slot": target.pk, "city": city_a.pk},
        follow=True,
    )
    assert said(response) == [
        "Alphaville's check-up call is moved to Tue 4 Mar 2031, 11:15–12:15 CET. "
        "Everyone taking part is told."
    ]
    call.refresh_from_db()
    assert (call.starts_at, call.ends_at, call.sequence) == (target.starts_at, target.ends_at, 1)
    assert set(call.participants.all()) == {city_coordinator_a, city_member_a, lead_expert}
    old.refresh_from_db()
    target.refresh_from_db()
    assert old.is_free and old.call is None
    assert (target.partner, target.call) == (city_a, call)
    updates = Notice.objects.filter(call=call, kind=NoticeKind.UPDATE, event_sequence=1)
    assert {n.user for n in updates} == {city_coordinator_a, city_member_a, lead_expert}
    assert Notice.objects.filter(
        call=call, user=lead_partner, kind=NoticeKind.CANCELLATION
    ).exists()


def test_a_move_to_a_slot_taken_meanwhile_keeps_the_booking(
    client_for, net, booked_round, city_a, city_b, city_coordinator_a, city_coordinator_b
):
    target = free_slots(booked_round)[0]
    booking.slot_book(user=city_coordinator_b, slot=target, partner=city_b)
    before = booked_round.slots.get(partner=city_a)
    response = client_for(city_coordinator_a).post(
        path("meetings:checkup_slot_move", net, booked_round.pk),
        {"slot": target.pk, "city": city_a.pk},
        follow=True,
    )
    assert said(response) == [str(booking.TAKEN)]
    assert booked_round.slots.get(partner=city_a) == before
    assert Call.objects.get(cities=city_a).starts_at == before.starts_at


def test_a_city_without_a_booking_has_nothing_to_move(
    client_for, net, checkup_round, city_a, city_coordinator_a
):
    response = client_for(city_coordinator_a).post(
        path("meetings:checkup_slot_move", net, checkup_round.pk),
        {"slot": free_slots(checkup_round)[0].pk, "city": city_a.pk},
        follow=True,
    )
    assert said(response) == ["Alphaville has no booking to move."]


def test_the_coordinator_sees_who_has_not_booked_and_assigns_a_slot(
    client_for, net, booked_round, city_a, sofia_b, coordinator, city_coordinator_b
):
    client = client_for(coordinator)
    page = text(client.get(path("meetings:checkup_round", net, booked_round.pk)))
    assert "1 of 2 cities have booked." in page
    assert "Alphaville Tue 4 Mar 2031, 10:00–11:00 CET" in page
    assert "Betatown Not booked" in page
    assert "Tue 4 Mar 2031, 12:15–13:15 EET in Betatown" in page  # in the assign list
    slot = free_slots(booked_round)[-1]
    response = client.post(
        path("meetings:checkup_slot_assign", net, booked_round.pk),
        {"slot": slot.pk, "city": sofia_b.pk},
        follow=True,
    )
    assert said(response)[0].startswith("Betatown's check-up call is booked: Tue 4 Mar 2031")
    page = text(response)
    assert "2 of 2 cities have booked. The round is full: every city has its call." in page
    call = Call.objects.get(cities=sofia_b)
    slot.refresh_from_db()
    assert (slot.partner, slot.booked_by, slot.call) == (sofia_b, coordinator, call)
    assert city_coordinator_b in call.participants.all()
    assert Notice.objects.filter(call=call, user=city_coordinator_b, kind=NoticeKind.INVITATION)


# Only the coordinator cancels a check-up call -------------------------------------------------


def test_only_the_coordinator_cancels_a_checkup_call_for_everyone(
    client_for, net, booked_round, city_coordinator_a, lead_expert, lead_partner, coordinator
):
    call = Call.objects.get()
    url = path("meetings:call_cancel", net, call.pk)
    for person in (city_coordinator_a, lead_expert, lead_partner):
        assert client_for(person).post(url).status_code == 403
        with pytest.raises(PermissionDenied):
            services.event_cancel(user=person, event=call)
    call.refresh_from_db()
    assert call.is_planned
    assert "Cancel the call" not in text(
        client_for(city_coordinator_a).get(call.get_absolute_url())
    )
    assert client_for(coordinator).post(url).status_code == 302
    call.refresh_from_db()
    assert call.status == MeetingStatus.CANCELLED
    # Its slot is free again: the city books anew (or the coordinator assigns it one).
    assert not booked_round.slots.filter(partner__isnull=False).exists()
    page = text(
        client_for(city_coordinator_a).get(path("meetings:checkup_round", net, booked_round.pk))
    )
    assert page.count("Book this slot") == 3


def test_a_bilateral_call_is_still_cancelled_by_the_cities_that_planned_it(
    client_for, net, city_a, city_b, city_member_b, city_coordinator_a
):
    call = services.call_create(
        user=city_coordinator_a,
        network=net,
        data={
            "title": "Peer call",
            "starts_at": SLOT_START,
            "ends_at": SLOT_START + dt.timedelta(hours=1),
            "cities": [city_a, city_b],
        },
    )
    assert (
        client_for(city_member_b).post(path("meetings:call_cancel", net, call.pk)).status_code
        == 302
    )
    call.refresh_from_db()
    assert call.is_cancelled


# Query budget ---------------------------------------------------------------------------------


def _more_of_everything(net, checkup_round, lead_partner, lead_expert, n):
    for i in range(n):
        city = PartnerFactory(network=net, city=f"Extra {n}-{i}", time_zone="Europe/Sofia")
        person = UserFactory(email=f"extra-{n}-{i}@example.org")
        MembershipFactory(user=person, network=net, partner=city, role=Role.CITY_COORDINATOR)
    last = checkup_round.slots.order_by("-starts_at")[0].starts_at
    add_slots(checkup_round, [lead_partner, lead_expert], 4 * n, first=last + dt.timedelta(days=1))


@pytest.mark.parametrize("who", ["coordinator", "city_coordinator_a", "officer"])
def test_the_round_page_costs_the_same_few_queries_whatever_its_size(
    request, client_for, net, booked_round, lead_partner, lead_expert, settings, who
):
    settings.PAGE_CACHE_SECONDS = 0
    client = client_for(request.getfixturevalue(who))
    url = path("meetings:checkup_round", net, booked_round.pk)
    counts = []
    for extra in (1, 4):
        _more_of_everything(net, booked_round, lead_partner, lead_expert, extra)
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 8, counts

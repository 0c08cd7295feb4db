"""The coordinator offers check-up slots, two city coordinators each book one in their own
time zone, and the coordinator sees the round filled: on a desktop and on a phone."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from meetings.models import Call, CheckupSlot
from meetings.timespan import span_text
from partners.enums import Role
from tests.factories import PASSWORD, MembershipFactory, NetworkFactory, PartnerFactory, UserFactory

VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 375, "height": 740}}
TITLE = "Spring check-up"


def fits_the_screen(page):
    """Nothing to scroll sideways on a phone: wide tables scroll inside their own box."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def open_menu_link(page, name):
    toggle = page.get_by_role("button", name="Toggle navigation")
    if toggle.is_visible():
        toggle.click()
    page.get_by_role("navigation", name="Main navigation").get_by_role(
        "link", name=re.compile(f"^{name}")
    ).click()


def person(email, name, network, role, city=None, zone="Europe/Brussels"):
    user = UserFactory(email=email, full_name=name, time_zone=zone)
    MembershipFactory(user=user, network=network, partner=city, role=role)
    return user


@pytest.mark.parametrize("screen", VIEWPORTS)
def test_the_coordinator_offers_slots_two_cities_book_and_the_round_is_full(
    live_server, browser, login, transactional_db, screen
):
    network = NetworkFactory(acronym="CITIES4CSR", slug="cities4csr", name="CSR in cities")
    milan = PartnerFactory(network=network, city="Milan", slug="milan", time_zone="Europe/Rome")
    sofia = PartnerFactory(
        network=network, city="Sofia", slug="sofia", country="BG", time_zone="Europe/Sofia"
    )
    guimaraes = PartnerFactory(
        network=network, city="Guimarães", slug="guimaraes", country="PT",
        time_zone="Europe/Lisbon",
    )  # fmt: skip
    person("coordinator@example.org", "Ana Coordinator", network, Role.COORDINATOR, milan)
    person("lp@example.org", "Luca Partner", network, Role.LEAD_PARTNER, milan)
    person("le@example.org", "Eva Expert", network, Role.LEAD_EXPERT)
    person("sofia@example.org", "Maria Petrova", network, Role.CITY_COORDINATOR, sofia,
           zone="Europe/Sofia")  # fmt: skip
    person("guimaraes@example.org", "João Silva", network, Role.CITY_COORDINATOR, guimaraes,
           zone="Europe/Lisbon")  # fmt: skip
    first_day = timezone.localdate() + dt.timedelta(days=7)
    second_day = first_day + dt.timedelta(days=1)

    # The coordinator offers two days, 10:00 to 12:00 in Brussels, one-hour calls.
    coordinator = browser.new_context(viewport=VIEWPORTS[screen]).new_page()
    login(coordinator, "coordinator@example.org", PASSWORD)
    open_menu_link(coordinator, "Meetings")
    coordinator.get_by_role("link", name="Open a round of check-up calls").click()
    expect(coordinator.get_by_role("heading", level=1)).to_have_text(
        "Open a round of check-up calls"
    )
    coordinator.get_by_label("Title").fill(TITLE)
    coordinator.get_by_label("Calls from").fill("10:00")
    coordinator.get_by_label("Calls until").fill("12:00")
    coordinator.get_by_label("Minutes per call").fill("60")
    coordinator.get_by_label("Minutes between calls").fill("0")
    coordinator.get_by_label("Day 1", exact=True).fill(first_day.isoformat())
    coordinator.get_by_label("Day 2", exact=True).fill(second_day.isoformat())
    coordinator.get_by_label("Eva Expert free on Day 2").uncheck()
    assert fits_the_screen(coordinator)
    coordinator.get_by_role("button", name="See the slots").click()

    expect(coordinator.get_by_role("heading", level=1)).to_contain_text("Check the slots")
    expect(coordinator.get_by_text("4 slots over 2 day(s) for the 3 cities.")).to_be_visible()
    brussels = timezone.get_default_timezone()
    starts = dt.datetime.combine(first_day, dt.time(10), tzinfo=brussels)
    slots = [starts, starts + dt.timedelta(hours=1)]
    in_sofia = span_text(slots[0], slots[0] + dt.timedelta(hours=1), "Europe/Sofia")
    expect(coordinator.get_by_text(f"{in_sofia} in Sofia").first).to_be_visible()
    assert not CheckupSlot.objects.exists()  # nothing is saved before "Open the round"
    assert fits_the_screen(coordinator)
    coordinator.get_by_role("button", name="Open the round").click()
    expect(coordinator.get_by_role("alert")).to_have_text(
        "The round is open with 4 slots; the cities are told to book one."
    )
    expect(coordinator.get_by_text("0 of 3 cities have booked.")).to_be_visible()

    # Sofia's coordinator is told, and books the first slot, read in Sofia's time.
    sofia_page = browser.new_context(viewport=VIEWPORTS[screen]).new_page()
    login(sofia_page, "sofia@example.org", PASSWORD)
    open_menu_link(sofia_page, "Notifications")
    sofia_page.get_by_role("button", name=f"Book your check-up call: {TITLE}").click()
    expect(sofia_page.get_by_role("heading", level=1)).to_contain_text(TITLE)
    expect(sofia_page.get_by_role("button", name=re.compile("^Book this slot"))).to_have_count(4)
    assert fits_the_screen(sofia_page)
    sofia_page.get_by_role("button", name=f"Book this slot: {in_sofia}").click()
    expect(sofia_page.get_by_role("alert")).to_contain_text(
        f"Sofia's check-up call is booked: {in_sofia}."
    )
    expect(sofia_page.get_by_text(f"Booked: {in_sofia} in Sofia")).to_be_visible()

    # Guimarães's coordinator no longer finds that slot; books the next, in Lisbon's time.
    guimaraes_page = browser.new_context(viewport=VIEWPORTS[screen]).new_page()
    login(guimaraes_page, "guimaraes@example.org", PASSWORD)
    open_menu_link(guimaraes_page, "Notifications")
    guimaraes_page.get_by_role("button", name=f"Book your check-up call: {TITLE}").click()
    book = guimaraes_page.get_by_role("button", name=re.compile("^Book this slot"))
    expect(book).to_have_count(3)
    in_lisbon = span_text(slots[1], slots[1] + dt.timedelta(hours=1), "Europe/Lisbon")
    guimaraes_page.get_by_role("button", name=f"Book this slot: {in_lisbon}").click()
    expect(guimaraes_page.get_by_role("alert")).to_contain_text(
        f"Guimarães's check-up call is booked: {in_lisbon}."
    )
    assert fits_the_screen(guimaraes_page)

    # The coordinator sees who has booked, and assigns the last city a slot.
    coordinator.reload()
    expect(coordinator.get_by_text("2 of 3 cities have booked.")).to_be_visible()
    milan_row = coordinator.get_by_role("row").filter(has_text="Milan")
    expect(milan_row).to_contain_text("Not booked")
    milan_row.get_by_label("Slot for Milan").select_option(index=1)
    milan_row.get_by_role("button", name="Assign a slot to Milan").click()
    expect(coordinator.get_by_role("alert")).to_contain_text("Milan's check-up call is booked")
    expect(
        coordinator.get_by_text(
            "3 of 3 cities have booked. The round is full: every city has its call."
        )
    ).to_be_visible()
    assert fits_the_screen(coordinator)
    assert sorted(call.title for call in Call.objects.all()) == [
        f"{TITLE}: Guimarães", f"{TITLE}: Milan", f"{TITLE}: Sofia",
    ]  # fmt: skip

"""The programme of a two-day meeting: the coordinator reorders and removes items with the
keyboard alone (on a desktop and on a 375 px phone), and a city's member reads it by day
in their own time zone."""

import datetime as dt
import zoneinfo

import pytest
from playwright.sync_api import expect

from meetings.enums import AgendaKind
from meetings.models import AgendaItem, Meeting
from partners.enums import Role
from tests.factories import PASSWORD, MembershipFactory, NetworkFactory, PartnerFactory, UserFactory

VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 375, "height": 740}}
BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")


def brussels(*args):
    return dt.datetime(*args, tzinfo=BRUSSELS)


def fits_the_screen(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def press(control):
    """Reach a control and use it from the keyboard, as a person without a mouse does."""
    control.focus()
    expect(control).to_be_focused()
    control.page.keyboard.press("Enter")


def programme_titles(page):
    """The items' titles in the programme's order ("09:30 Welcome" → "Welcome")."""
    return [
        text.split(" ", 1)[1] for text in page.locator("#programme li strong").all_inner_texts()
    ]


@pytest.fixture
def tnm(transactional_db):
    """TNM #7 on two days, 12–13 Feb 2031 (Brussels), in Sofia, with a programme."""
    network = NetworkFactory(acronym="CITIES4CSR", slug="cities4csr", name="CSR in cities")
    milan = PartnerFactory(network=network, city="Milan", slug="milan", country="IT")
    sofia = PartnerFactory(network=network, city="Sofia", slug="sofia", country="BG")
    coordinator = UserFactory(email="coordinator@example.org", full_name="Carla Rossi")
    MembershipFactory(user=coordinator, network=network, partner=milan, role=Role.COORDINATOR)
    member = UserFactory(
        email="sofia-member@example.org", full_name="Maria Petrova", time_zone="Europe/Sofia"
    )
    MembershipFactory(user=member, network=network, partner=sofia, role=Role.CITY_TEAM_MEMBER)
    meeting = Meeting.objects.create(
        network=network, number=7, title="Planning actions in Sofia", host=sofia,
        starts_at=brussels(2031, 2, 12, 9, 30), ends_at=brussels(2031, 2, 13, 13, 0),
    )  # fmt: skip
    for starts_at, title, kind in [
        (brussels(2031, 2, 12, 9, 30), "Welcome", AgendaKind.PLENARY),
        (brussels(2031, 2, 12, 10, 0), "Keynote", AgendaKind.KEYNOTE),
        (brussels(2031, 2, 12, 23, 30), "Night walk", AgendaKind.INTERACTIVE),
        (brussels(2031, 2, 13, 9, 0), "Study visit", AgendaKind.WORKSHOP),
    ]:
        item = AgendaItem.objects.create(
            meeting=meeting, starts_at=starts_at, title=title, kind=kind
        )
        if title == "Keynote":
            item.speakers.set([member])
    return meeting


@pytest.mark.parametrize("screen", VIEWPORTS)
def test_the_coordinator_reorders_and_removes_items_with_the_keyboard(
    live_server, browser, login, tnm, screen
):
    page = browser.new_context(viewport=VIEWPORTS[screen]).new_page()
    login(page, "coordinator@example.org", PASSWORD)
    page.goto(f"{live_server.url}{tnm.get_absolute_url()}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Transnational meeting #7")
    expect(page.get_by_text("Wed 12 – Thu 13 Feb 2031, 09:30–13:00 CET")).to_be_visible()
    assert programme_titles(page) == ["Welcome", "Keynote", "Night walk", "Study visit"]
    assert fits_the_screen(page)

    # The study visit moves up before the night walk: it takes its time, on the first day.
    press(page.get_by_role("button", name="Move up Study visit"))
    expect(page.get_by_role("alert")).to_have_text("“Study visit” moved up.")
    assert programme_titles(page) == ["Welcome", "Keynote", "Study visit", "Night walk"]
    first_day = page.locator("#programme ol").first
    expect(first_day).to_contain_text("23:30 Study visit")
    assert page.url.endswith(f"#item-{tnm.agenda.get(title='Study visit').pk}")

    press(page.get_by_role("button", name="Move down Welcome"))
    expect(page.get_by_role("alert")).to_have_text("“Welcome” moved down.")
    assert programme_titles(page) == ["Keynote", "Welcome", "Study visit", "Night walk"]
    expect(page.locator("#programme li").first).to_contain_text("09:30 Keynote")
    assert fits_the_screen(page)

    # Removing asks first, saying what happens and who is told.
    press(page.get_by_role("link", name="Remove Night walk"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Remove “Night walk” from the programme?"
    )
    expect(page.get_by_text("Nobody is e-mailed")).to_be_visible()
    assert fits_the_screen(page)
    press(page.get_by_role("button", name="Remove the item"))
    expect(page.get_by_role("alert")).to_have_text("“Night walk” was removed from the programme.")
    assert programme_titles(page) == ["Keynote", "Welcome", "Study visit"]
    assert list(tnm.agenda.values_list("title", flat=True)) == ["Keynote", "Welcome", "Study visit"]
    assert fits_the_screen(page)


@pytest.mark.parametrize("screen", VIEWPORTS)
def test_a_city_member_reads_the_two_day_programme_by_day_in_their_zone(
    live_server, browser, login, tnm, screen
):
    page = browser.new_context(viewport=VIEWPORTS[screen]).new_page()
    login(page, "sofia-member@example.org", PASSWORD)
    page.get_by_role("link", name="TNM #7: Planning actions in Sofia").click()
    expect(page.get_by_text("Wed 12 – Thu 13 Feb 2031, 10:30–14:00 EET")).to_be_visible()
    days = page.locator("#programme").get_by_role("heading", level=3)
    expect(days).to_have_text(["Wednesday 12 February 2031", "Thursday 13 February 2031"])
    # 23:30 in Brussels is half past midnight in Sofia: the next day.
    first_day, second_day = page.locator("#programme ol").all()
    expect(first_day).to_contain_text("10:30 Welcome")
    expect(first_day).to_contain_text("11:00 Keynote")
    expect(first_day).to_contain_text("Maria Petrova (Sofia)")
    expect(second_day).to_contain_text("00:30 Night walk")
    expect(second_day).to_contain_text("10:00 Study visit")
    expect(page.get_by_role("button", name="Move up Keynote")).to_have_count(0)
    assert fits_the_screen(page)

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from partners.enums import Role
from tests.factories import PASSWORD, MembershipFactory, NetworkFactory, PartnerFactory, UserFactory

VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 375, "height": 740}}


def this_quarter(today: dt.date) -> tuple[dt.date, dt.date]:
    first_month = 3 * ((today.month - 1) // 3) + 1
    opens = dt.date(today.year, first_month, 1)
    next_quarter = dt.date(today.year + (first_month == 10), (first_month + 2) % 12 + 1, 1)
    return opens, next_quarter - dt.timedelta(days=1)


def fits_the_screen(page):
    """Nothing to scroll sideways: wide tables scroll inside their own box.

    On a phone the whole page is checked; on a desktop the content (the menu of a
    coordinator is wider than 1280 px, which is the menu's own matter)."""
    whole = page.viewport_size["width"] < 576
    return page.evaluate(
        "(whole) => (whole ? document.documentElement : document.querySelector('main'))"
        ".scrollWidth <= window.innerWidth",
        whole,
    )


def open_the_matrix(page):
    """Through the menu, as a person would; on a phone the menu is folded first."""
    toggle = page.get_by_role("button", name="Toggle navigation")
    if toggle.is_visible():
        toggle.click()
    page.get_by_role("navigation", name="Main navigation").get_by_role(
        "link", name="Where each city stands"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Where each city stands")


@pytest.mark.parametrize("screen", VIEWPORTS)
def test_the_coordinator_adds_a_ulg_meeting_this_quarter_and_sees_it_in_the_matrix(
    live_server, browser, login, transactional_db, screen
):
    network = NetworkFactory(acronym="CITIES4CSR", slug="cities4csr", name="CSR in cities")
    PartnerFactory(network=network, city="Sofia", slug="sofia", country="BG")
    PartnerFactory(network=network, city="Porto", slug="porto", country="PT")
    coordinator = UserFactory(email="coordinator@example.org", full_name="Ana Coordinator")
    MembershipFactory(user=coordinator, network=network, role=Role.COORDINATOR)
    opens, due = this_quarter(timezone.localdate())

    page = browser.new_context(viewport=VIEWPORTS[screen]).new_page()
    login(page, "coordinator@example.org", PASSWORD)
    open_the_matrix(page)
    expect(page.get_by_text("The network has no obligations yet.")).to_be_visible()

    main = page.get_by_role("main")
    main.get_by_role("link", name="Set the obligations and deadlines").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Obligations and deadlines")
    main.get_by_role("link", name="Add an obligation").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Add an obligation")
    assert fits_the_screen(page)

    page.get_by_label("What is owed").select_option(label="Hold a ULG meeting")
    page.get_by_label("Title").fill("ULG meeting this quarter")
    page.get_by_label("Due on").fill(due.isoformat())
    page.get_by_label("Counts from").fill(opens.isoformat())
    expect(page.get_by_label("Remind (days before the due date)")).to_have_value("14,3")
    page.get_by_role("button", name="Add the obligation").click()

    expect(page.get_by_role("alert")).to_have_text(
        "The obligation “ULG meeting this quarter” has been added."
    )
    row = page.get_by_role("row").filter(has_text="ULG meeting this quarter")
    expect(row).to_contain_text("Hold a ULG meeting")
    expect(row).to_contain_text("14, 3 days before")
    assert fits_the_screen(page)

    main.get_by_role("link", name="Where each city stands").click()
    expect(page.get_by_role("columnheader", name="ULG meeting this quarter")).to_be_visible()
    for city in ("Porto", "Sofia"):
        expect(page.get_by_role("row").filter(has_text=city)).to_contain_text(
            "No ULG meeting recorded in the period"
        )
    assert fits_the_screen(page)

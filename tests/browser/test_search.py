"""Searching from the box in the header, on a desktop and on a phone."""

import pytest
from playwright.sync_api import expect

from partners.enums import Role
from partners.models import Stakeholder
from tests.factories import PASSWORD, MembershipFactory, NetworkFactory, PartnerFactory, UserFactory

VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 375, "height": 740}}


def fits_the_screen(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("screen", VIEWPORTS, ids=list(VIEWPORTS))
def test_a_city_member_searches_from_the_header_and_opens_a_stakeholder(
    live_server, browser, login, transactional_db, screen
):
    network = NetworkFactory(acronym="CITIES4CSR", slug="cities4csr")
    budaors = PartnerFactory(network=network, city="Budaörs", slug="budaors", country="HU")
    person = UserFactory(email="budaors@example.org", full_name="Zsófia Kiss")
    MembershipFactory(user=person, network=network, role=Role.CITY_COORDINATOR, partner=budaors)
    Stakeholder.objects.create(
        partner=budaors, name="Tóth Ágnes", organisation="Budaörsi Vállalkozók Egyesülete",
        sector="private",
    )  # fmt: skip

    page = browser.new_context(viewport=VIEWPORTS[screen]).new_page()
    login(page, "budaors@example.org", PASSWORD)
    toggle = page.get_by_role("button", name="Toggle navigation")
    if toggle.is_visible():  # a phone: the header's menu folds the search box away
        toggle.click()
    page.get_by_role("search", name="Search the portal").get_by_label("Search the portal").fill(
        "vallalkozok"
    )
    page.get_by_role("search", name="Search the portal").get_by_role("button").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Search")
    expect(page.get_by_text("One result for “vallalkozok”.")).to_be_visible()
    expect(page.get_by_role("heading", level=2, name="ULG stakeholders")).to_be_visible()
    expect(page.locator("mark", has_text="Vállalkozók")).to_be_visible()
    assert fits_the_screen(page)
    page.get_by_role("link", name="Tóth Ágnes").click()
    expect(page.get_by_role("heading", level=2, name="Stakeholders")).to_be_visible()
    expect(page.get_by_text("Tóth Ágnes")).to_be_visible()

"""The language switcher in the header, as a person uses it: with JavaScript off, on a
phone and on a desktop; a visitor's choice lasts in the browser, a signed-in person's is
kept in their profile."""

import pytest
from playwright.sync_api import expect

from partners.enums import Role
from tests.factories import PASSWORD, MembershipFactory, NetworkFactory, PartnerFactory, UserFactory

VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 375, "height": 740}}


def fits_the_screen(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def switch_to(page, language_name):
    page.get_by_label("Language").select_option(label=language_name)
    page.get_by_role("button", name="Change language").click()
    page.wait_for_load_state()


@pytest.mark.parametrize("screen", VIEWPORTS)
def test_a_visitor_switches_to_italian_without_javascript(live_server, browser, db, screen):
    context = browser.new_context(viewport=VIEWPORTS[screen], java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{live_server.url}/news/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert fits_the_screen(page)

    switch_to(page, "italiano")

    expect(page).to_have_url(f"{live_server.url}/news/")
    expect(page.locator("html")).to_have_attribute("lang", "it")
    expect(page.locator("#header-language")).to_have_value("it")  # its label now in Italian
    assert fits_the_screen(page)
    page.goto(f"{live_server.url}/")  # the choice lasts from page to page
    expect(page.locator("html")).to_have_attribute("lang", "it")
    context.close()


def test_a_member_chooses_latvian_and_finds_it_on_another_device(
    live_server, browser, login, transactional_db
):
    network = NetworkFactory(acronym="CITIES4CSR", slug="cities4csr", name="CSR in cities")
    kekava = PartnerFactory(network=network, city="Ķekava", slug="kekava", country="LV")
    member = UserFactory(email="kekava-member@example.org", full_name="Anna Ozola")
    MembershipFactory(user=member, network=network, partner=kekava, role=Role.CITY_TEAM_MEMBER)
    phone = browser.new_context(viewport=VIEWPORTS["phone"], java_script_enabled=False)
    page = phone.new_page()
    login(page, member.email, PASSWORD)

    switch_to(page, "latviešu")

    expect(page.locator("html")).to_have_attribute("lang", "lv")
    member.refresh_from_db()
    assert member.language == "lv"
    assert fits_the_screen(page)
    phone.close()

    laptop = browser.new_context(viewport=VIEWPORTS["desktop"])
    page = laptop.new_page()
    login(page, member.email, PASSWORD)
    expect(page.locator("html")).to_have_attribute("lang", "lv")
    page.goto(f"{live_server.url}/accounts/profile/")
    expect(page.locator("select#id_language")).to_have_value("lv")
    laptop.close()

import pytest
from playwright.sync_api import expect

from partners.enums import Role
from partners.models import Notification
from partners.services import notify
from tests.factories import PASSWORD, MembershipFactory, NetworkFactory, PartnerFactory, UserFactory

VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 375, "height": 740}}


def open_the_inbox(page):
    """Through the menu, as a person would; on a phone the menu is folded first."""
    toggle = page.get_by_role("button", name="Toggle navigation")
    if toggle.is_visible():
        toggle.click()
    page.get_by_role("link", name="Notifications").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifications")


def fits_the_screen(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("screen", VIEWPORTS)
def test_city_member_opens_a_notification_lands_on_the_record_and_sees_it_read(
    live_server, browser, login, transactional_db, screen
):
    network = NetworkFactory(acronym="CITIES4CSR", slug="cities4csr", name="CSR in cities")
    sofia = PartnerFactory(network=network, city="Sofia", slug="sofia", country="BG")
    member = UserFactory(email="sofia-member@example.org", full_name="Maria Petrova")
    MembershipFactory(user=member, network=network, partner=sofia, role=Role.CITY_TEAM_MEMBER)
    [notification] = notify(
        recipients=[member],
        network=network,
        title="Changes requested on your IAP roadmap",
        body="Please name the ULG members per step.",
        url=sofia.roadmap.get_absolute_url(),
    )
    page = browser.new_context(viewport=VIEWPORTS[screen]).new_page()
    login(page, "sofia-member@example.org", PASSWORD)

    open_the_inbox(page)
    item = page.get_by_role("listitem").filter(has_text="Changes requested on your IAP roadmap")
    expect(item).to_contain_text("Unread")
    assert fits_the_screen(page)
    expect(page.locator("header")).to_contain_text("1 unread")

    item.get_by_role("button", name="Changes requested on your IAP roadmap").click()
    expect(page).to_have_url(f"{live_server.url}{sofia.roadmap.get_absolute_url()}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sofia: IAP roadmap")
    expect(page.locator("header")).not_to_contain_text("unread")

    open_the_inbox(page)
    item = page.get_by_role("listitem").filter(has_text="Changes requested on your IAP roadmap")
    expect(item).not_to_contain_text("Unread")
    expect(item).to_contain_text("Read")
    expect(page.get_by_role("button", name="Mark all as read")).to_have_count(0)
    assert fits_the_screen(page)
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert not Notification.objects.filter(recipient=member, read_at=None).exists()

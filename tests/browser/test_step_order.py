"""A city's member puts a late-added roadmap step in its place with the keyboard alone
(Tab to the button, Enter), on a desktop and on a 375 px phone, and sees which steps are
overdue."""

import datetime as dt

import pytest
from playwright.sync_api import expect

from iap.enums import StepStatus
from partners.enums import Role
from tests.factories import PASSWORD, MembershipFactory, NetworkFactory, PartnerFactory, UserFactory

VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 375, "height": 740}}
#: More presses of Tab than the page has controls before the steps' buttons.
MOST_TABS = 150


def fits_the_screen(page):
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def tab_to(control):
    """Press Tab from the top of the page until `control` has the focus, as a person
    without a mouse does."""
    page = control.page
    for _press in range(MOST_TABS):
        page.keyboard.press("Tab")
        if control.evaluate("element => element === document.activeElement"):
            return
    pytest.fail(f"Tab never reached {control}")


@pytest.fixture
def sofia(transactional_db):
    """Sofia's roadmap, changes requested: its ULG step was added last, after later ones."""
    network = NetworkFactory(acronym="CITIES4CSR", slug="cities4csr", name="CSR in cities")
    city = PartnerFactory(network=network, city="Sofia", slug="sofia", country="BG")
    member = UserFactory(email="sofia-member@example.org", full_name="Maria Petrova")
    MembershipFactory(user=member, network=network, partner=city, role=Role.CITY_TEAM_MEMBER)
    roadmap = city.roadmap
    roadmap.state = "changes_requested"
    roadmap.save()
    for position, (title, due_on, status) in enumerate(
        [
            ("Map local companies", dt.date(2020, 12, 15), StepStatus.DONE),
            ("Agree the objectives", dt.date(2021, 3, 31), StepStatus.IN_PROGRESS),
            ("ULG meetings on the objectives", dt.date(2021, 2, 28), StepStatus.IN_PROGRESS),
        ],
        start=1,
    ):
        roadmap.steps.create(position=position, title=title, due_on=due_on, status=status)
    return roadmap


@pytest.mark.parametrize("screen", VIEWPORTS)
def test_a_city_member_moves_a_step_up_with_the_keyboard(
    live_server, browser, login, sofia, screen
):
    page = browser.new_context(viewport=VIEWPORTS[screen]).new_page()
    login(page, "sofia-member@example.org", PASSWORD)
    page.goto(f"{live_server.url}{sofia.get_absolute_url()}")
    ulg_title = "ULG meetings on the objectives"
    titles = page.get_by_role("region", name="Steps").locator("tbody th[scope=row]")
    expect(titles).to_have_text(
        ["Map local companies", "Agree the objectives", "ULG meetings on the objectives"]
    )
    first, ulg = (sofia.steps.get(title=t) for t in ("Map local companies", ulg_title))
    expect(page.locator(f"#step-{ulg.pk}")).to_contain_text("Overdue")
    expect(page.locator(f"#step-{first.pk}")).not_to_contain_text("Overdue")  # done
    assert fits_the_screen(page)

    tab_to(page.get_by_role("button", name=f"Move up {ulg_title}"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_have_text(f"“{ulg_title}” moved up.")
    expect(titles).to_have_text(
        ["Map local companies", "ULG meetings on the objectives", "Agree the objectives"]
    )
    assert page.url.endswith(f"#step-{ulg.pk}")
    ulg.refresh_from_db()
    assert ulg.position == 2
    assert fits_the_screen(page)

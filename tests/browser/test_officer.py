"""The programme officer reads every city's plans by clicking, on a desktop and on a phone."""

import datetime as dt
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from iap.enums import SsaStatus
from iap.models import PlanAction, SmallScaleAction
from partners.enums import Role
from tests.factories import PASSWORD, MembershipFactory, NetworkFactory, PartnerFactory, UserFactory

VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 375, "height": 740}}


def open_menu_if_folded(page):
    toggle = page.get_by_role("button", name="Toggle navigation")
    if toggle.is_visible():
        toggle.click()


def fits_the_screen(page) -> bool:
    """Nothing sticks out sideways: wide tables scroll inside their own box."""
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=list(VIEWPORTS))
def test_the_officer_clicks_from_the_iap_page_into_a_citys_roadmap_iap_and_the_ssa_overview(
    live_server, browser, login, transactional_db, viewport
):
    network = NetworkFactory(acronym="CITIES4CSR", slug="cities4csr", name="CSR in cities")
    sofia = PartnerFactory(network=network, city="Sofia", slug="sofia", country="BG")
    porto = PartnerFactory(network=network, city="Porto", slug="porto", country="PT")
    officer = UserFactory(email="officer@example.org", full_name="Olga Officer")
    MembershipFactory(user=officer, network=network, role=Role.PROGRAMME_OFFICER)
    sofia.roadmap.steps.create(position=1, title="Set up the ULG", owner="City team")
    action = PlanAction.objects.create(
        plan=sofia.action_plan, title="CSR label for local firms", budget=Decimal("18000")
    )
    SmallScaleAction.objects.create(
        partner=sofia, title="CSR breakfast with employers", action=action,
        status=SsaStatus.RUNNING, budget=Decimal("2500"), starts_on=dt.date(2021, 5, 1),
    )  # fmt: skip
    SmallScaleAction.objects.create(partner=porto, title="Porto's volunteering day")

    page = browser.new_context(viewport=VIEWPORTS[viewport]).new_page()
    login(page, "officer@example.org", PASSWORD)

    # The IAP page, from the menu.
    open_menu_if_folded(page)
    page.get_by_role("link", name="Cities' IAPs").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("The cities' IAPs")
    expect(page.get_by_role("row", name="Sofia")).to_contain_text("Draft")
    assert fits_the_screen(page)

    # Into Sofia's roadmap, then its IAP.
    page.get_by_role("link", name="Draft (Roadmap, Sofia)").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sofia: IAP roadmap")
    expect(page.get_by_text("Set up the ULG")).to_be_visible()
    expect(page.get_by_role("button", name="Approve")).to_have_count(0)  # reads only
    page.go_back()
    page.get_by_role("link", name="Draft (Integrated Action Plan, Sofia)").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Sofia: Integrated Action Plan")
    expect(page.get_by_text("CSR label for local firms")).to_be_visible()
    assert fits_the_screen(page)

    # The overview of every city's Small Scale Actions, filtered by status.
    page.go_back()
    page.get_by_role("link", name="All Small Scale Actions").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("All Small Scale Actions")
    table = page.get_by_role("table", name="Each city's Small Scale Actions")
    expect(table).to_contain_text("CSR breakfast with employers")
    expect(table).to_contain_text("Porto's volunteering day")
    page.get_by_label("Status").select_option(label="Running")
    page.get_by_role("button", name="Show").click()
    expect(table).to_contain_text("Running")
    expect(table).not_to_contain_text("Porto's volunteering day")
    assert fits_the_screen(page)
    page.get_by_role("link", name="CSR breakfast with employers").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("CSR breakfast with employers")

"""A member of a city's team records what its Small Scale Action achieved against its
indicators, then turns one of its lessons into an action of the IAP, on a desktop and on
a phone."""

import pytest
from playwright.sync_api import expect

from iap.models import PlanAction, SmallScaleAction
from partners.enums import Role
from tests.factories import PASSWORD, MembershipFactory, NetworkFactory, PartnerFactory, UserFactory


def no_sideways_scrolling(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("width", [1280, 375])
def test_a_city_member_records_a_result_and_turns_a_lesson_into_an_iap_action(
    live_server, browser, login, transactional_db, width
):
    network = NetworkFactory(acronym="CITIES4CSR", slug="cities4csr", name="CSR in cities")
    sofia = PartnerFactory(network=network, city="Sofia", slug="sofia", country="BG")
    member = UserFactory(email="sofia-member@example.org", full_name="Maria Petrova")
    MembershipFactory(user=member, network=network, partner=sofia, role=Role.CITY_TEAM_MEMBER)
    ssa = SmallScaleAction.objects.create(
        partner=sofia, title="Company volunteering day", status="running"
    )
    ssa.indicators.create(name="Companies taking part", target="10")
    ssa.lesson_items.create(
        text="Companies join when a neighbourhood association asks them. A letter is not enough."
    )

    page = browser.new_context(viewport={"width": width, "height": 900}).new_page()
    login(page, "sofia-member@example.org", PASSWORD)
    page.goto(f"{live_server.url}{ssa.get_absolute_url()}")
    main = page.get_by_role("main")

    # What was done, and the result against the indicator.
    main.get_by_role("link", name="Edit and record the results").click()
    page.get_by_label("What was done").fill("Twelve companies lent 48 employees for a day.")
    page.get_by_label("Results", exact=True).fill("Nine companies will come again.")
    first = page.get_by_role("group", name="Indicator 1", exact=True)
    expect(first.get_by_label("Indicator", exact=True)).to_have_value("Companies taking part")
    first.get_by_label("Result", exact=True).fill("12")
    no_sideways_scrolling(page)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_have_text("The Small Scale Action has been saved.")
    results = main.get_by_role("region", name="Results against the indicators")
    expect(results.get_by_role("row", name="Companies taking part")).to_contain_text("12")
    expect(main).to_contain_text("Twelve companies lent 48 employees for a day.")
    no_sideways_scrolling(page)

    # The lesson becomes an action of the IAP, in one step.
    lessons = main.get_by_role("region", name="Lessons learnt")
    lessons.get_by_role("link", name="Turn into an IAP action").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(
        "Turn the lesson into an IAP action"
    )
    expect(page.get_by_role("textbox", name="Action*", exact=True)).to_have_value(
        "Companies join when a neighbourhood association asks them."
    )
    expect(page.get_by_label("Objective")).to_have_value(
        "Learnt from the Small Scale Action “Company volunteering day”"
    )
    expect(page.get_by_label("Indicators")).to_have_value("Companies taking part | 12 | 10")
    page.get_by_label("Responsible body").fill("Economic development office")
    no_sideways_scrolling(page)
    page.get_by_role("button", name="Create the IAP action").click()
    expect(page.get_by_role("alert")).to_have_text(
        "The lesson has become the IAP action "
        "“Companies join when a neighbourhood association asks them.”."
    )
    lessons = page.get_by_role("main").get_by_role("region", name="Lessons learnt")
    expect(lessons).to_contain_text("Became the IAP action")
    expect(lessons.get_by_role("link", name="Turn into an IAP action")).to_have_count(0)
    no_sideways_scrolling(page)

    # ... and the action says where it came from.
    lessons.get_by_role(
        "link", name="Companies join when a neighbourhood association asks them.", exact=True
    ).click()
    row = page.locator(f"#action-{PlanAction.objects.get().pk}")
    expect(row).to_contain_text("From the lesson of the Small Scale Action")
    row.get_by_role("link", name="Company volunteering day").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Company volunteering day")

"""The coordinator records a decision and an action for a city in a TNM's minutes; a member
of that city finds the action on their home and ticks it done, on a desktop and on a phone."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from meetings.models import Action, Decision, Meeting
from partners.enums import Role
from tests.factories import PASSWORD, MembershipFactory, NetworkFactory, PartnerFactory, UserFactory

VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 375, "height": 740}}


def fits_the_screen(page):
    """Nothing to scroll sideways on a phone; on a desktop, in the content (the menu of a
    coordinator is wider than 1280 px, which is the menu's own matter)."""
    whole = page.viewport_size["width"] < 576
    return page.evaluate(
        "(whole) => (whole ? document.documentElement : document.querySelector('main'))"
        ".scrollWidth <= window.innerWidth",
        whole,
    )


@pytest.mark.parametrize("screen", VIEWPORTS)
def test_an_action_of_the_minutes_reaches_the_citys_home_and_is_ticked_done(
    live_server, browser, login, transactional_db, screen
):
    network = NetworkFactory(acronym="CITIES4CSR", slug="cities4csr", name="CSR in cities")
    sofia = PartnerFactory(network=network, city="Sofia", slug="sofia", country="BG")
    PartnerFactory(network=network, city="Porto", slug="porto", country="PT")
    coordinator = UserFactory(email="coordinator@example.org", full_name="Ana Coordinator")
    MembershipFactory(user=coordinator, network=network, role=Role.COORDINATOR)
    member = UserFactory(email="sofia@example.org", full_name="Maria Petrova")
    MembershipFactory(user=member, network=network, partner=sofia, role=Role.CITY_TEAM_MEMBER)
    held = (timezone.now() - dt.timedelta(days=3)).replace(minute=0, second=0, microsecond=0)
    meeting = Meeting.objects.create(
        network=network, number=5, title="State of the art", starts_at=held,
        ends_at=held + dt.timedelta(hours=4),
    )  # fmt: skip
    due = timezone.localdate() + dt.timedelta(days=14)

    context = browser.new_context(viewport=VIEWPORTS[screen])
    page = context.new_page()
    login(page, "coordinator@example.org", PASSWORD)
    page.goto(f"{live_server.url}{meeting.get_absolute_url()}")
    main = page.get_by_role("main")

    main.get_by_role("link", name="Record a decision").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Record a decision")
    page.get_by_label("Decision").fill("TNM #7 is held in Sofia, over two days.")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_have_text("The decision has been saved.")

    main.get_by_role("link", name="Record an action").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Record an action")
    page.get_by_label("What").fill("Book the venue for TNM #7")
    page.get_by_role("button", name="Save").click()  # nobody named yet
    expect(page.get_by_role("alert")).to_contain_text("choose a city, a person, or both")
    page.get_by_label("City").select_option(label="Sofia")
    page.get_by_label("By when").fill(due.isoformat())
    assert fits_the_screen(page)
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_have_text("The action has been saved.")

    decisions = main.get_by_role("region", name="Decisions")
    expect(decisions).to_contain_text("TNM #7 is held in Sofia, over two days.")
    actions = main.get_by_role("region", name="Actions")
    expect(actions).to_contain_text("Book the venue for TNM #7")
    expect(actions).to_contain_text("owner: Sofia")
    assert fits_the_screen(page)
    assert Decision.objects.filter(meeting=meeting).count() == 1
    context.close()

    context = browser.new_context(viewport=VIEWPORTS[screen])
    page = context.new_page()
    login(page, "sofia@example.org", PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your home in CITIES4CSR")
    mine = page.get_by_role("region", name="Your actions and follow-ups")
    expect(mine).to_contain_text("Book the venue for TNM #7")
    expect(mine).to_contain_text("From TNM #5: State of the art")
    assert fits_the_screen(page)

    mine.get_by_role("button", name="Mark done Book the venue for TNM #7").click()
    expect(page.get_by_role("alert")).to_have_text("“Book the venue for TNM #7” is done.")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your home in CITIES4CSR")
    mine = page.get_by_role("region", name="Your actions and follow-ups")
    expect(mine).to_contain_text("No action or follow-up waits for you.")
    action = Action.objects.get(meeting=meeting)
    assert action.done and action.done_at is not None

    mine.page.goto(f"{live_server.url}{meeting.get_absolute_url()}")
    done = page.get_by_role("main").get_by_role("region", name="Actions")
    expect(done).to_contain_text("Done")
    expect(done.get_by_role("button", name="Reopen Book the venue for TNM #7")).to_be_visible()
    context.close()

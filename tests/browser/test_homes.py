"""Each role logs in through the form, lands on the home for that role and follows its
first link to the right record, on a desktop and on a phone."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from iap.models import Roadmap, RoadmapTransition
from partners.enums import ObligationKind, Role
from partners.models import Obligation
from reviews import services as engine
from tests.factories import PASSWORD, MembershipFactory, NetworkFactory, PartnerFactory, UserFactory

VIEWPORTS = {"desktop": {"width": 1280, "height": 800}, "phone": {"width": 375, "height": 740}}
HOME = "/n/cities4csr/home/"


#: Whether the page's content is no wider than the window, the menu left out: wide tables
#: scroll inside their own box. (The menu is the layout's, tried by the layout's tests.)
FITS = """() => {
  const header = document.querySelector("header");
  header.style.display = "none";
  const fits = document.documentElement.scrollWidth <= window.innerWidth;
  header.style.display = "";
  return fits;
}"""


def fits_the_screen(page) -> bool:
    return page.evaluate(FITS)


@pytest.fixture
def network(transactional_db):
    """Sofia late on its roadmap, Porto's submitted three days ago and waiting for review;
    one person for each role the homes are tried as."""
    network = NetworkFactory(acronym="CITIES4CSR", slug="cities4csr", name="CSR in cities")
    sofia = PartnerFactory(network=network, city="Sofia", slug="sofia", country="BG")
    porto = PartnerFactory(network=network, city="Porto", slug="porto", country="PT")
    today = timezone.localdate()
    Obligation.objects.create(
        network=network, kind=ObligationKind.ROADMAP, title="IAP roadmaps submitted",
        due_on=today - dt.timedelta(days=10),
    )  # fmt: skip
    Obligation.objects.create(
        network=network, kind=ObligationKind.ROADMAP_REVIEW, title="Roadmaps reviewed",
        within_days=10,
    )  # fmt: skip
    people = {
        "city coordinator": ("sofia@example.org", Role.CITY_COORDINATOR, sofia),
        "Porto's city coordinator": ("porto@example.org", Role.CITY_COORDINATOR, porto),
        "lead expert": ("lead-expert@example.org", Role.LEAD_EXPERT, None),
        "coordinator": ("coordinator@example.org", Role.COORDINATOR, None),
        "officer": ("officer@example.org", Role.PROGRAMME_OFFICER, None),
    }
    users = {}
    for name, (email, role, city) in people.items():
        users[name] = UserFactory(email=email, full_name=name.title())
        MembershipFactory(user=users[name], network=network, role=role, partner=city)
    for city in (sofia, porto):
        city.roadmap.steps.create(position=1, title="Set up the ULG", owner="City team")
    engine.submit(user=users["Porto's city coordinator"], document=porto.roadmap)
    three_days_ago = timezone.now() - dt.timedelta(days=3)
    RoadmapTransition.objects.filter(roadmap=porto.roadmap).update(at=three_days_ago)
    Roadmap.objects.filter(pk=porto.roadmap.pk).update(
        state_since=three_days_ago, submitted_at=three_days_ago
    )
    return {"sofia": sofia, "porto": porto, "users": users}


def land_on_the_home(page, live_server, login, email):
    login(page, email, PASSWORD)
    expect(page).to_have_url(f"{live_server.url}{HOME}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your home in CITIES4CSR")
    assert fits_the_screen(page)


def heading_is(page, text):
    """The record's page opened (whether it fits a phone is that page's own test)."""
    expect(page.get_by_role("heading", level=1)).to_contain_text(text)


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=list(VIEWPORTS))
def test_the_city_coordinator_follows_the_first_open_obligation_to_the_roadmap(
    live_server, browser, login, network, viewport
):
    page = browser.new_context(viewport=VIEWPORTS[viewport]).new_page()
    land_on_the_home(page, live_server, login, "sofia@example.org")

    todo = page.get_by_role("region", name="What Sofia has to do next")
    expect(todo).to_contain_text("Late")
    expect(page.get_by_role("region", name="What Porto has to do next")).to_have_count(0)
    todo.get_by_role("link").first.click()

    expect(page).to_have_url(f"{live_server.url}/n/cities4csr/iap/sofia/roadmap/")
    heading_is(page, "Sofia: IAP roadmap")


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=list(VIEWPORTS))
def test_the_lead_expert_follows_the_first_waiting_review_to_that_citys_roadmap(
    live_server, browser, login, network, viewport
):
    page = browser.new_context(viewport=VIEWPORTS[viewport]).new_page()
    land_on_the_home(page, live_server, login, "lead-expert@example.org")

    reviews = page.get_by_role("region", name="Reviews waiting")
    expect(reviews).to_contain_text("waiting for 3 days")
    expect(page.get_by_role("region", name="Cities late")).to_contain_text("Sofia")
    reviews.get_by_role("link").first.click()

    expect(page).to_have_url(f"{live_server.url}/n/cities4csr/iap/porto/roadmap/")
    heading_is(page, "Porto: IAP roadmap")
    # No "start" button: the review starts with the first comment or decision.
    expect(page.get_by_role("button", name="Approve")).to_be_visible()


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=list(VIEWPORTS))
def test_the_coordinator_follows_a_matrix_cell_to_the_record(
    live_server, browser, login, network, viewport
):
    page = browser.new_context(viewport=VIEWPORTS[viewport]).new_page()
    land_on_the_home(page, live_server, login, "coordinator@example.org")

    matrix = page.get_by_role("region", name="Where each city stands")
    expect(matrix.get_by_role("row", name="Porto")).to_contain_text("Done")
    cell = matrix.get_by_role("link", name="Sofia, IAP roadmaps submitted")
    expect(cell).to_contain_text("Late")
    cell.scroll_into_view_if_needed()
    cell.click()

    expect(page).to_have_url(f"{live_server.url}/n/cities4csr/iap/sofia/roadmap/")
    heading_is(page, "Sofia: IAP roadmap")


@pytest.mark.parametrize("viewport", VIEWPORTS, ids=list(VIEWPORTS))
def test_the_officer_reaches_every_citys_roadmap_and_iap_by_clicking(
    live_server, browser, login, network, viewport
):
    page = browser.new_context(viewport=VIEWPORTS[viewport]).new_page()
    land_on_the_home(page, live_server, login, "officer@example.org")

    for city in ("Porto", "Sofia"):
        for link, heading in [
            (f"{city}'s IAP roadmap", f"{city}: IAP roadmap"),
            (f"{city}'s Integrated Action Plan", f"{city}: Integrated Action Plan"),
            (f"{city}'s Small Scale Actions", f"{city}: Small Scale Actions"),
        ]:
            page.get_by_role("region", name="Every city's plans").get_by_role(
                "link", name=link
            ).click()
            heading_is(page, heading)
            page.go_back()
            expect(page).to_have_url(f"{live_server.url}{HOME}")

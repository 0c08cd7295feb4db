import re
import xml.etree.ElementTree as ET

from playwright.sync_api import expect

from partners.enums import Role
from tests.factories import PASSWORD, MembershipFactory, NetworkFactory, UserFactory

ATOM = "{http://www.w3.org/2005/Atom}"


def test_coordinator_writes_previews_and_publishes_and_the_public_reads_it(
    live_server, page, browser, login, transactional_db
):
    network = NetworkFactory(acronym="CITIES4CSR", slug="cities4csr", name="CSR in cities")
    person = UserFactory(
        email="coordinator@example.org",
        full_name="Chiara Rossi",
        job_title="Deputy Project Coordinator",
    )
    MembershipFactory(user=person, network=network, role=Role.COORDINATOR)

    login(page, "coordinator@example.org", PASSWORD)
    page.get_by_role("link", name="Write news").click()
    page.get_by_role("link", name="Write an article").click()
    page.get_by_label("Title").fill("Roadmaps are in")
    page.get_by_label("Summary").fill("Every city submitted its IAP roadmap.")
    page.get_by_label("Body").fill("All ten cities **submitted** their roadmaps in December.")
    page.get_by_role("button", name="Save and preview").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Roadmaps are in")
    expect(page.get_by_text("Only the network's news editors see this page.")).to_be_visible()
    expect(
        page.get_by_text("Article written by: Chiara Rossi, Deputy Project Coordinator")
    ).to_be_visible()
    page.get_by_role("button", name="Publish now").click()
    expect(page.get_by_text("The article is published.")).to_be_visible()

    visitor = browser.new_context()
    anonymous = visitor.new_page()
    anonymous.goto(f"{live_server.url}/news/")
    anonymous.get_by_role("link", name="Roadmaps are in").click()
    expect(anonymous).to_have_url(re.compile(r"/news/cities4csr/roadmaps-are-in/$"))
    expect(anonymous.locator("strong", has_text="submitted")).to_be_visible()
    expect(anonymous.get_by_text("Read time: 1 minute")).to_be_visible()

    feed = anonymous.request.get(f"{live_server.url}/news/cities4csr/atom.xml")
    root = ET.fromstring(feed.body())
    assert [e.find(f"{ATOM}title").text for e in root.findall(f"{ATOM}entry")] == [
        "Roadmaps are in"
    ]
    visitor.close()

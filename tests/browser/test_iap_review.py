from playwright.sync_api import expect

from iap.models import Roadmap
from partners.enums import Role
from tests.factories import PASSWORD, MembershipFactory, NetworkFactory, PartnerFactory, UserFactory


def test_a_full_roadmap_review_between_the_city_and_the_lead_expert(
    live_server, browser, login, transactional_db
):
    network = NetworkFactory(acronym="CITIES4CSR", slug="cities4csr", name="CSR in cities")
    sofia = PartnerFactory(network=network, city="Sofia", slug="sofia", country="BG")
    city = UserFactory(email="sofia@example.org", full_name="Elena Ivanova")
    MembershipFactory(user=city, network=network, partner=sofia, role=Role.CITY_COORDINATOR)
    expert = UserFactory(email="lead-expert@example.org", full_name="Peter Lead")
    MembershipFactory(user=expert, network=network, role=Role.LEAD_EXPERT)
    roadmap = sofia.roadmap
    roadmap.steps.create(position=1, title="Set up the ULG", owner="City team")
    roadmap.steps.create(position=2, title="Agree objectives", owner="ULG")
    roadmap_url = f"{live_server.url}/n/cities4csr/iap/sofia/roadmap/"

    city_page = browser.new_context().new_page()
    expert_page = browser.new_context().new_page()
    login(city_page, "sofia@example.org", PASSWORD)
    login(expert_page, "lead-expert@example.org", PASSWORD)

    # The city submits.
    city_page.goto(roadmap_url)
    city_page.get_by_role("button", name="Submit the roadmap").click()
    expect(city_page.get_by_text("State: Submitted")).to_be_visible()

    # The lead expert starts the review, comments on a step and requests changes.
    expert_page.goto(roadmap_url)
    expert_page.get_by_role("button", name="Start the review").click()
    expert_page.locator("#id_body").fill("Which stakeholders, and when?")
    expert_page.get_by_label("On the step").select_option(label="Agree objectives")
    expert_page.get_by_role("button", name="Add the comment").click()
    expert_page.locator("#transition-comment").fill("Please name the ULG members per step.")
    expert_page.get_by_role("button", name="Request changes").click()
    expect(expert_page.get_by_text("State: Changes requested")).to_be_visible()

    # The city sees the feedback first, fixes the step and resubmits.
    city_page.goto(roadmap_url)
    feedback = city_page.get_by_role("region", name="Feedback")
    expect(feedback).to_contain_text("Which stakeholders, and when?")
    expect(feedback).to_contain_text("Agree objectives")
    city_page.get_by_role("link", name="Edit Agree objectives").click()
    city_page.get_by_label("Owner").fill("ULG: chamber of commerce and volunteers")
    city_page.get_by_role("button", name="Save").click()
    city_page.get_by_role("button", name="Submit the roadmap").click()
    expect(city_page.get_by_text("State: Submitted")).to_be_visible()

    # The lead expert sees what changed, and approves.
    expert_page.goto(roadmap_url)
    expert_page.get_by_role("link", name="changes from version 1 to 2").click()
    expect(expert_page.locator("ins")).to_contain_text(["ULG: chamber of commerce and volunteers"])
    expert_page.goto(roadmap_url)
    expert_page.get_by_role("button", name="Start the review").click()
    expert_page.get_by_role("button", name="Approve").click()
    expect(expert_page.get_by_text("State: Approved")).to_be_visible()

    # Both see the whole history.
    for page in (city_page, expert_page):
        page.goto(roadmap_url)
        history = page.get_by_role("region", name="History")
        expect(history).to_contain_text("Elena Ivanova: Draft → Submitted")
        expect(history).to_contain_text("Peter Lead: In review → Changes requested")
        expect(history).to_contain_text("Peter Lead: In review → Approved")
    assert Roadmap.objects.get().state == "approved"

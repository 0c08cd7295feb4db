import pytest
from playwright.sync_api import expect

from iap.models import Roadmap
from partners.enums import Role
from reviews.models import Thread
from tests.factories import PASSWORD, MembershipFactory, NetworkFactory, PartnerFactory, UserFactory


def no_sideways_scrolling(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("width", [1280, 375])
def test_a_full_roadmap_review_between_the_city_and_the_lead_expert(
    live_server, browser, login, transactional_db, width
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
    step_comments = "Comments on the step “Agree objectives”"

    viewport = {"width": width, "height": 900}
    city_page = browser.new_context(viewport=viewport).new_page()
    expert_page = browser.new_context(viewport=viewport).new_page()
    login(city_page, "sofia@example.org", PASSWORD)
    login(expert_page, "lead-expert@example.org", PASSWORD)

    # The city submits.
    city_page.goto(roadmap_url)
    city_page.get_by_role("button", name="Submit", exact=True).click()
    expect(city_page.get_by_text("State: Submitted")).to_be_visible()

    # The lead expert comments on a step, which starts the review, and requests changes.
    expert_page.goto(roadmap_url)
    on_step = expert_page.get_by_role("group", name=step_comments)
    on_step.get_by_text("Comment on this step").click()
    on_step.get_by_label("Your comment").fill("Which stakeholders, and when?")
    on_step.get_by_role("button", name="Add the comment").click()
    expect(expert_page.get_by_text("State: In review")).to_be_visible()
    expect(expert_page.get_by_role("group", name=step_comments)).to_contain_text(
        "Which stakeholders, and when?"
    )
    expert_page.get_by_label("What should change (required)").fill(
        "Please name the ULG members per step."
    )
    expert_page.get_by_role("button", name="Request changes").click()
    expect(expert_page.get_by_text("State: Changes requested")).to_be_visible()
    no_sideways_scrolling(expert_page)

    # The city reads the request first, answers the comment on the step, fixes the step
    # and submits again.
    city_page.goto(roadmap_url)
    feedback = city_page.get_by_role("region", name="Feedback")
    expect(feedback).to_contain_text("Please name the ULG members per step.")
    expect(feedback.get_by_role("link", name="Agree objectives")).to_be_visible()
    on_step = city_page.get_by_role("group", name=step_comments)
    on_step.locator("summary", has_text="Reply").click()
    on_step.get_by_label("Your reply").fill("The chamber of commerce and volunteers, in March.")
    on_step.get_by_role("button", name="Send the reply").click()
    expect(city_page.get_by_text("Your reply has been added.")).to_be_visible()
    on_step = city_page.get_by_role("group", name=step_comments)
    expect(on_step).to_contain_text("The chamber of commerce and volunteers, in March.")
    on_step.get_by_role("button", name="Mark answered").click()
    expect(city_page.get_by_role("group", name=step_comments)).to_contain_text("Answered")
    no_sideways_scrolling(city_page)
    city_page.get_by_role("link", name="Edit Agree objectives").click()
    city_page.get_by_label("Owner").fill("ULG: chamber of commerce and volunteers")
    city_page.get_by_role("button", name="Save").click()
    city_page.get_by_role("button", name="Submit", exact=True).click()
    expect(city_page.get_by_text("State: Submitted")).to_be_visible()

    # The lead expert resolves what was answered, and approves.
    expert_page.goto(roadmap_url)
    expert_page.get_by_role("group", name=step_comments).get_by_role(
        "button", name="Resolve"
    ).click()
    expect(expert_page.get_by_text("The comment is resolved.")).to_be_visible()
    feedback = expert_page.get_by_role("region", name="Feedback")
    feedback.get_by_role("button", name="Resolve").click()
    expert_page.get_by_role("button", name="Approve").click()
    expect(expert_page.get_by_text("State: Approved")).to_be_visible()

    # Both see the whole history, with times in their zone.
    for page in (city_page, expert_page):
        page.goto(roadmap_url)
        history = page.get_by_role("region", name="History")
        expect(history).to_contain_text("Elena Ivanova: Draft → Submitted")
        expect(history).to_contain_text("Peter Lead: Submitted → In review")
        expect(history).to_contain_text("Peter Lead: In review → Changes requested")
        expect(history).to_contain_text("Elena Ivanova: Changes requested → Submitted")
        expect(history).to_contain_text("Peter Lead: In review → Approved")
        no_sideways_scrolling(page)
    assert Roadmap.objects.get().state == "approved"
    assert set(Thread.objects.values_list("state", flat=True)) == {"resolved"}

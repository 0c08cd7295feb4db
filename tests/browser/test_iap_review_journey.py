"""Issue 15 end to end, in the browser: a city submits its IAP, the paired city comments,
the lead expert scores the rubric and requests changes on a section's thread, the city
answers and submits again, and the lead expert compares version 1 with version 3 and
approves. Each person in their own browser, at a desktop and at a phone's width."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from iap.enums import SectionKind
from iap.models import ActionPlan
from partners.enums import GroupKind, Role
from partners.models import CityGroup
from reviews.enums import ReviewState, ThreadState
from reviews.models import Thread
from tests.factories import PASSWORD, MembershipFactory, NetworkFactory, PartnerFactory, UserFactory

FIRST_TEXT = "A local CSR pact with the companies of Alphaville."
SECOND_TEXT = "A local CSR pact signed by forty companies of Alphaville by 2027."
THIRD_TEXT = (
    "A local CSR pact signed by forty companies of Alphaville by 2027, with a yearly report."
)
PEER_SAYS = "Which companies have signed the pact so far?"
EXPERT_SAYS = "Make the objective measurable: how many companies, by when?"
CITY_REPLIES = "Forty companies by 2027; the section says so now."


def looks_right(page, *texts):
    """The key texts are shown, and the page does not scroll sideways."""
    for text in texts:
        expect(page.get_by_text(text).first).to_be_visible()
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width, page.url


def thread_with(region, text):
    return region.locator(".thread", has_text=text)


def score_every_criterion(page, level, comment):
    page.get_by_role("link", name="Score the latest version").click()
    criteria = page.locator("fieldset")
    expect(criteria.first).to_be_visible()
    for n in range(criteria.count()):
        criterion = criteria.nth(n)
        criterion.get_by_label(level, exact=True).check()
        criterion.get_by_role("textbox").fill(comment)
    return criteria.count()


@pytest.mark.parametrize("width", [1280, 375])
def test_an_iap_goes_through_the_paired_city_the_rubric_and_three_versions_to_approval(
    live_server, browser, login, transactional_db, width
):
    network = NetworkFactory(acronym="CITIES4CSR", slug="cities4csr", peer_review_days=7)
    alpha = PartnerFactory(network=network, city="Alphaville", slug="alphaville")
    beta = PartnerFactory(network=network, city="Betatown", slug="betatown")
    CityGroup.objects.create(network=network, kind=GroupKind.PAIR, topic="Green jobs").cities.set(
        [alpha, beta]
    )
    plan = ActionPlan.objects.get(partner=alpha)
    plan.sections.filter(kind=SectionKind.OBJECTIVES).update(body=FIRST_TEXT)
    plan.sections.filter(kind=SectionKind.CONTEXT).update(body="Many small firms, few networks.")
    people = {
        "a_coordinator": ("Ana Alpha", Role.CITY_COORDINATOR, alpha),
        "a_member": ("Aldo Alpha", Role.CITY_TEAM_MEMBER, alpha),
        "b_coordinator": ("Bea Beta", Role.CITY_COORDINATOR, beta),
        "b_member": ("Bo Beta", Role.CITY_TEAM_MEMBER, beta),
        "expert": ("Peter Lead", Role.LEAD_EXPERT, None),
    }
    viewport = {"width": width, "height": 900}
    pages = {}
    for who, (name, role, partner) in people.items():
        email = f"{who.replace('_', '-')}@example.org"
        user = UserFactory(email=email, full_name=name)
        MembershipFactory(user=user, network=network, partner=partner, role=role)
        pages[who] = browser.new_context(viewport=viewport).new_page()
        login(pages[who], email, PASSWORD)
    a_coordinator, a_member = pages["a_coordinator"], pages["a_member"]
    b_coordinator, b_member, expert = pages["b_coordinator"], pages["b_member"], pages["expert"]
    plan_url = f"{live_server.url}/n/cities4csr/iap/alphaville/plan/"
    until = f"{timezone.localdate() + dt.timedelta(days=7):%-d %B %Y}"
    sent_to_peers = (
        "Your Integrated Action Plan has been sent to your paired cities for their comments "
        f"until {until}; the lead expert will review it after that."
    )

    def objectives(page):
        return page.get_by_role("region", name="Objectives")

    def submit(version):
        a_coordinator.goto(plan_url)
        a_coordinator.get_by_role("button", name="Submit", exact=True).click()
        looks_right(a_coordinator, sent_to_peers, f"for their comments until {until}; then")
        assert plan.versions.filter(number=version).exists()

    def paired_city_sends_to_the_lead_expert():
        b_coordinator.goto(plan_url)
        b_coordinator.get_by_role("button", name="Send the comments to the lead expert").click()
        looks_right(
            b_coordinator,
            "The paired cities' comments on the Integrated Action Plan have gone to the lead "
            "expert.",
        )

    def city_rewrites_the_objectives(text):
        a_member.goto(plan_url)
        a_member.get_by_role("link", name="Edit Objectives").click()
        a_member.get_by_label("Text (Markdown)").fill(text)
        a_member.get_by_role("button", name="Save").click()
        expect(a_member.get_by_text("The section has been saved.")).to_be_visible()

    # 1. Alphaville's coordinator submits: version 1 goes to the paired city first.
    submit(1)

    # 2. Betatown finds it on its home, comments on a section, and sends it on.
    b_member.goto(f"{live_server.url}/n/cities4csr/home/")
    asked = b_member.get_by_role(
        "link", name=re.compile(r"Asked to comment: Alphaville's Integrated Action Plan, until")
    )
    expect(asked).to_be_visible()
    looks_right(b_member)
    asked.click()
    on_section = objectives(b_member)
    on_section.get_by_text("Comment on this section").click()
    on_section.get_by_label("Your comment").fill(PEER_SAYS)
    on_section.get_by_role("button", name="Add the comment").click()
    looks_right(b_member, "Your comment has been added.", PEER_SAYS)
    paired_city_sends_to_the_lead_expert()

    # 3. The lead expert reads the paired city's comment, scores version 1, comments on
    #    the section and requests changes.
    expert.goto(plan_url)
    expect(thread_with(objectives(expert), PEER_SAYS)).to_contain_text(
        "Bo Beta (paired city Betatown)"
    )
    looks_right(expert, "State: Submitted", PEER_SAYS)
    criteria = score_every_criterion(expert, "Partly met", "A start; say how many and by when.")
    assert criteria == network.rubric.count() > 0
    looks_right(expert, "Score version 1 of Alphaville's IAP")
    expert.get_by_role("button", name="Save the scores").click()
    looks_right(expert, "Your scores of version 1 of Alphaville's IAP have been saved")
    on_section = objectives(expert)
    on_section.get_by_text("Comment on this section").click()
    on_section.get_by_label("Your comment").fill(EXPERT_SAYS)
    on_section.get_by_role("button", name="Add the comment").click()
    expect(thread_with(objectives(expert), EXPERT_SAYS)).to_be_visible()
    expert.get_by_label("What should change (required)").fill(
        "Answer the comment on the objectives."
    )
    expert.get_by_role("button", name="Request changes").click()
    looks_right(expert, "State: Changes requested")

    # 4. Alphaville answers on the section's thread, rewrites it and submits version 2;
    #    it takes version 2 back to change it once more, and submits version 3.
    a_member.goto(plan_url)
    thread = thread_with(objectives(a_member), EXPERT_SAYS)
    thread.locator("summary", has_text="Reply").click()
    thread.get_by_label("Your reply").fill(CITY_REPLIES)
    thread.get_by_role("button", name="Send the reply").click()
    looks_right(a_member, "Your reply has been added.", CITY_REPLIES)
    thread_with(objectives(a_member), EXPERT_SAYS).get_by_role(
        "button", name="Mark answered"
    ).click()
    looks_right(a_member, "The comment is marked answered; the reviewer has been told.")
    city_rewrites_the_objectives(SECOND_TEXT)
    submit(2)
    a_coordinator.get_by_label("Why you take it back (optional)").fill("One more detail.")
    a_coordinator.get_by_role("button", name="Withdraw the submission").click()
    looks_right(
        a_coordinator,
        "Your submission has been withdrawn: you can change the Integrated Action Plan again.",
        "State: Changes requested",
    )
    city_rewrites_the_objectives(THIRD_TEXT)
    submit(3)
    paired_city_sends_to_the_lead_expert()

    # 5. The lead expert resolves the thread, scores version 3, compares it with version 1
    #    and approves.
    expert.goto(plan_url)
    thread_with(objectives(expert), EXPERT_SAYS).get_by_role("button", name="Resolve").click()
    looks_right(expert, "The comment is resolved.")
    score_every_criterion(expert, "Largely met", "Measurable now.")
    looks_right(
        expert, "Score version 3 of Alphaville's IAP", "You scored it “Partly met” in version 1."
    )
    expert.get_by_role("button", name="Save the scores").click()
    looks_right(expert, "Your scores of version 3 of Alphaville's IAP have been saved")
    expert.get_by_role("link", name="Compare any two versions").click()
    expect(expert.get_by_label("Compare version")).to_contain_text(
        re.compile(r"Version 2 — submitted .+, withdrawn ")
    )
    expert.get_by_label("Compare version").select_option("1")
    expert.get_by_label("with version").select_option("3")
    expert.get_by_role("button", name="Compare", exact=True).click()
    looks_right(expert, "From version 1 (the older) to version 3 (the newer)")
    change = expert.get_by_role("article", name="Objectives")
    expect(change.get_by_role("heading", name="Text", exact=True)).to_be_visible()
    expect(change.locator("del").first).to_be_visible()
    expect(change.locator("ins", has_text="forty")).to_be_visible()
    expect(change).to_contain_text("with a yearly report.")
    expect(expert.get_by_role("heading", name="Actions")).to_have_count(0)  # none in either
    words = expert.locator("main").inner_text()
    for raw in ("body", "True", "False", "objectives"):
        assert not re.search(rf"\b{raw}\b", words), raw
    expert.get_by_role("link", name="Back to the Integrated Action Plan").click()
    expert.get_by_role("button", name="Approve").click()
    looks_right(
        expert, "You have approved the Integrated Action Plan; the city has been told.",
        "State: Approved",
    )  # fmt: skip

    # The city sees the approval and how its scores changed.
    a_member.goto(plan_url)
    looks_right(a_member, "State: Approved")
    rubric = a_member.get_by_role("region", name="Review rubric")
    expect(rubric.get_by_role("columnheader", name="Version 1")).to_be_visible()
    expect(rubric.get_by_role("columnheader", name="Version 3")).to_be_visible()
    expect(rubric.get_by_text("Up from “Partly met” in version 1.")).to_have_count(criteria)
    looks_right(a_member, "Largely met")

    plan.refresh_from_db()
    assert plan.state == ReviewState.APPROVED
    withdrawn = [v.withdrawn_at is not None for v in plan.versions.order_by("number")]
    assert withdrawn == [False, True, False]
    assert Thread.objects.get(messages__body=EXPERT_SAYS).state == ThreadState.RESOLVED

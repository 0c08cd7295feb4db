import re

from django.core import mail
from playwright.sync_api import expect

from partners import services
from partners.enums import Role
from partners.models import InvitationEmail, Membership
from portal.outbox import send_pending
from tests.factories import MembershipFactory, NetworkFactory, PartnerFactory, UserFactory


def test_invited_person_sets_a_password_and_lands_in_the_network(
    live_server, page, transactional_db
):
    network = NetworkFactory(acronym="CITIES4CSR", slug="cities4csr", name="CSR in cities")
    sofia = PartnerFactory(network=network, city="Sofia", slug="sofia", country="BG")
    coordinator = UserFactory(email="coordinator@example.org", full_name="Chiara Rossi")
    MembershipFactory(user=coordinator, network=network, role=Role.COORDINATOR)
    services.invitation_create(
        user=coordinator,
        network=network,
        email="maria@example.org",
        role=Role.CITY_TEAM_MEMBER,
        partner=sofia,
    )
    send_pending(models=[InvitationEmail])
    link = re.search(r"https?://\S+/join/\S+/", mail.outbox[-1].body).group(0)
    path = "/" + link.split("/", 3)[3]

    page.goto(f"{live_server.url}{path}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Join CITIES4CSR")
    page.get_by_label("Full name").fill("Maria Petrova")
    page.locator("#id_password1").fill("sofia-csr-2021-pass")  # "Password" also matches "again"
    page.get_by_label("Password again").fill("sofia-csr-2021-pass")
    page.get_by_role("button", name="Set my password and join").click()

    expect(page).to_have_url(f"{live_server.url}/n/cities4csr/")
    expect(page.get_by_text("Welcome to CITIES4CSR.")).to_be_visible()
    expect(page.get_by_role("button", name="Maria Petrova")).to_be_visible()
    assert Membership.objects.filter(
        user__email="maria@example.org", partner=sofia, role=Role.CITY_TEAM_MEMBER
    ).exists()

    # The same link a second time: a clear page, not a second account.
    page.goto(f"{live_server.url}{path}")
    expect(page.get_by_role("alert")).to_contain_text("already been used")

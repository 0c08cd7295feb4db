from playwright.sync_api import expect

from partners.enums import Role
from tests.factories import PASSWORD, MembershipFactory, NetworkFactory, UserFactory


def test_coordinator_logs_in_through_the_form_and_lands_on_the_network_home(
    live_server, page, login, transactional_db
):
    network = NetworkFactory(acronym="CITIES4CSR", slug="cities4csr", name="CSR in cities")
    person = UserFactory(email="coordinator@example.org", full_name="Chiara Rossi")
    MembershipFactory(user=person, network=network, role=Role.COORDINATOR)

    login(page, "coordinator@example.org", PASSWORD)

    expect(page).to_have_url(f"{live_server.url}/n/cities4csr/home/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("CITIES4CSR")
    expect(page.get_by_role("button", name="Chiara Rossi")).to_be_visible()


def test_wrong_password_keeps_the_person_on_the_form_with_a_message(
    live_server, page, login, transactional_db
):
    UserFactory(email="someone@example.org")
    login(page, "someone@example.org", "not-the-password")
    expect(page.get_by_role("alert")).to_contain_text("correct email and password")
    expect(page.get_by_label("Email")).to_have_value("someone@example.org")

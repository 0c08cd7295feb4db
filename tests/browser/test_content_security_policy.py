"""Under the strict Content-Security-Policy the pages still work in a real browser: nothing
the portal sends is blocked, and Bootstrap's menus still open."""

from playwright.sync_api import expect

from partners.enums import Role
from tests.factories import PASSWORD, MembershipFactory, NetworkFactory, UserFactory


def test_pages_load_nothing_the_policy_blocks_and_the_menus_still_open(
    live_server, page, login, transactional_db
):
    network = NetworkFactory(acronym="CITIES4CSR", slug="cities4csr", name="CSR in cities")
    person = UserFactory(email="coordinator@example.org", full_name="Chiara Rossi")
    MembershipFactory(user=person, network=network, role=Role.COORDINATOR)
    blocked = []
    page.on(
        "console",
        lambda message: (
            blocked.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )

    login(page, "coordinator@example.org", PASSWORD)
    for path in ["/n/cities4csr/", "/n/cities4csr/meetings/", "/news/", "/no/such/page/"]:
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("load")
    page.get_by_role("button", name="Chiara Rossi").click()

    expect(page.get_by_role("link", name="Profile")).to_be_visible()
    assert blocked == []

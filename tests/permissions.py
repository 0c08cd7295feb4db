"""What the permission tables of every app share: who is outside a network, and how a
page's answer is checked against what a role should get.

A table lists, per page, the roles allowed; `expected` turns that into the answer each
role of `tests.conftest.ROLE_FIXTURES` gets, `check` asserts it.
"""

from tests.conftest import ROLE_FIXTURES

#: Roles for whom a network's pages are not there at all (a 404, or the login page).
OUTSIDE = {"anonymous", "outsider", "other_network_coordinator"}
#: Every role of the test network.
MEMBERS = set(ROLE_FIXTURES) - OUTSIDE


def expected(role, allowed):
    """ "login", or the status code: 404 outside the network, 200 if allowed, 403 for the
    network's other members (they see the page exists; they may not use it)."""
    if role == "anonymous":
        return "login"
    if role not in MEMBERS:
        return 404
    return 200 if role in allowed else 403


def check(response, want, role):
    """The response is what `want` says: the login page, or that status code."""
    if want == "login":
        assert response.status_code == 302, role
        assert "/accounts/login/" in response["Location"], role
    else:
        assert response.status_code == want, f"{role}: {response.status_code} != {want}"

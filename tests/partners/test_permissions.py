"""Permission table for the partners app: every role against every page."""

import pytest
from django.urls import reverse

COVERED_URL_NAMES = {"partners:network_home"}

ALLOWED = 200
LOGIN = "login"
HIDDEN = 404

MEMBERS = [
    "city_member_a", "city_coordinator_a", "city_member_b", "city_coordinator_b",
    "lead_expert", "lead_partner", "ad_hoc_expert", "officer", "coordinator",
]  # fmt: skip


@pytest.mark.parametrize(
    "role, expected",
    [("anonymous", LOGIN), ("outsider", HIDDEN), ("other_network_coordinator", HIDDEN)]
    + [(role, ALLOWED) for role in MEMBERS],
)
def test_network_home(request, client_for, net, city_a, city_b, role, expected):
    user = request.getfixturevalue(role)
    response = client_for(user).get(reverse("partners:network_home", args=[net.slug]))
    if expected == LOGIN:
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    else:
        assert response.status_code == expected

"""Permission table for the meetings app: every role against every page."""

import datetime as dt

import pytest
from django.urls import reverse

from meetings.models import Meeting

COVERED_URL_NAMES = {"meetings:meeting_detail"}

MEMBERS = [
    "city_member_a", "city_coordinator_a", "city_member_b", "city_coordinator_b",
    "lead_expert", "lead_partner", "ad_hoc_expert", "officer", "coordinator",
]  # fmt: skip


@pytest.fixture
def meeting(net):
    start = dt.datetime(2020, 12, 14, 9, 0, tzinfo=dt.UTC)
    return Meeting.objects.create(
        network=net,
        number=4,
        title="IAP revision",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=4),
        online_link="https://meet.example.org/tnm4",
    )


@pytest.mark.parametrize(
    "role, expected",
    [("anonymous", 302), ("outsider", 404), ("other_network_coordinator", 404)]
    + [(role, 200) for role in MEMBERS],
)
def test_meeting_detail_and_its_online_link(request, client_for, meeting, role, expected):
    user = request.getfixturevalue(role)
    response = client_for(user).get(reverse("meetings:meeting_detail", args=["testnet", 4]))
    assert response.status_code == expected
    assert ("meet.example.org/tnm4" in response.content.decode()) is (expected == 200)

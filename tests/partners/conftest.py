import pytest

from partners import services
from partners.enums import GroupKind, Role, Sector
from partners.models import CityGroup, Stakeholder, UlgMeeting


@pytest.fixture
def stakeholders_a(city_a):
    """City A's local group: one who consented to be contacted, one who did not."""
    return [
        Stakeholder.objects.create(
            partner=city_a,
            name="Open Company",
            organisation="Open Ltd",
            sector=Sector.PRIVATE_COMPANY,
            email="open@alpha.example.org",
            consent_to_contact=True,
        ),
        Stakeholder.objects.create(
            partner=city_a,
            name="Private Person",
            organisation="Alpha Volunteers",
            sector=Sector.CIVIL_SOCIETY,
            email="private@alpha.example.org",
            consent_to_contact=False,
        ),
    ]


@pytest.fixture
def ulg_meeting_a(city_a, stakeholders_a):
    meeting = UlgMeeting.objects.create(
        partner=city_a, held_on="2020-10-08", topic="Kick-off of Alpha's ULG", participants=9
    )
    meeting.stakeholders_present.set(stakeholders_a)
    return meeting


@pytest.fixture
def pair_ab(net, city_a, city_b):
    group = CityGroup.objects.create(network=net, kind=GroupKind.PAIR, topic="Green jobs")
    group.cities.set([city_a, city_b])
    return group


@pytest.fixture
def invitation_a(net, city_a, city_coordinator_a):
    return services.invitation_create(
        user=city_coordinator_a,
        network=net,
        email="new.member@example.org",
        role=Role.CITY_TEAM_MEMBER,
        partner=city_a,
    )

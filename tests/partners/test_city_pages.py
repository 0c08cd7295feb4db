"""City profiles, local groups, pairs and the workplan: what people do on these pages."""

import datetime as dt

import pytest
from django.urls import reverse

from partners.enums import Role
from partners.models import CityGroup, Stakeholder, UlgMeeting, WorkplanStage
from partners.services import roadmap_deadline_set
from tests.factories import MembershipFactory, PartnerFactory, UserFactory


def profile_data(**extra):
    return {
        "time_zone": "Europe/Sofia",
        "description": "A city of 300,000 people.",
        "csr_challenge": "Companies and the city hardly talk.",
        "iap_focus": "A local CSR pact.",
        "version": 1,
        **extra,
    }


def test_city_coordinator_edits_the_city_profile(client_for, net, city_a, city_coordinator_a):
    client = client_for(city_coordinator_a)
    url = reverse("partners:partner_edit", args=[net.slug, city_a.slug])
    assert client.get(url).context["form"]["version"].value() == 1
    response = client.post(url, profile_data())
    assert response.status_code == 302
    page = client.get(city_a.get_absolute_url()).content.decode()
    assert "Companies and the city hardly talk." in page and "A local CSR pact." in page
    assert "Europe/Sofia" in page
    city_a.refresh_from_db()
    assert city_a.version == 2


def test_a_stale_city_profile_is_refused_and_shows_what_is_saved_now(
    client_for, net, city_a, coordinator, city_coordinator_a
):
    url = reverse("partners:partner_edit", args=[net.slug, city_a.slug])
    assert client_for(coordinator).post(url, profile_data(iap_focus="The pact.")).status_code == 302

    response = client_for(city_coordinator_a).post(
        url, profile_data(time_zone="Europe/Rome", iap_focus="My own words.")
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Someone else saved this in the meantime." in html
    assert html.count(">What is saved now<") == 1
    assert "The pact." in html and "Europe/Sofia" in html  # what the coordinator saved
    form = response.context["form"]
    assert form["iap_focus"].value() == "My own words."  # the input is kept
    city_a.refresh_from_db()
    assert (city_a.iap_focus, str(city_a.time_zone), city_a.version) == (
        "The pact.",
        "Europe/Sofia",
        2,
    )


def test_city_page_shows_the_team_with_roles(
    client_for, net, city_a, city_coordinator_a, city_member_b
):
    page = client_for(city_member_b).get(city_a.get_absolute_url()).content.decode()
    assert city_coordinator_a.get_full_name() in page and "City coordinator" in page
    assert "Lead partner" in page


def stakeholder_data(**extra):
    return {
        "name": "Green Co",
        "organisation": "Green Co Ltd",
        "sector": "private",
        "email": "hello@green.example.org",
        "consent_to_contact": "on",
        "is_active": "on",
        **extra,
    }


def test_stakeholder_email_is_unique_within_a_city_whatever_the_case(
    client_for, net, city_a, city_b, city_member_a, city_member_b
):
    url = reverse("partners:stakeholder_create", args=[net.slug, city_a.slug])
    client = client_for(city_member_a)
    assert client.post(url, stakeholder_data()).status_code == 302
    response = client.post(url, stakeholder_data(name="Other", email="HELLO@green.example.org"))
    assert (
        "A stakeholder of this city already has this e-mail address." in response.content.decode()
    )
    response = client.post(url, stakeholder_data(email="not an email"))
    assert "Enter a valid email address." in response.content.decode()
    assert Stakeholder.objects.filter(partner=city_a).count() == 1
    # Another city may know the same person.
    client_for(city_member_b).post(
        reverse("partners:stakeholder_create", args=[net.slug, city_b.slug]), stakeholder_data()
    )
    assert Stakeholder.objects.filter(partner=city_b).count() == 1


def test_a_stale_stakeholder_save_is_refused_and_shows_the_saved_values_in_words(
    client_for, net, city_a, city_member_a, city_coordinator_a, stakeholders_a
):
    stakeholder = stakeholders_a[0]
    url = reverse("partners:stakeholder_edit", args=[net.slug, city_a.slug, stakeholder.pk])
    first = stakeholder_data(name="Open Company", sector="academia", version=1)
    first.pop("consent_to_contact")
    assert client_for(city_member_a).post(url, first).status_code == 302

    response = client_for(city_coordinator_a).post(
        url, stakeholder_data(name="Renamed by the coordinator", version=1)
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Someone else saved this in the meantime." in html
    assert html.count(">What is saved now<") == 1
    assert "Academia" in html and "academia<" not in html  # the label, not the stored value
    assert "<dd>No</dd>" in html  # consent in words, not False
    assert response.context["form"]["name"].value() == "Renamed by the coordinator"
    stakeholder.refresh_from_db()
    assert (stakeholder.name, stakeholder.sector, stakeholder.version) == (
        "Open Company",
        "academia",
        2,
    )


def test_ulg_meeting_records_who_was_there(client_for, net, city_a, city_member_a, stakeholders_a):
    client = client_for(city_member_a)
    url = reverse("partners:ulg_meeting_create", args=[net.slug, city_a.slug])
    data = {
        "held_on": "2020-12-10",
        "topic": "Roadmap",
        "participants": 1,
        "stakeholders_present": [s.pk for s in stakeholders_a],
    }
    response = client.post(url, data)
    assert "At least the 2 stakeholders marked present took part." in response.content.decode()
    response = client.post(url, {**data, "participants": 12, "held_on": "10/12/2020x"})
    assert "Enter a valid date." in response.content.decode()
    assert client.post(url, {**data, "participants": 12}).status_code == 302
    meeting = UlgMeeting.objects.get()
    assert set(meeting.stakeholders_present.all()) == set(stakeholders_a)
    page = client.get(reverse("partners:ulg", args=[net.slug, city_a.slug])).content.decode()
    assert "Roadmap" in page and "12 participants" in page


def test_a_stakeholder_of_another_city_cannot_be_marked_present(
    client_for, net, city_a, city_b, city_member_b, stakeholders_a
):
    response = client_for(city_member_b).post(
        reverse("partners:ulg_meeting_create", args=[net.slug, city_b.slug]),
        {
            "held_on": "2020-12-10",
            "topic": "x",
            "participants": 5,
            "stakeholders_present": [stakeholders_a[0].pk],
        },
    )
    assert "Select a valid choice" in response.content.decode()
    assert not UlgMeeting.objects.exists()


def test_coordinator_pairs_cities_and_they_see_it_on_their_home(
    client_for, net, city_a, city_b, coordinator, city_member_a, city_member_b
):
    client = client_for(coordinator)
    url = reverse("partners:city_group_create", args=[net.slug])
    third = PartnerFactory(network=net, city="Gammaville")
    response = client.post(
        url, {"kind": "pair", "topic": "Green jobs", "cities": [city_a.pk, city_b.pk, third.pk]}
    )
    assert "A pair is exactly two cities." in response.content.decode()
    client.post(
        url,
        {
            "kind": "pair",
            "topic": "Green jobs",
            "cities": [city_a.pk, city_b.pk],
            "notes": "Meet monthly",
        },
    )
    assert CityGroup.objects.get().cities.count() == 2
    for member in (city_member_a, city_member_b):
        home = (
            client_for(member)
            .get(reverse("partners:network_home", args=[net.slug]))
            .content.decode()
        )
        assert "Your city&#x27;s pairings" in home or "Your city's pairings" in home
        assert "Green jobs" in home


def test_a_pair_cannot_take_a_city_of_another_network(
    client_for, net, city_a, other_city, coordinator
):
    response = client_for(coordinator).post(
        reverse("partners:city_group_create", args=[net.slug]),
        {"kind": "pair", "topic": "x", "cities": [city_a.pk, other_city.pk]},
    )
    assert "Select a valid choice" in response.content.decode()
    assert not CityGroup.objects.exists()


def workplan_data(stage_starts="2020-05-01", stage_ends="2020-12-15"):
    return {
        "network-theme": "CSR and the SDGs",
        "network-current_phase": "activation",
        "stages-TOTAL_FORMS": "1", "stages-INITIAL_FORMS": "0",
        "stages-0-name": "Activation", "stages-0-phase": "activation",
        "stages-0-starts_on": stage_starts, "stages-0-ends_on": stage_ends,
    }  # fmt: skip


def test_coordinator_edits_the_workplan_timeline_on_the_home_page(
    client_for, net, coordinator, city_member_a
):
    client = client_for(coordinator)
    url = reverse("partners:workplan_edit", args=[net.slug])
    response = client.post(url, workplan_data(stage_ends="2020-04-01"))
    assert "The end cannot be before the start." in response.content.decode()
    assert not WorkplanStage.objects.exists()
    assert client.post(url, workplan_data()).status_code == 302
    roadmap_deadline_set(user=coordinator, network=net, due_on=dt.date(2020, 12, 31))
    home = (
        client_for(city_member_a)
        .get(reverse("partners:network_home", args=[net.slug]))
        .content.decode()
    )
    assert "Activation" in home and "Submit the IAP roadmap" in home and "31 Dec 2020" in home


def grow(net, cities):
    for n in range(cities):
        city = PartnerFactory(network=net)
        for role in (Role.CITY_COORDINATOR, Role.CITY_TEAM_MEMBER):
            MembershipFactory(user=UserFactory(), network=net, partner=city, role=role)
        Stakeholder.objects.create(partner=city, name=f"S{n}", sector="other")


@pytest.mark.parametrize("cities", [5, 50])
@pytest.mark.parametrize(
    "page",
    ["partners:network_home", "partners:partner_list", "partners:people", "partners:city_groups"],
)
def test_lists_cost_the_same_queries_with_5_or_50_cities(
    client_for, net, coordinator, cities, page, django_assert_max_num_queries
):
    grow(net, cities)
    partners = list(net.partners.all())
    for first, second in zip(partners[::2], partners[1::2], strict=False):
        group = CityGroup.objects.create(network=net, kind="pair", topic=f"{first} and {second}")
        group.cities.set([first, second])
    client = client_for(coordinator)
    url = reverse(page, args=[net.slug])
    with django_assert_max_num_queries(12):
        response = client.get(url)
    assert response.status_code == 200


@pytest.mark.parametrize("stakeholders", [5, 50])
def test_ulg_page_costs_the_same_queries_with_5_or_50_stakeholders(
    client_for, net, city_a, city_member_a, stakeholders, django_assert_max_num_queries
):
    people = [
        Stakeholder.objects.create(partner=city_a, name=f"S{n}", sector="other")
        for n in range(stakeholders)
    ]
    for n in range(stakeholders // 5):
        UlgMeeting.objects.create(
            partner=city_a, held_on="2020-10-01", topic=f"M{n}", participants=3
        ).stakeholders_present.set(people[:3])
    client = client_for(city_member_a)
    url = reverse("partners:ulg", args=[net.slug, city_a.slug])
    with django_assert_max_num_queries(12):
        response = client.get(url)
    assert response.status_code == 200

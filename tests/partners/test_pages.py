"""The foundation's pages: home, network home, inbox; who sees what; error pages."""

import pytest
from django.urls import reverse

from partners.services import notify


def test_home_shows_visitors_the_public_page(client, db):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "Log in" in response.content.decode()


def test_home_sends_a_member_of_one_network_to_their_home_there(client_for, coordinator, net):
    response = client_for(coordinator).get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("progress:home", args=[net.slug])


def test_home_lists_networks_for_a_person_in_several(client_for, coordinator, other_net):
    from partners.enums import Role
    from partners.services import membership_grant

    membership_grant(user=coordinator, network=other_net, role=Role.PROGRAMME_OFFICER)
    response = client_for(coordinator).get(reverse("home"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "TESTNET" in html and "OTHERNET" in html


def test_network_home_shows_the_network_and_its_cities(client_for, city_member_a, city_b, net):
    response = client_for(city_member_a).get(net.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "TESTNET" in html and "Alphaville" in html and "Betatown" in html


@pytest.mark.parametrize("role", ["city_member_a", "outsider", "coordinator"])
def test_people_cannot_open_a_network_they_do_not_belong_to(client_for, request, role, other_net):
    user = request.getfixturevalue(role)
    response = client_for(user).get(other_net.get_absolute_url())
    assert response.status_code == 404
    assert "OTHERNET" not in response.content.decode()


def test_visitor_is_sent_to_log_in_for_a_network_page(client, net):
    response = client.get(net.get_absolute_url())
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_unknown_page_is_a_friendly_404(client, db):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_inbox_shows_own_notifications_and_unread_count(client_for, city_member_a, city_member_b):
    notify(recipients=[city_member_a], title="Roadmap approved")
    notify(recipients=[city_member_b], title="Not for A")
    client = client_for(city_member_a)
    response = client.get(reverse("notifications"))
    html = response.content.decode()
    assert "Roadmap approved" in html and "Not for A" not in html
    assert 'badge text-bg-light">1<' in html

    client.post(reverse("notifications_mark_read"))
    html = client.get(reverse("notifications")).content.decode()
    assert 'badge text-bg-light">' not in html


def test_marking_read_ignores_other_peoples_notifications(client_for, city_member_a, city_member_b):
    [theirs] = notify(recipients=[city_member_b], title="Theirs")
    client_for(city_member_a).post(
        reverse("notifications_mark_read"), {"notification": [theirs.pk]}
    )
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_marking_read_with_garbage_ids_is_not_an_error(client_for, city_member_a):
    response = client_for(city_member_a).post(
        reverse("notifications_mark_read"), {"notification": ["x"]}
    )
    assert response.status_code == 302


def test_times_are_shown_in_the_viewers_time_zone(client_for, city_member_a):
    import datetime as dt

    from django.utils import timezone

    [row] = notify(recipients=[city_member_a], title="Call")
    row.created_at = dt.datetime(2020, 12, 14, 9, 0, tzinfo=dt.UTC)
    row.save()
    city_member_a.time_zone = "Europe/Sofia"
    city_member_a.save()
    html = client_for(city_member_a).get(reverse("notifications")).content.decode()
    assert "14 Dec 2020 11:00 EET" in html
    assert timezone.get_current_timezone_name() != "Europe/Sofia"


def test_admin_is_for_superusers_only(client_for, coordinator):
    from tests.factories import UserFactory

    assert client_for(coordinator).get("/admin/").status_code == 302
    admin = UserFactory(email="root@example.org", is_staff=True, is_superuser=True)
    assert client_for(admin).get("/admin/partners/user/").status_code == 200

"""Stored pages: a second view costs almost nothing, and a change by one person shows on
the very next view of another (never a stale page), whoever made it and however."""

import datetime as dt

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from iap.models import Roadmap, RoadmapStep
from meetings import services as meeting_services
from meetings.models import Meeting
from news.enums import ArticleStatus
from news.models import Article
from partners import services as partner_services
from partners.enums import Role
from partners.models import Membership

START = dt.datetime(2031, 2, 16, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def meeting(net, city_a):
    return Meeting.objects.create(
        network=net,
        number=5,
        title="State of the art",
        starts_at=START,
        ends_at=START + dt.timedelta(hours=4),
        host=city_a,
    )


def view(client, url):
    """The page as its reader gets it, and how many queries it cost."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode(), len(queries)


def seen_twice(client, url):
    """Open the page until it is stored (the first view sets the CSRF cookie)."""
    view(client, url)
    view(client, url)
    return view(client, url)


def test_a_second_view_is_served_from_the_cache(client_for, coordinator, net):
    url = reverse("partners:network_home", args=[net.slug])
    client = client_for(coordinator)
    _, cold = view(client, url)
    page, warm = seen_twice(client, url)
    assert "TESTNET" in page
    assert warm <= 1 < cold  # at most the person themself, for the login check


def test_each_person_gets_their_own_page(client_for, coordinator, city_member_a, net):
    url = reverse("partners:network_home", args=[net.slug])
    coordinator_page, _ = seen_twice(client_for(coordinator), url)
    member_page, _ = seen_twice(client_for(city_member_a), url)
    assert coordinator.get_full_name() in coordinator_page
    assert coordinator.get_full_name() not in member_page.split("</nav>")[0]
    assert city_member_a.get_full_name() in member_page


def test_a_new_title_shows_on_the_next_view_of_another(
    client_for, coordinator, lead_expert, net, meeting
):
    url = reverse("meetings:meeting_detail", args=[net.slug, meeting.number])
    reader = client_for(lead_expert)
    page, _ = seen_twice(reader, url)
    assert "State of the art" in page
    edit = reverse("meetings:meeting_edit", args=[net.slug, meeting.number])
    form = client_for(coordinator).get(edit).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list)}
    data |= {
        "title": "Mapping CSR in the cities",
        "starts_at": "2031-02-16T10:00",
        "ends_at": "2031-02-16T14:00",
        "version": meeting.version,
    }
    response = client_for(coordinator).post(edit, data)
    assert response.status_code == 302, response.context and response.context["form"].errors
    page, _ = view(reader, url)
    assert "Mapping CSR in the cities" in page


def test_attendance_registered_in_bulk_shows_to_the_coordinator(
    client_for, coordinator, city_member_a, city_a, net, meeting
):
    url = reverse("meetings:meeting_detail", args=[net.slug, meeting.number])
    reader = client_for(coordinator)
    page, _ = seen_twice(reader, url)
    assert city_member_a.get_full_name() not in page
    meeting_services.attendance_set(
        user=city_member_a, meeting=meeting, partner=city_a, users=[city_member_a]
    )
    page, _ = view(reader, url)
    assert city_member_a.get_full_name() in page


def test_the_unread_count_follows_new_and_read_notifications(client_for, city_member_a, net):
    url = reverse("partners:network_home", args=[net.slug])
    reader = client_for(city_member_a)
    page, _ = seen_twice(reader, url)
    assert "unread" not in page
    partner_services.notify(recipients=[city_member_a], title="Your roadmap was approved")
    page, _ = view(reader, url)
    assert "unread" in page
    partner_services.notification_mark_read(user=city_member_a)
    page, _ = view(reader, url)
    assert "unread" not in page


def test_a_new_name_shows_on_the_pages_of_others(client_for, coordinator, city_member_a, net):
    url = reverse("partners:people", args=[net.slug])
    reader = client_for(coordinator)
    page, _ = seen_twice(reader, url)
    assert "Ilze Ozola" not in page
    city_member_a.full_name = "Ilze Ozola"
    city_member_a.save()
    page, _ = view(reader, url)
    assert "Ilze Ozola" in page


def test_someone_removed_from_the_network_loses_the_stored_pages_at_once(
    client_for, city_member_a, net
):
    url = reverse("partners:network_home", args=[net.slug])
    client = client_for(city_member_a)
    seen_twice(client, url)
    Membership.objects.get(user=city_member_a, network=net).delete()
    assert client.get(url).status_code == 404


def test_a_step_added_by_the_city_shows_to_the_lead_expert(lead_expert, client_for, city_a, net):
    url = reverse("iap:roadmap", args=[net.slug, city_a.slug])
    reader = client_for(lead_expert)
    page, _ = seen_twice(reader, url)
    RoadmapStep.objects.create(
        roadmap=Roadmap.objects.get(partner=city_a), title="Map the local CSR actors"
    )
    page, _ = view(reader, url)
    assert "Map the local CSR actors" in page


def test_a_published_article_shows_on_the_public_pages_and_feed(net, coordinator):
    client = Client()
    pages = [reverse("news:list"), reverse("news:feed"), reverse("home")]
    for url in pages:
        seen_twice(client, url)
    Article.objects.create(
        network=net,
        title="Cities sign the CSR charter",
        slug="charter",
        body="Ten cities signed.",
        author=coordinator,
        status=ArticleStatus.PUBLISHED,
        publish_at=timezone.now() - dt.timedelta(minutes=1),
    )
    for url in pages[:2]:
        page, _ = view(client, url)
        assert "Cities sign the CSR charter" in page, url


def test_the_personal_calendar_feed_follows_a_new_title(city_member_a, net, meeting):
    token = meeting_services.calendar_feed_renew(user=city_member_a)
    url = reverse("meetings:calendar_feed", args=[token])
    client = Client()
    page, _ = seen_twice(client, url)
    assert "State of the art" in page
    meeting.title = "Mapping CSR in the cities"
    meeting.save()
    page, _ = view(client, url)
    assert "Mapping CSR in the cities" in page


def test_a_flash_message_is_shown_once_and_never_stored(client_for, city_member_a, net):
    client = client_for(city_member_a)
    url = reverse("meetings:calendar_settings", args=[net.slug])
    meeting_services.calendar_feed_renew(user=city_member_a)
    seen_twice(client, url)
    said = "Your calendar address no longer works."
    response = client.post(url, {"action": "revoke"}, follow=True)
    assert said in response.content.decode()
    for _ in range(2):
        page, _ = view(client, url)
        assert said not in page


@override_settings(
    CACHES={
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
)
def test_pages_are_built_as_usual_when_the_cache_is_down(client_for, coordinator, net):
    client = client_for(coordinator)
    page, _ = view(client, reverse("partners:network_home", args=[net.slug]))
    assert "TESTNET" in page


def test_a_stored_feed_costs_no_query_and_a_revoked_address_stops_at_once(city_member_a, meeting):
    token = meeting_services.calendar_feed_renew(user=city_member_a)
    url = reverse("meetings:calendar_feed", args=[token])
    client = Client()
    _, queries = seen_twice(client, url)
    assert queries == 0
    meeting_services.calendar_feed_revoke(user=city_member_a)
    assert client.get(url).status_code == 404


def test_the_feed_follows_its_owner_into_a_new_network(
    city_member_a, meeting, other_net, other_city
):
    token = meeting_services.calendar_feed_renew(user=city_member_a)
    url = reverse("meetings:calendar_feed", args=[token])
    client = Client()
    seen_twice(client, url)
    Membership.objects.create(
        user=city_member_a, network=other_net, partner=other_city, role=Role.CITY_TEAM_MEMBER
    )
    seen_twice(client, url)  # the feed's networks are learnt again
    Meeting.objects.create(
        network=other_net,
        number=1,
        title="Kick-off in Gammaburg",
        starts_at=START,
        ends_at=START + dt.timedelta(hours=2),
    )
    page, _ = view(client, url)
    assert "Kick-off in Gammaburg" in page

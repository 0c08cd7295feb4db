"""`manage.py load_demo --scale N`: generated networks with the volume of a busy portal."""

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count
from django.test import override_settings

from iap.enums import RoadmapState
from iap.models import Roadmap, SmallScaleAction
from meetings.enums import MeetingStatus
from meetings.models import Attendance, Call, Meeting
from news.enums import ArticleStatus
from news.models import Article
from partners.models import Network, Notification, Partner, User
from portal.outbox import OutboxStatus, outbox_models

PASSWORD = "cities4csr-demo"


def load(**options) -> str:
    out = StringIO()
    call_command("load_demo", stdout=out, **options)
    return out.getvalue()


def counts() -> dict[str, int]:
    return {
        model._meta.label: model._base_manager.count()
        for app in ("partners", "meetings", "iap", "news")
        for model in apps.get_app_config(app).get_models(include_auto_created=True)
    }


def pending_emails() -> int:
    return sum(m.objects.filter(status=OutboxStatus.PENDING).count() for m in outbox_models())


@pytest.fixture(scope="module")
def loaded(django_db_setup, django_db_blocker, tmp_path_factory):
    """`load_demo --scale 1` once for the tests that only read, rolled back after them; the
    demo's files go to a folder of the module's own."""
    media = tmp_path_factory.mktemp("media")
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=media),
        transaction.atomic(),
    ):
        yield load(scale=1)
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_scale_one_adds_a_network_of_ten_cities_besides_the_demo_networks(loaded):
    output = loaded
    assert set(Network.objects.values_list("slug", flat=True)) == {
        "cities4csr", "green-harbours", "gen-01",
    }  # fmt: skip
    network = Network.objects.get(slug="gen-01")
    assert network.partners.count() == 10
    assert network.partners.filter(is_lead_partner=True).count() == 1
    assert "Generated 1 network: 10 cities, 34 people," in output
    assert "coordinator@gen-NN.example.org" in output


@pytest.mark.django_db
def test_generated_network_has_two_years_of_meetings_attended_by_every_city(loaded):
    network = Network.objects.get(slug="gen-01")
    meetings = Meeting.objects.filter(network=network)
    assert meetings.count() == 8
    held = meetings.filter(status=MeetingStatus.HELD)
    assert held.count() >= 6
    assert meetings.filter(status=MeetingStatus.PLANNED).exists()  # the next one is ahead
    for meeting in held.annotate(items=Count("agenda")):
        assert 6 <= meeting.items <= 10
        cities = Attendance.objects.filter(meeting=meeting).values("partner").distinct()
        assert cities.count() == 10
    by_date = meetings.order_by("starts_at")
    assert (by_date.last().starts_at - by_date.first().starts_at).days > 600  # two years
    checkups = Call.objects.filter(network=network, checkup_round__isnull=False)
    assert checkups.count() == 40
    assert checkups.filter(status=MeetingStatus.HELD).exclude(notes="").count() == 30


@pytest.mark.django_db
def test_generated_roadmaps_plans_and_news_have_realistic_volume(loaded):
    network = Network.objects.get(slug="gen-01")
    roadmaps = Roadmap.objects.filter(partner__network=network).annotate(
        steps_count=Count("steps", distinct=True), versions_count=Count("versions", distinct=True)
    )
    assert roadmaps.count() == 10
    for roadmap in roadmaps:
        assert 10 <= roadmap.steps_count <= 20
        assert roadmap.versions_count == 3
    states = set(roadmaps.values_list("state", flat=True))
    assert RoadmapState.SUBMITTED in states  # some wait for the review
    assert RoadmapState.APPROVED in states
    for partner in Partner.objects.filter(network=network):
        assert SmallScaleAction.objects.filter(partner=partner).count() == 5
        assert partner.action_plan.actions.exists()
        assert partner.action_plan.sections.count() == 6
    articles = Article.objects.filter(network=network)
    assert articles.count() == 50
    assert articles.filter(status=ArticleStatus.PUBLISHED).count() > 40
    assert articles.filter(status=ArticleStatus.DRAFT).exists()
    unread = Notification.objects.filter(network=network, read_at__isnull=True)
    assert unread.exists()
    assert Notification.objects.filter(network=network, read_at__isnull=False).exists()


@pytest.mark.django_db
def test_generated_coordinator_logs_in_and_lands_on_their_home_there(loaded, client):
    response = client.post(
        "/accounts/login/",
        {"username": "coordinator@gen-01.example.org", "password": PASSWORD},
        follow=True,
    )
    assert response.status_code == 200
    assert response.request["PATH_INFO"] == "/n/gen-01/home/"
    assert Network.objects.get(slug="gen-01").acronym in response.text
    assert "Where each city stands" in response.text


@pytest.mark.django_db
def test_generated_people_have_their_roles_and_the_demo_password(loaded, client):
    for email in [
        "lead-partner@gen-01.example.org", "lead-expert@gen-01.example.org",
        "officer@gen-01.example.org", "city-01@gen-01.example.org",
        "city-10@gen-01.example.org", "member-01a@gen-01.example.org",
        "member-10b@gen-01.example.org",
    ]:  # fmt: skip
        user = User.objects.get(email=email)
        assert user.check_password(PASSWORD)
        client.force_login(user)
        assert client.get("/n/gen-01/").status_code == 200
    city = Partner.objects.get(
        network__slug="gen-01", memberships__user__email="city-03@gen-01.example.org"
    )
    assert set(
        User.objects.filter(memberships__partner=city).values_list("email", flat=True)
    ) == {
        "city-03@gen-01.example.org", "member-03a@gen-01.example.org",
        "member-03b@gen-01.example.org",
    }  # fmt: skip


@pytest.mark.django_db
def test_loading_again_leaves_the_same_data_and_queues_no_email():
    load()
    demo_emails = pending_emails()
    load(scale=2)
    first = counts()
    assert pending_emails() == demo_emails
    load(scale=2)
    assert counts() == first
    assert set(Network.objects.filter(slug__startswith="gen-").values_list("slug", flat=True)) == {
        "gen-01", "gen-02",
    }  # fmt: skip


@pytest.mark.django_db
def test_without_scale_the_generated_networks_stay_as_they_are():
    load(scale=1)
    first = counts()
    load()
    assert counts() == first
    load(scale=1)
    assert counts() == first

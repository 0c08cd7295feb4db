"""Benchmarks of the apps: figures printed by `make bench`, never asserted on time."""

import datetime as dt
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from meetings import services as meeting_services
from meetings.models import Attendance, Meeting
from news.models import Article, ArticleStatus
from partners.enums import Role
from tests.factories import MembershipFactory, PartnerFactory, UserFactory
from tests.services import smtp_server

pytestmark = pytest.mark.bench


def timed(client, url, requests=100):
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    count = len(queries)
    started = time.perf_counter()
    for _ in range(requests):
        assert client.get(url).status_code == 200
    elapsed = time.perf_counter() - started
    return requests / elapsed, elapsed / requests * 1000, count


@pytest.mark.django_db(transaction=True)
def test_reminder_throughput_over_smtp_with_four_parallel_sweeps(settings, net, city_a):
    start = timezone.now() + dt.timedelta(minutes=30)
    meeting = Meeting.objects.create(
        network=net, number=1, title="Bench", starts_at=start, ends_at=start
    )
    people = UserFactory.create_batch(300)
    for person in people:
        MembershipFactory(user=person, network=net, partner=city_a, role=Role.CITY_TEAM_MEMBER)
    Attendance.objects.bulk_create(
        Attendance(meeting=meeting, partner=city_a, user=p) for p in people
    )
    with smtp_server() as mailbox:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", mailbox.port

        def sweep(_):
            try:
                return meeting_services.send_due_notices()["sent"]
            finally:
                connection.close()

        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=4) as pool:
            sent = sum(pool.map(sweep, range(4)))
        elapsed = time.perf_counter() - started
    print(
        f"\nreminders: {sent} e-mails (300 people, the nearest of 3 due offsets) over SMTP "
        "by 4 parallel sweeps "
        f"in {elapsed:.2f} s ({sent / elapsed:,.0f} e-mails/s), {len(mailbox.messages)} received"
    )
    assert sent == len(mailbox.messages) == 300


@pytest.mark.parametrize("articles", [10, 1000])
def test_public_news_list_and_feed(client, net, coordinator, articles):
    now = timezone.now()
    Article.objects.bulk_create(
        Article(
            network=net,
            title=f"Article {n}",
            slug=f"a-{n}",
            body="word " * 400,
            author=coordinator,
            status=ArticleStatus.PUBLISHED,
            publish_at=now - dt.timedelta(minutes=n + 1),
        )
        for n in range(articles)
    )
    for name, args in (("news:list", []), ("news:network_feed", [net.slug])):
        rate, ms, queries = timed(client, reverse(name, args=args))
        print(
            f"\n{name}, {articles} articles: {rate:,.0f} requests/s, {ms:.1f} ms, {queries} queries"
        )


@pytest.mark.parametrize("cities", [10, 50])
def test_review_queue_and_roadmap_pdf(client_for, net, lead_expert, cities):
    for _ in range(cities):
        partner = PartnerFactory(network=net)
        roadmap = partner.roadmap
        for n in range(8):
            roadmap.steps.create(position=n, title=f"Step {n}", owner="City team")
    client = client_for(lead_expert)
    rate, ms, queries = timed(client, reverse("iap:review_queue", args=[net.slug]))
    print(
        f"\nreview queue, {cities} cities: {rate:,.0f} requests/s, {ms:.1f} ms, {queries} queries"
    )
    partner = net.partners.first()
    url = reverse("iap:roadmap_export", args=[net.slug, partner.slug, "pdf"])
    started = time.perf_counter()
    size = len(client.get(url).content)
    print(f"roadmap PDF: {(time.perf_counter() - started) * 1000:.0f} ms, {size / 1024:.0f} KiB")

"""Benchmarks of the foundation: figures printed by `make bench`, never asserted on time.

- the network home, in-process, as the network grows from 10 to 50 cities;
- notification e-mails through a real Celery worker and Redis.
"""

import time

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from partners import services
from partners.enums import Role
from partners.models import NotificationEmail
from portal.outbox import OutboxStatus
from tests.factories import MembershipFactory, PartnerFactory, UserFactory

pytestmark = pytest.mark.bench


def measure(client, url, requests=200):
    client.get(url)  # warm the template cache
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    query_count = len(queries)
    started = time.perf_counter()
    for _ in range(requests):
        assert client.get(url).status_code == 200
    elapsed = time.perf_counter() - started
    return requests / elapsed, elapsed / requests * 1000, query_count


@pytest.mark.parametrize("cities", [10, 50])
def test_network_home_throughput(client_for, net, coordinator, cities):
    for _ in range(cities):
        city = PartnerFactory(network=net)
        MembershipFactory(user=UserFactory(), network=net, partner=city, role=Role.CITY_COORDINATOR)
    url = reverse("partners:network_home", args=[net.slug])
    rate, per_request, queries = measure(client_for(coordinator), url)
    print(
        f"\nnetwork home, {cities} cities: {rate:,.0f} requests/s in process,"
        f" {per_request:.2f} ms/request, {queries} queries"
    )


@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_notification_email_throughput(celery_worker, net):
    people = UserFactory.create_batch(200)
    started = time.perf_counter()
    for person in people:
        services.notify(recipients=[person], title="Reminder", network=net, email=True)
    queued = time.perf_counter() - started
    marked_sent = NotificationEmail.objects.filter(status=OutboxStatus.SENT)
    deadline = time.monotonic() + 60
    while len(mail.outbox) < len(people) and time.monotonic() < deadline:
        time.sleep(0.02)
    total = time.perf_counter() - started
    while marked_sent.count() < len(people) and time.monotonic() < deadline:
        time.sleep(0.02)  # a row is marked in the transaction that follows its sending
    sent = marked_sent.count()
    print(
        f"\nnotification e-mails: {len(people)} queued in {queued:.2f} s,"
        f" {len(mail.outbox)} delivered by a 4-thread worker in {total:.2f} s"
        f" ({len(mail.outbox) / total:,.0f} e-mails/s); {sent} marked sent"
    )
    assert len(mail.outbox) == len(people) == sent

"""Benchmarks of the apps: figures printed by `make bench`, never asserted on time."""

import datetime as dt
import json
import subprocess
import sys
import time
from collections import Counter
from contextlib import contextmanager

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from meetings import services as meeting_services
from meetings import tasks as meeting_tasks
from meetings.models import Attendance, Meeting, Notice
from news.models import Article, ArticleStatus
from partners.models import User
from portal import outbox
from portal.outbox import OutboxStatus
from tests.factories import PartnerFactory, UserFactory
from tests.services import free_port, wait_until

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


#: An SMTP server in a process of its own, as a real one is: it takes every message,
#: counts the connections (one EHLO each) and, when asked on stdin, prints what it got.
COUNTING_SMTP_SERVER = r"""
import json, logging, re, sys
from aiosmtpd.controller import Controller

logging.getLogger("mail.log").setLevel(logging.WARNING)
MESSAGE_ID = re.compile(rb"^Message-ID:[ \t]*(\S+)", re.IGNORECASE | re.MULTILINE)


class Tally:
    def __init__(self):
        self.message_ids, self.connections = [], 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_DATA(self, server, session, envelope):
        headers = envelope.content.split(b"\r\n\r\n", 1)[0]
        found = MESSAGE_ID.search(headers)
        self.message_ids.append(found.group(1).decode() if found else "")
        return "250 Message accepted for delivery"


tally = Tally()
controller = Controller(tally, hostname="127.0.0.1", port=int(sys.argv[1]))
controller.start()
print("ready", flush=True)
sys.stdin.readline()
print(json.dumps(vars(tally)), flush=True)
controller.stop()
"""


@contextmanager
def counting_smtp_server():
    """The server's port, and a function that stops it and returns what it received."""
    port = free_port()
    server = subprocess.Popen(  # noqa: S603 - this interpreter, our own script
        [sys.executable, "-c", COUNTING_SMTP_SERVER, str(port)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert server.stdout.readline().strip() == "ready"

        def received():
            server.stdin.write("tally\n")
            server.stdin.flush()
            return json.loads(server.stdout.readline())

        yield port, received
    finally:
        server.kill()
        server.wait(10)


def meeting_with_attendees(net, city, count):
    """A meeting in 30 minutes with `count` people registered; their reminders a week and
    a day before went out long ago, the one an hour before is due now."""
    start = timezone.now() + dt.timedelta(minutes=30)
    meeting = Meeting.objects.create(
        network=net, number=1, title="Bench", starts_at=start, ends_at=start
    )
    people = User.objects.bulk_create(UserFactory.build_batch(count))
    Attendance.objects.bulk_create(
        Attendance(meeting=meeting, partner=city, user=person) for person in people
    )
    meeting_services.plan_due_reminders(now=start - dt.timedelta(minutes=24 * 60 - 1))
    Notice.objects.update(status=OutboxStatus.SENT, sent_at=start - dt.timedelta(days=1))
    return meeting


@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_reminder_throughput_of_a_worker_over_smtp(settings, celery_worker, net, city_a):
    count = 1000
    meeting_with_attendees(net, city_a, count)
    with counting_smtp_server() as (port, received):
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        due = Notice.objects.filter(offset_minutes=60)
        started = time.perf_counter()
        meeting_tasks.send_due_reminders.delay()  # the beat's tick: plan, then send
        assert wait_until(
            lambda: due.filter(status=OutboxStatus.SENT).count() == count, timeout=120
        ), f"{due.filter(status=OutboxStatus.SENT).count()} of {count} reminders sent"
        elapsed = time.perf_counter() - started
        got = received()
    threads = celery_worker.concurrency
    print(
        f"\nbench: reminders, in-process worker {count / elapsed:.0f} e-mails/s ({count}"
        f" e-mails, {threads} worker threads, one SMTP connection per batch)"
    )
    # Correctness, not speed: each reminder reached the server once, over one connection
    # per sweep.
    assert Counter(got["message_ids"]) == Counter({notice.message_id for notice in due})
    assert got["connections"] <= 1 + outbox.HELPERS


@pytest.mark.django_db(transaction=True)
def test_reminder_throughput_of_a_procfile_worker_over_smtp(net, city_a, celery_unread_queue):
    """The worker as the Procfile starts it (`celery worker`, prefork processes), in a
    process of its own, against this test's database and a local SMTP server."""
    import os
    from pathlib import Path

    from django.conf import settings

    count, processes = 2000, 4
    meeting_with_attendees(net, city_a, count)
    due = Notice.objects.filter(offset_minutes=60)
    with counting_smtp_server() as (port, received):
        env = {
            **os.environ,
            "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{connection.settings_dict['NAME']}",
            "EMAIL_URL": f"smtp://127.0.0.1:{port}",
            "PAGE_CACHE_PREFIX": settings.PAGE_CACHE_PREFIX,
        }
        worker = subprocess.Popen(  # noqa: S603 - this interpreter's celery, our own arguments
            [str(Path(sys.executable).parent / "celery"), "-A", "cities4csr", "worker",
             "--pool", "prefork", "--concurrency", str(processes),
             "--queues", celery_unread_queue, "--loglevel", "WARNING", "--without-gossip",
             "--without-mingle", "--without-heartbeat"],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            time.sleep(3)  # the worker's processes start
            started = time.perf_counter()
            meeting_tasks.send_due_reminders.apply_async(queue=celery_unread_queue)
            assert wait_until(
                lambda: due.filter(status=OutboxStatus.SENT).count() == count, timeout=120
            ), f"{due.filter(status=OutboxStatus.SENT).count()} of {count} reminders sent"
            elapsed = time.perf_counter() - started
        finally:
            worker.terminate()
            worker.wait(30)
        got = received()
    print(
        f"\nbench: reminders {count / elapsed:.0f} e-mails/s ({count} e-mails, a Procfile"
        f" worker of {processes} processes, one SMTP connection per batch)"
    )
    assert Counter(got["message_ids"]) == Counter({notice.message_id for notice in due})


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

"""A sweep sends its rows over one SMTP connection, each row still claimed, sent and marked
in a transaction of its own: every e-mail arrives once, whatever fails or runs at once."""

import asyncio
import datetime as dt
import os
import signal
import subprocess
import sys
import threading
import uuid
from collections import Counter
from contextlib import contextmanager
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings as django_settings
from django.db import connection
from django.test.utils import CaptureQueriesContext

from meetings import services as meeting_services
from meetings.models import Attendance, Meeting, Notice
from partners import services
from partners.models import NotificationEmail, User
from portal import tasks
from portal.outbox import MAX_ATTEMPTS, OutboxStatus, send_pending
from tests.factories import UserFactory
from tests.services import Mailbox, free_port, wait_until

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
START = dt.datetime(2031, 2, 16, 9, 0, tzinfo=dt.UTC)


class CountingMailbox(Mailbox):
    """A real SMTP server's mailbox that also counts connections (one EHLO each), refuses
    the given recipients, and closes a connection after every `drop_every` messages, as a
    server with a limit of messages per connection does."""

    def __init__(self, *, refuse=(), drop_every=None, delay=0.0):
        super().__init__()
        self.connections = 0
        self.refuse = set(refuse)
        self.drop_every = drop_every
        self.delay = delay

    async def handle_EHLO(self, server, session, envelope, hostname, responses):  # noqa: N802
        self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: N802
        if address in self.refuse:
            return "550 5.1.1 No such person here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        await asyncio.sleep(self.delay)
        answer = await super().handle_DATA(server, session, envelope)
        session.carried = getattr(session, "carried", 0) + 1
        if self.drop_every and session.carried % self.drop_every == 0:
            asyncio.get_running_loop().call_soon(server.transport.close)  # after the "250"
        return answer

    def message_ids(self) -> Counter:
        return Counter(message["Message-ID"] for message in self.messages)


@contextmanager
def smtp_server(settings, mailbox=None, **behaviour):
    """A real SMTP server on loopback, which Django's mail framework sends to."""
    mailbox = mailbox or CountingMailbox(**behaviour)
    mailbox.port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=mailbox.port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", mailbox.port
    settings.EMAIL_USE_TLS, settings.EMAIL_HOST_USER, settings.EMAIL_HOST_PASSWORD = False, "", ""
    try:
        yield mailbox
    finally:
        controller.stop()


def notification_emails(count: int) -> list[NotificationEmail]:
    people = User.objects.bulk_create(UserFactory.build_batch(count))
    services.notify(recipients=people, title="The roadmap was approved", email=True)
    return list(NotificationEmail.objects.order_by("pk"))


def sweep():
    return send_pending(models=[NotificationEmail], helpers=0)


def meeting_reminders(net, city, count: int) -> Meeting:
    meeting = Meeting.objects.create(
        network=net, number=7, title="Batch", starts_at=START, ends_at=START
    )
    people = User.objects.bulk_create(UserFactory.build_batch(count))
    Attendance.objects.bulk_create(
        Attendance(meeting=meeting, partner=city, user=p) for p in people
    )
    return meeting


def test_a_batch_of_reminders_goes_over_one_connection_and_each_arrives_once(settings, net, city_a):
    meeting_reminders(net, city_a, 40)
    with smtp_server(settings) as server:
        counts = meeting_services.send_due_notices(now=START - dt.timedelta(minutes=30))
    assert counts == {"sent": 40, "skipped": 80, "cancelled": 0, "failed": 0}
    sent = Notice.objects.filter(status=OutboxStatus.SENT)
    assert server.connections == 1
    assert server.message_ids() == Counter({notice.message_id: 1 for notice in sent})
    subjects = {message["Subject"] for message in server.messages}
    assert subjects == {"Reminder: TNM #7: Batch, in 30 minutes"}
    assert all(m.get_content_type() == "multipart/mixed" for m in server.messages)


@pytest.mark.parametrize("people", [10, 40])
def test_each_reminder_costs_the_same_few_queries_however_many_go_out(
    settings, net, city_a, people
):
    meeting_reminders(net, city_a, people)
    meeting_services.plan_due_reminders(now=START - dt.timedelta(minutes=30))
    Notice.objects.exclude(offset_minutes=60).update(status=OutboxStatus.SENT)
    with smtp_server(settings), CaptureQueriesContext(connection) as queries:
        counts = send_pending(models=[Notice], now=START - dt.timedelta(minutes=30), helpers=0)
    assert counts == {OutboxStatus.SENT: people}
    # Per e-mail: a savepoint, the claim, the mark and the release (the test runs in a
    # transaction); per batch of rows: the read ahead and what it prefetches.
    assert len(queries) <= 4 * people + 10


@pytest.mark.django_db(transaction=True)
def test_sweeps_at_once_share_the_rows_and_never_send_one_twice(settings):
    emails = notification_emails(120)
    with smtp_server(settings, delay=0.002) as server:
        results = []

        def run(share):
            try:
                results.append(send_pending(models=[NotificationEmail], helpers=0, share=share))
            finally:
                connection.close()

        # Two sweeps with a share each, as a sweep and its helper, and one with none.
        sweeps = [threading.Thread(target=run, args=(share,)) for share in [(0, 2), (1, 2), (0, 1)]]
        for thread in sweeps:
            thread.start()
        for thread in sweeps:
            thread.join(60)
    assert sum(result[OutboxStatus.SENT] for result in results) == 120
    assert server.message_ids() == Counter({email.message_id: 1 for email in emails})
    assert not NotificationEmail.objects.exclude(status=OutboxStatus.SENT).exists()
    assert server.connections <= 3  # one per sweep that found a row


def test_a_row_that_fails_does_not_stop_the_batch_and_goes_with_the_next_sweep(settings):
    emails = notification_emails(10)
    refused = emails[3].notification.recipient.email
    with smtp_server(settings, refuse=[refused]) as server:
        assert sweep() == Counter({OutboxStatus.SENT: 9, "error": 1})
        failed = NotificationEmail.objects.get(pk=emails[3].pk)
        assert (failed.status, failed.attempts) == (OutboxStatus.PENDING, 1)
        assert "No such person here" in failed.last_error
        assert sorted(m["To"] for m in server.messages) == sorted(
            e.notification.recipient.email for e in emails if e.pk != failed.pk
        )
        server.refuse.clear()  # the address works again
        assert sweep() == Counter({OutboxStatus.SENT: 1})
    assert server.message_ids() == Counter({email.message_id: 1 for email in emails})
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == (OutboxStatus.SENT, 2)


def test_a_row_that_keeps_failing_is_left_failed_while_the_others_go(settings):
    emails = notification_emails(3)
    refused = emails[0].notification.recipient.email
    with smtp_server(settings, refuse=[refused]) as server:
        for _ in range(MAX_ATTEMPTS):
            sweep()
    failed = NotificationEmail.objects.get(pk=emails[0].pk)
    assert (failed.status, failed.attempts) == (OutboxStatus.FAILED, MAX_ATTEMPTS)
    assert Counter(m["To"] for m in server.messages) == Counter(
        {e.notification.recipient.email: 1 for e in emails[1:]}
    )


def test_when_the_server_drops_the_connection_the_rest_go_out_over_a_new_one(settings):
    emails = notification_emails(12)
    with smtp_server(settings, drop_every=5) as server:
        assert sweep() == Counter({OutboxStatus.SENT: 12})
    assert server.message_ids() == Counter({email.message_id: 1 for email in emails})
    assert server.connections == 3  # 5 + 5 + 2
    assert set(NotificationEmail.objects.values_list("attempts", flat=True)) == {1}


class HoldingMailbox(Mailbox):
    """Takes the first messages, then holds one until released: a message counts as
    delivered only if the client is still there to hear "250"."""

    def __init__(self, *, take):
        super().__init__()
        self.take = take
        self.holding = threading.Event()
        self.release = threading.Event()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        if len(self.messages) == self.take and not self.release.is_set():
            self.holding.set()
            while not self.release.is_set():
                await asyncio.sleep(0.05)
            if session.transport is None or session.transport.is_closing():
                return "451 Client went away"
        return await super().handle_DATA(server, session, envelope)


def killed_transaction_gone() -> bool:
    """PostgreSQL has ended the dead worker's transaction, and so released its row lock."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND state = 'idle in transaction'"
        )
        return cursor.fetchone()[0] == 0


@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_batch_leaves_only_the_unsent_rows_pending(settings):
    emails = notification_emails(10)
    queue = f"test-batch-{uuid.uuid4().hex[:8]}"
    with smtp_server(settings, HoldingMailbox(take=3)) as mailbox:
        db = django_settings.DATABASES["default"]
        env = {
            **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
            "EMAIL_URL": f"smtp://127.0.0.1:{mailbox.port}",
        }
        worker = subprocess.Popen(  # noqa: S603
            [sys.executable, "-m", "celery", "-A", "cities4csr", "worker", "--pool", "solo",
             "--queues", queue, "--loglevel", "WARNING"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        try:
            tasks.send_pending_mail.apply_async(queue=queue)
            assert mailbox.holding.wait(60), "the worker never reached the fourth e-mail"
            worker.send_signal(signal.SIGKILL)  # three delivered, the fourth on the wire
            worker.wait(10)
        finally:
            if worker.poll() is None:
                worker.kill()
            mailbox.release.set()
        statuses = dict(NotificationEmail.objects.values_list("pk", "status"))
        # The three the server took are marked, each in its own committed transaction;
        # the one on the wire and those after it wait for the next sweep.
        assert [statuses[email.pk] for email in emails] == (
            [OutboxStatus.SENT] * 3 + [OutboxStatus.PENDING] * 7
        )
        assert wait_until(killed_transaction_gone), "PostgreSQL still holds the killed lock"
        assert sweep() == Counter({OutboxStatus.SENT: 7})
    received = Counter(message["Message-ID"] for message in mailbox.messages)
    assert received == Counter({email.message_id: 1 for email in emails})

"""A worker killed while it talks to the SMTP server: the reminder is not lost, and the
recipient gets it once."""

import asyncio
import datetime as dt
import os
import signal
import subprocess
import sys
import threading
import uuid
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from django.conf import settings

from meetings import services, tasks
from meetings.models import Notice
from portal.outbox import OutboxStatus
from tests.meetings.conftest import START
from tests.services import free_port

ROOT = Path(__file__).resolve().parents[2]


class SlowMailbox:
    """An SMTP server that holds the first message before answering, until released.

    A message counts as delivered only if the client is still there to hear "250",
    as a real mail server commits a message only when it accepts it.
    """

    def __init__(self):
        self.delivered = []
        self.receiving = threading.Event()
        self.release = threading.Event()
        self.answered = threading.Event()
        self.answer_to_held = None
        self.holds = 1

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        if self.holds:
            self.holds -= 1
            self.receiving.set()
            try:
                while not self.release.is_set():
                    await asyncio.sleep(0.05)
            except asyncio.CancelledError:  # aiosmtpd drops the session of a lost client
                self.answer_to_held = "none: the client went away"
                self.answered.set()
                raise
            gone = session.transport is None or session.transport.is_closing()
            self.answer_to_held = "451 Client went away" if gone else "250 Message accepted"
            self.answered.set()
            if gone:
                return self.answer_to_held
        self.delivered.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"


@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_send_loses_nothing_and_sends_nothing_twice(meeting, attending):
    mailbox = SlowMailbox()
    port = free_port()
    smtp = Controller(mailbox, hostname="127.0.0.1", port=port)
    smtp.start()
    queue = f"test-killed-{uuid.uuid4().hex[:8]}"
    db = settings.DATABASES["default"]
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "EMAIL_URL": f"smtp://127.0.0.1:{port}",
    }
    worker = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "celery", "-A", "cities4csr", "worker", "--pool", "solo",
         "--queues", queue, "--loglevel", "WARNING"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        now = START - dt.timedelta(hours=1)
        tasks.send_due_reminders.apply_async(args=[now.isoformat()], queue=queue)
        assert mailbox.receiving.wait(60), "the worker never reached the SMTP server"
        worker.send_signal(signal.SIGKILL)  # mid-send: the server has not accepted yet
        worker.wait(10)
        mailbox.release.set()
        assert mailbox.answered.wait(10), "the server never answered the held message"
        assert mailbox.answer_to_held in ("none: the client went away", "451 Client went away")
        assert mailbox.delivered == []
        # The notice the worker was sending (the 1-hour one: the 7-day and 1-day ones, due
        # too, were skipped) waits, unlocked, for the next sweep: its lock died with the
        # worker's connection.
        killed = Notice.objects.get(offset_minutes=60)
        assert killed.status == OutboxStatus.PENDING
        assert Notice.objects.filter(status=OutboxStatus.PENDING).count() == 1

        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(settings, "EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
            patch.setattr(settings, "EMAIL_HOST", "127.0.0.1")
            patch.setattr(settings, "EMAIL_PORT", port)
            services.send_due_notices(now=now)
            services.send_due_notices(now=now)
        subjects = sorted(m["Subject"].rsplit(", in ", 1)[1] for m in mailbox.delivered)
        assert subjects == ["1 hour"]  # once, the killed one
        assert not Notice.objects.exclude(
            status__in=[OutboxStatus.SENT, OutboxStatus.SKIPPED]
        ).exists()
        resent = next(m for m in mailbox.delivered if m["Subject"].endswith("in 1 hour"))
        assert resent["Message-ID"] == f"<notice-{killed.pk}@127.0.0.1>"
    finally:
        if worker.poll() is None:
            worker.kill()
        smtp.stop()

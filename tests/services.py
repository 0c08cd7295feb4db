"""Test helpers around the real services: the broker going away, a real SMTP server."""

import socket
import time
from contextlib import contextmanager
from email import message_from_bytes, policy

from aiosmtpd.controller import Controller


@contextmanager
def unreachable_broker():
    """Point the Celery app at a port where nothing listens, as when Redis is down."""
    from cities4csr.celery import app

    good = app.conf.broker_url

    def reset_pools():
        app._pool = None
        app.amqp._producer_pool = None

    app.conf.broker_url = "redis://127.0.0.1:9/0"
    reset_pools()
    try:
        yield
    finally:
        app.conf.broker_url = good
        reset_pools()


class Mailbox:
    """What a real SMTP server on loopback received, parsed as e-mail messages."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"

    def wait_for(self, count, timeout=15.0):
        deadline = time.monotonic() + timeout
        while len(self.messages) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.messages


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def smtp_server():
    """A real SMTP server on a free loopback port; `mailbox.port` says which."""
    mailbox = Mailbox()
    mailbox.port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=mailbox.port)
    controller.start()
    try:
        yield mailbox
    finally:
        controller.stop()


def wait_until(condition, timeout=15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()

"""The one outbox: every e-mail the portal sends is a row first, sent by `send_one`.

A row is created in the transaction that decides to send it, so nothing is lost if the
broker or the mail server is down: the beat sweep (`send_pending`) sends whatever is
still pending. `send_one` claims a row with SELECT … FOR UPDATE SKIP LOCKED, keeps the
lock while it talks to the mail server and marks the row in the same transaction: two
workers, a retried task or a doubled beat tick never send a row twice. A worker killed
after the server took the message but before the commit leaves the row pending; it is
sent again with the same Message-ID, which mail clients use to show it once.

There is no committed "sending" state on purpose: the row lock is that state, and
PostgreSQL releases it when a worker dies, where a stored "sending" would need a timeout
to be taken back and could then send twice.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable

from django.apps import apps
from django.conf import settings
from django.core.mail import EmailMessage
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

log = logging.getLogger(__name__)

#: A row that failed this many times is marked failed and left for a person in the admin.
MAX_ATTEMPTS = 8


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")
    SKIPPED = "skipped", _("Skipped: too late")


class OutboxItem(models.Model):
    """An e-mail waiting to go out. Subclasses say what it says in `build_message`."""

    status = models.CharField(
        _("e-mail status"),
        max_length=20,
        choices=OutboxStatus.choices,
        default=OutboxStatus.PENDING,
    )
    due_at = models.DateTimeField(_("due at"), default=timezone.now)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        abstract = True
        indexes = [
            models.Index(fields=["due_at"], condition=Q(status="pending"), name="%(class)s_due")
        ]

    @classmethod
    def claimable(cls, rows: models.QuerySet) -> models.QuerySet:
        """The rows with what `build_message` reads (override to add select_related)."""
        return rows

    def status_before_sending(self, *, now) -> str | None:
        """A status to record instead of sending (e.g. cancelled), or None to send."""
        return None

    def build_message(self, *, now) -> EmailMessage:
        """The e-mail, as it reads at `now` (the sweep's clock)."""
        raise NotImplementedError

    #: The start of each row's Message-ID; a resent row keeps the same one.
    message_id_prefix = ""

    @property
    def message_id(self) -> str:
        domain = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
        prefix = self.message_id_prefix or self._meta.label_lower.replace(".", "-")
        return f"<{prefix}-{self.pk}@{domain}>"


def outbox_models() -> list[type[OutboxItem]]:
    return [m for m in apps.get_models() if issubclass(m, OutboxItem)]


def send_one(model: type[OutboxItem], *, pk=None, now=None, exclude=()) -> tuple[str, int] | None:
    """Claim one due pending row (the given one, or the oldest) and send it.

    Returns (outcome, pk), outcome being the row's new status, or None if there was
    nothing to claim (already sent, not due, or being sent by another worker)."""
    now = now or timezone.now()
    with transaction.atomic():
        rows = model.objects.select_for_update(skip_locked=True, of=("self",)).filter(
            status=OutboxStatus.PENDING, due_at__lte=now
        )
        if pk is not None:
            rows = rows.filter(pk=pk)
        item = model.claimable(rows).exclude(pk__in=list(exclude)).order_by("due_at", "pk").first()
        if item is None:
            return None
        return _deliver(item, now=now), item.pk


def one_line(subject) -> str:
    """A subject as one line of plain text: a line break in a title would make the mail
    library refuse the message, and every retry of it, for good."""
    return " ".join(str(subject).split())


def _deliver(item: OutboxItem, *, now) -> str:
    """Send one claimed row; its lock is held by the caller's transaction."""
    instead = item.status_before_sending(now=now)
    if instead is not None:
        item.status = instead
        item.save(update_fields=["status"])
        return instead
    try:
        message = item.build_message(now=now)
        message.subject = one_line(message.subject)
        message.extra_headers.setdefault("Message-ID", item.message_id)
        message.send()
    except Exception as exc:  # any transport error: count it; the next sweep tries again
        item.attempts += 1
        item.last_error = str(exc)[:2000]
        if item.attempts >= MAX_ATTEMPTS:
            item.status = OutboxStatus.FAILED
        item.save(update_fields=["attempts", "last_error", "status"])
        log.warning("%s %s could not be sent: %s", item._meta.verbose_name, item.pk, exc)
        return "error"
    item.status = OutboxStatus.SENT
    item.sent_at = timezone.now()
    item.attempts += 1
    item.save(update_fields=["status", "sent_at", "attempts"])
    return OutboxStatus.SENT


def send_pending(
    *, models: Iterable[type[OutboxItem]] | None = None, now=None, limit: int = 500
) -> Counter:
    """Send every due row, each once; a row that fails is tried again by the next sweep."""
    counts: Counter = Counter()
    for model in models or outbox_models():
        tried: list[int] = []
        for _attempt in range(limit):
            outcome = send_one(model, now=now, exclude=tried)
            if outcome is None:
                break
            status, pk = outcome
            counts[status] += 1
            if status == "error":
                tried.append(pk)
    return counts


def send_soon(items: Iterable[OutboxItem]) -> None:
    """After commit, ask a worker to send these rows now; if the broker is down, the beat
    sweep sends them later."""
    keys = [(item._meta.label, item.pk) for item in items]
    if keys:
        transaction.on_commit(lambda: _enqueue("send_outbox_item", keys))


def sweep_soon() -> None:
    """After commit, ask a worker for a sweep (for rows made without their keys)."""
    transaction.on_commit(lambda: _enqueue("send_pending_mail", [()]))


def _enqueue(task_name: str, calls) -> None:
    from kombu.exceptions import OperationalError

    from . import tasks

    for args in calls:
        try:
            getattr(tasks, task_name).delay(*args)
        except OperationalError:
            log.warning("Broker unreachable; the e-mails wait for the beat sweep")
            return


def send_again(rows: models.QuerySet) -> int:
    """A person in the admin asks for failed or cancelled rows to be tried again."""
    with transaction.atomic():
        items = list(rows.select_for_update().exclude(status=OutboxStatus.SENT))
        for item in items:
            item.status = OutboxStatus.PENDING
            item.attempts = 0
            item.last_error = ""
            item.due_at = timezone.now()
            item.save(update_fields=["status", "attempts", "last_error", "due_at"])
        send_soon(items)
    return len(items)

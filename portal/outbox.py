"""The one outbox: every e-mail the portal sends is a row first, sent by a sweep.

A row is created in the transaction that decides to send it, so nothing is lost if the
broker or the mail server is down: the beat sweep (`send_pending`) sends whatever is
still pending. A sweep sends its rows over one SMTP connection, but each row in a
transaction of its own: it claims the row with SELECT … FOR UPDATE SKIP LOCKED, keeps the
lock while it talks to the mail server and marks the row in the same transaction. Two
workers, a retried task or a doubled beat tick never send a row twice, and several sweeps
at once share the rows between them (a sweep that finds many rows due asks the workers
for helpers). A worker killed after the server took a message but before the commit leaves
that one row pending; it is sent again with the same Message-ID, which mail clients use to
show it once.

What the e-mails say (the person, the meeting) is read for a batch of rows at once, a
moment before each row is claimed; whether a row still goes is its status, read under the
lock, and the changes that stop an e-mail (a cancelled meeting, a revoked invitation) set
that status.

There is no committed "sending" state on purpose: the row lock is that state, and
PostgreSQL releases it when a worker dies, where a stored "sending" would need a timeout
to be taken back and could then send twice.
"""

from __future__ import annotations

import contextlib
import logging
import math
import secrets
import smtplib
from collections import Counter, defaultdict
from collections.abc import Iterable
from email.policy import Compat32

from django.apps import apps
from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import connection, models, transaction
from django.db.models import Q
from django.db.models.functions import Mod
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

log = logging.getLogger(__name__)

#: A row that failed this many times is marked failed and left for a person in the admin.
MAX_ATTEMPTS = 8
#: Rows read at once with what their e-mails need, and rows handed to one task.
BATCH_SIZE = 100
#: Sweeps a sweep asks of the workers when more than a batch of rows is due (a meeting of
#: many people, a sweep after an outage), so that the workers' processes share the rows.
HELPERS = 3


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
    def claimable(cls, rows: models.QuerySet, *, now) -> models.QuerySet:
        """The rows with what `status_before_sending` and `build_message` read at the
        sweep's clock `now`, so that a batch costs a few queries, not a few per row
        (override to add select_related, prefetch_related or annotations)."""
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


class PlainHeaders(Compat32):
    """The mail library's own policy, but a header that needs no folding nor encoding (a
    short line of plain ASCII, single-spaced) is written as it is: the library would build
    and encode a Header object for it (17 µs, 14 times per e-mail) to the same bytes."""

    def _fold(self, name, value, sanitize):
        if (
            isinstance(value, str)
            and value.isascii()
            and len(name) + len(value) + 2 <= (self.max_line_length or 78)
            and value == value.strip()
            and "  " not in value
            and not any(c in value for c in "\r\n\t")
        ):
            return f"{name}: {value}{self.linesep}"
        return super()._fold(name, value, sanitize)


PLAIN_HEADERS = PlainHeaders()


class OutboxEmail(EmailMessage):
    """An e-mail whose MIME boundary is drawn at random (128 bits) instead of searched for:
    for each message with an attachment the mail library would otherwise compile a new
    regular expression to prove its boundary absent from the text (0.1 ms of CPU); its
    plain headers are written as they are (`PlainHeaders`)."""

    def message(self, **kwargs):
        message = super().message(**kwargs)
        if message.is_multipart():
            message.set_boundary(f"=_{secrets.token_hex(16)}")
        message.policy = PLAIN_HEADERS
        return message


def one_line(subject) -> str:
    """A subject as one line of plain text: a line break in a title would make the mail
    library refuse the message, and every retry of it, for good."""
    return " ".join(str(subject).split())


class MailConnection:
    """One SMTP connection for many e-mails: opened for the first, opened again when the
    server has dropped it, closed at the end (`with MailConnection() as mail:`)."""

    def __init__(self):
        self._backend = None
        self._carried = 0  # e-mails sent over the open connection

    def __enter__(self) -> MailConnection:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def send(self, message: EmailMessage) -> None:
        """Send one e-mail. When the connection has carried e-mails before and the server
        has closed it since (an idle timeout, a limit of messages per connection), the
        e-mail goes again over a new one; any other failure is the caller's."""
        reused = self._carried > 0
        try:
            self._send(message)
        except Exception as exc:
            self.close()  # in an unknown state: the next e-mail gets a new connection
            if not (reused and _connection_lost(exc)):
                raise
            log.info("The SMTP server closed the connection (%s); opening a new one", exc)
            self._send(message)

    def _send(self, message: EmailMessage) -> None:
        if self._backend is None:
            backend = get_connection()
            backend.open()
            self._backend, self._carried = backend, 0
        self._backend.send_messages([message])
        self._carried += 1

    def close(self) -> None:
        backend, self._backend, self._carried = self._backend, None, 0
        if backend is not None:
            with contextlib.suppress(smtplib.SMTPException, OSError):  # going away anyway
                backend.close()


def _connection_lost(exc: Exception) -> bool:
    if isinstance(exc, smtplib.SMTPServerDisconnected | ConnectionError):
        return True
    return isinstance(exc, smtplib.SMTPResponseException) and exc.smtp_code == 421


class _Sweep:
    """The due rows of one kind (or the given ones), claimed one at a time, oldest first.

    The claim reads only the row's key; a batch of rows is read ahead with what their
    e-mails need (`claimable`). Sweeps that run together (a sweep and its helpers) each
    take their own share of the rows first (key modulo the number of sweeps), so that the
    rows one has read ahead are not taken by the others; then each takes whatever is still
    due, in case a helper never came.
    """

    def __init__(
        self, model: type[OutboxItem], *, now, mail: MailConnection, pks=None, share=(0, 1)
    ):
        self.model, self.now, self.mail = model, now, mail
        self.pks = None if pks is None else list(pks)
        self.share = share  # (part, parts): rows whose key modulo parts is part
        self.tried: set[int] = set()  # rows that failed in this sweep: the next one retries
        self.ahead: dict[int, OutboxItem] = {}

    def send_next(self) -> tuple[str, int] | None:
        """Claim, send and mark the oldest due row that no one else holds; its new status
        (or "error") and key, or None when there is none left."""
        with transaction.atomic():
            claimed = self._claim()
            if claimed is None and self.share[1] > 1:
                self.share, self.ahead = (0, 1), {}  # our share is sent: any row now
                claimed = self._claim()
            if claimed is None:
                return None
            item = self._read(*claimed)
            outcome = _deliver(item, now=self.now, mail=self.mail)
        if outcome == "error":
            self.tried.add(item.pk)
        return outcome, item.pk

    def _claim(self) -> tuple[int, int] | None:
        return _claim(self.model, now=self.now, pks=self.pks, tried=self.tried, share=self.share)

    def _read(self, pk: int, attempts: int) -> OutboxItem:
        if pk not in self.ahead:
            rows = self.model.objects.filter(status=OutboxStatus.PENDING, due_at__lte=self.now)
            if self.pks is not None:
                rows = rows.filter(pk__in=self.pks)
            part, parts = self.share
            if parts > 1:
                rows = rows.alias(part=Mod("pk", parts)).filter(part=part)
            batch = self.model.claimable(rows.exclude(pk__in=self.tried), now=self.now)
            self.ahead = {item.pk: item for item in batch.order_by("due_at")[:BATCH_SIZE]}
        item = self.ahead.pop(pk, None)
        if item is None:  # more than a batch of rows before it, held by other sweeps
            item = self.model.claimable(self.model.objects.filter(pk=pk), now=self.now).get()
        item.attempts = attempts  # as it is now, under the lock
        return item


# The claim and the marks run once per e-mail: they are written in SQL, where the ORM would
# spend ten times as long building each query as PostgreSQL takes to run it (0.45 against
# 0.04 ms of CPU for the claim). Names come from the model; every value is a parameter.


def _claim(model: type[OutboxItem], *, now, pks, tried, share) -> tuple[int, int] | None:
    """Lock the oldest due pending row that no one else holds: its key and attempts.

    Ordered by due_at alone, which the partial index gives without sorting the due rows
    (rows due at the same moment come in index order)."""
    table, key = _quoted(model._meta.db_table), _quoted(model._meta.pk.column)
    given = f" AND {key} = ANY(%(pks)s)" if pks is not None else ""
    part, parts = share
    shared = f" AND {key} %% %(parts)s = %(part)s" if parts > 1 else ""
    sql = (
        f"SELECT {key}, attempts FROM {table} WHERE status = %(pending)s"  # noqa: S608
        f" AND due_at <= %(now)s{given}{shared} AND NOT ({key} = ANY(%(tried)s))"
        " ORDER BY due_at LIMIT 1 FOR UPDATE SKIP LOCKED"
    )
    params = {
        "pending": OutboxStatus.PENDING.value,
        "now": now,
        "pks": pks,
        "tried": list(tried),
        "part": part,
        "parts": parts,
    }
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def _mark(item: OutboxItem, **fields) -> None:
    """Record a claimed row's new state, in the transaction that holds its lock."""
    meta = item._meta
    columns = ", ".join(f"{_quoted(meta.get_field(name).column)} = %s" for name in fields)
    sql = f"UPDATE {_quoted(meta.db_table)} SET {columns} WHERE {_quoted(meta.pk.column)} = %s"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(sql, [*fields.values(), item.pk])


def _quoted(name: str) -> str:
    return connection.ops.quote_name(name)


def _deliver(item: OutboxItem, *, now, mail: MailConnection) -> str:
    """Send one claimed row; its lock is held by the caller's transaction."""
    instead = item.status_before_sending(now=now)
    if instead is not None:
        _mark(item, status=str(instead))
        return instead
    try:
        message = item.build_message(now=now)
        message.subject = one_line(message.subject)
        message.extra_headers.setdefault("Message-ID", item.message_id)
        mail.send(message)
    except Exception as exc:  # any transport error: count it; the next sweep tries again
        attempts = item.attempts + 1
        status = OutboxStatus.FAILED if attempts >= MAX_ATTEMPTS else OutboxStatus.PENDING
        _mark(item, attempts=attempts, last_error=str(exc)[:2000], status=status.value)
        log.warning("%s %s could not be sent: %s", item._meta.verbose_name, item.pk, exc)
        return "error"
    _mark(item, status=OutboxStatus.SENT.value, sent_at=timezone.now(), attempts=item.attempts + 1)
    return OutboxStatus.SENT


def _sweep(
    model, *, mail: MailConnection, now=None, limit: int = 500, pks=None, share=(0, 1)
) -> Counter:
    sweep = _Sweep(model, now=now or timezone.now(), mail=mail, pks=pks, share=share)
    counts: Counter = Counter()
    for _attempt in range(limit):
        outcome = sweep.send_next()
        if outcome is None:
            break
        counts[outcome[0]] += 1
    return counts


def send_pending(
    *,
    models: Iterable[type[OutboxItem]] | None = None,
    now=None,
    limit: int = 500,
    helpers: int = HELPERS,
    share: tuple[int, int] = (0, 1),
) -> Counter:
    """Send every due row, each once, over one SMTP connection; a row that fails is tried
    again by the next sweep. When more than a batch of rows is due, up to `helpers` more
    sweeps are asked of the workers, each with its `share` of the rows."""
    counts: Counter = Counter()
    with MailConnection() as mail:
        for model in models or outbox_models():
            at = now or timezone.now()
            parts = 1 + (
                _ask_for_helpers(model, now=at, limit=limit, most=helpers) if helpers else 0
            )
            own = (0, parts) if parts > 1 else share
            counts.update(_sweep(model, mail=mail, now=at, limit=limit, share=own))
    return counts


def _ask_for_helpers(model: type[OutboxItem], *, now, limit: int, most: int) -> int:
    """Ask the workers for more sweeps of this kind when more than a batch of rows is due
    (a meeting of many people, a sweep after an outage); how many were asked for."""
    due = model.objects.filter(status=OutboxStatus.PENDING, due_at__lte=now)
    batches = math.ceil(due[: BATCH_SIZE * (most + 1)].count() / BATCH_SIZE)
    wanted = max(0, min(most, batches - 1))
    calls = [
        (model._meta.label, now.isoformat(), limit, part, wanted + 1)
        for part in range(1, wanted + 1)
    ]
    if calls:
        where = _queue_of_this_task()
        transaction.on_commit(lambda: _enqueue("send_outbox_sweep", calls, **where))
    return wanted


def send_batch(model: type[OutboxItem], pks: Iterable[int], *, now=None) -> Counter:
    """Send these rows (those still due and pending) over one SMTP connection."""
    pks = list(pks)
    with MailConnection() as mail:
        return _sweep(model, mail=mail, now=now, limit=len(pks), pks=pks)


def send_one(model: type[OutboxItem], *, pk=None, now=None, exclude=()) -> tuple[str, int] | None:
    """Claim one due pending row (the given one, or the oldest) and send it.

    Returns (outcome, pk), outcome being the row's new status, or None if there was
    nothing to claim (already sent, not due, or being sent by another worker)."""
    with MailConnection() as mail:
        sweep = _Sweep(
            model, now=now or timezone.now(), mail=mail, pks=None if pk is None else [pk]
        )
        sweep.tried.update(exclude)
        return sweep.send_next()


def send_soon(items: Iterable[OutboxItem]) -> None:
    """After commit, ask the workers to send these rows now, in batches that each share
    one SMTP connection; if the broker is down, the beat sweep sends them later."""
    keys: dict[str, list[int]] = defaultdict(list)
    for item in items:
        keys[item._meta.label].append(item.pk)
    calls = [
        (label, pks[start : start + BATCH_SIZE])
        for label, pks in keys.items()
        for start in range(0, len(pks), BATCH_SIZE)
    ]
    if calls:
        transaction.on_commit(lambda: _enqueue("send_outbox_batch", calls))


def sweep_soon() -> None:
    """After commit, ask a worker for a sweep (for rows made without their keys)."""
    transaction.on_commit(lambda: _enqueue("send_pending_mail", [()]))


def _enqueue(task_name: str, calls, **options) -> None:
    from kombu.exceptions import OperationalError

    from . import tasks

    for args in calls:
        try:
            getattr(tasks, task_name).apply_async(args, **options)
        except OperationalError:
            log.warning("Broker unreachable; the e-mails wait for the beat sweep")
            return


def _queue_of_this_task() -> dict:
    """The queue the running task came from, if any: its helpers go to the same workers."""
    from celery import current_task

    delivery = getattr(getattr(current_task, "request", None), "delivery_info", None) or {}
    return {"queue": delivery["routing_key"]} if delivery.get("routing_key") else {}


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

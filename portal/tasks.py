import datetime as dt

from celery import shared_task
from django.apps import apps

from . import outbox


@shared_task(acks_late=True, autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def send_outbox_batch(label: str, pks: list[int]) -> dict:
    """Send these outbox rows now over one SMTP connection (a row that was sent, or is
    being sent by another worker, is left alone)."""
    return dict(outbox.send_batch(apps.get_model(label), pks))


@shared_task(acks_late=True, autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def send_outbox_item(label: str, pk: int) -> str | None:
    """Send one outbox row now (it is a no-op if it was sent or is being sent); rows are
    now handed over in batches, this serves the tasks queued one row at a time before."""
    outcome = outbox.send_one(apps.get_model(label), pk=pk)
    return outcome[0] if outcome else None


@shared_task(acks_late=True)
def send_outbox_sweep(label: str, now: str, limit: int, part: int, parts: int) -> dict:
    """Help a sweep that found many rows due: this share of them first, then any still due
    (each row is claimed, so each is sent once by whichever sweep gets it first)."""
    model, at = apps.get_model(label), dt.datetime.fromisoformat(now)
    counts = outbox.send_pending(
        models=[model], now=at, limit=limit, helpers=0, share=(part, parts)
    )
    return dict(counts)


@shared_task
def send_pending_mail() -> dict:
    """Beat sweep: every e-mail still due, of every kind (the broker may have been down)."""
    return dict(outbox.send_pending())

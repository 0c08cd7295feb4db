from celery import shared_task
from django.apps import apps

from . import outbox


@shared_task(acks_late=True, autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def send_outbox_item(label: str, pk: int) -> str | None:
    """Send one outbox row now (it is a no-op if it was sent or is being sent)."""
    outcome = outbox.send_one(apps.get_model(label), pk=pk)
    return outcome[0] if outcome else None


@shared_task
def send_pending_mail() -> dict:
    """Beat sweep: every e-mail still due, of every kind (the broker may have been down)."""
    return dict(outbox.send_pending())

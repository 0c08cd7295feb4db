import datetime as dt

from celery import shared_task

from . import services


@shared_task(acks_late=True, autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def end_peer_reviews(today: str | None = None) -> int:
    """Beat runs this hourly: documents whose paired cities' days are over go to the
    reviewers. Each is ended on its locked row, so a doubled tick ends nothing twice;
    `today` (ISO date) lets a caller pin the date."""
    return services.end_peer_reviews_due(today=dt.date.fromisoformat(today) if today else None)

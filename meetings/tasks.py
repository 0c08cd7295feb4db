import datetime as dt

from celery import shared_task

from . import services


@shared_task
def send_due_reminders(now: str | None = None) -> dict:
    """Beat runs this every minute. `now` (ISO 8601) lets a caller pin the clock."""
    return services.send_due_notices(now=dt.datetime.fromisoformat(now) if now else None)

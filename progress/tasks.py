import datetime as dt

from celery import shared_task

from . import services


@shared_task
def send_obligation_reminders(today: str | None = None) -> dict:
    """Beat runs this hourly; `today` (ISO date) lets a caller pin the date."""
    return services.send_obligation_reminders(today=dt.date.fromisoformat(today) if today else None)


@shared_task(name="iap.tasks.send_deadline_reminders")
def send_deadline_reminders(today: str | None = None) -> dict:
    """The name beat used before obligations: a schedule stored under it still works."""
    return send_obligation_reminders(today)

from celery import shared_task

from . import services

HEARTBEAT_KEY = "celery:heartbeat"


@shared_task(acks_late=True, autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def send_notification_email(notification_id: int) -> bool:
    return services.send_notification_email(notification_id=notification_id)


@shared_task(acks_late=True, autoretry_for=(ConnectionError,), retry_backoff=True, max_retries=5)
def send_invitation_email(invitation_id: int) -> bool:
    return services.send_invitation_email(invitation_id=invitation_id)


@shared_task
def send_pending_emails() -> int:
    """Beat sweep: send every e-mail that is still due (the broker may have been down)."""
    notifications = sum(
        services.send_notification_email(notification_id=pk) for pk in services.pending_email_ids()
    )
    invitations = sum(
        services.send_invitation_email(invitation_id=pk) for pk in services.pending_invitation_ids()
    )
    return notifications + invitations


@shared_task
def health_ping() -> str:
    """Leave a heartbeat that shows a worker is alive and takes work from the broker."""
    from django.core.cache import cache
    from django.utils import timezone

    cache.set(HEARTBEAT_KEY, timezone.now().isoformat(), timeout=60 * 60)
    return "pong"

"""Changes to people and notifications. Other apps call `notify` to reach people."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.utils import timezone

from .models import Membership, Notification, User
from .roles import forget_memberships

log = logging.getLogger(__name__)

#: An e-mail that failed this many times is left for a person to look at in the admin.
MAX_EMAIL_ATTEMPTS = 8


def notify(
    *,
    recipients: Iterable[User],
    title: str,
    body: str = "",
    url: str = "",
    network=None,
    email: bool = False,
) -> list[Notification]:
    """Put a notification in each recipient's inbox and, if asked, e-mail it after commit.

    The rows are the outbox: if the broker is down when the transaction commits, the
    periodic `send_pending_emails` sweep sends them later, so nothing is lost.
    """
    unique = {user.pk: user for user in recipients if user is not None and user.is_active}
    rows = Notification.objects.bulk_create(
        Notification(
            recipient=user,
            network=network,
            title=title[:300],
            body=body,
            url=url,
            email_wanted=email,
        )
        for user in unique.values()
    )
    if email and rows:
        ids = [row.pk for row in rows]
        transaction.on_commit(lambda: _enqueue_emails(ids))
    return rows


def _enqueue_emails(ids: list[int]) -> None:
    from kombu.exceptions import OperationalError

    from .tasks import send_notification_email

    for pk in ids:
        try:
            send_notification_email.delay(pk)
        except OperationalError:
            log.warning("Broker unreachable; notification %s waits for the sweep", pk)
            return


def send_notification_email(*, notification_id: int) -> bool:
    """Send one notification's e-mail at most once; True if this call sent it.

    The row is locked while sending, so two workers never send the same e-mail, and it
    is marked sent in the same transaction, so a failed send is tried again later.
    """
    with transaction.atomic():
        row = (
            Notification.objects.select_for_update(skip_locked=True)
            .select_related("recipient")
            .filter(
                pk=notification_id,
                email_wanted=True,
                email_sent_at__isnull=True,
                email_attempts__lt=MAX_EMAIL_ATTEMPTS,
            )
            .first()
        )
        if row is None:
            return False
        try:
            _message_for(row).send()
        except Exception as exc:  # any transport error: count it, retry later
            Notification.objects.filter(pk=row.pk).update(
                email_attempts=row.email_attempts + 1, email_last_error=str(exc)[:2000]
            )
            log.warning("E-mail for notification %s failed: %s", row.pk, exc)
            return False
        row.email_sent_at = timezone.now()
        row.email_attempts += 1
        row.save(update_fields=["email_sent_at", "email_attempts"])
        return True


def pending_email_ids(*, limit: int = 500) -> list[int]:
    return list(
        Notification.objects.filter(
            email_wanted=True, email_sent_at__isnull=True, email_attempts__lt=MAX_EMAIL_ATTEMPTS
        )
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )


def _message_for(row: Notification) -> EmailMessage:
    link = (
        f"\n\n{settings.SITE_URL}{row.url}"
        if row.url.startswith("/")
        else (f"\n\n{row.url}" if row.url else "")
    )
    return EmailMessage(
        subject=f"[CITIES4CSR portal] {row.title}",
        body=f"{row.body}{link}".strip() or row.title,
        to=[row.recipient.email],
    )


def notification_mark_read(*, user: User, notification_ids: Iterable[int] | None = None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_ids is not None:
        qs = qs.filter(pk__in=list(notification_ids))
    return qs.update(read_at=timezone.now())


def membership_grant(*, user: User, network, role: str, partner=None) -> Membership:
    membership, _ = Membership.objects.get_or_create(
        user=user, network=network, role=role, partner=partner
    )
    forget_memberships(user)
    return membership

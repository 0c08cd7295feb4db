"""Changes to people and notifications. Other apps call `notify` to reach people."""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from .models import CityGroup, Invitation, Membership, Notification, User
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


# Invitations -----------------------------------------------------------------------------

INVITATION_VALID_FOR = timedelta(days=7)
_INVITATION_SALT = "partners.invitation"


class InvitationError(Exception):
    """The link cannot be used; `reason` is one of: invalid, expired, used, revoked."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def invitation_token(invitation: Invitation) -> str:
    return signing.dumps({"i": invitation.pk, "n": invitation.nonce}, salt=_INVITATION_SALT)


def invitation_link(invitation: Invitation) -> str:
    return reverse(
        "partners:invitation_accept",
        kwargs={"network_slug": invitation.network.slug, "token": invitation_token(invitation)},
    )


@transaction.atomic
def invitation_create(
    *, network, invited_by: User, email: str, role: str, partner=None
) -> Invitation:
    invitation = Invitation(
        network=network,
        partner=partner,
        email=User.objects.normalize_email(email).lower(),
        role=role,
        invited_by=invited_by,
        nonce=secrets.token_urlsafe(24),
        expires_at=timezone.now() + INVITATION_VALID_FOR,
    )
    invitation.full_clean()
    invitation.save()
    transaction.on_commit(lambda: _enqueue_invitation(invitation.pk))
    return invitation


@transaction.atomic
def invitation_resend(*, invitation: Invitation) -> Invitation:
    """A fresh link, valid for another 7 days; the old link stops working."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at or invitation.revoked_at:
        raise InvitationError("used" if invitation.accepted_at else "revoked")
    invitation.nonce = secrets.token_urlsafe(24)
    invitation.expires_at = timezone.now() + INVITATION_VALID_FOR
    invitation.email_sent_at = None
    invitation.email_attempts = 0
    invitation.save(update_fields=["nonce", "expires_at", "email_sent_at", "email_attempts"])
    transaction.on_commit(lambda: _enqueue_invitation(invitation.pk))
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation: Invitation) -> Invitation:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.accepted_at and not invitation.revoked_at:
        invitation.revoked_at = timezone.now()
        invitation.nonce = ""
        invitation.save(update_fields=["revoked_at", "nonce"])
    return invitation


def invitation_from_token(*, token: str, network, lock: bool = False) -> Invitation:
    """The open invitation a link stands for, or InvitationError saying why not."""
    try:
        data = signing.loads(token, salt=_INVITATION_SALT)
        pk, nonce = int(data["i"]), str(data["n"])
    except (signing.BadSignature, KeyError, TypeError, ValueError) as exc:
        raise InvitationError("invalid") from exc
    rows = Invitation.objects.select_related("network", "partner")
    if lock:
        rows = rows.select_for_update(of=("self",))
    invitation = rows.filter(pk=pk, network=network).first()
    if invitation is None:
        raise InvitationError("invalid")
    if invitation.accepted_at:
        raise InvitationError("used")
    if invitation.revoked_at:
        raise InvitationError("revoked")
    if not nonce or nonce != invitation.nonce:
        raise InvitationError("invalid")  # an older link of a resent invitation
    if invitation.expires_at <= timezone.now():
        raise InvitationError("expired")
    return invitation


@transaction.atomic
def invitation_accept(
    *, token: str, network, user: User | None = None, full_name: str = "", password: str = ""
) -> tuple[User, Invitation]:
    """Use the link once: create the account (or use the logged-in one) and grant the role."""
    invitation = invitation_from_token(token=token, network=network, lock=True)
    if user is None:
        user = User.objects.filter(email__iexact=invitation.email).first()
        if user is not None:
            raise InvitationError("account_exists")
        user = User.objects.create_user(
            email=invitation.email, password=password, full_name=full_name
        )
    elif user.email.lower() != invitation.email.lower():
        raise InvitationError("other_account")
    membership_grant(
        user=user, network=invitation.network, role=invitation.role, partner=invitation.partner
    )
    invitation.accepted_at = timezone.now()
    invitation.nonce = ""
    invitation.save(update_fields=["accepted_at", "nonce"])
    return user, invitation


def _enqueue_invitation(pk: int) -> None:
    from kombu.exceptions import OperationalError

    from .tasks import send_invitation_email

    try:
        send_invitation_email.delay(pk)
    except OperationalError:
        log.warning("Broker unreachable; invitation %s waits for the sweep", pk)


def send_invitation_email(*, invitation_id: int) -> bool:
    """Send the invitation's e-mail once; the row is the outbox, as for notifications."""
    with transaction.atomic():
        invitation = (
            Invitation.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("network", "partner", "invited_by")
            .filter(
                pk=invitation_id,
                email_sent_at__isnull=True,
                accepted_at__isnull=True,
                revoked_at__isnull=True,
                email_attempts__lt=MAX_EMAIL_ATTEMPTS,
            )
            .first()
        )
        if invitation is None:
            return False
        context = {
            "invitation": invitation,
            "link": f"{settings.SITE_URL}{invitation_link(invitation)}",
            "valid_days": INVITATION_VALID_FOR.days,
        }
        message = EmailMessage(
            subject=render_to_string("partners/email/invitation_subject.txt", context).strip(),
            body=render_to_string("partners/email/invitation.txt", context),
            to=[invitation.email],
        )
        try:
            message.send()
        except Exception as exc:  # any transport error: count it, retry later
            Invitation.objects.filter(pk=invitation.pk).update(
                email_attempts=invitation.email_attempts + 1
            )
            log.warning("Invitation e-mail %s failed: %s", invitation.pk, exc)
            return False
        invitation.email_sent_at = timezone.now()
        invitation.email_attempts += 1
        invitation.save(update_fields=["email_sent_at", "email_attempts"])
        return True


def pending_invitation_ids(*, limit: int = 500) -> list[int]:
    return list(
        Invitation.objects.filter(
            email_sent_at__isnull=True,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
            email_attempts__lt=MAX_EMAIL_ATTEMPTS,
        ).values_list("pk", flat=True)[:limit]
    )


# Roles -----------------------------------------------------------------------------------


@transaction.atomic
def membership_change_role(*, membership: Membership, role: str, partner=None) -> Membership:
    membership.role = role
    membership.partner = partner
    membership.full_clean()
    membership.save(update_fields=["role", "partner"])
    forget_memberships(membership.user)
    return membership


def membership_remove(*, membership: Membership) -> None:
    membership.delete()
    forget_memberships(membership.user)


# City pairs and clusters -----------------------------------------------------------------


@transaction.atomic
def city_group_save(*, group: CityGroup, cities) -> CityGroup:
    group.full_clean()
    group.save()
    group.cities.set(cities)
    return group

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

from portal import outbox
from portal.outbox import OutboxStatus

from .models import (
    CityGroup,
    Invitation,
    InvitationEmail,
    Membership,
    Notification,
    NotificationEmail,
    User,
)
from .roles import forget_memberships

log = logging.getLogger(__name__)


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

    The e-mails are outbox rows: if the broker is down when the transaction commits, the
    beat sweep sends them later, so nothing is lost.
    """
    unique = {user.pk: user for user in recipients if user is not None and user.is_active}
    rows = Notification.objects.bulk_create(
        Notification(recipient=user, network=network, title=title[:300], body=body, url=url)
        for user in unique.values()
    )
    if email and rows:
        outbox.send_soon(
            NotificationEmail.objects.bulk_create(
                NotificationEmail(notification=row) for row in rows
            )
        )
    return rows


def notification_message(notification: Notification) -> EmailMessage:
    url = notification.url
    link = f"\n\n{settings.SITE_URL}{url}" if url.startswith("/") else (f"\n\n{url}" if url else "")
    return EmailMessage(
        subject=f"[CITIES4CSR portal] {notification.title}",
        body=f"{notification.body}{link}".strip() or notification.title,
        to=[notification.recipient.email],
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
    outbox.send_soon([InvitationEmail.objects.create(invitation=invitation)])
    return invitation


@transaction.atomic
def invitation_resend(*, invitation: Invitation) -> Invitation:
    """A fresh link, valid for another 7 days; the old link stops working."""
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at or invitation.revoked_at:
        raise InvitationError("used" if invitation.accepted_at else "revoked")
    invitation.nonce = secrets.token_urlsafe(24)
    invitation.expires_at = timezone.now() + INVITATION_VALID_FOR
    invitation.save(update_fields=["nonce", "expires_at"])
    invitation.emails.filter(status=OutboxStatus.PENDING).update(status=OutboxStatus.CANCELLED)
    outbox.send_soon([InvitationEmail.objects.create(invitation=invitation)])
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation: Invitation) -> Invitation:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.accepted_at and not invitation.revoked_at:
        invitation.revoked_at = timezone.now()
        invitation.nonce = ""
        invitation.save(update_fields=["revoked_at", "nonce"])
        invitation.emails.filter(status=OutboxStatus.PENDING).update(
            status=OutboxStatus.CANCELLED
        )
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


def invitation_message(invitation: Invitation) -> EmailMessage:
    context = {
        "invitation": invitation,
        "link": f"{settings.SITE_URL}{invitation_link(invitation)}",
        "valid_days": INVITATION_VALID_FOR.days,
    }
    return EmailMessage(
        subject=render_to_string("partners/email/invitation_subject.txt", context).strip(),
        body=render_to_string("partners/email/invitation.txt", context),
        to=[invitation.email],
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


# Key deadlines ---------------------------------------------------------------------------


@transaction.atomic
def roadmap_deadline_set(*, user: User, network, due_on) -> None:
    """The one date by which the network's cities submit their IAP roadmaps (None: none)."""
    from django.core.exceptions import PermissionDenied

    from .enums import DeadlinePurpose
    from .models import KeyDeadline

    if not user.has_perm("partners.change_workplan", network):
        raise PermissionDenied
    rows = KeyDeadline.objects.filter(network=network, purpose=DeadlinePurpose.IAP_ROADMAP)
    if due_on is None:
        rows.delete()
        return
    KeyDeadline.objects.update_or_create(
        network=network,
        purpose=DeadlinePurpose.IAP_ROADMAP,
        defaults={"due_on": due_on},
        create_defaults={"due_on": due_on, "title": str(DeadlinePurpose.IAP_ROADMAP.label)},
    )

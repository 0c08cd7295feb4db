"""Changes to networks, cities and people. Other apps call `notify` to reach people.

Each function that a page calls takes the acting `user` and asks the rule of its target
before it changes anything, so that a view, the admin or a command can call it alike.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal import outbox, pagecache
from portal.i18n import addressed_to
from portal.outbox import OutboxStatus
from portal.versioning import save_versioned

from .enums import ObligationKind, Role
from .models import (
    CityGroup,
    Invitation,
    InvitationEmail,
    Membership,
    Network,
    Notification,
    NotificationEmail,
    Obligation,
    Partner,
    Stakeholder,
    UlgMeeting,
    User,
    WorkplanStage,
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

    `title` and `body` are lazy text (`portal.i18n.phrase`, `gettext_lazy`) or words of a
    person (a comment): each recipient's row holds them in that person's own language, with
    dates and times in their zone, whoever sent them. The e-mails are outbox rows: if the
    broker is down when the transaction commits, the beat sweep sends them later, so
    nothing is lost.
    """
    unique = {user.pk: user for user in recipients if user is not None and user.is_active}
    rows = []
    for user in unique.values():
        with addressed_to(user):
            rows.append(
                Notification(
                    recipient=user,
                    network=network,
                    title=str(title)[:300],
                    body=str(body),
                    url=url,
                )
            )
    rows = Notification.objects.bulk_create(rows)
    pagecache.changed(pagecache.user_scope(pk) for pk in unique)  # their unread count
    if email and rows:
        outbox.send_soon(
            NotificationEmail.objects.bulk_create(
                NotificationEmail(notification=row) for row in rows
            )
        )
    return rows


def notification_message(notification: Notification) -> EmailMessage:
    """The e-mail of a notification, in its recipient's language (the row holds its text
    in that language already; the portal's name is translated here)."""
    url = notification.url
    link = f"\n\n{settings.SITE_URL}{url}" if url.startswith("/") else (f"\n\n{url}" if url else "")
    recipient = notification.recipient
    with addressed_to(recipient):
        portal_name = str(_("CITIES4CSR portal"))
    return EmailMessage(
        subject=f"[{portal_name}] {notification.title}",
        body=f"{notification.body}{link}".strip() or notification.title,
        to=[recipient.email],
    )


def _require(user: User, permission: str, obj) -> None:
    if not user.has_perm(permission, obj):
        raise PermissionDenied


def notification_mark_read(*, user: User, notification_ids: Iterable[int] | None = None) -> int:
    """Mark the person's own notifications read (all of them, or those named)."""
    if notification_ids is None:
        return notifications_mark_all_read(user=user)
    _require(user, "partners.read_own_notifications", user)
    qs = Notification.objects.filter(
        recipient=user, read_at__isnull=True, pk__in=list(notification_ids)
    )
    return _mark_read(user=user, unread=qs)


def notifications_mark_all_read(*, user: User) -> int:
    """Every unread notification of the person read at once; how many there were."""
    _require(user, "partners.read_own_notifications", user)
    return _mark_read(user=user, unread=Notification.objects.filter(recipient=user))


def notification_open(*, user: User, notification: Notification) -> Notification:
    """The person opens one of their notifications: it is read from now on (once: opening
    it again keeps the first time)."""
    _require(user, "partners.read_own_notifications", user)
    if notification.recipient_id != user.pk:
        raise PermissionDenied
    if notification.read_at is None:
        now = timezone.now()
        rows = Notification.objects.filter(pk=notification.pk, recipient=user)
        if _mark_read(user=user, unread=rows, now=now):
            notification.read_at = now
    return notification


def _mark_read(*, user: User, unread, now=None) -> int:
    """`update` sends no signal: the person's pages (their unread count) are bumped here."""
    count = unread.filter(read_at__isnull=True).update(read_at=now or timezone.now())
    if count:
        pagecache.changed([pagecache.user_scope(user.pk)])
    return count


def profile_save(*, user: User, data: dict) -> User:
    """The person's own name, job title, time zone and language."""
    _require(user, "partners.change_own_profile", user)
    for name, value in data.items():
        setattr(user, name, value)
    user.full_clean()
    user.save(update_fields=list(data))
    return user


def language_choose(*, user: User, language: str) -> User:
    """The language the person reads the portal in (the header's switcher), kept in their
    profile: their pages, notifications and e-mails follow it on every device."""
    _require(user, "partners.change_own_profile", user)
    if language not in dict(settings.LANGUAGES):
        raise ValidationError(_("Choose one of the portal's languages."))
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return user


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
def invitation_create(*, user: User, network, email: str, role: str, partner=None) -> Invitation:
    """Invite someone by e-mail; the e-mail leaves after commit (or with the next sweep)."""
    invitation = Invitation(
        network=network,
        partner=partner,
        email=User.objects.normalize_email(email).lower(),
        role=role,
        invited_by=user,
        nonce=secrets.token_urlsafe(24),
        expires_at=timezone.now() + INVITATION_VALID_FOR,
    )
    _require(user, "partners.send_invitation", invitation)
    invitation.full_clean()
    invitation.save()
    outbox.send_soon([InvitationEmail.objects.create(invitation=invitation)])
    return invitation


def _invitation_locked(user: User, invitation: Invitation) -> Invitation:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    _require(user, "partners.send_invitation", invitation)
    return invitation


def _cancel_pending_emails(invitation: Invitation) -> None:
    invitation.emails.filter(status=OutboxStatus.PENDING).update(status=OutboxStatus.CANCELLED)


@transaction.atomic
def invitation_resend(*, user: User, invitation: Invitation) -> Invitation:
    """A fresh link, valid for another 7 days; the old link stops working."""
    invitation = _invitation_locked(user, invitation)
    if invitation.is_settled:
        raise InvitationError("used" if invitation.accepted_at else "revoked")
    invitation.nonce = secrets.token_urlsafe(24)
    invitation.expires_at = timezone.now() + INVITATION_VALID_FOR
    invitation.save(update_fields=["nonce", "expires_at"])
    _cancel_pending_emails(invitation)
    outbox.send_soon([InvitationEmail.objects.create(invitation=invitation)])
    return invitation


@transaction.atomic
def invitation_revoke(*, user: User, invitation: Invitation) -> Invitation:
    invitation = _invitation_locked(user, invitation)
    if not invitation.is_settled:
        invitation.revoked_at = timezone.now()
        invitation.nonce = ""
        invitation.save(update_fields=["revoked_at", "nonce"])
        _cancel_pending_emails(invitation)
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


def invitation_reader(invitation: Invitation) -> User | None:
    """Whose language the invitation speaks: the invitee's own, if they have an account
    already (invited to another network); otherwise the language the person who invited
    them chose, the best guess there is of a network's language (a city coordinator
    invites their own team). None: the portal's language."""
    invitee = User.objects.filter(email__iexact=invitation.email, is_active=True).first()
    return invitee or invitation.invited_by


def invitation_message(invitation: Invitation) -> EmailMessage:
    context = {
        "invitation": invitation,
        "link": f"{settings.SITE_URL}{invitation_link(invitation)}",
        "valid_days": INVITATION_VALID_FOR.days,
    }
    with addressed_to(invitation_reader(invitation)):
        subject = render_to_string("partners/email/invitation_subject.txt", context).strip()
        body = render_to_string("partners/email/invitation.txt", context)
    return EmailMessage(subject=subject, body=body, to=[invitation.email])


# Roles -----------------------------------------------------------------------------------


LAST_COORDINATOR = _(
    "A network needs at least one coordinator: give the coordinator role to someone else "
    "first, then change or remove this one."
)


def _keep_a_coordinator(membership: Membership, *, new_role: str | None) -> None:
    """Refuse to demote or remove the network's last coordinator, leaving nobody to run it.

    The network's coordinator rows and this one stay locked until the change is saved, so
    two coordinators stepping down at the same moment cannot both succeed.
    """
    rows = list(
        Membership.objects.select_for_update()
        .filter(Q(pk=membership.pk) | Q(network_id=membership.network_id, role=Role.COORDINATOR))
        .order_by("pk")
    )
    stored = next((row for row in rows if row.pk == membership.pk), None)
    if stored is None or stored.role != Role.COORDINATOR or new_role == Role.COORDINATOR:
        return
    if not any(row.role == Role.COORDINATOR and row.pk != membership.pk for row in rows):
        raise ValidationError(LAST_COORDINATOR)


@transaction.atomic
def membership_change_role(
    *, user: User, membership: Membership, role: str, partner=None
) -> Membership:
    _require(user, "partners.manage_memberships", membership.network)
    _keep_a_coordinator(membership, new_role=role)
    membership.role = role
    membership.partner = partner
    membership.full_clean()
    membership.save(update_fields=["role", "partner"])
    forget_memberships(membership.user)
    return membership


@transaction.atomic
def membership_remove(*, user: User, membership: Membership) -> None:
    _require(user, "partners.manage_memberships", membership.network)
    _keep_a_coordinator(membership, new_role=None)
    membership.delete()
    forget_memberships(membership.user)


# Cities and their local groups -----------------------------------------------------------


def partner_profile_save(*, user: User, partner: Partner, data: dict, version) -> Partner:
    """The city's profile; refused with `ConflictError` if someone saved it meanwhile."""
    return save_versioned(obj=partner, user=user, data=data, version=version)


def stakeholder_save(*, user: User, stakeholder: Stakeholder, data: dict, version) -> Stakeholder:
    """Add a stakeholder (no pk yet) or change one; a stale change raises `ConflictError`."""
    return save_versioned(obj=stakeholder, user=user, data=data, version=version)


@transaction.atomic
def ulg_meeting_save(*, user: User, meeting: UlgMeeting, data: dict) -> UlgMeeting:
    """Record a meeting of a city's local group (no pk yet) or change one."""
    _require(user, "partners.change_ulg", meeting.partner)
    present = list(data.pop("stakeholders_present", []))
    if any(s.partner_id != meeting.partner_id for s in present):
        raise ValidationError(_("Only the city's own stakeholders can be marked present."))
    for name, value in data.items():
        setattr(meeting, name, value)
    meeting.full_clean()
    meeting.save()
    meeting.stakeholders_present.set(present)
    return meeting


# City pairs and clusters -----------------------------------------------------------------


@transaction.atomic
def city_group_save(*, user: User, group: CityGroup, data: dict) -> CityGroup:
    """Pair or cluster cities of the group's network (a new group has no pk yet)."""
    _require(user, "partners.manage_city_groups", group.network)
    cities = list(data.pop("cities"))
    if any(city.network_id != group.network_id for city in cities):
        raise ValidationError(_("A pair or cluster joins cities of one network."))
    for name, value in data.items():
        setattr(group, name, value)
    group.full_clean()
    group.save()
    group.cities.set(cities)
    return group


@transaction.atomic
def city_group_delete(*, user: User, group: CityGroup) -> None:
    _require(user, "partners.manage_city_groups", group.network)
    group.delete()


# Workplan and the roadmap deadline --------------------------------------------------------------


@transaction.atomic
def workplan_save(
    *,
    user: User,
    network: Network,
    phase: dict,
    stages: Iterable[WorkplanStage] = (),
    removed_stages: Iterable[WorkplanStage] = (),
) -> Network:
    """The network's phase and theme and its workplan stages at once (the obligations and
    their deadlines have their own pages, `progress`)."""
    _require(user, "partners.change_workplan", network)
    network = Network.objects.select_for_update().get(pk=network.pk)
    for name, value in phase.items():
        setattr(network, name, value)
    network.full_clean()
    network.save(update_fields=list(phase))
    for row in removed_stages:
        if row.network_id == network.pk:
            row.delete()
    for row in stages:
        row.network = network
        row.full_clean()
        row.save()
    return network


@transaction.atomic
def roadmap_deadline_set(*, user: User, network, due_on) -> None:
    """The one date by which the network's cities submit their IAP roadmaps (None: none)."""
    _require(user, "partners.change_workplan", network)
    rows = Obligation.objects.filter(network=network, kind=ObligationKind.ROADMAP)
    if due_on is None:
        rows.delete()
        return
    Obligation.objects.update_or_create(
        network=network,
        kind=ObligationKind.ROADMAP,
        defaults={"due_on": due_on},
        create_defaults={"due_on": due_on, "title": str(ObligationKind.ROADMAP.label)},
    )

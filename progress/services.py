"""What changes obligations, and the reminders that follow from where each city stands."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy as ngettext

from partners.enums import ObligationState, Role
from partners.models import ONE_PER_NETWORK, Network, Obligation, User
from partners.selectors import city_team, people_with_roles
from partners.services import notify
from portal.i18n import joined, phrase

from . import states
from .enums import ReminderStage
from .models import ReminderSent

# The coordinator sets the network's obligations ------------------------------------------


def _require_coordinator(user, network):
    if not user.has_perm("progress.change_obligations", network):
        raise PermissionDenied


@transaction.atomic
def obligation_save(*, user: User, network: Network, obligation: Obligation) -> Obligation:
    """Create or change one obligation of the network (validated, constraints included)."""
    _require_coordinator(user, network)
    if obligation.pk and obligation.network_id != network.pk:
        raise PermissionDenied
    obligation.network = network
    obligation.remind_days = sorted(set(obligation.remind_days or []), reverse=True)
    obligation.full_clean()
    try:
        with transaction.atomic():
            obligation.save()
    except IntegrityError as error:  # the same kind added at the same time by someone else
        raise ValidationError(ONE_PER_NETWORK) from error
    return obligation


@transaction.atomic
def obligation_remove(*, user: User, obligation: Obligation) -> None:
    _require_coordinator(user, obligation.network)
    obligation.delete()


# Reminders -------------------------------------------------------------------------------


#: Late news starts only within this many days after the date (for the coordinator, after
#: the grace period): an obligation set or migrated long after its date does not send news
#: of a years-old delay.
LATE_MESSAGES_FOR_DAYS = 60


def send_obligation_reminders(*, today: dt.date | None = None) -> dict:
    """Remind whoever still owes something, at the offsets each obligation sets; tell the
    one who owes it when it is late; tell the coordinator after the grace period.

    Only the nearest offset crossed is sent, so a city that was not reminded 14 days
    before (the obligation was set later) gets one message, not two. Each message goes
    once: its `ReminderSent` row and the notification are written in one transaction,
    and the row's unique constraint refuses a second one; what the log holds already is
    read first, so an hourly run does not try again what went out.
    """
    today = today or timezone.localdate()
    counts = dict.fromkeys(ReminderStage.values, 0)
    for network in Network.objects.order_by("pk"):
        grid = states.matrix(network=network, today=today)
        sent = _sent_keys(network)
        escalations: dict[Obligation, list[states.Standing]] = {}
        for cell in grid.all():
            if cell.due_on is None or cell.state in (
                ObligationState.DONE,
                ObligationState.NOT_DUE_YET,
            ):
                continue
            days_left = (cell.due_on - today).days
            if cell.state == ObligationState.LATE:
                late, grace = -days_left, cell.obligation.grace_days
                if late <= LATE_MESSAGES_FOR_DAYS:
                    counts[ReminderStage.LATE] += _send(cell, ReminderStage.LATE, 0, today, sent)
                if grace <= late <= grace + LATE_MESSAGES_FOR_DAYS and (
                    _key(cell, ReminderStage.ESCALATED, 0) not in sent
                ):
                    escalations.setdefault(cell.obligation, []).append(cell)
                continue
            crossed = [days for days in _offsets(cell.obligation) if days_left <= days]
            if crossed:
                counts[ReminderStage.BEFORE] += _send(
                    cell, ReminderStage.BEFORE, min(crossed), today, sent
                )
        for obligation, cells in escalations.items():
            counts[ReminderStage.ESCALATED] += _escalate(obligation, cells)
    return counts


def _offsets(obligation: Obligation) -> list[int]:
    """The days before the date to remind at. A review is due a few days after each
    submission: an offset as long as the time given would remind the moment it arrives."""
    if obligation.is_review:
        return [days for days in obligation.remind_days if days < obligation.within_days]
    return list(obligation.remind_days)


def _key(cell: states.Standing, stage: str, days_before: int) -> tuple:
    return (cell.obligation.pk, cell.partner.pk, stage, days_before, cell.due_on)


def _sent_keys(network) -> set[tuple]:
    """What the audit log holds for the network's cities, as `_key` spells it."""
    return set(
        ReminderSent.objects.filter(obligation__network=network, partner__isnull=False).values_list(
            "obligation_id", "partner_id", "stage", "days_before", "due_on"
        )
    )


def owers(cell: states.Standing, stage: str) -> list[User]:
    """Who gets the message: the city team before the date, its city coordinator once late
    (the team when it has none); for reviews, the reviewers (the lead expert and the lead
    partner)."""
    if cell.obligation.is_review:
        return list(
            people_with_roles(network=cell.partner.network, roles=Role.reviewers()).order_by("pk")
        )
    if stage == ReminderStage.LATE:
        # One condition on one membership: a team member of this city who coordinates
        # another city elsewhere is not this city's coordinator.
        coordinators = list(
            User.objects.filter(
                memberships__partner=cell.partner,
                memberships__role=Role.CITY_COORDINATOR,
                is_active=True,
            )
            .distinct()
            .order_by("pk")
        )
        if coordinators:
            return coordinators
    return list(city_team(partner=cell.partner).order_by("pk"))


def _message(cell: states.Standing, stage: str, today: dt.date) -> str:
    """Lazy: each person reads it in their own language, the date formatted for it."""
    values = {
        "what": cell.obligation.title,
        "city": cell.partner.city,
        "date": cell.due_on,
        "detail": cell.detail,
    }
    if cell.obligation.is_review:
        if stage == ReminderStage.BEFORE:
            return phrase(
                _("%(what)s: the review of %(city)s's roadmap is due on %(date)s"), **values
            )
        return phrase(_("%(what)s: the review of %(city)s's roadmap was due on %(date)s"), **values)
    if stage == ReminderStage.BEFORE:
        return phrase(_("%(what)s: due on %(date)s"), **values)
    if cell.due_on >= today:  # e.g. a follow-up past its own date, before the obligation's
        return phrase(_("%(what)s: late (%(detail)s), due on %(date)s"), **values)
    return phrase(_("%(what)s: late since %(date)s"), **values)


def _send(cell: states.Standing, stage: str, days_before: int, today: dt.date, sent) -> int:
    if _key(cell, stage, days_before) in sent:
        return 0
    recipients = owers(cell, stage)
    if not recipients:
        return 0  # nobody to tell (e.g. no lead expert yet): the log says nothing went
    title = _message(cell, stage, today)
    try:
        with transaction.atomic():
            row = ReminderSent.objects.create(
                obligation=cell.obligation,
                partner=cell.partner,
                stage=stage,
                days_before=days_before,
                due_on=cell.due_on,
                title=title[:300],
                recipient_names=", ".join(f"{u} <{u.email}>" for u in recipients),
            )
            row.recipients.set(recipients)
            notify(
                recipients=recipients,
                network=cell.partner.network,
                email=True,
                url=cell.url,
                title=title,
                body=cell.detail,
            )
    except IntegrityError:
        return 0  # sent already, by this run's twin or an earlier one
    return 1


def _escalate(obligation: Obligation, cells: list[states.Standing]) -> int:
    """Tell the network's coordinators, in one message, which cities are past the grace
    period; each city once per due date.

    A report from before the audit log (one row for several cities, no city named) told
    them already about every city late on that date: those cities are not told again.
    """
    network = obligation.network
    reported = set(
        ReminderSent.objects.filter(
            obligation=obligation, partner__isnull=True, stage=ReminderStage.ESCALATED
        ).values_list("due_on", flat=True)
    )
    cells = [cell for cell in cells if cell.due_on not in reported]
    if not cells:
        return 0
    recipients = list(people_with_roles(network=network, roles=[Role.COORDINATOR]).order_by("pk"))
    if not recipients:
        return 0  # no coordinator to tell: the log says nothing went
    names = ", ".join(f"{u} <{u.email}>" for u in recipients)
    new = []
    with transaction.atomic():
        for cell in cells:
            values = {
                "what": obligation.title,
                "city": cell.partner.city,
                "days": phrase(ngettext("%(n)d day", "%(n)d days", "n"), n=cell.days_late),
            }
            if obligation.is_review:
                title = phrase(
                    _("%(what)s: the review of %(city)s's roadmap is %(days)s late"), **values
                )
            else:
                title = phrase(_("%(what)s: %(city)s is %(days)s late"), **values)
            try:
                with transaction.atomic():
                    row = ReminderSent.objects.create(
                        obligation=obligation,
                        partner=cell.partner,
                        stage=ReminderStage.ESCALATED,
                        days_before=0,
                        due_on=cell.due_on,
                        title=title[:300],
                        recipient_names=names,
                    )
            except IntegrityError:
                continue
            row.recipients.set(recipients)
            new.append(cell)
        if new:
            cities = ", ".join(cell.partner.city for cell in new)
            if obligation.is_review:
                title = ngettext(
                    "%(what)s: the review of %(count)d city's roadmap is late: %(cities)s",
                    "%(what)s: the reviews of %(count)d cities' roadmaps are late: %(cities)s",
                    "count",
                )
            else:
                title = ngettext(
                    "%(what)s: %(count)d city is late: %(cities)s",
                    "%(what)s: %(count)d cities are late: %(cities)s",
                    "count",
                )
            notify(
                recipients=recipients,
                network=network,
                email=True,
                url=reverse("progress:matrix", args=[network.slug]),
                title=phrase(title, what=obligation.title, count=len(new), cities=cities),
                body=joined(
                    phrase("%(city)s: %(detail)s", city=cell.partner.city, detail=cell.detail)
                    for cell in new
                ),
            )
    return len(new)

"""The deadlines a person owes, for their personal calendar feed.

Registered in `portal.registry.calendar_items` (progress's AppConfig.ready()), so that the
feed of `meetings` carries them without knowing this app. What each person gets:

- a city's people: each obligation their city has not done yet, on its due date;
- the lead expert (and every reviewer): each roadmap waiting for review, on the day its
  review is due;
- the coordinator and the lead partner: every dated obligation and milestone of the
  network, with where the cities stand on it, and the reviews due.

Each entry is one all-day event whose UID stays the same while its date or state change
(`obligation-<pk>-<city pk>@cities4csr` for one city, `obligation-<pk>@cities4csr` for the
network), so that a calendar app moves it rather than adding another. One query reads the
obligations of all the person's networks, then one per network where they owe something
reads the cities' records (`progress.states.matrix`).
"""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from partners.enums import ObligationState, Role
from partners.models import Obligation
from partners.roles import cities_in, holds, networks_of
from portal.registry import CalendarItem

from . import states

#: Who gets every obligation of the network in their calendar.
SEES_THE_NETWORK = (Role.COORDINATOR, Role.LEAD_PARTNER)


def deadlines_for(user) -> list[CalendarItem]:
    """The person's deadlines in all their networks, by date."""
    networks = networks_of(user)
    if not networks:
        return []
    every = list(Obligation.objects.filter(network__in=networks).order_by("due_on", "pk"))
    today = timezone.localdate()
    items = []
    for network in networks:
        obligations = [ob for ob in every if ob.network_id == network.pk]
        for ob in obligations:
            ob.network = network  # the one read with the memberships
        if obligations:
            items += _of_network(user, network, obligations, today)
    return sorted(items, key=lambda item: (item.date, item.uid))


def _of_network(user, network, obligations, today) -> list[CalendarItem]:
    whole = holds(user, network.pk, SEES_THE_NETWORK)
    reviewer = whole or holds(user, network.pk, Role.reviewers())
    own = [] if whole else cities_in(user, network.pk)
    wanted = [
        ob
        for ob in obligations
        if (whole and ob.due_on is not None)
        or (reviewer and ob.is_review)
        or (own and ob.owed_by_cities)
    ]
    if not wanted:
        return []
    owed = [ob for ob in wanted if not ob.is_milestone]
    grid = None
    if owed:
        partners = None if whole or reviewer else own
        grid = states.matrix(
            network=network, today=today, partners=partners, obligations=owed, viewer=user
        )
    items = []
    if whole:
        items += [_network_item(ob, grid) for ob in wanted if ob.due_on is not None]
    if reviewer:
        items += [
            _city_item(cell, name_city=True)
            for ob in wanted
            if ob.is_review
            for partner in grid.partners
            if (cell := grid.cells[(ob.pk, partner.pk)]).due_on
            and cell.state != ObligationState.DONE
        ]
    if own:
        mine = {partner.pk for partner in own}
        items += [
            _city_item(cell, name_city=len(own) > 1)
            for ob in wanted
            if ob.owed_by_cities
            for partner in grid.partners
            if partner.pk in mine
            if (cell := grid.cells[(ob.pk, partner.pk)]).due_on
            and cell.state != ObligationState.DONE
        ]
    return items


def _city_item(cell: states.Standing, *, name_city: bool) -> CalendarItem:
    """What one city (or the reviewer, about one city) owes."""
    obligation, partner = cell.obligation, cell.partner
    title = obligation.title
    if name_city:
        title = _("%(title)s: %(city)s") % {"title": title, "city": partner.city}
    state = str(cell.state_label)
    if cell.days_late:
        state = ngettext(
            "%(state)s, %(days)d day late", "%(state)s, %(days)d days late", cell.days_late
        ) % {"state": state, "days": cell.days_late}
    return CalendarItem(
        uid=f"obligation-{obligation.pk}-{partner.pk}@cities4csr",
        date=cell.due_on,
        summary=_("Due: %(title)s") % {"title": title},
        description="\n".join(
            [
                f"{obligation.network.acronym}, {partner.city}",
                _("State: %(state)s") % {"state": state},
                str(cell.detail),
            ]
        ),
        url=cell.url,
    )


def _network_item(obligation, grid) -> CalendarItem:
    """A deadline (or milestone) of the whole network, with where the cities stand."""
    network = obligation.network
    if obligation.is_milestone:
        return CalendarItem(
            uid=f"obligation-{obligation.pk}@cities4csr",
            date=obligation.due_on,
            summary=_("Milestone: %(title)s") % {"title": obligation.title},
            description=_("A milestone of the %(network)s workplan.")
            % {"network": network.acronym},
            url=reverse("partners:network_home", args=[network.slug]),
        )
    lines = [network.acronym]
    if grid is not None and grid.partners:
        counts = grid.counts(obligation)
        lines.append(
            ngettext(
                "%(done)d of %(count)d city done",
                "%(done)d of %(count)d cities done",
                len(grid.partners),
            )
            % {"done": counts[ObligationState.DONE], "count": len(grid.partners)}
        )
        for state in states.OPEN_STATES:
            cities = [
                partner.city
                for partner in grid.partners
                if grid.cells[(obligation.pk, partner.pk)].state == state
            ]
            if cities:
                lines.append(f"{ObligationState(state).label}: {', '.join(cities)}")
    return CalendarItem(
        uid=f"obligation-{obligation.pk}@cities4csr",
        date=obligation.due_on,
        summary=_("Due: %(title)s") % {"title": obligation.title},
        description="\n".join(lines),
        url=reverse("progress:matrix", args=[network.slug]),
    )

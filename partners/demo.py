"""The CITIES4CSR demo network and a second, small network, for `manage.py load_demo`.

Everything is created with get-or-create on natural keys, so loading twice changes nothing.
The network keeps its real 2020–21 history, but its open work (the obligations due now, a
review waiting, the next TNM, the latest check-up round) is dated from the day the demo is
loaded (`DemoDates`), so that every role's home has something to do.
"""

import calendar
import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from partners.enums import GroupKind, ObligationKind, Phase, Role, Sector
from partners.models import (
    CityGroup,
    Membership,
    Network,
    Obligation,
    Partner,
    Stakeholder,
    UlgMeeting,
    User,
    WorkplanStage,
)

DEMO_PASSWORD = "cities4csr-demo"

#: (slug, city, country, time zone, lead partner)
CITIES = [
    ("milan", "Milan", "IT", "Europe/Rome", True),
    ("sofia", "Sofia", "BG", "Europe/Sofia", False),
    ("vratsa", "Vratsa", "BG", "Europe/Sofia", False),
    ("kekava", "Ķekava", "LV", "Europe/Riga", False),
    ("rijeka", "Rijeka", "HR", "Europe/Zagreb", False),
    ("guimaraes", "Guimarães", "PT", "Europe/Lisbon", False),
    ("molina-de-segura", "Molina de Segura", "ES", "Europe/Madrid", False),
    ("budaors", "Budaörs", "HU", "Europe/Budapest", False),
    ("bratislava", "Bratislava", "SK", "Europe/Bratislava", False),
    ("nantes", "Nantes Métropole", "FR", "Europe/Paris", False),
]


def demo_user(email, full_name, job_title="", time_zone="Europe/Brussels"):
    user, created = User.objects.get_or_create(
        email=email,
        defaults={"full_name": full_name, "job_title": job_title, "time_zone": time_zone},
    )
    if created or not user.has_usable_password():
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


def grant(user, network, role, partner=None):
    Membership.objects.get_or_create(user=user, network=network, role=role, partner=partner)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day of the month `months` later (the month's last day if it is shorter)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """A time on `day` in UTC (mornings in UTC fall on the same day all over Europe)."""
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=dt.UTC)


@dataclass(frozen=True)
class DemoDates:
    """The dates of the demo's open work, from the day it is loaded; one place for every
    app's demo loader, so that obligations and records agree."""

    today: dt.date

    def days_ago(self, days: int) -> dt.date:
        return self.today - dt.timedelta(days=days)

    def days_ahead(self, days: int) -> dt.date:
        return self.today + dt.timedelta(days=days)

    @property
    def quarter(self) -> tuple[dt.date, dt.date]:
        """The first and the last day of the current quarter."""
        first = dt.date(self.today.year, (self.today.month - 1) // 3 * 3 + 1, 1)
        return first, add_months(first, 3) - dt.timedelta(days=1)

    @property
    def month_end(self) -> dt.date:
        return self.today.replace(day=calendar.monthrange(self.today.year, self.today.month)[1])

    @property
    def ssas_due(self) -> dt.date:
        """Small Scale Actions were due a week ago: two cities are late."""
        return self.days_ago(7)

    @property
    def tnm6(self) -> dt.date:
        """TNM #6 is in three weeks; attendance is due a week before it."""
        return self.days_ahead(21)

    @property
    def attendance_due(self) -> dt.date:
        return self.tnm6 - dt.timedelta(days=7)

    @property
    def tnm7(self) -> dt.date:
        """TNM #7, two days in Sofia, about five weeks ahead (after TNM #6): the Wednesday
        of the week five weeks from today."""
        day = self.days_ahead(35)
        return day + dt.timedelta(days=2 - day.weekday())

    @property
    def open_checkups(self) -> list[dt.date]:
        """The three working days the open check-up round offers slots on, from ten days
        ahead."""
        days, day = [], self.days_ahead(10)
        while len(days) < 3:
            if day.weekday() < 5:
                days.append(day)
            day += dt.timedelta(days=1)
        return days

    @property
    def checkup_round(self) -> dt.date:
        """The first day of the latest check-up round, a couple of weeks ago."""
        return self.days_ago(15)

    @property
    def final_iap(self) -> dt.date:
        return add_months(self.today, 7)

    @property
    def network_end(self) -> dt.date:
        """Six months of closing after the final IAPs."""
        return max(add_months(self.final_iap, 6), dt.date(2022, 12, 31))

    def in_quarter(self, days_ago: int) -> dt.date:
        """`days_ago` days ago, but not before the quarter began."""
        return max(self.days_ago(days_ago), self.quarter[0])

    def in_month(self, days_ahead: int) -> dt.date:
        """`days_ahead` days ahead, but not after the month ends."""
        return min(self.days_ahead(days_ahead), self.month_end)


def load(*, stdout=None, today: dt.date | None = None) -> dict:
    """Create the demo networks and people; return what other apps' demo loaders need.

    `today` dates the open work (the real today unless a test pins it)."""
    dates = DemoDates(today or timezone.localdate())
    network, _ = Network.objects.update_or_create(
        slug="cities4csr",
        defaults={
            "acronym": "CITIES4CSR",
            "name": (
                "Comprehensive municipal strategies to foster and stimulate corporate "
                "social responsibility in urban areas"
            ),
            "theme": (
                "Corporate Social Responsibility as a means to solve urban problems, "
                "linked to the UN Sustainable Development Goals."
            ),
            "start_date": dt.date(2019, 9, 1),
            "end_date": dates.network_end,
            "current_phase": Phase.PLANNING_ACTIONS,
        },
    )
    partners = {}
    for slug, city, country, tz, lead in CITIES:
        partners[slug], _ = Partner.objects.update_or_create(
            network=network,
            slug=slug,
            defaults={"city": city, "country": country, "time_zone": tz, "is_lead_partner": lead},
        )
    milan = partners["milan"]

    coordinator = demo_user(
        "coordinator@example.org", "Chiara Rossi", "Deputy Project Coordinator", "Europe/Rome"
    )
    grant(coordinator, network, Role.COORDINATOR, milan)
    lead_partner = demo_user(
        "lead-partner@example.org", "Marco Bianchi", "Project Coordinator", "Europe/Rome"
    )
    grant(lead_partner, network, Role.LEAD_PARTNER, milan)
    lead_expert = demo_user(
        "lead-expert@example.org", "Steffen Wetzstein", "Lead Expert", "Europe/Berlin"
    )
    grant(lead_expert, network, Role.LEAD_EXPERT)
    officer = demo_user("officer@example.org", "Petra Novak", "URBACT Programme Officer")
    grant(officer, network, Role.PROGRAMME_OFFICER)

    city_coordinators, city_members = {}, {}
    for slug, city, _country, tz, _lead in CITIES:
        partner = partners[slug]
        city_coordinators[slug] = demo_user(
            f"{slug}@example.org", f"{city} City Coordinator", "City Coordinator", tz
        )
        grant(city_coordinators[slug], network, Role.CITY_COORDINATOR, partner)
        city_members[slug] = demo_user(
            f"{slug}-member@example.org", f"{city} Team Member", "ULG Facilitator", tz
        )
        grant(city_members[slug], network, Role.CITY_TEAM_MEMBER, partner)

    other, _ = Network.objects.update_or_create(
        slug="green-harbours",
        defaults={
            "acronym": "GREEN HARBOURS",
            "name": "Green Harbours: port cities greening their waterfronts",
            "theme": "Nature-based solutions on urban waterfronts.",
            "start_date": dt.date(2020, 1, 1),
            "end_date": dt.date(2022, 12, 31),
            "current_phase": Phase.ACTIVATION,
        },
    )
    other_partners = {}
    for slug, city, country, tz, lead in [
        ("gdynia", "Gdynia", "PL", "Europe/Warsaw", True),
        ("piraeus", "Piraeus", "GR", "Europe/Athens", False),
    ]:
        other_partners[slug], _ = Partner.objects.update_or_create(
            network=other,
            slug=slug,
            defaults={"city": city, "country": country, "time_zone": tz, "is_lead_partner": lead},
        )
    other_coordinator = demo_user(
        "other-coordinator@example.org", "Anna Kowalska", "Network Coordinator", "Europe/Warsaw"
    )
    grant(other_coordinator, other, Role.COORDINATOR, other_partners["gdynia"])
    grant(officer, other, Role.PROGRAMME_OFFICER)

    load_workplan(network, dates)
    load_local_groups(partners, dates)
    load_city_groups(network, partners)

    return {
        "dates": dates,
        "today": dates.today,
        "network": network,
        "partners": partners,
        "coordinator": coordinator,
        "lead_partner": lead_partner,
        "lead_expert": lead_expert,
        "officer": officer,
        "city_coordinators": city_coordinators,
        "city_members": city_members,
        "other_network": other,
        "other_partners": other_partners,
        "other_coordinator": other_coordinator,
    }


def stages(dates: "DemoDates") -> list[tuple]:
    """The workplan: the real 2019–2020 stages, then the later ones stretched to the demo's
    open work, so that today falls in Planning Actions, before the final IAPs are due."""
    planning_ends = max(dates.days_ahead(60), dt.date(2021, 12, 15))
    return [
        ("Phase 1", Phase.PHASE_1, dt.date(2019, 9, 1), dt.date(2020, 4, 30),
         "Partnership built and baseline study."),
        ("Activation", Phase.ACTIVATION, dt.date(2020, 5, 1), dt.date(2020, 12, 15),
         "URBACT Local Groups set up; IAP roadmaps drafted."),
        ("Planning Actions", Phase.PLANNING_ACTIONS, dt.date(2020, 12, 16), planning_ends,
         "Actions designed; Small Scale Actions tested."),
        ("Planning Implementation", Phase.PLANNING_IMPLEMENTATION,
         planning_ends + dt.timedelta(days=1), dates.final_iap, "Final Integrated Action Plans."),
        ("Closing", Phase.CLOSING, dates.final_iap + dt.timedelta(days=1), dates.network_end,
         "Final event in Milan and the network's results shared."),
    ]  # fmt: skip


def obligations(dates: DemoDates) -> list[dict]:
    """What the network's cities (and its lead expert) owe: the roadmaps of December 2020,
    then the open work, dated from the day the demo is loaded."""
    opens, closes = dates.quarter
    return [
        {"title": "IAP roadmaps submitted", "kind": ObligationKind.ROADMAP,
         "due_on": dt.date(2020, 12, 31)},
        {"title": "Roadmaps reviewed within 10 days", "kind": ObligationKind.ROADMAP_REVIEW,
         "within_days": 10, "remind_days": [3], "grace_days": 3},
        {"title": "Small Scale Actions planned", "kind": ObligationKind.SSAS_PLANNED,
         "due_on": dates.ssas_due, "target": 1},
        {"title": "ULG meeting this quarter", "kind": ObligationKind.ULG_MEETING,
         "opens_on": opens, "due_on": closes},
        {"title": "Register attendance for TNM #6", "kind": ObligationKind.TNM_ATTENDANCE,
         "meeting_number": 6, "due_on": dates.attendance_due, "remind_days": [7, 2]},
        {"title": "Follow-ups of the check-up calls", "kind": ObligationKind.FOLLOW_UPS,
         "opens_on": dates.checkup_round, "due_on": dates.month_end},
        {"title": "Final Integrated Action Plans", "kind": ObligationKind.FINAL_IAP,
         "due_on": dates.final_iap, "remind_days": [30, 14, 3]},
    ]  # fmt: skip


#: The cities that held a ULG meeting this quarter, and how many days ago.
ULG_THIS_QUARTER = {"milan": 20, "guimaraes": 12, "budaors": 6, "bratislava": 3}
ULG_TOPIC = "Small Scale Actions: what the first tests taught us"

#: (name, organisation, sector) for each city's local group; e-mails follow from the name.
STAKEHOLDERS = [
    (
        "Municipal department for economic development",
        "City administration",
        Sector.PUBLIC_AUTHORITY,
    ),
    ("Chamber of commerce", "Chamber of commerce and industry", Sector.PRIVATE_COMPANY),
    ("Local business network", "Association of local companies", Sector.PRIVATE_COMPANY),
    ("Volunteer centre", "Civil society platform", Sector.CIVIL_SOCIETY),
    ("University partner", "Local university", Sector.ACADEMIA),
]

#: The pairs agreed at TNM #5 for exchanging good practices (demo).
PAIRS = [
    ("milan", "nantes", "CSR networks between companies and the city"),
    ("sofia", "vratsa", "Engaging companies in green spaces"),
    ("kekava", "rijeka", "Local business and social inclusion"),
    ("guimaraes", "molina-de-segura", "Solidarity projects with local companies"),
    ("budaors", "bratislava", "Tree planting with companies and residents"),
]


def load_workplan(network, dates):
    for name, phase, starts, ends, what in stages(dates):
        WorkplanStage.objects.update_or_create(
            network=network,
            name=name,
            defaults={"phase": phase, "starts_on": starts, "ends_on": ends, "description": what},
        )
    for row in obligations(dates):
        fields = {
            "title": "", "kind": ObligationKind.MILESTONE, "due_on": None, "opens_on": None,
            "within_days": None, "target": 1, "meeting_number": None, "remind_days": [14, 3],
            "grace_days": 7,
        } | row  # fmt: skip
        # A network has one obligation of some kinds: found by its kind, whatever its title.
        key = "kind" if row["kind"] in ObligationKind.once_per_network() else "title"
        Obligation.objects.update_or_create(
            network=network, **{key: fields.pop(key)}, defaults=fields
        )


def load_local_groups(partners, dates):
    for slug, partner in partners.items():
        stakeholders = []
        for n, (name, organisation, sector) in enumerate(STAKEHOLDERS):
            stakeholder, _ = Stakeholder.objects.update_or_create(
                partner=partner,
                email=f"ulg{n + 1}.{slug}@example.org",
                defaults={
                    "name": name,
                    "organisation": f"{organisation}, {partner.city}",
                    "sector": sector,
                    "consent_to_contact": n % 2 == 0,
                },
            )
            stakeholders.append(stakeholder)
        for held_on, topic, present in [
            (dt.date(2020, 10, 8), "ULG kick-off: the city's CSR challenge", stakeholders),
            (dt.date(2020, 12, 10), "Discussing the IAP roadmap", stakeholders[:3]),
        ]:
            meeting, _ = UlgMeeting.objects.update_or_create(
                partner=partner,
                held_on=held_on,
                topic=topic,
                defaults={"participants": len(present) + 4, "notes": "Online meeting."},
            )
            meeting.stakeholders_present.set(present)
        if slug in ULG_THIS_QUARTER:
            # Found by its topic: loaded on another day, the same meeting moves.
            meeting, _ = UlgMeeting.objects.update_or_create(
                partner=partner,
                topic=ULG_TOPIC,
                defaults={
                    "held_on": dates.in_quarter(ULG_THIS_QUARTER[slug]),
                    "participants": 9,
                    "notes": "Met at the city hall with the companies that joined the tests.",
                },
            )
            meeting.stakeholders_present.set(stakeholders[:4])


def load_city_groups(network, partners):
    for first, second, topic in PAIRS:
        group, _ = CityGroup.objects.update_or_create(
            network=network, topic=topic, defaults={"kind": GroupKind.PAIR}
        )
        group.cities.set([partners[first], partners[second]])
    cluster, _ = CityGroup.objects.update_or_create(
        network=network,
        topic="Small Scale Actions on greening the city",
        defaults={"kind": GroupKind.CLUSTER, "notes": "Shared planting calendar."},
    )
    cluster.cities.set([partners[s] for s in ("sofia", "budaors", "bratislava")])

"""The CITIES4CSR demo network and a second, small network, for `manage.py load_demo`.

Everything is created with get-or-create on natural keys, so loading twice changes nothing.
"""

import datetime as dt

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


def load(*, stdout=None) -> dict:
    """Create the demo networks and people; return what other apps' demo loaders need."""
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
            "end_date": dt.date(2022, 12, 31),
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

    load_workplan(network)
    load_local_groups(partners)
    load_city_groups(network, partners)

    return {
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


STAGES = [
    ("Phase 1", Phase.PHASE_1, dt.date(2019, 9, 1), dt.date(2020, 4, 30),
     "Partnership built and baseline study."),
    ("Activation", Phase.ACTIVATION, dt.date(2020, 5, 1), dt.date(2020, 12, 15),
     "URBACT Local Groups set up; IAP roadmaps drafted."),
    ("Planning Actions", Phase.PLANNING_ACTIONS, dt.date(2020, 12, 16), dt.date(2021, 12, 15),
     "Actions designed; Small Scale Actions tested."),
    ("Planning Implementation", Phase.PLANNING_IMPLEMENTATION, dt.date(2021, 12, 16),
     dt.date(2022, 6, 30), "Final Integrated Action Plans."),
    ("Closing", Phase.CLOSING, dt.date(2022, 7, 1), dt.date(2022, 12, 31),
     "Final event in Milan and the network's results shared."),
]  # fmt: skip

DEADLINES = [
    ("IAP roadmaps submitted", dt.date(2020, 12, 31), ObligationKind.ROADMAP),
    ("Small Scale Actions planned", dt.date(2021, 6, 30), ObligationKind.SSAS_PLANNED),
    ("Final Integrated Action Plans", dt.date(2022, 6, 30), ObligationKind.FINAL_IAP),
]

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


def load_workplan(network):
    for name, phase, starts, ends, what in STAGES:
        WorkplanStage.objects.update_or_create(
            network=network,
            name=name,
            defaults={"phase": phase, "starts_on": starts, "ends_on": ends, "description": what},
        )
    for title, due, kind in DEADLINES:
        Obligation.objects.update_or_create(
            network=network, title=title, defaults={"due_on": due, "kind": kind}
        )


def load_local_groups(partners):
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

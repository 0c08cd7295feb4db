"""Generated networks for `manage.py load_demo --scale N`: the volume of a busy portal.

`generate(scale=N)` makes the networks `gen-01` … `gen-NN`, each with ten partner cities,
their people and two years of work. This module makes the networks, the people, the
workplan, the local groups, the city pairs and the invitations; every other app adds its
part through `portal.registry.demo_scale_loaders`, and the notifications they gather are
written at the end.

Everything is written with bulk_create, as the services would have left it (states,
versions, e-mails), but without queuing anything: the e-mails of the past are rows marked
sent, and reminders of what is still ahead are left for the reminder sweep to plan.

Loading again deletes the generated networks and their people and makes them anew, so
`--scale N` always leaves exactly gen-01 … gen-N. Each network comes from a random
generator seeded with its slug, so it is the same at every load and at every scale; dates
are counted from the day of loading, so that there is always a past and a next meeting.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.text import slugify

from portal.outbox import OutboxStatus
from portal.registry import demo_scale_loaders

from .cache_scopes import bulk_writes
from .demo import DEMO_PASSWORD
from .enums import GroupKind, ObligationKind, Phase, Role, Sector
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
from .services import INVITATION_VALID_FOR

CITIES_PER_NETWORK = 10
SLUG_PATTERN = r"^gen-[0-9]{2,}$"
EMAIL_PATTERN = r"@gen-[0-9]{2,}\.example\.org$"
BATCH = 2000

TIME_ZONES = {
    "AT": "Europe/Vienna", "BE": "Europe/Brussels", "BG": "Europe/Sofia",
    "HR": "Europe/Zagreb", "CY": "Asia/Nicosia", "CZ": "Europe/Prague",
    "DK": "Europe/Copenhagen", "EE": "Europe/Tallinn", "FI": "Europe/Helsinki",
    "FR": "Europe/Paris", "DE": "Europe/Berlin", "GR": "Europe/Athens",
    "HU": "Europe/Budapest", "IE": "Europe/Dublin", "IT": "Europe/Rome",
    "LV": "Europe/Riga", "LT": "Europe/Vilnius", "LU": "Europe/Luxembourg",
    "MT": "Europe/Malta", "NL": "Europe/Amsterdam", "PL": "Europe/Warsaw",
    "PT": "Europe/Lisbon", "RO": "Europe/Bucharest", "SK": "Europe/Bratislava",
    "SI": "Europe/Ljubljana", "ES": "Europe/Madrid", "SE": "Europe/Stockholm",
}  # fmt: skip

#: Partner cities to draw from, by country.
CITIES = {
    "IT": ["Bologna", "Turin", "Bari", "Padua", "Trento", "Pesaro", "Udine", "Lecce", "Parma"],
    "ES": ["Valencia", "Bilbao", "Zaragoza", "Málaga", "Gijón", "Murcia", "Vitoria-Gasteiz",
           "Córdoba", "Santander"],
    "PT": ["Porto", "Braga", "Coimbra", "Aveiro", "Évora", "Setúbal", "Viseu"],
    "FR": ["Lyon", "Lille", "Bordeaux", "Grenoble", "Rennes", "Strasbourg", "Dunkerque",
           "Metz", "Angers"],
    "DE": ["Leipzig", "Dresden", "Bremen", "Freiburg", "Mannheim", "Kassel", "Rostock",
           "Münster"],
    "PL": ["Gdańsk", "Poznań", "Łódź", "Lublin", "Wrocław", "Katowice", "Rzeszów", "Toruń"],
    "RO": ["Cluj-Napoca", "Timișoara", "Iași", "Brașov", "Oradea", "Sibiu"],
    "BG": ["Plovdiv", "Varna", "Burgas", "Ruse", "Gabrovo"],
    "HR": ["Split", "Osijek", "Zadar", "Pula"],
    "SI": ["Maribor", "Koper", "Kranj", "Celje"],
    "HU": ["Debrecen", "Szeged", "Pécs", "Győr"],
    "CZ": ["Brno", "Ostrava", "Plzeň", "Olomouc"],
    "SK": ["Košice", "Žilina", "Trnava", "Nitra"],
    "GR": ["Thessaloniki", "Patras", "Heraklion", "Larissa", "Kalamata"],
    "NL": ["Utrecht", "Eindhoven", "Groningen", "Tilburg"],
    "BE": ["Ghent", "Liège", "Leuven", "Mechelen", "Charleroi"],
    "AT": ["Graz", "Linz", "Innsbruck", "Salzburg"],
    "SE": ["Malmö", "Uppsala", "Umeå", "Gävle"],
    "FI": ["Tampere", "Turku", "Oulu", "Espoo"],
    "DK": ["Aarhus", "Odense", "Aalborg"],
    "EE": ["Tartu", "Pärnu"],
    "LV": ["Liepāja", "Jelgava", "Valmiera"],
    "LT": ["Kaunas", "Klaipėda", "Šiauliai"],
    "IE": ["Cork", "Galway", "Limerick"],
    "LU": ["Esch-sur-Alzette", "Differdange"],
    "MT": ["Valletta"],
    "CY": ["Limassol", "Larnaca"],
}  # fmt: skip

#: (acronym, name, theme) of the networks, used in turn.
THEMES = [
    ("FOOD CITIES", "Food Cities: local food systems for healthier neighbourhoods",
     "Local food strategies that bring growers, schools and markets together."),
    ("CIRCULAR BUY", "Circular Buy: public procurement for a circular economy",
     "Using the city's purchasing power to keep materials in use."),
    ("HEAT SHIELD", "Heat Shield: cooling cities for their residents' health",
     "Shade, water and green spaces against summer heatwaves."),
    ("YOUTH HUBS", "Youth Hubs: young people shaping their city",
     "Places and programmes where young people take part in local decisions."),
    ("ACTIVE AGE", "Active Age: neighbourhoods for every age",
     "Housing, services and public space for older residents who live independently."),
    ("SHARED STREETS", "Shared Streets: mobility that leaves room for people",
     "Walking, cycling and shared transport in dense neighbourhoods."),
    ("LIVING HERITAGE", "Living Heritage: historic centres people live in",
     "Reusing heritage buildings for housing, culture and local business."),
    ("GREEN JOBS", "Green Jobs: skills for the local green transition",
     "Training and jobs in renovation, energy and nature-based solutions."),
    ("HOME FIRST", "Home First: affordable housing in growing cities",
     "Affordable homes through cooperatives, renovation and public land."),
    ("DIGITAL FOR ALL", "Digital for All: no resident left offline",
     "Digital skills and access for residents who are left out of online services."),
    ("RIVER CITIES", "River Cities: reconnecting cities with their rivers",
     "Riverbanks as public space, flood protection and habitat."),
    ("SOCIAL ECONOMY", "Social Economy: local enterprises with a social purpose",
     "Support for social enterprises and cooperatives in public services."),
    ("SCHOOL STREETS", "School Streets: safe and healthy ways to school",
     "Car-free school streets, playgrounds and clean air for children."),
    ("ENERGY TOGETHER", "Energy Together: communities that make their own energy",
     "Energy communities of residents, schools and small businesses."),
    ("WELCOMING CITIES", "Welcoming Cities: newcomers as neighbours",
     "Housing, language and work for migrants and refugees, with local associations."),
]  # fmt: skip

FIRST_NAMES = [
    "Anna", "Marco", "Sofia", "Jan", "Elena", "Tomás", "Maria", "Pieter", "Katarzyna", "Luca",
    "Inês", "Mikkel", "Eva", "Nikos", "Laura", "Andrej", "Clara", "Matteo", "Zofia", "Hugo",
    "Irene", "Lars", "Petra", "Diego", "Marta", "Jonas", "Lucia", "Tibor", "Helena", "Rui",
    "Agnieszka", "Stefan", "Camille", "Mihai", "Ana", "Oskar", "Giulia", "Filip", "Lena", "Pablo",
]  # fmt: skip
LAST_NAMES = [
    "Rossi", "Novak", "Schmidt", "García", "Kowalski", "Dubois", "Horváth", "Silva", "Jansen",
    "Popescu", "Papadopoulos", "Nielsen", "Moretti", "Kovač", "Lindqvist", "Fernández", "Müller",
    "Ivanova", "Costa", "Berg", "Leroy", "Dimitrov", "Santos", "Wójcik", "Bianchi", "Petrović",
    "Virtanen", "Murphy", "Vermeulen", "Conti", "Nagy", "Marković", "Laurent", "Sousa", "Hansen",
    "Ferrari", "Wagner", "Mazur", "Ozola", "Kask",
]  # fmt: skip
MEMBER_TITLES = ["ULG Facilitator", "Project Officer", "Communication Officer", "Policy Adviser"]

#: (organisation, sector) of the people in the cities' local groups.
ORGANISATIONS = [
    ("Chamber of commerce", Sector.PRIVATE_COMPANY),
    ("Local business association", Sector.PRIVATE_COMPANY),
    ("Energy utility", Sector.PRIVATE_COMPANY),
    ("Social enterprise", Sector.PRIVATE_COMPANY),
    ("Start-up incubator", Sector.PRIVATE_COMPANY),
    ("Regional development agency", Sector.PUBLIC_AUTHORITY),
    ("Municipal social services", Sector.PUBLIC_AUTHORITY),
    ("Public library", Sector.PUBLIC_AUTHORITY),
    ("Public transport company", Sector.PUBLIC_AUTHORITY),
    ("Neighbourhood association", Sector.CIVIL_SOCIETY),
    ("Volunteer centre", Sector.CIVIL_SOCIETY),
    ("Housing cooperative", Sector.CIVIL_SOCIETY),
    ("Youth council", Sector.CIVIL_SOCIETY),
    ("Environmental association", Sector.CIVIL_SOCIETY),
    ("University", Sector.ACADEMIA),
    ("Research institute", Sector.ACADEMIA),
    ("Cultural centre", Sector.OTHER),
    ("Local newspaper", Sector.OTHER),
]

ULG_TOPICS = [
    "Kick-off: the city's challenge and who should be around the table",
    "Baseline study: what the figures say",
    "Mapping what already works in the city",
    "Visit of a good practice in another neighbourhood",
    "Agreeing the objectives of the Integrated Action Plan",
    "Ideas for Small Scale Actions",
    "Preparing the Small Scale Action with the residents",
    "What the Small Scale Action taught us",
    "Drafting the action table",
    "Budgets and funding sources for the actions",
    "Risks and how to handle them",
    "Report back from the transnational meeting",
]

PAIR_TOPICS = [
    "Working with local companies",
    "Reaching residents who never come to meetings",
    "Funding actions beyond the city budget",
    "Measuring what the actions change",
    "Small Scale Actions in public space",
    "Involving schools and young people",
    "Keeping the local group active between meetings",
]


def seeded(seed: str) -> random.Random:
    """A generator that draws the same at every load: demo data, never secrets."""
    return random.Random(seed)  # noqa: S311


def at(day: dt.date, hour: int = 9, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=dt.UTC)


@dataclass
class Timeline:
    """The dates a generated network works by, counted from the day of loading."""

    today: dt.date
    starts_on: dt.date
    ends_on: dt.date
    #: The eight transnational meetings, every three months; the last one is ahead.
    meeting_days: list[dt.date]
    #: The four check-up rounds; the last one is ahead.
    checkup_days: list[dt.date]
    roadmap_deadline: dt.date

    @classmethod
    def draw(cls, rng: random.Random, today: dt.date) -> Timeline:
        starts_on = today - dt.timedelta(days=rng.randint(630, 680))
        meeting_days = [
            starts_on + dt.timedelta(days=60 + 92 * k + rng.randint(-10, 10)) for k in range(8)
        ]
        checkup_days = [starts_on + dt.timedelta(days=d) for d in (200, 380, 560)]
        checkup_days.append(today + dt.timedelta(days=rng.randint(5, 25)))
        return cls(
            today=today,
            starts_on=starts_on,
            ends_on=starts_on + dt.timedelta(days=1094),
            meeting_days=meeting_days,
            checkup_days=checkup_days,
            roadmap_deadline=starts_on + dt.timedelta(days=470),
        )

    def day(self, days: int) -> dt.date:
        return self.starts_on + dt.timedelta(days=days)


@dataclass
class GeneratedNetwork:
    """One generated network and its people, as the apps' loaders need them."""

    number: int
    network: Network
    timeline: Timeline
    #: City 01 (the lead partner) first.
    partners: list[Partner]
    coordinator: User
    lead_partner: User
    lead_expert: User
    officer: User
    city_coordinators: list[User]
    city_members: list[list[User]]
    stakeholders: list[list[Stakeholder]] = field(default_factory=list)
    #: City pairs as (index, index) into `partners`.
    pairs: list[tuple[int, int]] = field(default_factory=list)
    #: What one app's loader leaves for the next (e.g. the meetings for the news).
    shared: dict = field(default_factory=dict)

    def random(self, part: str) -> random.Random:
        """A generator of its own for each part, so no part depends on another's draws."""
        return seeded(f"{self.network.slug}:{part}")

    def team(self, index: int) -> list[User]:
        """The people of city `index`: its coordinator and members."""
        return [self.city_coordinators[index], *self.city_members[index]]

    @property
    def staff(self) -> list[User]:
        return [self.coordinator, self.lead_partner, self.lead_expert]


def generate(*, scale: int, stdout=None) -> dict[str, int]:
    """Replace the generated networks by `scale` new ones; return what was made, counted.

    Runs in a transaction of its own, or as a savepoint inside the caller's. Rows are
    written in bulk, which no signal sees: every stored page is dropped after it."""
    with transaction.atomic(), bulk_writes():
        remove_generated()
        if scale <= 0:
            return {}
        context = {
            "now": timezone.now().replace(microsecond=0),
            "generated": [],
            "notifications": [],
            "counts": {"networks": scale},
        }
        create_networks(context, scale=scale)
        for load in demo_scale_loaders:  # the other apps', registered with their demo
            load(context=context, stdout=stdout)
        write_notifications(context)
    return context["counts"]


def remove_generated() -> None:
    """Delete the generated networks (with everything in them) and their people."""
    delete_cascading(Network.objects.filter(slug__regex=SLUG_PATTERN))
    delete_cascading(User.objects.filter(email__regex=EMAIL_PATTERN))


def delete_cascading(rows: models.QuerySet) -> None:
    """Delete `rows` and what depends on them as each foreign key's on_delete says, with one
    statement per relation and no row loaded.

    `QuerySet.delete()` loads every row of a table that a signal listens to, to send it:
    a few hundred thousand rows for thirty generated networks. No signal is sent, as none
    is sent for the bulk_create that makes them anew."""
    model = rows.model
    for relation in model._meta.get_fields(include_hidden=True):
        if not (relation.auto_created and not relation.concrete) or relation.many_to_many:
            continue  # not a foreign key to this model (a many-to-many's table has its own)
        key = relation.field
        dependants = relation.related_model._base_manager.filter(**{f"{key.name}__in": rows})
        on_delete = key.remote_field.on_delete
        if on_delete is models.CASCADE:
            delete_cascading(dependants)
        elif on_delete is models.SET_NULL:
            dependants.update(**{key.name: None})
        elif on_delete in (models.PROTECT, models.RESTRICT) and dependants.exists():
            raise models.ProtectedError(f"{key} protects generated rows", set())
        elif on_delete not in (models.PROTECT, models.RESTRICT, models.DO_NOTHING):
            raise NotImplementedError(f"{key}: {on_delete.__name__}")
    rows._raw_delete(rows.db)


def summary(counts: dict[str, int]) -> str:
    """'Generated 2 networks: 20 cities, 68 people, …' from what `generate` returns."""
    networks = counts.get("networks", 0)
    rest = ", ".join(f"{n} {what}" for what, n in counts.items() if what != "networks")
    return f"Generated {networks} network{'' if networks == 1 else 's'}: {rest}."


def logins(scale: int) -> list[str]:
    last = f"{scale:02d}"
    return [
        f"Generated networks gen-01 … gen-{last}, every login with the password {DEMO_PASSWORD}:",
        "  coordinator@gen-NN.example.org    coordinator (team of city 01, the lead partner)",
        "  lead-partner@gen-NN.example.org   lead partner (city 01)",
        "  lead-expert@gen-NN.example.org    lead expert",
        "  officer@gen-NN.example.org        programme officer (read-only)",
        "  city-CC@gen-NN.example.org        city coordinator of city CC (01 … 10)",
        "  member-CCa@gen-NN.example.org     team members of city CC (and member-CCb@…)",
        f"  (NN is 01 … {last})",
    ]


# Networks, cities and people ------------------------------------------------------------


def _city_slug(name: str) -> str:
    return slugify(name.replace("ł", "l").replace("Ł", "L"))


def _person_name(rng: random.Random) -> str:
    return f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"


def create_networks(context: dict, *, scale: int) -> None:
    today = context["now"].date()
    password = make_password(DEMO_PASSWORD)  # once: hashing is slow on purpose
    drafts = []
    for number in range(1, scale + 1):
        slug = f"gen-{number:02d}"
        rng = seeded(f"{slug}:network")
        timeline = Timeline.draw(rng, today)
        acronym, name, theme = THEMES[(number - 1) % len(THEMES)]
        network = Network(
            slug=slug,
            acronym=f"{acronym} {number:02d}",
            name=f"Action Planning Network {number:02d}: {name}",
            theme=theme,
            start_date=timeline.starts_on,
            end_date=timeline.ends_on,
            current_phase=Phase.PLANNING_ACTIONS,
        )
        countries = rng.sample(sorted(CITIES), CITIES_PER_NETWORK)
        cities = [(rng.choice(CITIES[country]), country) for country in countries]
        drafts.append((number, network, timeline, cities, rng))
    Network.objects.bulk_create([d[1] for d in drafts])

    partners, users, memberships = [], [], []
    for number, network, timeline, cities, rng in drafts:
        domain = f"gen-{number:02d}.example.org"
        joined = at(timeline.starts_on)

        def person(local, title, tz, domain=domain, rng=rng, joined=joined):
            user = User(
                email=f"{local}@{domain}",
                full_name=_person_name(rng),
                job_title=title,
                time_zone=tz,
                password=password,
                date_joined=joined + dt.timedelta(days=rng.randint(0, 60)),
            )
            users.append(user)
            return user

        city_partners = [
            Partner(
                network=network,
                city=city,
                slug=_city_slug(city),
                country=country,
                time_zone=TIME_ZONES[country],
                is_lead_partner=index == 0,
                description=(
                    f"{city} takes part in {network.acronym} with its URBACT Local Group "
                    "of residents, companies and associations."
                ),
                csr_challenge=f"{network.theme} {city} starts from a few scattered projects.",
                iap_focus=f"An Integrated Action Plan for {city} on: {network.theme.lower()}",
            )
            for index, (city, country) in enumerate(cities)
        ]
        partners += city_partners
        lead_tz = city_partners[0].time_zone
        generated = GeneratedNetwork(
            number=number,
            network=network,
            timeline=timeline,
            partners=city_partners,
            coordinator=person("coordinator", "Deputy Project Coordinator", lead_tz),
            lead_partner=person("lead-partner", "Project Coordinator", lead_tz),
            lead_expert=person(
                "lead-expert", "Lead Expert", TIME_ZONES[rng.choice(sorted(TIME_ZONES))]
            ),
            officer=person("officer", "URBACT Programme Officer", "Europe/Brussels"),
            city_coordinators=[],
            city_members=[],
        )
        for index, partner in enumerate(city_partners):
            tz = partner.time_zone
            generated.city_coordinators.append(
                person(f"city-{index + 1:02d}", "City Coordinator", tz)
            )
            generated.city_members.append(
                [
                    person(f"member-{index + 1:02d}{letter}", rng.choice(MEMBER_TITLES), tz)
                    for letter in "ab"
                ]
            )
        context["generated"].append(generated)
    Partner.objects.bulk_create(partners, batch_size=BATCH)
    User.objects.bulk_create(users, batch_size=BATCH)

    for gen in context["generated"]:
        lead_city = gen.partners[0]
        memberships += [
            Membership(user=gen.coordinator, network=gen.network, role=Role.COORDINATOR,
                       partner=lead_city),
            Membership(user=gen.lead_partner, network=gen.network, role=Role.LEAD_PARTNER,
                       partner=lead_city),
            Membership(user=gen.lead_expert, network=gen.network, role=Role.LEAD_EXPERT),
            Membership(user=gen.officer, network=gen.network, role=Role.PROGRAMME_OFFICER),
        ]  # fmt: skip
        for index, partner in enumerate(gen.partners):
            memberships.append(
                Membership(
                    user=gen.city_coordinators[index],
                    network=gen.network,
                    role=Role.CITY_COORDINATOR,
                    partner=partner,
                )
            )
            memberships += [
                Membership(
                    user=member, network=gen.network, role=Role.CITY_TEAM_MEMBER, partner=partner
                )
                for member in gen.city_members[index]
            ]
    Membership.objects.bulk_create(memberships, batch_size=BATCH)
    context["counts"].update({"cities": len(partners), "people": len(users)})

    create_workplans(context)
    create_local_groups(context)
    create_city_pairs(context)
    create_invitations(context)


#: (name, phase, first day, last day) from the network's start.
STAGES = [
    ("Phase 1", Phase.PHASE_1, 0, 240, "Partnership built and baseline study."),
    ("Activation", Phase.ACTIVATION, 241, 470,
     "URBACT Local Groups set up; IAP roadmaps drafted and submitted."),
    ("Planning Actions", Phase.PLANNING_ACTIONS, 471, 830,
     "Actions designed; Small Scale Actions tested."),
    ("Planning Implementation", Phase.PLANNING_IMPLEMENTATION, 831, 1000,
     "Final Integrated Action Plans."),
    ("Closing", Phase.CLOSING, 1001, 1094, "Final event and the network's results shared."),
]  # fmt: skip


def create_workplans(context: dict) -> None:
    stages, deadlines = [], []
    for gen in context["generated"]:
        t = gen.timeline
        stages += [
            WorkplanStage(network=gen.network, name=name, phase=phase, starts_on=t.day(first),
                          ends_on=t.day(last), description=what)
            for name, phase, first, last, what in STAGES
        ]  # fmt: skip
        deadlines += [
            Obligation(network=gen.network, title="IAP roadmaps submitted",
                       due_on=t.roadmap_deadline, kind=ObligationKind.ROADMAP),
            Obligation(network=gen.network, title="Small Scale Actions planned",
                       due_on=t.day(640), kind=ObligationKind.SSAS_PLANNED, target=2),
            Obligation(network=gen.network, title="Final Integrated Action Plans",
                       due_on=t.day(1000), kind=ObligationKind.FINAL_IAP),
            Obligation(network=gen.network, title="Roadmaps reviewed",
                       kind=ObligationKind.ROADMAP_REVIEW, within_days=10),
        ]  # fmt: skip
    WorkplanStage.objects.bulk_create(stages, batch_size=BATCH)
    Obligation.objects.bulk_create(deadlines, batch_size=BATCH)


def create_local_groups(context: dict) -> None:
    """8–16 stakeholders per city and a ULG meeting every two months or so."""
    stakeholders, meetings, presence = [], [], []
    for gen in context["generated"]:
        rng = gen.random("ulg")
        for partner in gen.partners:
            city_people = []
            for n in range(rng.randint(8, 16)):
                organisation, sector = rng.choice(ORGANISATIONS)
                name = _person_name(rng)
                with_email = rng.random() < 0.85
                email = f"{slugify(name)}.{n + 1}@{slugify(organisation)}.example.org"
                city_people.append(
                    Stakeholder(
                        partner=partner,
                        name=name,
                        organisation=f"{organisation}, {partner.city}",
                        sector=sector,
                        email=email if with_email else "",
                        consent_to_contact=with_email and rng.random() < 0.6,
                        is_active=rng.random() < 0.9,
                    )
                )
            gen.stakeholders.append(city_people)
            stakeholders += city_people
            day = gen.timeline.day(rng.randint(150, 200))
            for topic in ULG_TOPICS:
                if day >= gen.timeline.today:
                    break
                present = rng.sample(city_people, rng.randint(3, len(city_people)))
                meeting = UlgMeeting(
                    partner=partner,
                    held_on=day,
                    topic=topic,
                    participants=len(present) + rng.randint(0, 12),
                    notes=rng.choice(
                        ["Online meeting.", "In the town hall.", "At the local library.",
                         "Hosted by the chamber of commerce.", "Walk through the neighbourhood."]
                    ),
                )  # fmt: skip
                meetings.append(meeting)
                presence.append((meeting, present))
                day += dt.timedelta(days=rng.randint(40, 75))
    Stakeholder.objects.bulk_create(stakeholders, batch_size=BATCH)
    UlgMeeting.objects.bulk_create(meetings, batch_size=BATCH)
    through = UlgMeeting.stakeholders_present.through
    through.objects.bulk_create(
        [
            through(ulgmeeting_id=meeting.pk, stakeholder_id=person.pk)
            for meeting, present in presence
            for person in present
        ],
        batch_size=BATCH,
    )
    context["counts"]["stakeholders"] = len(stakeholders)
    context["counts"]["ULG meetings"] = len(meetings)


def create_city_pairs(context: dict) -> None:
    """Five pairs of cities, and one cluster of three."""
    groups, members = [], []
    for gen in context["generated"]:
        rng = gen.random("pairs")
        order = list(range(CITIES_PER_NETWORK))
        rng.shuffle(order)
        topics = rng.sample(PAIR_TOPICS, 6)
        for k in range(0, CITIES_PER_NETWORK, 2):
            first, second = order[k], order[k + 1]
            gen.pairs.append((first, second))
            group = CityGroup(network=gen.network, kind=GroupKind.PAIR, topic=topics[k // 2])
            groups.append(group)
            members.append((group, [gen.partners[first], gen.partners[second]]))
        cluster = CityGroup(
            network=gen.network,
            kind=GroupKind.CLUSTER,
            topic=topics[5],
            notes="A shared calendar of their Small Scale Actions.",
        )
        groups.append(cluster)
        members.append((cluster, [gen.partners[i] for i in rng.sample(order, 3)]))
    CityGroup.objects.bulk_create(groups, batch_size=BATCH)
    through = CityGroup.cities.through
    through.objects.bulk_create(
        [
            through(citygroup_id=group.pk, partner_id=city.pk)
            for group, cities in members
            for city in cities
        ],
        batch_size=BATCH,
    )


def create_invitations(context: dict) -> None:
    """The city members joined by invitation; two invitations are still open, one expired."""
    invitations = []
    for gen in context["generated"]:
        rng = gen.random("invitations")
        domain = gen.network.slug + ".example.org"
        for index, partner in enumerate(gen.partners):
            for member in gen.city_members[index]:
                sent = member.date_joined - dt.timedelta(days=rng.randint(1, 6))
                invitations.append(
                    Invitation(network=gen.network, partner=partner, email=member.email,
                               role=Role.CITY_TEAM_MEMBER,
                               invited_by=gen.city_coordinators[index], created_at=sent,
                               expires_at=sent + INVITATION_VALID_FOR,
                               accepted_at=member.date_joined)
                )  # fmt: skip
        now = context["now"]
        for n, days_ago in enumerate([1, 3, 40]):
            index = rng.randrange(CITIES_PER_NETWORK)
            sent = now - dt.timedelta(days=days_ago, hours=rng.randint(0, 8))
            invitations.append(
                Invitation(network=gen.network, partner=gen.partners[index],
                           email=f"new-colleague-{n + 1}@{domain}", role=Role.CITY_TEAM_MEMBER,
                           invited_by=gen.city_coordinators[index],
                           nonce=rng.randbytes(18).hex(), created_at=sent,
                           expires_at=sent + INVITATION_VALID_FOR)
            )  # fmt: skip
    Invitation.objects.bulk_create(invitations, batch_size=BATCH)
    InvitationEmail.objects.bulk_create(
        [
            InvitationEmail(invitation=invitation, created_at=invitation.created_at,
                            **sent_at(invitation.created_at))
            for invitation in invitations
        ],
        batch_size=BATCH,
    )  # fmt: skip


# What the other apps' loaders share ------------------------------------------------------


def sent_at(when: dt.datetime) -> dict:
    """The fields of an outbox row that went out at `when`, as the outbox leaves them."""
    return {
        "status": OutboxStatus.SENT,
        "due_at": when,
        "sent_at": when + dt.timedelta(seconds=20),
        "attempts": 1,
    }


def tell(
    context: dict,
    *,
    recipients,
    network: Network,
    title: str,
    at: dt.datetime,
    body: str = "",
    url: str = "",
    email: bool = False,
) -> None:
    """Note the notifications a service would have written at `at` (see partners.services
    .notify); they are written together at the end, read or not."""
    seen = set()
    for user in recipients:
        if user.pk not in seen:
            seen.add(user.pk)
            context["notifications"].append((user, network, title[:300], body, url, at, email))


def write_notifications(context: dict) -> None:
    """Write the notifications: those of the last two weeks unread, and a few older ones."""
    now = context["now"]
    rng = seeded("gen:notifications")
    rows, emailed = [], []
    for user, network, title, body, url, when, email in context["notifications"]:
        when = min(when, now)
        unread = when > now - dt.timedelta(days=14) or rng.random() < 0.04
        read_at = None if unread else min(when + dt.timedelta(hours=rng.randint(1, 72)), now)
        row = Notification(recipient=user, network=network, title=title, body=body, url=url,
                           created_at=when, read_at=read_at)  # fmt: skip
        rows.append(row)
        if email:
            emailed.append(row)
    Notification.objects.bulk_create(rows, batch_size=BATCH)
    NotificationEmail.objects.bulk_create(
        [NotificationEmail(notification=row, **sent_at(row.created_at)) for row in emailed],
        batch_size=BATCH,
    )
    unread = sum(1 for row in rows if row.read_at is None)
    context["counts"]["notifications"] = len(rows)
    context["counts"]["unread"] = unread


def backdate(model, field_name: str, values: dict) -> None:
    """Set `field_name` to values[pk] for each row. For the fields with auto_now_add,
    which ignore what bulk_create is given: one UPDATE … FROM (VALUES …) per thousand rows."""
    if not values:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    column_field = model._meta.get_field(field_name)
    column = connection.ops.quote_name(column_field.column)
    db_type = column_field.db_type(connection)
    items = list(values.items())
    with connection.cursor() as cursor:
        for start in range(0, len(items), 1000):
            chunk = items[start : start + 1000]
            rows = ", ".join([f"(%s::bigint, %s::{db_type})"] * len(chunk))
            cursor.execute(  # names from the model's meta; the values are parameters
                f"UPDATE {table} AS t SET {column} = v.value "  # noqa: S608
                f"FROM (VALUES {rows}) AS v(id, value) WHERE t.id = v.id",
                [item for pair in chunk for item in pair],
            )

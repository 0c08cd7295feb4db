"""Demo transnational meetings of CITIES4CSR (online during Covid-19), its check-up calls,
and the open work dated from the day the demo is loaded: TNM #6 in three weeks (some
cities registered), TNM #7 in Sofia over two days about five weeks ahead (hybrid), the
latest check-up round a couple of weeks ago with its follow-ups, and an open round whose
slots three cities have booked. TNM #5 recorded its decisions and actions; the network's
library holds a study, a template, a city's good practice, and TNM #5's slides and photo.

Nothing here sends mail: the rows are written as the services would have left them, and
the e-mails of the past are marked sent (`partners.demo_scale.sent_at`)."""

import datetime as dt
import io
import zoneinfo

from django.core.files.base import ContentFile
from django.db.models import F
from PIL import Image, ImageDraw

from meetings import services
from meetings.enums import AgendaKind, CallKind, DocumentKind, MeetingFormat, MeetingStatus
from meetings.models import (
    Action,
    AgendaItem,
    Attendance,
    Call,
    CheckupRound,
    CheckupSlot,
    Decision,
    Document,
    FollowUp,
    GuestSpeaker,
    Meeting,
)
from partners.demo import PAIRS
from partners.demo_scale import sent_at
from partners.models import Notification, NotificationEmail
from partners.selectors import city_team

UTC = dt.UTC
SOFIA = zoneinfo.ZoneInfo("Europe/Sofia")
BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")

MEETINGS = [
    (
        2,
        "The URBACT Local Groups at work",
        dt.datetime(2020, 10, 28, 9, 0, tzinfo=UTC),
        dt.datetime(2020, 10, 28, 13, 0, tzinfo=UTC),
        "Online because of Covid-19: how each city set up its URBACT Local Group, and a "
        "first look at the IAP roadmaps.",
    ),
    (
        3,
        "CSR, the SDGs and Covid-19",
        dt.datetime(2020, 11, 25, 9, 0, tzinfo=UTC),
        dt.datetime(2020, 11, 25, 13, 0, tzinfo=UTC),
        "Keynote on CSR, the SDGs and Covid-19; a network-to-network exchange; "
        "an interactive session on digital tools for local stakeholder work.",
    ),
    (
        4,
        "IAP revision",
        dt.datetime(2020, 12, 14, 9, 0, tzinfo=UTC),
        dt.datetime(2020, 12, 14, 13, 0, tzinfo=UTC),
        "Revision of the IAP roadmaps, with bilateral peer calls between partner cities.",
    ),
    (
        5,
        "State of the art and city pairs",
        dt.datetime(2021, 2, 16, 9, 0, tzinfo=UTC),
        dt.datetime(2021, 2, 16, 13, 0, tzinfo=UTC),
        "State of the art of the activities, a deeper look at the IAP, clustering the cities "
        "into pairs for exchanging good practices, and the network workplan.",
    ),
]


def load(*, context, stdout=None):
    network = context["network"]
    meetings = {}
    for number, title, starts, ends, purpose in MEETINGS:
        meetings[number], _ = Meeting.objects.update_or_create(
            network=network,
            number=number,
            defaults={
                "title": title,
                "starts_at": starts,
                "ends_at": ends,
                "format": MeetingFormat.ONLINE,
                "status": MeetingStatus.HELD,
                "host": context["partners"]["milan"],
                "purpose": purpose,
            },
        )
    load_agendas(meetings, context)
    load_checkups(network, context)
    load_bilateral_calls(network, meetings, context)
    meetings[6] = load_next_meeting(network, context)
    meetings[7] = load_sofia_meeting(network, context)
    load_outcomes(meetings, context)
    load_latest_checkups(network, context)
    load_open_round(network, context)
    load_library(network, meetings, context)
    context["meetings"] = meetings


def at(day, hour, minute=0):
    return dt.datetime(*day, hour, minute, tzinfo=UTC)


#: (meeting, hour, minute, title, kind, member speakers (context keys), guest speakers)
AGENDAS = {
    2: [
        (9, 0, "Welcome and the Activation stage", AgendaKind.PLENARY, ["coordinator"], []),
        (9, 45, "Each city's URBACT Local Group: who takes part", AgendaKind.INTERACTIVE,
         [], []),
        (11, 0, "From the baseline to the IAP roadmap", AgendaKind.WORKSHOP,
         ["lead_expert"], []),
    ],
    3: [
        (9, 0, "Welcome and state of the network", AgendaKind.PLENARY, ["coordinator"], []),
        (9, 20, "Keynote: CSR and the SDGs after Covid-19", AgendaKind.KEYNOTE, [],
         [("Guest expert on sustainable business", "University partner")]),
        (10, 30, "Network-to-network exchange", AgendaKind.NETWORK_EXCHANGE, ["lead_expert"],
         [("Lead expert of another URBACT network", "URBACT")]),
        (11, 45, "Digital tools for working with local groups", AgendaKind.INTERACTIVE,
         ["lead_expert"], []),
    ],
    4: [
        (9, 0, "IAP roadmaps: what we learned in the check-up calls", AgendaKind.PLENARY,
         ["lead_expert"], []),
        (10, 0, "Bilateral peer calls on the roadmaps", AgendaKind.BILATERAL_CALLS, [], []),
        (12, 0, "Revising the roadmaps: next steps", AgendaKind.WORKSHOP, ["lead_partner"], []),
    ],
    5: [
        (9, 0, "State of the art of the activities", AgendaKind.PLENARY, ["coordinator"], []),
        (10, 0, "A deeper look at the Integrated Action Plan", AgendaKind.WORKSHOP,
         ["lead_expert"], []),
        (11, 15, "City pairs for exchanging good practices", AgendaKind.INTERACTIVE, [], []),
        (12, 30, "Workplan for the Planning Actions phase", AgendaKind.PLENARY,
         ["lead_partner"], []),
    ],
}  # fmt: skip


def load_agenda(meeting, items, context):
    day = (meeting.starts_at.year, meeting.starts_at.month, meeting.starts_at.day)
    for hour, minute, title, kind, members, guests in items:
        item, _ = AgendaItem.objects.update_or_create(
            meeting=meeting,
            title=title,
            defaults={"starts_at": at(day, hour, minute), "kind": kind},
        )
        item.speakers.set([context[key] for key in members])
        item.guest_speakers.all().delete()
        GuestSpeaker.objects.bulk_create(
            GuestSpeaker(agenda_item=item, name=name, affiliation=affiliation)
            for name, affiliation in guests
        )


def load_agendas(meetings, context):
    for number, items in AGENDAS.items():
        meeting = meetings[number]
        load_agenda(meeting, items, context)
        for slug, member in context["city_members"].items():
            Attendance.objects.get_or_create(
                meeting=meeting, user=member, defaults={"partner": context["partners"][slug]}
            )


def load_checkups(network, context):
    """The December 2020 round: one call per city with the LP and the LE."""
    checkup_round, _ = CheckupRound.objects.get_or_create(
        network=network, title="December 2020 check-up"
    )
    CheckupRound.objects.filter(pk=checkup_round.pk).update(created_at=at((2020, 11, 25), 14))
    start = at((2020, 12, 1), 9)
    for n, (slug, partner) in enumerate(
        sorted(context["partners"].items(), key=lambda p: p[1].city)
    ):
        starts = start + dt.timedelta(days=n // 4, hours=n % 4 * 1.5)
        call, _ = Call.objects.update_or_create(
            network=network,
            checkup_round=checkup_round,
            title=f"December 2020 check-up: {partner.city}",
            defaults={
                "kind": CallKind.CHECKUP,
                "starts_at": starts,
                "ends_at": starts + dt.timedelta(hours=1),
                "status": MeetingStatus.HELD,
                "notes": "Roadmap steps reviewed; ULG involvement discussed.",
            },
        )
        call.cities.set([partner])
        hosts = [context["lead_partner"], context["lead_expert"]]
        call.participants.set([*city_team(partner=partner), *hosts])
        FollowUp.objects.update_or_create(
            call=call,
            task="Send the revised IAP roadmap to the lead expert",
            defaults={
                "owner": context["city_coordinators"][slug],
                "due_on": dt.date(2020, 12, 31),
                "done": True,
            },
        )


BILATERAL = [("sofia", "vratsa"), ("budaors", "bratislava"), ("guimaraes", "molina-de-segura")]


def load_bilateral_calls(network, meetings, context):
    for n, (first, second) in enumerate(BILATERAL):
        cities = [context["partners"][first], context["partners"][second]]
        starts = at((2020, 12, 14), 10) + dt.timedelta(minutes=40 * n)
        call, _ = Call.objects.update_or_create(
            network=network,
            title=f"Peer call: {cities[0].city} and {cities[1].city}",
            defaults={
                "kind": CallKind.BILATERAL,
                "starts_at": starts,
                "ends_at": starts + dt.timedelta(minutes=30),
                "meeting": meetings[4],
                "status": MeetingStatus.HELD,
                "notes": "Each city presented its roadmap; the other asked questions.",
            },
        )
        call.cities.set(cities)
        call.participants.set([*city_team(partner=cities[0]), *city_team(partner=cities[1])])


#: TNM #6, three weeks after the day the demo is loaded.
NEXT_AGENDA = [
    (9, 0, "Welcome and where each city stands", AgendaKind.PLENARY, ["coordinator"], []),
    (9, 30, "From objectives to actions: the action table", AgendaKind.WORKSHOP,
     ["lead_expert"], []),
    (11, 0, "First Small Scale Actions: the city pairs report", AgendaKind.INTERACTIVE,
     [], []),
    (12, 15, "Towards the final Integrated Action Plans", AgendaKind.PLENARY,
     ["lead_partner"], []),
]  # fmt: skip

#: The cities that have registered for TNM #6, and how many days ago; the others have not.
REGISTERED_FOR_TNM6 = {
    "milan": 9, "guimaraes": 8, "bratislava": 6, "budaors": 5, "kekava": 4,
    "molina-de-segura": 2,
}  # fmt: skip


def load_next_meeting(network, context):
    """TNM #6, planned three weeks ahead with its agenda; six cities have registered who
    attends (due a week before it), four have not."""
    dates = context["dates"]
    day = dates.tnm6
    start = at((day.year, day.month, day.day), 9)
    meeting, _ = _update_event(
        Meeting,
        start,
        network=network,
        number=6,
        defaults={
            "title": "Planning Actions: from objectives to actions",
            "starts_at": start,
            "ends_at": start + dt.timedelta(hours=4),
            "format": MeetingFormat.ONLINE,
            "status": MeetingStatus.PLANNED,
            "online_link": "https://meet.example.org/cities4csr-tnm6",
            "host": context["partners"]["milan"],
            "purpose": "Turning IAP objectives into actions; first Small Scale Actions.",
        },
    )
    load_agenda(meeting, NEXT_AGENDA, context)
    registered = [context["partners"][slug] for slug in REGISTERED_FOR_TNM6]
    Attendance.objects.filter(meeting=meeting).exclude(partner__in=registered).delete()
    for slug, days_ago in REGISTERED_FOR_TNM6.items():
        day = dates.days_ago(days_ago)
        for person in (context["city_coordinators"][slug], context["city_members"][slug]):
            attendance, _ = Attendance.objects.get_or_create(
                meeting=meeting, user=person, defaults={"partner": context["partners"][slug]}
            )
            Attendance.objects.filter(pk=attendance.pk).update(
                registered_at=at((day.year, day.month, day.day), 10)
            )
    return meeting


LATEST_ROUND = "Check-up on the Small Scale Actions"

#: The cities whose call of the latest round was moved to next week (in days from today).
CALLS_AHEAD = {"rijeka": 5, "nantes": 6}

#: What each call held in the latest round left to do: the first task due a week after the
#: call (done by all but one city: the only follow-up overdue), the second later this month
#: (done by a few cities already).
SHARE_PLAN = "Share the Small Scale Action plan with the ULG"
DRAFT_TABLE = "Send the lead expert a first draft of the action table"
OVERDUE_IN = "kekava"
AHEAD = {"milan", "guimaraes", "bratislava"}


def load_latest_checkups(network, context):
    """The latest round, a couple of weeks ago: one call per city with the LP and the LE,
    two still to come; each call held left follow-ups, some done, one overdue (Ķekava's)."""
    dates = context["dates"]
    checkup_round, _ = CheckupRound.objects.get_or_create(network=network, title=LATEST_ROUND)
    CheckupRound.objects.filter(pk=checkup_round.pk).update(
        created_at=at(_ymd(dates.checkup_round - dt.timedelta(days=5)), 8)
    )
    hosts = [context["lead_partner"], context["lead_expert"]]
    held = sorted(
        (p for slug, p in context["partners"].items() if slug not in CALLS_AHEAD),
        key=lambda p: p.city,
    )
    for n, partner in enumerate(held):
        starts = at(_ymd(dates.checkup_round), 9) + dt.timedelta(days=n // 4, hours=n % 4 * 1.5)
        call = _checkup_call(network, checkup_round, partner, starts, MeetingStatus.HELD)
        call.participants.set([*city_team(partner=partner), *hosts])
        owner = context["city_coordinators"][partner.slug]
        for task, due_on, done in [
            (SHARE_PLAN, starts.date() + dt.timedelta(days=7), partner.slug != OVERDUE_IN),
            (DRAFT_TABLE, dates.in_month(10), partner.slug in AHEAD),
        ]:
            FollowUp.objects.update_or_create(
                call=call, task=task, defaults={"owner": owner, "due_on": due_on, "done": done}
            )
    for slug, days in CALLS_AHEAD.items():
        partner = context["partners"][slug]
        starts = at(_ymd(dates.days_ahead(days)), 10)
        call = _checkup_call(network, checkup_round, partner, starts, MeetingStatus.PLANNED)
        call.participants.set([*city_team(partner=partner), *hosts])


def _ymd(day):
    return (day.year, day.month, day.day)


def _update_event(model, starts_at, **lookup):
    """`update_or_create` for a meeting or call that moves with the day the demo is loaded:
    a new time raises its calendar revision, as a reschedule does."""
    before = model.objects.filter(**{k: v for k, v in lookup.items() if k != "defaults"})
    moved = before.exclude(starts_at=starts_at).values_list("pk", flat=True).first()
    event, created = model.objects.update_or_create(**lookup)
    if moved:
        model.objects.filter(pk=moved).update(sequence=F("sequence") + 1)
    return event, created


def _checkup_call(network, checkup_round, partner, starts, status):
    call, _ = _update_event(
        Call,
        starts,
        network=network,
        checkup_round=checkup_round,
        title=f"{LATEST_ROUND}: {partner.city}",
        defaults={
            "kind": CallKind.CHECKUP,
            "starts_at": starts,
            "ends_at": starts + dt.timedelta(hours=1),
            "status": status,
            "notes": (
                "Small Scale Actions and the action table discussed; follow-ups agreed."
                if status == MeetingStatus.HELD
                else ""
            ),
        },
    )
    call.cities.set([partner])
    return call


def _local(day: dt.date, hour: int, minute: int, zone) -> dt.datetime:
    """`hour:minute` on `day` in `zone`, in UTC."""
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=zone).astimezone(UTC)


def _person(context, key):
    """A demo person by their context key: "lead_expert", or ("city_coordinators", "sofia")."""
    if isinstance(key, tuple):
        group, slug = key
        return context[group][slug]
    return context[key]


# TNM #7: two days in Sofia, hybrid -----------------------------------------------------------

TNM7_TITLE = "From pilots to the final IAP"
TNM7_VENUE = "Sofia City Hall, 33 Moskovska Str., 1000 Sofia"
TNM7_LINK = "https://meet.example.org/cities4csr-tnm7"
#: Day one 10:00–17:30, day two 09:30–13:00, in Sofia.
TNM7_HOURS = ((10, 0), (13, 0))
SOFIA_COORDINATOR = ("city_coordinators", "sofia")
SOFIA_MEMBER = ("city_members", "sofia")

#: (day 0 or 1, hour, minute in Sofia, title, kind, member speakers, guest speakers)
TNM7_PROGRAMME = [
    (0, 10, 0, "Welcome to Sofia: the host city's work with companies", AgendaKind.PLENARY,
     [SOFIA_COORDINATOR, "coordinator"],
     [("Deputy Mayor for Economic Development", "Sofia Municipality")]),
    (0, 10, 30, "Keynote: when the pilots end, what do companies keep doing?",
     AgendaKind.KEYNOTE, [], [("Dr Elena Dimitrova", "Centre for Responsible Business, Sofia")]),
    (0, 11, 30, "Site visit: a courtyard greened with local companies", AgendaKind.INTERACTIVE,
     [SOFIA_MEMBER], [("Nikolay Georgiev", "Green System Directorate, Sofia Municipality")]),
    (0, 14, 0, "Workshop: from Small Scale Actions to the final IAP", AgendaKind.WORKSHOP,
     ["lead_expert"], []),
    (0, 15, 45, "Bilateral exchanges of the city pairs", AgendaKind.BILATERAL_CALLS, [], []),
    (1, 9, 30, "Network-to-network exchange: CSR in another URBACT network",
     AgendaKind.NETWORK_EXCHANGE, ["lead_expert"],
     [("Dr Ana Sousa", "Lead expert, URBACT network on circular local economies")]),
    (1, 10, 45, "Workshop: financing the IAP actions with companies", AgendaKind.WORKSHOP,
     ["lead_partner", "officer"], [("Tomás Ferreira", "Regional development bank")]),
    (1, 12, 15, "Wrap-up and the road to the final event in Milan", AgendaKind.PLENARY,
     ["coordinator", "lead_partner"], []),
]  # fmt: skip


def load_sofia_meeting(network, context):
    """TNM #7, hybrid: at Sofia City Hall and online, over two days about five weeks
    ahead, with its programme by day in Sofia's time."""
    first_day = context["dates"].tnm7
    second_day = first_day + dt.timedelta(days=1)
    starts = _local(first_day, *TNM7_HOURS[0], SOFIA)
    meeting, _ = _update_event(
        Meeting,
        starts,
        network=network,
        number=7,
        defaults={
            "title": TNM7_TITLE,
            "starts_at": starts,
            "ends_at": _local(second_day, *TNM7_HOURS[1], SOFIA),
            "format": MeetingFormat.HYBRID,
            "venue": TNM7_VENUE,
            "online_link": TNM7_LINK,
            "status": MeetingStatus.PLANNED,
            "host": context["partners"]["sofia"],
            "purpose": (
                "Two days in Sofia: what the Small Scale Actions taught each city, a visit "
                "to one of Sofia's pilots, and the work towards the final Integrated Action "
                "Plans. Partners who cannot travel join online."
            ),
        },
    )
    for n, (day, hour, minute, title, kind, members, guests) in enumerate(TNM7_PROGRAMME):
        starts_at = _local(first_day + dt.timedelta(days=day), hour, minute, SOFIA)
        _agenda_item(meeting, starts_at, title, kind, [_person(context, k) for k in members],
                     guests, position=n)  # fmt: skip
    return meeting


def _agenda_item(meeting, starts_at, title, kind, speakers, guests, *, position=0):
    item, _ = AgendaItem.objects.update_or_create(
        meeting=meeting,
        title=title,
        defaults={"starts_at": starts_at, "kind": kind, "position": position},
    )
    item.speakers.set(speakers)
    item.guest_speakers.all().delete()
    GuestSpeaker.objects.bulk_create(
        GuestSpeaker(agenda_item=item, name=name, affiliation=affiliation)
        for name, affiliation in guests
    )
    return item


# What TNM #5 decided, and what TNM #6 asks of the cities ------------------------------------

TNM5_AGREED_AT = dt.datetime(2021, 2, 16, 12, 45, tzinfo=UTC)


def tnm5_decisions(partners) -> list[str]:
    pairs = ", ".join(
        f"{partners[first].city} with {partners[second].city}" for first, second, _ in PAIRS
    )
    return [
        f"Cities are clustered into pairs for exchanging good practices: {pairs}.",
        "Each city plans its first Small Scale Action by June 2021 and tests it with its "
        "URBACT Local Group.",
        "Every city writes the actions of its Integrated Action Plan in the lead expert's "
        "action table.",
    ]


TNM5_MINUTES = """\
Held online; every partner city took part.

- **State of the art**: each city presented its URBACT Local Group and the first ideas for
  Small Scale Actions.
- **The Integrated Action Plan**: the lead expert presented the action table; the cities
  will use it for every action of their plan.
- **City pairs**: the cities were clustered into pairs that share a challenge, to exchange
  good practices until the next meeting.
- **Workplan**: the Planning Actions phase runs until the end of 2021.
"""

#: (what, city or None, person, due, done at or None)
TNM5_ACTIONS = [
    ("Circulate the minutes and the city pairs to every partner", None, "coordinator",
     dt.date(2021, 2, 23), dt.datetime(2021, 2, 22, 15, 30, tzinfo=UTC)),
    ("Send every city the action table template", None, "lead_expert",
     dt.date(2021, 3, 1), dt.datetime(2021, 2, 26, 10, 0, tzinfo=UTC)),
    ("Agree with the pair city which good practices to exchange", "sofia", SOFIA_COORDINATOR,
     dt.date(2021, 3, 31), dt.datetime(2021, 3, 24, 9, 15, tzinfo=UTC)),
    ("Agree with the pair city which good practices to exchange", "guimaraes",
     ("city_coordinators", "guimaraes"),
     dt.date(2021, 3, 31), dt.datetime(2021, 4, 6, 14, 0, tzinfo=UTC)),  # a week late
    ("Plan the first Small Scale Action with the URBACT Local Group", "budaors",
     ("city_coordinators", "budaors"),
     dt.date(2021, 6, 30), dt.datetime(2021, 6, 18, 11, 0, tzinfo=UTC)),
]  # fmt: skip

#: What the preparation of TNM #6 asks, open: Ķekava's is overdue (days from today: minus
#: is ago), Sofia's due later this month.
TNM6_SLIDES = "Send the slides on your first Small Scale Action for TNM #6"
TNM7_TRAVEL = "Send the partners the travel and hotel information for TNM #7 in Sofia"
TNM6_ACTIONS = [
    (TNM6_SLIDES, "kekava", ("city_coordinators", "kekava"), -3),
    (TNM7_TRAVEL, "sofia", SOFIA_COORDINATOR, 9),
]


def load_outcomes(meetings, context):
    """TNM #5's minutes, decisions and actions (all done in 2021), and the open actions of the
    preparation of TNM #6, due this month: they show on the homes and in the obligations."""
    partners, dates = context["partners"], context["dates"]
    tnm5 = meetings[5]
    Meeting.objects.filter(pk=tnm5.pk).update(minutes=TNM5_MINUTES)
    for position, text in enumerate(tnm5_decisions(partners)):
        Decision.objects.update_or_create(meeting=tnm5, position=position, defaults={"text": text})
    tnm5.decisions.filter(position__gte=len(tnm5_decisions(partners))).delete()
    tnm5.decisions.update(created_at=TNM5_AGREED_AT)
    for task, slug, owner, due_on, done_at in TNM5_ACTIONS:
        Action.objects.update_or_create(
            meeting=tnm5,
            task=task,
            partner=partners[slug] if slug else None,
            defaults={
                "owner": _person(context, owner),
                "due_on": due_on,
                "done": True,
                "done_at": done_at,
            },
        )
    tnm5.actions.update(created_at=TNM5_AGREED_AT)
    tnm6 = meetings[6]
    agreed = _local(dates.days_ago(12), 11, 0, UTC)
    for task, slug, owner, days in TNM6_ACTIONS:
        due_on = dates.days_ago(-days) if days < 0 else dates.in_month(days)
        Action.objects.update_or_create(
            meeting=tnm6,
            task=task,
            partner=partners[slug],
            defaults={
                "owner": _person(context, owner),
                "due_on": due_on,
                "done": False,
                "done_at": None,
            },
        )
    tnm6.actions.update(created_at=agreed)


# The open check-up round: bookable slots, three booked ----------------------------------

OPEN_ROUND = "Check-up on drafting the final IAP"
#: Each day's slots in Brussels: from 09:00, 45 minutes each with 15 between, all ending by
#: 16:00.
SLOTS_OPEN, SLOTS_CLOSE = dt.time(9, 0), dt.time(16, 0)
SLOT_MINUTES, SLOT_GAP = 45, 15
#: The cities that booked already: the slot they took (its place in time order) and how
#: many days ago; the others have not.
BOOKED = {"vratsa": (0, 2), "guimaraes": (9, 1), "bratislava": (16, 1)}
#: The round was opened this many days ago.
ROUND_OPENED = 3


def open_round_slots(days) -> list[tuple[dt.datetime, dt.datetime]]:
    """The slots of the open round: (start, end) in UTC, in time order."""
    slots = []
    length, step = dt.timedelta(minutes=SLOT_MINUTES), dt.timedelta(minutes=SLOT_MINUTES + SLOT_GAP)
    for day in days:
        start = _local(day, SLOTS_OPEN.hour, SLOTS_OPEN.minute, BRUSSELS)
        close = _local(day, SLOTS_CLOSE.hour, SLOTS_CLOSE.minute, BRUSSELS)
        while start + length <= close:
            slots.append((start, start + length))
            start += step
    return slots


def load_open_round(network, context):
    """A round opened a few days ago offering slots over three days from ten days ahead,
    hosted by the lead partner and the lead expert; three cities booked theirs (each with
    its call), the others have not. The cities were told (their e-mails marked sent);
    those who booked read it. Loaded again, bookings made meanwhile are undone."""
    dates, partners = context["dates"], context["partners"]
    hosts = [context["lead_partner"], context["lead_expert"]]
    checkup_round, _ = CheckupRound.objects.get_or_create(network=network, title=OPEN_ROUND)
    opened = _local(dates.days_ago(ROUND_OPENED), 8, 0, UTC)
    CheckupRound.objects.filter(pk=checkup_round.pk).update(created_at=opened)

    times = open_round_slots(dates.open_checkups)
    slots = checkup_round.slots
    slots.exclude(starts_at__in=[starts for starts, _ in times]).delete()
    slots.update(partner=None, booked_by=None, booked_at=None, call=None)
    made = []
    for starts, ends in times:
        slot, _ = CheckupSlot.objects.update_or_create(
            checkup_round=checkup_round, starts_at=starts, defaults={"ends_at": ends}
        )
        slot.hosts.set(hosts)
        made.append(slot)

    calls = []
    for slug, (n, days_ago) in BOOKED.items():
        partner, slot = partners[slug], made[n]
        call, _ = _update_event(
            Call,
            slot.starts_at,
            network=network,
            checkup_round=checkup_round,
            title=f"{OPEN_ROUND}: {partner.city}",
            defaults={
                "kind": CallKind.CHECKUP,
                "starts_at": slot.starts_at,
                "ends_at": slot.ends_at,
                "status": MeetingStatus.PLANNED,
                "notes": "",
            },
        )
        call.cities.set([partner])
        call.participants.set([*city_team(partner=partner), *hosts])
        CheckupSlot.objects.filter(pk=slot.pk).update(
            partner=partner,
            booked_by=context["city_coordinators"][slug],
            booked_at=_local(dates.days_ago(days_ago), 9, 20 + n, UTC),
            call=call,
        )
        calls.append(call.pk)
    # Calls booked while trying the demo go with their bookings.
    Call.objects.filter(checkup_round=checkup_round).exclude(pk__in=calls).delete()
    _announced(network, checkup_round, opened, context)


def _announced(network, checkup_round, opened, context):
    """The cities and hosts told of the round when it opened (once per round), their
    e-mails sent then; read by the hosts and by the cities that booked."""
    services.checkup_round_announce(checkup_round)
    told = Notification.objects.filter(
        network=network, url=services.checkup_round_url(checkup_round)
    )
    NotificationEmail.objects.filter(notification__in=told).update(**sent_at(opened))
    readers = [context["lead_partner"], context["lead_expert"]] + [
        context["city_coordinators"][slug] for slug in BOOKED
    ]
    told.update(created_at=opened, read_at=None)
    told.filter(recipient__in=readers).update(read_at=opened + dt.timedelta(hours=5))


# The network's library -------------------------------------------------------------------


def _pdf(pages: list[tuple[str, list[str]]]) -> bytes:
    """A small PDF: each page a heading and a few lines of text (Helvetica, Windows-1252)."""

    def text(value):
        raw = value.encode("cp1252", errors="replace")
        return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")

    objects = [b"", b"", b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold "
               b"/Encoding /WinAnsiEncoding >>",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica "
               b"/Encoding /WinAnsiEncoding >>"]  # fmt: skip
    kids = []
    for heading, lines in pages:
        stream = b"BT /F1 20 Tf 56 780 Td (" + text(heading) + b") Tj /F2 12 Tf"
        for n, line in enumerate(lines):
            stream += b" 0 " + (b"-36" if n == 0 else b"-20") + b" Td (" + text(line) + b") Tj"
        stream += b" ET"
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font "
            b"<< /F1 3 0 R /F2 4 0 R >> >> /Contents %d 0 R >>" % (len(objects))
        )
        kids.append(len(objects))
    objects[0] = b"<< /Type /Catalog /Pages 2 0 R >>"
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (
        b" ".join(b"%d 0 R" % kid for kid in kids),
        len(kids),
    )
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


ACTION_TABLE_COLUMNS = [
    "Objective", "Action", "Who leads", "Partners (companies, ULG)", "Start", "End",
    "Cost (EUR)", "Funding", "Indicator",
]  # fmt: skip


def _action_table() -> bytes:
    """The lead expert's template of the IAP action table, as a spreadsheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Action table"
    sheet.append(["CITIES4CSR: Integrated Action Plan, action table"])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([])
    sheet.append(ACTION_TABLE_COLUMNS)
    for cell in sheet[3]:
        cell.font = Font(bold=True)
    sheet.append(["1. Companies join the city's green spaces", "1.1 Adopt-a-courtyard scheme",
                  "City (environment department)", "Local business network", "2022-01",
                  "2022-12", 15000, "City budget and company sponsors",
                  "Courtyards adopted"])  # fmt: skip
    for column, width in zip("ABCDEFGHI", (34, 30, 26, 28, 9, 9, 11, 30, 22), strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


#: The partners' tiles in the photo of TNM #5 online: (background, shirt) colours.
TILE_COLOURS = [
    ("#dfe7ef", "#2f5d8a"), ("#efe6da", "#a0522d"), ("#e4efe0", "#3d7a3d"),
    ("#efe0e6", "#8a2f5d"), ("#e8e4f2", "#5a4a9a"), ("#f2efdc", "#8a7a2f"),
]  # fmt: skip


def _photo() -> Image.Image:
    """The partners' faces on screen at the end of TNM #5: a video call's gallery of 12."""
    width, height, margin = 280, 220, 16
    image = Image.new("RGB", (4 * width + 5 * margin, 3 * height + 4 * margin), "#1f2329")
    corners = Image.new("L", (width, height), 0)
    ImageDraw.Draw(corners).rounded_rectangle((0, 0, width - 1, height - 1), 12, fill=255)
    for n in range(12):
        row, column = divmod(n, 4)
        background, shirt = TILE_COLOURS[(n + row) % len(TILE_COLOURS)]
        tile = Image.new("RGB", (width, height), background)
        draw = ImageDraw.Draw(tile)
        middle = width // 2
        draw.ellipse((middle - 75, 130, middle + 75, height + 90), fill=shirt)
        draw.ellipse((middle - 38, 48, middle + 38, 128), fill="#e0b899")
        position = (margin + column * (width + margin), margin + row * (height + margin))
        image.paste(tile, position, corners)
    return image


def _jpeg(image: Image.Image, *, width: int | None = None) -> bytes:
    if width is not None:
        image = image.copy()
        image.thumbnail((width, width * 3))
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85)
    return out.getvalue()


def _library(context) -> list[dict]:
    """The files of the library: the network's own (no meeting), then TNM #5's."""
    partners = context["partners"]
    sofia, vratsa = partners["sofia"].city, partners["vratsa"].city
    return [
        {
            "title": "Baseline study: CSR in the ten partner cities",
            "kind": DocumentKind.STUDY, "tag": "baseline", "meeting": None, "partner": None,
            "by": "lead_expert", "at": dt.datetime(2020, 4, 24, 10, 0, tzinfo=UTC),
            "name": "cities4csr-baseline-study.pdf",
            "make": lambda: _pdf([
                ("CITIES4CSR baseline study", [
                    "Corporate social responsibility in ten European cities:",
                    "what companies already do, and how cities can work with them.",
                ]),
                ("Findings", [
                    "1. Most companies act locally but seldom with the city.",
                    "2. Cities lack a single contact point for companies.",
                    "3. The SDGs give cities and companies a common language.",
                ]),
            ]),
        },
        {
            "title": "Template: the IAP action table",
            "kind": DocumentKind.TEMPLATE, "tag": "IAP", "meeting": None, "partner": None,
            "by": "lead_expert", "at": dt.datetime(2021, 2, 26, 10, 0, tzinfo=UTC),
            "name": "iap-action-table.xlsx", "make": _action_table,
        },
        {
            "title": "Good practice: Milan's CSR agreements with local companies",
            "kind": DocumentKind.STUDY, "tag": "good practice", "meeting": None,
            "partner": "milan", "by": "lead_partner",
            "at": dt.datetime(2021, 3, 10, 9, 30, tzinfo=UTC),
            "name": "milan-csr-agreements.pdf",
            "make": lambda: _pdf([
                ("Milan: CSR agreements with local companies", [
                    "How the city signs short agreements with companies that adopt",
                    "a public space or train young people, and what came of them.",
                ]),
            ]),
        },
        {
            "title": f"{sofia} and {vratsa}: greening the city with companies",
            "kind": DocumentKind.PRESENTATION, "tag": "city pairs", "meeting": 5,
            "partner": "sofia", "by": SOFIA_COORDINATOR,
            "at": dt.datetime(2021, 2, 15, 15, 0, tzinfo=UTC),
            "name": "sofia-vratsa-tnm5.pdf",
            "make": lambda: _pdf([
                (f"{sofia} and {vratsa}", ["Greening the city with companies", "TNM #5"]),
                ("What we will exchange", [
                    "- Companies adopting courtyards and parks",
                    "- Volunteering days with employees",
                    "- One contact point at the city for companies",
                ]),
            ]),
        },
        {
            "title": "TNM #5 online: the partners at the end of the day",
            "kind": DocumentKind.PHOTO, "tag": "", "meeting": 5, "partner": None,
            "by": "coordinator", "at": dt.datetime(2021, 2, 16, 13, 5, tzinfo=UTC),
            "name": "tnm5-partners-online.jpg", "photo": _photo,
        },
    ]  # fmt: skip


def load_library(network, meetings, context):
    """The network's library: each file written once (loading again keeps the stored
    file, and writes it anew only if it is missing); a photo with its thumbnail."""
    for row in _library(context):
        fields = {
            "kind": row["kind"],
            "tag": row["tag"],
            "meeting": meetings[row["meeting"]] if row["meeting"] else None,
            "partner": context["partners"][row["partner"]] if row["partner"] else None,
            "uploaded_by": _person(context, row["by"]),
        }
        document = Document.objects.filter(network=network, title=row["title"]).first()
        if document is None:
            document = Document(network=network, title=row["title"], **fields)
        else:
            for name, value in fields.items():
                setattr(document, name, value)
        stored = document.file and document.file.storage.exists(document.file.name)
        if not stored:
            if "photo" in row:
                image = row["photo"]()
                document.file.save(row["name"], ContentFile(_jpeg(image)), save=False)
                document.thumbnail.save(
                    row["name"], ContentFile(_jpeg(image, width=320)), save=False
                )
            else:
                document.file.save(row["name"], ContentFile(row["make"]()), save=False)
        document.save()
        Document.objects.filter(pk=document.pk).update(uploaded_at=row["at"])

"""Demo transnational meetings of CITIES4CSR (online during Covid-19), its check-up calls,
and the open work dated from the day the demo is loaded: TNM #6 in three weeks (some
cities registered), the latest check-up round a couple of weeks ago with its follow-ups."""

import datetime as dt

from django.db.models import F

from meetings.enums import AgendaKind, CallKind, MeetingFormat, MeetingStatus
from meetings.models import (
    AgendaItem,
    Attendance,
    Call,
    CheckupRound,
    FollowUp,
    GuestSpeaker,
    Meeting,
)
from partners.selectors import city_team

UTC = dt.UTC

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
    load_latest_checkups(network, context)
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

"""Demo transnational meetings of CITIES4CSR (online during Covid-19)."""

import datetime as dt

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
    context["meetings"] = meetings
    load_agendas(meetings, context)
    load_checkups(network, context)
    load_bilateral_calls(network, meetings, context)
    load_next_meeting(network, context)


def at(day, hour, minute=0):
    return dt.datetime(*day, hour, minute, tzinfo=UTC)


#: (meeting, hour, minute, title, kind, member speakers (context keys), guest speakers)
AGENDAS = {
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


def load_agendas(meetings, context):
    for number, items in AGENDAS.items():
        meeting = meetings[number]
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
        for slug, member in context["city_members"].items():
            Attendance.objects.get_or_create(
                meeting=meeting, user=member, defaults={"partner": context["partners"][slug]}
            )


def load_checkups(network, context):
    """The December 2020 round: one call per city with the LP and the LE."""
    checkup_round, _ = CheckupRound.objects.get_or_create(
        network=network, title="December 2020 check-up"
    )
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


def load_next_meeting(network, context):
    """A planned meeting three weeks ahead, so that the demo shows the next-meetings panel,
    attendance, reminders and the .ics whatever day it is loaded."""
    from django.utils import timezone

    day = (timezone.now() + dt.timedelta(days=21)).date()
    start = at((day.year, day.month, day.day), 9)
    Meeting.objects.update_or_create(
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

"""Two years of meetings and calls for the generated networks of `load_demo --scale N`.

Eight transnational meetings with their agendas and every city's attendance, four rounds
of check-up calls (the last one ahead), peer calls between paired cities, and the
reminders the sweep sent for everything that was held (see partners.demo_scale).
"""

import datetime as dt

from django.utils.translation import ngettext

from partners.demo_scale import BATCH, at, backdate, sent_at, tell

from .enums import AgendaKind, CallKind, MeetingFormat, MeetingStatus, NoticeKind
from .models import (
    DEFAULT_REMINDER_OFFSETS,
    AgendaItem,
    Attendance,
    Call,
    CheckupRound,
    FollowUp,
    GuestSpeaker,
    Meeting,
    Notice,
)

#: The meetings' titles in the order of a network's life; eight of them are used.
MEETING_TITLES = [
    "Kick-off: who we are and what we want to change",
    "Baseline study and the cities' challenges",
    "Setting up the URBACT Local Groups",
    "IAP roadmaps: from challenges to steps",
    "Good practices on site",
    "From objectives to actions",
    "Small Scale Actions: first results",
    "Funding the actions",
    "Indicators that show what changes",
    "Towards the final Integrated Action Plans",
]

AGENDA_TITLES = {
    AgendaKind.KEYNOTE: ["Keynote: what the research says", "Keynote: lessons from ten cities"],
    AgendaKind.PLENARY: [
        "Round of the cities: news since the last meeting",
        "State of the network and the workplan",
        "The IAP roadmaps after the check-up calls",
    ],
    AgendaKind.INTERACTIVE: [
        "World café on the cities' challenges",
        "Peer review of the action tables",
        "Problem-solving clinic",
    ],
    AgendaKind.NETWORK_EXCHANGE: ["Network-to-network exchange with another URBACT network"],
    AgendaKind.BILATERAL_CALLS: ["Peer calls between the paired cities"],
    AgendaKind.WORKSHOP: [
        "Workshop: objectives the local group can check",
        "Workshop: indicators for the actions",
        "Workshop: funding beyond the city budget",
        "Site visit with the local group",
    ],
}
GUESTS = [
    ("Guest researcher", "University partner"),
    ("Lead expert of another URBACT network", "URBACT"),
    ("Policy officer", "European Commission"),
    ("Project manager", "Regional development agency"),
]
CALL_NOTES = [
    "Roadmap steps reviewed; the ULG's involvement discussed.",
    "The city presented its action table; budgets still to be checked.",
    "Small Scale Action agreed; the local group meets on it next month.",
    "Indicators discussed; two of them need a baseline.",
]
FOLLOW_UPS = [
    "Send the revised IAP roadmap to the lead expert",
    "Share the minutes of the last ULG meeting",
    "Add owners and dates to the roadmap steps",
    "Check the budget of the Small Scale Action",
    "Send the baseline figures for the indicators",
]
MINUTES = """\
## What we agreed

- Each city shares its progress in the network's news before the next meeting.
- The paired cities hold a peer call within a month.

## Next steps

1. Cities update their roadmaps.
2. The lead expert sends feedback within two weeks.
"""


def load(*, context, stdout=None):
    now = context["now"]
    made = Made()
    for gen in context["generated"]:
        rng = gen.random("meetings")
        meetings = add_meetings(gen, rng, made, now=now)
        gen.shared["meetings"] = meetings
        add_checkups(context, gen, rng, made, now=now)
        add_peer_calls(gen, rng, made, meetings, now=now)
    made.write()
    counts = context["counts"]
    counts["meetings"] = len(made.meetings)
    counts["agenda items"] = len(made.agenda)
    counts["attendances"] = len(made.attendances)
    counts["calls"] = len(made.calls)
    counts["follow-ups"] = len(made.follow_ups)
    counts["sent reminders"] = len(made.notices)


class Made:
    """The rows of every generated network, written together (parents first)."""

    def __init__(self):
        self.meetings, self.agenda, self.speakers, self.guests = [], [], [], []
        self.attendances, self.rounds, self.round_dates = [], [], {}
        self.calls, self.call_cities, self.call_people, self.follow_ups = [], [], [], []
        self.notices = []
        #: (event, people, kind, when) for the notices the sweep sent about each event.
        self.told = []

    def write(self):
        """Parents first: a row given an unsaved parent takes its key once the parent has one."""
        Meeting.objects.bulk_create(self.meetings, batch_size=BATCH)
        AgendaItem.objects.bulk_create(self.agenda, batch_size=BATCH)
        through = AgendaItem.speakers.through
        through.objects.bulk_create(
            [through(agendaitem_id=item.pk, user_id=user.pk) for item, user in self.speakers],
            batch_size=BATCH,
        )
        GuestSpeaker.objects.bulk_create(self.guests, batch_size=BATCH)
        Attendance.objects.bulk_create(self.attendances, batch_size=BATCH)
        CheckupRound.objects.bulk_create(self.rounds, batch_size=BATCH)
        backdate(CheckupRound, "created_at", {r.pk: self.round_dates[id(r)] for r in self.rounds})
        Call.objects.bulk_create(self.calls, batch_size=BATCH)
        cities, people = Call.cities.through, Call.participants.through
        cities.objects.bulk_create(
            [cities(call_id=call.pk, partner_id=city.pk) for call, city in self.call_cities],
            batch_size=BATCH,
        )
        people.objects.bulk_create(
            [people(call_id=call.pk, user_id=user.pk) for call, user in self.call_people],
            batch_size=BATCH,
        )
        FollowUp.objects.bulk_create(self.follow_ups, batch_size=BATCH)
        self.notices = [notice for told in self.told for notice in notices_for(*told)]
        Notice.objects.bulk_create(self.notices, batch_size=BATCH)


def notices_for(event, people, kind, when):
    """The notices the outbox sent about `event`: the reminders at each offset before it
    started, or one cancellation at `when`."""
    about = {"meeting": event} if isinstance(event, Meeting) else {"call": event}
    if kind == NoticeKind.CANCELLATION:
        return [
            Notice(**about, user=user, kind=kind, event_starts_at=event.starts_at, **sent_at(when))
            for user in people
        ]
    return [
        Notice(**about, user=user, kind=NoticeKind.REMINDER, offset_minutes=offset,
               event_starts_at=event.starts_at,
               **sent_at(event.starts_at - dt.timedelta(minutes=offset)))
        for user in people
        for offset in DEFAULT_REMINDER_OFFSETS
    ]  # fmt: skip


def unique(people):
    return list({user.pk: user for user in people}.values())


# Transnational meetings --------------------------------------------------------------------


def add_meetings(gen, rng, made, *, now):
    titles = sorted(rng.sample(range(len(MEETING_TITLES)), 8))
    hosts = list(range(1, len(gen.partners)))
    rng.shuffle(hosts)
    hosts = [0, *hosts]
    meetings = []
    for k, day in enumerate(gen.timeline.meeting_days):
        host = gen.partners[hosts[k % len(hosts)]]
        if k == 0:
            format_ = MeetingFormat.ON_SITE
        else:
            format_ = rng.choice(
                [MeetingFormat.ON_SITE, MeetingFormat.ON_SITE, MeetingFormat.HYBRID,
                 MeetingFormat.ONLINE]
            )  # fmt: skip
        starts = at(day, 8)
        held = starts < now
        meeting = Meeting(
            network=gen.network,
            number=k + 1,
            title=MEETING_TITLES[titles[k]],
            starts_at=starts,
            ends_at=starts,
            format=format_,
            venue="" if format_ == MeetingFormat.ONLINE else f"City Hall, {host.city}",
            online_link=""
            if format_ == MeetingFormat.ON_SITE
            else f"https://meet.example.org/{gen.network.slug}-tnm{k + 1}",
            host=host,
            status=MeetingStatus.HELD if held else MeetingStatus.PLANNED,
            purpose=f"{MEETING_TITLES[titles[k]]}. Hosted by {host.city}.",
            minutes=MINUTES if held else "",
            version=1 + rng.randint(0, 3),
        )
        add_agenda(gen, rng, made, meeting, two_days=format_ != MeetingFormat.ONLINE)
        attendees = []
        for index, partner in enumerate(gen.partners):
            if not held and rng.random() < 0.4:
                continue  # not registered yet
            team = gen.team(index)[: rng.randint(2, 3)]
            made.attendances += [
                Attendance(meeting=meeting, partner=partner, user=user) for user in team
            ]
            attendees += team
        if held:
            made.told.append((meeting, unique([*attendees, *gen.staff]), NoticeKind.REMINDER, None))
        made.meetings.append(meeting)
        meetings.append(meeting)
    return meetings


def add_agenda(gen, rng, made, meeting, *, two_days):
    """6–10 items from 08:00 (UTC), with a lunch break; a meeting on site runs two days."""
    speakers = [*gen.staff, *gen.city_coordinators]
    cursor = meeting.starts_at
    count = rng.randint(6, 10)
    kinds = [AgendaKind.PLENARY]
    kinds += rng.choices(
        [AgendaKind.KEYNOTE, AgendaKind.INTERACTIVE, AgendaKind.WORKSHOP,
         AgendaKind.NETWORK_EXCHANGE, AgendaKind.BILATERAL_CALLS],
        weights=[1, 3, 4, 1, 1], k=count - 2,
    )  # fmt: skip
    kinds.append(AgendaKind.PLENARY)
    for n, kind in enumerate(kinds):
        if n == 0:
            title = "Welcome and the state of the network"
        elif n == count - 1:
            title = "Wrap-up and next steps"
        else:
            title = rng.choice(AGENDA_TITLES[kind])
        item = AgendaItem(meeting=meeting, starts_at=cursor, title=title, kind=kind)
        made.agenda.append(item)
        for user in rng.sample(speakers, rng.choice([0, 1, 1, 2])):
            made.speakers.append((item, user))
        if kind in (AgendaKind.KEYNOTE, AgendaKind.NETWORK_EXCHANGE):
            name, affiliation = rng.choice(GUESTS)
            made.guests.append(GuestSpeaker(agenda_item=item, name=name, affiliation=affiliation))
        cursor += dt.timedelta(minutes=rng.choice([30, 45, 60, 75] if two_days else [20, 30, 40]))
        if n == 2:
            cursor += dt.timedelta(hours=1)  # lunch
        if two_days and cursor.hour >= 16 and cursor.date() == meeting.starts_at.date():
            cursor = meeting.starts_at + dt.timedelta(days=1)
    meeting.ends_at = cursor


# Calls ---------------------------------------------------------------------------------------


def add_checkups(context, gen, rng, made, *, now):
    """Four rounds, one call per city with the lead partner and the lead expert, one after
    the other as `checkup_round_open` plans them."""
    hosts = [gen.lead_partner, gen.lead_expert]
    by_city = sorted(range(len(gen.partners)), key=lambda i: gen.partners[i].city)
    for day in gen.timeline.checkup_days:
        title = f"{day:%B %Y} check-up"
        opened = at(day - dt.timedelta(days=21), 10)
        checkup_round = CheckupRound(network=gen.network, title=title)
        made.rounds.append(checkup_round)
        made.round_dates[id(checkup_round)] = opened
        start = at(day, 7)
        first = None
        for index in by_city:
            partner = gen.partners[index]
            held = start < now
            call = Call(
                network=gen.network,
                kind=CallKind.CHECKUP,
                title=f"{title}: {partner.city}",
                starts_at=start,
                ends_at=start + dt.timedelta(minutes=60),
                checkup_round=checkup_round,
                status=MeetingStatus.HELD if held else MeetingStatus.PLANNED,
                notes=rng.choice(CALL_NOTES) if held else "",
                version=2 if held else 1,
            )
            first = first or call
            people = unique([*gen.team(index), *hosts])
            add_call(made, call, [partner], people)
            if held:
                for task in rng.sample(FOLLOW_UPS, rng.randint(1, 3)):
                    due = day + dt.timedelta(days=rng.randint(14, 45))
                    owner = gen.city_coordinators[index] if rng.random() < 0.8 else gen.lead_expert
                    made.follow_ups.append(
                        FollowUp(call=call, task=task, owner=owner, due_on=due,
                                 done=due < gen.timeline.today and rng.random() < 0.85)
                    )  # fmt: skip
            start += dt.timedelta(minutes=75)
        count = len(gen.partners)
        tell(
            context,
            recipients=hosts,
            network=gen.network,
            title=ngettext(
                "%(round)s: %(n)d check-up call planned",
                "%(round)s: %(n)d check-up calls planned",
                count,
            )
            % {"round": title, "n": count},
            at=opened,
            url=f"/n/{gen.network.slug}/meetings/",
        )


def add_call(made, call, cities, people):
    made.calls.append(call)
    made.call_cities += [(call, city) for city in cities]
    made.call_people += [(call, user) for user in people]
    if call.status == MeetingStatus.HELD:
        made.told.append((call, people, NoticeKind.REMINDER, None))


def add_peer_calls(gen, rng, made, meetings, *, now):
    """Each pair talks during a meeting and once on its own; two calls are ahead, and
    one was cancelled."""
    during = meetings[3]
    for n, (first, second) in enumerate(gen.pairs):
        cities = [gen.partners[first], gen.partners[second]]
        people = unique([*gen.team(first), *gen.team(second)])
        title = f"Peer call: {cities[0].city} and {cities[1].city}"
        starts = during.starts_at + dt.timedelta(hours=2, minutes=40 * n)
        add_call(made, Call(
            network=gen.network, kind=CallKind.BILATERAL, title=title, starts_at=starts,
            ends_at=starts + dt.timedelta(minutes=30), meeting=during,
            status=MeetingStatus.HELD, notes="Each city presented its roadmap; the other asked.",
            version=2,
        ), cities, people)  # fmt: skip
        day = gen.timeline.day(rng.randint(480, 600))
        starts = at(day, rng.randint(7, 14))
        status = MeetingStatus.HELD if n != 2 else MeetingStatus.CANCELLED
        call = Call(
            network=gen.network, kind=CallKind.BILATERAL, title=title, starts_at=starts,
            ends_at=starts + dt.timedelta(minutes=60), status=status,
            online_link=f"https://meet.example.org/{gen.network.slug}-pair{n + 1}",
            notes="Visit of the other city's Small Scale Action planned."
            if status == MeetingStatus.HELD else "",
            sequence=1 if status == MeetingStatus.CANCELLED else 0,
        )  # fmt: skip
        add_call(made, call, cities, people)
        if status == MeetingStatus.CANCELLED:
            made.told.append((call, people, NoticeKind.CANCELLATION, starts - dt.timedelta(days=2)))
        if n < 2:
            starts = at(gen.timeline.today + dt.timedelta(days=rng.randint(2, 20)), 12)
            add_call(made, Call(
                network=gen.network, kind=CallKind.BILATERAL, title=title, starts_at=starts,
                ends_at=starts + dt.timedelta(minutes=45), status=MeetingStatus.PLANNED,
                online_link=f"https://meet.example.org/{gen.network.slug}-pair{n + 1}",
            ), cities, people)  # fmt: skip

"""Demo transnational meetings of CITIES4CSR (online during Covid-19)."""

import datetime as dt

from meetings.enums import MeetingFormat, MeetingStatus
from meetings.models import Meeting

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

"""iCalendar (.ics) files for meetings and calls, for downloads, feeds and e-mails; a
person's feed also carries all-day items other apps offer (`portal.registry.CalendarItem`,
e.g. the deadlines they owe).

Downloads and feeds are published (`METHOD:PUBLISH`). The e-mails carry a scheduling
message (`METHOD:REQUEST`, or `CANCEL`) with the organizer and the attendees, the event's
stable UID and its revision (SEQUENCE), so that Outlook and Google Calendar update the
event they already hold instead of adding another.

Where: LOCATION is the venue of an on-site or hybrid meeting; the online link goes only in
the description (the files go to members only), and an online event's LOCATION is the
link's host (e.g. `meet.example.org`), never the link itself.
"""

import datetime as dt
from collections.abc import Iterable
from urllib.parse import urlsplit

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress

from portal.dates import localtime_or_utc
from portal.registry import CalendarItem

from .enums import MeetingFormat

PRODID = "-//CITIES4CSR portal//meetings//EN"


def venue_of(item) -> str:
    """Where people meet in person: the venue of an on-site or hybrid meeting ("" for an
    online meeting, whatever venue it once had, and for a call)."""
    venue = getattr(item, "venue", "")
    if getattr(item, "format", MeetingFormat.ONLINE) == MeetingFormat.ONLINE:
        return ""
    return venue


def location_of(item) -> str:
    """The venue of an on-site or hybrid meeting; otherwise the online link's host, if any."""
    venue = venue_of(item)
    if venue:
        return venue
    if item.online_link:
        return urlsplit(item.online_link).hostname or ""
    return ""


def _address(person, **params) -> vCalAddress:
    """A person as ORGANIZER or ATTENDEE: `mailto:` with their name (CN)."""
    address = vCalAddress(f"mailto:{person.email}")
    address.params["cn"] = person.get_full_name()
    for name, value in params.items():
        address.params[name.replace("_", "-")] = value
    return address


def _event(item, *, cancelled: bool = False, organizer=None, attendees=()) -> Event:
    event = Event()
    event.add("uid", item.calendar_uid)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", localtime_or_utc(item.starts_at, dt.UTC))  # in UTC: any year fits
    event.add("dtend", localtime_or_utc(item.ends_at, dt.UTC))
    event.add("summary", str(item))
    event.add("sequence", item.sequence)
    url = f"{settings.SITE_URL}{item.get_absolute_url()}"
    event.add("url", url)
    location = location_of(item)
    if location:
        event.add("location", location)
    description = [getattr(item, "purpose", "") or ""]
    if item.online_link:
        description.append(_("Online: %(link)s") % {"link": item.online_link})
    description.append(url)
    event.add("description", "\n\n".join(part for part in description if part))
    event.add("status", "CANCELLED" if cancelled or item.is_cancelled else "CONFIRMED")
    if organizer is not None:
        event.add("organizer", _address(organizer), encode=0)
    for person in attendees:
        event.add(
            "attendee",
            _address(person, role="REQ-PARTICIPANT", partstat="NEEDS-ACTION", rsvp="FALSE"),
            encode=0,
        )
    return event


def _day_event(item: CalendarItem) -> Event:
    """An all-day entry (DTSTART;VALUE=DATE) that keeps no time busy."""
    event = Event()
    event.add("uid", item.uid)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", item.date)
    event.add("dtend", item.date + dt.timedelta(days=1))
    event.add("summary", item.summary)
    url = f"{settings.SITE_URL}{item.url}"
    event.add("url", url)
    event.add("description", "\n\n".join(part for part in (item.description, url) if part))
    event.add("transp", "TRANSPARENT")
    return event


def calendar_bytes(
    items: Iterable,
    *,
    method: str = "PUBLISH",
    name: str = "",
    organizer=None,
    attendees: Iterable = (),
) -> bytes:
    """The .ics of `items`. A scheduling message (REQUEST, CANCEL) names its `organizer`
    and `attendees` (people with an e-mail address and a name) on each event."""
    attendees = list(attendees)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
    for item in items:
        if isinstance(item, CalendarItem):
            calendar.add_component(_day_event(item))
        else:
            calendar.add_component(
                _event(
                    item,
                    cancelled=method == "CANCEL",
                    organizer=organizer,
                    attendees=attendees,
                )
            )
    return calendar.to_ical()

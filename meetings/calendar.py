"""iCalendar (.ics) files for meetings and calls, for downloads, feeds and e-mails; a
person's feed also carries all-day items other apps offer (`portal.registry.CalendarItem`,
e.g. the deadlines they owe)."""

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from portal.dates import localtime_or_utc
from portal.registry import CalendarItem

PRODID = "-//CITIES4CSR portal//meetings//EN"


def _event(item, *, cancelled: bool = False) -> Event:
    event = Event()
    event.add("uid", item.calendar_uid)
    event.add("dtstamp", timezone.now())
    event.add("dtstart", localtime_or_utc(item.starts_at, dt.UTC))  # in UTC: any year fits
    event.add("dtend", localtime_or_utc(item.ends_at, dt.UTC))
    event.add("summary", str(item))
    event.add("sequence", item.sequence)
    url = f"{settings.SITE_URL}{item.get_absolute_url()}"
    event.add("url", url)
    description = [getattr(item, "purpose", "") or "", url]
    if item.online_link:
        event.add("location", item.online_link)
        description.append(item.online_link)
    elif getattr(item, "venue", ""):
        event.add("location", item.venue)
    event.add("description", "\n\n".join(part for part in description if part))
    event.add("status", "CANCELLED" if cancelled or item.is_cancelled else "CONFIRMED")
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


def calendar_bytes(items: Iterable, *, method: str = "PUBLISH", name: str = "") -> bytes:
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
            calendar.add_component(_event(item, cancelled=method == "CANCEL"))
    return calendar.to_ical()

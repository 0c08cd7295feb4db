"""iCalendar (.ics) files for meetings and calls, for downloads, feeds and e-mails."""

import datetime as dt
from collections.abc import Iterable

from django.conf import settings
from django.utils import timezone
from icalendar import Calendar, Event

from portal.dates import localtime_or_utc

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


def calendar_bytes(items: Iterable, *, method: str = "PUBLISH", name: str = "") -> bytes:
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
    for item in items:
        calendar.add_component(_event(item, cancelled=method == "CANCEL"))
    return calendar.to_ical()

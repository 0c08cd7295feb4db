"""When a meeting or a call takes place, as the person reading reads it: in their own zone,
the whole span, whatever days, months or years it crosses.

"Wed 10 Feb 2027, 09:30–17:00 CET" for one day; "Wed 10 – Thu 11 Feb 2027, 09:30–13:00
CET" over two; "Sat 31 Jan – Sun 1 Feb 2027, …" across a month and "Fri 31 Dec 2027 – Sat
1 Jan 2028, …" across a year. The days are those of the reader's zone: a meeting held on
one evening in Brussels may end after midnight in Sofia, and then shows both days.
"""

import datetime as dt
import zoneinfo

from django.utils import dateformat
from django.utils.translation import gettext as _

from portal.dates import localtime_or_utc

Zone = zoneinfo.ZoneInfo | dt.tzinfo | str | None


def _zone(zone: Zone):
    return zoneinfo.ZoneInfo(zone) if isinstance(zone, str) else zone


def _days(starts: dt.datetime, ends: dt.datetime) -> str:
    if starts.date() == ends.date():
        return dateformat.format(starts, "D j M Y")
    if (starts.year, starts.month) == (ends.year, ends.month):
        first = "D j"
    elif starts.year == ends.year:
        first = "D j M"
    else:
        first = "D j M Y"
    return _("%(first)s – %(last)s") % {
        "first": dateformat.format(starts, first),
        "last": dateformat.format(ends, "D j M Y"),
    }


def _hours(starts: dt.datetime, ends: dt.datetime) -> str:
    start_zone, end_zone = starts.tzname(), ends.tzname()
    if start_zone == end_zone:
        return f"{starts:%H:%M}–{ends:%H:%M} {start_zone}"
    # The clocks changed during the event (summer time): each end names its own.
    return f"{starts:%H:%M} {start_zone}–{ends:%H:%M} {end_zone}"


def span_text(starts: dt.datetime, ends: dt.datetime, zone: Zone = None) -> str:
    """The span from `starts` to `ends` in `zone` (by default the current one)."""
    starts, ends = localtime_or_utc(starts, _zone(zone)), localtime_or_utc(ends, _zone(zone))
    return _("%(days)s, %(hours)s") % {"days": _days(starts, ends), "hours": _hours(starts, ends)}


def moment_text(value: dt.datetime, zone: Zone = None) -> str:
    """One moment, named with its day and zone: "Wed 10 Feb 2027, 09:30 CET"."""
    value = localtime_or_utc(value, _zone(zone))
    return f"{dateformat.format(value, 'D j M Y')}, {value:%H:%M} {value.tzname()}"


def local_date(value: dt.datetime, zone: Zone = None) -> dt.date:
    """The day `value` falls on in `zone` (by default the current one)."""
    return localtime_or_utc(value, _zone(zone)).date()

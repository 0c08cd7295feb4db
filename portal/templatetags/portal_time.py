"""`{{ event.starts_at|local|date:"…" }}`: a stored time in the person's zone, never an error.

Django converts each datetime to the current zone before `date` formats it, and that
conversion overflows for a year-1 or year-9999 time in a zone far from UTC. `local` does the
conversion itself (falling back to UTC) and marks the result so that Django leaves it alone.
"""

import datetime as dt

from django import template

from portal.dates import localtime_or_utc

register = template.Library()


class _Converted(dt.datetime):
    """A datetime already in the zone to show it in (datetime itself takes no attributes)."""

    convert_to_local_time = False


@register.filter
def local(value):
    if not isinstance(value, dt.datetime) or value.tzinfo is None:
        return value
    shown = localtime_or_utc(value)
    return _Converted(
        shown.year, shown.month, shown.day, shown.hour, shown.minute, shown.second,
        shown.microsecond, shown.tzinfo, fold=shown.fold,
    )  # fmt: skip

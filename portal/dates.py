"""Showing a stored time in a person's zone, whatever year it holds.

A time at the edge of what Python can hold (year 1, year 9999) overflows when converted to
a zone far from UTC (`OverflowError: date value out of range`). Such a time should never be
stored (see `portal.validators`), but one that is must not take a page, a feed or an e-mail
down: it is shown in UTC instead.
"""

import datetime as dt
import zoneinfo

from django.utils import timezone


def localtime_or_utc(value: dt.datetime, zone: zoneinfo.ZoneInfo | None = None) -> dt.datetime:
    """`value` in `zone` (by default the current one), or in UTC when that overflows."""
    try:
        return timezone.localtime(value, zone)
    except OverflowError:
        pass
    try:
        return value.astimezone(dt.UTC)
    except OverflowError:
        return value

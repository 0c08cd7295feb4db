"""Text written for the person who reads it: in their language, with times in their zone.

A notification, a reminder or an e-mail is decided by one person (or the beat sweep) and
read by others, each in the language of their profile. So the services do not translate
what they send: they hand over *lazy* text, which is translated when it is turned into a
string, and `addressed_to(person)` renders it in that person's language and zone::

    title = phrase(_("%(city)s submitted its %(document)s"), city=city, document=label)
    with addressed_to(recipient):
        stored = str(title)

`_` is `gettext_lazy` (or `ngettext_lazy` for a plural, counted by one of the values), so
that `makemessages` finds the sentence, whole, with its placeholders. Values may be lazy
text or other phrases (translated too), dates and times (formatted for the language, a time
in the reader's zone), numbers and names.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable
from contextlib import contextmanager

from django.conf import settings
from django.utils import formats, timezone, translation
from django.utils.functional import Promise, lazy

from .dates import localtime_or_utc


def _shown(value):
    """One value of a phrase as the reader sees it."""
    if isinstance(value, Promise):
        return str(value)
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = localtime_or_utc(value)
        return formats.date_format(value, "DATETIME_FORMAT")
    if isinstance(value, dt.date):
        return formats.date_format(value, "DATE_FORMAT")
    return value


def _render(message, values: dict) -> str:
    if not values:
        return str(message)
    # A lazy plural counted by one of the values (ngettext_lazy(…, "n")) picks its form here.
    return message % {name: _shown(value) for name, value in values.items()}


_phrase = lazy(_render, str)


def phrase(message, /, **values) -> str:
    """`message % values`, translated each time it is read, in the language then active."""
    return _phrase(message, values)


def _joined(parts: list, separator: str) -> str:
    return separator.join(str(part) for part in parts)


_lazy_joined = lazy(_joined, str)


def joined(parts: Iterable, separator: str = "\n") -> str:
    """Lazy text of several lines (or items), each translated when read."""
    return _lazy_joined(list(parts), separator)


def _date_text(value, format_name: str) -> str:
    return formats.date_format(value, format_name)


_lazy_date_text = lazy(_date_text, str)


def date_text(value: dt.date, format_name: str = "DATE_FORMAT") -> str:
    """A day as lazy text, its month's name in the language of whoever reads it."""
    return _lazy_date_text(value, format_name)


def language_of(person) -> str:
    """The language a person reads: the one of their profile, else the portal's own."""
    return getattr(person, "language", "") or settings.LANGUAGE_CODE


def zone_of(person) -> zoneinfo.ZoneInfo | None:
    zone = getattr(person, "time_zone", None)
    return zoneinfo.ZoneInfo(zone) if isinstance(zone, str) else zone


@contextmanager
def addressed_to(person):
    """What is rendered inside is in `person`'s language, with times in their zone."""
    with translation.override(language_of(person)), timezone.override(zone_of(person)):
        yield


def in_every_language(text) -> set[str]:
    """What lazy `text` reads in each of the portal's languages: to find a row that was
    stored for its reader, whatever their language."""
    found = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            found.add(str(text))
    return found


def rendered_for(person, text) -> str:
    """`text` as `person` reads it."""
    with addressed_to(person):
        return str(text)

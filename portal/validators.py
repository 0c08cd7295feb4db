"""Validators every app puts on what people type: dates a person could mean, Markdown
that renders.

A date field accepts any year from 1 to 9999, so a slip of the keyboard (`0001-01-01`) is
stored as typed and then breaks every page that converts it to a time zone. Each date and
time that people fill in carries `plausible_date` or `plausible_datetime`.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

FIRST_YEAR = 2000
LAST_YEAR = 2100
OUT_OF_RANGE = _("Enter a date between %(first)d and %(last)d.")


def _check_year(value: dt.date) -> None:
    """By the year as the person typed it (in their zone), so no zone arithmetic can overflow."""
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValidationError(
            OUT_OF_RANGE,
            code="implausible_date",
            params={"first": FIRST_YEAR, "last": LAST_YEAR},
        )


def plausible_date(value: dt.date) -> None:
    _check_year(value)


def plausible_datetime(value: dt.datetime) -> None:
    _check_year(value)

"""The one way the portal writes CSV: every text cell is safe to open in a spreadsheet.

A spreadsheet program runs a cell that starts with `=`, `+`, `-` or `@` as a formula
(`=HYPERLINK(...)` leaks data, `=cmd|' /C calc'!A0` starts a program), and some also
after a tab or a carriage return. As OWASP advises, such a text cell is written with a
leading single quote: the spreadsheet shows it as text, and the reader still sees what
was typed. Numbers and dates the portal itself formats are written as they are.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable

from django.http import HttpResponse

#: What makes a spreadsheet read a cell as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """Text that a spreadsheet would run as a formula, made to read as text."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return f"'{value}"
    return value


class SafeWriter:
    """A `csv.writer` whose every text cell goes through `safe_cell`."""

    def __init__(self, stream):
        self._writer = csv.writer(stream)

    def writerow(self, row: Iterable):
        return self._writer.writerow([safe_cell(value) for value in row])

    def writerows(self, rows: Iterable[Iterable]) -> None:
        for row in rows:
            self.writerow(row)


def csv_response(filename: str) -> tuple[HttpResponse, SafeWriter]:
    """A CSV download and the writer to fill it with."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")  # so that spreadsheet programs read UTF-8
    return response, SafeWriter(response)

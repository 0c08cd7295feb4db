"""The one way the portal writes spreadsheets (XLSX, with openpyxl): typed and safe cells.

Numbers stay numbers and dates stay dates, so that a spreadsheet can add and sort them.
Text that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, a tab or a carriage
return first) is written as text with a leading single quote, as `portal.csv` writes it;
characters that XML cannot hold (control characters pasted with a text) are left out.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from .csv import safe_cell

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
MONEY_FORMAT = "#,##0.00"
#: Excel's limits: a sheet's name, and the width of a column we set.
SHEET_TITLE_MAX = 31
WIDTH_MAX = 60
#: What a sheet's name may not hold.
SHEET_TITLE_FORBIDDEN = str.maketrans(dict.fromkeys("[]:*?/\\", " "))


@dataclass
class Sheet:
    title: str
    headers: Sequence[str]
    rows: Iterable[Sequence]


def yes_no(value: bool) -> str:
    """A tick in words, in the person's language: never `True` or `False`."""
    return gettext("Yes") if value else gettext("No")


def cell_value(value):
    """What a cell holds: numbers and dates as they are (a moment in the portal's time
    zone, which a spreadsheet does not keep), a tick as yes or no, anything else as safe
    text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return yes_no(value)
    if isinstance(value, dt.datetime) and timezone.is_aware(value):
        return timezone.make_naive(value)
    if isinstance(value, int | float | Decimal | dt.date) and not isinstance(value, bool):
        return value
    return safe_cell(ILLEGAL_CHARACTERS_RE.sub("", str(value)))


def _write(sheet, row_number: int, values: Sequence, *, bold: bool = False) -> list[int]:
    widths = []
    for column, raw in enumerate(values, start=1):
        value = cell_value(raw)
        cell = sheet.cell(row=row_number, column=column, value=value)
        if isinstance(value, str):
            cell.data_type = "s"  # never a formula, whatever it starts with
        elif isinstance(value, dt.datetime):
            cell.number_format = DATETIME_FORMAT
        elif isinstance(value, dt.date):
            cell.number_format = DATE_FORMAT
        elif isinstance(value, Decimal):
            cell.number_format = MONEY_FORMAT
        if bold:
            cell.font = Font(bold=True)
        widths.append(len(str(value)) if value != "" else 0)
    return widths


def workbook_bytes(sheets: Iterable[Sheet]) -> bytes:
    """The workbook: one sheet each, its headers in bold and kept in view."""
    book = Workbook()
    book.remove(book.active)
    for spec in sheets:
        title = str(spec.title).translate(SHEET_TITLE_FORBIDDEN)[:SHEET_TITLE_MAX]
        sheet = book.create_sheet(title=title)
        widths = _write(sheet, 1, [str(h) for h in spec.headers], bold=True)
        for number, row in enumerate(spec.rows, start=2):
            for column, width in enumerate(_write(sheet, number, row)):
                if column < len(widths):
                    widths[column] = max(widths[column], width)
        for column, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(column)].width = min(width + 2, WIDTH_MAX)
        sheet.freeze_panes = "A2"
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def xlsx_response(filename: str, sheets: Iterable[Sheet]) -> HttpResponse:
    """A spreadsheet download of `sheets`."""
    response = HttpResponse(workbook_bytes(sheets), content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response

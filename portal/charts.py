"""Charts drawn on the server as inline SVG, each with a table that says the same in text.

Pure functions of plain values (labels, dates, numbers): a page reads its data through its
own selectors and hands it over; nothing here knows a model. A template shows a chart with
`{% include "portal/chart.html" with chart=chart %}`.

What every chart holds to (WCAG 2.1 AA):
- the SVG is one image with a name and a description (`role="img"`, `<title>`, `<desc>`),
  and `Chart.table` gives every value it draws in text (1.1.1);
- its marks keep at least 3:1 contrast against the white page (1.4.11) and are told apart by
  more than colour: labels written beside them, dash patterns and point shapes for lines,
  fill textures for stacks;
- no `style` attribute and no `<style>` element (the Content-Security-Policy allows only the
  portal's stylesheets): colours and sizes are SVG presentation attributes, and
  `static/css/portal.css` lets the image scale to its container;
- the drawing is `WIDTH` units wide, so that its 14 and 16 unit text stays about 12 px or
  more once scaled down to a 375 px phone;
- every label is escaped; a date in year 1 or 9999 is drawn, never overflowed.
"""

import datetime as dt
import hashlib
import itertools
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils import formats
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

WIDTH = 400
PAD = 8
FONT = 16
SMALL = 14
#: The width of one character as a share of the font size: a generous sans-serif average.
CHAR_WIDTH = 0.6

TEXT = "#212529"
MUTED = "#595c5f"
GRID = "#dee2e6"  # decoration only: every value is written, the grid just guides the eye
WHITE = "#ffffff"
BAND = "#0b5d3b"
DEADLINE = "#1f4e9c"
TODAY = "#b3261e"
#: A white outline drawn under a text, so that a line crossing it leaves it legible.
HALO = {"stroke": WHITE, "stroke_width": 4, "stroke_linejoin": "round", "paint_order": "stroke"}
#: Colours of lines and stacks, each at least 4.5:1 against white; neighbours differ in hue.
PALETTE = ("#0b5d3b", "#1f4e9c", "#a3480a", "#6a3d9a", "#a1264e", "#4d4d4d")
#: Dash patterns and point shapes of lines, so that no line is told by its colour alone.
DASHES = ("", "8 4", "2 3", "10 3 2 3")
SHAPES = ("circle", "square", "triangle", "diamond")
#: White strokes drawn over a stack's colour, one texture per stack (8 × 8 units).
TEXTURES = (
    "",
    '<path d="M-1,1 l2,-2 M0,8 l8,-8 M7,9 l2,-2" stroke="#ffffff" stroke-width="1.2"/>',
    '<circle cx="4" cy="4" r="1.3" fill="#ffffff"/>',
    '<path d="M0,4 h8" stroke="#ffffff" stroke-width="1.2"/>',
    '<path d="M0,4 h8 M4,0 v8" stroke="#ffffff" stroke-width="1"/>',
    '<path d="M-1,7 l2,2 M0,0 l8,8 M7,-1 l2,2" stroke="#ffffff" stroke-width="1.2"/>',
)

Number = int | float | Decimal


@dataclass(frozen=True)
class ChartTable:
    """The chart's text alternative: every data point, in display strings. The first cell
    of a row names the row."""

    caption: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Chart:
    title: str
    description: str
    svg: SafeString
    table: ChartTable


# Text, numbers and dates -------------------------------------------------------------------


def _as_day(value: dt.date) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def date_text(value: dt.date) -> str:
    return formats.date_format(value, "j M Y")


def number_text(value: Number) -> str:
    """A number as the person's language writes it, grouped: `12,500` or `12.500,50`."""
    decimals = 0 if value == int(value) else 2
    return formats.number_format(value, decimal_pos=decimals, force_grouping=True)


def _amount_text(value: Number, unit: str) -> str:
    number = number_text(value)
    return _("%(number)s %(unit)s") % {"number": number, "unit": unit} if unit else number


def _exact(value: Number) -> int | Decimal:
    """A float as the decimal it reads as, so that it adds up with Decimals."""
    return Decimal(repr(value)) if isinstance(value, float) else value


def _finite(value) -> bool:
    try:
        return value is not None and math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


def _text_width(text: str, size: float) -> float:
    return len(text) * size * CHAR_WIDTH


def _fit(text: str, width: float, size: float) -> str:
    """`text`, cut short with an ellipsis to fit `width` (the table keeps it whole)."""
    most = max(int(width / (size * CHAR_WIDTH)), 2)
    return text if len(text) <= most else text[: most - 1].rstrip() + "…"


def _centre_within(x: float, width: float) -> float:
    """Where to centre a text `width` wide, meant for `x`, so that it stays in the drawing."""
    return min(max(x, PAD + width / 2), max(WIDTH - PAD - width / 2, PAD + width / 2))


# Scales and ticks --------------------------------------------------------------------------


class _Scale:
    """Linear from numbers to drawing units; a domain of one value maps to the middle."""

    def __init__(self, low: float, high: float, start: float, end: float):
        self.low, self.high, self.start, self.end = low, high, start, end

    def __call__(self, value: float) -> float:
        if self.high == self.low:
            return (self.start + self.end) / 2
        return self.start + (value - self.low) / (self.high - self.low) * (self.end - self.start)


_DAY_STEPS = (1, 2, 7, 14)
_MONTH_STEPS = (1, 2, 3, 6)
_YEAR_STEPS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000)


def _most_ticks(width: float, widest_label: str) -> int:
    return max(2, min(6, int(width // (_text_width(widest_label, SMALL) + 12))))


def date_ticks(low: dt.date, high: dt.date, width: float) -> list[tuple[dt.date, str]]:
    """A few round dates from `low` to `high`, with their labels, as many as fit in `width`:
    days, first days of months or first days of years. Builds no date past year 9999."""
    days = high.toordinal() - low.toordinal()
    most = _most_ticks(width, "30 Sep 2000")
    for step in _DAY_STEPS:
        if days // step + 1 <= most:
            ordinals = range(low.toordinal(), high.toordinal() + 1, step)
            return [(day, date_text(day)) for day in map(dt.date.fromordinal, ordinals)]
    # Months counted from year 0, the first one that starts on or after `low`.
    first = low.year * 12 + low.month - 1 + (low.day > 1)
    last = high.year * 12 + high.month - 1
    most = _most_ticks(width, "Sep 2000")
    for step in _MONTH_STEPS:
        if (last - first) // step + 1 <= most:
            first += -(first % 12) % step  # January, April, July… for a step of three
            starts = [dt.date(m // 12, m % 12 + 1, 1) for m in range(first, last + 1, step)]
            return [(day, formats.date_format(day, "M Y")) for day in starts] or [
                (low, date_text(low)),
                (high, date_text(high)),
            ]
    first = low.year + ((low.month, low.day) != (1, 1))
    most = _most_ticks(width, "2000")
    step = next(
        (step for step in _YEAR_STEPS if (high.year - first) // step + 1 <= most), _YEAR_STEPS[-1]
    )
    first = -(-first // step) * step
    return [(dt.date(year, 1, 1), str(year)) for year in range(first, high.year + 1, step)]


def integer_ticks(low: float, high: float, most: int = 5) -> list[int]:
    """Whole numbers from 0 or below `low` to `high` or above, in a round step (1, 2, 5, 10,
    20…), at most `most` of them."""
    low, high = math.floor(min(low, 0)), math.ceil(max(high, 0))
    high = max(high, low + 1)
    steps = (factor * 10**power for power in itertools.count() for factor in (1, 2, 5))
    step = next(step for step in steps if -(-high // step) - low // step < most)
    return list(range(low // step * step, -(-high // step) * step + 1, step))


# SVG ---------------------------------------------------------------------------------------


def _units(value: float) -> str:
    text = f"{value:.1f}"
    return text.removesuffix(".0")


def _attributes(attributes: dict) -> str:
    """`stroke_width=2` as ` stroke-width="2"`, `class_` as `class`; empty values left out."""
    written = []
    for name, value in attributes.items():
        if value is None or value == "":
            continue
        text = _units(value) if isinstance(value, int | float) else escape(value)
        written.append(f' {name.rstrip("_").replace("_", "-")}="{text}"')
    return "".join(written)


class _Svg:
    """The elements of one chart, every text and attribute escaped as it is added."""

    def __init__(self, chart_id: str):
        self.id = escape(chart_id)
        self.defs: list[str] = []
        self.parts: list[str] = []

    def add(self, tag: str, text: str | None = None, **attributes) -> None:
        if text is None:
            self.parts.append(f"<{tag}{_attributes(attributes)}/>")
        else:
            self.parts.append(f"<{tag}{_attributes(attributes)}>{escape(text)}</{tag}>")

    def line(self, x1, y1, x2, y2, stroke=MUTED, **attributes) -> None:
        self.add("line", x1=x1, y1=y1, x2=x2, y2=y2, stroke=stroke, **attributes)

    def text(self, x, y, text, *, size=SMALL, anchor="middle", fill=TEXT, **attributes) -> None:
        self.add(
            "text", text, x=x, y=y, font_size=size, text_anchor=anchor, fill=fill, **attributes
        )

    def label(self, x, y, text, *, size=SMALL, **attributes) -> None:
        """A text centred at `x`, or moved inward as far as it must to stay in the drawing."""
        self.text(_centre_within(x, _text_width(text, size)), y, text, size=size, **attributes)

    def render(self, *, title: str, description: str, height: float) -> SafeString:
        defs = f"<defs>{''.join(self.defs)}</defs>" if self.defs else ""
        return mark_safe(
            f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" role="img"'
            f' viewBox="0 0 {WIDTH} {math.ceil(height)}" width="100%"'
            f' aria-labelledby="{self.id}-title {self.id}-desc"'
            f' font-family="system-ui, -apple-system, Roboto, Arial, sans-serif">'
            f'<title id="{self.id}-title">{escape(title)}</title>'
            f'<desc id="{self.id}-desc">{escape(description)}</desc>'
            f"{defs}{''.join(self.parts)}</svg>"
        )


def _chart_id(kind: str, title: str, data) -> str:
    """An id for the chart's title and description: the same each time the same chart is
    drawn (pages are cached), different for two charts on one page."""
    digest = hashlib.blake2s(repr((kind, title, data)).encode(), digest_size=5).hexdigest()
    return f"chart-{digest}"


def _shape(svg: _Svg, shape: str, x: float, y: float, colour: str, size: float = 5) -> None:
    """A point of a line, or a deadline: a circle, square, triangle or diamond."""
    common = {"fill": colour, "stroke": WHITE, "stroke_width": 1, "class_": "chart-mark"}
    if shape == "circle":
        svg.add("circle", cx=x, cy=y, r=size, **common)
        return
    if shape == "square":
        svg.add("rect", x=x - size, y=y - size, width=2 * size, height=2 * size, **common)
        return
    s = size * 1.25
    if shape == "triangle":
        corners = [(x, y - s), (x + s, y + size), (x - s, y + size)]
    else:
        corners = [(x, y - s), (x + s, y), (x, y + s), (x - s, y)]
    points = " ".join(f"{_units(a)},{_units(b)}" for a, b in corners)
    svg.add("polygon", points=points, **common)


def _texture(svg: _Svg, index: int) -> str:
    """The fill of the `index`th stack: a colour crossed by thin white strokes, so that
    stacks differ in texture as well as in colour. Returns its `url(#…)`."""
    pattern_id = f"{svg.id}-fill-{index}"
    svg.defs.append(
        f'<pattern id="{pattern_id}" width="8" height="8" patternUnits="userSpaceOnUse">'
        f'<rect width="8" height="8" fill="{PALETTE[index % len(PALETTE)]}"/>'
        f"{TEXTURES[index % len(TEXTURES)]}</pattern>"
    )
    return f"url(#{pattern_id})"


def _no_data(svg: _Svg, y: float) -> None:
    svg.text(WIDTH / 2, y, _("No data yet."), size=FONT, fill=MUTED)


def _chart(title: str, description: str, svg: _Svg, height: float, table: ChartTable) -> Chart:
    rendered = svg.render(title=title, description=description, height=height)
    return Chart(title=title, description=description, svg=rendered, table=table)


# 1. Timeline -------------------------------------------------------------------------------

BAND_TOP = 54
BAND_ROW = 46
LABEL_ROW = 20


def timeline(
    *,
    title: str,
    start: dt.date,
    end: dt.date,
    today: dt.date,
    bands: Iterable[tuple[str, dt.date, dt.date]],
    markers: Iterable[tuple[str, dt.date, str]],
    chart_id: str | None = None,
) -> Chart:
    """The workplan from `start` to `end`, widened to hold every stage and deadline.

    Each stage (`bands`: label, first day, last day) is a bar under its label; each deadline
    (`markers`: label, day, state in words) a diamond on the axis, its label and state below
    in as many rows as the labels need not to overlap; today a dashed line marked "Today",
    or a note at the edge when today falls outside the timeline.
    """
    title, today = str(title), _as_day(today)
    bands = [(str(label), *sorted([_as_day(a), _as_day(b)])) for label, a, b in bands]
    markers = sorted(
        [(str(label), _as_day(day), str(state or "")) for label, day, state in markers],
        key=lambda marker: marker[1],
    )
    days = [_as_day(start), _as_day(end), *(day for _l, day, _s in markers)]
    days += [day for _label, first, last in bands for day in (first, last)]
    low, high = min(days), max(days)
    svg = _Svg(chart_id or _chart_id("timeline", title, (low, high, today, bands, markers)))
    # A day is drawn as the stretch from its start to the next day's start.
    x = _Scale(low.toordinal(), high.toordinal() + 1, PAD, WIDTH - PAD)

    def middle(day: dt.date) -> float:
        return x(day.toordinal() + 0.5)

    axis = BAND_TOP + BAND_ROW * len(bands) + 14
    labels = _marker_labels(markers, middle)
    height = axis + 18 + LABEL_ROW * (1 + max((p.row for p, _text in labels), default=-1)) + 8

    for day, label in date_ticks(low, high, WIDTH - 2 * PAD):
        svg.line(x(day.toordinal()), 24, x(day.toordinal()), axis, stroke=GRID)
        svg.label(x(day.toordinal()), 18, label, fill=MUTED)
    for index, (_label, first, last) in enumerate(bands):
        left, right = x(first.toordinal()), x(last.toordinal() + 1)
        svg.add(
            "rect", x=left, y=BAND_TOP + BAND_ROW * index + 22, width=max(right - left, 2),
            height=16, rx=2, fill=BAND, class_="chart-mark chart-band",
        )  # fmt: skip
    svg.line(PAD, axis, WIDTH - PAD, axis, stroke_width=1.5)
    _draw_today(svg, today, low, high, middle, axis)
    # The stages' names over today's line, each on a white halo that keeps it legible.
    for index, (label, first, _last) in enumerate(bands):
        text = _fit(label, WIDTH - 2 * PAD, FONT)
        text_x = max(min(x(first.toordinal()), WIDTH - PAD - _text_width(text, FONT)), PAD)
        svg.text(text_x, BAND_TOP + BAND_ROW * index + 16, text, size=FONT, anchor="start", **HALO)
    for place, text in labels:
        label_y = axis + 30 + LABEL_ROW * place.row
        svg.line(place.leader, axis, place.leader, label_y - 5)
        _shape(svg, "diamond", place.leader, axis, DEADLINE, size=6)
        label_x, anchor = place.anchor()
        svg.text(label_x, label_y, text, anchor=anchor, **HALO)
    if not bands and not markers:
        _no_data(svg, BAND_TOP + 4)

    where = _today_text(today, low, high, bands)
    rows = [(a, 0, (label, _("Stage"), _range_text(a, b), "")) for label, a, b in bands]
    rows += [(d, 1, (label, _("Deadline"), date_text(d), state)) for label, d, state in markers]
    rows.append((today, 2, (_("Today"), "", date_text(today), where)))
    table = ChartTable(
        caption=title,
        headers=(_("What"), _("Kind"), _("Date"), _("State")),
        rows=tuple(row for _when, _order, row in sorted(rows, key=lambda row: row[:2])),
    )
    span = {"start": date_text(low), "end": date_text(high)}
    stages, deadlines = len(bands), len(markers)
    sentences = [
        _("Timeline from %(start)s to %(end)s:") % span,
        ngettext("%(count)d stage,", "%(count)d stages,", stages) % {"count": stages},
        ngettext("%(count)d deadline.", "%(count)d deadlines.", deadlines) % {"count": deadlines},
        _("Today, %(date)s: %(where)s.") % {"date": date_text(today), "where": where},
    ]
    return _chart(title, " ".join(sentences), svg, height, table)


def _draw_today(svg: _Svg, today, low, high, middle: Callable, axis: float) -> None:
    bold = {"fill": TODAY, "font_weight": "bold", **HALO}
    room = WIDTH - 2 * PAD - 2 * SMALL
    if today < low:
        note = _("Today, %(date)s: before this timeline") % {"date": date_text(today)}
        svg.text(PAD, 44, f"← {_fit(note, room, SMALL)}", anchor="start", **bold)
    elif today > high:
        note = _("Today, %(date)s: after this timeline") % {"date": date_text(today)}
        svg.text(WIDTH - PAD, 44, f"{_fit(note, room, SMALL)} →", anchor="end", **bold)
    else:
        svg.line(
            middle(today), 50, middle(today), axis + 10, stroke=TODAY, stroke_width=2.5,
            stroke_dasharray="6 3", class_="chart-mark chart-today",
        )  # fmt: skip
        svg.label(middle(today), 44, _("Today"), **bold)


def _range_text(first: dt.date, last: dt.date) -> str:
    if first == last:
        return date_text(first)
    return _("%(start)s to %(end)s") % {"start": date_text(first), "end": date_text(last)}


def _today_text(today, low, high, bands) -> str:
    if today < low:
        return _("before this timeline")
    if today > high:
        return _("after this timeline")
    during = [label for label, first, last in bands if first <= today <= last]
    if not during:
        return _("between stages") if bands else _("within this timeline")
    return _("during %(stages)s") % {"stages": ", ".join(during)}


def _marker_labels(markers, middle: Callable) -> list[tuple["_Placed", str]]:
    """Each deadline's label, "Roadmap (late)", with its place: its row below the axis and
    the stretch it may take.

    A label hangs beside its leader line (the line down from its diamond), in the row
    nearest the axis where it overlaps no other label and crosses no leader line. Labels
    to the left of their lines, placed from the left, make a staircase in which no line
    crosses a label; so do labels to the right, placed from the right. A label that would
    leave the drawing flips sides; of the two layouts, the one with fewer crossings (then
    fewer rows) wins. A crossing that remains passes behind the label's white halo.
    """
    texts = []
    for label, _day, state in markers:
        text = _("%(label)s (%(state)s)") % {"label": label, "state": state} if state else label
        texts.append(_fit(text, (WIDTH - 2 * PAD) * 0.6, SMALL))
    leaders = [middle(day) for _label, day, _state in markers]
    layouts = [_staircase(texts, leaders, left_of_line) for left_of_line in (True, False)]
    _crossings, _rows, placed = min(layouts, key=lambda layout: layout[:2])
    return [(placed[i], texts[i]) for i in range(len(markers))]


@dataclass(frozen=True)
class _Placed:
    row: int
    start: float
    end: float
    leader: float

    def anchor(self) -> tuple[float, str]:
        """Where to write the text: a label left of its line ends at the line (so that it
        touches the line, however wide the font), any other starts where placed."""
        if self.end <= self.leader:
            return self.end, "end"
        return self.start, "start"


def _staircase(texts, leaders, left_of_line: bool):
    """Rows for the labels, placed from the side their lines are on; returns the number of
    crossings, the number of rows and where each label went."""
    placed: dict[int, _Placed] = {}
    crossings = 0
    order = range(len(texts)) if left_of_line else reversed(range(len(texts)))
    for index in order:
        leader, width = leaders[index], _text_width(texts[index], SMALL)
        left, right = leader - 3 - width, leader + 3  # the two places the label may start
        if left_of_line:
            start = left if left >= PAD else right
        else:
            start = right if right + width <= WIDTH - PAD else left
        start = max(min(start, WIDTH - PAD - width), PAD)
        rows = 1 + max((other.row for other in placed.values()), default=-1)
        free = [row for row in range(rows + 1) if _free(placed, row, start, start + width)]
        clear = [row for row in free if not _crosses(placed, row, leader)]
        row = clear[0] if clear else free[0]
        crossings += not clear
        placed[index] = _Placed(row, start, start + width, leader)
    return crossings, 1 + max((p.row for p in placed.values()), default=-1), placed


def _free(placed: dict[int, _Placed], row: int, start: float, end: float) -> bool:
    """No label in `row` overlaps this one, and no line to a label further down crosses it."""
    for other in placed.values():
        if other.row == row and not (end + 8 <= other.start or other.end + 8 <= start):
            return False
        if other.row > row and start - 2 < other.leader < end + 2:
            return False
    return True


def _crosses(placed: dict[int, _Placed], row: int, leader: float) -> bool:
    """A label's line, going down to `row`, would cross a label further up."""
    return any(o.row < row and o.start - 2 < leader < o.end + 2 for o in placed.values())


# Axes shared by the line chart and the stacked bars ----------------------------------------

PLOT_TOP = 34
PLOT_BOTTOM = 214


def _value_axis(svg: _Svg, ticks: list[int], label: str) -> tuple[_Scale, float]:
    """Grid lines at whole-number ticks, their numbers on the left and the axis's name above
    them. Returns the value scale and where the plot begins on the left."""
    texts = [number_text(tick) for tick in ticks]
    left = PAD + max(_text_width(text, SMALL) for text in texts) + 8
    y = _Scale(ticks[0], ticks[-1], PLOT_BOTTOM, PLOT_TOP)
    for tick, text in zip(ticks, texts, strict=True):
        svg.line(left, y(tick), WIDTH - PAD, y(tick), stroke=GRID)
        svg.text(left - 6, y(tick) + 5, text, anchor="end", fill=MUTED)
    svg.line(left, PLOT_TOP, left, PLOT_BOTTOM)
    svg.line(left, y(0), WIDTH - PAD, y(0), stroke_width=1.5)
    if label:
        svg.text(PAD, 18, _fit(label, WIDTH - 2 * PAD, SMALL), anchor="start")
    return y, left


def _legend(svg: _Svg, top: float, entries: Sequence[tuple[str, dict]]) -> float:
    """One entry a line: a sample of the mark, then its label. Returns the legend's bottom."""
    for index, (label, sample) in enumerate(entries):
        y = top + 24 * index
        if "fill" in sample:
            svg.add(
                "rect", x=PAD, y=y - 7, width=24, height=14, fill=sample["fill"],
                class_="chart-mark",
            )  # fmt: skip
        else:
            svg.line(
                PAD, y, PAD + 24, y, stroke=sample["colour"], stroke_width=2.5,
                stroke_dasharray=sample["dash"], class_="chart-mark",
            )  # fmt: skip
            _shape(svg, sample["shape"], PAD + 12, y, sample["colour"], size=4.5)
        svg.text(PAD + 32, y + 5, _fit(label, WIDTH - 2 * PAD - 32, SMALL), anchor="start")
    return top + 24 * len(entries)


# 2. Line chart -----------------------------------------------------------------------------


def line_chart(
    *,
    title: str,
    series: Iterable[tuple[str, Iterable[tuple[dt.date, Number]]]],
    y_label: str,
    x_label: str,
    chart_id: str | None = None,
) -> Chart:
    """Step lines, one per series (label, [(day, number), …]): a value holds from its point
    until the next, as a count of steps done does. Each line has its own colour, dash and
    point shape, named in a legend; the value axis has whole-number ticks."""
    title, y_label, x_label = str(title), str(y_label), str(x_label)
    series = [
        (str(label), sorted([(_as_day(d), _exact(v)) for d, v in points if _finite(v)], key=_first))
        for label, points in series
    ]
    points = [point for _label, line in series for point in line]
    values = [float(value) for _when, value in points]
    svg = _Svg(chart_id or _chart_id("line", title, series))
    y, left = _value_axis(
        svg, integer_ticks(min(values, default=0), max(values, default=0)), y_label
    )
    x = _Scale(0, 0, left + 6, WIDTH - PAD - 6)
    if points:
        low, high = min(points, key=_first)[0], max(points, key=_first)[0]
        x = _Scale(low.toordinal(), high.toordinal(), left + 6, WIDTH - PAD - 6)
        for day, label in date_ticks(low, high, WIDTH - PAD - left):
            svg.line(x(day.toordinal()), PLOT_BOTTOM, x(day.toordinal()), PLOT_BOTTOM + 5)
            svg.label(x(day.toordinal()), PLOT_BOTTOM + 21, label, fill=MUTED)
    else:
        _no_data(svg, (PLOT_TOP + PLOT_BOTTOM) / 2)
    if x_label:
        svg.text((left + WIDTH - PAD) / 2, PLOT_BOTTOM + 43, _fit(x_label, WIDTH - 2 * PAD, SMALL))

    samples = []
    for index, (label, line) in enumerate(series):
        colour = PALETTE[index % len(PALETTE)]
        sample = {"colour": colour, "dash": DASHES[index % len(DASHES)]}
        sample["shape"] = SHAPES[index % len(SHAPES)]
        samples.append((label, sample))
        corners = [(x(day.toordinal()), y(float(value))) for day, value in line]
        if not corners:
            continue
        path = f"M{_units(corners[0][0])},{_units(corners[0][1])}" + "".join(
            f"H{_units(a)}V{_units(b)}" for a, b in corners[1:]
        )
        svg.add(
            "path", d=path, fill="none", stroke=colour, stroke_width=2.5,
            stroke_dasharray=sample["dash"], class_="chart-mark chart-line",
        )  # fmt: skip
        for a, b in corners:
            _shape(svg, sample["shape"], a, b, colour)
    height = _legend(svg, PLOT_BOTTOM + 70, samples)

    rows = tuple(
        (date_text(day), *(_values_on(line, day) for _label, line in series))
        for day in sorted({day for day, _value in points})
    )
    table = ChartTable(
        caption=title,
        headers=(x_label or _("Date"), *(label for label, _line in series)),
        rows=rows,
    )
    summaries = [_line_summary(label, line) for label, line in series]
    return _chart(title, " ".join(summaries) or _("No data yet."), svg, height, table)


def _first(pair):
    return pair[0]


def _values_on(line, day: dt.date) -> str:
    return ", ".join(number_text(value) for when, value in line if when == day)


def _line_summary(label: str, line) -> str:
    if not line:
        return _("%(series)s: no data yet.") % {"series": label}
    (first_day, first), (last_day, last) = line[0], line[-1]
    return _("%(series)s: %(first)s on %(start)s, %(last)s on %(end)s.") % {
        "series": label,
        "first": number_text(first),
        "start": date_text(first_day),
        "last": number_text(last),
        "end": date_text(last_day),
    }


# 3. Stacked bars ---------------------------------------------------------------------------


def stacked_bars(
    *,
    title: str,
    dates: Sequence[dt.date],
    stacks: Iterable[tuple[str, Sequence[Number]]],
    y_label: str = "",
    chart_id: str | None = None,
) -> Chart:
    """One bar per date, made of stacks (label, [count per date]) from the bottom up in the
    order given, each in its own colour and texture, named in a legend; each bar's total is
    written above it when there is room."""
    title = str(title)
    dates = [_as_day(day) for day in dates]
    stacks = [(str(label), [_exact(n) if _finite(n) else 0 for n in c]) for label, c in stacks]
    for label, counts in stacks:
        if len(counts) != len(dates):
            raise ValueError(f"{label!r} has {len(counts)} counts for {len(dates)} dates")
    totals = [sum((counts[i] for _label, counts in stacks), 0) for i in range(len(dates))]
    svg = _Svg(chart_id or _chart_id("stacked", title, (dates, stacks)))
    y, left = _value_axis(svg, integer_ticks(0, max(map(float, totals), default=0)), y_label)
    fills = [_texture(svg, index) for index in range(len(stacks))]
    if dates:
        _draw_stacks(svg, dates, stacks, totals, fills, y, left)
    else:
        _no_data(svg, (PLOT_TOP + PLOT_BOTTOM) / 2)
    legend = [(label, {"fill": fill}) for (label, _c), fill in zip(stacks, fills, strict=True)]
    height = _legend(svg, PLOT_BOTTOM + 46, legend)

    rows = tuple(
        (date_text(day), *(number_text(c[i]) for _l, c in stacks), number_text(totals[i]))
        for i, day in enumerate(dates)
    )
    table = ChartTable(
        caption=title,
        headers=(_("Date"), *(label for label, _counts in stacks), _("Total")),
        rows=rows,
    )
    description = _("No data yet.")
    if dates:
        latest = ", ".join(f"{label} {number_text(counts[-1])}" for label, counts in stacks)
        description = _("From %(start)s to %(end)s. On %(end)s: %(latest)s; %(total)s in all.") % {
            "start": date_text(dates[0]),
            "end": date_text(dates[-1]),
            "latest": latest,
            "total": number_text(totals[-1]),
        }
    return _chart(title, description, svg, height, table)


def _draw_stacks(svg: _Svg, dates, stacks, totals, fills, y: _Scale, left: float) -> None:
    slot = (WIDTH - PAD - left) / len(dates)
    bar = min(slot * 0.7, 40)
    one_a_month = len({(day.year, day.month) for day in dates}) == len(dates)
    labels = [formats.date_format(day, "M Y" if one_a_month else "j M Y") for day in dates]
    fit = int((WIDTH - PAD - left) // (_text_width(max(labels, key=len), SMALL) + 10))
    every = math.ceil(len(dates) / max(fit, 1))
    for i, total in enumerate(totals):
        centre, base = left + slot * (i + 0.5), 0
        for fill, (_label, counts) in zip(fills, stacks, strict=True):
            if counts[i] <= 0:
                continue
            top, bottom = y(float(base + counts[i])), y(float(base))
            svg.add(
                "rect", x=centre - bar / 2, y=top, width=bar, height=bottom - top, fill=fill,
                stroke=WHITE, stroke_width=1, class_="chart-mark chart-segment",
            )  # fmt: skip
            base += counts[i]
        total_text = number_text(total)
        if _text_width(total_text, SMALL) <= slot - 2:
            svg.text(centre, y(float(total)) - 5, total_text)
        if i % every == 0:
            svg.line(centre, PLOT_BOTTOM, centre, PLOT_BOTTOM + 5)
            svg.label(centre, PLOT_BOTTOM + 21, labels[i], fill=MUTED)


# 4. Bar chart ------------------------------------------------------------------------------


def bar_chart(
    *,
    title: str,
    bars: Iterable[tuple[str, Number | None]],
    unit: str,
    label_header: str = "",
    chart_id: str | None = None,
) -> Chart:
    """Horizontal bars (label, number) in the order given, each label above its bar and the
    value with its unit written after it. A bar without a value says so."""
    title, unit = str(title), str(unit or "")
    bars = [(str(label), _exact(value) if _finite(value) else None) for label, value in bars]
    svg = _Svg(chart_id or _chart_id("bars", title, (bars, unit)))
    texts = [_amount_text(v, unit) if v is not None else _("no value") for _l, v in bars]
    reserve = max((_text_width(text, SMALL) for text in texts), default=0) + 8
    largest = max((float(value) for _l, value in bars if value is not None), default=0)
    x = _Scale(0, largest if largest > 0 else 1, PAD, max(WIDTH - PAD - reserve, WIDTH / 3))
    for index, ((label, value), text) in enumerate(zip(bars, texts, strict=True)):
        top = 8 + 50 * index
        svg.text(PAD, top + 16, _fit(label, WIDTH - 2 * PAD, FONT), size=FONT, anchor="start")
        end = PAD
        if value is not None and value > 0:
            end = x(float(value))
            svg.add(
                "rect", x=PAD, y=top + 23, width=max(end - PAD, 1), height=18, fill=BAND,
                class_="chart-mark chart-bar",
            )  # fmt: skip
        svg.text(end + 6, top + 37, text, anchor="start")
    bottom = 8 + 50 * max(len(bars), 1)
    if not bars:
        _no_data(svg, 36)

    given = [(label, value) for label, value in bars if value is not None]
    description = _("No data yet.")
    if given:
        label, value = max(given, key=lambda bar: bar[1])
        total = sum((value for _l, value in given), 0)
        description = _("Largest: %(label)s, %(value)s. In all: %(total)s.") % {
            "label": label,
            "value": _amount_text(value, unit),
            "total": _amount_text(total, unit),
        }
    table = ChartTable(
        caption=title,
        headers=(label_header or _("Item"), _("Value")),
        rows=tuple((label, text) for (label, _v), text in zip(bars, texts, strict=True)),
    )
    return _chart(title, description, svg, bottom + 4, table)

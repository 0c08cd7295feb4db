"""Charts drawn on the server: one image with a name, a description and a table that says the
same in words; marks a person with low vision can see; labels that cannot inject markup;
dates at the edge of what Python holds drawn, not a 500."""

import datetime as dt
import itertools
import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext_lazy

from portal import charts

D = dt.date
SVG = "{http://www.w3.org/2000/svg}"
EVIL = "<script>alert('x')</script> & \"Sofia\""
#: The narrowest screen the portal serves, less Bootstrap's container padding (2 × 12 px).
PHONE_CONTENT_PX = 375 - 24

STAGES = [
    ("Activation stage", D(2019, 6, 1), D(2019, 12, 31)),
    ("Planning stage", D(2020, 1, 1), D(2022, 6, 30)),
]
DEADLINES = [
    ("Roadmap", D(2020, 12, 31), "done"),
    ("ULG meeting Q1", D(2021, 3, 31), "on track"),
    ("TNM #5 attendance", D(2021, 4, 15), "late"),
    ("SSAs planned", D(2021, 6, 30), "due soon"),
    ("Final IAP", D(2022, 6, 30), "not due yet"),
]
STEPS = [
    ("Sofia", [(D(2020, 9, 1), 0), (D(2020, 10, 5), 2), (D(2021, 2, 1), 7)]),
    ("Pavlos Melas", [(D(2020, 9, 15), 1), (D(2021, 1, 10), 4)]),
]
MONTHS = [D(2020, 7, 1), D(2020, 8, 1), D(2020, 9, 1), D(2020, 10, 1)]
STATES = [
    ("Draft", [8, 6, 3, 0]),
    ("Submitted", [0, 2, 1, 0]),
    ("In review", [0, 0, 2, 1]),
    ("Changes requested", [0, 0, 1, 2]),
    ("Approved", [0, 0, 1, 5]),
]
BUDGETS = [("Sofia", Decimal("48500.00")), ("Barcelona", 120000), ("Pavlos Melas", 12500.5)]


def workplan(**overrides):
    arguments = {
        "title": "Workplan",
        "start": D(2019, 6, 1),
        "end": D(2022, 6, 30),
        "today": D(2021, 3, 5),
        "bands": STAGES,
        "markers": DEADLINES,
    }
    return charts.timeline(**{**arguments, **overrides})


def steps(**overrides):
    arguments = {"title": "Steps done", "series": STEPS, "y_label": "Steps", "x_label": "Date"}
    return charts.line_chart(**{**arguments, **overrides})


def states(**overrides):
    arguments = {"title": "Roadmap states", "dates": MONTHS, "stacks": STATES}
    return charts.stacked_bars(**{**arguments, **overrides})


def budgets(**overrides):
    arguments = {"title": "SSA budget by city", "bars": BUDGETS, "unit": "EUR"}
    return charts.bar_chart(**{**arguments, **overrides})


EVERY_KIND = [workplan, steps, states, budgets]


def parse(chart):
    return ET.fromstring(str(chart.svg))


def texts(chart):
    return ["".join(element.itertext()) for element in parse(chart).iter(f"{SVG}text")]


def marks(chart, kind):
    return [e for e in parse(chart).iter() if kind in e.get("class", "").split()]


def luminance(colour):
    red, green, blue = (int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4))
    linear = [
        c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (red, green, blue)
    ]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_with_white(colour):
    return 1.05 / (luminance(colour) + 0.05)


# One accessible image ----------------------------------------------------------------------


@pytest.mark.parametrize("draw", EVERY_KIND)
def test_each_chart_is_one_image_named_and_described_by_its_title_and_description(draw):
    chart = draw()
    svg = parse(chart)
    assert svg.tag == f"{SVG}svg"
    assert svg.get("role") == "img"
    title, desc = svg[0], svg[1]
    assert title.tag == f"{SVG}title" and title.text == chart.title
    assert desc.tag == f"{SVG}desc" and desc.text == chart.description
    assert svg.get("aria-labelledby").split() == [title.get("id"), desc.get("id")]
    assert chart.description


@pytest.mark.parametrize("draw", EVERY_KIND)
def test_each_chart_scales_to_a_phone_and_keeps_its_text_readable_there(draw):
    svg = parse(draw())
    assert svg.get("width") == "100%"
    _x, _y, width, height = map(float, svg.get("viewBox").split())
    assert width > 0 and height > 0
    scale = PHONE_CONTENT_PX / width
    sizes = {float(text.get("font-size")) for text in svg.iter(f"{SVG}text")}
    assert sizes and min(sizes) * scale >= 12, f"text of {min(sizes) * scale:.1f} px on a phone"


@pytest.mark.parametrize("draw", EVERY_KIND)
def test_charts_have_no_inline_style_the_content_security_policy_would_block(draw):
    chart = draw()
    assert not [e.tag for e in parse(chart).iter() if e.get("style") is not None]
    assert not list(parse(chart).iter(f"{SVG}style"))
    html = render_to_string("portal/chart.html", {"chart": chart})
    assert "style=" not in html and "<style" not in html


@pytest.mark.parametrize("draw", EVERY_KIND)
def test_marks_stand_out_from_the_white_page_at_three_to_one_and_text_at_four_and_a_half(draw):
    svg = parse(draw())
    pattern_colours = {
        pattern.get("id"): pattern.find(f"{SVG}rect").get("fill")
        for pattern in svg.iter(f"{SVG}pattern")
    }
    seen = []
    for mark in (e for e in svg.iter() if "chart-mark" in e.get("class", "").split()):
        for attribute in ("fill", "stroke"):
            colour = mark.get(attribute, "none")
            if colour.startswith("url(#"):
                colour = pattern_colours[colour[5:-1]]
            if colour in {"none", "#ffffff"}:  # white outlines part a mark from its neighbours
                continue
            seen.append(colour)
            assert contrast_with_white(colour) >= 3, f"{mark.tag} {attribute}={colour}"
    assert seen
    for text in svg.iter(f"{SVG}text"):
        assert contrast_with_white(text.get("fill")) >= 4.5, "".join(text.itertext())


def test_stacks_differ_by_texture_as_well_as_colour():
    svg = parse(states())
    patterns = list(svg.iter(f"{SVG}pattern"))
    drawn = [ET.tostring(pattern).decode().replace(pattern.get("id"), "") for pattern in patterns]
    without_colour = [re.sub(r'fill="#[0-9a-f]{6}"', "", pattern, count=1) for pattern in drawn]
    assert len(patterns) == len(STATES)
    assert len(set(without_colour)) == len(STATES)


def test_lines_differ_by_dash_and_point_shape_as_well_as_colour():
    lines = marks(steps(), "chart-line")
    assert len({line.get("stroke-dasharray") for line in lines}) == len(STEPS)
    shapes = {e.tag for e in parse(steps()).iter() if e.tag in {f"{SVG}circle", f"{SVG}rect"}}
    assert {f"{SVG}circle", f"{SVG}rect"} <= shapes


def test_two_charts_on_one_page_name_themselves_with_different_ids_and_a_chart_is_drawn_the_same_twice():  # noqa: E501
    assert parse(workplan()).get("aria-labelledby") != parse(budgets()).get("aria-labelledby")
    assert parse(steps()).get("aria-labelledby") != parse(steps(series=STEPS[:1])).get(
        "aria-labelledby"
    )
    assert workplan().svg == workplan().svg
    assert parse(budgets(chart_id="ssa-budget")).get("aria-labelledby") == (
        "ssa-budget-title ssa-budget-desc"
    )


# Labels are text, never markup ------------------------------------------------------------


@pytest.mark.parametrize(
    "draw",
    [
        lambda: workplan(
            title=EVIL,
            bands=[(EVIL, D(2020, 1, 1), D(2020, 2, 1))],
            markers=[(EVIL, D(2020, 1, 5), EVIL)],
        ),  # fmt: skip
        lambda: steps(
            title=EVIL, series=[(EVIL, [(D(2020, 1, 1), 1)])], y_label=EVIL, x_label=EVIL
        ),  # fmt: skip
        lambda: states(title=EVIL, dates=[D(2020, 1, 1)], stacks=[(EVIL, [2])]),
        lambda: budgets(title=EVIL, bars=[(EVIL, 10)], unit=EVIL, label_header=EVIL),
    ],
)
def test_a_label_holding_markup_is_written_as_text(draw):
    chart = draw()
    assert "<script" not in chart.svg
    svg = parse(chart)
    assert not list(svg.iter("script")) and not list(svg.iter(f"{SVG}script"))
    assert svg[0].text == EVIL
    assert any("<script>" in text for text in texts(chart))
    html = render_to_string("portal/chart.html", {"chart": chart})
    assert "<script" not in html
    assert "&lt;script&gt;" in html


# Dates at the edges --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "start, end, today",
    [
        (D(1, 1, 1), D(9999, 12, 31), D(2024, 5, 1)),
        (D(1, 1, 1), D(1, 1, 1), D(1, 1, 1)),
        (D(9999, 12, 31), D(9999, 12, 31), D(9999, 12, 31)),
        (D(9999, 12, 31), D(1, 1, 1), D(1, 1, 1)),  # given the wrong way round
        (D(2021, 3, 5), D(2021, 3, 5), D(2021, 3, 5)),  # one day
        (D(2021, 3, 5), D(2021, 3, 6), D(9999, 12, 31)),
    ],
)
def test_the_timeline_draws_any_range_of_dates_python_holds(start, end, today):
    chart = workplan(
        start=start, end=end, today=today,
        bands=[("From the start", start, start), ("To the end", end, end)],
        markers=[("At the end", end, "late"), ("At the start", start, "done")],
    )  # fmt: skip
    svg = parse(chart)
    assert [float(band.get("width")) > 0 for band in marks(chart, "chart-band")] == [True, True]
    for element in list(svg.iter())[1:]:
        for name in ("x", "x1", "x2", "width"):
            if element.get(name) is not None:
                assert 0 <= float(element.get(name)) <= 400, (element.tag, name)
    assert charts.date_text(today) in chart.description


@pytest.mark.parametrize(
    "low, high",
    [
        (D(1, 1, 1), D(9999, 12, 31)),
        (D(9999, 1, 1), D(9999, 12, 31)),
        (D(9999, 12, 1), D(9999, 12, 31)),
        (D(1, 1, 1), D(1, 1, 20)),
        (D(2021, 1, 15), D(2021, 2, 20)),
        (D(2020, 3, 1), D(2022, 2, 1)),
        (D(2021, 5, 5), D(2021, 5, 5)),
    ],
)
def test_axis_ticks_fall_inside_the_range_in_order_and_are_few(low, high):
    ticks = charts.date_ticks(low, high, 384)
    days = [day for day, _label in ticks]
    assert 1 <= len(days) <= 6
    assert days == sorted(set(days))
    assert all(low <= day <= high for day in days)


def test_the_other_charts_draw_dates_in_year_one_and_year_9999():
    series = [("Edge", [(D(1, 1, 1), 0), (D(9999, 12, 31), 3)])]
    assert len(steps(series=series).table.rows) == 2
    edges = states(dates=[D(1, 1, 1), D(9999, 12, 31)], stacks=[("Draft", [1, 2])])
    assert [row[0] for row in edges.table.rows] == ["1 Jan 0001", "31 Dec 9999"]
    one_day = steps(series=[("One day", [(D(2021, 3, 5), 2)])])
    assert [row[1] for row in one_day.table.rows] == ["2"]


@pytest.mark.parametrize(
    "draw",
    [
        lambda: workplan(bands=[], markers=[]),
        lambda: steps(series=[]),
        lambda: steps(series=[("Sofia", [])]),
        lambda: states(dates=[], stacks=[]),
        lambda: states(dates=MONTHS, stacks=[]),
        lambda: budgets(bars=[]),
        lambda: budgets(bars=[("Sofia", 0), ("Kavala", None), ("Sofia", Decimal("NaN"))]),
    ],
)
def test_a_chart_without_data_is_drawn_and_says_so(draw):
    chart = draw()
    parse(chart)
    assert chart.description


def test_stacks_and_dates_that_do_not_match_are_a_programming_error():
    with pytest.raises(ValueError, match="Draft"):
        states(stacks=[("Draft", [1, 2])])


# Today -------------------------------------------------------------------------------------


def today_x(chart):
    [line] = marks(chart, "chart-today")
    assert line.get("x1") == line.get("x2")
    return float(line.get("x1"))


def band_edges(chart):
    return [
        (float(band.get("x")), float(band.get("x")) + float(band.get("width")))
        for band in marks(chart, "chart-band")
    ]


def test_todays_line_sits_in_the_stage_it_falls_in_past_the_stage_before():
    chart = workplan(today=D(2021, 3, 5))
    (_activation_start, activation_end), (planning_start, planning_end) = band_edges(chart)
    assert activation_end <= planning_start < today_x(chart) < planning_end
    assert "Today" in texts(chart)
    assert "Today, 5 Mar 2021: during Planning stage." in chart.description


def test_todays_line_between_two_stages_sits_in_the_gap():
    bands = [("First", D(2021, 1, 1), D(2021, 1, 31)), ("Second", D(2021, 3, 1), D(2021, 3, 31))]
    chart = workplan(start=D(2021, 1, 1), end=D(2021, 3, 31), today=D(2021, 2, 14), bands=bands)
    (_first_start, first_end), (second_start, _second_end) = band_edges(chart)
    assert first_end < today_x(chart) < second_start
    assert "between stages" in chart.description


def test_todays_line_on_a_stages_last_day_sits_inside_that_day():
    bands = [("First", D(2021, 1, 1), D(2021, 1, 31)), ("Second", D(2021, 2, 1), D(2021, 2, 28))]
    chart = workplan(start=D(2021, 1, 1), end=D(2021, 2, 28), today=D(2021, 1, 31), bands=bands)
    (first_start, first_end), (second_start, _second_end) = band_edges(chart)
    assert first_start < today_x(chart) < first_end <= second_start


@pytest.mark.parametrize(
    "today, words",
    [(D(2018, 1, 1), "before this timeline"), (D(2023, 1, 1), "after this timeline")],
)
def test_today_outside_the_timeline_is_written_at_its_edge_without_a_line(today, words):
    chart = workplan(today=today)
    assert not marks(chart, "chart-today")
    assert any(words in text for text in texts(chart))
    assert words in chart.description
    assert ("Today", "", charts.date_text(today), words) in chart.table.rows


# The deadlines' labels ---------------------------------------------------------------------


def marker_labels(chart):
    """Each deadline's label as drawn: its row's y and the stretch of text it takes."""
    labels = []
    for text in parse(chart).iter(f"{SVG}text"):
        content = "".join(text.itertext())
        if "(" not in content:
            continue
        width = charts._text_width(content, float(text.get("font-size")))
        x = float(text.get("x"))
        start = x - width if text.get("text-anchor") == "end" else x
        labels.append((content, float(text.get("y")), start, start + width))
    return labels


@pytest.mark.parametrize(
    "deadlines",
    [
        DEADLINES,
        [(f"Deadline {i}", D(2021, 1, 1) + dt.timedelta(days=i), "late") for i in range(8)],
        [(f"Same day {i}", D(2021, 1, 1), "due soon") for i in range(4)],
        [("At the start", D(2019, 6, 1), "done"), ("At the end", D(2022, 6, 30), "not due yet")],
    ],
)
def test_deadline_labels_name_their_state_and_never_overlap(deadlines):
    chart = workplan(markers=deadlines)
    labels = marker_labels(chart)
    assert sorted(text for text, *_rest in labels) == sorted(
        f"{label} ({state})" for label, _day, state in deadlines
    )
    for index, (text, y, start, end) in enumerate(labels):
        assert start >= 0 and end <= 400, text
        for other, other_y, other_start, other_end in labels[index + 1 :]:
            assert y != other_y or end <= other_start or other_end <= start, (text, other)


def test_no_leader_line_crosses_another_deadlines_label():
    chart = workplan()
    labels = marker_labels(chart)
    leaders = [
        line for line in parse(chart).iter(f"{SVG}line")
        if line.get("x1") == line.get("x2") and float(line.get("y2")) > float(line.get("y1"))
        and line.get("stroke") == charts.MUTED
    ]  # fmt: skip
    assert len(leaders) == len(DEADLINES)
    for line in leaders:
        x, bottom = float(line.get("x1")), float(line.get("y2"))
        for text, y, start, end in labels:
            crossed = y - 12 < bottom - 5 and start < x < end
            assert not crossed, (text, x)


# The table says what the chart shows -------------------------------------------------------


def test_the_timelines_table_lists_every_stage_deadline_and_today_in_date_order():
    table = workplan().table
    assert table.caption == "Workplan"
    assert table.headers == ("What", "Kind", "Date", "State")
    assert ("Activation stage", "Stage", "1 Jun 2019 to 31 Dec 2019", "") in table.rows
    for label, day, state in DEADLINES:
        assert (label, "Deadline", charts.date_text(day), state) in table.rows
    names = [row[0] for row in table.rows]
    assert names.index("Roadmap") < names.index("Today") < names.index("ULG meeting Q1")
    assert len(table.rows) == len(STAGES) + len(DEADLINES) + 1


def test_the_line_charts_table_holds_every_point_under_its_series():
    table = steps().table
    assert table.headers == ("Date", "Sofia", "Pavlos Melas")
    cells = {
        (row[0], header): cell
        for row in table.rows
        for header, cell in zip(table.headers[1:], row[1:], strict=True)
    }
    for label, points in STEPS:
        for day, value in points:
            assert cells[(charts.date_text(day), label)] == str(value)
    assert cells[(charts.date_text(D(2020, 9, 1)), "Pavlos Melas")] == ""


def test_the_stacked_bars_table_holds_every_count_and_each_dates_total():
    table = states().table
    assert table.headers == ("Date", *(label for label, _counts in STATES), "Total")
    for i, day in enumerate(MONTHS):
        row = table.rows[i]
        assert row[0] == charts.date_text(day)
        assert row[1:-1] == tuple(str(counts[i]) for _label, counts in STATES)
        assert row[-1] == str(sum(counts[i] for _label, counts in STATES))
    segments = marks(states(), "chart-segment")
    assert len(segments) == sum(1 for _label, counts in STATES for count in counts if count)


def test_the_bar_charts_values_are_written_beside_the_bars_in_the_persons_number_format():
    chart = budgets(label_header="City")
    assert chart.table.headers == ("City", "Value")
    assert chart.table.rows == (
        ("Sofia", "48,500 EUR"),
        ("Barcelona", "120,000 EUR"),
        ("Pavlos Melas", "12,500.50 EUR"),
    )
    assert {"48,500 EUR", "120,000 EUR", "12,500.50 EUR"} <= set(texts(chart))
    widths = [float(bar.get("width")) for bar in marks(chart, "chart-bar")]
    assert widths[1] == max(widths) and widths[2] == min(widths)
    with translation.override("it"):
        assert budgets().table.rows[0] == ("Sofia", "48.500 EUR")


def test_the_template_shows_the_chart_in_a_figure_with_its_table_behind_a_summary():
    chart = budgets(label_header="City")
    html = render_to_string("portal/chart.html", {"chart": chart})
    assert html.count("<figure") == 1 and "<figcaption" in html
    assert str(chart.svg) in html
    assert "<summary>Show the data as a table</summary>" in html
    assert "<caption>SSA budget by city</caption>" in html
    assert '<th scope="col">City</th>' in html and '<th scope="col">Value</th>' in html
    assert '<th scope="row">Sofia</th>' in html and "<td>48,500 EUR</td>" in html
    empty = render_to_string("portal/chart.html", {"chart": budgets(bars=[])})
    assert "No data yet." in empty


@pytest.mark.parametrize(
    "low, high",
    [(0, 0), (0, 1), (0, 7), (0, 9), (0, 13), (0, 120000), (-3, 7), (0, 0.5), (0, 1e30)],
)
def test_value_ticks_are_few_whole_numbers_from_zero_past_the_largest_value(low, high):
    ticks = charts.integer_ticks(low, high)
    assert 2 <= len(ticks) <= 5
    assert all(isinstance(tick, int) for tick in ticks)
    assert 0 in ticks and ticks[0] <= low and ticks[-1] >= high
    assert len({b - a for a, b in itertools.pairwise(ticks)}) == 1


def test_a_title_translated_lazily_is_drawn_in_the_persons_language():
    chart = budgets(title=gettext_lazy("Total"))
    assert parse(chart)[0].text == "Total" and chart.table.caption == "Total"


def test_an_id_given_by_the_page_is_escaped_too():
    chart = budgets(chart_id='a" onload="alert(1)')
    assert parse(chart).get("onload") is None

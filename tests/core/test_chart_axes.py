"""The one rule for chart axes (citytools.core.charts.axis_rule): the rule itself, table by
table; and each kind of chart obeying it, also drawn headless by the
same vega and vega-lite the site serves (tests/core/vega.py), reading the tick labels a
person would see: on every value axis at least two, none repeated.
"""

import datetime
from decimal import Decimal

import pytest

from citytools.core import charts
from citytools.core.charts import COUNT, DATE, MONEY, PERCENT, SHARE, axis_rule, score
from tests.core.vega import assert_axes_speak

# The rule, table by table ---------------------------------------------------------------------

RULES = [
    # measure, figures, format, least step, domain, nice, empty
    (COUNT, [0, 1], ",d", 1, (0, 1), True, False),
    (COUNT, [3, 12, 7], ",d", 1, (0, 12), True, False),
    (COUNT, [Decimal("2")], ",d", 1, (0, 2), True, False),
    (COUNT, [0, 0, 0], ",d", 1, (0, 1), True, True),
    (COUNT, [], ",d", 1, (0, 1), True, True),
    (COUNT, [None, None], ",d", 1, (0, 1), True, True),
    (SHARE, [0.02, 0.001], ".0%", 0.01, (0, 0.02), True, False),
    (SHARE, [0.004], ".0%", 0.01, (0, 0.01), True, False),
    (SHARE, [0.0], ".0%", 0.01, (0, 0.01), True, True),
    (PERCENT, [0.5, 0.25], ".0%", 0.01, (0, 1), False, False),
    (PERCENT, [0, 0], ".0%", 0.01, (0, 1), False, False),  # 0 % of a whole is a figure
    (PERCENT, [None], ".0%", 0.01, (0, 1), False, True),
    (MONEY, [1250.5, 980], ",.0f", 1, (0, 1250.5), True, False),
    (MONEY, [0.4], ",.0f", 1, (0, 1), True, False),
    (MONEY, [-50, 100], ",.0f", 1, (-50, 100), True, False),
    (score(1, 5), [3.2, 4.0], ",d", 1, (1, 5), False, False),
    (score(1, 5), [], ",d", 1, (1, 5), False, True),
    (score(0, 100), [0.0, 0.0], ",d", 1, (0, 100), False, False),  # a score of 0 is a figure
]


@pytest.mark.parametrize(("measure", "figures", "fmt", "step", "domain", "nice", "empty"), RULES)
def test_the_axis_rule(measure, figures, fmt, step, domain, nice, empty):
    rule = axis_rule(measure, figures)
    assert (rule.format, rule.tick_min_step, rule.domain, rule.nice, rule.empty) == (fmt, step, domain, nice, empty)


DATES = [
    # first and last day shown, months between ticks
    ("2026-01-10", "2026-01-24", 1),
    ("2026-01-01", "2026-12-31", 1),
    ("2026-01-01", "2027-06-30", 3),
    ("2026-01-01", "2030-12-31", 6),
    ("2026-01-01", "2034-12-31", 12),
]


@pytest.mark.parametrize(("first", "last", "months"), DATES)
def test_the_axis_rule_for_dates_ticks_on_whole_months(first, last, months):
    rule = axis_rule(DATE, [first, datetime.date.fromisoformat(last)])
    assert rule.format == "%b %Y" and rule.nice == "month" and not rule.empty
    assert rule.tick_interval == {"interval": "month", "step": months}


def test_a_date_axis_without_dates_is_empty():
    assert axis_rule(DATE, []).empty


# Each kind of chart obeys it --------------------------------------------------------------------


def _x(spec: dict) -> dict:
    return spec["encoding"]["x"] if "encoding" in spec else spec["layer"][0]["encoding"]["x"]


FEW = [{"name": "Brightwater Data", "n": 1}, {"name": "Corvel Public Software", "n": 0}]


def kinds(values: tuple) -> dict[str, charts.Chart]:
    """One chart of each kind whose figures are `values` (counts, or shares for the grouped one)."""
    a, b = values
    return {
        "bar": charts.bar_chart(
            "bar", title="t", rows=[{"name": "A", "n": a}, {"name": "B", "n": b}], label="name", value="n",
            label_title="Supplier", value_title="Organisations", measure=COUNT,
        ),
        "column": charts.column_chart(
            "column", title="t", rows=[{"month": "Jan 2026", "n": a}, {"month": "Feb 2026", "n": b}], label="month",
            value="n", label_title="Month", value_title="Contracts", measure=COUNT,
        ),
        "stacked": charts.stacked_bar_chart(
            "stacked", title="t", rows=[{"name": "A", "part": "Small", "n": a}, {"name": "A", "part": "Large", "n": b}],
            label="name", series="part", value="n", label_title="Challenge", series_title="Size",
            value_title="Applicants", series_order=["Small", "Large"], columns=["Challenge", "Small", "Large"],
            table_rows=[["A", a, b]], measure=COUNT,
        ),
        "grouped": charts.grouped_bar_chart(
            "grouped", title="t",
            rows=[{"name": "A", "measure": "Fresh", "p": a / 100}, {"name": "A", "measure": "Complete", "p": b / 100}],
            label="name", series="measure", value="p", label_title="Organisation", series_title="Measure",
            value_title="Per cent", series_order=["Fresh", "Complete"], columns=["Organisation", "Fresh", "Complete"],
            table_rows=[["A", a, b]], measure=PERCENT,
        ),
        "scatter": charts.scatter_chart(
            "scatter", title="t", rows=[{"o": "A", "x": a, "y": 3.5}, {"o": "B", "x": b, "y": 2.0}], x="x", y="y",
            label="o", x_title="Suppliers", y_title="Mean", x_measure=COUNT, y_measure=score(1, 5),
            columns=["Organisation", "Suppliers", "Mean"], table_rows=[["A", a, "3.50"], ["B", b, "2.00"]],
        ),
    }


@pytest.mark.parametrize("kind", ["bar", "column", "stacked", "grouped", "scatter"])
def test_each_kind_of_chart_takes_its_value_axis_from_the_rule(kind):
    chart = kinds((1, 0))[kind]
    encoding = chart.spec["encoding"]
    value = encoding["y"] if kind == "column" else encoding["x"]
    measure = PERCENT if kind == "grouped" else COUNT
    rule = axis_rule(measure, [0.01, 0] if kind == "grouped" else [1, 0])
    assert value["axis"]["format"] == rule.format
    assert value["axis"]["tickMinStep"] == rule.tick_min_step
    assert value["scale"]["domain"] == list(rule.domain)


@pytest.mark.parametrize("kind", ["bar", "column", "stacked", "scatter"])
def test_a_chart_of_zero_counts_is_not_drawn_and_says_so(kind):
    chart = kinds((0, 0))[kind]
    assert chart.spec is None and chart.rows == []
    assert chart.empty == charts.NOTHING_TO_SHOW


def test_zero_per_cent_of_a_whole_is_drawn_but_no_figure_at_all_is_not():
    assert kinds((0, 0))["grouped"].spec is not None
    chart = charts.grouped_bar_chart(
        "grouped", title="t", rows=[{"name": "A", "measure": "Fresh", "p": None}], label="name", series="measure",
        value="p", label_title="Organisation", series_title="Measure", value_title="Per cent", series_order=["Fresh"],
        columns=["Organisation", "Fresh"], table_rows=[["A", "–"]], measure=PERCENT, empty="No records yet.",
    )
    assert chart.spec is None and chart.empty == "No records yet."


def test_an_interval_chart_keeps_its_scale_and_an_empty_one_is_not_drawn():
    common = {
        "title": "t", "label": "d", "value": "e", "low": "lo", "high": "hi", "label_title": "Dimension", "value_title": "Score",
        "measure": score(1, 5), "columns": ["Dimension"], "table_rows": [],
    }
    chart = charts.interval_chart("i", rows=[{"d": "Usability", "e": 3.2, "lo": 2.5, "hi": 3.9}], **common)
    assert [layer["encoding"]["x"]["scale"]["domain"] for layer in chart.spec["layer"]] == [[1, 5], [1, 5]]
    assert _x(chart.spec)["axis"]["tickMinStep"] == 1
    empty = charts.interval_chart("i", rows=[{"d": "Usability", "e": None, "lo": None, "hi": None}], empty="No ratings.", **common)
    assert empty.spec is None and empty.empty == "No ratings."


def test_a_gantt_chart_ticks_on_months_and_an_empty_one_is_not_drawn():
    common = {
        "title": "t", "label": "c", "start": "from", "end": "to", "part": "p", "parts": ["Current term", "Extension option"],
        "columns": ["Contract"], "table_rows": [],
    }
    chart = charts.gantt_chart(
        "g", rows=[{"c": "A", "from": "2026-01-05", "to": "2026-01-20", "p": "Current term"}], **common
    )
    assert _x(chart.spec)["axis"]["tickCount"] == {"interval": "month", "step": 1}
    assert _x(chart.spec)["scale"]["nice"] == "month"
    assert charts.gantt_chart("g", rows=[], empty="No contract ends.", **common).empty == "No contract ends."


def test_each_kind_of_chart_draws_ticks_that_never_repeat():
    specs = {}
    for values in [(1, 0), (2, 1), (3, 0), (7, 2), (40, 3), (1500, 2)]:
        specs.update({f"{kind} {values}": chart.spec for kind, chart in kinds(values).items()})
    for measure, figures in [
        (SHARE, [0.02, 0.001]), (SHARE, [0.004]), (SHARE, [0.33, 0.5]), (MONEY, [0.4, 0.2]), (MONEY, [1_250_000, 30_000]),
    ]:
        rows = [{"name": f"Supplier {i}", "v": v} for i, v in enumerate(figures)]
        specs[f"{measure} {figures}"] = charts.bar_chart(
            "b", title="t", rows=rows, label="name", value="v", label_title="Supplier", value_title="Share", measure=measure
        ).spec
    assert_axes_speak(specs)


def test_timelines_draw_month_ticks_that_never_repeat():
    specs = {
        f"{first} to {last}": charts.gantt_chart(
            "g", title="t", rows=[{"c": "A", "from": first, "to": last, "p": "Current term"}], label="c", start="from",
            end="to", part="p", parts=["Current term", "Extension option"], columns=["Contract"], table_rows=[],
        ).spec
        for first, last, _ in DATES
    }
    assert_axes_speak(specs)


def test_every_kind_of_chart_is_valid_vega_lite():
    """The views skip validation for speed, so each kind is checked here against the schema."""
    import altair as alt

    for chart in kinds((3, 1)).values():
        alt.Chart.from_dict(chart.spec, validate=True)
    gantt = charts.gantt_chart(
        "g", title="t", rows=[{"c": "A", "from": "2026-01-01", "to": "2026-05-01", "p": "Current term"}], label="c",
        start="from", end="to", part="p", parts=["Current term", "Extension option"], columns=["Contract"], table_rows=[],
    )
    alt.Chart.from_dict(gantt.spec, validate=True)

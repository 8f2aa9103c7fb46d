"""Charts as Vega-Lite specifications built with Altair, always paired with a table.

A view builds a `Chart` from the same rows it shows in the table alternative, so the two
can never disagree. The browser renders the spec with vega-embed (citytools/app.js);
without JavaScript the table is still there.

Every value axis goes through one rule, `axis_rule`, given what the axis measures (a
`Measure`): whole-number counts get whole-number ticks, shares of a whole are per cent
with ticks a whole per cent apart, bounded scores keep their scale's ends, dates tick on
months, and an axis never stretches below one tick step, so no tick label repeats ("0 0 0
1 1 1", "0% 1% 1% 2%") and none is meaningless ("0.000000"). A chart with nothing to draw
(no rows, or every figure zero) is not drawn at all: the page says so in words instead
(`Chart.empty`), and shows no empty table either.
"""

import dataclasses
import datetime
import functools
import json
import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Literal

import altair as alt

# Colour-blind-safe categorical palette (Okabe and Ito), dark enough for text contrast on white.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#666666"]

NOTHING_TO_SHOW = "There is nothing to show in this chart yet."


# The axis rule -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Measure:
    """What a chart's value axis measures, which decides its ticks (see `axis_rule`).

    `bounds` fixes the axis' ends, for a scale that has them (1 to 5, or 0 to 100 %)."""

    kind: Literal["count", "share", "money", "score", "date"]
    bounds: tuple[float, float] | None = None


COUNT = Measure("count")  # whole numbers of things: ticks 0, 1, 2 …, never 0.5
SHARE = Measure("share")  # a fraction (0..1) shown as per cent, the axis up to the largest share
PERCENT = Measure("share", (0, 1))  # a fraction (0..1) on the whole 0–100 % axis
MONEY = Measure("money")  # amounts in whole units of a currency
DATE = Measure("date")  # days, as ISO dates


def score(low: float, high: float) -> Measure:
    """A score on a fixed scale, such as 1 to 5, or 0 to 100."""
    return Measure("score", (low, high))


# The least step between two ticks, so that two neighbouring labels never read the same.
STEPS = {"count": 1, "share": 0.01, "money": 1, "score": 1}
FORMATS = {"count": ",d", "share": ".0%", "money": ",.0f", "score": ",d", "date": "%b %Y"}
TOOLTIP_FORMATS = {"count": ",d", "share": ".1%", "money": ",.0f", "score": ".2f", "date": "%-d %b %Y"}
# Months between date ticks, by the months the axis spans (the first that fits).
MONTH_STEPS = ((12, 1), (36, 3), (72, 6))


@dataclass(frozen=True)
class AxisRule:
    """How one value axis is drawn: see `axis_rule`."""

    format: str  # d3-format (numbers) or d3-time-format (dates) of the tick labels
    tooltip_format: str
    tick_min_step: float | None  # at least this far between ticks
    domain: tuple | None  # the axis' ends; None: from the data (dates)
    nice: bool | str  # whether Vega may round the ends outwards (to a month for dates)
    tick_interval: dict | None  # dates: a tick every `step` months
    empty: bool  # nothing to draw

    def axis(self, **extra) -> alt.Axis:
        kwargs = {"format": self.format, **extra}
        if self.tick_min_step is not None:
            kwargs["tickMinStep"] = self.tick_min_step
        if self.tick_interval is not None:
            kwargs["tickCount"] = self.tick_interval
        return alt.Axis(**kwargs)

    def scale(self, **extra) -> alt.Scale:
        kwargs = {"nice": self.nice, **extra}
        if self.domain is not None:
            kwargs["domain"] = list(self.domain)
        return alt.Scale(**kwargs)


def _number(value) -> float | None:
    if value is None or value == "":
        return None
    return float(value)


def _day(value) -> datetime.date:
    return value if isinstance(value, datetime.date) else datetime.date.fromisoformat(str(value)[:10])


def axis_rule(measure: Measure, values: Iterable) -> AxisRule:
    """The one rule for every value axis, given the figures the axis will show.

    - Counts: ticks at whole numbers only (",d"), at least 1 apart.
    - Shares (fractions of a whole): per cent, ticks at least 1 % apart; on 0–100 % when
      the measure is bounded, otherwise up to the largest share.
    - Money: whole units with thousands separators, ticks at least 1 apart.
    - Scores: the scale's own ends (1 to 5 stays 1 to 5), whole-number ticks.
    - Dates: month and year, a tick every 1, 3, 6 or 12 months by the span, the ends
      rounded out to whole months (so even a fortnight shows two labelled ticks).

    A figure axis always starts at zero (or the lowest figure, if negative) and reaches at
    least one tick step, so a largest figure of 0.4 % still shows 0 % and 1 %. The chart is
    empty when there is no figure, or every figure is zero on an axis without fixed ends
    (on a fixed scale, such as 0–100 %, a zero still reads as a figure)."""
    kind = measure.kind
    if kind == "date":
        days = [_day(v) for v in values if v not in (None, "")]
        if not days:
            return AxisRule(FORMATS[kind], TOOLTIP_FORMATS[kind], None, None, "month", None, True)
        low, high = min(days), max(days)
        span = (high.year - low.year) * 12 + high.month - low.month + 1
        step = next((every for months, every in MONTH_STEPS if span <= months), 12)
        return AxisRule(
            FORMATS[kind], TOOLTIP_FORMATS[kind], None, None, "month", {"interval": "month", "step": step}, False
        )
    numbers = [n for n in map(_number, values) if n is not None]
    step = STEPS[kind]
    if measure.bounds is not None:
        low, high = measure.bounds
        return AxisRule(FORMATS[kind], TOOLTIP_FORMATS[kind], step, (low, high), False, None, not numbers)
    if not any(numbers):
        return AxisRule(FORMATS[kind], TOOLTIP_FORMATS[kind], step, (0, step), True, None, True)
    low = min(0.0, *numbers)
    high = max(max(numbers), low + step)
    return AxisRule(FORMATS[kind], TOOLTIP_FORMATS[kind], step, (low, high), True, None, False)


# Charts ---------------------------------------------------------------------------------------


@dataclass
class Chart:
    """One chart: its id (used for the element and its table), title, spec and table.

    `empty` is what the page says instead when there is nothing to draw; then `spec` is None
    and neither the chart nor its table is shown."""

    id: str
    title: str
    spec: dict | None
    columns: list[str]
    rows: list[list] = field(default_factory=list)
    description: str = ""
    empty: str = ""


def _plain(rows: list[dict]) -> list[dict]:
    """Decimals become floats: Vega reads numbers, and would sort "9" after "10" as text."""
    return [
        {key: float(value) if isinstance(value, Decimal) else value for key, value in row.items()}
        for row in rows
    ]


REMEMBERED = 256


def remembered(build):
    """Altair takes tens of milliseconds to build a spec, and the same arguments always make
    the same chart, so the last REMEMBERED charts are kept, keyed by every argument (data
    included: a chart is never shared between different figures)."""
    kept: OrderedDict[str, Chart] = OrderedDict()
    lock = threading.Lock()

    @functools.wraps(build)
    def wrapper(chart_id: str, **kwargs) -> Chart:
        key = json.dumps([chart_id, kwargs], sort_keys=True, default=repr)
        with lock:
            chart = kept.get(key)
            if chart is not None:
                kept.move_to_end(key)
        if chart is None:
            chart = build(chart_id, **kwargs)
            with lock:
                kept[key] = chart
                while len(kept) > REMEMBERED:
                    kept.popitem(last=False)
        # The spec is only read; the table rows are the caller's to change.
        return dataclasses.replace(chart, rows=[list(row) for row in chart.rows])

    return wrapper


def _finish(chart: alt.Chart, *, description: str) -> dict:
    # Validation against the full Vega-Lite schema costs tens of milliseconds a chart; the
    # specs are built from fixed code paths and checked once in tests/core/test_charts.py.
    # The title is the figure's caption in the page, so the chart itself carries none.
    spec = chart.properties(width="container", description=description).to_dict(
        validate=False
    )
    spec.pop("$schema", None)
    return spec


def _nothing(chart_id, *, title, description, columns, empty) -> Chart:
    return Chart(id=chart_id, title=title, description=description, spec=None, columns=columns, rows=[], empty=empty or NOTHING_TO_SHOW)


@remembered
def bar_chart(
    chart_id: str,
    *,
    title: str,
    rows: list[dict],
    label: str,
    value: str,
    label_title: str,
    value_title: str,
    measure: Measure,
    description: str = "",
    columns: list[str] | None = None,
    table_rows: list[list] | None = None,
    empty: str = "",
) -> Chart:
    """A horizontal bar chart, sorted as given, of `value` by `label`."""
    columns = columns or [label_title, value_title]
    rule = axis_rule(measure, (row[value] for row in rows))
    if rule.empty:
        return _nothing(chart_id, title=title, description=description, columns=columns, empty=empty)
    order = [row[label] for row in rows]
    chart = (
        alt.Chart(alt.Data(values=_plain(rows)))
        .mark_bar(color=PALETTE[0])
        .encode(
            y=alt.Y(f"{label}:N", sort=order, title=label_title, axis=alt.Axis(labelLimit=220)),
            x=alt.X(f"{value}:Q", title=value_title, axis=rule.axis(), scale=rule.scale()),
            tooltip=[
                alt.Tooltip(f"{label}:N", title=label_title),
                alt.Tooltip(f"{value}:Q", title=value_title, format=rule.tooltip_format),
            ],
        )
        .properties(height=max(120, 22 * len(rows)))
    )
    return Chart(
        id=chart_id,
        title=title,
        description=description,
        spec=_finish(chart, description=description or title),
        columns=columns,
        rows=table_rows if table_rows is not None else [[row[label], row[value]] for row in rows],
    )


def _series_channels(label, series, value, label_title, series_title, value_title, series_order, rule) -> dict:
    """The colour (one per part of `series`, legend below) and tooltip of a chart of bars in parts."""
    return {
        "color": alt.Color(
            f"{series}:N", title=series_title, sort=series_order,
            scale=alt.Scale(domain=series_order, range=PALETTE[: len(series_order)]),
            legend=alt.Legend(orient="bottom"),
        ),
        "tooltip": [
            alt.Tooltip(f"{label}:N", title=label_title),
            alt.Tooltip(f"{series}:N", title=series_title),
            alt.Tooltip(f"{value}:Q", title=value_title, format=rule.tooltip_format),
        ],
    }


@remembered
def stacked_bar_chart(
    chart_id: str,
    *,
    title: str,
    rows: list[dict],
    label: str,
    series: str,
    value: str,
    label_title: str,
    series_title: str,
    value_title: str,
    series_order: list[str],
    columns: list[str],
    table_rows: list[list],
    measure: Measure = COUNT,
    description: str = "",
    empty: str = "",
) -> Chart:
    """Horizontal bars of `value` by `label`, each split into the parts of `series` (rows in
    long form: one per label and part), with a legend. Only for figures whose parts add up
    to a whole (counts); measures that do not add up go side by side (`grouped_bar_chart`)."""
    order = list(dict.fromkeys(row[label] for row in rows))
    totals = dict.fromkeys(order, 0.0)
    for row in rows:
        totals[row[label]] += float(row[value] or 0)
    rule = axis_rule(measure, totals.values())
    if rule.empty:
        return _nothing(chart_id, title=title, description=description, columns=columns, empty=empty)
    rows = [{**row, "part_order": series_order.index(row[series])} for row in rows]
    chart = (
        alt.Chart(alt.Data(values=_plain(rows)))
        .mark_bar()
        .encode(
            y=alt.Y(f"{label}:N", sort=order, title=label_title, axis=alt.Axis(labelLimit=220)),
            x=alt.X(f"{value}:Q", title=value_title, stack="zero", axis=rule.axis(), scale=rule.scale()),
            order=alt.Order("part_order:Q"),
            **_series_channels(label, series, value, label_title, series_title, value_title, series_order, rule),
        )
        .properties(height=max(120, 26 * len(order)))
    )
    return Chart(
        id=chart_id,
        title=title,
        description=description,
        spec=_finish(chart, description=description or title),
        columns=columns,
        rows=table_rows,
    )


@remembered
def grouped_bar_chart(
    chart_id: str,
    *,
    title: str,
    rows: list[dict],
    label: str,
    series: str,
    value: str,
    label_title: str,
    series_title: str,
    value_title: str,
    series_order: list[str],
    columns: list[str],
    table_rows: list[list],
    measure: Measure,
    description: str = "",
    empty: str = "",
) -> Chart:
    """Horizontal bars of `value` by `label`, one bar for each part of `series` side by side
    (rows in long form: one per label and part), with a legend. For measures that must not be
    added up, such as two percentages of different things."""
    rule = axis_rule(measure, (row[value] for row in rows))
    if rule.empty:
        return _nothing(chart_id, title=title, description=description, columns=columns, empty=empty)
    order = list(dict.fromkeys(row[label] for row in rows))
    chart = (
        alt.Chart(alt.Data(values=_plain(rows)))
        .mark_bar()
        .encode(
            y=alt.Y(f"{label}:N", sort=order, title=label_title, axis=alt.Axis(labelLimit=220)),
            yOffset=alt.YOffset(f"{series}:N", sort=series_order, scale=alt.Scale(domain=series_order)),
            x=alt.X(f"{value}:Q", title=value_title, axis=rule.axis(), scale=rule.scale()),
            **_series_channels(label, series, value, label_title, series_title, value_title, series_order, rule),
        )
        .properties(height=alt.Step(11))  # one bar: with an offset channel the step is the inner band
    )
    return Chart(
        id=chart_id,
        title=title,
        description=description,
        spec=_finish(chart, description=description or title),
        columns=columns,
        rows=table_rows,
    )


@remembered
def column_chart(
    chart_id: str,
    *,
    title: str,
    rows: list[dict],
    label: str,
    value: str,
    label_title: str,
    value_title: str,
    measure: Measure,
    description: str = "",
    columns: list[str] | None = None,
    table_rows: list[list] | None = None,
    empty: str = "",
) -> Chart:
    """A vertical bar chart over an ordered category such as months."""
    columns = columns or [label_title, value_title]
    rule = axis_rule(measure, (row[value] for row in rows))
    if rule.empty:
        return _nothing(chart_id, title=title, description=description, columns=columns, empty=empty)
    order = [row[label] for row in rows]
    chart = (
        alt.Chart(alt.Data(values=_plain(rows)))
        .mark_bar(color=PALETTE[0])
        .encode(
            x=alt.X(f"{label}:O", sort=order, title=label_title),
            y=alt.Y(f"{value}:Q", title=value_title, axis=rule.axis(), scale=rule.scale()),
            tooltip=[
                alt.Tooltip(f"{label}:O", title=label_title),
                alt.Tooltip(f"{value}:Q", title=value_title, format=rule.tooltip_format),
            ],
        )
        .properties(height=220)
    )
    return Chart(
        id=chart_id,
        title=title,
        description=description,
        spec=_finish(chart, description=description or title),
        columns=columns,
        rows=table_rows if table_rows is not None else [[row[label], row[value]] for row in rows],
    )


@remembered
def interval_chart(
    chart_id: str,
    *,
    title: str,
    rows: list[dict],
    label: str,
    value: str,
    low: str,
    high: str,
    label_title: str,
    value_title: str,
    measure: Measure,
    columns: list[str],
    table_rows: list[list],
    description: str = "",
    empty: str = "",
) -> Chart:
    """An estimate per label as a point, with its interval as a line through it: for figures
    whose uncertainty matters as much as their value."""
    rows = [row for row in rows if row[value] is not None]
    rule = axis_rule(measure, (row[key] for row in rows for key in (value, low, high)))
    if rule.empty:
        return _nothing(chart_id, title=title, description=description, columns=columns, empty=empty)
    order = [row[label] for row in rows]
    base = alt.Chart(alt.Data(values=_plain(rows))).encode(
        y=alt.Y(f"{label}:N", sort=order, title=label_title, axis=alt.Axis(labelLimit=260))
    )
    tooltip = [
        alt.Tooltip(f"{label}:N", title=label_title),
        alt.Tooltip(f"{value}:Q", title=value_title, format=rule.tooltip_format),
        alt.Tooltip(f"{low}:Q", title="Interval from", format=rule.tooltip_format),
        alt.Tooltip(f"{high}:Q", title="Interval to", format=rule.tooltip_format),
    ]
    chart = (
        base.mark_rule(color=PALETTE[0], strokeWidth=2).encode(
            x=alt.X(f"{low}:Q", title=value_title, scale=rule.scale(), axis=rule.axis()), x2=f"{high}:Q", tooltip=tooltip
        )
        + base.mark_point(filled=True, size=70, color=PALETTE[1]).encode(
            x=alt.X(f"{value}:Q", scale=rule.scale(), axis=rule.axis()), tooltip=tooltip
        )
    ).properties(height=max(120, 26 * len(rows)))
    return Chart(
        id=chart_id, title=title, description=description,
        spec=_finish(chart, description=description or title), columns=columns, rows=table_rows,
    )


@remembered
def scatter_chart(
    chart_id: str,
    *,
    title: str,
    rows: list[dict],
    x: str,
    y: str,
    label: str,
    x_title: str,
    y_title: str,
    x_measure: Measure,
    y_measure: Measure,
    columns: list[str],
    table_rows: list[list],
    description: str = "",
    empty: str = "",
) -> Chart:
    """One point per row, for the relation between two measures."""
    rows = [row for row in rows if row[x] is not None and row[y] is not None]
    x_rule = axis_rule(x_measure, (row[x] for row in rows))
    y_rule = axis_rule(y_measure, (row[y] for row in rows))
    if not rows or x_rule.empty or y_rule.empty:
        return _nothing(chart_id, title=title, description=description, columns=columns, empty=empty)
    chart = (
        alt.Chart(alt.Data(values=_plain(rows)))
        .mark_point(filled=True, size=60, color=PALETTE[0])
        .encode(
            x=alt.X(f"{x}:Q", title=x_title, scale=x_rule.scale(), axis=x_rule.axis()),
            y=alt.Y(f"{y}:Q", title=y_title, scale=y_rule.scale(), axis=y_rule.axis()),
            tooltip=[
                alt.Tooltip(f"{label}:N"),
                alt.Tooltip(f"{x}:Q", title=x_title, format=x_rule.tooltip_format),
                alt.Tooltip(f"{y}:Q", title=y_title, format=y_rule.tooltip_format),
            ],
        )
        .properties(height=260)
    )
    return Chart(
        id=chart_id, title=title, description=description,
        spec=_finish(chart, description=description or title), columns=columns, rows=table_rows,
    )


@remembered
def gantt_chart(
    chart_id: str,
    *,
    title: str,
    rows: list[dict],
    label: str,
    start: str,
    end: str,
    part: str,
    parts: list[str],
    columns: list[str],
    table_rows: list[list],
    description: str = "",
    empty: str = "",
) -> Chart:
    """Horizontal bars over time, one line per label, each split into named parts (rows in
    long form: one per label and part, with ISO dates), e.g. a contract's term and then its
    extension option in another colour."""
    rule = axis_rule(DATE, (row[key] for row in rows for key in (start, end)))
    if rule.empty:
        return _nothing(chart_id, title=title, description=description, columns=columns, empty=empty)
    order = list(dict.fromkeys(row[label] for row in rows))
    chart = (
        alt.Chart(alt.Data(values=_plain(rows)))
        .mark_bar(height=12)
        .encode(
            y=alt.Y(f"{label}:N", sort=order, title=None, axis=alt.Axis(labelLimit=320)),
            x=alt.X(f"{start}:T", title="Date", axis=rule.axis(), scale=rule.scale()),
            x2=f"{end}:T",
            color=alt.Color(
                f"{part}:N", title=None, sort=parts, scale=alt.Scale(domain=parts, range=[PALETTE[0], PALETTE[4]]),
                legend=alt.Legend(orient="top"),
            ),
            tooltip=[
                alt.Tooltip(f"{label}:N", title="Contract"),
                alt.Tooltip(f"{part}:N", title="Part"),
                alt.Tooltip(f"{start}:T", title="From", format=rule.tooltip_format),
                alt.Tooltip(f"{end}:T", title="To", format=rule.tooltip_format),
            ],
        )
        .properties(height=max(120, 18 * len(order)))
    )
    return Chart(
        id=chart_id, title=title, description=description,
        spec=_finish(chart, description=description or title), columns=columns, rows=table_rows,
    )

"""Charts as Vega-Lite specifications built with Altair, always paired with a table.

A view builds a `Chart` from the same rows it shows in the table alternative, so the two
can never disagree. The browser renders the spec with vega-embed (citytools/app.js);
without JavaScript the table is still there.
"""

import dataclasses
import functools
import json
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from decimal import Decimal

import altair as alt

# Colour-blind-safe categorical palette (Okabe and Ito), dark enough for text contrast on white.
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#666666"]


@dataclass
class Chart:
    """One chart: its id (used for the element and its table), title, spec and table."""

    id: str
    title: str
    spec: dict
    columns: list[str]
    rows: list[list] = field(default_factory=list)
    description: str = ""


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
    value_format: str = ",.0f",
    whole_numbers: bool = False,
    description: str = "",
    columns: list[str] | None = None,
    table_rows: list[list] | None = None,
) -> Chart:
    """A horizontal bar chart, sorted as given, of `value` by `label`.

    Pass `whole_numbers=True` for counts, so small counts do not get ticks at 0.5.
    """
    axis = alt.Axis(format=value_format, tickMinStep=1) if whole_numbers else alt.Axis(format=value_format)
    order = [row[label] for row in rows]
    chart = (
        alt.Chart(alt.Data(values=_plain(rows)))
        .mark_bar(color=PALETTE[0])
        .encode(
            y=alt.Y(f"{label}:N", sort=order, title=label_title, axis=alt.Axis(labelLimit=220)),
            x=alt.X(f"{value}:Q", title=value_title, axis=axis),
            tooltip=[
                alt.Tooltip(f"{label}:N", title=label_title),
                alt.Tooltip(f"{value}:Q", title=value_title, format=value_format),
            ],
        )
        .properties(height=max(120, 22 * len(rows)))
    )
    return Chart(
        id=chart_id,
        title=title,
        description=description,
        spec=_finish(chart, description=description or title),
        columns=columns or [label_title, value_title],
        rows=table_rows if table_rows is not None else [[row[label], row[value]] for row in rows],
    )


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
    description: str = "",
) -> Chart:
    """Horizontal bars of `value` by `label`, each split into the parts of `series` (rows in
    long form: one per label and part), with a legend. For counts whose parts add up."""
    order = list(dict.fromkeys(row[label] for row in rows))
    rows = [{**row, "part_order": series_order.index(row[series])} for row in rows]
    chart = (
        alt.Chart(alt.Data(values=_plain(rows)))
        .mark_bar()
        .encode(
            y=alt.Y(f"{label}:N", sort=order, title=label_title, axis=alt.Axis(labelLimit=220)),
            x=alt.X(f"{value}:Q", title=value_title, stack="zero", axis=alt.Axis(tickMinStep=1)),
            color=alt.Color(
                f"{series}:N", title=series_title, sort=series_order,
                scale=alt.Scale(domain=series_order, range=PALETTE[: len(series_order)]),
                legend=alt.Legend(orient="bottom"),
            ),
            order=alt.Order("part_order:Q"),
            tooltip=[
                alt.Tooltip(f"{label}:N", title=label_title),
                alt.Tooltip(f"{series}:N", title=series_title),
                alt.Tooltip(f"{value}:Q", title=value_title),
            ],
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
def column_chart(
    chart_id: str,
    *,
    title: str,
    rows: list[dict],
    label: str,
    value: str,
    label_title: str,
    value_title: str,
    description: str = "",
    columns: list[str] | None = None,
    table_rows: list[list] | None = None,
) -> Chart:
    """A vertical bar chart over an ordered category such as months."""
    order = [row[label] for row in rows]
    chart = (
        alt.Chart(alt.Data(values=_plain(rows)))
        .mark_bar(color=PALETTE[0])
        .encode(
            x=alt.X(f"{label}:O", sort=order, title=label_title),
            y=alt.Y(f"{value}:Q", title=value_title, axis=alt.Axis(tickMinStep=1)),
            tooltip=[
                alt.Tooltip(f"{label}:O", title=label_title),
                alt.Tooltip(f"{value}:Q", title=value_title),
            ],
        )
        .properties(height=220)
    )
    return Chart(
        id=chart_id,
        title=title,
        description=description,
        spec=_finish(chart, description=description or title),
        columns=columns or [label_title, value_title],
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
    domain: tuple[float, float],
    columns: list[str],
    table_rows: list[list],
    description: str = "",
) -> Chart:
    """An estimate per label as a point, with its interval as a line through it: for figures
    whose uncertainty matters as much as their value."""
    order = [row[label] for row in rows]
    base = alt.Chart(alt.Data(values=_plain(rows))).encode(
        y=alt.Y(f"{label}:N", sort=order, title=label_title, axis=alt.Axis(labelLimit=260))
    )
    scale = alt.Scale(domain=list(domain))
    tooltip = [
        alt.Tooltip(f"{label}:N", title=label_title),
        alt.Tooltip(f"{value}:Q", title=value_title, format=".2f"),
        alt.Tooltip(f"{low}:Q", title="Interval from", format=".2f"),
        alt.Tooltip(f"{high}:Q", title="Interval to", format=".2f"),
    ]
    chart = (
        base.mark_rule(color=PALETTE[0], strokeWidth=2).encode(
            x=alt.X(f"{low}:Q", title=value_title, scale=scale), x2=f"{high}:Q", tooltip=tooltip
        )
        + base.mark_point(filled=True, size=70, color=PALETTE[1]).encode(
            x=alt.X(f"{value}:Q", scale=scale), tooltip=tooltip
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
    columns: list[str],
    table_rows: list[list],
    description: str = "",
) -> Chart:
    """One point per row, for the relation between two measures."""
    chart = (
        alt.Chart(alt.Data(values=_plain(rows)))
        .mark_point(filled=True, size=60, color=PALETTE[0])
        .encode(
            x=alt.X(f"{x}:Q", title=x_title, scale=alt.Scale(zero=False), axis=alt.Axis(tickMinStep=1)),
            y=alt.Y(f"{y}:Q", title=y_title, scale=alt.Scale(domain=[1, 5])),
            tooltip=[
                alt.Tooltip(f"{label}:N"),
                alt.Tooltip(f"{x}:Q", title=x_title),
                alt.Tooltip(f"{y}:Q", title=y_title, format=".2f"),
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
) -> Chart:
    """Horizontal bars over time, one line per label, each split into named parts (rows in
    long form: one per label and part, with ISO dates), e.g. a contract's term and then its
    extension option in another colour."""
    order = list(dict.fromkeys(row[label] for row in rows))
    chart = (
        alt.Chart(alt.Data(values=_plain(rows)))
        .mark_bar(height=12)
        .encode(
            y=alt.Y(f"{label}:N", sort=order, title=None, axis=alt.Axis(labelLimit=320)),
            x=alt.X(f"{start}:T", title="Date", axis=alt.Axis(format="%b %Y")),
            x2=f"{end}:T",
            color=alt.Color(
                f"{part}:N", title=None, sort=parts, scale=alt.Scale(domain=parts, range=[PALETTE[0], PALETTE[4]]),
                legend=alt.Legend(orient="top"),
            ),
            tooltip=[
                alt.Tooltip(f"{label}:N", title="Contract"),
                alt.Tooltip(f"{part}:N", title="Part"),
                alt.Tooltip(f"{start}:T", title="From", format="%d %b %Y"),
                alt.Tooltip(f"{end}:T", title="To", format="%d %b %Y"),
            ],
        )
        .properties(height=max(120, 18 * len(order)))
    )
    return Chart(
        id=chart_id, title=title, description=description,
        spec=_finish(chart, description=description or title), columns=columns, rows=table_rows,
    )

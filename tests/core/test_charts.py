from decimal import Decimal

import altair as alt
import pytest

from citytools.core.charts import COUNT, MONEY, bar_chart, column_chart, score

ROWS = [
    {"name": "Brightwater Data", "value": Decimal("1250.50")},
    {"name": "Corvel Public Software", "value": Decimal("980")},
]


@pytest.mark.parametrize("build", [bar_chart, column_chart])
def test_charts_are_valid_vega_lite_and_keep_the_table_rows(build):
    chart = build(
        "supplier-share", title="Share", rows=ROWS, label="name", value="value",
        label_title="Supplier", value_title="Value", measure=MONEY,
    )
    # The views skip validation for speed, so it is checked here once against the schema.
    alt.Chart.from_dict(chart.spec, validate=True)
    assert chart.columns == ["Supplier", "Value"]
    assert chart.rows == [["Brightwater Data", Decimal("1250.50")], ["Corvel Public Software", Decimal("980")]]


def test_chart_data_are_numbers_not_strings():
    chart = bar_chart("x", title="t", rows=ROWS, label="name", value="value", label_title="a", value_title="b", measure=COUNT)
    values = [row["value"] for row in chart.spec["data"]["values"]]
    assert values == [1250.5, 980.0]


def test_bars_keep_the_order_they_were_given():
    chart = bar_chart("x", title="t", rows=ROWS, label="name", value="value", label_title="a", value_title="b", measure=COUNT)
    assert chart.spec["encoding"]["y"]["sort"] == ["Brightwater Data", "Corvel Public Software"]


def test_a_stacked_chart_is_valid_and_orders_its_parts():
    from citytools.core.charts import stacked_bar_chart

    rows = [
        {"challenge": "ITP-1", "size": "Small", "n": 3}, {"challenge": "ITP-1", "size": "Large", "n": 1},
        {"challenge": "ITP-2", "size": "Small", "n": 2}, {"challenge": "ITP-2", "size": "Large", "n": 0},
    ]
    chart = stacked_bar_chart(
        "s", title="t", rows=rows, label="challenge", series="size", value="n", label_title="Challenge",
        series_title="Size", value_title="Applicants", series_order=["Small", "Large"],
        columns=["Challenge", "Small", "Large"], table_rows=[["ITP-1", 3, 1], ["ITP-2", 2, 0]],
    )
    alt.Chart.from_dict(chart.spec, validate=True)
    assert chart.spec["encoding"]["color"]["scale"]["domain"] == ["Small", "Large"]
    assert [v["part_order"] for v in chart.spec["data"]["values"]] == [0, 1, 0, 1]
    assert "part_order" not in rows[0]  # the caller's rows are left as they were


def test_an_interval_chart_is_valid_and_draws_the_interval_and_the_estimate():
    from citytools.core.charts import interval_chart

    rows = [{"dimension": "Usability", "estimate": 3.2, "low": 2.5, "high": 3.9}]
    chart = interval_chart(
        "dims", title="By dimension", rows=rows, label="dimension", value="estimate", low="low", high="high",
        label_title="Dimension", value_title="Score", measure=score(1, 5), columns=["Dimension", "Estimate"],
        table_rows=[["Usability", "3.20"]],
    )
    alt.LayerChart.from_dict(chart.spec, validate=True)
    marks = [layer["mark"]["type"] for layer in chart.spec["layer"]]
    assert marks == ["rule", "point"]
    assert chart.spec["layer"][0]["encoding"]["x2"]["field"] == "high"


def test_a_scatter_chart_is_valid():
    from citytools.core.charts import scatter_chart

    rows = [{"organisation": "Barnet", "suppliers": 12, "mean": 3.4}, {"organisation": "Brent", "suppliers": 18, "mean": 2.9}]
    chart = scatter_chart(
        "rel", title="Relation", rows=rows, x="suppliers", y="mean", label="organisation", x_title="Suppliers",
        y_title="Mean", x_measure=COUNT, y_measure=score(1, 5), columns=["Organisation", "Suppliers", "Mean"], table_rows=[["Barnet", 12, "3.40"]],
    )
    alt.Chart.from_dict(chart.spec, validate=True)
    assert [v["suppliers"] for v in chart.spec["data"]["values"]] == [12, 18]


def test_a_chart_is_remembered_only_for_the_same_figures():
    first = bar_chart("same", title="t", rows=ROWS, label="name", value="value", label_title="a", value_title="b", measure=COUNT)
    again = bar_chart("same", title="t", rows=ROWS, label="name", value="value", label_title="a", value_title="b", measure=COUNT)
    other = bar_chart("same", title="t", rows=ROWS[:1], label="name", value="value", label_title="a", value_title="b", measure=COUNT)
    assert again.spec is first.spec and again.rows == first.rows and again.rows is not first.rows
    assert other.spec is not first.spec and len(other.spec["data"]["values"]) == 1

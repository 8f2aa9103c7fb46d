from decimal import Decimal

import altair as alt
import pytest

from citytools.core.charts import bar_chart, column_chart

ROWS = [
    {"name": "Brightwater Data", "value": Decimal("1250.50")},
    {"name": "Corvel Public Software", "value": Decimal("980")},
]


@pytest.mark.parametrize("build", [bar_chart, column_chart])
def test_charts_are_valid_vega_lite_and_keep_the_table_rows(build):
    chart = build(
        "supplier-share", title="Share", rows=ROWS, label="name", value="value",
        label_title="Supplier", value_title="Value",
    )
    # The views skip validation for speed, so it is checked here once against the schema.
    alt.Chart.from_dict(chart.spec, validate=True)
    assert chart.columns == ["Supplier", "Value"]
    assert chart.rows == [["Brightwater Data", Decimal("1250.50")], ["Corvel Public Software", Decimal("980")]]


def test_chart_data_are_numbers_not_strings():
    chart = bar_chart("x", title="t", rows=ROWS, label="name", value="value", label_title="a", value_title="b")
    values = [row["value"] for row in chart.spec["data"]["values"]]
    assert values == [1250.5, 980.0]


def test_bars_keep_the_order_they_were_given():
    chart = bar_chart("x", title="t", rows=ROWS, label="name", value="value", label_title="a", value_title="b")
    assert chart.spec["encoding"]["y"]["sort"] == ["Brightwater Data", "Corvel Public Software"]

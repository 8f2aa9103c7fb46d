"""The charts of data quality, drawn headless as the browser draws them (tests/core/vega.py)."""

import json
import re

import pytest
from django.urls import reverse

from tests.core.vega import drawn_axes, value_axes
from tests.freshness.test_doors import client_for, world  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db


def chart_spec(page: str, chart_id: str) -> dict:
    found = re.search(rf'<script id="{chart_id}-spec" type="application/json">(.*?)</script>', page, re.S)
    assert found, f"no chart {chart_id} on the page"
    return json.loads(found.group(1))


def test_the_network_chart_shows_freshness_and_completeness_side_by_side_each_out_of_100(world):
    page = client_for(world, "coordinator").get(reverse("freshness:network", args=["north"])).content.decode()
    spec = chart_spec(page, "quality-chart")
    (axis,) = value_axes(drawn_axes([spec], 640)[0])
    assert axis["domain"] == [0, 1], "each measure is a share of its own whole: 0 to 100 %, never 200 %"
    assert (axis["labels"][0], axis["labels"][-1]) == ("0%", "100%")
    assert spec["encoding"]["x"].get("stack") is None and "yOffset" in spec["encoding"], "side by side, not stacked"
    values = {(row["name"], row["measure"]): row["percent"] for row in spec["data"]["values"]}
    assert values[("Own", "Freshness")] == 1.0, "both of Own's records are confirmed: its bar reaches the end"
    assert values[("Own", "Completeness")] == 0.0, "and none of their expected fields is filled in"
    assert values[("Peer", "Freshness")] is None, "Peer has no records: no bar, not a bar at 0"
    # The table says the same in whole per cent.
    table = page.split('id="quality-chart-table"')[1].split("</table>")[0]
    assert "Own" in table and "100" in table

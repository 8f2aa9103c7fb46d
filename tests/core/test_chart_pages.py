"""The charts of real pages obey the one axis rule (citytools.core.charts.axis_rule): drawn
headless, every value axis shows two or more tick labels and never repeats one, and a chart
with nothing to show is not drawn at all."""

import datetime
import json
import re

import pytest
import time_machine

from tests.core.vega import assert_axes_speak

# The charts of real pages -----------------------------------------------------------------------

SPEC = re.compile(r'<script id="([^"]+)-spec" type="application/json">(.*?)</script>', re.S)


def page_specs(client, url: str) -> dict[str, dict]:
    response = client.get(url)
    assert response.status_code == 200, url
    return {f"{url} {name}": json.loads(text) for name, text in SPEC.findall(response.content.decode())}


@pytest.fixture
def market(db):
    from tests.market.world import TODAY, build_world

    with time_machine.travel(TODAY.isoformat() + " 12:00", tick=False):
        yield build_world()


def test_the_charts_of_the_market_pages_draw_axes_that_say_something(client, market):
    """Small markets are where the old axes repeated: a product used by one organisation
    ("0 0 0 … 1 1 1"), a supplier serving a few per cent of an area ("0% 1% 1% 2% 2%")."""
    from tests.factories import OrganisationFactory, SystemFactory

    # Forty more users of Ledger in Finance make Brightpath's share there a few per cent.
    for _ in range(40):
        SystemFactory(organisation=OrganisationFactory(networks=[market.london]), product=market.ledger, service_areas=[market.finance])
    urls = [
        "/", "/?network=london", "/pipeline/", "/contracts/timeline/", "/contracts/timeline/?months=1",
        f"/organisations/{market.camden.slug}/", f"/organisations/{market.hackney.slug}/",
        f"/suppliers/{market.brightpath.slug}/", f"/suppliers/{market.quillstone.slug}/",
        f"/products/{market.quill.slug}/", f"/products/{market.ledger.slug}/",
        f"/service-areas/{market.payroll.slug}/", f"/service-areas/{market.finance.slug}/",
    ]
    specs = {}
    for url in urls:
        specs.update(page_specs(client, url))
    assert len(specs) >= 12
    assert_axes_speak(specs)


def test_a_chart_with_nothing_to_show_is_not_drawn_and_the_page_says_so(client, db):
    """No contract ends in the next 12 months: no chart of zeros (it drew "0.000000"), no
    table of zeros, and the page says why."""
    from tests.factories import ContractFactory

    with time_machine.travel("2025-06-15 12:00", tick=False):
        ContractFactory(end_date=datetime.date(2030, 1, 1))
        body = client.get("/").content.decode()
    assert 'id="ending-by-month-spec"' not in body and 'id="ending-by-month-table"' not in body
    assert "No contract ends in the next 12 months." in body

"""One contract covering several service areas makes one opportunity, not one per area: the
finder's page, API and command list it once, naming every area (issue: #1-3, #4-6, #7-9 were
the same three revenues and benefits opportunities)."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from citytools.accounts.viewer import Viewer
from citytools.opportunities import queries
from tests.factories import (
    ContractFactory,
    OrganisationFactory,
    ProductFactory,
    ServiceAreaFactory,
    ServiceAreaGroupFactory,
    SupplierFactory,
    SystemFactory,
)

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 1, 15)


@pytest.fixture
def world(db):
    """Three boroughs each run one revenues and benefits system, covering three service areas,
    under one contract; the contracts end within three months of each other in 2027."""
    group = ServiceAreaGroupFactory(slug="revenues-and-benefits", name="Revenues and benefits")
    areas = [
        ServiceAreaFactory(slug=slug, name=name, parent=group)
        for slug, name in (("revenues", "Revenues"), ("benefits", "Benefits"), ("council-tax", "Council tax"))
    ]
    maker = SupplierFactory(slug="maker", name="Maker")
    product = ProductFactory(slug="revbens", name="RevBens", manufacturer=maker)
    for n in range(3):
        organisation = OrganisationFactory(slug=f"borough-{n}", short_name=f"Borough {n}")
        system = SystemFactory(organisation=organisation, product=product, service_areas=areas)
        ContractFactory(
            organisation=organisation, supplier=maker, systems=[system], title=f"Revenues and benefits {n}",
            end_date=datetime.date(2027, 3 + n, 1), annual_value=Decimal("200000"),
        )
    return areas


@pytest.fixture
def frozen():
    with time_machine.travel(f"{TODAY.isoformat()} 12:00", tick=False):
        yield


def test_the_finder_lists_the_same_contracts_once_naming_every_area(world, frozen):
    found = queries.find_opportunities(Viewer.public(), today=TODAY)
    assert len(found) == 1, [f.area.name for f in found]
    assert [a.slug for a in found[0].areas] == ["benefits", "council-tax", "revenues"]
    assert found[0].area_names == "Benefits, Council tax and Revenues"
    assert len(found[0].members) == 3


def test_the_page_api_and_command_follow(client, world, frozen, capsys):
    page = client.get(reverse("opportunities:finder")).content.decode()
    assert "1. Benefits, Council tax and Revenues: 3 organisations" in page
    assert 'id="opportunity-2"' not in page
    body = client.get(reverse("api:opportunities")).json()
    assert body["count"] == 1
    assert [(o["service_area"] in o["service_areas"], o["service_areas"]) for o in body["items"]] == [
        (True, ["benefits", "council-tax", "revenues"])
    ]
    call_command("opportunities")
    out = capsys.readouterr().out
    assert out.count("Benefits, Council tax and Revenues: 3 organisations") == 1 and "  2. " not in out
    call_command("opportunities", "--csv")
    rows = capsys.readouterr().out.strip().splitlines()
    assert len(rows) == 1 + 3 and all(row.endswith("benefits council-tax revenues") for row in rows[1:])

"""The finder a page at a time: the page (Paginator, `?page=`) and `GET /api/v1/opportunities`
(limit and offset) go through the same ranked list as the service, in the same order, with
the filters kept and bad or huge numbers refused."""

import datetime
import re
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from citytools.accounts.viewer import Viewer
from citytools.opportunities import queries, views
from citytools.opportunities.models import Initiative
from citytools.opportunities.views import PAGE_SIZE
from tests.factories import (
    ContractFactory,
    ProductFactory,
    ServiceAreaFactory,
    SupplierFactory,
    SystemFactory,
)
from tests.people import people

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 1, 15)
AREAS = PAGE_SIZE + 2


@pytest.fixture
def world(db):
    """In each of AREAS service areas, own's and peer's contracts end together in March 2027:
    one opportunity per area."""
    cast = people()
    maker = SupplierFactory(slug="maker", name="Maker")
    product = ProductFactory(slug="binsight", name="Binsight", manufacturer=maker)
    for number in range(AREAS):
        area = ServiceAreaFactory(slug=f"area-{number:02d}", name=f"Area {number:02d}")
        for organisation in (cast.own, cast.peer):
            system = SystemFactory(organisation=organisation, product=product, service_areas=[area])
            ContractFactory(
                organisation=organisation, supplier=maker, systems=[system], title=f"Area {number:02d} at {organisation.slug}",
                end_date=datetime.date(2027, 3, 31), annual_value=Decimal(20_000 * (number + 1) ** 2),
            )
    with time_machine.travel(f"{TODAY.isoformat()} 12:00", tick=False):
        yield cast


def ranked_areas() -> list[str]:
    return [f.area.slug for f in queries.find_opportunities(Viewer.public(), today=TODAY)]


def page_areas(page: str) -> list[str]:
    return [f"area-{n}" for n in re.findall(r'<h2 class="govuk-heading-m">\d+\. Area (\d+):', page)]


def test_the_page_goes_through_the_ranked_list_a_page_at_a_time(client, world):
    ranked = ranked_areas()
    assert len(ranked) == AREAS
    first = client.get(reverse("opportunities:finder")).content.decode()
    assert page_areas(first) == ranked[:PAGE_SIZE]
    assert f"The best {AREAS} opportunities, by score: page 1 of 2" in first
    assert 'aria-label="Pages of opportunities"' in first and "?page=2" in first
    second = client.get(reverse("opportunities:finder"), {"page": 2}).content.decode()
    assert page_areas(second) == ranked[PAGE_SIZE:]
    # Numbered from where the page starts, in the headings, anchors and the chart.
    assert f'id="opportunity-{PAGE_SIZE + 1}"' in second and 'id="opportunity-1"' not in second
    assert f'"{PAGE_SIZE + 1}. Area ' in second


def test_the_page_keeps_its_filters_and_takes_any_page_number(client, world):
    page = client.get(reverse("opportunities:finder"), {"months": 18, "supplier": "maker"}).content.decode()
    assert "?months=18&amp;supplier=maker&amp;page=2" in page
    ranked = ranked_areas()
    assert page_areas(client.get(reverse("opportunities:finder"), {"page": 99}).content.decode()) == ranked[PAGE_SIZE:]
    assert page_areas(client.get(reverse("opportunities:finder"), {"page": "x"}).content.decode()) == ranked[:PAGE_SIZE]


def test_the_api_pages_the_same_list_in_the_same_order(client, world):
    ranked = ranked_areas()
    body = client.get(reverse("api:opportunities")).json()
    assert body["count"] == AREAS and [o["service_area"] for o in body["items"]] == ranked
    assert len(body["items"][0]["contracts"]) == 2
    last = client.get(reverse("api:opportunities"), {"limit": 5, "offset": 10}).json()
    assert last["count"] == AREAS and [o["service_area"] for o in last["items"]] == ranked[10:]
    assert client.get(reverse("api:opportunities"), {"offset": 50}).json() == {"items": [], "count": AREAS}
    # Filters narrow what is ranked, as on the page.
    narrowed = client.get(reverse("api:opportunities"), {"area": "area-03", "limit": 1}).json()
    assert narrowed["count"] == 1 and [o["service_area"] for o in narrowed["items"]] == ["area-03"]


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": queries.MAX_RANKED + 1}, {"limit": 10**12}, {"offset": -1}, {"offset": 10**12}])
def test_the_api_refuses_a_page_out_of_range(client, world, params):
    response = client.get(reverse("api:opportunities"), params)
    assert response.status_code == 422 and response["Content-Type"] == "application/problem+json"


def test_each_opportunity_lists_its_soonest_contracts_and_its_form_carries_them_all(client, world, monkeypatch):
    """At scale one opportunity holds hundreds of contracts: the page lists the first few of
    each (soonest ending first) and counts the rest, and starting an initiative from it still
    names every one."""
    area = ServiceAreaFactory(slug="many", name="Many")
    maker = SupplierFactory(slug="other-maker", name="Other maker")
    product = ProductFactory(slug="other", name="Other", manufacturer=maker)
    made = []
    for number in range(5):
        organisation = (world.own, world.peer)[number % 2]
        system = SystemFactory(organisation=organisation, product=product, service_areas=[area])
        made.append(ContractFactory(
            organisation=organisation, supplier=maker, systems=[system], title=f"Many {number}",
            end_date=datetime.date(2027, 3, 20 - number), annual_value=Decimal(10**9),
        ))
    monkeypatch.setattr(views, "MEMBERS_SHOWN", 2)
    client.force_login(world.user("editor"))
    page = client.get(reverse("opportunities:finder"), {"area": "many"}).content.decode()
    assert "Many 4" in page and "Many 3" in page and "Many 2" not in page  # the two soonest ending
    assert "The 2 soonest ending of 5 contracts: 3 more end in the same window." in page
    carried = re.search(r'name="contracts" value="([\d,]+)"', page).group(1)
    assert sorted(map(int, carried.split(","))) == sorted(c.pk for c in made)
    response = client.post(reverse("opportunities:initiative_start"), {
        "area": "many", "window_start": "2027-01-01", "window_end": "2027-12-31", "contracts": carried,
    })
    assert response.status_code == 303
    assert sorted(Initiative.objects.get().contracts.values_list("pk", flat=True)) == sorted(c.pk for c in made)

"""One definition per count on the overview, tested together: the figures that sit side by side
(a network's count in the chooser and its "organisations mapped"; the "suppliers" card and the
suppliers of market concentration) never disagree under the same name, for the public or a
member."""

import datetime
import re

import pytest
from django.urls import reverse

from citytools.directory.models import NetworkMembership
from tests.factories import (
    ContractFactory,
    NetworkFactory,
    OrganisationFactory,
    ProductFactory,
    SupplierFactory,
    SystemFactory,
)
from tests.market.world import TODAY, sign_in_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def counted(world):
    """The market world, plus: a London member with nothing mapped, one whose only system is
    confidential, a network whose one member has nothing mapped (as Toronto in the demo), one
    that shares Camden with London, a
    maker of a product in use that holds no contract, and a supplier whose only contract ended."""
    world.barnet = OrganisationFactory(slug="barnet", short_name="Barnet", networks=[world.london])
    world.secretville = OrganisationFactory(slug="secretville", short_name="Secretville", networks=[world.london])
    SystemFactory(organisation=world.secretville, product=world.quill, service_areas=[world.payroll], confidential=True)
    world.toronto = NetworkFactory(slug="toronto", name="Toronto")
    toronto = OrganisationFactory(slug="toronto-city", short_name="Toronto", networks=[world.toronto])
    twinned = NetworkFactory(slug="twinned", name="Twinned")  # Camden is in two networks
    for organisation in (world.camden, toronto):
        NetworkMembership.objects.create(network=twinned, organisation=organisation)
    makeco = SupplierFactory(slug="makeco", name="Makeco")
    SystemFactory(organisation=world.hackney, product=ProductFactory(manufacturer=makeco), service_areas=[world.parking])
    oldco = SupplierFactory(slug="oldco", name="Oldco")
    ContractFactory(organisation=world.camden, supplier=oldco, end_date=TODAY - datetime.timedelta(days=10))
    return world


def card(page: str, label: str) -> int:
    found = re.search(r'<span class="citytools-figure">([\d,]+)</span> ' + label, page)
    assert found, f"no card {label!r}"
    return int(found.group(1).replace(",", ""))


def chooser(page: str) -> dict[str, str]:
    select = page.split('id="overview-network"')[1].split("</select>")[0]
    return dict(re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select))


@pytest.mark.parametrize(("who", "london_mapped"), [("public", 2), ("member of Secretville", 3)])
def test_a_networks_count_in_the_chooser_is_its_organisations_mapped(client, counted, who, london_mapped):
    if who != "public":
        sign_in_member(client, counted.secretville)  # who may see its confidential system
    options = chooser(client.get(reverse("market:overview")).content.decode())
    for slug, mapped, members in (("london", london_mapped, 4), ("toronto", 0, 1), ("twinned", 1, 2)):
        page = client.get(reverse("market:overview"), {"network": slug}).content.decode()
        assert card(page, "organisations? mapped") == mapped
        assert f"({mapped} organisation{'s' if mapped != 1 else ''} mapped)" in options[slug]
        assert f"of the network’s {members} member organisation{'s' if members != 1 else ''}" in page
        body = client.get(reverse("api:overview"), {"network": slug}).json()
        assert body["headline"]["organisations"] == mapped


def test_the_suppliers_card_and_the_suppliers_of_concentration_each_say_what_they_count(client, counted):
    page = client.get(reverse("market:overview")).content.decode()
    # Northwind, Brightpath and Quillstone hold contracts not yet ended and make products in
    # use; Makeco makes one in use; Oldco's only contract has ended, so it is not in the market.
    assert card(page, "suppliers") == 4
    assert "of the 3 suppliers that hold any" in page
    assert "in all" not in page
    body = client.get(reverse("api:overview")).json()
    assert (body["headline"]["suppliers"], body["concentration"]["suppliers"]) == (4, 3)

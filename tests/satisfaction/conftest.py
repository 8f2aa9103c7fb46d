"""A small world for satisfaction tests: tests.people's cast, each of `own`, `peer` and
`stranger` using Vendor Company's product (and `own` a second supplier's), so that ratings,
pain points and the pack have something to be about."""

from dataclasses import dataclass

import pytest

from citytools.accounts.viewer import Viewer
from tests.factories import (
    ContractFactory,
    ProductFactory,
    ServiceAreaFactory,
    SupplierFactory,
    SystemFactory,
)
from tests.people import people

MARKER = "ZQX-SECRET-COMMENT"


@dataclass
class Satisfaction:
    cast: object
    area: object
    product: object
    other_product: object
    systems: dict

    def viewer(self, role):
        return Viewer.for_user(self.cast.user(role))

    def user(self, role):
        return self.cast.user(role)


@pytest.fixture
def world(db):
    cast = people()
    area = ServiceAreaFactory(slug="waste", name="Waste")
    product = ProductFactory(slug="binsight", name="Binsight", manufacturer=cast.vendor_company)
    other_product = ProductFactory(slug="ledger", name="Ledger", manufacturer=SupplierFactory(slug="other-maker", name="Other Maker"))
    systems = {}
    for name in ("own", "peer", "stranger"):
        organisation = getattr(cast, name)
        systems[name] = SystemFactory(organisation=organisation, product=product, service_areas=[area])
        ContractFactory(organisation=organisation, supplier=cast.vendor_company, systems=[systems[name]], title=f"Bins at {name}")
    systems["own_ledger"] = SystemFactory(organisation=cast.own, product=other_product, service_areas=[area])
    return Satisfaction(cast, area, product, other_product, systems)


@pytest.fixture
def planned(world):
    """A system own plans to bring in: recorded in the inventory, not yet in use."""
    from citytools.inventory.models import System

    return SystemFactory(
        organisation=world.cast.own, product=ProductFactory(slug="binsight-next", name="Binsight Next", manufacturer=world.cast.vendor_company),
        service_areas=[world.area], status=System.Status.PLANNED,
    )

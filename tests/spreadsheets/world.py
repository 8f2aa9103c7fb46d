"""A small world for the spreadsheet tests: the people of tests.people, a catalogue with an
accented supplier name, and `own`'s records made through the services."""

import datetime
import hashlib
from decimal import Decimal

from citytools.contracts.services import create_contract
from citytools.inventory.services import create_system
from tests.access import fingerprint
from tests.factories import (
    ProductFactory,
    ServiceAreaFactory,
    ServiceAreaGroupFactory,
    SupplierFactory,
)
from tests.people import people


def build():
    world = people()
    world.editor = world.user("editor")
    group = ServiceAreaGroupFactory(slug="housing", name="Housing")
    world.housing = ServiceAreaFactory(slug="housing-management", name="Housing management", parent=group)
    world.homeless = ServiceAreaFactory(slug="homelessness", name="Homelessness", parent=group)
    world.maker = SupplierFactory(slug="civic-forge", name="Civic Forge")
    world.accented = SupplierFactory(slug="societe-generale-info", name="Société Générale Informatique")
    world.ledger = ProductFactory(slug="ledger", name="Ledger", manufacturer=world.maker)
    world.keystone = ProductFactory(slug="keystone", name="Keystone", manufacturer=world.maker)
    world.system = create_system(
        organisation=world.own, product=world.ledger, service_areas=[world.housing], hosting="saas",
        notes="Migration planned", actor=world.editor,
    )
    world.contract = create_contract(
        organisation=world.own, supplier=world.maker, systems=[world.system], title="Housing system",
        reference="CON-001", annual_value=Decimal("100000"), total_value=Decimal("300000"), currency="GBP",
        start_date=datetime.date(2024, 4, 1), end_date=datetime.date(2027, 3, 31), actor=world.editor,
    )
    return world


def checksum() -> str:
    """One digest over every row of every table a request could change."""
    return hashlib.sha256(repr(sorted(fingerprint().items())).encode()).hexdigest()

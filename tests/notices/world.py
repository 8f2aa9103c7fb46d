"""A small world for the doors of public notices: the people of tests.people, a parking
service area, a supplier the notices name by its Companies House number, a product, own's
contract a later notice disagrees with, and an admin's import of the notices, so that own
has a new contract and a change waiting for review, and a buyer name waits to be recognised.
"""

import datetime
from decimal import Decimal

from citytools.contracts.services import create_contract
from citytools.notices.models import Buyer, Suggestion
from tests.factories import (
    ProductFactory,
    ServiceAreaFactory,
    ServiceAreaGroupFactory,
    SupplierFactory,
)
from tests.notices.ocds import CONTRACTS_FINDER, imported, release
from tests.people import people

NEW = f"{CONTRACTS_FINDER}-new-parking"
CHANGE = f"{CONTRACTS_FINDER}-renewed-housing"
UNKNOWN_BUYER = "Borough Council of Nowhere"


def build():
    world = people()
    world.editor, world.admin = world.user("editor"), world.user("admin")
    transport = ServiceAreaGroupFactory(slug="transport", name="Transport")
    world.parking = ServiceAreaFactory(slug="parking-enforcement", name="Parking enforcement", parent=transport)
    world.parkware = SupplierFactory(slug="parkware", name="Parkware Ltd", company_number="01234567")
    world.permits = ProductFactory(slug="permit-desk", name="Permit Desk", manufacturer=world.parkware)
    world.contract = create_contract(
        organisation=world.own, supplier=world.parkware, title="Housing repairs system", reference=CHANGE,
        total_value=Decimal("300000"), currency="GBP", start_date=datetime.date(2024, 4, 1),
        end_date=datetime.date(2027, 3, 31), actor=world.editor,
    )
    world.summary = imported(
        release(ocid=NEW, buyer=world.own.name),
        release(ocid=CHANGE, buyer=world.own.name, title="Housing repairs", amount=450000, start="2024-04-01", end="2029-03-31"),
        release(ocid=f"{CONTRACTS_FINDER}-nowhere", buyer=UNKNOWN_BUYER),
        actor=world.admin,
    )
    world.new = Suggestion.objects.get(notice__ocid=NEW)
    world.change = Suggestion.objects.get(notice__ocid=CHANGE)
    world.buyer = Buyer.objects.get(name=UNKNOWN_BUYER)
    return world

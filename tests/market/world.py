"""A small, hand-countable market shared by the market, directory and contracts tests.

Two London boroughs and one authority outside any network; three companies:
- Northwind makes Ledger and supplies it itself to Camden;
- Brightpath resells Ledger to Hackney and also makes Parkwise;
- Quillstone makes Quill and supplies nothing else.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from citytools.contracts.models import Contract
from citytools.directory.models import Network, Organisation, Supplier
from citytools.inventory.models import Product, ServiceArea, System
from tests.factories import (
    ContractFactory,
    NetworkFactory,
    OrganisationFactory,
    ProductFactory,
    ServiceAreaFactory,
    ServiceAreaGroupFactory,
    SupplierFactory,
    SystemFactory,
)

TODAY = datetime.date(2025, 6, 15)


@dataclass
class World:
    london: Network
    camden: Organisation
    hackney: Organisation
    outsider: Organisation
    northwind: Supplier
    brightpath: Supplier
    quillstone: Supplier
    ledger: Product
    parkwise: Product
    quill: Product
    finance: ServiceArea
    payroll: ServiceArea
    parking: ServiceArea
    camden_ledger: System
    hackney_ledger: System
    camden_parking: System
    hackney_quill: System
    camden_contract: Contract
    hackney_contract: Contract
    quill_contract: Contract


def build_world() -> World:
    london = NetworkFactory(slug="london", name="London")
    camden = OrganisationFactory(slug="camden", short_name="Camden", name="London Borough of Camden", networks=[london], population=210_000)
    hackney = OrganisationFactory(slug="hackney", short_name="Hackney", name="London Borough of Hackney", networks=[london], population=260_000)
    outsider = OrganisationFactory(slug="rutland", short_name="Rutland", name="Rutland County Council", kind="Unitary authority", region="East Midlands", population=41_000)
    northwind = SupplierFactory(slug="northwind", name="Northwind Systems", is_sme=False)
    brightpath = SupplierFactory(slug="brightpath", name="Brightpath Services", is_sme=True, parent=northwind)
    quillstone = SupplierFactory(slug="quillstone", name="Quillstone", is_sme=None)
    corporate = ServiceAreaGroupFactory(slug="corporate", name="Corporate services", kind=ServiceArea.Kind.CORPORATE, position=1)
    streets = ServiceAreaGroupFactory(slug="streets", name="Streets", position=2)
    finance = ServiceAreaFactory(slug="finance", name="Finance", parent=corporate)
    payroll = ServiceAreaFactory(slug="payroll", name="Payroll", parent=corporate)
    parking = ServiceAreaFactory(slug="parking", name="Parking", parent=streets)
    ledger = ProductFactory(slug="ledger", name="Ledger", manufacturer=northwind)
    parkwise = ProductFactory(slug="parkwise", name="Parkwise", manufacturer=brightpath)
    quill = ProductFactory(slug="quill", name="Quill", manufacturer=quillstone)
    camden_ledger = SystemFactory(organisation=camden, product=ledger, service_areas=[finance, payroll])
    hackney_ledger = SystemFactory(organisation=hackney, product=ledger, supplier=brightpath, service_areas=[finance])
    camden_parking = SystemFactory(organisation=camden, product=parkwise, service_areas=[parking])
    hackney_quill = SystemFactory(organisation=hackney, product=quill, service_areas=[payroll])
    # One contract covering two systems: its value splits 50/50 between Ledger and Parkwise.
    camden_contract = ContractFactory(
        organisation=camden, supplier=northwind, title="Camden finance and parking",
        annual_value=Decimal("100000"), end_date=TODAY + datetime.timedelta(days=30),
        systems=[camden_ledger, camden_parking],
    )
    hackney_contract = ContractFactory(
        organisation=hackney, supplier=brightpath, title="Hackney finance",
        annual_value=Decimal("60000"), end_date=TODAY + datetime.timedelta(days=400),
        extension_end_date=TODAY + datetime.timedelta(days=800), systems=[hackney_ledger],
    )
    quill_contract = ContractFactory(
        organisation=hackney, supplier=quillstone, title="Hackney payroll",
        annual_value=Decimal("20000"), end_date=TODAY + datetime.timedelta(days=200),
        systems=[hackney_quill],
    )
    return World(
        london, camden, hackney, outsider, northwind, brightpath, quillstone, ledger, parkwise, quill,
        finance, payroll, parking, camden_ledger, hackney_ledger, camden_parking, hackney_quill,
        camden_contract, hackney_contract, quill_contract,
    )


def grow(world: World, n: int) -> None:
    """Add `n` network members, each with two systems, a reseller and a contract ending soon,
    so a test can check that a page's query count does not grow with the data."""
    for i in range(n):
        org = OrganisationFactory(networks=[world.london])
        maker = SupplierFactory()
        product = ProductFactory(manufacturer=maker)
        first = SystemFactory(organisation=org, product=product, service_areas=[world.finance])
        second = SystemFactory(
            organisation=org, product=world.ledger, supplier=world.brightpath, service_areas=[world.payroll, world.parking]
        )
        ContractFactory(
            organisation=org, supplier=maker, systems=[first, second],
            end_date=TODAY + datetime.timedelta(days=10 + i), extension_end_date=TODAY + datetime.timedelta(days=400),
        )
        ContractFactory(organisation=org, supplier=world.northwind, annual_value=None, systems=[second],
                        end_date=TODAY + datetime.timedelta(days=100 + i))


def sign_in_member(client, organisation) -> None:
    """Sign `client` in as a member of `organisation`: it then sees its networks' values."""
    from tests.factories import RoleFactory

    client.force_login(RoleFactory(kind="member", organisation=organisation).user)

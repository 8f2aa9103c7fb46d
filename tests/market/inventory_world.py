"""A small, hand-made inventory that the matrix, product and service-area tests (citytools.market.inventory_*) read in different ways."""

import datetime
from types import SimpleNamespace

import pytest

from citytools.core.dates import today
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


@pytest.fixture
def inventory(db):
    """Three London boroughs and one elsewhere, two groups of areas, a reseller.

    Camden uses HousePro for two areas and Shelter beside it in Homelessness (a cell with two
    systems); Hackney buys HousePro through a reseller; Barnet's RevPlus has no contract.
    """
    day = today()
    london = NetworkFactory(slug="london", name="London")
    camden = OrganisationFactory(slug="camden", short_name="Camden", identifier="E09000007", population=210_000, networks=[london])
    hackney = OrganisationFactory(slug="hackney", short_name="Hackney", identifier="E09000012", population=260_000, networks=[london])
    barnet = OrganisationFactory(slug="barnet", short_name="Barnet", identifier="E09000003", population=390_000, networks=[london])
    leeds = OrganisationFactory(slug="leeds", short_name="Leeds", identifier="E08000035", population=None)

    housing = ServiceAreaGroupFactory(slug="housing", name="Housing", position=1)
    management = ServiceAreaFactory(slug="housing-management", name="Housing management", parent=housing, position=1)
    homelessness = ServiceAreaFactory(slug="homelessness", name="Homelessness", parent=housing, position=2)
    finance = ServiceAreaGroupFactory(slug="finance", name="Finance", position=2, kind="corporate")
    revenues = ServiceAreaFactory(slug="revenues", name="Revenues", parent=finance, position=1)
    payroll = ServiceAreaFactory(slug="payroll", name="Payroll", parent=finance, position=2)

    acme = SupplierFactory(slug="acme", name="Acme Civic")
    beacon = SupplierFactory(slug="beacon", name="Beacon Data")
    reseller = SupplierFactory(slug="resell", name="Resell Partners")
    housepro = ProductFactory(slug="housepro", name="HousePro", manufacturer=acme)
    shelter = ProductFactory(slug="shelter", name="Shelter", manufacturer=beacon)
    revplus = ProductFactory(slug="revplus", name="RevPlus", manufacturer=acme)

    camden_housepro = SystemFactory(organisation=camden, product=housepro, service_areas=[management, homelessness])
    camden_shelter = SystemFactory(organisation=camden, product=shelter, service_areas=[homelessness])
    hackney_housepro = SystemFactory(organisation=hackney, product=housepro, supplier=reseller, service_areas=[management])
    barnet_revplus = SystemFactory(organisation=barnet, product=revplus, service_areas=[revenues])
    leeds_shelter = SystemFactory(organisation=leeds, product=shelter, service_areas=[homelessness])

    ContractFactory(
        organisation=camden, supplier=acme, start_date=day - datetime.timedelta(days=900),
        end_date=day + datetime.timedelta(days=90), annual_value=100_000, systems=[camden_housepro],
    )
    ContractFactory(
        organisation=camden, supplier=beacon, start_date=day - datetime.timedelta(days=900),
        end_date=day - datetime.timedelta(days=30), annual_value=20_000, systems=[camden_shelter],
    )
    ContractFactory(
        organisation=hackney, supplier=reseller, start_date=day - datetime.timedelta(days=400),
        end_date=day + datetime.timedelta(days=540), annual_value=80_000, systems=[hackney_housepro],
    )
    ContractFactory(
        organisation=leeds, supplier=beacon, start_date=day - datetime.timedelta(days=400),
        end_date=day + datetime.timedelta(days=1000), annual_value=30_000, systems=[leeds_shelter],
    )
    return SimpleNamespace(**locals())

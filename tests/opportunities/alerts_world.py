"""A small world for the alerts tests: tests.people's cast, with contracts in two service
areas, on a fixed day (TODAY; tests freeze the clock at NOON on it).

    housing (9 months' lead)  own "Own housing" +300 days, own's confidential "Zephyrquartz
                              renewal" +310, peer "Peer housing" +330 (value 918,273, members
                              only; extension +465), peer's confidential "Quokkaflan pilot"
                              +315, stranger "Stranger housing" +320: together an opportunity
    waste (6 months' lead)    own "Own waste" +30 (with an extension to +120), and a retired
                              own contract "Vellichor archive" +40

The markers (Zephyrquartz, Quokkaflan, the peer's value) must never reach someone who may
not see them.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from citytools.accounts.viewer import Viewer
from citytools.opportunities import alerts
from tests.factories import (
    ContractFactory,
    ProductFactory,
    ServiceAreaFactory,
    SupplierFactory,
    SystemFactory,
)
from tests.people import people

TODAY = datetime.date(2025, 6, 15)
NOON = datetime.datetime(2025, 6, 15, 12, 0, tzinfo=datetime.UTC)
PEER_VALUE = ["918273", "918,273"]
CONFIDENTIAL = ["Zephyrquartz", "Quokkaflan", "6418302", "6,418,302"]
RETIRED = ["Vellichor"]


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


@dataclass
class AlertsWorld:
    cast: object
    housing: object
    waste: object
    contracts: dict

    def user(self, role):
        return self.cast.user(role)

    def viewer(self, role):
        return Viewer.for_user(self.user(role))

    def subscribe(self, role, **settings):
        """`role` subscribes, as the /alerts/ page would save it."""
        return alerts.save_subscription(actor=self.user(role), viewer=self.viewer(role), **settings)


def build() -> AlertsWorld:
    cast = people()
    housing = ServiceAreaFactory(slug="housing", name="Housing management", procurement_lead_months=9)
    waste = ServiceAreaFactory(slug="waste", name="Waste collection", procurement_lead_months=6)
    maker = SupplierFactory(slug="civic-forge", name="Civic Forge")
    ledger = ProductFactory(slug="ledger", name="Ledger", manufacturer=maker)
    bins = ProductFactory(slug="binsight", name="Binsight", manufacturer=cast.vendor_company)

    def system(organisation, area, **kwargs):
        return SystemFactory(organisation=organisation, product=ledger if area == housing else bins, service_areas=[area], **kwargs)

    contracts = {}
    own_housing = system(cast.own, housing)
    contracts["own_housing"] = ContractFactory(
        organisation=cast.own, supplier=maker, title="Own housing", systems=[own_housing], end_date=days(300),
        annual_value=Decimal(111111),
    )
    contracts["own_secret"] = ContractFactory(
        organisation=cast.own, supplier=maker, title="Zephyrquartz renewal", confidential=True,
        systems=[system(cast.own, housing, confidential=True)], end_date=days(310), annual_value=Decimal(6418302),
    )
    contracts["peer_housing"] = ContractFactory(
        organisation=cast.peer, supplier=maker, title="Peer housing", systems=[system(cast.peer, housing)],
        end_date=days(330), extension_end_date=days(465), annual_value=Decimal(918273), total_value=Decimal(2754819),
    )
    contracts["peer_secret"] = ContractFactory(
        organisation=cast.peer, supplier=maker, title="Quokkaflan pilot", confidential=True,
        systems=[system(cast.peer, housing, confidential=True)], end_date=days(315),
    )
    contracts["stranger_housing"] = ContractFactory(
        organisation=cast.stranger, supplier=maker, title="Stranger housing", systems=[system(cast.stranger, housing)],
        end_date=days(320), annual_value=Decimal(7364519),
    )
    contracts["own_waste"] = ContractFactory(
        organisation=cast.own, supplier=cast.vendor_company, title="Own waste", systems=[system(cast.own, waste)],
        end_date=days(30), extension_end_date=days(120),
    )
    retired = ContractFactory(
        organisation=cast.own, supplier=maker, title="Vellichor archive", systems=[system(cast.own, waste)], end_date=days(40),
    )
    type(retired).objects.filter(pk=retired.pk).update(retired_at=timezone.now())
    return AlertsWorld(cast, housing, waste, contracts)


@pytest.fixture
def world(db):
    with time_machine.travel(NOON, tick=False):
        yield build()

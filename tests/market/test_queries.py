import datetime
from decimal import Decimal

import pytest

from citytools.accounts.rules import Grants
from citytools.accounts.viewer import Viewer
from citytools.contracts.models import Contract
from citytools.inventory.models import System
from citytools.market import queries
from tests.factories import ContractFactory, SupplierFactory, SystemFactory
from tests.market.world import TODAY

pytestmark = pytest.mark.django_db

# Sees every record and value, so these tests check the arithmetic; visibility has its own.
def admin() -> Viewer:
    return Viewer(Grants(is_admin=True))


def shares(result):
    return {row.slug: (row.organisations, row.annual_value) for row in result.rows}


def test_market_share_splits_a_contract_over_its_systems_and_counts_resellers_as_providers(world):
    # Camden's 100,000 contract covers Ledger and Parkwise: 50,000 each. Hackney gets Ledger
    # from the reseller Brightpath (60,000) and Quill from Quillstone (20,000).
    by_provider = queries.market_share(System.objects.all(), by="provider", viewer=admin())
    assert shares(by_provider) == {
        "brightpath": (2, Decimal("110000.00")),
        "northwind": (1, Decimal("50000.00")),
        "quillstone": (1, Decimal("20000.00")),
    }
    assert by_provider.annual_value == Decimal("180000.00")
    assert [row.slug for row in by_provider.rows] == ["brightpath", "northwind", "quillstone"]
    assert by_provider.rows[0].organisation_share == 1.0
    assert by_provider.rows[0].value_share == pytest.approx(110 / 180)

    by_maker = queries.market_share(System.objects.all(), by="manufacturer", viewer=admin())
    assert shares(by_maker) == {
        "northwind": (2, Decimal("110000.00")),
        "brightpath": (1, Decimal("50000.00")),
        "quillstone": (1, Decimal("20000.00")),
    }
    by_product = queries.market_share(System.objects.all(), by="product", viewer=admin())
    assert shares(by_product)["ledger"] == (2, Decimal("110000.00"))


def test_market_share_of_a_subset_keeps_the_split_of_contracts_covering_systems_outside_it(world):
    result = queries.market_share(System.objects.filter(pk=world.camden_parking.pk), viewer=admin())
    assert shares(result) == {"brightpath": (1, Decimal("50000.00"))}


def test_market_share_counts_only_the_most_common_currency(world):
    other = ContractFactory(organisation=world.camden, currency="EUR", annual_value=Decimal("999"), systems=[world.camden_ledger])
    assert other.currency == "EUR"
    result = queries.market_share(System.objects.all(), viewer=admin())
    assert result.currency == "GBP" and result.annual_value == Decimal("180000.00")


def test_market_share_of_nothing_is_empty(db):
    result = queries.market_share(System.objects.none(), viewer=admin())
    assert result.rows == [] and result.organisations == 0 and result.annual_value == 0


def test_market_share_by_service_area_agrees_with_market_share_of_each_area(world):
    by_area = queries.market_share_by_service_area(System.objects.all(), viewer=admin())
    assert set(by_area) == {world.finance.pk, world.payroll.pk, world.parking.pk}
    for area in (world.finance, world.payroll, world.parking):
        assert by_area[area.pk] == queries.market_share(System.objects.filter(service_areas=area), viewer=admin())
    assert shares(by_area[world.finance.pk]) == {
        "northwind": (1, Decimal("50000.00")),
        "brightpath": (1, Decimal("60000.00")),
    }


@pytest.mark.parametrize(
    ("offset", "included"),
    [(-1, False), (0, True), (1, True), (364, True), (365, True), (366, False)],
)
def test_contracts_ending_includes_today_up_to_365_days_ahead(frozen_today, db, offset, included):
    contract = ContractFactory(end_date=TODAY + datetime.timedelta(days=offset), start_date=datetime.date(2020, 1, 1))
    assert (contract in queries.contracts_ending(Contract.objects.all(), viewer=admin())) is included


def test_contracts_ending_within_zero_days_means_today_only(frozen_today, db):
    today = ContractFactory(end_date=TODAY)
    ContractFactory(end_date=TODAY + datetime.timedelta(days=1))
    assert list(queries.contracts_ending(Contract.objects.all(), days=0, viewer=admin())) == [today]


def test_ending_soon_by_month_covers_every_month_the_window_touches(world):
    months = queries.ending_soon_by_month(Contract.objects.all(), viewer=admin())
    # 15 June 2025 to 15 June 2026 touches 13 calendar months.
    assert len(months) == 13
    assert months[0] == ("Jun 2025", 0)
    assert months[1] == ("Jul 2025", 1)  # Camden, 30 days ahead
    assert months[-1] == ("Jun 2026", 0)
    assert sum(count for _, count in months) == 2  # Hackney's 400-day contract is outside


def test_headline_counts_what_is_mapped_and_live(world):
    ContractFactory(organisation=world.camden, supplier=world.quillstone, end_date=TODAY - datetime.timedelta(days=1),
                    annual_value=Decimal("5000"))
    numbers = queries.headline(queries.scope(viewer=admin()))
    assert numbers.organisations == 2  # Rutland has no system
    assert (numbers.systems, numbers.products, numbers.suppliers) == (4, 3, 3)
    assert numbers.contracts == 3  # the contract that ended yesterday is left out
    assert numbers.annual_value == [queries.Money(Decimal("180000.00"), "GBP")]
    assert numbers.ending_soon == 2


def test_headline_for_a_network_leaves_out_non_members(world):
    outsider_supplier = SupplierFactory()
    system = SystemFactory(organisation=world.outsider, product__manufacturer=outsider_supplier)
    ContractFactory(organisation=world.outsider, supplier=outsider_supplier, systems=[system], currency="EUR")
    everything = queries.headline(queries.scope(viewer=admin()))
    assert (everything.organisations, everything.suppliers, everything.contracts) == (3, 4, 4)
    assert [money.currency for money in everything.annual_value] == ["GBP", "EUR"]
    london = queries.headline(queries.scope(world.london, viewer=admin()))
    assert (london.organisations, london.systems, london.suppliers, london.contracts) == (2, 4, 3, 3)


def test_headline_of_an_empty_database(db):
    numbers = queries.headline(queries.scope(viewer=admin()))
    assert numbers == queries.Headline(0, 0, 0, 0, 0, [], 0)


def test_concentration_with_fewer_than_ten_suppliers(world):
    result = queries.concentration(Contract.objects.all(), viewer=admin())
    assert [row.slug for row in result.top] == ["brightpath", "northwind", "quillstone"]
    assert result.top_share == 1.0 and result.others == 0 and result.other_suppliers == 0
    assert result.hhi == 3333  # three equal shares: 3 x 33.3^2


def test_concentration_top_ten_with_ties_at_the_cut(frozen_today, db):
    leader, second = SupplierFactory(name="Alpha"), SupplierFactory(name="Beta")
    tied = [SupplierFactory(name=f"Tie {i:02d}") for i in range(1, 11)]
    for _ in range(5):
        ContractFactory(supplier=leader)
    for _ in range(3):
        ContractFactory(supplier=second)
    ContractFactory(supplier=second, end_date=TODAY - datetime.timedelta(days=1))  # ended: not counted
    for company in tied:
        ContractFactory(supplier=company)
    result = queries.concentration(Contract.objects.all(), viewer=admin())
    assert result.contracts == 18 and result.suppliers == 12
    assert [row.name for row in result.top] == ["Alpha", "Beta"] + [f"Tie {i:02d}" for i in range(1, 9)]
    assert result.top_share == pytest.approx(16 / 18)
    assert (result.others, result.other_suppliers) == (2, 2)
    # (5^2 + 3^2 + 10 x 1^2) / 18^2 x 10,000
    assert result.hhi == round(44 / 324 * 10_000)


def test_concentration_of_no_contracts(db):
    result = queries.concentration(Contract.objects.all(), viewer=admin())
    assert result.top == [] and result.top_share == 0.0 and result.hhi == 0


def test_scope_of_a_network_has_only_its_members(world):
    SystemFactory(organisation=world.outsider)
    where = queries.scope(world.london, viewer=admin())
    assert set(where.organisations) == {world.camden, world.hackney}
    assert world.outsider.pk not in set(where.systems.values_list("organisation", flat=True))


def test_the_public_counts_contracts_but_sums_no_values(world):
    public = Viewer.public()
    numbers = queries.headline(queries.scope(viewer=public))
    assert numbers.contracts == 3 and numbers.annual_value == [] and numbers.coverage == "none"
    share = queries.market_share(System.objects.all(), viewer=public)
    assert share.annual_value == 0 and share.coverage == "none"
    assert {row.slug: row.organisations for row in share.rows} == {"brightpath": 2, "northwind": 1, "quillstone": 1}


def test_a_member_sums_only_the_values_of_their_networks(world):
    from tests.factories import RoleFactory

    # Rutland is in no network: only its own staff see its values.
    ContractFactory(organisation=world.outsider, annual_value=Decimal("5000"), end_date=TODAY + datetime.timedelta(days=9))
    member = Viewer.for_user(RoleFactory(kind="member", organisation=world.camden).user)
    numbers = queries.headline(queries.scope(viewer=member))
    assert numbers.contracts == 4 and numbers.annual_value == [queries.Money(Decimal("180000.00"), "GBP")]
    assert numbers.coverage == "some" and (numbers.values_shown, numbers.values_hidden) == (3, 1)



def test_confidential_and_retired_records_are_not_counted(world):
    from django.utils import timezone

    Contract.objects.filter(pk=world.quill_contract.pk).update(confidential=True)
    System.objects.filter(pk=world.camden_parking.pk).update(retired_at=timezone.now())
    numbers = queries.headline(queries.scope(viewer=Viewer.public()))
    assert (numbers.contracts, numbers.systems) == (2, 3)
    assert queries.concentration(Contract.objects.all(), viewer=Viewer.public()).contracts == 2
    # The contract covering the retired system now splits over Ledger alone.
    share = queries.market_share(System.objects.all(), viewer=admin())
    assert {row.slug: row.annual_value for row in share.rows}["northwind"] == Decimal("100000.00")

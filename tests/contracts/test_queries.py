import datetime
from decimal import Decimal

import pytest

from citytools.accounts.rules import Grants
from citytools.accounts.viewer import Viewer
from citytools.contracts import queries
from citytools.contracts.queries import ContractFilters
from tests.factories import ContractFactory
from tests.market.world import TODAY

pytestmark = pytest.mark.django_db

# Sees every record and value, so these tests check the filters; visibility has its own.
def admin() -> Viewer:
    return Viewer(Grants(is_admin=True))


def titles(filters):
    return [c.title for c in queries.filter_contracts(filters, viewer=admin())]


def test_unfiltered_list_is_soonest_end_first(world):
    assert titles(ContractFilters()) == ["Camden finance and parking", "Hackney payroll", "Hackney finance"]


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (ContractFilters(organisation="hackney"), ["Hackney payroll", "Hackney finance"]),
        (ContractFilters(supplier="brightpath"), ["Hackney finance"]),
        (ContractFilters(network="london"), ["Camden finance and parking", "Hackney payroll", "Hackney finance"]),
        (ContractFilters(network="nowhere"), []),
        (ContractFilters(service_area="parking"), ["Camden finance and parking"]),
        # A group covers its areas: payroll and finance are both corporate services.
        (ContractFilters(service_area="corporate"), ["Camden finance and parking", "Hackney payroll", "Hackney finance"]),
        (ContractFilters(service_area="payroll"), ["Camden finance and parking", "Hackney payroll"]),
        (ContractFilters(ending_within=30), ["Camden finance and parking"]),
        (ContractFilters(ending_within=29), []),
        (ContractFilters(end_from=TODAY + datetime.timedelta(days=31)), ["Hackney payroll", "Hackney finance"]),
        (ContractFilters(end_to=TODAY + datetime.timedelta(days=200)), ["Camden finance and parking", "Hackney payroll"]),
    ],
)
def test_filters(world, filters, expected):
    assert titles(filters) == expected


def test_ending_within_leaves_out_ended_contracts(world):
    ContractFactory(title="Ended", end_date=TODAY - datetime.timedelta(days=1))
    assert "Ended" not in titles(ContractFilters(ending_within=365))
    assert "Ended" in titles(ContractFilters())


def test_sort_by_value_puts_unknown_values_last_both_ways(world):
    ContractFactory(title="Unknown value", annual_value=None)
    assert titles(ContractFilters(sort="value")) == [
        "Hackney payroll", "Hackney finance", "Camden finance and parking", "Unknown value"
    ]
    assert titles(ContractFilters(sort="-value")) == [
        "Camden finance and parking", "Hackney finance", "Hackney payroll", "Unknown value"
    ]
    assert titles(ContractFilters(sort="-end_date"))[0] == "Unknown value"  # ends 2027


def test_contract_reads_everything_its_page_shows(world, django_assert_num_queries):
    viewer = admin()
    # Three, and the Viewer's two (memberships and the networks' settings), read once per request.
    with django_assert_num_queries(3 + 2):
        contract = queries.contract(world.camden_contract.pk, viewer=viewer)
        assert [s.product.name for s in contract.systems.all()] == ["Ledger", "Parkwise"]
        assert contract.annual_value == Decimal("100000")


def test_filter_options_offer_only_what_contracts_refer_to(world):
    options = queries.filter_options(viewer=admin())
    assert [o.slug for o in options.organisations] == ["camden", "hackney"]
    assert [g.slug for g, _ in options.service_areas] == ["corporate", "streets"]
    assert [a.slug for a in options.service_areas[0][1]] == ["finance", "payroll"]

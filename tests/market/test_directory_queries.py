import datetime
from decimal import Decimal

import pytest

from citytools.accounts.rules import Grants
from citytools.accounts.viewer import Viewer
from citytools.market import directory_queries as queries
from tests.factories import (
    ContractFactory,
    NetworkFactory,
    OrganisationFactory,
    SystemFactory,
)
from tests.market.world import TODAY

pytestmark = pytest.mark.django_db

# Sees every record and value, so these tests check the arithmetic; visibility has its own.
def admin() -> Viewer:
    return Viewer(Grants(is_admin=True))


def slugs(rows):
    return [row.slug for row in rows]


def test_organisation_table_counts_systems_suppliers_and_next_live_contract(world):
    ContractFactory(organisation=world.hackney, end_date=TODAY - datetime.timedelta(days=1))
    rows = {org.slug: org for org in queries.organisation_table(viewer=admin())}
    assert set(rows) == {"camden", "hackney"}  # Rutland is in no network
    # Camden: Ledger from its maker Northwind, Parkwise from its maker Brightpath.
    assert (rows["camden"].system_count, rows["camden"].supplier_count) == (2, 2)
    # Hackney: Ledger through Brightpath, Quill from Quillstone; the ended contract is ignored.
    assert (rows["hackney"].system_count, rows["hackney"].supplier_count) == (2, 2)
    assert rows["hackney"].next_contract_end == TODAY + datetime.timedelta(days=200)


def test_organisation_table_filters(world):
    OrganisationFactory(slug="leeds", short_name="Leeds", networks=[NetworkFactory(slug="core-cities")])
    assert slugs(queries.organisation_table(viewer=admin())) == ["camden", "hackney", "leeds"]
    assert slugs(queries.organisation_table(network="london", viewer=admin())) == ["camden", "hackney"]
    assert slugs(queries.organisation_table(network="nowhere", viewer=admin())) == []
    assert "rutland" in slugs(queries.organisation_table(everyone=True, viewer=admin()))
    assert slugs(queries.organisation_table(name="hack", viewer=admin())) == ["hackney"]
    assert slugs(queries.organisation_table(name="county", everyone=True, viewer=admin())) == ["rutland"]


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("population", ["rutland", "camden", "hackney", "unknown"]),
        ("-population", ["hackney", "camden", "rutland", "unknown"]),
        ("next_end", ["camden", "hackney", "rutland", "unknown"]),
        ("-systems", ["camden", "hackney", "rutland", "unknown"]),
        ("nonsense", ["camden", "hackney", "rutland", "unknown"]),
    ],
)
def test_organisation_table_sorts_with_empty_values_last(world, sort, expected):
    OrganisationFactory(slug="unknown", short_name="Unknown", population=None)
    ContractFactory(organisation=world.outsider, end_date=TODAY + datetime.timedelta(days=300))
    SystemFactory(organisation=world.outsider)
    rows = slugs(queries.organisation_table(everyone=True, sort=sort, viewer=admin()))
    assert rows == expected


def test_systems_by_group_lists_a_system_under_each_group_it_serves(world):
    SystemFactory(organisation=world.camden, product__name="Unfiled")
    groups = queries.systems_by_group(queries.organisation_systems(world.camden, viewer=admin()))
    assert [g.group.slug if g.group else None for g in groups] == ["corporate", "streets", None]
    corporate = groups[0].systems
    assert [(system.product.slug, [a.slug for a in areas]) for system, areas in corporate] == [
        ("ledger", ["finance", "payroll"])
    ]


def test_provider_shares_of_an_organisation(world):
    rows, share = queries.provider_shares(world.camden, queries.organisation_systems(world.camden, viewer=admin()), viewer=admin())
    assert {(r.slug, r.systems, r.annual_value) for r in rows} == {
        ("northwind", 1, Decimal("50000.00")),
        ("brightpath", 1, Decimal("50000.00")),
    }
    assert share.annual_value == Decimal("100000.00")


def test_peers_count_other_network_members_using_the_same_product(world):
    SystemFactory(organisation=world.outsider, product=world.ledger)  # not in Camden's network
    rows = queries.peers(world.camden, queries.organisation_systems(world.camden, viewer=admin()), viewer=admin())
    assert [(row.product.slug, row.organisations) for row in rows] == [("ledger", 1), ("parkwise", 0)]


def test_supplier_table_counts_and_filters(world):
    rows = {s.slug: s for s in queries.supplier_table(viewer=admin())}
    # Brightpath makes Parkwise (Camden) and resells Ledger (Hackney).
    b = rows["brightpath"]
    assert (b.product_count, b.organisation_count, b.contract_count) == (1, 2, 1)
    # Northwind makes Ledger, used by both boroughs, one of them through a reseller.
    assert rows["northwind"].organisation_count == 2
    assert rows["northwind"].next_contract_end == TODAY + datetime.timedelta(days=30)
    assert slugs(queries.supplier_table(sme="yes", viewer=admin())) == ["brightpath"]
    assert slugs(queries.supplier_table(sme="no", viewer=admin())) == ["northwind"]
    assert slugs(queries.supplier_table(sme="unknown", viewer=admin())) == ["quillstone"]
    assert slugs(queries.supplier_table(name="QUILL", viewer=admin())) == ["quillstone"]
    assert slugs(queries.supplier_table(sort="-next_end", viewer=admin())) == ["brightpath", "quillstone", "northwind"]


def test_products_made_and_supplied_tell_maker_from_reseller(world):
    made = queries.products_made(world.northwind, viewer=admin())
    assert [(p.slug, p.organisation_count, [s.slug for s in p.resellers]) for p in made] == [
        ("ledger", 2, ["brightpath"])
    ]
    supplied = queries.products_supplied(world.brightpath, viewer=admin())
    assert [(p.slug, p.manufacturer.slug, p.organisation_count) for p in supplied] == [("ledger", "northwind", 1)]
    assert queries.products_supplied(world.northwind, viewer=admin()) == []


def test_area_shares_of_a_supplier(world):
    rows = {row.area.slug: row for row in queries.area_shares(world.brightpath, viewer=admin())}
    assert set(rows) == {"finance", "parking"}
    finance = rows["finance"]
    assert (finance.organisations, finance.organisations_in_area) == (1, 2)
    assert finance.annual_value == Decimal("60000.00") and finance.area_value == Decimal("110000.00")
    assert finance.value_share == pytest.approx(60 / 110)
    assert rows["parking"].organisation_share == 1.0
    # Northwind makes Ledger but Hackney's copy counts for its reseller.
    northwind = {row.area.slug: row.organisations for row in queries.area_shares(world.northwind, viewer=admin())}
    assert northwind == {"finance": 1, "payroll": 1}

"""The matrix and the other inventory reads, on the hand-made inventory in conftest.py."""

import datetime

import pytest
from django.http import Http404

from citytools.accounts.viewer import Viewer
from citytools.inventory import rules
from citytools.market import inventory_queries as queries
from citytools.market.inventory_queries import MatrixFilters, build_matrix
from tests.factories import ContractFactory, SystemFactory


def public() -> Viewer:
    # A new one each time: a Viewer caches the networks it has read.
    return Viewer.public()


def london(**filters):
    return MatrixFilters(**{"network": "london", **filters})


def cells(matrix):
    """{organisation: {area: "Product; Product"}} for the cells that hold something."""
    return {
        row.name: {cell.column.slug: cell.text for cell in row.cells if cell.items} for row in matrix.rows
    }


def test_matrix_shows_each_organisation_and_what_it_uses_where(inventory):
    matrix = build_matrix(viewer=public(), filters=london())
    # One network only, so the matrix shows it: Leeds is not in London.
    assert cells(matrix) == {
        "Barnet": {"revenues": "RevPlus"},
        "Camden": {"housing-management": "HousePro", "homelessness": "HousePro; Shelter"},
        "Hackney": {"housing-management": "HousePro"},
    }
    assert [g.name for g in matrix.column_groups] == ["Housing", "Finance"]
    assert [c.label for c in matrix.columns] == [
        "Housing › Housing management",
        "Housing › Homelessness",
        "Finance › Revenues",
    ]
    assert matrix.systems == 4
    assert (matrix.hidden_rows, matrix.hidden_columns) == (0, 1)  # Payroll has no system


def test_cell_with_two_systems_lists_both_with_their_suppliers(inventory):
    matrix = build_matrix(viewer=public(), filters=london())
    camden = next(row for row in matrix.rows if row.name == "Camden")
    homelessness = next(cell for cell in camden.cells if cell.column.slug == "homelessness")
    assert [(i.product_name, i.provider_name) for i in homelessness.items] == [
        ("HousePro", "Acme Civic"),
        ("Shelter", "Beacon Data"),
    ]


def test_show_empty_keeps_rows_and_columns_with_nothing(inventory):
    matrix = build_matrix(viewer=public(), filters=london(show_empty=True, network="london", product="revplus"))
    assert [row.name for row in matrix.rows] == ["Barnet", "Camden", "Hackney"]
    assert [c.slug for c in matrix.columns] == ["housing-management", "homelessness", "revenues", "payroll"]
    hidden = build_matrix(viewer=public(), filters=london(network="london", product="revplus"))
    assert (hidden.hidden_rows, hidden.hidden_columns) == (2, 3)


def test_network_filter_and_all_networks(inventory):
    everyone = build_matrix(viewer=public(), filters=london(network=""))
    assert "Leeds" in cells(everyone)
    assert "Leeds" not in cells(build_matrix(viewer=public(), filters=london(network="london")))


def test_group_filter_shows_only_that_groups_columns(inventory):
    matrix = build_matrix(viewer=public(), filters=london(group="finance"))
    assert [c.slug for c in matrix.columns] == ["revenues"]
    assert cells(matrix) == {"Barnet": {"revenues": "RevPlus"}}


def test_supplier_filter_matches_reseller_and_manufacturer(inventory):
    # Hackney buys Acme's HousePro from a reseller: it counts for both companies.
    by_maker = cells(build_matrix(viewer=public(), filters=london(supplier="acme")))
    assert by_maker == {
        "Barnet": {"revenues": "RevPlus"},
        "Camden": {"housing-management": "HousePro", "homelessness": "HousePro"},
        "Hackney": {"housing-management": "HousePro"},
    }
    assert cells(build_matrix(viewer=public(), filters=london(supplier="resell"))) == {"Hackney": {"housing-management": "HousePro"}}
    assert cells(build_matrix(viewer=public(), filters=london(supplier="beacon"))) == {"Camden": {"homelessness": "Shelter"}}


def test_product_filter(inventory):
    assert cells(build_matrix(viewer=public(), filters=london(product="shelter", network=""))) == {
        "Camden": {"homelessness": "Shelter"},
        "Leeds": {"homelessness": "Shelter"},
    }


def test_search_filter_finds_by_name_or_gss_code(inventory):
    assert list(cells(build_matrix(viewer=public(), filters=london(search="hack")))) == ["Hackney"]
    assert list(cells(build_matrix(viewer=public(), filters=london(search="E09000003")))) == ["Barnet"]


def test_end_date_range_uses_the_latest_contract(inventory):
    day = queries.today()
    soon = build_matrix(viewer=public(), filters=london(ends_from=day, ends_to=day + datetime.timedelta(days=180)))
    assert cells(soon) == {"Camden": {"housing-management": "HousePro", "homelessness": "HousePro"}}
    ended = build_matrix(viewer=public(), filters=london(ends_to=day - datetime.timedelta(days=1)))
    assert cells(ended) == {"Camden": {"homelessness": "Shelter"}}
    # A renewal moves the system out of the "ended" range.
    ContractFactory(
        organisation=inventory.camden, supplier=inventory.beacon, start_date=day,
        end_date=day + datetime.timedelta(days=800), systems=[inventory.camden_shelter],
    )
    assert cells(build_matrix(viewer=public(), filters=london(ends_to=day - datetime.timedelta(days=1)))) == {}


def test_end_date_range_boundaries_are_inclusive(inventory):
    end = queries.today() + datetime.timedelta(days=540)
    assert list(cells(build_matrix(viewer=public(), filters=london(ends_from=end, ends_to=end)))) == ["Hackney"]


@pytest.mark.parametrize(
    ("sort", "order"),
    [
        ("name", ["Barnet", "Camden", "Hackney"]),
        ("-name", ["Hackney", "Camden", "Barnet"]),
        ("population", ["Camden", "Hackney", "Barnet"]),
        ("-population", ["Barnet", "Hackney", "Camden"]),
        ("-suppliers", ["Camden", "Barnet", "Hackney"]),
        ("suppliers", ["Barnet", "Hackney", "Camden"]),
        # By product in a column: users of the same product together, empty cells last.
        ("area:housing-management", ["Camden", "Hackney", "Barnet"]),
        ("-area:homelessness", ["Camden", "Barnet", "Hackney"]),
        ("area:nonexistent", ["Barnet", "Camden", "Hackney"]),
    ],
)
def test_sorting(inventory, sort, order):
    assert [row.name for row in build_matrix(viewer=public(), filters=london(sort=sort)).rows] == order


def test_population_unknown_sorts_last_either_way(inventory):
    for sort in ("population", "-population"):
        assert build_matrix(viewer=public(), filters=london(network="", sort=sort)).rows[-1].name == "Leeds"


def test_colour_by_end_uses_bands_and_the_legend_counts_cells(inventory):
    matrix = build_matrix(viewer=public(), filters=london(colour="end"))
    fills = {
        (row.name, cell.column.slug, item.product_name): item.fill
        for row in matrix.rows for cell in row.cells for item in cell.items
    }
    assert fills[("Camden", "homelessness", "Shelter")] == rules.ENDED
    assert fills[("Camden", "homelessness", "HousePro")] == rules.UNDER_6_MONTHS
    assert fills[("Hackney", "housing-management", "HousePro")] == rules.UNDER_2_YEARS
    assert fills[("Barnet", "revenues", "RevPlus")] == rules.UNKNOWN_END
    assert {entry.swatch.key: entry.cells for entry in matrix.legend} == {
        "ended": 1, "lt6m": 2, "lt2y": 1, "unknown": 1,
    }


def test_colour_by_supplier_ranks_suppliers_by_cells(inventory):
    matrix = build_matrix(viewer=public(), filters=london())
    assert [(entry.swatch.label, entry.swatch.key, entry.cells) for entry in matrix.legend] == [
        ("Acme Civic", "s1", 3),
        ("Beacon Data", "s2", 1),
        ("Resell Partners", "s3", 1),
    ]


def test_system_without_service_area_is_not_in_the_matrix(inventory):
    SystemFactory(organisation=inventory.barnet, product=inventory.shelter)
    assert cells(build_matrix(viewer=public(), filters=london()))["Barnet"] == {"revenues": "RevPlus"}


def test_table_is_header_then_rows_of_text(inventory):
    table = build_matrix(viewer=public(), filters=london(group="housing")).table()
    assert table == [
        ["Organisation", "GSS code", "Housing › Housing management", "Housing › Homelessness"],
        ["Camden", "E09000007", "HousePro", "HousePro; Shelter"],
        ["Hackney", "E09000012", "HousePro", ""],
    ]


def test_filters_query_leaves_out_defaults(inventory):
    filters = MatrixFilters(group="housing", ends_from=datetime.date(2027, 1, 1), show_empty=True)
    assert filters.query() == {"group": "housing", "ends_from": "2027-01-01", "show_empty": "1"}
    assert filters.query(sort="-population")["sort"] == "-population"


def test_product_summaries(inventory):
    summaries = {s.slug: s for s in queries.product_summaries(viewer=public())}
    assert summaries["housepro"].organisations == 2
    assert [a.slug for a in summaries["housepro"].service_areas] == ["housing-management", "homelessness"]
    assert [s.slug for s in queries.product_summaries(viewer=public(), service_area="finance")] == ["revplus"]
    assert [s.slug for s in queries.product_summaries(viewer=public(), manufacturer="beacon")] == ["shelter"]
    assert [s.slug for s in queries.product_summaries(viewer=public(), sort="-users")][:2] == ["housepro", "shelter"]


def test_product_detail_tells_maker_from_reseller(inventory):
    detail = queries.product_detail(viewer=public(), slug="housepro")
    assert [(r.name, r.organisations, r.is_manufacturer) for r in detail.routes] == [
        ("Acme Civic", 1, True),
        ("Resell Partners", 1, False),
    ]
    assert [(u.organisation.short_name, u.resold) for u in detail.uses] == [("Camden", False), ("Hackney", True)]
    # Competitors: every product used in Housing management or Homelessness.
    assert {row.slug: row.organisations for row in detail.share.rows} == {"housepro": 2, "shelter": 2}
    # Only Camden's contract ends within the next year; Hackney's runs for 18 months more.
    assert [c.organisation.short_name for c in detail.ending] == ["Camden"]


def test_unknown_slugs_raise_404(inventory):
    with pytest.raises(Http404):
        queries.product_detail(viewer=public(), slug="nope")
    with pytest.raises(Http404):
        queries.service_area_detail(viewer=public(), slug="nope")


def test_service_area_tree_counts_organisations_and_products(inventory):
    tree = queries.service_area_tree(viewer=public())
    housing = tree[0]
    assert (housing.group.slug, housing.organisations, housing.products) == ("housing", 3, 2)
    assert [(a.area.slug, a.organisations, a.products) for a in housing.areas] == [
        ("housing-management", 2, 1),
        ("homelessness", 2, 2),
    ]
    assert [(a.area.slug, a.organisations) for a in tree[1].areas] == [("revenues", 1), ("payroll", 0)]


def test_service_area_detail_shares_by_supplier_and_product(inventory):
    detail = queries.service_area_detail(viewer=public(), slug="housing-management")
    assert [(u.organisation.short_name, u.system.product.name) for u in detail.uses] == [
        ("Camden", "HousePro"),
        ("Hackney", "HousePro"),
    ]
    assert {r.slug: r.organisations for r in detail.provider_share.rows} == {"acme": 1, "resell": 1}
    assert {r.slug: r.organisations for r in detail.product_share.rows} == {"housepro": 2}
    group = queries.service_area_detail(viewer=public(), slug="housing")
    assert len(group.uses) == 0 and list(group.uses) == [] and group.organisations == 3


def test_systems_for_api_filters(inventory):
    def slugs(**filters):
        return [(s.organisation.slug, s.product.slug) for s in queries.systems_for_api(viewer=public(), **filters)]

    assert slugs(supplier="resell") == [("hackney", "housepro")]
    assert slugs(service_area="housing", network="london") == [
        ("camden", "housepro"), ("camden", "shelter"), ("hackney", "housepro"),
    ]
    assert slugs(organisation="leeds") == [("leeds", "shelter")]
    assert slugs(product="revplus") == [("barnet", "revplus")]
    camden = queries.systems_for_api(viewer=public(), organisation="camden", product="shelter").get()
    assert camden.contract_end == queries.today() - datetime.timedelta(days=30)


def member_of(organisation):
    from tests.factories import RoleFactory

    return Viewer.for_user(RoleFactory(kind="member", organisation=organisation).user)


def test_a_confidential_system_is_left_out_of_every_inventory_read_for_outsiders(inventory):
    SystemFactory(
        organisation=inventory.camden, product=inventory.revplus, service_areas=[inventory.payroll], confidential=True
    )
    assert "payroll" not in cells(build_matrix(london(), viewer=public()))["Camden"]
    assert {s.slug: s.organisations for s in queries.product_summaries(viewer=public())}["revplus"] == 1
    assert [(a.area.slug, a.organisations) for a in queries.service_area_tree(viewer=public())[1].areas][1] == ("payroll", 0)
    staff = member_of(inventory.camden)
    assert cells(build_matrix(london(), viewer=staff))["Camden"]["payroll"] == "RevPlus"
    assert {s.slug: s.organisations for s in queries.product_summaries(viewer=staff)}["revplus"] == 2


def test_value_shares_count_only_the_values_the_viewer_may_see(inventory):
    outsider = queries.product_detail("shelter", viewer=public()).share
    assert outsider.coverage == "none" and outsider.annual_value == 0
    # A Camden member sees London's values, but not those of Leeds, which is in no network.
    member = queries.product_detail("shelter", viewer=member_of(inventory.camden)).share
    assert member.coverage == "some" and member.annual_value == 120_000


@pytest.mark.parametrize("sort", ["name", "-name", "population", "-suppliers", "area:homelessness", "-area:homelessness"])
def test_a_page_of_the_matrix_is_a_slice_of_the_whole_in_the_same_order(inventory, sort):
    whole = build_matrix(viewer=public(), filters=london(network="", sort=sort))
    pages = [build_matrix(viewer=public(), filters=london(network="", sort=sort), offset=n, limit=2) for n in (0, 2, 4)]
    assert [row.name for page in pages for row in page.rows] == [row.name for row in whole.rows]
    assert [len(page.rows) for page in pages] == [2, 2, 0]
    # The columns and totals are the whole matrix's on every page.
    for page in pages:
        assert (page.organisations, page.systems) == (whole.organisations, whole.systems) == (4, 5)
        assert [c.slug for c in page.columns] == [c.slug for c in whole.columns]


def test_a_page_of_the_matrix_colours_and_counts_its_own_cells(inventory):
    second = build_matrix(viewer=public(), filters=london(), offset=1, limit=1)
    assert [row.name for row in second.rows] == ["Camden"]
    assert [(entry.swatch.label, entry.cells) for entry in second.legend] == [("Acme Civic", 2), ("Beacon Data", 1)]


def test_product_summaries_read_a_slice_at_a_time(inventory, django_assert_max_num_queries):
    summaries = queries.product_summaries(viewer=public(), sort="-users")
    with django_assert_max_num_queries(1):
        assert len(summaries) == 3
    with django_assert_max_num_queries(3):
        page = summaries[1:3]
    assert [(s.slug, s.organisations) for s in page] == [("shelter", 2), ("revplus", 1)]
    assert summaries[0].slug == "housepro"

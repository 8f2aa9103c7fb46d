"""The inventory pages: each answers, the HTMX partial is only the region, the CSV is the
table on the page, and the number of queries does not grow with the data."""

import csv
import datetime
import io
import re
from collections import Counter
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.db.models.signals import post_init
from django.test.utils import CaptureQueriesContext

from citytools.accounts.viewer import Viewer
from citytools.contracts.models import Contract
from citytools.core.dates import today
from citytools.directory.models import Supplier
from citytools.inventory.models import Product, ServiceArea, System
from citytools.market import inventory_queries, inventory_views
from citytools.market.inventory_forms import MatrixForm
from citytools.market.inventory_queries import build_matrix
from tests.factories import (
    ContractFactory,
    NetworkFactory,
    OrganisationFactory,
    ProductFactory,
    RoleFactory,
    ServiceAreaFactory,
    ServiceAreaGroupFactory,
    SupplierFactory,
    SystemFactory,
)

HTMX = {"HTTP_HX_REQUEST": "true"}
MATRIX_REGION = {**HTMX, "HTTP_HX_TARGET": "matrix-region"}
PRODUCTS_REGION = {**HTMX, "HTTP_HX_TARGET": "products-region"}


class MatrixTableParser(HTMLParser):
    """Reads the matrix table the way a person reads it: row names and each cell's products."""

    def __init__(self):
        super().__init__()
        self.rows: list[list[str]] = []
        self.area_headers: list[str] = []
        self.aria_sort: dict[str, str] = {}
        self._in_table = self._in_tbody = False
        self._cell: list[str] | None = None
        self._capture: list[str] | None = None
        self._header: list[str] | None = None
        self._hidden_depth = 0
        self._row_header = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if tag == "table" and "citytools-matrix" in classes:
            self._in_table = True
        if not self._in_table:
            return
        if "govuk-visually-hidden" in classes:
            self._hidden_depth = 1
        elif self._hidden_depth:
            self._hidden_depth += 1
        if tag == "tbody":
            self._in_tbody = True
        elif tag == "tr" and self._in_tbody:
            self.rows.append([])
        elif tag == "th" and self._in_tbody:
            self._row_header = True
        elif tag == "a" and self._row_header:
            self._capture = []
        elif tag == "th" and attrs.get("scope") == "col":
            self._header = []
            self._header_sort = attrs.get("aria-sort")
            self._header_corner = "citytools-matrix__corner" in classes
        elif tag == "td":
            self._cell = []
        elif tag == "a" and self._cell is not None:
            self._capture = []

    def handle_endtag(self, tag):
        if not self._in_table:
            return
        if self._hidden_depth:
            self._hidden_depth -= 1
        if tag == "table":
            self._in_table = False
        elif tag == "a" and self._capture is not None and self._cell is not None:
            self._cell.append("".join(self._capture).strip())
            self._capture = None
        elif tag == "a" and self._row_header and self._capture is not None:
            self.rows[-1].append("".join(self._capture).strip())
            self._capture = None
        elif tag == "th" and self._in_tbody:
            self._row_header = False
        elif tag == "th" and self._header is not None:
            text = "".join(self._header).strip()
            if not self._header_corner:
                self.area_headers.append(text)
            self.aria_sort[text] = self._header_sort
            self._header = None
        elif tag == "td":
            self.rows[-1].append("; ".join(self._cell))
            self._cell = None

    def handle_data(self, data):
        if self._hidden_depth:
            return
        if self._capture is not None:
            self._capture.append(data)
        elif self._header is not None:
            self._header.append(data)


def parse_matrix(html: str) -> MatrixTableParser:
    parser = MatrixTableParser()
    parser.feed(html)
    return parser


def read_csv(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


@pytest.mark.parametrize(
    "url",
    [
        "/matrix/",
        "/matrix/?colour=end&sort=-population&show_empty=1",
        "/matrix/?group=housing&supplier=acme&ends_from=2020-01-01",
        "/products/",
        "/products/?service_area=housing&sort=-users",
        "/products/housepro/",
        "/products/revplus/",
        "/service-areas/",
        "/service-areas/housing/",
        "/service-areas/homelessness/",
        "/service-areas/payroll/",
    ],
)
def test_pages_answer(client, inventory, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response.content.count(b"<h1") == 1


@pytest.mark.parametrize("url", ["/products/nope/", "/service-areas/nope/"])
def test_unknown_slug_is_404(client, inventory, url):
    assert client.get(url).status_code == 404


def test_matrix_page_shows_cells_count_and_legend(client, inventory):
    response = client.get("/matrix/")
    html = response.content.decode()
    table = parse_matrix(html)
    assert table.area_headers == ["Housing management", "Homelessness", "Revenues"]
    assert table.rows == [
        ["Barnet", "", "", "RevPlus"],
        ["Camden", "HousePro", "HousePro; Shelter", ""],
        ["Hackney", "HousePro", "", ""],
    ]
    assert "3 organisations × 3 service areas, 4 systems" in html
    assert "Acme Civic (3)" in html  # legend entry with its cell count
    # The only network is chosen for the person.
    assert '<option value="london" selected>' in html


def test_colour_by_end_states_the_date_in_words(client, inventory):
    html = client.get("/matrix/?colour=end").content.decode()
    assert "citytools-fill--ended" in html
    assert "Ended " in html and "End not known" in html


def test_column_header_sorts_by_product_and_says_so(client, inventory):
    html = client.get("/matrix/?sort=area:homelessness").content.decode()
    table = parse_matrix(html)
    assert [row[0] for row in table.rows] == ["Camden", "Barnet", "Hackney"]
    assert table.aria_sort["Homelessness"] == "ascending"
    assert table.aria_sort["Organisation"] == "none"
    # A second click reverses it, keeping the other filters.
    assert 'href="?network=london&amp;sort=-area%3Ahomelessness"' in html


def test_htmx_request_gets_only_the_table_region(client, inventory):
    response = client.get("/matrix/?group=housing", **MATRIX_REGION)
    html = response.content.decode()
    assert "<html" not in html and "<form" not in html and "<h1" not in html
    assert parse_matrix(html).area_headers == ["Housing management", "Homelessness"]
    assert 'id="matrix-count" hx-swap-oob="innerHTML"' in html
    assert "HX-Request" in response["Vary"]


def test_htmx_history_restore_gets_the_full_page(client, inventory):
    response = client.get("/matrix/", HTTP_HX_HISTORY_RESTORE_REQUEST="true", **MATRIX_REGION)
    assert b"<html" in response.content


def test_htmx_request_aimed_elsewhere_gets_the_full_page(client, inventory):
    """A boosted link from another region must not draw the matrix's region alone there."""
    response = client.get("/matrix/", HTTP_HX_TARGET="results", **HTMX)
    assert b"<html" in response.content and response.content.count(b"<h1") == 1


def test_invalid_filter_is_reported_and_ignored(client, inventory):
    html = client.get("/matrix/?supplier=nobody&ends_from=2030-01-01&ends_to=2029-01-01").content.decode()
    assert "There is a problem with the filters" in html
    assert "The end of the range must be on or after its start." in html
    assert len(parse_matrix(html).rows) == 3


@pytest.mark.parametrize(
    "query",
    ["", "?group=housing", "?supplier=acme&sort=area:housing-management", "?colour=end&show_empty=1&sort=-suppliers", "?network="],
)
def test_csv_is_the_matrix_query_and_the_html_table(client, inventory, query):
    response = client.get(f"/matrix.csv{query}")
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="citytools-matrix')
    rows = read_csv(response)
    form = MatrixForm(client.get(f"/matrix/{query}").wsgi_request.GET)
    assert rows == build_matrix(form.filters(), viewer=Viewer.public()).table()
    table = parse_matrix(client.get(f"/matrix/{query}").content.decode())
    assert [header.split(" › ")[1] for header in rows[0][2:]] == table.area_headers
    assert [[row[0], *row[2:]] for row in rows[1:]] == table.rows


def test_matrix_pages_by_organisation_and_keeps_sort_and_filters(client, inventory, monkeypatch):
    monkeypatch.setattr(inventory_queries, "MATRIX_PAGE_SIZE", 2)
    html = client.get("/matrix/?sort=-name&colour=end").content.decode()
    assert [row[0] for row in parse_matrix(html).rows] == ["Hackney", "Camden"]
    assert "3 organisations × 3 service areas, 4 systems" in html  # the whole matrix's
    assert "organisations 1 to 2 of 3, page 1 of 2" in html
    assert 'href="?sort=-name&amp;colour=end&amp;page=2" rel="next"' in html
    last = client.get("/matrix/?sort=-name&colour=end&page=2").content.decode()
    assert [row[0] for row in parse_matrix(last).rows] == ["Barnet"]
    assert 'href="?sort=-name&amp;colour=end&amp;page=1" rel="prev"' in last
    # The CSV is every row, whatever the page.
    assert len(read_csv(client.get("/matrix.csv?sort=-name&page=2"))) == 4


@pytest.mark.parametrize(("page", "first"), [("abc", "Barnet"), ("1", "Barnet"), ("0", "Hackney"), ("99", "Hackney"), ("-1", "Hackney")])
def test_matrix_out_of_range_page_shows_a_real_page(client, inventory, monkeypatch, page, first):
    """As on the contracts list (Paginator.get_page): not a number is the first page, out of
    range the last."""
    monkeypatch.setattr(inventory_queries, "MATRIX_PAGE_SIZE", 2)
    response = client.get(f"/matrix/?page={page}")
    assert response.status_code == 200
    assert parse_matrix(response.content.decode()).rows[0][0] == first


def test_matrix_page_links_in_the_htmx_region_target_the_region(client, inventory, monkeypatch):
    monkeypatch.setattr(inventory_queries, "MATRIX_PAGE_SIZE", 2)
    html = client.get("/matrix/?page=2", **MATRIX_REGION).content.decode()
    assert "<html" not in html and 'aria-label="Pages of organisations"' in html
    assert 'hx-target="#matrix-region"' in html


def test_product_list_pages_and_keeps_filters(client, inventory, monkeypatch):
    monkeypatch.setattr(inventory_views, "PRODUCT_PAGE_SIZE", 1)
    html = client.get("/products/?sort=-users&page=2").content.decode()
    assert "3 products, page 2 of 3" in html
    assert ">Shelter</a>" in html and ">HousePro</a>" not in html
    assert 'href="?sort=-users&amp;page=3" rel="next"' in html
    assert client.get("/products/?sort=-users&page=99").content.decode().count(">RevPlus</a>") == 1


def test_page_links_to_the_csv_of_the_current_view(client, inventory):
    html = client.get("/matrix/?group=housing&colour=end").content.decode()
    assert 'href="/matrix.csv?network=london&amp;group=housing&amp;colour=end"' in html


def test_product_page_distinguishes_maker_and_reseller(client, inventory):
    html = client.get("/products/housepro/").content.decode()
    assert "Made by" in html and "Acme Civic" in html
    assert "supplied to 1 organisation by" in html and "Resell Partners" in html
    assert "Direct from the manufacturer" in html
    # The public sees who uses what, but the value chart only says values are for members.
    assert 'id="product-share-organisations-spec"' in html and 'id="product-share-value-table"' not in html
    assert "Contract values are shared with members of the network" in html


def test_a_member_sees_the_value_charts(client, inventory):
    client.force_login(RoleFactory(kind="member", organisation=inventory.camden).user)
    html = client.get("/products/housepro/").content.decode()
    assert 'id="product-share-value-table"' in html
    # Leeds is in no network, so its values stay with its own staff.
    assert "cover only the contracts whose values you can see" in html


def test_service_area_page_links_to_its_column_in_the_matrix(client, inventory):
    html = client.get("/service-areas/homelessness/").content.decode()
    assert 'href="/matrix/?group=housing&amp;sort=area%3Ahomelessness"' in html
    for chart in ("supplier-share-organisations", "product-share-organisations"):
        assert f'id="{chart}-table"' in html
    client.force_login(RoleFactory(kind="member", organisation=inventory.camden).user)
    html = client.get("/service-areas/homelessness/").content.decode()
    for chart in ("supplier-share-value", "product-share-value"):
        assert f'id="{chart}-table"' in html


def uses_on(html: str) -> list[tuple[str, str]]:
    """The (organisation, product) rows of a service area's "Who uses what" table."""
    table = html.split('id="uses"')[1].split("</table>")[0]
    return re.findall(r'<th scope="row"[^>]*><a [^>]*>([^<]+)</a></th>\s*<td class="govuk-table__cell"><a [^>]*>([^<]+)</a>', table)


def ending_on(html: str) -> list[str]:
    """The contract titles of a service area's "Contracts ending" table."""
    table = html.split('id="ending"')[1].split("</table>")[0]
    return re.findall(r'<a class="govuk-link" href="/contracts/[^"]+">([^<]+)</a>', table)


@pytest.fixture
def paged_area(inventory, monkeypatch):
    """Homelessness with two to a page of who uses what (three systems) and one to a page of
    contracts ending (two, soonest first)."""
    monkeypatch.setattr(inventory_views, "AREA_USES_PAGE_SIZE", 2)
    monkeypatch.setattr(inventory_views, "AREA_ENDING_PAGE_SIZE", 1)
    ContractFactory(
        organisation=inventory.camden, supplier=inventory.beacon, title="Shelter renewal",
        start_date=today() - datetime.timedelta(days=100), end_date=today() + datetime.timedelta(days=200),
        systems=[inventory.camden_shelter],
    )
    inventory.soonest = inventory.camden_housepro.contracts.get().title
    return inventory


def test_service_area_page_pages_who_uses_what_and_contracts_ending_apart(client, paged_area):
    html = client.get("/service-areas/homelessness/").content.decode()
    assert uses_on(html) == [("Camden", "HousePro"), ("Camden", "Shelter")]
    assert "3 systems: 1 to 2, page 1 of 2" in html
    assert ending_on(html) == [paged_area.soonest]
    assert "2 contracts: 1 to 1, page 1 of 2" in html
    # Each list's links change its own page and keep the other's, and land on the list.
    assert 'href="?page=2#uses" rel="next"' in html and 'href="?ending_page=2#ending" rel="next"' in html
    second = client.get("/service-areas/homelessness/?page=2&ending_page=2").content.decode()
    assert uses_on(second) == [("Leeds", "Shelter")]
    assert ending_on(second) == ["Shelter renewal"]
    assert 'href="?page=1&amp;ending_page=2#uses" rel="prev"' in second
    assert 'href="?page=2&amp;ending_page=1#ending" rel="prev"' in second
    mixed = client.get("/service-areas/homelessness/?ending_page=2").content.decode()
    assert uses_on(mixed) == [("Camden", "HousePro"), ("Camden", "Shelter")] and ending_on(mixed) == ["Shelter renewal"]


@pytest.mark.parametrize(
    ("query", "uses", "ending"),
    [
        ("?page=abc&ending_page=x", ("Camden", "HousePro"), 0),
        ("?page=0&ending_page=-1", ("Leeds", "Shelter"), 1),
        ("?page=99&ending_page=99", ("Leeds", "Shelter"), 1),
        ("?page=2.5", ("Camden", "HousePro"), 0),
    ],
)
def test_service_area_page_out_of_range_page_shows_a_real_page(client, paged_area, query, uses, ending):
    """As on the other lists (Paginator.get_page): not a number is the first page, out of
    range the last."""
    response = client.get(f"/service-areas/homelessness/{query}")
    assert response.status_code == 200
    html = response.content.decode()
    assert uses_on(html)[0] == uses
    assert ending_on(html) == [[paged_area.soonest, "Shelter renewal"][ending]]


def test_a_group_page_lists_its_areas_and_pages_its_contracts_ending(client, paged_area):
    html = client.get("/service-areas/housing/?ending_page=2").content.decode()
    assert 'id="uses"' not in html and "Service areas in Housing" in html
    assert ending_on(html) == ["Shelter renewal"]


def test_product_list_filters(client, inventory):
    html = client.get("/products/?manufacturer=beacon").content.decode()
    assert "Shelter" in html and "HousePro" not in html
    partial = client.get("/products/?service_area=finance", **PRODUCTS_REGION).content.decode()
    assert "RevPlus" in partial and "<form" not in partial


# Query counts -------------------------------------------------------------------------------


def populate(organisations: int) -> None:
    """Add `organisations` boroughs, each with three systems over four areas, a contract each.

    The first call makes the network, areas, suppliers and products; later calls reuse them,
    so a second call makes every list on every page longer without adding new pages.
    """
    network = NetworkFactory(slug="bench", name="Bench")
    if not ServiceArea.objects.exists():
        groups = [ServiceAreaGroupFactory() for _ in range(2)]
        suppliers = [SupplierFactory() for _ in range(4)]
        for n in range(4):
            ServiceAreaFactory(parent=groups[n % 2])
        for n in range(6):
            ProductFactory(manufacturer=suppliers[n % 4])
    areas = list(ServiceArea.objects.leaves().order_by("pk"))
    products = list(Product.objects.order_by("pk"))
    suppliers = list(Supplier.objects.order_by("pk"))
    for n in range(organisations):
        organisation = OrganisationFactory(networks=[network])
        for k in range(3):
            system = SystemFactory(
                organisation=organisation,
                product=products[(n + k) % len(products)],
                supplier=suppliers[(n + 1) % len(suppliers)] if k == 2 else None,
                service_areas=[areas[k], areas[(k + n) % len(areas)]],
            )
            ContractFactory(
                organisation=organisation,
                supplier=suppliers[k],
                start_date=today() - datetime.timedelta(days=400),
                end_date=today() + datetime.timedelta(days=30 * (n + k)),
                systems=[system],
            )


PAGES = [
    # The filter form's four choice lists, then the matrix's own five queries (areas,
    # organisations, columns in use, systems, the page's cells) and a sixth to sort by
    # suppliers; every page adds the Viewer's two (network memberships and the networks'
    # visibility settings).
    ("/matrix/", 11),
    ("/matrix/?page=2&sort=area:{area}", 12),
    ("/matrix/?colour=end&sort=-suppliers&show_empty=1", 12),
    ("/matrix.csv", 11),
    ("/products/", 8),
    ("/products/{product}/", 9),
    ("/service-areas/", 4),
    # A service area pages two lists, each with its COUNT (a group lists its areas, not its
    # systems, so it counts only the contracts ending).
    ("/service-areas/{group}/", 13),
    ("/service-areas/{area}/", 14),
    ("/service-areas/{area}/?page=2&ending_page=2", 14),
    # The API's service area pages who uses what only (its answer has no contracts ending).
    ("/api/v1/service-areas/{group}", 11),
    ("/api/v1/service-areas/{area}?limit=5&offset=5", 12),
]


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "url",
    [
        "/service-areas/{area}/",
        "/service-areas/{area}/?page=3&ending_page=2",
        "/service-areas/{group}/",
        "/api/v1/service-areas/{area}?limit=2&offset=4",
    ],
)
def test_a_service_area_loads_only_the_rows_of_its_pages(client, db, monkeypatch, url):
    """The database takes each list's page: however many systems and contracts an area has,
    a request builds no more of them than its pages show."""
    monkeypatch.setattr(inventory_views, "AREA_USES_PAGE_SIZE", 2)
    monkeypatch.setattr(inventory_views, "AREA_ENDING_PAGE_SIZE", 2)
    populate(12)
    url = url.format(group=ServiceArea.objects.groups().first().slug, area=ServiceArea.objects.leaves().first().slug)
    built = Counter()

    def count(sender, **kwargs):
        built[sender.__name__] += 1

    post_init.connect(count, sender=System)
    post_init.connect(count, sender=Contract)
    try:
        assert client.get(url).status_code == 200
    finally:
        post_init.disconnect(count, sender=System)
        post_init.disconnect(count, sender=Contract)
    assert built["System"] <= 2 and built["Contract"] <= 2, built


@pytest.mark.parametrize(("url", "bound"), PAGES)
def test_queries_do_not_grow_with_the_data(client, db, url, bound, django_assert_max_num_queries):
    populate(5)
    url = url.format(
        product=Product.objects.first().slug,
        group=ServiceArea.objects.groups().first().slug,
        area=ServiceArea.objects.leaves().first().slug,
    )
    small = count_queries(client, url)
    populate(25)
    with django_assert_max_num_queries(bound):
        large = count_queries(client, url)
    assert large == small

"""Reads about the inventory: the matrix, products, service areas and systems.

Pages, the CSV export and the API all call these functions, so they cannot disagree. Each
function runs a fixed number of queries whatever the amount of data: rows come back through
`values_list` or `select_related`, and the grouping happens in Python.

Each takes the viewer and starts from `System.objects.visible_to(viewer)` and
`Contract.objects.visible_to(viewer)`, so a cell, count, chart or CSV row never includes a
record the viewer may not see.
"""

import datetime
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace

from django.db.models import Count, DateField, Exists, F, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.urls import reverse

from citytools.contracts.models import Contract
from citytools.core.dates import today
from citytools.directory.models import Organisation
from citytools.inventory import rules
from citytools.inventory.models import Product, ServiceArea, System
from citytools.market.queries import Ending, MarketShare, Slices, contracts_ending, market_share

COLOUR_MODES = {"supplier": "Supplier", "end": "Time to contract end"}
SORT_KEYS = ("name", "population", "suppliers")
# Organisations (rows) on a page of the matrix, and at most in one answer of the API: a row
# holds some seventy systems at the uk tier, so a page is a screenful, not the whole map.
MATRIX_PAGE_SIZE = 25
MATRIX_MAX_LIMIT = 100
AREA_SORT_PREFIX = "area:"

SystemArea = System.service_areas.through
ContractSystem = Contract.systems.through


def with_contract_end(systems: QuerySet[System], *, viewer) -> QuerySet[System]:
    """Annotate each system with `contract_end`: the latest end date of its contracts that
    the viewer may see.

    The latest contract is the one that says how long the organisation is committed, so it
    is the date the matrix colours by and the end-date filter tests.
    """
    latest = (
        Contract.objects.visible_to(viewer)
        .filter(systems=OuterRef("pk"))
        .order_by("-end_date")
        .values("end_date")[:1]
    )
    return systems.annotate(contract_end=Subquery(latest))


def _area_scope(slug: str) -> Q:
    """Systems in a service area, or in any area of a group when `slug` names a group."""
    return Q(servicearea__slug=slug) | Q(servicearea__parent__slug=slug)


def filter_systems(
    systems: QuerySet[System],
    *,
    organisation: str = "",
    product: str = "",
    supplier: str = "",
    service_area: str = "",
    network: str = "",
    search: str = "",
) -> QuerySet[System]:
    """Narrow `systems` by slugs. `supplier` matches who sells it or who makes it."""
    if organisation:
        systems = systems.filter(organisation__slug=organisation)
    if product:
        systems = systems.filter(product__slug=product)
    if supplier:
        systems = systems.filter(Q(supplier__slug=supplier) | Q(product__manufacturer__slug=supplier))
    if service_area:
        # A subquery, not a join, so a system in two areas of a group is not counted twice.
        systems = systems.filter(
            pk__in=SystemArea.objects.filter(_area_scope(service_area)).values("system_id")
        )
    if network:
        systems = systems.filter(
            organisation__in=Organisation.objects.filter(memberships__network__slug=network)
        )
    if search:
        systems = systems.filter(organisation__in=search_organisations(Organisation.objects, search))
    return systems


def search_organisations(organisations: QuerySet[Organisation], text: str) -> QuerySet[Organisation]:
    text = text.strip()
    return organisations.filter(
        Q(short_name__icontains=text)
        | Q(name__icontains=text)
        | Q(alternative_names__icontains=text)
        | Q(identifier__iexact=text)
    )


def systems_for_api(*, viewer, **filters) -> QuerySet[System]:
    return (
        with_contract_end(filter_systems(System.objects.visible_to(viewer), **filters), viewer=viewer)
        .select_related("organisation", "product__manufacturer", "supplier")
        .prefetch_related("service_areas")
        .order_by("organisation__short_name", "product__name", "pk")
    )


def end_text(end: datetime.date | None, band: rules.Swatch) -> str:
    """How a cell states a contract end in words, so the colour is never the only clue."""
    if end is None:
        return "End not known"
    verb = "Ended" if band == rules.ENDED else "Ends"
    return f"{verb} {end.day} {end:%b %Y}"


# The matrix ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class MatrixFilters:
    """What a person asked the matrix to show. Empty strings mean "no filter"."""

    network: str = ""
    group: str = ""
    supplier: str = ""
    product: str = ""
    ends_from: datetime.date | None = None
    ends_to: datetime.date | None = None
    search: str = ""
    colour: str = "supplier"
    sort: str = "name"
    show_empty: bool = False

    @property
    def sort_key(self) -> str:
        return self.sort.removeprefix("-")

    @property
    def descending(self) -> bool:
        return self.sort.startswith("-")

    @property
    def sort_area(self) -> str:
        key = self.sort_key
        return key.removeprefix(AREA_SORT_PREFIX) if key.startswith(AREA_SORT_PREFIX) else ""

    def query(self, **changes) -> dict[str, str]:
        """The GET parameters for these filters (with `changes`), leaving out the defaults."""
        filters = replace(self, **changes)
        defaults = MatrixFilters()
        params = {}
        for name in MatrixFilters.__dataclass_fields__:
            value = getattr(filters, name)
            if value == getattr(defaults, name):
                continue
            if isinstance(value, bool):
                value = "1"
            elif isinstance(value, datetime.date):
                value = value.isoformat()
            params[name] = value
        return params


@dataclass(slots=True)
class MatrixItem:
    """One system as it appears in a cell."""

    system_id: int
    product_slug: str
    product_name: str
    provider_slug: str
    provider_name: str
    manufacturer_slug: str
    manufacturer_name: str
    contract_end: datetime.date | None
    band: rules.Swatch
    fill: rules.Swatch
    product_url: str

    @property
    def end_text(self) -> str:
        return end_text(self.contract_end, self.band)


@dataclass
class MatrixColumn:
    slug: str
    name: str
    group_slug: str
    group_name: str
    kind: str
    group_start: bool = False
    area_id: int = 0

    @property
    def label(self) -> str:
        return f"{self.group_name} › {self.name}"


@dataclass
class MatrixColumnGroup:
    slug: str
    name: str
    columns: list[MatrixColumn]


@dataclass
class MatrixCell:
    column: MatrixColumn
    items: list[MatrixItem]

    @property
    def text(self) -> str:
        """The cell as text: its product names, as the page lists them."""
        return "; ".join(item.product_name for item in self.items)


@dataclass
class MatrixRow:
    slug: str
    name: str
    identifier: str
    population: int | None
    cells: list[MatrixCell]

    @property
    def url(self) -> str:
        return reverse("directory:organisation", args=[self.slug])

    @property
    def suppliers(self) -> int:
        return len({item.provider_slug for cell in self.cells for item in cell.items})


@dataclass
class LegendEntry:
    swatch: rules.Swatch
    cells: int


@dataclass
class Matrix:
    """One page of the matrix: `rows` are the organisations asked for, in order; the columns,
    `organisations` (rows on every page) and `systems` describe the whole matrix."""

    filters: MatrixFilters
    column_groups: list[MatrixColumnGroup]
    rows: list[MatrixRow]
    organisations: int
    systems: int
    legend: list[LegendEntry]
    hidden_rows: int = 0
    hidden_columns: int = 0

    @property
    def columns(self) -> list[MatrixColumn]:
        return [column for group in self.column_groups for column in group.columns]

    def table(self) -> list[list[str]]:
        """Header and rows as text: what the CSV export writes, cell for cell."""
        header = ["Organisation", "GSS code", *(column.label for column in self.columns)]
        rows = [[row.name, row.identifier, *(cell.text for cell in row.cells)] for row in self.rows]
        return [header, *rows]


@dataclass
class _Candidate:
    """An organisation while the matrix is planned, with what its row sorts by."""

    slug: str
    name: str
    identifier: str
    population: int | None
    suppliers: int = 0
    area_text: str = ""


@dataclass
class MatrixPlan:
    """The matrix before its cells: every row in order, the columns and the totals.
    `matrix()` then fills the cells of the rows asked for (a page), so a page costs its own
    rows, not the whole map."""

    filters: MatrixFilters
    column_groups: list[MatrixColumnGroup]
    organisation_ids: list[int]
    systems: int
    hidden_rows: int
    hidden_columns: int
    candidates: dict[int, _Candidate]
    system_query: QuerySet[System]
    viewer: object

    @property
    def columns(self) -> list[MatrixColumn]:
        return [column for group in self.column_groups for column in group.columns]

    def matrix(self, organisation_ids: Sequence[int] | None = None, *, end_dates: bool = True) -> Matrix:
        """The matrix with the rows of `organisation_ids` (every row when None), in the order
        given. One query: the rows' systems in the columns shown. Without `end_dates` (the
        CSV, which writes only product names) no cell looks up its contracts."""
        every_row = organisation_ids is None
        ids = self.organisation_ids if every_row else list(organisation_ids)
        columns = self.columns
        items = self._items(ids, columns, every_row=every_row, end_dates=end_dates) if ids and columns else {}
        # Cells per provider decide which suppliers get their own colour among these rows.
        provider_names: dict[str, str] = {}
        provider_cells: Counter = Counter()
        for by_area in items.values():
            for column_items in by_area.values():
                for item in column_items:
                    provider_names[item.provider_slug] = item.provider_name
                    provider_cells[item.provider_slug] += 1
        swatches = rules.supplier_swatches(provider_cells, provider_names)
        if self.filters.colour != "end":
            for by_area in items.values():
                for column_items in by_area.values():
                    for item in column_items:
                        item.fill = rules.supplier_swatch(swatches, item.provider_slug)
        rows = []
        for pk in ids:
            candidate = self.candidates[pk]
            by_area = items.get(pk, {})
            cells = []
            for column in columns:
                column_items = by_area.get(column.slug, [])
                column_items.sort(key=lambda item: (item.product_name.casefold(), item.system_id))
                cells.append(MatrixCell(column, column_items))
            rows.append(MatrixRow(candidate.slug, candidate.name, candidate.identifier, candidate.population, cells))
        return Matrix(
            filters=self.filters,
            column_groups=self.column_groups,
            rows=rows,
            organisations=len(self.organisation_ids),
            systems=self.systems,
            legend=_legend(rows, self.filters, swatches),
            hidden_rows=self.hidden_rows,
            hidden_columns=self.hidden_columns,
        )

    def _items(
        self, ids: list[int], columns: list[MatrixColumn], *, every_row: bool, end_dates: bool
    ) -> dict[int, dict[str, list[MatrixItem]]]:
        filters = self.filters
        # Every row needs no list of them: the plan's systems are the matrix's already.
        systems = self.system_query if every_row else self.system_query.filter(organisation_id__in=ids)
        if not (filters.ends_from or filters.ends_to):  # else the plan's filter added the end date
            systems = (
                with_contract_end(systems, viewer=self.viewer)
                if end_dates
                else systems.annotate(contract_end=Value(None, output_field=DateField()))
            )
        area_slugs = {column.area_id: column.slug for column in columns}
        band_of = rules.end_bands(today())
        # reverse() costs microseconds, which add up over a thousand cells; slugs need no quoting.
        product_url = reverse("inventory:product", args=["-slug-"])
        items: dict[int, dict[str, list[MatrixItem]]] = defaultdict(lambda: defaultdict(list))
        # One row per system and column it is in.
        for system_id, org_id, area_id, p_slug, p_name, m_slug, m_name, s_slug, s_name, end in (
            systems.filter(service_areas__in=list(area_slugs))
            .annotate(area_id=F("service_areas"))
            .order_by()
            .values_list(
                "pk",
                "organisation_id",
                "area_id",
                "product__slug",
                "product__name",
                "product__manufacturer__slug",
                "product__manufacturer__name",
                "supplier__slug",
                "supplier__name",
                "contract_end",
            )
        ):
            provider_slug, provider_name = (s_slug, s_name) if s_slug else (m_slug, m_name)
            band = band_of(end)
            items[org_id][area_slugs[area_id]].append(
                MatrixItem(
                    system_id=system_id,
                    product_slug=p_slug,
                    product_name=p_name,
                    provider_slug=provider_slug,
                    provider_name=provider_name,
                    manufacturer_slug=m_slug,
                    manufacturer_name=m_name,
                    contract_end=end,
                    band=band,
                    fill=band,  # by supplier: set once the rows' suppliers are ranked
                    product_url=product_url.replace("-slug-", p_slug),
                )
            )
        return items


def plan_matrix(filters: MatrixFilters, *, viewer) -> MatrixPlan:
    """Organisations × service areas after `filters`: which rows, in which order, which columns.

    Filters act on systems (a cell keeps the systems that match); rows and columns left with
    no system are hidden unless `show_empty`. Only systems and contracts the viewer may see
    fill cells, set end dates and count. A fixed number of queries whatever the size of the
    map, and none loads a row per system: whether an organisation or a column has a system
    is an EXISTS that stops at the first one; only the sorts by suppliers and by a column
    read more (a grouped count, one column's systems).
    """
    areas = list(
        ServiceArea.objects.leaves()
        .select_related("parent")
        .order_by("parent__position", "parent__name", "position", "name")
    )
    if filters.group:
        areas = [area for area in areas if area.parent.slug == filters.group]
    area_ids = [area.pk for area in areas]

    organisations = Organisation.objects.all()
    if filters.network:
        organisations = organisations.filter(memberships__network__slug=filters.network)
    if filters.search:
        organisations = search_organisations(organisations, filters.search)

    systems = filter_systems(
        System.objects.visible_to(viewer),
        product=filters.product,
        supplier=filters.supplier,
        service_area=filters.group,
    )
    if filters.ends_from or filters.ends_to:
        systems = with_contract_end(systems, viewer=viewer)
        if filters.ends_from:
            systems = systems.filter(contract_end__gte=filters.ends_from)
        if filters.ends_to:
            systems = systems.filter(contract_end__lte=filters.ends_to)
    # A system is in the matrix when it is in one of its columns' areas.
    placed = systems.filter(service_areas__in=area_ids)

    candidates = {}
    used_organisations = set()
    for pk, slug, short_name, name, identifier, population, used in (
        organisations.order_by()
        .annotate(used=Exists(placed.filter(organisation_id=OuterRef("pk"))))
        .values_list("pk", "slug", "short_name", "name", "identifier", "population", "used")
    ):
        candidates[pk] = _Candidate(slug, short_name or name, identifier, population)
        if used:
            used_organisations.add(pk)
    shown_ids = list(candidates) if filters.show_empty else list(used_organisations)
    if filters.network or filters.search:
        systems = systems.filter(organisation__in=organisations.values("pk"))
        placed = placed.filter(organisation__in=organisations.values("pk"))
    used_area_ids = set(
        ServiceArea.objects.filter(pk__in=area_ids)
        .filter(Exists(systems.filter(service_areas=OuterRef("pk"))))
        .values_list("pk", flat=True)
    )
    system_count = systems.filter(
        pk__in=SystemArea.objects.filter(servicearea_id__in=area_ids).values("system_id")
    ).count()

    shown_areas = areas if filters.show_empty else [area for area in areas if area.pk in used_area_ids]
    column_groups: list[MatrixColumnGroup] = []
    for area in shown_areas:
        column = MatrixColumn(area.slug, area.name, area.parent.slug, area.parent.name, area.kind, area_id=area.pk)
        if not column_groups or column_groups[-1].slug != area.parent.slug:
            column.group_start = True
            column_groups.append(MatrixColumnGroup(area.parent.slug, area.parent.name, []))
        column_groups[-1].columns.append(column)

    if filters.sort_key == "suppliers":
        for org_id, suppliers in (
            placed.order_by()
            .values("organisation_id")
            .annotate(suppliers=Count(Coalesce("supplier_id", "product__manufacturer_id"), distinct=True))
            .values_list("organisation_id", "suppliers")
        ):
            candidates[org_id].suppliers = suppliers
    sort_area = next((area for area in shown_areas if area.slug == filters.sort_area), None)
    if sort_area is not None:
        _set_area_text(candidates, systems.filter(service_areas=sort_area.pk))
    return MatrixPlan(
        filters=filters,
        column_groups=column_groups,
        organisation_ids=_sorted_rows(shown_ids, candidates, filters, sort_area is not None),
        systems=system_count,
        hidden_rows=len(candidates) - len(shown_ids),
        hidden_columns=len(areas) - len(shown_areas),
        candidates=candidates,
        system_query=systems,
        viewer=viewer,
    )


def _set_area_text(candidates: dict[int, _Candidate], systems: QuerySet[System]) -> None:
    """Each organisation's cell in one column as the page writes it, to sort the rows by."""
    names: dict[int, list[tuple[str, int, str]]] = defaultdict(list)
    for org_id, system_id, product_name in systems.order_by().values_list(
        "organisation_id", "pk", "product__name"
    ):
        names[org_id].append((product_name.casefold(), system_id, product_name))
    for org_id, cell in names.items():
        candidates[org_id].area_text = "; ".join(name for _, _, name in sorted(cell)).casefold()


def _sorted_rows(ids: list[int], candidates: dict[int, _Candidate], filters: MatrixFilters, by_area: bool) -> list[int]:
    """Rows in order. Rows with nothing to sort on (no population, empty cell) always go last."""
    ids = sorted(ids, key=lambda pk: (candidates[pk].name.casefold(), candidates[pk].slug))
    key = filters.sort_key
    if key == "population":
        known = sorted(
            (pk for pk in ids if candidates[pk].population is not None),
            key=lambda pk: candidates[pk].population,
            reverse=filters.descending,
        )
        return known + [pk for pk in ids if candidates[pk].population is None]
    if key == "suppliers":
        return sorted(ids, key=lambda pk: candidates[pk].suppliers, reverse=filters.descending)
    if filters.sort_area:
        if not by_area:
            return ids
        filled = sorted(
            (pk for pk in ids if candidates[pk].area_text),
            key=lambda pk: candidates[pk].area_text,
            reverse=filters.descending,
        )
        return filled + [pk for pk in ids if not candidates[pk].area_text]
    if filters.descending:
        ids.reverse()
    return ids


def build_matrix(filters: MatrixFilters, *, viewer, offset: int = 0, limit: int | None = None) -> Matrix:
    """The matrix after `filters`, with `limit` rows from `offset` (every row when None)."""
    plan = plan_matrix(filters, viewer=viewer)
    end = None if limit is None else offset + limit
    return plan.matrix(plan.organisation_ids[offset:end])


def _legend(
    rows: list[MatrixRow], filters: MatrixFilters, swatches: dict[str, rules.Swatch]
) -> list[LegendEntry]:
    """The colours used in `rows`, with how many of their systems take each."""
    counts: Counter = Counter(
        item.fill.key for row in rows for cell in row.cells for item in cell.items
    )
    if filters.colour == "end":
        candidates = list(rules.END_BANDS)
    else:
        candidates = [*swatches.values(), rules.OTHER_SUPPLIER]
    return [LegendEntry(swatch, counts[swatch.key]) for swatch in candidates if counts[swatch.key]]


# Products -----------------------------------------------------------------------------------


@dataclass
class AreaRef:
    slug: str
    name: str
    group_name: str

    @property
    def url(self) -> str:
        return reverse("inventory:service_area", args=[self.slug])


@dataclass
class ProductSummary:
    slug: str
    name: str
    manufacturer_slug: str
    manufacturer_name: str
    organisations: int
    service_areas: list[AreaRef]

    @property
    def url(self) -> str:
        return reverse("inventory:product", args=[self.slug])


PRODUCT_SORTS = {
    "name": "Name (A to Z)",
    "-users": "Most organisations first",
    "users": "Fewest organisations first",
}


def _area_refs() -> dict[int, AreaRef]:
    return {
        pk: AreaRef(slug, name, group_name or "")
        for pk, slug, name, group_name in ServiceArea.objects.leaves()
        .order_by("parent__position", "position", "name")
        .values_list("pk", "slug", "name", "parent__name")
    }


class ProductSummaries(Slices):
    """Products in list order, a slice at a time: two queries a slice, the products with
    their organisation counts, and their areas."""

    def load(self, rows: QuerySet[Product]) -> list[ProductSummary]:
        return _summaries(list(rows), viewer=self.viewer)


def product_summaries(
    *, viewer, service_area: str = "", manufacturer: str = "", search: str = "", sort: str = "name"
) -> ProductSummaries:
    """Products with who makes them, how many organisations use them, and where, counting the
    systems the viewer may see; sorted by name or by that count (then by name)."""
    visible = System.objects.visible_to(viewer)
    products = Product.objects.all()
    if manufacturer:
        products = products.filter(manufacturer__slug=manufacturer)
    if search:
        products = products.filter(Q(name__icontains=search) | Q(manufacturer__name__icontains=search))
    if service_area:
        products = products.filter(
            pk__in=SystemArea.objects.filter(_area_scope(service_area), system__in=visible.values("pk")).values(
                "system__product_id"
            )
        )
    # A correlated count through the systems' product index: for a page sorted by name only
    # the page's products are counted.
    users = (
        visible.filter(product=OuterRef("pk"))
        .order_by()
        .values("product")
        .annotate(n=Count("organisation", distinct=True))
        .values("n")
    )
    products = products.annotate(users=Coalesce(Subquery(users), 0)).select_related("manufacturer")
    order = {"-users": ("-users",), "users": ("users",)}.get(sort, ())
    return ProductSummaries(products.order_by(*order, "name", "pk"), viewer=viewer)


def _summaries(products: list[Product], *, viewer) -> list[ProductSummary]:
    areas = _area_refs()
    area_order = {pk: index for index, pk in enumerate(areas)}
    product_areas: dict[int, set[int]] = defaultdict(set)
    # From the products' systems (their index), not an IN list of every visible system.
    for product_id, area_id in (
        System.objects.visible_to(viewer)
        .filter(product__in=[product.pk for product in products], service_areas__isnull=False)
        .order_by()
        .values_list("product_id", "service_areas")
        .distinct()
    ):
        product_areas[product_id].add(area_id)
    return [
        ProductSummary(
            slug=product.slug,
            name=product.name,
            manufacturer_slug=product.manufacturer.slug,
            manufacturer_name=product.manufacturer.name,
            organisations=product.users,
            service_areas=[areas[a] for a in sorted(product_areas[product.pk], key=area_order.get) if a in areas],
        )
        for product in products
    ]


@dataclass
class Use:
    """One organisation's use of a product, as a row of a "who uses it" table."""

    system: System
    service_areas: list[ServiceArea]
    contract_end: datetime.date | None
    band: rules.Swatch

    @property
    def organisation(self) -> Organisation:
        return self.system.organisation

    @property
    def end_text(self) -> str:
        return end_text(self.contract_end, self.band)

    @property
    def resold(self) -> bool:
        """True when someone other than the maker supplies it."""
        supplier_id = self.system.supplier_id
        return bool(supplier_id) and supplier_id != self.system.product.manufacturer_id


@dataclass
class SupplyRoute:
    """Who supplies a product, and to how many organisations."""

    slug: str
    name: str
    organisations: int
    is_manufacturer: bool

    @property
    def url(self) -> str:
        return reverse("directory:supplier", args=[self.slug])


@dataclass
class ProductDetail:
    product: Product
    uses: list[Use]
    routes: list[SupplyRoute]
    service_areas: list[ServiceArea]
    share: MarketShare
    ending: list[Contract]

    @property
    def organisations(self) -> int:
        return len({use.system.organisation_id for use in self.uses})

    @property
    def resold(self) -> bool:
        return any(not route.is_manufacturer for route in self.routes)


class Uses(Slices):
    """Who uses what among `systems` (already kept to what the viewer may see), in table
    order, a slice at a time: three queries a slice, the systems with their latest contract
    end, and their areas."""

    def __init__(self, systems: QuerySet[System], *, viewer):
        super().__init__(
            with_contract_end(systems, viewer=viewer).order_by("organisation__short_name", "product__name", "pk"),
            viewer=viewer,
        )

    def load(self, rows: QuerySet[System]) -> list[Use]:
        band_of = rules.end_bands(today())
        loaded = self.viewer.redact_systems(
            list(rows.select_related("organisation", "product__manufacturer", "supplier").prefetch_related("service_areas"))
        )
        return [
            Use(system, list(system.service_areas.all()), system.contract_end, band_of(system.contract_end))
            for system in loaded
        ]


def _systems_in(area_ids, *, viewer) -> QuerySet[System]:
    in_areas = SystemArea.objects.filter(servicearea_id__in=area_ids).values("system_id")
    return System.objects.visible_to(viewer).filter(pk__in=in_areas)


def _ending_in(systems: QuerySet[System], *, viewer) -> Ending:
    links = ContractSystem.objects.filter(system__in=systems.values("pk")).values("contract_id")
    return Ending(contracts_ending(Contract.objects.filter(pk__in=links), viewer=viewer), viewer=viewer)


def product_detail(slug: str, *, viewer) -> ProductDetail:
    """A product, who uses it for what, who supplies it, and its share among competitors,
    as far as the viewer may see."""
    try:
        product = Product.objects.select_related("manufacturer").get(slug=slug)
    except Product.DoesNotExist:
        raise Http404("No such product.") from None
    systems = System.objects.visible_to(viewer).filter(product=product)
    uses = Uses(systems, viewer=viewer)[:]
    by_provider: dict[str, set[int]] = defaultdict(set)
    names = {}
    for use in uses:
        provider = use.system.provider
        by_provider[provider.slug].add(use.system.organisation_id)
        names[provider.slug] = provider.name
    routes = sorted(
        (
            SupplyRoute(slug, names[slug], len(orgs), slug == product.manufacturer.slug)
            for slug, orgs in by_provider.items()
        ),
        key=lambda route: (not route.is_manufacturer, -route.organisations, route.name),
    )
    area_ids = {area.pk for use in uses for area in use.service_areas}
    service_areas = sorted(
        {area.pk: area for use in uses for area in use.service_areas}.values(),
        key=lambda area: (area.position, area.name),
    )
    return ProductDetail(
        product=product,
        uses=uses,
        routes=routes,
        service_areas=service_areas,
        share=market_share(_systems_in(area_ids, viewer=viewer), by="product", viewer=viewer),
        ending=_ending_in(systems, viewer=viewer)[:],
    )


# Service areas ------------------------------------------------------------------------------


@dataclass
class AreaSummary:
    area: ServiceArea
    organisations: int
    products: int


@dataclass
class GroupSummary:
    group: ServiceArea
    areas: list[AreaSummary]
    organisations: int
    products: int


def _area_counts(area_ids, *, viewer) -> tuple[dict[int, set[int]], dict[int, set[int]]]:
    organisations: dict[int, set[int]] = defaultdict(set)
    products: dict[int, set[int]] = defaultdict(set)
    for area_id, organisation_id, product_id in SystemArea.objects.filter(
        servicearea_id__in=area_ids, system__in=System.objects.visible_to(viewer).values("pk")
    ).values_list(
        "servicearea_id", "system__organisation_id", "system__product_id"
    ):
        organisations[area_id].add(organisation_id)
        products[area_id].add(product_id)
    return organisations, products


def _group_summaries(groups, leaves, *, viewer) -> list[GroupSummary]:
    organisations, products = _area_counts([area.pk for area in leaves], viewer=viewer)
    children = defaultdict(list)
    for area in leaves:
        children[area.parent_id].append(area)
    summaries = []
    for group in groups:
        areas = children[group.pk]
        summaries.append(
            GroupSummary(
                group=group,
                areas=[AreaSummary(a, len(organisations[a.pk]), len(products[a.pk])) for a in areas],
                organisations=len(set().union(*(organisations[a.pk] for a in areas))),
                products=len(set().union(*(products[a.pk] for a in areas))),
            )
        )
    return summaries


def service_area_tree(*, viewer) -> list[GroupSummary]:
    """Every group with its areas, and how many organisations and products each has among the
    systems the viewer may see. Two queries."""
    areas = list(ServiceArea.objects.order_by("position", "name"))
    return _group_summaries([a for a in areas if a.is_group], [a for a in areas if not a.is_group], viewer=viewer)


@dataclass
class ServiceAreaDetail:
    area: ServiceArea
    summary: GroupSummary | None
    uses: Uses
    provider_share: MarketShare
    product_share: MarketShare
    ending: Ending

    @property
    def organisations(self) -> int:
        return self.provider_share.organisations


def service_area_detail(slug: str, *, viewer) -> ServiceAreaDetail:
    """An area (or a group of areas): who uses what, shares by supplier and product, and
    endings, as far as the viewer may see. The two lists are read a page at a time (`Uses`,
    `Ending`): an area at the uk tier has hundreds of systems and contracts."""
    try:
        area = ServiceArea.objects.select_related("parent").get(slug=slug)
    except ServiceArea.DoesNotExist:
        raise Http404("No such service area.") from None
    summary = None
    if area.is_group:
        leaves = list(area.children.order_by("position", "name"))
        summary = _group_summaries([area], leaves, viewer=viewer)[0]
        area_ids = [leaf.pk for leaf in leaves]
    else:
        area_ids = [area.pk]
    systems = _systems_in(area_ids, viewer=viewer)
    return ServiceAreaDetail(
        area=area,
        summary=summary,
        # A group lists its areas instead of its systems.
        uses=Uses(System.objects.none() if area.is_group else systems, viewer=viewer),
        provider_share=market_share(systems, by="provider", viewer=viewer),
        product_share=market_share(systems, by="product", viewer=viewer),
        ending=_ending_in(systems, viewer=viewer),
    )

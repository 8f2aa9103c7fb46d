"""Reads behind the organisation and supplier pages and their API endpoints.

They live in market, the read side of the map, not in directory: an organisation's page is
about the systems and contracts that point at it, and the directory app imports nothing
above it (docs/architecture.md). Every function
runs a fixed number of queries, however many organisations, systems or contracts exist.

Every read that touches systems or contracts takes the viewer and counts only what the
viewer may see (citytools.accounts.viewer); loaded rows come back redacted.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    Count,
    F,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from citytools.accounts.viewer import redacted
from citytools.contracts.models import Contract
from citytools.core import versions
from citytools.core.dates import today
from citytools.directory.models import Network, NetworkMembership, Organisation, Supplier
from citytools.inventory.models import Product, ServiceArea, System
from citytools.market.queries import (
    Coverage,
    Ending,
    MarketShare,
    Slices,
    contracts_ending,
    live,
    market_share,
    market_share_by_service_area,
)


def _count_distinct(queryset: QuerySet, expression) -> Subquery:
    """A correlated COUNT(DISTINCT ...) that yields 0, not NULL, when nothing matches.

    The count is a plain function rather than an aggregate so that Django adds no GROUP BY
    to the subquery: it always returns exactly one row.
    """
    counted = Func(expression, function="COUNT", template="COUNT(DISTINCT %(expressions)s)")
    return Subquery(
        queryset.order_by().annotate(_n=counted).values("_n"), output_field=IntegerField()
    )


def _next_end(contracts: QuerySet[Contract]) -> Subquery:
    return Subquery(
        contracts.filter(end_date__gte=today())
        .order_by()
        .annotate(_end=Func(F("end_date"), function="MIN"))
        .values("_end")
    )


def _order(queryset: QuerySet, sort: str, sorts: dict[str, str], default: str) -> QuerySet:
    """Sort by a whitelisted key; '-key' reverses. Empty values go last either way, so the
    order is the same on SQLite and PostgreSQL."""
    key = sort.lstrip("-") if sort else ""
    if key not in sorts:
        key, sort = default, default
    field = F(sorts[key])
    ordering = field.desc(nulls_last=True) if sort.startswith("-") else field.asc(nulls_last=True)
    return queryset.order_by(ordering, "name", "pk")


# Networks -----------------------------------------------------------------------------


def networks() -> QuerySet[Network]:
    return Network.objects.annotate(organisation_count=Count("memberships")).order_by("name")


def network_or_none(slug: str | None) -> Network | None:
    if not slug:
        return None
    return Network.objects.filter(slug=slug).first()


def network(slug: str) -> Network:
    return get_object_or_404(Network, slug=slug)


def network_organisations(net: Network) -> list[Organisation]:
    return list(Organisation.objects.in_network(net).order_by("short_name", "pk"))


# Organisations ------------------------------------------------------------------------

ORGANISATION_SORTS = {
    "name": "short_name",
    "kind": "kind",
    "region": "region",
    "population": "population",
    "systems": "system_count",
    "suppliers": "supplier_count",
    "next_end": "next_contract_end",
}


def organisation_table(
    *,
    viewer,
    network: str | None = None,
    everyone: bool = False,
    name: str | None = None,
    sort: str = "name",
) -> QuerySet[Organisation]:
    """Organisations with their number of systems, distinct suppliers and next contract end.

    By default only organisations in some network: the reference list of UK authorities is
    long and most of it has nothing mapped. `everyone` lists them all; `network` (a slug)
    narrows to one network's members. Counts cover what the viewer may see.
    """
    organisations = Organisation.objects.all()
    if network:
        organisations = organisations.filter(
            pk__in=NetworkMembership.objects.filter(network__slug=network).values("organisation")
        )
    elif not everyone:
        organisations = organisations.filter(pk__in=NetworkMembership.objects.values("organisation"))
    if name:
        organisations = organisations.filter(
            Q(name__icontains=name) | Q(short_name__icontains=name) | Q(alternative_names__icontains=name)
        )
    systems = System.objects.visible_to(viewer).filter(organisation=OuterRef("pk"))
    organisations = organisations.annotate(
        system_count=_count_distinct(systems, F("id")),
        supplier_count=_count_distinct(
            systems, Coalesce(F("supplier_id"), F("product__manufacturer_id"))
        ),
        next_contract_end=_next_end(Contract.objects.visible_to(viewer).filter(organisation=OuterRef("pk"))),
    )
    return _order(organisations, sort, ORGANISATION_SORTS, "name")


def organisation(slug: str) -> Organisation:
    return get_object_or_404(Organisation.objects.prefetch_related("networks"), slug=slug)


def organisation_systems(org: Organisation, *, viewer) -> list[System]:
    """Every system of the organisation the viewer may see, with what each row of its page
    needs; notes the viewer may not see are blanked."""
    return viewer.redact_systems(
        System.objects.visible_to(viewer)
        .filter(organisation=org)
        .select_related("product__manufacturer", "supplier")
        .prefetch_related(
            Prefetch("service_areas", queryset=ServiceArea.objects.select_related("parent")),
            Prefetch(
                "contracts",
                queryset=live(Contract.objects.visible_to(viewer)).order_by("end_date", "id"),
                to_attr="live_contracts",
            ),
        )
        .order_by("product__name", "id")
    )


@dataclass(frozen=True)
class SystemGroup:
    group: ServiceArea | None
    systems: list[tuple[System, list[ServiceArea]]]


def systems_by_group(systems: list[System]) -> list[SystemGroup]:
    """Systems under each service-area group they serve, in taxonomy order. A system used
    in two groups appears in both; one with no area is listed last, as not classified."""
    groups: dict[int | None, ServiceArea | None] = {}
    members: dict[int | None, list[tuple[System, list[ServiceArea]]]] = defaultdict(list)
    for system in systems:
        areas_by_group: dict[int | None, list[ServiceArea]] = defaultdict(list)
        for area in system.service_areas.all():
            group = area.parent or area
            groups[group.pk] = group
            areas_by_group[group.pk].append(area)
        if not areas_by_group:
            groups[None] = None
            areas_by_group[None] = []
        for group_id, areas in areas_by_group.items():
            members[group_id].append((system, areas))
    order = sorted(
        groups, key=lambda g: (g is None, groups[g].position if g else 0, groups[g].name if g else "")
    )
    return [SystemGroup(groups[g], members[g]) for g in order]


@dataclass(frozen=True)
class ProviderShare:
    slug: str
    name: str
    url: str
    systems: int
    system_share: float
    annual_value: Decimal
    value_share: float


def provider_shares(
    org: Organisation, systems: list[System], *, viewer
) -> tuple[list[ProviderShare], MarketShare]:
    """Each supplier's share of the organisation's systems, by number and by annual value.

    Value comes from `market_share`, so it splits a contract covering several systems the
    same way as every other page. `systems` are those `organisation_systems` gave the viewer.
    """
    share = market_share(System.objects.filter(organisation=org), by="provider", viewer=viewer)
    counts: dict[str, int] = defaultdict(int)
    for system in systems:
        counts[system.provider.slug] += 1
    total = sum(counts.values())
    rows = [
        ProviderShare(
            slug=row.slug,
            name=row.name,
            url=row.url,
            systems=counts[row.slug],
            system_share=counts[row.slug] / total if total else 0.0,
            annual_value=row.annual_value,
            value_share=row.value_share,
        )
        for row in share.rows
    ]
    rows.sort(key=lambda row: (-row.annual_value, -row.systems, row.name))
    return rows, share


def contracts_ending_for(contracts: QuerySet[Contract], *, viewer) -> QuerySet[Contract]:
    """Contracts the viewer may see ending soon, with the systems they may see; pass the
    loaded rows through `citytools.accounts.viewer.redacted`."""
    return contracts_ending(contracts, viewer=viewer).prefetch_related(
        Prefetch("systems", queryset=System.objects.visible_to(viewer).select_related("product"))
    )


def ending_for(contracts: QuerySet[Contract], *, viewer) -> list[Contract]:
    """`contracts_ending_for`, loaded and redacted."""
    return redacted(contracts_ending_for(contracts, viewer=viewer), viewer=viewer)


@dataclass(frozen=True)
class Peers:
    product: Product
    organisations: int


def peers(org: Organisation, systems: list[System], *, viewer) -> list[Peers]:
    """For each product the organisation uses, how many other members of its networks use it,
    counting only systems the viewer may see."""
    products = {system.product_id: system.product for system in systems}
    counts = dict(
        System.objects.visible_to(viewer)
        .filter(
            product__in=list(products),
            organisation__memberships__network__in=org.memberships.values("network"),
        )
        .exclude(organisation=org)
        .order_by()
        .values("product")
        .annotate(n=Count("organisation", distinct=True))
        .values_list("product", "n")
    )
    rows = [Peers(product, counts.get(pk, 0)) for pk, product in products.items()]
    rows.sort(key=lambda row: (-row.organisations, row.product.name))
    return rows


# Suppliers ----------------------------------------------------------------------------

SUPPLIER_SORTS = {
    "name": "name",
    "parent": "parent__name",
    "products": "product_count",
    "organisations": "organisation_count",
    "contracts": "contract_count",
    "next_end": "next_contract_end",
}


def _served_by(supplier_ref, *, viewer) -> QuerySet[System]:
    """Systems the company (a Supplier, or an OuterRef to one) makes or supplies. The products
    it makes are a subquery rather than a join, so that each half of the OR can use its index:
    with the join, the database read every system for each supplier (about 8 s for the
    suppliers page at the uk scale tier, 30 ms this way)."""
    maker = OuterRef(supplier_ref) if isinstance(supplier_ref, OuterRef) else supplier_ref
    made = Product.entries.filter(manufacturer=maker).values("pk")
    return System.objects.visible_to(viewer).filter(Q(product__in=made) | Q(supplier=supplier_ref))


def supplier_table(
    *, viewer, name: str | None = None, sme: str | None = None, sort: str = "name"
) -> QuerySet[Supplier]:
    """Suppliers with products made, organisations served (as maker or supplier), contracts
    and next contract end. `sme` is 'yes', 'no' or 'unknown'."""
    suppliers = Supplier.objects.select_related("parent")
    if name:
        suppliers = suppliers.filter(name__icontains=name)
    if sme == "yes":
        suppliers = suppliers.filter(is_sme=True)
    elif sme == "no":
        suppliers = suppliers.filter(is_sme=False)
    elif sme == "unknown":
        suppliers = suppliers.filter(is_sme__isnull=True)
    suppliers = suppliers.annotate(
        product_count=_count_distinct(Product.objects.filter(manufacturer=OuterRef("pk")), F("id")),
        organisation_count=_count_distinct(_served_by(OuterRef("pk"), viewer=viewer), F("organisation_id")),
        contract_count=_count_distinct(Contract.objects.visible_to(viewer).filter(supplier=OuterRef("pk")), F("id")),
        next_contract_end=_next_end(Contract.objects.visible_to(viewer).filter(supplier=OuterRef("pk"))),
    )
    return _order(suppliers, sort, SUPPLIER_SORTS, "name")


def supplier(slug: str) -> Supplier:
    return get_object_or_404(
        Supplier.objects.select_related("parent").prefetch_related("subsidiaries"), slug=slug
    )


def products_made(company: Supplier, *, viewer) -> list[Product]:
    """Products the company makes, each with `organisation_count` and `resellers`: the other
    companies that supply it to someone, as far as the viewer may see."""
    visible = System.objects.visible_to(viewer)
    products = list(
        Product.objects.filter(manufacturer=company)
        .annotate(
            organisation_count=_count_distinct(visible.filter(product=OuterRef("pk")), F("organisation_id"))
        )
        .order_by("name")
    )
    resellers: dict[int, list[Supplier]] = defaultdict(list)
    pairs = (
        visible.filter(product__manufacturer=company, supplier__isnull=False)
        .exclude(supplier=company)
        .order_by()
        .values_list("product_id", "supplier_id")
        .distinct()
    )
    pairs = list(pairs)
    companies = Supplier.objects.in_bulk({supplier_id for _, supplier_id in pairs})
    for product_id, supplier_id in pairs:
        resellers[product_id].append(companies[supplier_id])
    for product in products:
        product.resellers = sorted(resellers[product.pk], key=lambda s: s.name)
    return products


def products_supplied(company: Supplier, *, viewer) -> list[Product]:
    """Other manufacturers' products that the company sells or runs, with how many
    organisations it supplies each to, as far as the viewer may see."""
    visible = System.objects.visible_to(viewer)
    return list(
        Product.objects.filter(pk__in=visible.filter(supplier=company).values("product"))
        .exclude(manufacturer=company)
        .select_related("manufacturer")
        .annotate(
            organisation_count=_count_distinct(
                visible.filter(product=OuterRef("pk"), supplier=company), F("organisation_id")
            )
        )
        .order_by("name")
    )


class Served(Slices):
    """Systems a company makes or supplies, a slice at a time, with what the viewer may not
    see blanked."""

    def load(self, rows: QuerySet[System]) -> list[System]:
        return self.viewer.redact_systems(
            rows.select_related("organisation", "product__manufacturer", "supplier").prefetch_related("service_areas")
        )


def supplier_systems(company: Supplier, *, viewer) -> Served:
    """Every system the viewer may see that the company makes or supplies: who uses it, and
    for what. Read a page at a time (a large supplier's runs to hundreds); iterating reads
    them all."""
    return Served(_served_by(company, viewer=viewer).order_by("organisation__short_name", "product__name", "id"), viewer=viewer)


def supplier_ending(company: Supplier, *, viewer) -> Ending:
    """`ending_for` the company's contracts, read a page at a time."""
    return Ending(contracts_ending_for(company.contracts.all(), viewer=viewer), viewer=viewer)


@dataclass(frozen=True)
class AreaShare:
    area: ServiceArea
    organisations: int
    organisations_in_area: int
    organisation_share: float
    annual_value: Decimal
    area_value: Decimal
    value_share: float
    currency: str
    values_shown: int
    values_hidden: int


def area_shares(company: Supplier, *, viewer) -> list[AreaShare]:
    """The company's share of each service area where it provides at least one system.

    Counted by provider, as elsewhere: a system counts for its supplier when it has one,
    else for its manufacturer. Figures match the area's own market share, for the same viewer.
    Remembered until the map changes (citytools.core.versions): it counts every system in
    every area the company is in.
    """
    key = (viewer.key, company.pk, today().isoformat())
    return versions.remembered("area-shares", key, lambda: _area_shares(company, viewer=viewer))


def _area_shares(company: Supplier, *, viewer) -> list[AreaShare]:
    provided = System.objects.visible_to(viewer).filter(
        Q(supplier=company) | Q(supplier__isnull=True, product__manufacturer=company)
    )
    areas = ServiceArea.objects.filter(
        pk__in=System.service_areas.through.objects.filter(system__in=provided).values("servicearea")
    ).select_related("parent")
    areas = {area.pk: area for area in areas}
    systems_in_areas = System.objects.visible_to(viewer).filter(
        pk__in=System.service_areas.through.objects.filter(servicearea__in=list(areas)).values("system")
    )
    result = []
    for area_id, share in market_share_by_service_area(systems_in_areas, by="provider", viewer=viewer).items():
        if area_id not in areas:
            continue
        row = next((row for row in share.rows if row.slug == company.slug), None)
        if row is None:
            continue
        result.append(
            AreaShare(
                area=areas[area_id],
                organisations=row.organisations,
                organisations_in_area=share.organisations,
                organisation_share=row.organisation_share,
                annual_value=row.annual_value,
                area_value=share.annual_value,
                value_share=row.value_share,
                currency=share.currency,
                values_shown=share.values_shown,
                values_hidden=share.values_hidden,
            )
        )
    result.sort(key=lambda row: (-row.organisation_share, row.area.name))
    return result


def area_value_coverage(shares: list[AreaShare]) -> Coverage:
    """Whether the viewer sees all, some or none of the values behind `shares`."""
    return Coverage(sum(row.values_shown for row in shares), sum(row.values_hidden for row in shares))

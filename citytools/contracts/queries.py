"""Reads behind the contract list and contract pages and their API endpoints.

Every read takes the viewer: it starts from the contracts the viewer may see, links only the
systems the viewer may see, and hands back loaded contracts with hidden values blanked.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Case, Count, F, Prefetch, Q, QuerySet, When
from django.shortcuts import get_object_or_404

from citytools.accounts.viewer import values_visible
from citytools.contracts.models import Contract
from citytools.core.dates import add_months, ending_soon_window
from citytools.core.dates import today as local_today
from citytools.directory.models import Network, NetworkMembership, Organisation, Supplier
from citytools.inventory.models import ServiceArea, System

# "value" sorts by the value the viewer may see, so the order of hidden values is not given away.
CONTRACT_SORTS = {"end_date": "end_date", "value": "visible_value", "organisation": "organisation__short_name"}


@dataclass(frozen=True)
class ContractFilters:
    """What the contract list and `GET /api/v1/contracts` can be narrowed by. Slugs name the
    network, organisation, supplier and service area; a service-area group includes its areas."""

    network: str | None = None
    organisation: str | None = None
    supplier: str | None = None
    service_area: str | None = None
    ending_within: int | None = None
    end_from: datetime.date | None = None
    end_to: datetime.date | None = None
    sort: str = "end_date"


def _linked_systems(viewer) -> QuerySet[System]:
    return System.objects.visible_to(viewer)


def links(contracts: QuerySet[Contract], systems: QuerySet[System]) -> QuerySet:
    """The links between some contracts and some systems, each side given as a queryset and read
    as a subquery (never as a list of ids).

    The contracts' side is kept as a filter (`contract_id + 0`): given both sides, SQLite's
    planner looks up every pair of ids in the links' (contract, system) index, billions of
    lookups at the uk scale tier; this way it walks each system's links and checks the contract."""
    return (
        Contract.systems.through.objects.alias(listed_contract=F("contract_id") + 0)
        .filter(system_id__in=systems.order_by().values("pk"), listed_contract__in=contracts.order_by().values("pk"))
        .order_by()
    )


def filter_contracts(filters: ContractFilters, *, viewer) -> QuerySet[Contract]:
    """The contracts the viewer may see, after `filters`. Values are still in the rows: a
    page or endpoint passes what it loads through `viewer.redact_contracts`."""
    contracts = (
        Contract.objects.visible_to(viewer)
        .select_related("organisation", "supplier")
        .prefetch_related(
            Prefetch("systems", queryset=_linked_systems(viewer).select_related("product").order_by("product__name"))
        )
        .annotate(visible_value=Case(When(values_visible(viewer), then=F("annual_value"))))
    )
    if filters.network:
        contracts = contracts.filter(
            organisation__in=NetworkMembership.objects.filter(network__slug=filters.network).values(
                "organisation"
            )
        )
    if filters.organisation:
        contracts = contracts.filter(organisation__slug=filters.organisation)
    if filters.supplier:
        contracts = contracts.filter(supplier__slug=filters.supplier)
    if filters.service_area:
        areas = ServiceArea.objects.filter(
            Q(slug=filters.service_area) | Q(parent__slug=filters.service_area)
        )
        contracts = contracts.filter(
            pk__in=Contract.systems.through.objects.filter(system__service_areas__in=areas).values(
                "contract"
            )
        )
    if filters.ending_within is not None:
        contracts = contracts.ending_between(*ending_soon_window(filters.ending_within))
    if filters.end_from:
        contracts = contracts.filter(end_date__gte=filters.end_from)
    if filters.end_to:
        contracts = contracts.filter(end_date__lte=filters.end_to)
    return sort_contracts(contracts, filters.sort)


def sort_contracts(contracts: QuerySet[Contract], sort: str) -> QuerySet[Contract]:
    """'-key' reverses; contracts with no value go last either way, on every database."""
    key = (sort or "").lstrip("-")
    if key not in CONTRACT_SORTS:
        key, sort = "end_date", "end_date"
    field = F(CONTRACT_SORTS[key])
    ordering = field.desc(nulls_last=True) if sort.startswith("-") else field.asc(nulls_last=True)
    return contracts.order_by(ordering, "end_date", "id")


def contract(pk: int, *, viewer) -> Contract:
    """One contract the viewer may see, values redacted; a 404 for one they may not, so a
    confidential contract does not exist for them."""
    found = get_object_or_404(
        Contract.objects.visible_to(viewer)
        .select_related("organisation", "supplier")
        .prefetch_related(
            Prefetch(
                "systems",
                queryset=_linked_systems(viewer)
                .select_related("organisation", "product__manufacturer", "supplier")
                .prefetch_related("service_areas")
                .order_by("product__name"),
            )
        ),
        pk=pk,
    )
    return viewer.redact_contracts([found])[0]


@dataclass(frozen=True)
class FilterOptions:
    networks: list[Network]
    organisations: list[Organisation]
    suppliers: list[Supplier]
    service_areas: list[tuple[ServiceArea, list[ServiceArea]]]


def filter_options(*, viewer) -> FilterOptions:
    """The choices the contract filters offer: only what at least one contract the viewer
    may see refers to."""
    contracts = Contract.objects.visible_to(viewer)
    return FilterOptions(
        networks=list(Network.objects.order_by("name")),
        organisations=list(
            Organisation.objects.filter(pk__in=contracts.values("organisation")).order_by("short_name")
        ),
        suppliers=list(Supplier.objects.filter(pk__in=contracts.values("supplier")).order_by("name")),
        service_areas=service_area_tree(),
    )


def service_area_tree() -> list[tuple[ServiceArea, list[ServiceArea]]]:
    """Each group with its areas, both in taxonomy order, from one query."""
    areas = list(ServiceArea.objects.order_by("position", "name"))
    children: dict[int, list[ServiceArea]] = {}
    for area in areas:
        if area.parent_id:
            children.setdefault(area.parent_id, []).append(area)
    return [(area, children.get(area.pk, [])) for area in areas if area.parent_id is None]


# The expiry timeline -----------------------------------------------------------------------

TIMELINE_MONTHS = (3, 6, 12, 24)


def timeline(filters: ContractFilters, *, months: int, viewer, today: datetime.date | None = None) -> QuerySet[Contract]:
    """Contracts the viewer may see that end from today up to `months` ahead, soonest first.
    The filters' own date bounds are replaced by the range. Values are still in the rows: a
    page passes what it loads through `viewer.redact_contracts`."""
    start = today or local_today()
    ranged = ContractFilters(
        network=filters.network, organisation=filters.organisation, supplier=filters.supplier,
        service_area=filters.service_area, end_from=start, end_to=add_months(start, months), sort="end_date",
    )
    # The timeline shows no systems: leaving out their prefetch halves its time.
    return filter_contracts(ranged, viewer=viewer).prefetch_related(None)


def timeline_counts(contracts: QuerySet[Contract]) -> tuple[int, int]:
    """How many of `contracts` there are, and how many have extension options: one query."""
    counts = contracts.order_by().aggregate(
        total=Count("pk"), extensions=Count("pk", filter=Q(extension_end_date__isnull=False))
    )
    return counts["total"], counts["extensions"]

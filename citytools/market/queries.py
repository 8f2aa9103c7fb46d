"""Reads about the market: who holds what share, and which contracts end when.

Every page, API endpoint and export that shows a share or an ending-soon list calls these
functions, so the figures agree wherever they appear. The database does the counting and
grouping (GROUP BY over what the viewer may see), in a fixed number of queries whatever the
size of the map; money is summed in whole cents and divided in Python, which keeps the
figures exact and the same on SQLite and PostgreSQL.

Every function takes the `viewer` (citytools.accounts.viewer) as a required keyword: counts
cover only the systems and contracts the viewer may see, and sums of money only the
contracts whose values the viewer may see (`viewer.values_q()`). Each result says how many
values were left out, so a page can say its figures are partial instead of passing a
member-only total off as the whole.
"""

import datetime
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import (
    BigIntegerField,
    Case,
    Count,
    DecimalField,
    F,
    Func,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, Round
from django.urls import reverse

from citytools.accounts.viewer import (
    Viewer,
    redacted,
    values_visible,
    visible_contracts,
    visible_systems,
)
from citytools.contracts.models import Contract
from citytools.contracts.queries import links as contract_links
from citytools.core import versions
from citytools.core.dates import add_months, ending_soon_window, today
from citytools.core.versions import query_key
from citytools.directory.models import Network, Organisation, Supplier
from citytools.inventory.models import ServiceArea, System
from citytools.market.rules import Decision, decision

SHARE_DIMENSIONS = ("provider", "manufacturer", "product")
ContractSystem = Contract.systems.through
SystemArea = System.service_areas.through


@dataclass(frozen=True)
class Share:
    """One supplier's or product's share of a set of systems."""

    slug: str
    name: str
    url: str
    organisations: int
    organisation_share: float
    annual_value: Decimal
    value_share: float


class ValueCoverage:
    """How many contracts' values a figure includes, and how many it leaves out because
    the viewer may not see them. `coverage` reads "all", "some" or "none"."""

    values_shown: int
    values_hidden: int

    @property
    def coverage(self) -> str:
        if not self.values_hidden:
            return "all"
        return "some" if self.values_shown else "none"

    @property
    def values_hidden_all(self) -> bool:
        return self.coverage == "none"


@dataclass(frozen=True)
class Coverage(ValueCoverage):
    values_shown: int
    values_hidden: int


@dataclass(frozen=True)
class MarketShare(ValueCoverage):
    rows: list[Share]
    organisations: int
    annual_value: Decimal
    currency: str
    values_shown: int = 0
    values_hidden: int = 0


def _counted_as(by: str, prefix: str = "") -> tuple:
    """The slug and name a system counts under for `by`: its product's, its product's
    maker's, or (the provider) its supplier's when it has one, else the maker's."""
    if by not in SHARE_DIMENSIONS:
        raise ValueError(f"by must be one of {SHARE_DIMENSIONS}")
    if by == "product":
        return F(f"{prefix}product__slug"), F(f"{prefix}product__name")
    maker = f"{prefix}product__manufacturer__"
    if by == "manufacturer":
        return F(f"{maker}slug"), F(f"{maker}name")
    return (
        Coalesce(F(f"{prefix}supplier__slug"), F(f"{maker}slug")),
        Coalesce(F(f"{prefix}supplier__name"), F(f"{maker}name")),
    )


def _count_distinct(field: str) -> Func:
    """COUNT(DISTINCT field) as a plain function, so that a subquery using it gets no GROUP BY
    and always returns one row."""
    return Func(F(field), function="COUNT", template="COUNT(DISTINCT %(expressions)s)", output_field=IntegerField())


def _covering(viewer) -> Subquery:
    """How many systems the viewer may see the contract of the outer link covers."""
    systems = ContractSystem.objects.filter(contract_id=OuterRef("contract_id"), system__retired_at__isnull=True)
    return Subquery(
        systems.filter(viewer.systems_q("system__")).order_by().annotate(_n=_count_distinct("system_id")).values("_n"),
        output_field=IntegerField(),
    )


# Whole cents, so that SQLite (which keeps decimals as floating point) sums them exactly.
CENTS = BigIntegerField()


def _shares(systems: QuerySet[System], *, by: str, viewer, per_area: bool) -> dict[int | None, MarketShare]:
    """The market share of `systems`: of each of their service areas with `per_area`, by area
    id; else of them all, under the key None. Three queries, the counting done by the database.

    Only systems and contracts the viewer may see count; a contract whose value is hidden from
    the viewer adds nothing to the sums but counts in `values_hidden`. A contract's value is
    split over the systems it covers that the viewer may see (not only those in `systems`),
    so a confidential system leaves no gap in the figures that would give it away.
    """
    # Remembered until the map changes (citytools.core.versions), for the same systems (the
    # same query), viewer and day: a service area's or product's page counts every system in it.
    key = (viewer.key, query_key(systems), by, per_area, today().isoformat())
    return versions.remembered("shares", key, lambda: _counted_shares(systems, by=by, viewer=viewer, per_area=per_area))


def _counted_shares(systems: QuerySet[System], *, by: str, viewer, per_area: bool) -> dict[int | None, MarketShare]:
    visible = visible_systems(systems, viewer=viewer).order_by()
    # A subquery rather than a list of ids keeps the SQL within SQLite's parameter limit.
    system_ids = visible.values("id")
    links = contract_links(visible_contracts(Contract.objects.all(), viewer=viewer), visible)
    shown = values_visible(viewer, "contract__")
    with_value = shown & Q(contract__annual_value__isnull=False)
    if per_area:
        placed = SystemArea.objects.filter(system_id__in=system_ids).order_by()
        slug, name = _counted_as(by, "system__")
        by_key = placed.values(area=F("servicearea_id"), slug=slug, name=name).annotate(
            n=Count("system__organisation_id", distinct=True)
        )
        # Grouped by area, not a subquery per area: correlated, those took minutes for a
        # supplier in every service area at the uk tier.
        by_area = links.values(area=F("system__service_areas"))
        counted = {
            kind: dict(by_area.filter(condition).annotate(_n=Count("contract_id", distinct=True)).values_list("area", "_n"))
            for kind, condition in (("shown", with_value), ("hidden", ~shown))
        }
        totals = [
            {**total, "shown": counted["shown"].get(total["area"], 0), "hidden": counted["hidden"].get(total["area"], 0)}
            for total in placed.values(area=F("servicearea_id")).annotate(n=Count("system__organisation_id", distinct=True))
        ]
        link_area = {"area": F("system__service_areas")}
    else:
        slug, name = _counted_as(by)
        by_key = visible.values(slug=slug, name=name).annotate(n=Count("organisation_id", distinct=True))
        # Grouped by a constant: no GROUP BY, so one row even for no systems.
        totals = visible.values(area=Value(None, IntegerField())).annotate(
            n=Count("organisation_id", distinct=True),
            shown=Subquery(links.filter(with_value).annotate(_n=_count_distinct("contract_id")).values("_n")),
            hidden=Subquery(links.exclude(shown).annotate(_n=_count_distinct("contract_id")).values("_n")),
        )
        link_area = {}
    # Each system's slice of a contract is value / covering; summed per divisor in whole
    # cents, and divided in Python, so the sums are exact on both databases.
    slug, _ = _counted_as(by, "system__")
    sums = (
        links.filter(with_value)
        .values(**link_area, slug=slug, currency=F("contract__currency"), covering=_covering(viewer))
        .annotate(n=Count("id"), cents=Sum(Cast(Round(F("contract__annual_value") * 100), CENTS)))
    )
    links_by_currency: dict[int | None, Counter] = defaultdict(Counter)
    value: dict[int | None, dict[tuple[str, str], Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for row in sums:
        where = row.get("area")
        links_by_currency[where][row["currency"]] += row["n"]
        value[where][row["currency"], row["slug"]] += Decimal(row["cents"]) / 100 / row["covering"]

    organisations: dict[int | None, dict[tuple[str, str], int]] = defaultdict(dict)
    for row in by_key:
        organisations[row.get("area")][row["slug"], row["name"]] = row["n"]
    url = reverse(_url_name(by), args=["-slug-"])
    result = {}
    for total in totals:
        where = total["area"]
        if not total["n"]:
            continue
        # The most common currency by links; ties go to the first code alphabetically.
        currencies = sorted(links_by_currency[where].items(), key=lambda item: (-item[1], item[0]))
        currency = currencies[0][0] if currencies else "GBP"
        counts = organisations[where]
        value_by_key = {key: value[where].get((currency, key[0]), Decimal(0)) for key in counts}
        total_value = sum(value_by_key.values(), Decimal(0))
        rows = [
            Share(
                slug=key[0],
                name=key[1],
                url=url.replace("-slug-", key[0]),
                organisations=n,
                organisation_share=n / total["n"],
                annual_value=value_by_key[key].quantize(Decimal("0.01")),
                value_share=float(value_by_key[key] / total_value) if total_value else 0.0,
            )
            for key, n in counts.items()
        ]
        rows.sort(key=lambda row: (-row.organisations, -row.annual_value, row.name))
        result[where] = MarketShare(
            rows=rows,
            organisations=total["n"],
            annual_value=total_value.quantize(Decimal("0.01")),
            currency=currency,
            values_shown=total["shown"] or 0,
            values_hidden=total["hidden"] or 0,
        )
    return result


def _url_name(by: str) -> str:
    return "inventory:product" if by == "product" else "directory:supplier"


def market_share(systems: QuerySet[System], *, by: str = "provider", viewer) -> MarketShare:
    """Share of `systems` by provider (who the organisation deals with), manufacturer or product.

    The share of organisations counts each organisation once per supplier or product. The
    value share spreads each contract's annual value evenly over the systems it covers, and
    counts only contracts in the most common currency of the set, so sums never mix currencies.
    Only what `viewer` may see counts; `values_hidden` says how many contract values were
    left out.
    """
    share = _shares(systems, by=by, viewer=viewer, per_area=False).get(None)
    if share is None or not share.organisations:
        return MarketShare(rows=[], organisations=0, annual_value=Decimal("0.00"), currency="GBP")
    return share


def market_share_by_service_area(
    systems: QuerySet[System], *, by: str = "provider", viewer
) -> dict[int, MarketShare]:
    """`market_share` of the systems in each service area (by area id), counted together.

    For every area the result equals `market_share(systems.filter(service_areas=area))`, so
    a page that shows many areas agrees with the page of each area.
    """
    return _shares(systems, by=by, viewer=viewer, per_area=True)


def contracts_ending(contracts: QuerySet[Contract], *, days: int | None = None, viewer) -> QuerySet[Contract]:
    """Contracts in `contracts` the viewer may see whose end date falls from today up to
    `days` ahead. Pass the loaded rows through `redacted` before showing them."""
    start, end = ending_soon_window(days)
    return (
        visible_contracts(contracts, viewer=viewer)
        .ending_between(start, end)
        .select_related("organisation", "supplier")
        .order_by("end_date", "organisation__short_name", "id")
    )


def count_by_month(dates: list[datetime.date], start: datetime.date, months: int) -> list[tuple[str, int]]:
    """How many of `dates` fall in each of `months` calendar months from `start`'s month."""
    counts = Counter((day.year, day.month) for day in dates)
    firsts = [add_months(start.replace(day=1), step) for step in range(months)]
    return [(first.strftime("%b %Y"), counts.get((first.year, first.month), 0)) for first in firsts]


def months_spanned(start: datetime.date, end: datetime.date) -> int:
    """Calendar months from `start`'s month to `end`'s, both included: a 365-day window
    that starts mid-month touches 13 of them."""
    return (end.year - start.year) * 12 + end.month - start.month + 1


def ending_soon_by_month(
    contracts: QuerySet[Contract], *, days: int | None = None, viewer
) -> list[tuple[str, int]]:
    """How many of `contracts` the viewer may see end in each calendar month of the window.
    Remembered until the map changes (citytools.core.versions)."""
    start, end = ending_soon_window(days)
    key = (viewer.key, query_key(contracts), start.isoformat(), end.isoformat())
    return versions.remembered(
        "ending-by-month", key, lambda: _ending_by_month(contracts, start=start, end=end, viewer=viewer)
    )


def _ending_by_month(contracts: QuerySet[Contract], *, start, end, viewer) -> list[tuple[str, int]]:
    dates = list(
        visible_contracts(contracts, viewer=viewer)
        .ending_between(start, end)
        .order_by()
        .values_list("end_date", flat=True)
    )
    return count_by_month(dates, start, months_spanned(start, end))


@dataclass(frozen=True)
class Scope:
    """The organisations, and the systems and contracts a viewer may see, that a page covers:
    everything, or one network."""

    network: Network | None
    organisations: QuerySet[Organisation]
    systems: QuerySet[System]
    contracts: QuerySet[Contract]
    viewer: object


def scope(network: Network | None = None, *, viewer) -> Scope:
    systems = System.objects.visible_to(viewer)
    contracts = Contract.objects.visible_to(viewer)
    if network is None:
        return Scope(None, Organisation.objects.all(), systems, contracts, viewer)
    members = Organisation.objects.in_network(network).values("id")
    return Scope(
        network,
        Organisation.objects.in_network(network),
        systems.filter(organisation__in=members),
        contracts.filter(organisation__in=members),
        viewer,
    )


def live(contracts: QuerySet[Contract]) -> QuerySet[Contract]:
    """Contracts that have not yet ended: running now, or signed and due to start."""
    return contracts.filter(end_date__gte=today())


@dataclass(frozen=True)
class Money:
    amount: Decimal
    currency: str


@dataclass(frozen=True)
class Headline(ValueCoverage):
    organisations: int
    systems: int
    products: int
    suppliers: int
    contracts: int
    annual_value: list[Money]
    ending_soon: int
    values_shown: int = 0
    values_hidden: int = 0
    members: int | None = None  # the network's member organisations, mapped or not; None for all


# One definition per count, wherever the count is shown:
# - an organisation is *mapped* when at least one of its systems is visible to the person;
# - a supplier is *in the market* when it makes a product in use, supplies a system, or holds
#   a contract that has not ended (as the contracts counted beside it).
MAPPED = Count("organisation", distinct=True)  # over the person's visible systems


def market_suppliers(where: Scope) -> QuerySet[Supplier]:
    """The suppliers in the market of the scope, for its viewer."""
    systems = where.systems.order_by()
    return Supplier.objects.filter(
        Q(pk__in=systems.values("product__manufacturer"))
        | Q(pk__in=systems.filter(supplier__isnull=False).values("supplier"))
        | Q(pk__in=live(where.contracts).order_by().values("supplier"))
    )


def networks_mapped(*, viewer) -> QuerySet[Network]:
    """Every network by name, each with `mapped`: how many of its organisations are mapped for
    this person (the overview's count, in the same query as the networks)."""
    mapped = (
        System.objects.visible_to(viewer)
        .filter(organisation__memberships__network=OuterRef("pk"))
        .order_by()
        .values("organisation__memberships__network")
        .annotate(n=MAPPED)
        .values("n")
    )
    return Network.objects.annotate(mapped=Coalesce(Subquery(mapped), 0)).order_by("name")


def headline(where: Scope) -> Headline:
    """The overview's headline numbers, in four queries (five for a network), for the scope's viewer.

    Organisations count when they are mapped, suppliers when they are in the market (see
    MAPPED and market_suppliers). Contracts and their combined annual value cover contracts
    that have not ended, summed per currency; the value only of contracts whose values the
    viewer may see. Remembered until the map changes (citytools.core.versions).
    """
    key = (where.viewer.key, None if where.network is None else where.network.pk, today().isoformat())
    return versions.remembered("headline", key, lambda: _headline(where))


def _headline(where: Scope) -> Headline:
    systems = where.systems.order_by()
    counts = systems.aggregate(systems=Count("id"), organisations=MAPPED, products=Count("product", distinct=True))
    suppliers = market_suppliers(where).count()
    shown = values_visible(where.viewer)
    by_currency = list(
        live(where.contracts)
        .order_by()
        .values("currency")
        .annotate(
            n=Count("id"),
            # Cast, because when the viewer may see no value at all the CASE folds to a bare
            # NULL, and PostgreSQL cannot tell which SUM() to apply to it.
            total=Sum(Cast(Case(When(shown, then=F("annual_value"))), DecimalField(max_digits=14, decimal_places=2))),
            shown=Count("id", filter=shown & Q(annual_value__isnull=False)),
            hidden=Count("id", filter=~shown),
        )
    )
    values = [
        Money(Decimal(row["total"]).quantize(Decimal("0.01")), row["currency"])
        for row in by_currency
        if row["total"] is not None
    ]
    values.sort(key=lambda money: (-money.amount, money.currency))
    start, end = ending_soon_window()
    return Headline(
        organisations=counts["organisations"],
        systems=counts["systems"],
        products=counts["products"],
        suppliers=suppliers,
        contracts=sum(row["n"] for row in by_currency),
        annual_value=values,
        ending_soon=where.contracts.ending_between(start, end).count(),
        values_shown=sum(row["shown"] for row in by_currency),
        values_hidden=sum(row["hidden"] for row in by_currency),
        members=where.organisations.count() if where.network is not None else None,
    )


@dataclass(frozen=True)
class SupplierContracts:
    slug: str
    name: str
    url: str
    contracts: int
    share: float


@dataclass(frozen=True)
class Concentration:
    """How much of the market a few suppliers hold, counted in contracts that have not ended."""

    top: list[SupplierContracts]
    others: int
    other_suppliers: int
    contracts: int
    suppliers: int
    top_share: float
    hhi: int


def concentration(contracts: QuerySet[Contract], *, top: int = 10, viewer) -> Concentration:
    """The `top` suppliers by number of live contracts, their combined share, and the HHI.

    Ties are broken by name so the list is stable; the combined share does not depend on
    which of two tied suppliers takes the last place. The Herfindahl-Hirschman index is the
    sum of every supplier's squared percentage share (0 to 10,000). Remembered until the map
    changes (citytools.core.versions), for the same contracts (the same query) and viewer.
    """
    key = (viewer.key, query_key(contracts), top, today().isoformat())
    return versions.remembered("concentration", key, lambda: _concentration(contracts, top=top, viewer=viewer))


def _concentration(contracts: QuerySet[Contract], *, top: int, viewer) -> Concentration:
    rows = list(
        live(visible_contracts(contracts, viewer=viewer))
        .order_by()
        .values("supplier__slug", "supplier__name")
        .annotate(n=Count("id"))
    )
    rows.sort(key=lambda row: (-row["n"], row["supplier__name"], row["supplier__slug"]))
    total = sum(row["n"] for row in rows)
    leaders = [
        SupplierContracts(
            slug=row["supplier__slug"],
            name=row["supplier__name"],
            url=reverse("directory:supplier", args=[row["supplier__slug"]]),
            contracts=row["n"],
            share=row["n"] / total,
        )
        for row in rows[:top]
    ]
    in_top = sum(row.contracts for row in leaders)
    return Concentration(
        top=leaders,
        others=total - in_top,
        other_suppliers=max(0, len(rows) - top),
        contracts=total,
        suppliers=len(rows),
        top_share=in_top / total if total else 0.0,
        hhi=round(sum((row["n"] * 100 / total) ** 2 for row in rows)) if total else 0,
    )


# The market pipeline -------------------------------------------------------------------------
# What govtech firms can see coming: public contract end dates by service area. It is built
# from the public's view whoever asks, so a signed-in member's page shows the same as the
# public's and a firm never sees more than the public record.

PIPELINE_HORIZONS = ((6, "Within 6 months"), (12, "6 to 12 months"), (24, "12 to 24 months"))


@dataclass
class PipelineArea:
    area: ServiceArea
    counts: list[int]  # contracts ending in each horizon of PIPELINE_HORIZONS
    organisations: int
    incumbents: list[str]  # the suppliers of those contracts, most contracts first
    decision: Decision  # the soonest end less the area's procurement lead time; "now" once past

    @property
    def total(self) -> int:
        return sum(self.counts)


def pipeline(*, start: datetime.date | None = None) -> list[PipelineArea]:
    """Service areas with public contracts ending in the next 24 months, busiest first.

    Three queries, grouped by the database: per area, the contracts ending in each horizon,
    their organisations and the soonest end; per area and supplier, the contracts (for the
    incumbents); and the areas. Remembered until the map changes (citytools.core.versions):
    it counts every public contract ending in two years."""
    start = start or today()
    return versions.remembered("pipeline", start.isoformat(), lambda: _pipeline(start))


def _pipeline(start: datetime.date) -> list[PipelineArea]:
    bounds = [add_months(start, months) for months, _ in PIPELINE_HORIZONS]
    public = Viewer.public()
    contracts = visible_contracts(Contract.objects.all(), viewer=public).filter(
        end_date__gte=start, end_date__lte=bounds[-1]
    )
    links = contract_links(contracts, System.objects.visible_to(public)).filter(system__service_areas__isnull=False)
    earlier = [datetime.date.min, *bounds]
    in_horizon = {
        f"h{index}": Count(
            "contract_id", distinct=True,
            filter=Q(contract__end_date__gt=earlier[index], contract__end_date__lte=bound),
        )
        for index, bound in enumerate(bounds)
    }
    by_area = {
        row["area"]: row
        for row in links.values(area=F("system__service_areas")).annotate(
            **in_horizon,
            organisations=Count("contract__organisation_id", distinct=True),
            soonest=Min("contract__end_date"),
        )
    }
    held: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for area, name, n in links.values_list("system__service_areas", "contract__supplier__name").annotate(
        n=Count("contract_id", distinct=True)
    ):
        held[area].append((-n, name))
    areas = ServiceArea.objects.in_bulk(list(by_area))
    result = []
    for pk, row in by_area.items():
        area = areas[pk]
        point = add_months(row["soonest"], -area.procurement_lead_months)
        result.append(
            PipelineArea(
                area=area,
                counts=[row[f"h{index}"] for index in range(len(bounds))],
                organisations=row["organisations"],
                # Most contracts first; a tie goes to the first name alphabetically.
                incumbents=[name for _, name in sorted(held[pk])[:3]],
                decision=decision(point, today=start),
            )
        )
    return sorted(result, key=lambda a: (-a.total, a.area.name))


# Lists read a page at a time ----------------------------------------------------------------


class Slices(Sequence):
    """The rows of an ordered queryset, read a slice at a time, for a Paginator or the API's
    limit and offset: `len()` is one COUNT in the database, and a slice loads only its own
    rows (`load`, given the sliced queryset, adds what a row shows: related records, the
    values the viewer may not see blanked)."""

    def __init__(self, rows: QuerySet, *, viewer):
        self.rows = rows
        self.viewer = viewer

    def load(self, rows: QuerySet) -> list:
        raise NotImplementedError

    def __len__(self) -> int:
        return self.rows.count()

    def count(self) -> int:
        return len(self)

    def __iter__(self):
        return iter(self[:])

    def __getitem__(self, index):
        if isinstance(index, slice):
            return self.load(self.rows[index])
        if index < 0:
            index += len(self)
        return self[index : index + 1][0]


class Ending(Slices):
    """Contracts ending soon (`contracts_ending`), a slice at a time, with the values the
    viewer may not see blanked."""

    def load(self, rows: QuerySet[Contract]) -> list[Contract]:
        return redacted(rows, viewer=self.viewer)

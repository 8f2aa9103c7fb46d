"""Reads about the market: who holds what share, and which contracts end when.

Every page, API endpoint and export that shows a share or an ending-soon list calls these
functions, so the figures agree wherever they appear. Sums are computed in Python over
rows fetched in a fixed number of queries, which keeps them the same on SQLite and
PostgreSQL and free of N+1 queries.
"""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, QuerySet
from django.urls import reverse
from django.utils import timezone

from citytools.contracts.models import Contract
from citytools.inventory.models import System

SHARE_DIMENSIONS = ("provider", "manufacturer", "product")


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


@dataclass(frozen=True)
class MarketShare:
    rows: list[Share]
    organisations: int
    annual_value: Decimal
    currency: str


def today() -> datetime.date:
    return timezone.localdate()


def ending_soon_window(days: int | None = None) -> tuple[datetime.date, datetime.date]:
    start = today()
    return start, start + datetime.timedelta(days=days or settings.CITYTOOLS_ENDING_SOON_DAYS)


def market_share(systems: QuerySet[System], *, by: str = "provider") -> MarketShare:
    """Share of `systems` by provider (who the organisation deals with), manufacturer or product.

    The share of organisations counts each organisation once per supplier or product. The
    value share spreads each contract's annual value evenly over the systems it covers, and
    counts only contracts in the most common currency of the set, so sums never mix currencies.
    """
    if by not in SHARE_DIMENSIONS:
        raise ValueError(f"by must be one of {SHARE_DIMENSIONS}")
    system_rows = list(
        systems.order_by().values_list(
            "id",
            "organisation_id",
            "product__slug",
            "product__name",
            "product__manufacturer__slug",
            "product__manufacturer__name",
            "supplier__slug",
            "supplier__name",
        )
    )
    keys: dict[int, tuple[str, str]] = {}
    organisations_by_key: dict[str, set[int]] = defaultdict(set)
    names: dict[str, str] = {}
    for system_id, organisation_id, p_slug, p_name, m_slug, m_name, s_slug, s_name in system_rows:
        if by == "product":
            key, name = p_slug, p_name
        elif by == "manufacturer" or not s_slug:
            key, name = m_slug, m_name
        else:
            key, name = s_slug, s_name
        keys[system_id] = (key, name)
        names[key] = name
        organisations_by_key[key].add(organisation_id)

    links = list(
        Contract.systems.through.objects.filter(system_id__in=keys.keys())
        .values_list("system_id", "contract_id", "contract__annual_value", "contract__currency")
        .order_by()
    )
    contract_ids = {contract_id for _, contract_id, _, _ in links}
    covered = dict(
        Contract.objects.filter(pk__in=contract_ids)
        .annotate(n=Count("systems"))
        .values_list("pk", "n")
        .order_by()
    )
    currencies = Counter(currency for _, _, value, currency in links if value is not None)
    currency = currencies.most_common(1)[0][0] if currencies else "GBP"
    value_by_key: dict[str, Decimal] = defaultdict(Decimal)
    for system_id, contract_id, value, link_currency in links:
        if value is None or link_currency != currency:
            continue
        value_by_key[keys[system_id][0]] += value / covered[contract_id]

    all_organisations = {organisation_id for _, organisation_id, *_ in system_rows}
    total_value = sum(value_by_key.values(), Decimal(0))
    url_name = "inventory:product" if by == "product" else "directory:supplier"
    rows = [
        Share(
            slug=key,
            name=names[key],
            url=reverse(url_name, args=[key]),
            organisations=len(organisations),
            organisation_share=len(organisations) / len(all_organisations),
            annual_value=value_by_key[key].quantize(Decimal("0.01")),
            value_share=float(value_by_key[key] / total_value) if total_value else 0.0,
        )
        for key, organisations in organisations_by_key.items()
    ]
    rows.sort(key=lambda row: (-row.organisations, -row.annual_value, row.name))
    return MarketShare(
        rows=rows,
        organisations=len(all_organisations),
        annual_value=total_value.quantize(Decimal("0.01")),
        currency=currency,
    )


def contracts_ending(contracts: QuerySet[Contract], *, days: int | None = None) -> QuerySet[Contract]:
    """Contracts in `contracts` whose end date falls from today up to `days` ahead."""
    start, end = ending_soon_window(days)
    return (
        contracts.ending_between(start, end)
        .select_related("organisation", "supplier")
        .order_by("end_date", "organisation__short_name", "id")
    )


def count_by_month(dates: list[datetime.date], start: datetime.date, months: int) -> list[tuple[str, int]]:
    """How many of `dates` fall in each of `months` calendar months from `start`'s month."""
    counts = Counter((day.year, day.month) for day in dates)
    result = []
    year, month = start.year, start.month
    for _ in range(months):
        label = datetime.date(year, month, 1).strftime("%b %Y")
        result.append((label, counts.get((year, month), 0)))
        month += 1
        if month > 12:
            year, month = year + 1, 1
    return result

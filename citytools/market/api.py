"""`GET /api/v1/overview`: the overview page's figures, from the same market queries."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.http import Http404
from ninja import Field, Router, Schema

from citytools.core.api import MONEY, values_hidden_description
from citytools.market import queries
from citytools.market.directory_queries import network_or_none
from citytools.market.rules import DecisionDue

router = Router(tags=["market"])

VALUES_HIDDEN = values_hidden_description("some contracts in scope", "sums")


class MoneyOut(Schema):
    amount: Decimal = Field(description=MONEY)
    currency: str = Field(description="ISO 4217 code.")


class HeadlineOut(Schema):
    organisations: int = Field(description="Organisations mapped: with at least one system you may see.")
    systems: int
    products: int = Field(description="Distinct products in use.")
    suppliers: int = Field(description="Companies that make a product in use, supply a system or hold a contract that has not ended.")
    contracts: int = Field(description="Contracts that have not ended.")
    annual_value: list[MoneyOut] | None = Field(
        description="Combined annual value of those contracts, per currency, largest first; null when every value is hidden from you."
    )
    values_hidden: bool = Field(description=VALUES_HIDDEN)
    ending_soon: int = Field(description="Contracts ending between today and the ending-soon horizon.")


class SupplierContractsOut(Schema):
    slug: str
    name: str
    contracts: int
    share: float = Field(description="Share of contracts, from 0 to 1.")


class ConcentrationOut(Schema):
    contracts: int = Field(description="Contracts that have not ended.")
    suppliers: int = Field(description="Suppliers holding at least one of them.")
    top: list[SupplierContractsOut] = Field(description="The 10 suppliers with the most contracts; ties broken by name.")
    top_share: float = Field(description="Combined share of the top suppliers, from 0 to 1.")
    others: int = Field(description="Contracts held by all other suppliers.")
    other_suppliers: int
    hhi: int = Field(description="Herfindahl-Hirschman index over every supplier's share of contracts, 0 to 10,000.")


class MonthCount(Schema):
    month: str = Field(description="Month as 'Mon YYYY'.")
    contracts: int


class OverviewOut(Schema):
    network: str | None = Field(description="Slug of the network the figures cover; null for all.")
    today: datetime.date
    ending_soon_days: int
    headline: HeadlineOut
    concentration: ConcentrationOut
    ending_soon_by_month: list[MonthCount]


@router.get(
    "/overview",
    response=OverviewOut,
    url_name="overview",
    summary="Headline numbers, market concentration and contracts ending by month",
)
def overview(request, network: str | None = None):
    """Give `network` (a slug) to cover one network's members only; an unknown slug is a 404."""
    chosen = network_or_none(network)
    if network and chosen is None:
        raise Http404
    viewer = request.viewer
    where = queries.scope(chosen, viewer=viewer)
    numbers = queries.headline(where)
    return {
        "network": chosen.slug if chosen else None,
        "today": queries.today(),
        "ending_soon_days": settings.CITYTOOLS_ENDING_SOON_DAYS,
        "headline": {
            **{name: getattr(numbers, name) for name in ("organisations", "systems", "products", "suppliers", "contracts", "ending_soon")},
            "annual_value": None if numbers.values_hidden_all else numbers.annual_value,
            "values_hidden": bool(numbers.values_hidden),
        },
        "concentration": queries.concentration(where.contracts, viewer=viewer),
        "ending_soon_by_month": [
            {"month": month, "contracts": count}
            for month, count in queries.ending_soon_by_month(where.contracts, viewer=viewer)
        ],
    }


class PipelineAreaOut(Schema):
    service_area: str
    name: str
    within_6_months: int
    within_6_to_12_months: int
    within_12_to_24_months: int
    organisations: int
    incumbents: list[str] = Field(description="The suppliers of those contracts, most contracts first (up to 3).")
    next_decision: datetime.date = Field(
        description="When the next decision is likely: the decision point, or today when that has passed (never a past date)."
    )
    decision_point: datetime.date = Field(description="The soonest end less the area's procurement lead time.")
    decision_overdue: bool = Field(description="The decision point's month has passed: the decision is due now, and late.")


@router.get(
    "/pipeline",
    response=list[PipelineAreaOut],
    url_name="pipeline",
    summary="Public contract expiries in the next 24 months, by service area (the market pipeline)",
)
def pipeline(request):
    """Built from what the public may see, whoever asks."""
    return [
        {
            "service_area": entry.area.slug, "name": entry.area.name,
            "within_6_months": entry.counts[0], "within_6_to_12_months": entry.counts[1],
            "within_12_to_24_months": entry.counts[2], "organisations": entry.organisations,
            "incumbents": entry.incumbents, "next_decision": entry.decision.next,
            "decision_point": entry.decision.point, "decision_overdue": entry.decision.due == DecisionDue.OVERDUE,
        }
        for entry in queries.pipeline()
    ]

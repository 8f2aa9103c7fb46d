"""The supplier conversation pack: what a borough should know before meeting a supplier.

One function, `conversation_pack(supplier, viewer)`, gathers it through the same queries as
the pages, so the pack shows a person exactly what they may see elsewhere: who uses the
supplier and for what, contract end dates, the range of contract values (members only),
satisfaction by dimension with n and intervals, the most shared pain points, and questions
to put to the supplier that follow from those figures. The page, the PDF, the API and the
`supplier_pack` command all show this one object.
"""

import datetime
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone

from citytools.contracts.models import Contract
from citytools.core.pdf import write_pdf
from citytools.directory.models import Supplier
from citytools.market import directory_queries as directory
from citytools.satisfaction import queries, stats

TOP_PAIN_POINTS = 5
# A pack is a document for one conversation, not the map: its tables list at most this many
# organisations (those using the most of the supplier's products first) and contracts (the
# soonest to end), and say how many more there are. Every figure (counts, value ranges,
# contracts ending together) is drawn from all of them.
TABLE_ROWS = 25
# Contracts ending within this many days of each other are a chance to negotiate together.
TOGETHER_DAYS = 183


@dataclass
class Use:
    organisation: str
    products: list[str]
    areas: list[str]


@dataclass
class ValueRange:
    currency: str
    low: Decimal
    high: Decimal
    contracts: int


@dataclass
class Pack:
    supplier: Supplier
    generated: datetime.date
    uses: list[Use]  # the TABLE_ROWS organisations using the most of its products
    contracts: list[Contract]  # the TABLE_ROWS soonest to end
    values: list[ValueRange] | None  # None: the person may see no contract value
    values_hidden: int  # contracts whose value this person may not see
    report: queries.Report
    pain_points: list
    organisations: int = 0  # every organisation this person may see using it
    contract_ends: list[datetime.date] = field(default_factory=list)  # every current contract's
    questions: list[str] = field(default_factory=list)

    @property
    def contracts_total(self) -> int:
        return len(self.contract_ends)

    @property
    def uses_not_listed(self) -> int:
        return self.organisations - len(self.uses)

    @property
    def contracts_not_listed(self) -> int:
        return self.contracts_total - len(self.contracts)


def _fmt(summary: stats.Summary) -> str:
    return f"{summary.estimate:.1f} out of 5 (95% interval {summary.low:.1f}–{summary.high:.1f}, n = {summary.n})"


def suggested_questions(pack: Pack) -> list[str]:
    """Questions that follow from the figures, weakest points first."""
    questions = []
    rated = [(label, s) for _, label, s in pack.report.dimensions if s.n >= stats.MIN_RANKED]
    weakest = sorted(rated, key=lambda d: d[1].estimate)[:2]
    for label, summary in weakest:
        if summary.estimate < 3.5:
            questions.append(
                f"Members rate {label.lower()} at {_fmt(summary)}. What will you change, by when, and how will we see it?"
            )
    for point in pack.pain_points[:3]:
        count = point.affected_count
        questions.append(
            f"{count} organisation{' reports' if count == 1 else 's report'} “{point.title}” ({point.get_status_display().lower()}). "
            "What is the fix, and will it reach every customer at no extra cost?"
        )
    ends = sorted(d for d in pack.contract_ends if d >= pack.generated)
    for i, first in enumerate(ends):
        together = [d for d in ends[i:] if (d - first).days <= TOGETHER_DAYS]
        if len(together) >= 2:
            questions.append(
                f"{len(together)} contracts end between {first:%B %Y} and {together[-1]:%B %Y}. "
                "What terms would you offer organisations that renew or re-procure together?"
            )
            break
    interoperability = next((s for name, _, s in pack.report.dimensions if name == "interoperability"), None)
    if interoperability is None or interoperability.n < stats.MIN_RANKED or interoperability.estimate < 4:
        questions.append(
            "Can every customer export all of its data in an open, documented format, and use a published API, "
            "at no extra charge?"
        )
    if pack.values:
        spread = [v for v in pack.values if v.contracts >= 2 and v.low and v.high / v.low >= 2]
        if spread:
            v = spread[0]
            questions.append(
                f"Annual values for comparable contracts range from {v.currency} {v.low:,.0f} to {v.currency} {v.high:,.0f}. "
                "How is the price worked out, and will you offer every customer the best terms?"
            )
    questions.append("What is on your product roadmap for the next 12 months, and how can customers shape it?")
    return questions


def conversation_pack(supplier: Supplier, *, viewer, now=None) -> Pack:
    now = now or timezone.now()
    today = timezone.localtime(now).date()
    by_organisation: dict[str, dict[str, set]] = defaultdict(lambda: {"products": set(), "areas": set()})
    for system in directory.supplier_systems(supplier, viewer=viewer):
        entry = by_organisation[system.organisation.short_name or system.organisation.name]
        entry["products"].add(system.product.name)
        entry["areas"].update(area.name for area in system.service_areas.all())
    uses = sorted(
        (Use(name, sorted(e["products"]), sorted(e["areas"])) for name, e in by_organisation.items()),
        key=lambda use: (-len(use.products), use.organisation),
    )
    # Contracts with the company, and for systems it makes when a reseller holds the contract,
    # as "who uses it" counts both.
    made = Contract.systems.through.objects.filter(system__product__manufacturer=supplier).values("contract_id")
    contracts = list(
        Contract.objects.visible_to(viewer)
        .filter(Q(supplier=supplier) | Q(pk__in=made), end_date__gte=today)
        .select_related("organisation")
        .order_by("end_date", "organisation__short_name", "pk")
    )
    viewer.redact_contracts(contracts)
    # The value range is for members only, whatever a network publishes (the words).
    shown = [c for c in contracts if not c.values_hidden and c.annual_value is not None] if viewer.is_member else []
    ranges: dict[str, list[Decimal]] = defaultdict(list)
    for contract in shown:
        ranges[contract.currency].append(contract.annual_value)
    values = [ValueRange(cur, min(v), max(v), len(v)) for cur, v in sorted(ranges.items())] if shown else None
    points = list(queries.pain_points(viewer, supplier=supplier, open_only=True)[:TOP_PAIN_POINTS])
    pack = Pack(
        supplier=supplier,
        generated=today,
        uses=uses[:TABLE_ROWS],
        organisations=len(uses),
        contract_ends=[c.end_date for c in contracts],
        contracts=contracts[:TABLE_ROWS],
        values=values,
        values_hidden=sum(1 for c in contracts if c.values_hidden),
        report=queries.report(viewer, supplier=supplier),
        pain_points=points,
    )
    pack.questions = suggested_questions(pack)
    return pack


def pack_html(pack: Pack, *, viewer) -> str:
    return render_to_string("satisfaction/pack_print.html", {"pack": pack, "viewer": viewer})


PDF_CACHE_SECONDS = 60 * 60


def pack_pdf(pack: Pack, *, viewer) -> bytes:
    """The pack as a PDF, rendered offline (citytools.core.pdf). Kept by a
    digest of its HTML, which holds only what this person may see, so nobody is ever given
    a PDF made for someone who could see more."""
    html = pack_html(pack, viewer=viewer)
    key = "supplier-pack-pdf:" + hashlib.sha256(html.encode()).hexdigest()
    pdf = cache.get(key)
    if pdf is None:
        pdf = write_pdf(html)
        cache.set(key, pdf, PDF_CACHE_SECONDS)
    return pdf

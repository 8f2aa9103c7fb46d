"""Reads: contracts as the finder sees them, and the opportunities one person may see.

Every figure starts from the Viewer: a contract the person may not see is not an ending; a
value they may not see is unknown (None), and so is a satisfaction score they may not see.
So two people can be shown different opportunities, each true to what they may know.
"""

import datetime
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Case, F, When

from citytools.accounts.viewer import values_visible
from citytools.contracts.models import Contract
from citytools.core import versions
from citytools.core.dates import today as local_today
from citytools.directory.models import NetworkMembership, Organisation, Supplier
from citytools.inventory.models import Product, ServiceArea, System
from citytools.opportunities import finder
from citytools.satisfaction.queries import sees_ratings_of, visible_ratings

DAYS_PER_MONTH = 30.44
WINDOW_MONTHS = (6, 12, 18, 24)


def lead_days(areas) -> dict[int, int]:
    return {area.pk: round(area.procurement_lead_months * DAYS_PER_MONTH) for area in areas}


def endings(
    viewer, *, area: ServiceArea | None = None, product: Product | None = None, supplier: Supplier | None = None,
    network=None, organisation: Organisation | None = None,
) -> list[finder.Ending]:
    """Every current contract this person may see, once per service area of its systems."""
    contracts = Contract.objects.visible_to(viewer).filter(retired_at__isnull=True)
    if network is not None:
        contracts = contracts.filter(organisation__in=NetworkMembership.objects.filter(network=network).values("organisation"))
    if supplier is not None:
        contracts = contracts.filter(supplier=supplier)
    if organisation is not None:
        contracts = contracts.filter(organisation=organisation)
    systems = System.objects.visible_to(viewer)
    if product is not None:
        systems = systems.filter(product=product)
    facts = {
        pk: (organisation, supplier_id, end, extension, value)
        for pk, organisation, supplier_id, end, extension, value in contracts.annotate(
            shown=Case(When(values_visible(viewer), then=F("annual_value")))
        ).values_list("pk", "organisation_id", "supplier_id", "end_date", "extension_end_date", "shown")
    }
    # Joined in Python from three plain reads: one query with every join and filter took
    # SQLite ten times as long.
    visible_systems = set(systems.values_list("pk", flat=True))
    areas_of: dict[int, list[int]] = defaultdict(list)
    for system, service_area in System.service_areas.through.objects.values_list("system_id", "servicearea_id"):
        areas_of[system].append(service_area)
    by_contract_area: dict[tuple[int, int], set[int]] = defaultdict(set)
    # The contracts' links through a subquery, not a list of every id: building and sending
    # an IN list of 100,000 ids took longer than the rest of this function.
    for contract, system in Contract.systems.through.objects.filter(contract__in=contracts.values("pk")).values_list(
        "contract_id", "system_id"
    ):
        if contract in facts and system in visible_systems:
            for service_area in areas_of.get(system, ()):
                by_contract_area[(contract, service_area)].add(system)
    dissatisfaction = _dissatisfaction(viewer, {s for systems in by_contract_area.values() for s in systems})
    wanted = None
    if area is not None:
        wanted = {area.pk} if not area.is_group else set(area.children.values_list("pk", flat=True))
    result = []
    for (contract, service_area), system_ids in by_contract_area.items():
        if wanted is not None and service_area not in wanted:
            continue
        organisation_id, supplier_id, end, extension, value = facts[contract]
        scores = [dissatisfaction[s] for s in system_ids if s in dissatisfaction]
        result.append(
            finder.Ending(
                key=contract, organisation=organisation_id, group=service_area, supplier=supplier_id,
                earliest=end, latest=max(extension or end, end),
                annual_value=float(value) if value is not None else None,
                dissatisfaction=sum(scores) / len(scores) if scores else None,
            )
        )
    return result


def _dissatisfaction(viewer, systems: set[int]) -> dict[int, float]:
    """0 (very satisfied) to 4 (very dissatisfied) for each rated system whose score this
    person may count."""
    # An opportunity's mean dissatisfaction can rest on one organisation's rating, so it counts
    # only ratings the person may see one by one (members), whatever a network publishes.
    # Every visible rating read once and kept in Python: far fewer rows than the systems, and
    # no IN list of tens of thousands of system ids to build and send.
    return {
        system: 5 - overall
        for system, organisation, overall in visible_ratings(viewer).values_list("system_id", "organisation_id", "overall")
        if system in systems and sees_ratings_of(viewer, organisation)
    }


@dataclass
class Member:
    contract: Contract
    satisfaction_known: bool


@dataclass
class Found:
    """One opportunity with the records behind it, for a page or the API. `area` is the
    service area whose lead time and ratings its figures use; `areas` every service area in
    which these same contracts end together (a contract often covers several), by name."""

    opportunity: finder.Opportunity
    area: ServiceArea
    members: list[Contract]  # every contract, or the first `shown` of them (soonest ending first)
    organisations: list[Organisation]
    areas: list[ServiceArea]
    contract_ids: list[int] = field(default_factory=list)  # every contract, in the same order

    @property
    def more(self) -> int:
        """How many contracts are not among `members`."""
        return len(self.contract_ids) - len(self.members)

    @property
    def area_names(self) -> str:
        """"Benefits, Council tax and Revenues": every service area, as a person writes a list."""
        names = [area.name for area in self.areas]
        return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"

    @property
    def index_key(self) -> str:
        o = self.opportunity
        return f"{o.group}-{o.start.isoformat()}"


# Windows sliding along one service area's end dates make many maximal groups that share most
# of their contracts. A list shows the best of them and leaves out any that shares more than
# this share of its contracts with a better one in the same area.
OVERLAP = 0.5
OVERLAP_HEADROOM = 4


def distinct_enough(found: list[finder.Opportunity]) -> list[finder.Opportunity]:
    kept: list[finder.Opportunity] = []
    for opportunity in found:
        members = set(opportunity.members)
        groups = set(opportunity.groups)
        if any(
            groups.intersection(k.groups) and len(members & set(k.members)) > OVERLAP * len(members) for k in kept
        ):
            continue
        kept.append(opportunity)
    return kept


# The finder lists the best this many opportunities, a page at a time.
MAX_RANKED = 100


class Ranked(Sequence):
    """The best opportunities one person may see (at most MAX_RANKED), ranked by the finder's
    score, for a Paginator or the API's Pagination: its length is known once they are ranked,
    and a slice loads the contracts behind only the opportunities in it. With `shown`, only the
    first `shown` contracts of each are loaded as records (the rest by number): at the uk tier
    one opportunity holds hundreds."""

    def __init__(
        self, viewer, opportunities: list[finder.Opportunity], areas: dict[int, ServiceArea], *, shown: int | None = None
    ):
        self.viewer = viewer
        self.opportunities = opportunities
        self.areas = areas
        self.shown = shown

    def showing(self, shown: int) -> "Ranked":
        return Ranked(self.viewer, self.opportunities, self.areas, shown=shown)

    def __len__(self) -> int:
        return len(self.opportunities)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return self._found(self.opportunities[index])
        return self._found([self.opportunities[index]])[0]

    def _found(self, opportunities: list[finder.Opportunity]) -> list[Found]:
        keys = {key for o in opportunities for key in o.members}
        # Every member as a small row, in the order shown (soonest ending, then organisation);
        # as a record only those shown.
        rows = {
            pk: (end, name, organisation)
            for pk, end, name, organisation in Contract.objects.filter(pk__in=keys).values_list(
                "pk", "end_date", "organisation__name", "organisation_id"
            )
        }
        ordered = [sorted((k for k in o.members if k in rows), key=lambda k: rows[k][:2]) for o in opportunities]
        wanted = {k for ids in ordered for k in ids[: self.shown]}
        contracts = Contract.objects.filter(pk__in=wanted).select_related("organisation", "supplier")
        loaded = {c.pk: c for c in self.viewer.redact_contracts(list(contracts))}
        organisations = Organisation.objects.in_bulk({rows[k][2] for k in rows})
        result = []
        for opportunity, ids in zip(opportunities, ordered, strict=True):
            members = [loaded[k] for k in ids[: self.shown]]
            involved = sorted({organisations[rows[k][2]] for k in ids}, key=lambda o: o.name)
            alike = sorted((self.areas[group] for group in opportunity.groups), key=lambda a: (a.name, a.pk))
            result.append(Found(opportunity, self.areas[opportunity.group], members, involved, alike, ids))
        return result


def rank_opportunities(
    viewer, *, area=None, product=None, supplier=None, network=None, organisation=None, window_months: int = 12,
    today: datetime.date | None = None, limit: int = MAX_RANKED,
) -> Ranked:
    """The best `limit` opportunities this person may see, ranked by the finder's score; the
    records behind each are loaded only when a slice of them is read. The ranking is
    remembered until the map changes (citytools.core.versions): it sweeps every contract."""
    today = today or local_today()
    filters = (area, product, supplier, network, organisation)
    key = (viewer.key, *(None if f is None else f.pk for f in filters), window_months, today.isoformat(), limit)
    found = versions.remembered(
        "opportunities", key,
        lambda: _ranked(viewer, area=area, product=product, supplier=supplier, network=network,
                        organisation=organisation, window_months=window_months, today=today, limit=limit),
    )
    return Ranked(viewer, found, ServiceArea.objects.in_bulk({group for o in found for group in o.groups}))


def _ranked(viewer, *, area, product, supplier, network, organisation, window_months, today, limit) -> list[finder.Opportunity]:
    entries = endings(viewer, area=area, product=product, supplier=supplier, network=network)
    areas = ServiceArea.objects.in_bulk({e.group for e in entries})
    found = finder.find(
        entries, today=today, window_days=round(window_months * DAYS_PER_MONTH), lead_days=lead_days(areas.values()),
        limit=None if organisation is not None else limit * OVERLAP_HEADROOM,
    )
    if organisation is not None:
        mine = {e.key for e in entries if e.organisation == organisation.pk}
        found = [o for o in found if mine & set(o.members)]
    return distinct_enough(found)[:limit]


def find_opportunities(viewer, *, limit: int = 50, **filters) -> list[Found]:
    """The best `limit` opportunities this person may see, ranked, with the records behind them."""
    return rank_opportunities(viewer, limit=limit, **filters)[:limit]

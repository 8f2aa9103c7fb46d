"""Reads of public notices, each for one viewer: an organisation's review queue, one
suggestion as the page and the API show it, the buyer names waiting to be recognised, a
network's imports and trusted sources, one import, and where the harvests of the
publishers' APIs stand; and what every import asks, the service-area hints in force, and
the same hints as those who edit them see them. Who may read each is asked of citytools.notices.access, the
same rules that decide who may act.

An organisation's suggestions are read only by those who may decide on them (its editors,
its networks' coordinators, admins), who are also among those who may see its confidential
contracts: a suggested change shows the map's value beside the notice's, and the map's may
be a confidential contract's. Buyer names are for coordinators and admins; a network's
imports for its coordinators and admins; the harvests' state (one per publisher, for the
whole site) for every network coordinator and admins; the service-area hints for those who
may edit them (citytools.notices.access.may_edit_hints says why).

Refusals follow the site's convention (docs/security.md): a page about an organisation or a
network, which anyone may see, answers 403 to those who may not read its queue or imports; a
suggestion, a buyer name or an import they may not see answers 404, as if it did not exist.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db.models import Count, F
from django.utils import timezone

from citytools.accounts.viewer import Viewer
from citytools.contracts.models import Contract
from citytools.core.errors import Forbidden, NotFound
from citytools.directory.models import Network, Organisation, Supplier
from citytools.inventory.models import Product, ServiceArea, System
from citytools.notices import classifying, rules
from citytools.notices.access import (
    may_edit_hints,
    may_import,
    may_link,
    may_review,
    may_see_harvests,
)
from citytools.notices.models import (
    AreaHint,
    Buyer,
    Harvest,
    Import,
    Source,
    Suggestion,
    TrustedSource,
)

REVIEWERS_ONLY = "Only the organisation's editors and its networks' coordinators can see its suggestions."
LINKERS_ONLY = "Only network coordinators and admins can see the buyer names waiting to be recognised."
COORDINATORS_ONLY = "Only the network's coordinators can see its public notices."
HARVESTERS_ONLY = "Only network coordinators and admins can see the harvests of public notices."
HINT_EDITORS_ONLY = "Only network coordinators and admins can see and edit how public notices suggest service areas."
# The sources a network may trust (citytools.notices.services.set_trust), in the order shown.
TRUSTABLE = (Source.CONTRACTS_FINDER, Source.FIND_A_TENDER)


# Suggestions -------------------------------------------------------------------------------


def require_review(viewer: Viewer, organisation: Organisation) -> None:
    if not may_review(viewer, organisation.pk):
        raise Forbidden(REVIEWERS_ONLY)


def _suggestions():
    return Suggestion.objects.select_related(
        "organisation", "notice", "notice__service_area", "supplier", "contract", "system__product", "decided_by"
    )


def queue(viewer: Viewer, organisation: Organisation, *, status: str | None = None) -> list[Suggestion]:
    """The organisation's suggestions, those waiting for review first (oldest notice first
    among them, so none waits for ever), then the decided ones, latest decision first."""
    require_review(viewer, organisation)
    found = _suggestions().filter(organisation=organisation)
    if status:
        found = found.filter(status=status)
    # Suggestions from another source than a notice have no notice date: they come after, by age.
    pending = found.filter(status=Suggestion.Status.PENDING).order_by(F("notice__released").asc(nulls_last=True), "pk")
    decided = found.exclude(status=Suggestion.Status.PENDING).order_by("-decided_at", "-pk")
    return _with_catalogue([*pending, *decided])


def _with_catalogue(suggestions: list[Suggestion]) -> list[Suggestion]:
    """The products and service areas the suggested systems name, read once for the whole
    queue (a survey leaves dozens in one organisation's queue) instead of once per row."""
    systems = [s for s in suggestions if s.kind == Suggestion.Kind.SYSTEM]
    if systems:
        products = Product.objects.in_bulk({s.facts.get("product") for s in systems} - {None}, field_name="slug")
        slugs = {slug for s in systems for slug in s.facts.get("service_areas") or []}
        areas = ServiceArea.objects.in_bulk(slugs, field_name="slug")
        for suggestion in systems:
            suggestion.catalogue = (products, areas)
    return suggestions


def _catalogue(suggestion: Suggestion) -> tuple[dict, dict]:
    """The products and areas `_with_catalogue` read, or those of this one suggestion."""
    found = getattr(suggestion, "catalogue", None)
    if found is not None:
        return found
    facts = suggestion.facts
    products = Product.objects.in_bulk([facts.get("product")] if facts.get("product") else [], field_name="slug")
    return products, ServiceArea.objects.in_bulk(facts.get("service_areas") or [], field_name="slug")


def suggestion_for(viewer: Viewer, pk: int) -> Suggestion:
    """One suggestion, if the viewer may review its organisation's; NotFound otherwise."""
    suggestion = _suggestions().filter(pk=pk).first()
    if suggestion is None or not may_review(viewer, suggestion.organisation_id):
        raise NotFound("No such suggestion.")
    return suggestion


def pending_counts(organisation_ids) -> dict[int, int]:
    rows = (
        Suggestion.objects.pending().filter(organisation_id__in=list(organisation_ids))
        .values_list("organisation_id").annotate(n=Count("pk"))
    )
    return dict(rows)


def waiting_queues(viewer: Viewer) -> list[tuple[Organisation, int]]:
    """The organisations whose editor the viewer is, each with how many suggestions wait in
    its queue, those with none left out. (A queue is its editors' work: a network's
    coordinators see their members' counts on the network's notices page.)"""
    editing = viewer.grants.editor_organisations
    if not editing:
        return []
    counts = pending_counts(editing)
    organisations = Organisation.objects.filter(pk__in=list(counts)).order_by("name")
    return [(organisation, counts[organisation.pk]) for organisation in organisations]


def waiting_buyers(viewer: Viewer) -> int:
    """How many buyer names wait for a coordinator, for those who may link them; 0 for others."""
    return Buyer.objects.filter(status=Buyer.Status.OPEN).count() if may_link(viewer) else 0


def _day(value) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(str(value)) if value else None
    except ValueError:
        return None


def _amount(value) -> Decimal | None:
    try:
        return Decimal(str(value)) if value not in (None, "") else None
    except InvalidOperation:
        return None


@dataclass(frozen=True)
class Offer:
    """The contract a suggestion offers (its `facts`), as values rather than text."""

    title: str
    total_value: Decimal | None
    currency: str
    start_date: datetime.date | None
    end_date: datetime.date | None
    extension_end_date: datetime.date | None
    route: str
    route_label: str
    reference: str
    source_url: str
    supplier_name: str
    supplier_number: str
    service_area: str | None
    area_reason: str


def offer(suggestion: Suggestion) -> Offer:
    """The contract offered: a notice's, or the one a suggested system comes with (empty
    values where it comes with none)."""
    facts = suggestion.facts if suggestion.kind != Suggestion.Kind.SYSTEM else (suggestion.facts.get("contract") or {})
    route = facts.get("route") or Contract.Route.UNKNOWN
    return Offer(
        title=facts.get("title") or "",
        total_value=_amount(facts.get("total_value")),
        currency=facts.get("currency") or "GBP",
        start_date=_day(facts.get("start_date")),
        end_date=_day(facts.get("end_date")),
        extension_end_date=_day(facts.get("extension_end_date")),
        route=route,
        route_label=dict(Contract.Route.choices).get(route, route),
        reference=facts.get("reference") or "",
        source_url=facts.get("source_url") or "",
        supplier_name=facts.get("supplier_name") or "",
        supplier_number=facts.get("supplier_number") or "",
        service_area=facts.get("service_area"),
        area_reason=facts.get("area_reason") or "",
    )


@dataclass(frozen=True)
class OfferedSystem:
    """The system a survey's or register's row suggests, with the records on the map its
    facts name (None where one has gone since), its contract and its rating."""

    product_slug: str
    product: Product | None
    supplier: Supplier | None
    service_areas: list[ServiceArea]
    hosting: str
    go_live: datetime.date | None
    contract: Offer | None
    rating_score: int | None
    rating_comment: str


def offered_system(suggestion: Suggestion) -> OfferedSystem | None:
    """For a suggested system, what it offers; None for a notice's suggestion."""
    if suggestion.kind != Suggestion.Kind.SYSTEM:
        return None
    facts = suggestion.facts
    slugs = facts.get("service_areas") or []
    products, areas = _catalogue(suggestion)
    rating = facts.get("rating") or {}
    hosting = facts.get("hosting") or ""
    return OfferedSystem(
        product_slug=facts.get("product") or "",
        product=products.get(facts.get("product")),
        supplier=suggestion.supplier,
        service_areas=[areas[slug] for slug in slugs if slug in areas],
        hosting=dict(System.Hosting.choices).get(hosting, hosting),
        go_live=_day(facts.get("go_live")),
        contract=offer(suggestion) if facts.get("contract") else None,
        rating_score=rating.get("score"),
        rating_comment=rating.get("comment") or "",
    )


def title(suggestion: Suggestion) -> str:
    """What a suggestion is called on its pages: the contract's title, or the system's product."""
    if suggestion.kind == Suggestion.Kind.SYSTEM:
        product = suggestion.facts.get("product") or ""
        found = _catalogue(suggestion)[0].get(product)
        return found.name if found is not None else product
    return suggestion.facts.get("title") or (suggestion.notice.ocid if suggestion.notice else "")


@dataclass(frozen=True)
class Change:
    """One field a suggested change would change: the map's value beside the notice's."""

    field: str
    label: str
    kind: str  # "money", "date" or "text", for showing the values
    map: object
    notice: object


def _typed(field: str, value):
    if field in ("start_date", "end_date", "extension_end_date"):
        return "date", _day(value)
    if field == "total_value":
        return "money", _amount(value)
    return "text", value


def changes(suggestion: Suggestion) -> list[Change]:
    """The suggested changes, in the order of the contract's fields."""
    found = []
    for field in rules.COMPARED:
        if field in suggestion.changes:
            kind, on_the_map = _typed(field, suggestion.changes[field].get("map"))
            _, in_the_notice = _typed(field, suggestion.changes[field].get("notice"))
            label = str(Contract._meta.get_field(field).verbose_name)
            found.append(Change(field, label[:1].upper() + label[1:], kind, on_the_map, in_the_notice))
    return found


def decided_by(viewer: Viewer, suggestion: Suggestion) -> str:
    """Who decided, named only to those who may see the organisation's people (as in a
    record's history); a role otherwise."""
    if suggestion.status == Suggestion.Status.PENDING:
        return ""
    if suggestion.decided_by is None:
        return "The system"
    if viewer.sees_people(suggestion.organisation_id):
        return str(suggestion.decided_by)
    return "An editor"


def cpv_codes(notice) -> list[tuple[str, str]]:
    """The notice's CPV codes, each with its label (empty where the code is not in the list)."""
    if notice is None:
        return []
    return [(code, classifying.cpv_label(code)) for code in notice.cpv_codes]


# Buyer names nobody recognised ----------------------------------------------------------------


def require_link(viewer: Viewer) -> None:
    if not may_link(viewer):
        raise Forbidden(LINKERS_ONLY)


def buyers(viewer: Viewer) -> list[Buyer]:
    """The buyer names waiting for a coordinator, most notices first."""
    require_link(viewer)
    return list(Buyer.objects.filter(status=Buyer.Status.OPEN).prefetch_related("candidates"))


def buyer_for(viewer: Viewer, pk: int) -> Buyer:
    buyer = Buyer.objects.filter(pk=pk).first() if may_link(viewer) else None
    if buyer is None:
        raise NotFound("No such buyer name.")
    return buyer


def linkable(viewer: Viewer, buyer: Buyer) -> list[tuple[str, list[Organisation]]]:
    """The organisations the viewer may link a buyer name to, in groups: its candidates
    first, then the organisations of the networks they coordinate (every organisation, for
    an admin)."""
    if viewer.is_admin:
        allowed, rest = Organisation.objects.all(), "Every organisation"
    else:
        allowed, rest = Organisation.objects.filter(pk__in=viewer.coordinated_organisations()), "Your networks' organisations"
    allowed = list(allowed.order_by("name"))
    named = {candidate.pk for candidate in buyer.candidates.all()}
    groups = [
        ("Candidates for this name", [o for o in allowed if o.pk in named]),
        (rest, [o for o in allowed if o.pk not in named]),
    ]
    return [(label, organisations) for label, organisations in groups if organisations]


# A network's imports and trust ----------------------------------------------------------------


def require_import(viewer: Viewer, network: Network) -> None:
    if not may_import(viewer, network):
        raise Forbidden(COORDINATORS_ONLY)


@dataclass(frozen=True)
class Trust:
    source: str
    label: str
    trusted: bool


def trusted_sources(viewer: Viewer, network: Network) -> list[Trust]:
    require_import(viewer, network)
    trusted = set(TrustedSource.objects.filter(network=network).values_list("source", flat=True))
    return [Trust(source.value, source.label, source.value in trusted) for source in TRUSTABLE]


def imports(viewer: Viewer, network: Network, *, limit: int = 10) -> list[Import]:
    require_import(viewer, network)
    return list(Import.objects.filter(network=network).select_related("created_by").defer("content")[:limit])


def members(viewer: Viewer, network: Network) -> list[tuple[Organisation, int]]:
    """The network's organisations, each with how many suggestions wait in its queue."""
    require_import(viewer, network)
    organisations = list(Organisation.objects.filter(memberships__network=network).order_by("name"))
    counts = pending_counts(o.pk for o in organisations)
    return [(organisation, counts.get(organisation.pk, 0)) for organisation in organisations]


def import_for(viewer: Viewer, pk: int) -> Import:
    """One import, if the viewer coordinates its network (or is an admin); NotFound otherwise."""
    job = Import.objects.select_related("network", "created_by").defer("content").filter(pk=pk).first()
    if job is None or not may_import(viewer, job.network):
        raise NotFound("No such import.")
    return job


# The harvests of the publishers' APIs ---------------------------------------------------------


@dataclass(frozen=True)
class HarvestState:
    """Where one publisher's harvest stands (citytools.notices.models.Harvest), and when the
    worker's schedule runs it next."""

    source: str  # the slug, as `citytools harvest_ocds` and an import's `harvest` name it
    label: str
    last_run: datetime.datetime | None  # when a page was last harvested, or a harvest failed
    pages: int  # harvested so far, every harvest together
    releases: int
    resumes: bool  # True: the next harvest resumes where the last stopped, at `next_url`
    next_url: str
    since: datetime.date | None  # when not resuming: the first day the next harvest asks for
    last_error: str
    running: bool  # an import from the web is harvesting it now
    every_hours: float | None  # the schedule (CITYTOOLS_OCDS_HARVEST_SCHEDULE); None: not scheduled
    next_run: datetime.datetime | None  # when the schedule runs it next; None with every_hours: at the next tick


def harvests(viewer: Viewer, network: Network | None = None) -> list[HarvestState]:
    """Each publisher's harvest, in the order of rules.HARVEST_SOURCES: for a network's
    coordinators (and admins) when asked for a network's page, else for any coordinator."""
    if network is not None:
        require_import(viewer, network)
    elif not may_see_harvests(viewer):
        raise Forbidden(HARVESTERS_ONLY)
    states = {state.source: state for state in Harvest.objects.filter(source__in=rules.HARVEST_SOURCES)}
    running = set(
        Import.objects.filter(harvest__in=rules.HARVEST_SOURCES, status=Import.Status.RUNNING).values_list("harvest", flat=True)
    )
    # The worker harvests on its schedule only as someone (citytools.notices.services.harvest_when_due).
    schedule = settings.CITYTOOLS_OCDS_HARVEST_SCHEDULE if settings.CITYTOOLS_OCDS_HARVEST_AS else {}
    today = timezone.localdate()
    found = []
    for source in rules.HARVEST_SOURCES:
        state = states.get(source) or Harvest(source=source)
        resumes = bool(state.next_url)
        last_run = state.updated_at if state.pk else None
        hours = schedule.get(source)
        found.append(HarvestState(
            source=source, label=rules.HARVEST_NAMES[source], last_run=last_run, pages=state.pages, releases=state.releases,
            resumes=resumes, next_url=state.next_url,
            since=None if resumes else rules.harvest_from(since=None, last_began=state.since.date() if state.since else None, today=today),
            last_error=state.last_error, running=source in running,
            every_hours=hours, next_run=rules.harvest_due_at(last_run, hours) if hours is not None else None,
        ))
    return found


# The service-area hints ------------------------------------------------------------------------


def area_hints() -> tuple[classifying.Hint, ...]:
    """The mapping from words and CPV codes to service areas: as coordinators edited it, or
    as it ships until someone does."""
    # In the order they were added: the first edit copies the shipped mapping in its own order
    # (services.add_hint), and the first word hint that matches wins, so that order must hold.
    edited = tuple(
        classifying.Hint(area, kind, hint)
        for area, kind, hint in AreaHint.objects.order_by("pk").values_list("area__name", "kind", "hint")
    )
    return edited or shipped_hints_on_the_map()


def shipped_hints_on_the_map() -> tuple[classifying.Hint, ...]:
    """The shipped hints whose service area this deployment has."""
    names = set(ServiceArea.objects.values_list("name", flat=True))
    return tuple(hint for hint in classifying.shipped_hints() if hint.area in names)


def require_hints(viewer: Viewer) -> None:
    if not may_edit_hints(viewer):
        raise Forbidden(HINT_EDITORS_ONLY)


@dataclass(frozen=True)
class HintInForce:
    area: ServiceArea
    kind: str  # "words" or "cpv"
    hint: str
    label: str  # a CPV code's label in the CPV list ("" for words, or a code not in it)
    shipped: bool  # it ships with the project, rather than a coordinator added it


@dataclass(frozen=True)
class HintedArea:
    area: ServiceArea
    words: list[HintInForce]
    codes: list[HintInForce]

    @property
    def hints(self) -> list[HintInForce]:
        return [*self.words, *self.codes]


@dataclass(frozen=True)
class HintMapping:
    """The hints in force, and whether they are still the mapping that ships (`edited` is
    False) or coordinators have changed it."""

    edited: bool
    hints: list[HintInForce]  # in the taxonomy's order, each area's words before its codes
    groups: list[tuple[ServiceArea, list[HintedArea]]]  # every area, with or without hints


def hint_in_force(area: ServiceArea, kind: str, hint: str) -> HintInForce:
    shipped = classifying.Hint(area.name, kind, hint) in classifying.shipped_hints()
    return HintInForce(area, kind, hint, classifying.cpv_label(hint) if kind == "cpv" else "", shipped)


def hint_mapping(viewer: Viewer) -> HintMapping:
    """The mapping in force as area_hints() gives it to every import, with the service
    areas themselves, for those who may edit it."""
    require_hints(viewer)
    areas = list(ServiceArea.objects.select_related("parent").order_by("parent__position", "parent__name", "position", "name"))
    edited = AreaHint.objects.exists()
    if edited:
        by_pk = {area.pk: area for area in areas}
        rows = [(by_pk[area_id], kind, hint) for area_id, kind, hint in AreaHint.objects.values_list("area_id", "kind", "hint")]
    else:
        by_name = {area.name: area for area in areas}
        rows = [(by_name[hint.area], hint.kind, hint.hint) for hint in shipped_hints_on_the_map()]
    place = {area.pk: index for index, area in enumerate(areas)}
    hints = sorted(
        (hint_in_force(area, kind, hint) for area, kind, hint in rows),
        key=lambda found: (place[found.area.pk], found.kind != "words", found.hint),
    )
    of_area: dict[int, list[HintInForce]] = {}
    for found in hints:
        of_area.setdefault(found.area.pk, []).append(found)
    groups: dict[int, tuple[ServiceArea, list[HintedArea]]] = {}
    for area in areas:
        if area.parent_id is not None:
            own = of_area.get(area.pk, [])
            hinted = HintedArea(area, [h for h in own if h.kind == "words"], [h for h in own if h.kind == "cpv"])
            groups.setdefault(area.parent_id, (area.parent, []))[1].append(hinted)
    return HintMapping(edited, hints, list(groups.values()))

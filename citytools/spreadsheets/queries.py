"""Exports: systems and contracts as a table with the import template's columns, read through
the Viewer like every other page.

Only records the viewer may see are read (`visible_to`), and loaded rows pass through
`redact_systems` / `redact_contracts`. A column the viewer may see for no row (values,
notes) is left out entirely; where only some rows' values are visible, the others are blank.
A contract's systems name only systems the viewer may see.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import Case, QuerySet, When

from citytools.accounts.viewer import values_visible
from citytools.contracts import queries as contract_queries
from citytools.contracts.models import Contract
from citytools.contracts.queries import ContractFilters, filter_contracts
from citytools.directory.models import Network, NetworkMembership, Organisation
from citytools.inventory.models import ServiceArea, System
from citytools.spreadsheets import rules, sheets
from citytools.spreadsheets.models import Kind


@dataclass(frozen=True)
class Export:
    kind: str
    header: list[str]
    rows: list[list]
    filename: str

    def render(self, fmt: str) -> bytes:
        if fmt == "xlsx":
            return sheets.write_xlsx(self.header, self.rows, sheet_title=self.kind.capitalize())
        if fmt == "json":
            return sheets.write_json(self.kind, self.header, self.rows)
        return sheets.write_csv(self.header, self.rows)


def _systems(viewer, *, organisations=None, product=None, areas=None) -> QuerySet[System]:
    systems = System.objects.visible_to(viewer)
    if organisations is not None:
        systems = systems.filter(organisation__in=organisations)
    if product is not None:
        systems = systems.filter(product=product)
    if areas is not None:
        systems = systems.filter(pk__in=System.service_areas.through.objects.filter(servicearea__in=areas).values("system_id"))
    return systems


def _table(kind: str, records: list, hidden: set[str]) -> tuple[list[str], list[list]]:
    names = [c.name for c in rules.columns(kind) if c.name not in hidden]
    return names, [[record[name] for name in names] for record in records]


def systems_export(viewer, *, organisations=None, product=None, areas=None, filename: str) -> Export:
    """The systems the viewer may see, of some organisations, one product or some service
    areas (each None for all)."""
    systems = _systems(viewer, organisations=organisations, product=product, areas=areas)
    # Read as values, not as models, as contracts are (see contracts_export); each system's
    # service areas as (system, area) pairs through a subquery, never a list of ids.
    areas_of: dict[int, list[str]] = defaultdict(list)
    pairs = System.service_areas.through.objects.filter(system__in=systems.order_by().values("pk"))
    for system_id, slug in pairs.values_list("system_id", "servicearea__slug").iterator(chunk_size=10_000):
        areas_of[system_id].append(slug)
    fields = ("pk", "organisation_id", "organisation__slug", "product__slug", "supplier__slug", "hosting", "status",
              "go_live", "notes", "confidential")
    rows = systems.order_by("organisation__slug", "product__slug", "pk").values_list(*fields).iterator(chunk_size=10_000)
    notes_visible = {}
    records = []
    for pk, organisation_id, organisation, product_slug, supplier, hosting, status, go_live, notes, confidential in rows:
        if organisation_id not in notes_visible:
            notes_visible[organisation_id] = viewer.notes_visible(organisation_id)
        records.append({
            "id": pk, "organisation": organisation, "product": product_slug,
            "service_areas": "; ".join(sorted(areas_of[pk])), "supplier": supplier or "", "hosting": hosting,
            "status": status, "go_live": go_live, "notes": notes if notes_visible[organisation_id] else "",
            "confidential": confidential,
        })
    hidden = set() if any(notes_visible.values()) else {"notes"}
    header, rows = _table(Kind.SYSTEMS, records, hidden)
    return Export(Kind.SYSTEMS, header, rows, filename)


def contracts_export(viewer, contracts: QuerySet[Contract], *, filename: str) -> Export:
    """`contracts` already limited to what the viewer may see (visible_to or filter_contracts)."""
    contracts = contracts.prefetch_related(None).order_by()
    visible_systems = System.objects.visible_to(viewer).order_by()
    # Each contract's visible systems, read as pairs: a prefetch would send every contract's id
    # as a parameter, and SQLite then plans as `links` says it must not (minutes at uk scale).
    links = contract_queries.links(contracts, visible_systems).values_list(
        "contract_id", "system_id", "system__organisation_id", "system__product_id", "system__product__slug"
    )
    systems_of: dict[int, list[tuple[int, int, int, str]]] = defaultdict(list)
    for contract_id, *system in links.iterator(chunk_size=10_000):
        systems_of[contract_id].append(tuple(system))
    # Read as values, not as models: building 100,000 contracts with their organisation and
    # supplier took most of an export's time. Values the viewer may not see are blanked by the
    # database, by the Viewer's own rule (values_visible), as on every other page.
    shown = Case(When(values_visible(viewer), then=True), default=False)
    fields = ("pk", "organisation_id", "organisation__slug", "reference", "title", "supplier__slug", "total_value",
              "annual_value", "currency", "start_date", "end_date", "extension_end_date", "route", "framework",
              "source", "source_url", "confidential", "shown")
    rows = list(
        contracts.annotate(shown=shown).order_by("organisation__slug", "end_date", "pk").values_list(*fields).iterator(chunk_size=10_000)
    )
    # A system is named by its product where that is unambiguous within its organisation.
    organisation_ids = {row[1] for row in rows}
    counts = Counter(
        visible_systems.filter(organisation_id__in=organisation_ids).values_list("organisation_id", "product_id").iterator()
    )

    def system_name(system_id: int, organisation_id: int, product_id: int, product_slug: str) -> str:
        return product_slug if counts[(organisation_id, product_id)] == 1 else str(system_id)

    records = [
        {
            "id": pk, "organisation": organisation, "reference": reference, "title": title, "supplier": supplier,
            "systems": "; ".join(sorted(system_name(*system) for system in systems_of[pk])),
            "total_value": total if visible else None, "annual_value": annual if visible else None,
            "currency": currency, "start_date": start, "end_date": end, "extension_end_date": extension,
            "route": route, "framework": framework, "source": source, "source_url": source_url,
            "confidential": confidential,
        }
        for (pk, _, organisation, reference, title, supplier, total, annual, currency, start, end, extension, route,
             framework, source, source_url, confidential, visible) in rows
    ]
    hidden = set() if any(row[-1] for row in rows) else {"total_value", "annual_value"}
    header, rows = _table(Kind.CONTRACTS, records, hidden)
    return Export(Kind.CONTRACTS, header, rows, filename)


def organisation_export(viewer, organisation: Organisation, kind: str) -> Export:
    filename = f"{organisation.slug}-{kind}"
    if kind == Kind.SYSTEMS:
        return systems_export(viewer, organisations=[organisation.pk], filename=filename)
    return contracts_export(viewer, Contract.objects.visible_to(viewer).filter(organisation=organisation), filename=filename)


def network_export(viewer, network: Network, kind: str) -> Export:
    members = NetworkMembership.objects.filter(network=network).values("organisation")
    filename = f"{network.slug}-{kind}"
    if kind == Kind.SYSTEMS:
        return systems_export(viewer, organisations=members, filename=filename)
    return contracts_export(viewer, Contract.objects.visible_to(viewer).filter(organisation__in=members), filename=filename)


def filtered_contracts_export(viewer, filters: ContractFilters) -> Export:
    """The contract list's filtered view, every page of it."""
    return contracts_export(viewer, filter_contracts(filters, viewer=viewer).prefetch_related(None), filename="contracts")


def template(kind: str, fmt: str) -> bytes:
    """An empty file with the header row (and, as XLSX, a sheet explaining each column)."""
    cols = rules.columns(kind)
    header = [c.name for c in cols]
    if fmt == "xlsx":
        return sheets.write_xlsx(header, [], sheet_title=kind.capitalize(), notes=[(c.name, f"{c.label}. {c.help}") for c in cols])
    return sheets.write_csv(header, [])


def filtered_systems_export(viewer, *, product=None, area=None, network=None) -> Export:
    """The systems behind the product, service-area and matrix pages: of one product, one
    service area (a group means each of its areas), one network's organisations, or all."""
    areas = None
    if area is not None:
        areas = list(ServiceArea.objects.filter(parent=area)) if area.is_group else [area]
    organisations = NetworkMembership.objects.filter(network=network).values("organisation") if network is not None else None
    name = "-".join(part.slug for part in (network, product, area) if part is not None) or "all"
    return systems_export(viewer, organisations=organisations, product=product, areas=areas, filename=f"systems-{name}")

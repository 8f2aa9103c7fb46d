"""Spreadsheet import: upload, column mapping, preview and commit. The only code here that
writes, and it writes records only through citytools.inventory.services and
citytools.contracts.services, so their checks, permissions, versions and history apply to
every imported row as to a form.

A preview is a dry run: the rows that would add or change a record are written through those
services inside a transaction that is then rolled back, so every error a commit would meet
is shown first, against its row. The preview keeps each matched record's version and a
digest of its plan; a commit recomputes both and refuses, writing nothing, when anything
moved in between. The commit is one transaction: all rows or none.
"""

import datetime
import hashlib
import json
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

from citytools.accounts.viewer import Viewer
from citytools.contracts import rules as contract_rules
from citytools.contracts import services as contract_services
from citytools.contracts.models import Contract
from citytools.core import history, jobs
from citytools.core.errors import Conflict, DomainError, Forbidden, NotFound
from citytools.core.history import (
    Change,  # a field's old and new value, as a record's history shows them
)
from citytools.directory.models import Organisation, Supplier
from citytools.inventory import services as system_services
from citytools.inventory.models import Product, ServiceArea, System
from citytools.spreadsheets import rules, sheets
from citytools.spreadsheets.models import ColumnMapping, Kind, Upload

STALE_PREVIEW = (
    "Some records changed since your preview, so nothing was imported. "
    "Preview again to see the file against the records as they are now, then import."
)
FIELD_ORDER = {kind: [c.name for c in cols] for kind, cols in rules.COLUMNS.items()}


def limits() -> dict:
    return {
        "max_bytes": settings.IMPORT_MAX_BYTES,
        "max_rows": settings.IMPORT_MAX_ROWS,
        "max_unzipped_bytes": settings.IMPORT_MAX_UNZIPPED_BYTES,
    }


def _require_edit(actor, organisation_id: int) -> None:
    if not Viewer.for_user(actor).can_edit(organisation_id):
        raise Forbidden("Only the organisation's own editors can import its records.")


# The plan ----------------------------------------------------------------------------------


@dataclass
class PlannedRow:
    number: int
    action: str  # new, changed, unchanged, duplicate, error
    record_id: int | None = None
    version: int | None = None
    title: str = ""
    changes: list[Change] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    note: str = ""
    values: dict = field(default_factory=dict)
    # What the row names that the catalogue lacks, [kind, name]: the preview offers to propose it.
    unknown: list = field(default_factory=list)


@dataclass
class Preview:
    upload: Upload
    header: list[str]
    header_row: int  # the header's row number in the spreadsheet
    mapping: list[str]
    rows: list[PlannedRow]

    def count(self, action: str) -> int:
        return sum(1 for row in self.rows if row.action == action)

    @property
    def counts(self) -> dict[str, int]:
        return {action: self.count(action) for action in ("new", "changed", "unchanged", "duplicate", "error")}

    @property
    def unknown_entries(self) -> list[tuple[str, str]]:
        """Suppliers and products the file names that the catalogue lacks, each once."""
        return list(dict.fromkeys(tuple(entry) for row in self.rows for entry in row.unknown))

    @property
    def has_errors(self) -> bool:
        return any(row.action == "error" for row in self.rows)

    @property
    def missing_required(self) -> list[str]:
        mapped = set(self.mapping)
        return [c.label for c in rules.columns(self.upload.kind) if c.required and c.name not in mapped]


class UnknownEntry(DomainError):
    """A supplier or product the catalogue lacks: the preview offers to propose it."""

    code = "unknown_entry"

    def __init__(self, message: str, *, kind: str, name: str):
        super().__init__(message)
        self.kind, self.name = kind, name


class Lookup:
    """Products, suppliers and service areas by slug or name (any case), and the
    organisation's records, each loaded once for the whole file."""

    def __init__(self, organisation: Organisation, kind: str):
        self.organisation = organisation
        self.kind = kind
        # The catalogue, and what the organisation proposed itself (citytools.inventory.catalogue_services).
        self.products = self._index(Product.entries.usable_by(organisation.pk))
        self.suppliers = self._index(Supplier.entries.usable_by(organisation.pk))
        self.areas = self._index(ServiceArea.objects.all())
        systems = list(
            System.objects.filter(organisation=organisation).select_related("product", "supplier").prefetch_related("service_areas")
        )
        self.systems = {s.pk: s for s in systems}
        self.systems_by_product: dict[int, list[System]] = {}
        for system in systems:
            if system.retired_at is None:
                self.systems_by_product.setdefault(system.product_id, []).append(system)
        self.contracts = {}
        self.contracts_by_reference = {}
        self.contracts_by_identity: dict[tuple, list[Contract]] = {}
        if kind == Kind.CONTRACTS:
            for contract in Contract.objects.filter(organisation=organisation).select_related("supplier").prefetch_related("systems"):
                self.contracts[contract.pk] = contract
                if contract.retired_at is None:
                    if contract.reference:
                        self.contracts_by_reference[contract.reference] = contract
                    self.contracts_by_identity.setdefault(contract_identity(contract.title, contract.supplier_id, contract.start_date), []).append(contract)

    @staticmethod
    def _index(queryset) -> dict[str, list]:
        index: dict[str, list] = {}
        for obj in queryset:
            index.setdefault(obj.slug.lower(), []).append(obj)
            if obj.name.lower() != obj.slug.lower():
                index.setdefault(obj.name.strip().lower(), []).append(obj)
        return index

    def one(self, index: dict, text: str, what: str, where: str):
        found = {obj.pk: obj for obj in index.get(text.strip().lower(), [])}
        if len(found) == 1:
            return next(iter(found.values()))
        if found:
            raise DomainError(f"{len(found)} {what}s are called {text!r}: use the slug from the {what}'s page instead.")
        if what in ("product", "supplier"):
            raise UnknownEntry(f"No {what} is called {text!r}. Check the spelling against {where}, or propose it for the catalogue.", kind=what, name=text.strip())
        raise DomainError(f"No {what} is called {text!r}. Check the spelling against {where}.")

    def system_ids(self, values: list[str]) -> list[int]:
        ids = []
        for text in values:
            if text.isdigit():
                system = self.systems.get(int(text))
                if system is None or system.retired_at is not None:
                    raise DomainError(f"{self.organisation} has no system with the id {text}.")
                ids.append(system.pk)
                continue
            product = self.one(self.products, text, "product", "the Products page")
            systems = self.systems_by_product.get(product.pk, [])
            if len(systems) != 1:
                raise DomainError(
                    f"{self.organisation} has {'no' if not systems else len(systems)} systems of {product.name}: "
                    + ("add it first." if not systems else "write the system's id instead (export your systems to see them).")
                )
            ids.append(systems[0].pk)
        return list(dict.fromkeys(ids))


def _label(kind: str, name: str | None) -> str:
    if not name:
        return ""
    try:
        return rules.column(kind, name).label
    except StopIteration:
        return name.replace("_", " ").capitalize()


def _show(value) -> str:
    if value is None or value == "" or value == []:
        return "(blank)"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, (list, tuple)):
        return "; ".join(str(v) for v in value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


def _resolve(row: rules.Row, lookup: Lookup) -> tuple[dict, list[str], list[list[str]]]:
    """The row's values as the services take them (objects and ids), a message for each
    value that names nothing known (every one of them, not only the first), and the
    [kind, name] of each supplier or product among them, which the preview offers to propose."""
    wanted, errors, unknown = {}, [], []
    for name, value in row.values.items():
        if name == "service_areas":
            areas = {}
            for text in value:
                try:
                    area = lookup.one(lookup.areas, text, "service area", "the Service areas page")
                except DomainError as error:
                    errors.append(error.message)
                else:
                    areas[area.pk] = area
            wanted[name] = list(areas.values())
            continue
        try:
            _resolve_one(name, value, wanted, lookup)
        except DomainError as error:
            errors.append(error.message)
            if isinstance(error, UnknownEntry):
                unknown.append([error.kind, error.name])
    return wanted, errors, unknown


def _resolve_one(name: str, value, wanted: dict, lookup: Lookup) -> None:
    if name in ("id", "organisation"):
        return
    if name == "product":
        wanted[name] = lookup.one(lookup.products, value, "product", "the Products page") if value else None
    elif name == "supplier":
        wanted[name] = lookup.one(lookup.suppliers, value, "supplier", "the Suppliers page") if value else None
    elif name == "systems":
        wanted[name] = lookup.system_ids(value)
    elif name in ("status",) and not value:
        wanted[name] = System.Status.LIVE
    elif name == "route" and not value:
        wanted[name] = Contract.Route.UNKNOWN
    elif name == "source" and not value:
        wanted[name] = Contract.Source.ORGANISATION
    elif name == "currency":
        wanted[name] = (value or "GBP").upper()
    else:
        wanted[name] = value


def _current(record, kind: str, name: str):
    """A record's value of one field, in the form `_resolve` gives."""
    if name == "service_areas":
        return sorted(a.pk for a in record.service_areas.all())
    if name == "systems":
        return sorted(s.pk for s in record.systems.all())
    if name in ("product", "supplier"):
        return getattr(record, f"{name}_id")
    return getattr(record, name)


def _comparable(kind: str, name: str, value):
    if name in ("service_areas",):
        return sorted(v.pk for v in value or [])
    if name == "systems":
        return sorted(value or [])
    if name in ("product", "supplier"):
        return value.pk if value is not None else None
    if name in ("notes", "title", "framework", "reference", "source_url"):
        return (value or "").strip()
    return value


def _choice_label(kind: str, name: str, value):
    """A choice shown as its label ("Software as a service"), never its code ("saas")."""
    try:
        choices = dict(rules.column(kind, name).choices)
    except StopIteration:
        return value
    return choices.get(value, value) if choices else value


def _display(kind: str, name: str, value, lookup: Lookup) -> str:
    value = _choice_label(kind, name, value)
    if name in ("product", "supplier"):
        return _show(value.name if value is not None else None)
    if name == "service_areas":
        return _show([a.name for a in value or []])
    if name == "systems":
        return _show([f"{lookup.systems[pk].product.name} ({pk})" for pk in value or []])
    return _show(value)


def _display_current(record, kind: str, name: str, lookup: Lookup) -> str:
    if name in ("product", "supplier"):
        related = getattr(record, name)
        return _show(related.name if related is not None else None)
    if name == "service_areas":
        return _show([a.name for a in record.service_areas.all()])
    if name == "systems":
        return _show([f"{s.product.name} ({s.pk})" for s in record.systems.all() if s.pk in lookup.systems] or
                     [f"System {s.pk}" for s in record.systems.all()])
    return _show(_choice_label(kind, name, getattr(record, name)))


def contract_identity(title, supplier_id, start_date) -> tuple:
    """What tells a contract without a reference from the organisation's others: its title
    (any case and spacing), supplier and start date."""
    return (" ".join(str(title or "").split()).casefold(), supplier_id, start_date)


def _identity_of(wanted: dict) -> tuple | None:
    supplier = wanted.get("supplier")
    if not wanted.get("title") or supplier is None or not wanted.get("start_date"):
        return None
    return contract_identity(wanted["title"], getattr(supplier, "pk", supplier), wanted["start_date"])


def _match(row: rules.Row, wanted: dict, lookup: Lookup):
    """The existing record a row describes, or None for a new one; DomainError when unclear."""
    kind = lookup.kind
    records = lookup.systems if kind == Kind.SYSTEMS else lookup.contracts
    pk = row.values.get("id")
    if pk:
        record = records.get(pk)
        if record is None:
            raise DomainError(f"{lookup.organisation} has no {kind[:-1]} with the id {pk}. Leave the id blank to add a new one.")
        if record.retired_at is not None:
            raise DomainError(f"The {kind[:-1]} with the id {pk} is retired: restore it from its history first, or leave the id blank.")
        return record
    if kind == Kind.CONTRACTS:
        reference = (row.values.get("reference") or "").strip()
        if reference:
            return lookup.contracts_by_reference.get(reference)
        # Without an id or a reference, the same title, supplier and start date is the same
        # contract, so that importing a file again adds nothing.
        identity = _identity_of(wanted)
        candidates = lookup.contracts_by_identity.get(identity, []) if identity else []
        if len(candidates) > 1:
            raise DomainError(
                f"{lookup.organisation} has {len(candidates)} contracts called {wanted['title']!r} with this supplier and start "
                "date: add an id or reference column to say which (export your contracts to get their ids)."
            )
        return candidates[0] if candidates else None
    product = wanted.get("product")
    if product is None:
        return None
    candidates = lookup.systems_by_product.get(product.pk, [])
    if len(candidates) > 1 and "service_areas" in wanted:
        areas = sorted(a.pk for a in wanted["service_areas"])
        candidates = [s for s in candidates if sorted(a.pk for a in s.service_areas.all()) == areas] or candidates
    if len(candidates) > 1:
        raise DomainError(
            f"{lookup.organisation} has {len(candidates)} systems of {product.name}: add an id column to say which "
            "(export your systems to get their ids)."
        )
    return candidates[0] if candidates else None


def plan_rows(organisation: Organisation, kind: str, table: list[list], header_index: int, mapping: list[str]) -> list[PlannedRow]:
    """What importing the table would do, row by row, without any check that needs a write."""
    rows = rules.read_rows(kind, table, header_index, mapping)
    lookup = Lookup(organisation, kind)
    claimed: dict[int, int] = {}  # record id → first row number
    new_keys: dict[object, int] = {}  # what a new record is known by → its first row number
    planned = []
    for row in rows:
        plan = PlannedRow(number=row.number, action="error")
        planned.append(plan)
        if row.duplicate_of is not None:
            plan.action, plan.note = "duplicate", f"The same as row {row.duplicate_of}: skipped."
            continue
        plan.errors = [f"{_label(kind, name)}: {message}" for name, message in row.errors]
        given = (row.values.get("organisation") or "").strip().lower()
        if given and given not in (organisation.slug.lower(), organisation.name.lower(), (organisation.short_name or "").lower()):
            plan.errors.append(f"Organisation: this row is for {row.values['organisation']!r}, not {organisation}. Import it from that organisation's page.")
        # Every fault of the row at once: cells that cannot be read, names that match nothing
        # and dates out of order, so one round of corrections fixes the file.
        wanted, faults, plan.unknown = _resolve(row, lookup)
        plan.errors.extend(faults)
        plan.errors.extend(_pure_checks(kind, row.values))
        if plan.errors:
            continue
        try:
            record = _match(row, wanted, lookup)
        except DomainError as error:
            plan.errors.append(error.message)
            if isinstance(error, UnknownEntry):
                plan.unknown.append([error.kind, error.name])
            continue
        if record is not None:
            first = claimed.setdefault(record.pk, row.number)
            if first != row.number:
                plan.errors.append(f"Row {first} also describes this {kind[:-1]} (id {record.pk}), with different values: keep one of the two rows.")
                continue
            plan.record_id, plan.version = record.pk, record.version
            plan.title = str(record) if kind == Kind.CONTRACTS else record.product.name
            for name in FIELD_ORDER[kind]:
                if name not in wanted:
                    continue
                if _comparable(kind, name, wanted[name]) != _current(record, kind, name):
                    plan.changes.append(Change(name, _label(kind, name), _display_current(record, kind, name, lookup),
                                               _display(kind, name, wanted[name], lookup)))
            changed = {c.field for c in plan.changes}
            plan.values = {name: value for name, value in wanted.items() if name in changed}
            plan.action = "changed" if plan.changes else "unchanged"
            continue
        missing = [c.label for c in rules.columns(kind) if c.required and not wanted.get(c.name)]
        if missing:
            plan.errors.append(f"A new {kind[:-1]} needs {', '.join(missing)}: fill in {'that column' if len(missing) == 1 else 'those columns'}.")
            continue
        reference = (wanted.get("reference") or "").strip()
        if reference:
            first = new_keys.setdefault(reference, row.number)
            if first != row.number:
                plan.errors.append(f"Row {first} also adds a contract with the reference {reference!r}, with different values: keep one of the two rows.")
                continue
        # Two rows adding the same record would make it twice, and every later import of the
        # file ambiguous.
        if kind == Kind.CONTRACTS and not reference:
            same, what = _identity_of(wanted), "a contract with this title, supplier and start date"
        elif kind == Kind.SYSTEMS and wanted.get("product") is not None:
            same = ("system", wanted["product"].pk, tuple(sorted(a.pk for a in wanted.get("service_areas") or [])))
            what = f"a system of {wanted['product'].name} in the same service areas"
        else:
            same = None
        if same is not None:
            first = new_keys.setdefault(same, row.number)
            if first != row.number:
                plan.errors.append(f"Row {first} also adds {what}, with different values: keep one of the two rows.")
                continue
        plan.action, plan.values = "new", wanted
        plan.title = wanted.get("title") or (wanted["product"].name if wanted.get("product") else "")
        plan.changes = [Change(name, _label(kind, name), "", _display(kind, name, value, lookup))
                        for name, value in wanted.items() if value not in (None, "", [])]
    for plan in planned:
        if plan.errors:
            plan.action = "error"
    return planned


def _pure_checks(kind: str, values: dict) -> list[str]:
    """The domain's own rules that need no database, run on a row that has other faults (a
    row without any gets the full dry run of the services instead)."""
    if kind != Kind.CONTRACTS or not values.get("start_date") or not values.get("end_date"):
        return []
    try:
        contract_rules.check_dates(values["start_date"], values["end_date"], values.get("extension_end_date"))
    except DomainError as error:
        return [_row_error(kind, None, error)]
    return []


def _write(plan: PlannedRow, *, organisation: Organisation, kind: str, actor) -> None:
    """One row through the domain's services."""
    if kind == Kind.SYSTEMS:
        # By slug: the inventory's services name a group in their refusal by its slug.
        values = dict(plan.values)
        if "service_areas" in values:
            values["service_areas"] = [area.slug for area in values["service_areas"]]
        plan = PlannedRow(number=plan.number, action=plan.action, record_id=plan.record_id, version=plan.version, values=values)
        if plan.action == "new":
            system_services.create_system(organisation=organisation, actor=actor, **plan.values)
        else:
            system = System.objects.select_related("product", "supplier").get(pk=plan.record_id)
            system_services.update_system(system, version=plan.version, changes=plan.values, actor=actor)
    else:
        if plan.action == "new":
            contract_services.create_contract(organisation=organisation, actor=actor, **plan.values)
        else:
            contract = Contract.objects.select_related("supplier").get(pk=plan.record_id)
            contract_services.update_contract(contract, version=plan.version, changes=plan.values, actor=actor)


def _row_error(kind: str, plan: PlannedRow, error: DomainError) -> str:
    label = _label(kind, error.field)
    return f"{label}: {error.message}" if label else error.message


# Rows written and rolled back together in a dry run. Between two chunks the worker records
# how far it has got, which a transaction holding the whole file could not show anyone.
CHUNK = 250


def _dry_run(planned: list[PlannedRow], *, organisation: Organisation, kind: str, actor, progress=None) -> None:
    """Write every row that would change something, then roll it all back: the services'
    own checks (dates in order, unique references, areas not groups…) become row errors.
    Rows that could clash with each other (two adding the same record) are already errors
    of the plan, so chunks rolled back one by one check each row as the file as a whole
    would. `progress(rows done)` is called after each chunk."""
    with history.rehearsal(), Viewer.for_batch(actor):
        for start in range(0, len(planned), CHUNK):
            with transaction.atomic():
                for plan in planned[start:start + CHUNK]:
                    if plan.action not in ("new", "changed"):
                        continue
                    try:
                        with transaction.atomic():
                            _write(plan, organisation=organisation, kind=kind, actor=actor)
                    except DomainError as error:
                        plan.errors.append(_row_error(kind, plan, error))
                        plan.action = "error"
                transaction.set_rollback(True)
            if progress is not None:
                progress(min(start + CHUNK, len(planned)))


def _digest(planned: list[PlannedRow]) -> str:
    shape = [(p.number, p.action, p.record_id, p.version, [(c.field, c.old, c.new) for c in p.changes], p.errors) for p in planned]
    return hashlib.sha256(json.dumps(shape, default=str).encode()).hexdigest()


def _table(upload: Upload) -> list[list]:
    return sheets.read_table(upload.filename, bytes(upload.content), **limits())


def _build_preview(upload: Upload, *, actor, rehearse: bool = True, progress=None) -> Preview:
    """The plan of an upload, and with `rehearse` its dry run. A commit plans without one:
    the real writes that follow check every row the same way, and a row they refuse undoes
    them all. For a file whose preview had no errors, the dry run adds nothing to the plan,
    so the two digests still compare."""
    table = _table(upload)
    header_index, header = rules.find_header(upload.kind, table)
    mapping = rules.check_mapping(upload.kind, upload.mapping, len(header))
    planned = plan_rows(upload.organisation, upload.kind, table, header_index, mapping)
    if rehearse:
        _dry_run(planned, organisation=upload.organisation, kind=upload.kind, actor=actor, progress=progress)
    return Preview(upload=upload, header=header, header_row=header_index + 1, mapping=mapping, rows=planned)


def _remember(upload: Upload, preview: Preview, actor) -> None:
    _remember_columns(upload, preview.header, preview.mapping, actor)


def _remember_columns(upload: Upload, header: list[str], mapping: list[str], actor) -> None:
    columns = {rules.normalise(text): name for text, name in zip(header, mapping) if rules.normalise(text)}
    ColumnMapping.objects.update_or_create(
        organisation=upload.organisation, kind=upload.kind, defaults={"columns": columns, "updated_by": actor}
    )


def _check_open(upload: Upload, *, job: str = "") -> None:
    """Refuse what cannot be done to this upload now; `job` names the worker's own job, which
    may go on with it."""
    jobs.refuse_unless_open(upload, committed=upload.status == Upload.Status.COMMITTED, job=job)


# The doors' entry points -------------------------------------------------------------------


def in_background(records: int) -> bool:
    """Whether a file of this many records is previewed and imported by the worker."""
    return records > settings.IMPORT_BACKGROUND_ROWS


# Sent when an upload's long job is recorded, with its `upload_id`. citytools.spreadsheets.tasks
# answers it by queueing run_upload_job for the worker (the task runs these services, so
# they cannot import it).
job_queued = Signal()


def _queue(upload: Upload, job: str, *, actor, total: int) -> None:
    """Hand a long job to the worker (citytools.spreadsheets.tasks.run_upload_job)."""
    jobs.record_job(upload, job, actor=actor, total=total)
    job_queued.send(sender=Upload, upload_id=upload.pk)


@transaction.atomic
def start_import(
    *, organisation: Organisation, kind: str, filename: str, content: bytes, actor, background: bool = True
) -> Upload:
    """Keep an uploaded file for import into `organisation`, with its columns guessed (or as
    the organisation chose last time), and preview it: now, or for a large file (and
    `background`) by the worker, in which case `upload.preview` is None and the upload's
    page shows the progress. A file that cannot be read is refused before anything is
    written."""
    _require_edit(actor, organisation.pk)
    if kind not in Kind.values:
        raise DomainError("Choose systems or contracts.", code="invalid", field="kind")
    table = sheets.read_table(filename, content, **limits())
    header_index, header = rules.find_header(kind, table)
    remembered = ColumnMapping.objects.filter(organisation=organisation, kind=kind).values_list("columns", flat=True).first()
    mapping = rules.guess_mapping(kind, header, remembered)
    if not any(mapping):
        raise sheets.FileRefused(
            f"No column of this file has a name City Tools knows for {kind}. Start from the template, whose header row names every column."
        )
    records = rules.record_count(table, header_index)
    if not records:
        raise sheets.FileRefused("The file has a header row but no records below it.")
    if records > settings.IMPORT_MAX_ROWS:
        raise sheets.FileRefused(
            f"The file has {records:,} records; at most {settings.IMPORT_MAX_ROWS:,} are imported from one file. Split it into smaller files."
        )
    Upload.objects.filter(expires_at__lte=timezone.now()).delete()
    upload = Upload.objects.create(
        organisation=organisation, kind=kind, filename=(filename or "upload")[-255:], content=content,
        sha256=hashlib.sha256(content).hexdigest(), created_by=actor, mapping=mapping,
        expires_at=timezone.now() + datetime.timedelta(hours=settings.IMPORT_HOURS),
    )
    if background and in_background(records):
        upload.preview = None
        _queue(upload, "preview", actor=actor, total=records)
        return upload
    # Kept on the instance for the door that asked, so it need not preview the file twice.
    upload.preview = preview_import(upload, actor=actor)
    return upload


@transaction.atomic
def preview_import(upload: Upload, *, actor) -> Preview:
    """The dry-run diff of an upload against the records as they are now; what it saw is
    kept, so that a commit can tell whether anything moved since."""
    return _preview_and_keep(upload, actor=actor)


def _preview_and_keep(upload: Upload, *, actor, progress=None) -> Preview:
    _require_edit(actor, upload.organisation_id)
    preview = _build_preview(upload, actor=actor, progress=progress)
    if upload.status == Upload.Status.PREVIEWED:
        versions = {str(row.record_id): row.version for row in preview.rows if row.record_id}
        upload.previewed_versions, upload.plan_digest, upload.summary = versions, _digest(preview.rows), preview.counts
        upload.report = _report(preview)
        Upload.objects.filter(pk=upload.pk).update(
            previewed_versions=versions, plan_digest=upload.plan_digest, summary=preview.counts, report=upload.report,
            updated_at=timezone.now(),
        )
    return preview


def _report(preview: Preview) -> dict:
    return {
        "header": preview.header, "header_row": preview.header_row, "mapping": preview.mapping,
        "rows": [
            {"number": r.number, "action": r.action, "record_id": r.record_id, "version": r.version, "title": r.title,
             "changes": [[c.field, c.label, c.old, c.new] for c in r.changes], "errors": r.errors, "note": r.note,
             "unknown": r.unknown}
            for r in preview.rows
        ],
    }


def shown_preview(upload: Upload) -> Preview | None:
    """The last preview of an upload not yet imported, as it was shown: what the page and the
    API read, without running the dry run again. None when there is none to show."""
    report = upload.report
    if upload.status != Upload.Status.PREVIEWED or not report:
        return None
    rows = [
        PlannedRow(
            number=r["number"], action=r["action"], record_id=r["record_id"], version=r["version"], title=r["title"],
            changes=[Change(*c) for c in r["changes"]], errors=list(r["errors"]), note=r["note"],
            unknown=list(r.get("unknown", [])),
        )
        for r in report["rows"]
    ]
    return Preview(upload=upload, header=report["header"], header_row=report["header_row"], mapping=report["mapping"], rows=rows)


@transaction.atomic
def set_mapping(upload: Upload, *, mapping: list[str], actor, background: bool = True) -> Preview | None:
    """Choose the field of each column (by position; "" leaves a column out), remember the
    choice for the organisation's next file of this kind, and preview again: now, or for a
    large file (and `background`) by the worker, returning None."""
    _require_edit(actor, upload.organisation_id)
    _check_open(upload)
    table = _table(upload)
    header_index, header = rules.find_header(upload.kind, table)
    upload.mapping = rules.check_mapping(upload.kind, list(mapping), len(header))
    Upload.objects.filter(pk=upload.pk).update(mapping=upload.mapping)
    _remember_columns(upload, header, upload.mapping, actor)
    records = rules.record_count(table, header_index)
    if background and in_background(records):
        _queue(upload, "preview", actor=actor, total=records)
        return None
    return preview_import(upload, actor=actor)


PREVIEWED_AGAIN = (
    "Some records changed since your preview, so nothing was imported. The preview below is against the records as "
    "they are now: check it, then import."
)


def preview_again(upload: Upload, *, actor) -> Preview | None:
    """After a commit refused as stale: preview the file again with the same columns (by the
    worker for a large file, returning None)."""
    return set_mapping(upload, mapping=upload.mapping, actor=actor)


@dataclass(frozen=True)
class Imported:
    created: int
    changed: int
    unchanged: int
    skipped: int


def request_commit(upload: Upload, *, actor) -> Imported | None:
    """Import the upload now, or for a large file hand it to the worker and return None (its
    page shows when it is done). What would refuse it at once (rows with errors, a file
    already imported or busy) refuses it here too."""
    _require_edit(actor, upload.organisation_id)
    _check_open(upload)
    summary = upload.summary or {}
    writes = summary.get("new", 0) + summary.get("changed", 0)
    if summary.get("error", 0) or not in_background(writes):
        return commit_import(upload, actor=actor)
    _queue(upload, "commit", actor=actor, total=writes)
    return None


def commit_import(upload: Upload, *, actor, job: str = "") -> Imported:
    """Write every row of the previewed file, all in one transaction, or nothing: refused
    while any row has an error, and when any record changed since the preview."""
    _require_edit(actor, upload.organisation_id)
    _check_open(upload, job=job)
    with transaction.atomic():
        locked = Upload.objects.select_for_update().get(pk=upload.pk)
        _check_open(locked, job=job)
        preview = _build_preview(locked, actor=actor, rehearse=False)
        errors = max(preview.count("error"), (locked.summary or {}).get("error", 0))
        if errors:
            raise DomainError(
                f"{errors} {'row has' if errors == 1 else 'rows have'} errors, so nothing was imported. "
                "Correct them in the file and upload it again.",
                code="row_errors",
            )
        versions = {str(row.record_id): row.version for row in preview.rows if row.record_id}
        if versions != locked.previewed_versions or _digest(preview.rows) != locked.plan_digest:
            raise Conflict(STALE_PREVIEW, code="stale_preview")
        with Viewer.for_batch(actor):
            for plan in preview.rows:
                if plan.action not in ("new", "changed"):
                    continue
                try:
                    _write(plan, organisation=locked.organisation, kind=locked.kind, actor=actor)
                except Conflict:
                    raise Conflict(STALE_PREVIEW, code="stale_preview") from None
                except DomainError as error:
                    raise DomainError(f"Row {plan.number}: {_row_error(locked.kind, plan, error)} Nothing was imported.",
                                      code=error.code, field=error.field) from None
        result = Imported(created=preview.count("new"), changed=preview.count("changed"),
                          unchanged=preview.count("unchanged"), skipped=preview.count("duplicate"))
        Upload.objects.filter(pk=locked.pk).update(
            status=Upload.Status.COMMITTED, committed_at=timezone.now(), summary=result.__dict__, content=b"",
        )
        _remember(locked, preview, actor)
    upload.status = Upload.Status.COMMITTED
    return result


def run_job(upload_id: int) -> None:
    """The worker's side of a long preview or import, recording how far it has got."""
    upload = Upload.objects.select_related("organisation", "job_actor").filter(pk=upload_id).first()
    if upload is None:
        return

    def work(job: str, progress) -> None:
        if job == "preview":
            _check_open(upload, job=job)
            _preview_and_keep(upload, actor=upload.job_actor, progress=progress)
        else:
            commit_import(upload, actor=upload.job_actor, job=job)

    jobs.run_recorded(upload, work)


def upload_for(pk: int, *, viewer) -> Upload:
    """An upload its organisation's editors may open; to anyone else it does not exist."""
    upload = Upload.objects.select_related("organisation").filter(pk=pk).first()
    if upload is None or not viewer.can_edit(upload.organisation_id):
        raise NotFound("No such upload.")
    return upload

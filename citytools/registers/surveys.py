"""A network's survey: one spreadsheet naming many organisations' systems, imported by the
network's coordinators (or a platform admin). The one write path that the pages, the API
and `citytools import_network` all call.

The file is read the way an organisation's own file is (citytools.spreadsheets: CSV or XLSX,
header found among the first rows, columns guessed from their names, cells read leniently and
each problem reported against its row and column). Each row then:

- names its organisation by GSS code, register code or name, through the one organisation
  matcher (citytools.directory.matching). An unknown or ambiguous name is an error naming the
  candidates; a joint service of several councils ("Adur & Worthing") waits for the
  coordinator to say which of them it is for;
- names a product and its maker (or supplier), found in the catalogue by normalised name or
  added to it once, and reused across rows;
- goes to the organisation's review queue (citytools.notices.services.propose) or, when the
  coordinator says the source is trusted, onto its map at once. Either way every record keeps
  the survey as its provenance and starts unconfirmed.

A preview does all of it inside a transaction that is then undone, so it reports exactly
what an import would do. An import is one transaction: it is refused while any row has an
error or waits for a decision, and a row that fails writes nothing at all. Importing the
same file again changes nothing; a later edition under the same name updates the waiting
suggestions whose facts changed and lists what the earlier edition had and this one lacks,
retiring nothing.
"""

import datetime
import hashlib
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace

from django.conf import settings
from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.text import slugify

from citytools.accounts.viewer import Viewer
from citytools.core import history, jobs
from citytools.core.errors import DomainError, Forbidden, NotFound
from citytools.directory import matching
from citytools.directory.models import Network, Organisation, OrganisationAlias, Supplier
from citytools.inventory import catalogue_services
from citytools.inventory.models import Product, ServiceArea
from citytools.inventory.rules import normalise_name
from citytools.notices import services as notice_services
from citytools.notices.models import Suggestion
from citytools.registers import rules
from citytools.registers.models import SurveyImport
from citytools.spreadsheets import rules as sheet_rules
from citytools.spreadsheets import sheets

KIND = "survey"
STATUSES = ("suggested", "applied", "unchanged", "decision", "error")
PROGRESS_EVERY = 100
WRITE_EVERY = 2_000  # records (a row gives up to four)


def limits() -> dict:
    return {
        "max_bytes": settings.NETWORK_IMPORT_MAX_BYTES,
        "max_rows": settings.NETWORK_IMPORT_MAX_ROWS,
        "max_unzipped_bytes": settings.IMPORT_MAX_UNZIPPED_BYTES,
    }


def may_import(viewer: Viewer, network: Network) -> bool:
    """A network's coordinators speak for its members; platform admins for anyone."""
    return viewer.is_admin or viewer.can_coordinate(network.pk)


def _require(actor, network: Network) -> None:
    require_import(Viewer.for_user(actor), network)


# One row's result --------------------------------------------------------------------------


@dataclass
class RowResult:
    """What a row did (or, in a preview, would do) to one organisation: the report's line."""

    row: int
    status: str  # one of STATUSES
    organisation: str | None = None  # its GSS code, or None
    organisation_name: str = ""
    organisation_slug: str = ""
    matched_by: str | None = None  # identifier, name, alias, decision
    product: str = ""
    supplier: str = ""
    service_areas: list[str] = field(default_factory=list)
    error: str | None = None
    note: str = ""
    # For a joint service or an ambiguous name: the organisations a coordinator may choose.
    candidates: list[dict] = field(default_factory=list)


@dataclass
class Report:
    """Every row's result, counted by status and by organisation, and what an earlier edition
    of the survey had that this file lacks."""

    rows: list[RowResult]
    header: list[str]
    header_row: int
    mapping: list[str]
    dry_run: bool
    disappeared: list[dict] = field(default_factory=list)
    new_products: list[str] = field(default_factory=list)
    new_suppliers: list[str] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        found = Counter(row.status for row in self.rows)
        return {status: found.get(status, 0) for status in STATUSES}

    @property
    def organisations(self) -> list[dict]:
        """Per organisation: how many rows land on it, by status (the preview's summary)."""
        table: dict[str, dict] = {}
        for row in self.rows:
            if not row.organisation_slug:
                continue
            entry = table.setdefault(row.organisation_slug, {
                "slug": row.organisation_slug, "name": row.organisation_name, "gss_code": row.organisation,
                **dict.fromkeys(STATUSES, 0),
            })
            entry[row.status] += 1
        return sorted(table.values(), key=lambda entry: entry["name"].casefold())

    @property
    def blocking(self) -> int:
        """Rows that stop an import: errors, and joint services not yet decided."""
        counts = self.counts
        return counts["error"] + counts["decision"]

    def as_json(self) -> dict:
        return {
            "rows": [asdict(row) for row in self.rows], "header": self.header, "header_row": self.header_row,
            "mapping": self.mapping, "dry_run": self.dry_run, "counts": self.counts, "organisations": self.organisations,
            "disappeared": self.disappeared, "new_products": self.new_products, "new_suppliers": self.new_suppliers,
        }

    @classmethod
    def from_json(cls, data: dict) -> "Report":
        return cls(
            rows=[RowResult(**row) for row in data["rows"]], header=data["header"], header_row=data["header_row"],
            mapping=data["mapping"], dry_run=data["dry_run"], disappeared=data.get("disappeared", []),
            new_products=data.get("new_products", []), new_suppliers=data.get("new_suppliers", []),
        )

    def lines(self) -> list[dict]:
        """The report as JSON Lines give it: one object per row (and organisation)."""
        keys = ("row", "organisation", "matched_by", "product", "supplier", "service_areas", "status", "error")
        return [{key: getattr(row, key) for key in keys} for row in self.rows]


# Reading the file -------------------------------------------------------------------------


def _table(filename: str, content: bytes) -> list[list]:
    return sheets.read_table(filename, content, **limits())


def _check_table(table: list[list], mapping: list[str] | None = None) -> tuple[int, list[str], list[str]]:
    """The header row, its texts and the columns' fields (guessed unless given), or a refusal."""
    header_index, header = sheet_rules.find_header(KIND, table)
    if mapping is None:
        mapping = sheet_rules.guess_mapping(KIND, header)
    mapping = sheet_rules.check_mapping(KIND, mapping, len(header))
    if not any(mapping):
        raise sheets.FileRefused(
            "No column of this file has a name City Tools knows for a survey. Start from the survey template, whose header row names every column."
        )
    records = sheet_rules.record_count(table, header_index)
    if not records:
        raise sheets.FileRefused("The file has a header row but no records below it.")
    if records > settings.NETWORK_IMPORT_MAX_ROWS:
        raise sheets.FileRefused(
            f"The file has {records:,} records; at most {settings.NETWORK_IMPORT_MAX_ROWS:,} are imported from one survey. Split it into smaller files."
        )
    return header_index, header, mapping


# The run: the same for a preview (undone) and an import --------------------------------------


class _Catalogue:
    """Products, suppliers and service areas, each looked up once per file; what the file names
    and the catalogue lacks is added once and reused."""

    def __init__(self, actor):
        self.actor = actor
        self.products: dict[str, Product] = {}
        for product in Product.objects.filter(provisional_for__isnull=True).select_related("manufacturer"):
            self.products.setdefault(normalise_name(product.name), product)
        self.suppliers: dict[str, Supplier] = {}
        self.areas: dict[str, str] = {}
        for area in ServiceArea.objects.leaves():
            self.areas[area.slug.lower()] = area.slug
            self.areas[" ".join(area.name.split()).casefold()] = area.slug
        self.new_products: list[str] = []
        self.new_suppliers: list[str] = []

    def supplier(self, name: str) -> Supplier:
        key = matching.supplier_key(name)
        if key not in self.suppliers:
            before = Supplier.objects.count()
            self.suppliers[key] = catalogue_services.supplier_from_public_record(name=name, actor=self.actor)
            if Supplier.objects.count() > before:
                self.new_suppliers.append(self.suppliers[key].name)
        return self.suppliers[key]

    def product(self, name: str, maker: str) -> Product:
        key = normalise_name(name)
        found = self.products.get(key)
        if found is not None:
            if maker and matching.supplier_key(maker) != matching.supplier_key(found.manufacturer.name):
                raise DomainError(
                    f"Manufacturer: the catalogue's {found.name} is made by {found.manufacturer.name}, not {maker}. "
                    "Correct the file, or the catalogue, first."
                )
            return found
        if not maker:
            raise DomainError(
                f"Manufacturer: {name} is not in the catalogue; give its manufacturer (or its supplier) so that it can be added."
            )
        product = catalogue_services.product_from_public_record(name=name, manufacturer=self.supplier(maker), actor=self.actor)
        self.products[key] = product
        self.new_products.append(product.name)
        return product

    def service_areas(self, names: list[str]) -> list[str]:
        slugs, unknown = [], []
        for name in names:
            slug = self.areas.get(name.strip().lower()) or self.areas.get(" ".join(name.split()).casefold())
            (slugs if slug else unknown).append(slug or name)
        if unknown:
            raise DomainError(f"Service areas: no service area is called {', '.join(map(repr, unknown))}. "
                              "Use the names on the Service areas page.")
        return list(dict.fromkeys(slugs))


class _Organisations:
    """Which member of the network a row names, through the one organisation matcher."""

    def __init__(self, network: Network):
        aliases = dict(OrganisationAlias.objects.values_list("key", "organisation_id"))
        self.matcher = matching.matcher_for_the_map(aliases)
        self.network = network
        self.members = set(network.organisations.values_list("pk", flat=True))
        self.by_pk = {o.pk: o for o in Organisation.objects.filter(pk__in=self.members)}
        self.member_keys: dict[int, set[str]] = {}
        for key, candidates in self.matcher.by_key.items():
            for candidate in candidates:
                if candidate.pk in self.members:
                    self.member_keys.setdefault(candidate.pk, set()).add(key)

    @staticmethod
    def _candidate(candidate) -> dict:
        return {"pk": candidate.pk, "name": candidate.name, "gss_code": candidate.gss_code or None}

    def find(self, text: str, decided: list[int] | None) -> tuple[list[Organisation], str | None, list[dict]]:
        """The organisations a row is for, how they were found, and the candidates to offer;
        DomainError for a name that names none of the network's members, or several."""
        # A joint service first: "Adur & Worthing" is both councils, even where one of them
        # is also known by the joint name.
        parts = rules.joint_parts(text)
        found = [self._match(part) for part in parts]
        if parts and all(m.matched for m in found) and len({m.pk for m in found}) == len(found):
            candidates = [self._candidate(self.matcher.by_pk[m.pk]) for m in found]
            if not decided:
                names = " and ".join(c["name"] for c in candidates)
                raise _Joint(f"Organisation: {text!r} is a joint service of {names}. Choose which of them this row is for.", candidates)
            if not set(decided) <= {c["pk"] for c in candidates}:
                names = " and ".join(c["name"] for c in candidates)
                raise _Joint(f"Organisation: the decision on {text!r} names another organisation than {names}. Choose among them.", candidates)
            return [self._member(pk, text) for pk in decided], "decision", candidates
        match = self._match(text)
        if match.matched:
            return [self._member(match.pk, text)], match.by, []
        if match.candidates:
            names = "; ".join(c.name for c in match.candidates)
            if not any(c.existed_on(datetime.date.today()) for c in match.candidates):
                raise _Unclear(f"Organisation: {text!r} names {names}, which no longer exists. Use the GSS code of the "
                               "organisation the row is for (a former one's own code, if it is about the past).",
                               [self._candidate(c) for c in match.candidates])
            raise _Unclear(f"Organisation: {text!r} could be any of {names}. Use its GSS code instead.",
                           [self._candidate(c) for c in match.candidates])
        raise DomainError(f"Organisation: no organisation on the map is called {text!r}. Use its GSS code, or its name as the map gives it.")

    def _match(self, text: str) -> matching.Match:
        """The matcher's answer; failing that, the one member of the network whose name starts
        with the words given ("Kingston" for Kingston upon Thames): a survey names its own
        network's members, among which a short name is not ambiguous."""
        match = self.matcher.match(text, self._identifiers(text))
        if match.matched or match.candidates:
            return match
        key = matching.name_key(text)
        if not key:
            return match
        members = [pk for pk, keys in self.member_keys.items() if any(k.startswith(key + " ") for k in keys)]
        if len(members) == 1:
            return matching.Match(members[0], "name", (self.matcher.by_pk[members[0]],))
        return match

    @staticmethod
    def _identifiers(text: str) -> tuple[str, ...]:
        """A GSS code as it is, and a bare register code ("CMD") under each register's scheme:
        in a survey's organisation column, three or four capitals are a council's code."""
        text = text.strip()
        if rules.BARE_REGISTER_CODE.match(text):
            return tuple(f"{scheme}-{text}" for scheme in matching.REGISTER_SCHEMES)
        return (text,)

    def _member(self, pk: int, text: str) -> Organisation:
        if pk not in self.members:
            name = self.matcher.by_pk[pk].name
            raise DomainError(f"Organisation: {name} ({text!r}) is not a member of {self.network.name}.")
        return self.by_pk[pk]


class _Unclear(DomainError):
    def __init__(self, message: str, candidates: list[dict]):
        super().__init__(message, code="ambiguous")
        self.candidates = candidates


class _Joint(_Unclear):
    pass


def _run(survey: SurveyImport, *, actor, progress: Callable[[int], None] | None = None) -> Report:
    """Do what the survey says, row by row, inside the caller's transaction; rows that fail
    are reported, each in its own savepoint so the rest go on."""
    table = _table(survey.filename, bytes(survey.content))
    header_index, header, mapping = _check_table(table, survey.mapping or None)
    rows = sheet_rules.read_rows(KIND, table, header_index, mapping)
    catalogue, organisations = _Catalogue(actor), _Organisations(survey.network)
    source = slugify(survey.label)[:80] or "survey"
    provenance = {"source": f"survey:{source}", "survey": survey.label, "network": survey.network.slug, "file": survey.filename}
    results: list[RowResult] = []
    claimed: dict[tuple[int, str], int] = {}  # (organisation, key) → first row
    seen: set[tuple[int, str]] = set()
    # Each row's suggestion, live systems and catalogue entries, read once for the file rather
    # than by every row's proposal (a survey has thousands).
    lookups = notice_services.ProposalLookups(organisations.members, key_prefix=rules.survey_key(source, ""))
    # What trusted rows put on the map is checked row by row and written a few hundred rows at
    # a time, in a few statements each, rather than some twenty statements a row.
    batch = history.Batch() if survey.trusted else None
    for done, row in enumerate(rows, start=1):
        results.extend(_row(row, survey, catalogue, organisations, source, provenance, claimed, seen, lookups, batch, actor=actor))
        if batch is not None and (len(batch) >= WRITE_EVERY or done == len(rows)):
            batch.write()
        if progress is not None and (done % PROGRESS_EVERY == 0 or done == len(rows)):
            progress(done)
    return Report(
        rows=results, header=header, header_row=header_index + 1, mapping=mapping, dry_run=True,
        disappeared=_disappeared(organisations.members, source, seen),
        new_products=catalogue.new_products, new_suppliers=catalogue.new_suppliers,
    )


def _row(
    row, survey, catalogue: _Catalogue, organisations: _Organisations, source, provenance, claimed, seen,
    lookups: notice_services.ProposalLookups, batch: history.Batch | None, *, actor,
) -> list[RowResult]:
    values = row.values
    result = RowResult(
        row=row.number, status="error", product=str(values.get("product") or ""),
        supplier=str(values.get("supplier") or values.get("contract_supplier") or ""),
        service_areas=list(values.get("service_areas") or []),
    )
    if row.duplicate_of is not None:
        result.status, result.note = "unchanged", f"The same as row {row.duplicate_of}: skipped."
        return [result]
    # Every fault of the row at once, so that one round of corrections fixes the file.
    errors = [f"{sheet_rules.column(KIND, name).label}: {message}" for name, message in row.errors]
    targets: list[Organisation] = []
    text = str(values.get("organisation") or "").strip()
    if not text:
        errors.append("Organisation: the row names no organisation.")
    elif "organisation" not in dict(row.errors):
        try:
            targets, result.matched_by, result.candidates = organisations.find(text, survey.decisions.get(str(row.number)))
        except _Joint as joint:
            result.candidates = joint.candidates
            result.status, result.error = "decision", joint.message
        except _Unclear as unclear:
            result.candidates = unclear.candidates
            errors.append(unclear.message)
        except DomainError as error:
            errors.append(error.message)
    try:
        facts = _facts(values, catalogue)
    except DomainError as error:
        errors.append(error.message)
    if errors:
        result.status, result.error = "error", " ".join(errors)
        if len(targets) == 1:
            _place(result, targets[0])
        return [result]
    if result.status == "decision":
        return [result]
    result.product, result.supplier, result.service_areas = facts.pop("_product_name"), facts.pop("_supplier_name"), facts["service_areas"]
    key = rules.survey_key(source, normalise_name(result.product))
    results = []
    for organisation in targets:
        # A copy for each organisation (a joint service gives several); only its scalars change.
        one = _place(replace(result, service_areas=list(result.service_areas), candidates=list(result.candidates)), organisation)
        results.append(one)
        first = claimed.setdefault((organisation.pk, key), row.number)
        if first != row.number:
            one.status, one.error = "error", f"Product: row {first} also names {result.product} for {organisation.name}: keep one of the two rows."
            continue
        seen.add((organisation.pk, key))
        try:
            with transaction.atomic():
                outcome = notice_services.propose(
                    organisation, key=key, label=survey.label, facts=facts, provenance={**provenance, "row": row.number},
                    actor=actor, trusted=survey.trusted, lookups=lookups, batch=batch,
                )
        except DomainError as error:
            one.status, one.error = "error", _with_column(error)
            continue
        if outcome == "skipped":
            one.status, one.note = "unchanged", "Rejected from the review queue before: not suggested again."
        elif outcome == "updated":
            one.status, one.note = "applied", "Updated on the map from this edition of the survey."
        else:
            one.status = outcome
    return results


# The survey's column of each field the services name in a refusal.
FIELD_COLUMNS = {
    "title": "contract_title", "total_value": "contract_value", "start_date": "contract_start", "end_date": "contract_end",
    "extension_end_date": "contract_extension_end", "go_live": "go_live", "hosting": "hosting", "overall": "satisfaction",
    "comment": "comment", "supplier": "supplier", "product": "product", "service_areas": "service_areas",
}


def _with_column(error: DomainError) -> str:
    """A service's refusal of a row, with the column it is about where it names one."""
    name = FIELD_COLUMNS.get(error.field or "")
    return f"{sheet_rules.column(KIND, name).label}: {error.message}" if name else error.message


def _place(result: RowResult, organisation: Organisation) -> RowResult:
    gss = organisation.identifier if matching.GSS_CODE.match(organisation.identifier or "") else None
    result.organisation, result.organisation_name, result.organisation_slug = gss, organisation.name, organisation.slug
    return result


def _facts(values: dict, catalogue: _Catalogue) -> dict:
    """A row's facts as a suggestion keeps them; DomainError naming the column that is wrong."""
    product_name = " ".join(str(values.get("product") or "").split())
    if not product_name:
        raise DomainError("Product: the row names no product.")
    supplier_name = " ".join(str(values.get("supplier") or "").split())
    contract_supplier = " ".join(str(values.get("contract_supplier") or "").split())
    if supplier_name and contract_supplier and matching.supplier_key(supplier_name) != matching.supplier_key(contract_supplier):
        raise DomainError(
            f"Contract supplier: {contract_supplier} differs from the supplier, {supplier_name}. A survey row records one "
            "supplier for the system and its contract: leave one of the two blank."
        )
    supplier_name = supplier_name or contract_supplier
    manufacturer = " ".join(str(values.get("manufacturer") or "").split())
    areas = catalogue.service_areas(list(values.get("service_areas") or []))
    if not areas:
        raise DomainError("Service areas: the row names no service area.")
    contract = rules.offered_contract(values)
    rating = rules.offered_rating(values)
    product = catalogue.product(product_name, manufacturer or supplier_name)
    supplier = catalogue.supplier(supplier_name) if supplier_name else None
    go_live = values.get("go_live")
    return {
        "product": product.slug, "supplier": supplier.slug if supplier else None, "service_areas": areas,
        "hosting": values.get("hosting") or "", "go_live": go_live.isoformat() if isinstance(go_live, datetime.date) else None,
        "contract": contract, "rating": rating,
        "_product_name": product.name, "_supplier_name": supplier.name if supplier else "",
    }


def _disappeared(members: set[int], source: str, seen: set[tuple[int, str]]) -> list[dict]:
    """What an earlier edition of this survey suggested or applied that this file no longer
    names: listed for the coordinator, never retired."""
    prefix = rules.survey_key(source, "")
    earlier = Suggestion.objects.filter(organisation_id__in=members, origin_key__startswith=prefix).select_related("organisation", "system")
    gone = []
    for suggestion in earlier.order_by("organisation__name", "origin_key"):
        if (suggestion.organisation_id, suggestion.origin_key) in seen:
            continue
        gone.append({
            "organisation": suggestion.organisation.name, "slug": suggestion.organisation.slug,
            "product": suggestion.origin_key.removeprefix(prefix), "status": suggestion.status,
            "system": suggestion.system_id,
        })
    return gone


# The doors' entry points -------------------------------------------------------------------


def in_background(records: int) -> bool:
    return records > settings.IMPORT_BACKGROUND_ROWS


# Sent when a survey's long job is recorded, with its `survey_id`; citytools.registers.tasks
# queues it for the worker.
job_queued = Signal()


def _queue(survey: SurveyImport, job: str, *, actor, total: int) -> None:
    """Hand a long job to the worker (citytools.registers.tasks.run_survey_job)."""
    jobs.record_job(survey, job, actor=actor, total=total)
    job_queued.send(sender=SurveyImport, survey_id=survey.pk)


def _check_label(label: str) -> str:
    label = " ".join(str(label or "").split())
    if not label:
        raise DomainError("Name the source, such as “London survey 2026”: every record keeps it.", code="required", field="label")
    if len(label) > 200:
        raise DomainError("The source's name is at most 200 characters.", code="invalid", field="label")
    return label


@transaction.atomic
def start_survey(
    network: Network, *, filename: str, content: bytes, label: str, trusted: bool = False, actor, background: bool = True
) -> SurveyImport:
    """Keep a survey file for import into `network`'s members, with its columns guessed, and
    preview it: now, or for a large file (and `background`) by the worker, in which case
    `survey.report` is None until it is done. A file that cannot be read is refused before
    anything is written."""
    _require(actor, network)
    label = _check_label(label)
    table = _table(filename, content)
    header_index, _, mapping = _check_table(table)
    SurveyImport.objects.filter(expires_at__lte=timezone.now()).delete()
    survey = SurveyImport.objects.create(
        network=network, label=label, trusted=bool(trusted), filename=(filename or "survey")[-255:], content=content,
        sha256=hashlib.sha256(content).hexdigest(), created_by=actor, mapping=mapping,
        expires_at=timezone.now() + datetime.timedelta(hours=settings.IMPORT_HOURS),
    )
    records = sheet_rules.record_count(table, header_index)
    if background and in_background(records):
        _queue(survey, "preview", actor=actor, total=records)
        return survey
    preview(survey, actor=actor)
    return survey


def _check_open(survey: SurveyImport, *, job: str = "") -> None:
    jobs.refuse_unless_open(survey, committed=survey.status == SurveyImport.Status.COMMITTED, job=job)


def preview(survey: SurveyImport, *, actor, progress=None, job: str = "") -> Report:
    """What importing the survey would do, row by row: done, then undone. Kept for the page."""
    _require(actor, survey.network)
    _check_open(survey, job=job)
    # Undone at the end, so the records a trusted row would add write no history rows (as a
    # spreadsheet's dry run): the same checks run, about twice as fast.
    with transaction.atomic(), history.rehearsal(), Viewer.for_batch(actor):
        report = _run(survey, actor=actor, progress=progress)
        transaction.set_rollback(True)
    survey.report = report.as_json()
    SurveyImport.objects.filter(pk=survey.pk).update(report=survey.report, updated_at=timezone.now())
    return report


def shown(survey: SurveyImport) -> Report | None:
    """The last preview (or the import's report) as it was shown, without running it again."""
    return Report.from_json(survey.report) if survey.report else None


@transaction.atomic
def set_columns(survey: SurveyImport, *, mapping: list[str], actor, background: bool = True) -> Report | None:
    """Choose the field of each column (by position; "" leaves it out) and preview again: now,
    or for a large file by the worker, returning None."""
    _require(actor, survey.network)
    _check_open(survey)
    table = _table(survey.filename, bytes(survey.content))
    header_index, _, survey.mapping = _check_table(table, list(mapping))
    SurveyImport.objects.filter(pk=survey.pk).update(mapping=survey.mapping)
    return _preview_soon(survey, actor=actor, records=sheet_rules.record_count(table, header_index), background=background)


@transaction.atomic
def decide(survey: SurveyImport, *, row: int, organisations: list[int], actor, background: bool = True) -> Report | None:
    """Say which organisations a joint-service row is for (one, several, or all of them), and
    preview again."""
    _require(actor, survey.network)
    _check_open(survey)
    shown_report = shown(survey)
    offered = {c["pk"] for r in (shown_report.rows if shown_report else []) if r.row == row for c in r.candidates}
    if not offered:
        raise DomainError(f"Row {row} names no joint service to decide.", code="invalid", field="row")
    chosen = list(dict.fromkeys(int(pk) for pk in organisations))
    if not chosen:
        raise DomainError("Choose at least one organisation.", code="required", field="organisations")
    if set(chosen) - offered:
        raise DomainError("Choose among the organisations the row names.", code="invalid", field="organisations")
    survey.decisions = {**survey.decisions, str(row): chosen}
    SurveyImport.objects.filter(pk=survey.pk).update(decisions=survey.decisions)
    return _preview_soon(survey, actor=actor, records=len(shown_report.rows), background=background)


def _preview_soon(survey: SurveyImport, *, actor, records: int, background: bool) -> Report | None:
    if background and in_background(records):
        _queue(survey, "preview", actor=actor, total=records)
        return None
    return preview(survey, actor=actor)


def request_commit(survey: SurveyImport, *, actor) -> Report | None:
    """Import the survey now, or for a large file hand it to the worker and return None."""
    _require(actor, survey.network)
    _check_open(survey)
    report = shown(survey)
    _refuse_blocked(report)
    if in_background(len(report.rows)):
        _queue(survey, "commit", actor=actor, total=len(report.rows))
        return None
    return commit(survey, actor=actor)


def _refuse_blocked(report: Report | None) -> None:
    if report is None:
        raise DomainError("Preview the file before importing it.", code="not_previewed")
    if report.blocking:
        counts = report.counts
        parts = []
        if counts["error"]:
            parts.append(f"{counts['error']} {'row has' if counts['error'] == 1 else 'rows have'} errors")
        if counts["decision"]:
            parts.append(f"{counts['decision']} {'row names' if counts['decision'] == 1 else 'rows name'} a joint service to decide")
        raise DomainError(f"{' and '.join(parts).capitalize()}, so nothing was imported. Correct the file, or decide, first.",
                          code="row_errors")


def commit(survey: SurveyImport, *, actor, progress=None, job: str = "") -> Report:
    """Import every row, all in one transaction, or nothing: refused while any row has an
    error or waits for a decision, now as in the preview."""
    _require(actor, survey.network)
    _check_open(survey, job=job)
    with transaction.atomic(), Viewer.for_batch(actor):
        locked = SurveyImport.objects.select_for_update().select_related("network").get(pk=survey.pk)
        _check_open(locked, job=job)
        report = _run(locked, actor=actor, progress=progress)
        report.dry_run = False
        failed = next((row for row in report.rows if row.status in ("error", "decision")), None)
        if failed is not None:
            transaction.set_rollback(True)
            raise DomainError(f"Row {failed.row}: {failed.error} Nothing was imported.", code="row_errors")
        survey.report = report.as_json()
        SurveyImport.objects.filter(pk=locked.pk).update(
            status=SurveyImport.Status.COMMITTED, committed_at=timezone.now(), report=survey.report, content=b"",
        )
    survey.status = SurveyImport.Status.COMMITTED
    return report


def import_file(
    network: Network, *, filename: str, content: bytes, label: str, trusted: bool = False, actor, dry_run: bool = False,
    decisions: dict[str, list[int]] | None = None, progress=None,
) -> Report:
    """The command line's door: read, preview and (unless `dry_run`) import a file in one go.
    Rows with errors, or naming a joint service without a decision, stop the import; the
    report says which."""
    survey = start_survey(network, filename=filename, content=content, label=label, trusted=trusted, actor=actor, background=False)
    if decisions:
        SurveyImport.objects.filter(pk=survey.pk).update(decisions=decisions)
        survey.decisions = decisions
    report = preview(survey, actor=actor, progress=progress)
    if dry_run or report.blocking:
        SurveyImport.objects.filter(pk=survey.pk).delete()
        return report
    return commit(survey, actor=actor, progress=progress)


def run_job(survey_id: int) -> None:
    """The worker's side of a long preview or import, recording how far it has got."""
    survey = SurveyImport.objects.select_related("network", "job_actor").filter(pk=survey_id).first()
    if survey is None:
        return

    def work(job: str, progress) -> None:
        if job == "preview":
            preview(survey, actor=survey.job_actor, progress=progress, job=job)
        else:
            commit(survey, actor=survey.job_actor, progress=progress, job=job)

    jobs.run_recorded(survey, work)


def survey_for(pk: int, *, viewer: Viewer) -> SurveyImport:
    """A survey import its network's coordinators (and admins) may open; to anyone else it does not exist."""
    survey = SurveyImport.objects.select_related("network").filter(pk=pk).first()
    if survey is None or not may_import(viewer, survey.network):
        raise NotFound("No such survey import.")
    return survey


def require_import(viewer: Viewer, network: Network) -> None:
    """Forbidden, with the same words as the writes, for anyone who may not import a survey
    for `network`: the API asks it before reading an upload, and before listing the imports."""
    if not may_import(viewer, network):
        raise Forbidden("Only the network's coordinators and platform admins can import a survey for it.")

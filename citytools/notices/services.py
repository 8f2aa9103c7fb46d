"""Writes of public notices: importing them, and deciding what they suggest.

An import reads releases (citytools.notices.reading), keeps each once (Release), compiles
every contracting process it touched (compiling), takes its facts (facts), recognises the
buyer and the suppliers (citytools.directory.matching) and classifies it (classifying).
Each IT notice for an organisation on the map the importer coordinates then becomes a
suggestion in that organisation's review queue, or, where one of its networks trusts the
source, goes on the map at once. Either way the record keeps its provenance and starts
unconfirmed; nothing a person entered is overwritten: a notice that disagrees with the map
becomes a suggested change showing both values.

One import is one transaction: a batch with an error writes nothing (unless `keep_going`,
which skips the bad items and reports them), and a dry run rolls everything back.
"""

import contextlib
import copy
import dataclasses
import datetime
import decimal
import itertools
import logging
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

import django.dispatch
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone

from citytools.accounts.viewer import Viewer
from citytools.contracts import services as contract_services
from citytools.contracts.models import Contract
from citytools.core import history
from citytools.core.errors import Conflict, DomainError, Forbidden, NotFound
from citytools.directory import matching
from citytools.directory.models import (
    Network,
    NetworkMembership,
    Organisation,
    OrganisationAlias,
    Supplier,
)
from citytools.inventory import catalogue_services
from citytools.inventory import services as inventory_services
from citytools.inventory.models import Product, ServiceArea, System
from citytools.notices import classifying, compiling, harvesting, queries, reading, rules
from citytools.notices.access import may_edit_hints, may_import, may_link, may_review
from citytools.notices.facts import (
    Unbelievable,
    facts,
    release_without_contacts,
    without_contact_points,
)
from citytools.notices.models import (
    AreaHint,
    Buyer,
    Harvest,
    Import,
    Notice,
    Release,
    Source,
    Suggestion,
    TrustedSource,
)
from citytools.notices.staging import Staging, dumps
from citytools.satisfaction import services as satisfaction_services

logger = logging.getLogger(__name__)

# Sent when an import from the web is recorded (kwargs: import_id); citytools.notices.tasks
# answers it by handing the import to the worker.
import_queued = django.dispatch.Signal()

PROGRESS_EVERY = 500
# Every key that holds a person's contact details ends so (release_without_contacts); a release
# without it needs no walk through every value.
CONTACTS = b"ontactPoint"
# Processes compiled, and written, per step: enough for few queries, few enough that a step's
# releases (a real one can be 100 KB once parsed) keep memory flat.
CHECK_BATCH = 100
WRITE_BATCH = 100


class ImportFailed(DomainError):
    """The batch had errors and was not written; `errors` says where each one was."""

    def __init__(self, errors: list[str]):
        shown = "; ".join(errors[:5]) + (f"; and {len(errors) - 5} more" if len(errors) > 5 else "")
        super().__init__(f"Nothing was imported: {shown}", code="import_failed")
        self.errors = errors


@dataclasses.dataclass
class Summary:
    releases: int = 0
    ocids: int = 0
    matched: int = 0
    unmatched: int = 0
    it: int = 0
    suggested: int = 0
    applied: int = 0
    unchanged: int = 0
    skipped: int = 0
    errors: list[str] = dataclasses.field(default_factory=list)

    def as_dict(self) -> dict:
        return dataclasses.asdict(self)


@dataclasses.dataclass
class Line:
    """One line of the report: what became of one ocid."""

    ocid: str
    buyer_name: str = ""
    organisation: str | None = None
    matched_by: str | None = None
    suppliers: list = dataclasses.field(default_factory=list)
    it: bool = False
    service_area: str | None = None
    contract_end: str | None = None
    status: str = "skipped"
    error: str | None = None

    def as_dict(self) -> dict:
        # Not dataclasses.asdict, which deep-copies every value: a line is written and dropped.
        return {field.name: getattr(self, field.name) for field in dataclasses.fields(self)}


# Who may import ---------------------------------------------------------------------------


def scope(actor) -> set[int] | None:
    """The organisations whose review queues an import by `actor` may fill: all (None) for an
    admin, the organisations of the networks they coordinate otherwise."""
    viewer = Viewer.for_user(actor)
    if viewer.is_admin:
        return None
    organisations = viewer.coordinated_organisations()
    if not organisations:
        raise Forbidden("Only network coordinators and admins can import public notices.")
    return organisations


def _trusted() -> dict[int, set[str]]:
    """Each organisation's trusted sources: those trusted by any of its networks."""
    by_network: dict[int, set[str]] = {}
    for network, source in TrustedSource.objects.values_list("network_id", "source"):
        by_network.setdefault(network, set()).add(source)
    trusted: dict[int, set[str]] = {}
    for organisation, network in NetworkMembership.objects.values_list("organisation_id", "network_id"):
        trusted.setdefault(organisation, set()).update(by_network.get(network, ()))
    return trusted


# Reading, checking and writing -----------------------------------------------------------------
# Three passes over a scratch store (citytools.notices.staging), so memory stays flat: read
# every release; compile and check every process the batch touched (nothing written to the
# map's database yet, so a batch with a bad item writes nothing); then write, a few hundred
# processes per transaction, so the page of an import from the web can show how far it got.


def _stage(paths: Iterable[str], staging: Staging, summary: Summary, progress) -> None:
    for path in paths:
        try:
            for item in reading.read(path):
                summary.releases += 1
                error = _stage_item(item, staging)
                if error:
                    summary.errors.append(error)
                if summary.releases % PROGRESS_EVERY == 0:
                    progress("reading", summary.releases)
        except reading.Unreadable as error:
            summary.errors.append(error.message)
    progress("reading", summary.releases)


def _stage_item(item: reading.Item, staging: Staging) -> str | None:
    ocid = item.ocid
    if ocid is None:
        return f"{item.where}: the release has no ocid, so it belongs to no contracting process."
    raw = dumps(item.data)
    data = item.data
    if CONTACTS in raw:
        data = without_contact_points(item.data)
        raw = dumps(data)
        if CONTACTS in raw:
            data = release_without_contacts(item.data)
            raw = dumps(data)
    digest = compiling.digest(data)
    if item.kind == "release":
        release_id = str(item.data.get("id") or "").strip()
        if not release_id:
            return f"{item.where}: the release of {ocid} has no id."
    else:
        release_id = f"#{item.kind}-{digest[:16]}"
    date = item.data.get("date")
    first = staging.add_release(
        ocid=ocid, release_id=release_id[:300], kind=item.kind, digest=digest,
        date=date if isinstance(date, str) else "", data=raw, place=item.where,
    )
    if first is not None:
        return f"{item.where}: release {release_id} of {ocid} was read before with different content ({first})."
    return None


def _items(releases: list[dict], stored: dict[str, tuple[str, dict]]) -> tuple[list[reading.Item], list[dict]]:
    """The process's items to compile (stored and new), and the new releases to keep."""
    items, new = [], []
    for number, (release_id, (_, data)) in enumerate(stored.items(), 1):
        kind = "release" if not release_id.startswith("#") else release_id[1:].split("-")[0]
        items.append(reading.Item(kind, data, "an earlier import", number, 0))
    for release in releases:
        if release["release_id"] in stored:
            if stored[release["release_id"]][0] != release["digest"]:
                raise compiling.Uncompilable(
                    f"{release['place']}: release {release['release_id']} of {release['data'].get('ocid')} "
                    "was imported before with different content; "
                    "a published release does not change."
                )
            continue
        items.append(reading.Item(release["kind"], release["data"], release["place"], len(items) + 1, 0))
        new.append(release)
    return items, new


def _jsonable(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


def _check(staging: Staging, context: "_Context", summary: Summary, progress) -> None:
    """Compile and recognise every process the batch touched, into the scratch store."""
    checked = 0
    processes = staging.processes()
    while chunk := list(itertools.islice(processes, CHECK_BATCH)):
        stored: dict[str, dict[str, tuple[str, dict]]] = {}
        for ocid, release_id, digest, data in Release.objects.filter(ocid__in=[ocid for ocid, _ in chunk]).values_list(
            "ocid", "release_id", "digest", "data"
        ):
            stored.setdefault(ocid, {})[release_id] = (digest, data)
        for ocid, releases in chunk:
            try:
                items, new = _items(releases, stored.get(ocid, {}))
                compiled = compiling.compile_ocid(items)
                found = facts(compiled)
            except (compiling.Uncompilable, Unbelievable) as error:
                summary.errors.append(error.message)
                staging.add_compiled(ocid, {"error": error.message})
                continue
            fields, match = _notice_fields(found, compiling.digest(compiled), items, context)
            staging.add_compiled(ocid, {
                "notice": {name: _jsonable(value) for name, value in fields.items()},
                "candidates": [candidate.pk for candidate in match.candidates],
                "releases": [{name: release[name] for name in ("release_id", "digest", "date", "data")} for release in new],
            })
        checked += len(chunk)
        progress("checking", checked)


def _write(staging: Staging, context: "_Context", summary: Summary, progress, report) -> None:
    written = 0
    for chunk in staging.compiled(WRITE_BATCH):
        try:
            lines = _write_chunk(chunk, context)
        except IntegrityError:
            # Another import wrote some of these processes since this chunk was read: now
            # they are known, and the chunk is written again against them.
            lines = _write_chunk(chunk, context)
        for (_, fields), line in zip(chunk, lines, strict=True):
            _count(summary, line, counted="error" in fields)
            report(line.as_dict())
        written += len(chunk)
        progress("writing", written)


@transaction.atomic
def _write_chunk(chunk: list[tuple[str, dict]], context: "_Context") -> list[Line]:
    _keep_releases([(ocid, release) for ocid, fields in chunk for release in fields.get("releases", ())])
    notices = _notices(chunk)
    context.prefetch([found[0] for found in notices.values()])
    lines = [
        Line(ocid, status="error", error=fields["error"]) if "error" in fields else _store(notices[ocid], fields, context)
        for ocid, fields in chunk
    ]
    context.flush()
    return lines


def _keep_releases(releases: list[tuple[str, dict]]) -> None:
    """Keep new releases, leaving any another import kept meanwhile. In one statement of
    plain SQL, the releases' JSON written as it was read: the ORM's bulk_create, which
    serialises each release again and builds its SQL field by field, took half the import."""
    if not releases:
        return
    table = connection.ops.quote_name(Release._meta.db_table)
    data = "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"
    ignore = ("INSERT OR IGNORE INTO", "") if connection.vendor == "sqlite" else ("INSERT INTO", " ON CONFLICT DO NOTHING")
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.executemany(
            f"{ignore[0]} {table} (ocid, release_id, digest, date, data, read_at) VALUES (%s, %s, %s, %s, {data}, %s){ignore[1]}",
            [(ocid, r["release_id"], r["digest"], r["date"], dumps(r["data"]).decode(), now) for ocid, r in releases],
        )


def _count(summary: Summary, line: Line, *, counted: bool) -> None:
    """Add a line to the summary; `counted` when its error was found (and counted) in the check."""
    summary.ocids += 1
    if line.status == "error":
        if not counted:
            summary.errors.append(f"{line.ocid}: {line.error}")
        return
    setattr(summary, line.status, getattr(summary, line.status) + 1)
    summary.matched += line.organisation is not None
    summary.unmatched += line.organisation is None
    summary.it += line.it


def _notices(chunk: list[tuple[str, dict]]) -> dict[str, tuple[Notice, bool, dict]]:
    """Each good process's notice, created in one statement where new, as (notice, whether
    it is new, its values as the model holds them)."""
    wanted = {
        # Back from the scratch store's JSON: dates and amounts as the model holds them.
        ocid: {name: Notice._meta.get_field(name.removesuffix("_id")).to_python(value) for name, value in fields["notice"].items()}
        for ocid, fields in chunk if "error" not in fields
    }
    known = {notice.ocid: notice for notice in Notice.objects.filter(ocid__in=wanted)}
    created = Notice.objects.bulk_create([Notice(ocid=ocid, **values) for ocid, values in wanted.items() if ocid not in known])
    return {
        **{notice.ocid: (notice, True, wanted[notice.ocid]) for notice in created},
        **{ocid: (notice, False, wanted[ocid]) for ocid, notice in known.items()},
    }


# From releases to a notice --------------------------------------------------------------------


def _source(ocid: str) -> str:
    if ocid.startswith("ocds-b5fd17"):
        return Source.CONTRACTS_FINDER
    if ocid.startswith("ocds-h6vhtk"):
        return Source.FIND_A_TENDER
    return Source.OTHER


class _Context:
    """What one import asks of the map, loaded once."""

    def __init__(self, actor, *, everyone: bool = False):
        self.actor = actor
        # A dry run by nobody in particular shows what the notices would suggest to everyone;
        # so does a harvest, which reads a publisher for the whole site (see harvest).
        self.scope = scope(actor) if actor is not None else None
        if everyone:
            self.scope = None
        self.trusted = _trusted()
        aliases = dict(OrganisationAlias.objects.values_list("key", "organisation_id"))
        self.matcher = matching.matcher_for_the_map(aliases)
        self.suppliers = matching.supplier_matcher_for_the_map()
        self.areas = {area.name: area.pk for area in ServiceArea.objects.all()}
        self.area_slugs = dict(ServiceArea.objects.values_list("pk", "slug"))
        self.gss = dict(Organisation.objects.values_list("pk", "identifier"))
        self.hints = queries.area_hints()

        self.suggestions: dict[int, Suggestion] = {}
        self.contracts: dict[tuple[int, str], Contract] = {}
        self.unmatched: list[tuple[Notice, list[int]]] = []
        self.new_suggestions: list[Suggestion] = []

    def in_scope(self, organisation_id: int) -> bool:
        return self.scope is None or organisation_id in self.scope

    def prefetch(self, notices: list[Notice]) -> None:
        """What a chunk's suggestions ask of the map, in two queries rather than two each."""
        self.suggestions = {s.notice_id: s for s in Suggestion.objects.filter(notice__in=[n for n in notices if n.pk])}
        references = {notice.ocid[:100] for notice in notices if notice.organisation_id}
        self.contracts = {
            (contract.organisation_id, contract.reference): contract
            for contract in Contract.objects.filter(reference__in=references)
        }

    def existing(self, notice: Notice) -> Suggestion | None:
        found = self.suggestions.get(notice.pk)
        return found if found is not None and found.organisation_id == notice.organisation_id else None

    def contract(self, organisation_id: int, reference: str) -> Contract | None:
        return self.contracts.get((organisation_id, reference))

    def flush(self) -> None:
        """Write what a chunk left to be written together."""
        _queue_buyers(self.unmatched)
        Suggestion.objects.bulk_create(self.new_suggestions)
        self.unmatched, self.new_suggestions = [], []
        self.suggestions, self.contracts = {}, {}


def _notice_fields(found, compiled_digest: str, items: list[reading.Item], context: _Context) -> tuple[dict, matching.Match]:
    buyer = found.buyer
    match = context.matcher.match(buyer.name, buyer.identifiers, on=found.released) if buyer else matching.UNMATCHED
    it = classifying.is_it(found.cpv_codes)
    area = classifying.suggest(found.title, found.description, found.cpv_codes, context.hints) if it else None
    release_ids = sorted({str(item.data.get("id")) for item in items if item.kind == "release"})
    return {
        "source": _source(found.ocid),
        "digest": compiled_digest,
        "release_ids": release_ids,
        "released": found.released,
        "url": found.notice_url,
        "title": found.title[:300],
        "description": found.description,
        "buyer_name": (buyer.name if buyer else "")[:300],
        "buyer_key": matching.name_key(buyer.name)[:300] if buyer else "",
        "buyer_identifiers": list(buyer.identifiers) if buyer else [],
        "organisation_id": match.pk,
        "matched_by": match.by or "",
        "suppliers": [{"name": party.name, "identifier": party.company_number or None} for party in found.suppliers],
        "cpv_codes": list(found.cpv_codes),
        "it": it,
        "service_area_id": context.areas.get(area.area) if area else None,
        "area_reason": area.reason[:300] if area else "",
        "value": found.value,
        "currency": found.currency,
        "start_date": found.start_date,
        "end_date": found.end_date,
        "extension_end_date": found.extension_end_date,
        "route": found.route,
    }, match


def _queue_buyers(waiting: list[tuple[Notice, list[int]]]) -> None:
    """Unmatched buyers that look like local authorities wait for a coordinator, once each."""
    waiting = [(notice, candidates) for notice, candidates in waiting if notice.buyer_key
               and (candidates or matching.looks_like_a_council(notice.buyer_name))]
    if not waiting:
        return
    counts: dict[str, int] = {}
    for notice, _ in waiting:
        counts[notice.buyer_key] = counts.get(notice.buyer_key, 0) + 1
    known = {buyer.key: buyer for buyer in Buyer.objects.filter(key__in=counts)}
    for key, buyer in known.items():
        Buyer.objects.filter(pk=buyer.pk).update(notices=F("notices") + counts[key])
    names = {notice.buyer_key: notice.buyer_name for notice, _ in waiting}
    created = Buyer.objects.bulk_create(
        [Buyer(key=key, name=names[key], notices=count) for key, count in counts.items() if key not in known]
    )
    buyers = {**known, **{buyer.key: buyer for buyer in created}}
    links = {(buyers[notice.buyer_key].pk, pk) for notice, candidates in waiting for pk in candidates}
    Buyer.candidates.through.objects.bulk_create(
        [Buyer.candidates.through(buyer_id=buyer, organisation_id=pk) for buyer, pk in links], ignore_conflicts=True
    )


def _store(found: tuple[Notice, bool, dict], fields: dict, context: _Context) -> Line:
    notice, new, values = found
    if new and notice.organisation_id is None:
        context.unmatched.append((notice, fields["candidates"]))
    elif not new and (notice.digest != values["digest"] or notice.organisation_id != values["organisation_id"]):
        if notice.organisation_id is not None and values["organisation_id"] is None:
            # A buyer a coordinator linked by hand stays linked.
            values = {**values, "organisation_id": notice.organisation_id, "matched_by": notice.matched_by}
        Notice.objects.filter(pk=notice.pk).update(**values, updated_at=timezone.now())
        for name, value in values.items():
            setattr(notice, name, value)
    line = _line(notice, context)
    skipped = _not_suggested(notice, context)
    if skipped:
        line.status, line.error = "skipped", skipped
        return line
    try:
        with transaction.atomic():
            line.status, line.error = _suggest(notice, context)
    except DomainError as error:
        line.status, line.error = "error", error.message
    return line


def _line(notice: Notice, context: _Context) -> Line:
    return Line(
        notice.ocid,
        buyer_name=notice.buyer_name,
        organisation=context.gss.get(notice.organisation_id),
        matched_by=notice.matched_by or None,
        suppliers=notice.suppliers,
        it=notice.it,
        service_area=context.area_slugs.get(notice.service_area_id),
        contract_end=notice.end_date.isoformat() if notice.end_date else None,
    )

# Suggestions ---------------------------------------------------------------------------------


def offered(notice: Notice, *, area: str | None = None) -> dict:
    """The contract a notice offers, in the contract's own field names, as plain values;
    `area` is its service area's slug, when the caller has it already."""
    first = notice.suppliers[0] if notice.suppliers else {}
    return {
        "title": notice.title or notice.ocid,
        "total_value": str(notice.value) if notice.value is not None else None,
        "currency": notice.currency or "GBP",
        "start_date": notice.start_date.isoformat() if notice.start_date else None,
        "end_date": notice.end_date.isoformat() if notice.end_date else None,
        "extension_end_date": notice.extension_end_date.isoformat() if notice.extension_end_date else None,
        "route": notice.route or Contract.Route.UNKNOWN,
        "reference": notice.ocid[:100],
        "source_url": notice.url,
        "supplier_name": first.get("name", ""),
        "supplier_number": first.get("identifier") or "",
        "service_area": area or (notice.service_area.slug if notice.service_area_id else None),
        "area_reason": notice.area_reason,
    }


def provenance(notice: Notice) -> dict:
    """What a record taken from this notice says of where it came from."""
    return {
        "label": f"a public notice ({notice.get_source_display()})",
        "source": notice.source,
        "ocid": notice.ocid,
        "release_ids": notice.release_ids,
        "released": notice.released.isoformat() if notice.released else None,
        "url": notice.url,
    }


def _supplier_match(notice: Notice, context: _Context) -> int | None:
    """The supplier on the map the notice's suppliers name first, by its pk."""
    for party in notice.suppliers:
        found = context.suppliers.match(party["name"], party.get("identifier") or "")
        if found.matched:
            return found.pk
    return None


def _on_the_map(contract: Contract, field: str) -> str | None:
    value = getattr(contract, field)
    if value is None or value == "":
        return None
    return value.isoformat() if isinstance(value, datetime.date) else str(value)


def differences(contract: Contract, offer: dict) -> dict:
    """{field: {"map": ..., "notice": ...}} where the notice says something else than the map."""
    return {
        field: {"map": _on_the_map(contract, field), "notice": offer[field]}
        for field in rules.COMPARED
        if offer[field] is not None and rules.differs(_on_the_map(contract, field), offer[field])
    }


def _save(notice: Notice, existing: Suggestion | None, *, defer: list | None = None, **values) -> Suggestion:
    values = {
        "notice_digest": notice.digest, "changes": {}, "contract": None, "system": None, "reason": "", "supplier_id": None,
        "status": Suggestion.Status.PENDING, "decided_by": None, **values,
    }
    values["decided_at"] = timezone.now() if values["status"] != Suggestion.Status.PENDING else None
    if existing is None:
        made = Suggestion(notice=notice, organisation_id=notice.organisation_id, **values)
        if defer is not None:
            defer.append(made)  # written with the rest of its chunk
        else:
            made.save()
        return made
    for name, value in values.items():
        setattr(existing, name, value)
    existing.save()
    return existing


def _not_suggested(notice: Notice, context: _Context) -> str | None:
    """Why a notice makes no suggestion, or None."""
    if notice.organisation_id is None:
        return "The buyer is not an organisation on the map."
    if not notice.it:
        return "Not an IT notice (no CPV code in division 48 or 72)."
    if not context.in_scope(notice.organisation_id):
        return "The buyer is not in a network you coordinate."
    return rules.missing_for_a_contract(notice.suppliers, notice.start_date, notice.end_date)


def _suggest(notice: Notice, context: _Context) -> tuple[str, str | None]:
    """Make, refresh or (for a trusted source) apply what the notice suggests; returns the
    report's status and, for a skipped notice, why."""
    skipped = _not_suggested(notice, context)
    if skipped:
        return "skipped", skipped
    existing = context.existing(notice)
    if existing is not None and existing.status == Suggestion.Status.REJECTED:
        return "skipped", "Rejected before: a rejection is remembered."
    if existing is not None and existing.notice_digest == notice.digest:
        return "unchanged", None
    offer = offered(notice, area=context.area_slugs.get(notice.service_area_id))
    trusted = notice.source in context.trusted.get(notice.organisation_id, set())
    contract = (
        existing.contract if existing is not None and existing.contract_id
        else context.contract(notice.organisation_id, offer["reference"])
    )
    if contract is None or contract.retired_at is not None:
        suggestion = _save(
            notice, existing, kind=Suggestion.Kind.NEW, facts=offer, supplier_id=_supplier_match(notice, context),
            defer=None if trusted else context.new_suggestions,
        )
        if not trusted:
            return "suggested", None
        try:
            with transaction.atomic():
                _apply_new(suggestion, actor=context.actor, status=Suggestion.Status.APPLIED)
        except DomainError as refusal:
            return "suggested", f"Not applied, left for review: {refusal.message}"
        return "applied", None
    changes = differences(contract, offer)
    if not changes:
        if existing is not None and existing.status != Suggestion.Status.PENDING:
            # Decided before and the map agrees: remember what this notice said, for the next.
            Suggestion.objects.filter(pk=existing.pk).update(notice_digest=notice.digest, facts=offer)
        elif existing is not None:
            existing.delete()
        return "unchanged", None
    if trusted:
        # Only what the map still says as the last notice said it: a value a person changed
        # since is theirs, and the notice's new value waits for them to decide.
        said = existing.facts if existing is not None and existing.status != Suggestion.Status.PENDING else {}
        safe = {field: change for field, change in changes.items() if field in said and not rules.differs(said[field], change["map"])}
        if safe:
            contract_services.update_contract(
                contract, version=contract.version, actor=context.actor, provenance=provenance(notice),
                changes={field: change["notice"] for field, change in safe.items()},
            )
        rest = {field: change for field, change in changes.items() if field not in safe}
        if not rest:
            _save(notice, existing, kind=Suggestion.Kind.CHANGE, facts=offer, contract=contract, changes=safe,
                  status=Suggestion.Status.APPLIED, decided_by=context.actor)
            return "applied", None
        changes = rest
    _save(notice, existing, kind=Suggestion.Kind.CHANGE, facts=offer, contract=contract, changes=changes)
    return "suggested", None


# Deciding ------------------------------------------------------------------------------------


def _pending(suggestion: Suggestion, actor) -> Suggestion:
    if not may_review(Viewer.for_user(actor), suggestion.organisation_id):
        raise Forbidden("Only the organisation's editors and its network coordinators can decide on its suggestions.")
    locked = Suggestion.objects.select_for_update().filter(pk=suggestion.pk).first()
    if locked is None:
        raise NotFound("No such suggestion.")
    if locked.status != Suggestion.Status.PENDING:
        raise Conflict(f"Someone has already decided on this suggestion: {locked.get_status_display().lower()}.")
    return locked


def _supplier_for(suggestion: Suggestion, value, actor) -> Supplier:
    """The supplier chosen, or (for "new") the notice's company added to the catalogue."""
    if value and value != rules.NEW_SUPPLIER:
        return value
    if suggestion.supplier is not None and not value:
        return suggestion.supplier
    name, number = suggestion.facts.get("supplier_name", ""), suggestion.facts.get("supplier_number", "")
    return catalogue_services.supplier_from_public_record(name=name, company_number=number, actor=actor)


def _apply_new(suggestion: Suggestion, *, actor, status: str, edits: dict | None = None) -> Suggestion:
    """Put a new contract (and, with a product, a system) on the map from a suggestion."""
    edits = dict(edits or {})
    offer = suggestion.facts
    notice = suggestion.notice
    supplier = _supplier_for(suggestion, edits.pop("supplier", None), actor)
    product = edits.pop("product", None)
    area = edits.pop("service_area", None) or offer.get("service_area")
    contract_fields = {name: offer.get(name) for name in rules.CONTRACT_FIELDS}
    contract_fields.update({name: value for name, value in edits.items() if name in rules.CONTRACT_FIELDS})
    organisation = suggestion.organisation
    system = None
    if product:
        areas = [area] if area else []
        if not areas:
            raise DomainError("Choose the service area the new system serves.", code="required", field="service_area")
        system = inventory_services.create_system(
            organisation=organisation, product=product, service_areas=areas, supplier=supplier,
            actor=actor, provenance=provenance(notice),
        )
    contract = contract_services.create_contract(
        organisation=organisation, actor=actor, provenance=provenance(notice), supplier=supplier,
        systems=[system] if system else [], source=notice.source if notice.source != Source.OTHER else Contract.Source.OTHER,
        **contract_fields,
    )
    suggestion.status, suggestion.contract, suggestion.system = status, contract, system
    suggestion.decided_by, suggestion.decided_at = actor, timezone.now()
    suggestion.save()
    return suggestion


def _record_provenance(suggestion: Suggestion) -> dict:
    """What the records a suggestion makes keep of where they came from."""
    return suggestion.provenance or provenance(suggestion.notice)


def _apply_system(
    suggestion: Suggestion, *, actor, status: str, edits: dict | None = None, batch: history.Batch | None = None
) -> Suggestion:
    """Put a suggested system on the map, then its contract (linked to it) and its rating,
    where the source gave them: each keeps the source as its provenance, and the system and
    contract start unconfirmed. The editor's edits may change the product, the service
    area(s), the supplier and any of the contract's fields (an empty title: no contract).
    With `batch`, all of it (the suggestion too) is checked now and written with the batch."""
    edits = dict(edits or {})
    offered = suggestion.facts
    organisation = suggestion.organisation
    kept = _record_provenance(suggestion)
    # The editor's supplier (None: no supplier), else the one the source named.
    supplier = edits.pop("supplier") if "supplier" in edits else (suggestion.supplier or offered.get("supplier"))
    areas = edits.pop("service_areas", None) or ([edits.pop("service_area")] if edits.get("service_area") else None)
    system = inventory_services.create_system(
        organisation=organisation, product=edits.pop("product", None) or offered["product"],
        service_areas=areas or offered["service_areas"], supplier=supplier, hosting=offered.get("hosting") or "",
        go_live=datetime.date.fromisoformat(offered["go_live"]) if offered.get("go_live") else None,
        actor=actor, provenance=kept, batch=batch,
    )
    # The source's contract with the editor's corrections; an empty title means no contract.
    wanted = {
        **(offered.get("contract") or {}),
        **{name: value for name, value in edits.items() if name in rules.OFFERED_CONTRACT_FIELDS},
    }
    contract = None
    if wanted.get("title"):
        contract = contract_services.create_contract(
            organisation=organisation, actor=actor, provenance=kept, supplier=supplier, systems=[system],
            source=Contract.Source.OTHER, batch=batch, **wanted,
        )
    rating = offered.get("rating")
    if rating:
        satisfaction_services.rate_system(
            system, actor=actor, viewer=Viewer.for_user(actor), overall=rating["score"], comment=rating.get("comment") or "",
            provenance=kept, batch=batch,
        )
    suggestion.status, suggestion.contract, suggestion.system = status, contract, system
    suggestion.decided_by, suggestion.decided_at = actor, timezone.now()
    if batch is None:
        suggestion.save()
    else:
        batch.add(suggestion, actor=actor)
    return suggestion


def _catalogue_entry(entries, value, field: str):
    """A product or supplier the organisation may use, by pk or slug."""
    found = entries.filter(pk=value).first() if isinstance(value, int) else entries.filter(slug=value).first()
    if found is None:
        raise DomainError(f"No such {field}: {value}.", code="invalid", field=field)
    return found


# The facts of a suggested system that a later edition of a trusted source may change on the
# map, as the system's fields.
UPDATABLE_FACTS = ("supplier", "service_areas", "hosting", "go_live")


def _system_facts(system: System) -> dict:
    """A system's updatable fields in the form a suggestion's facts give them."""
    return {
        "supplier": system.supplier.slug if system.supplier_id else None,
        "service_areas": sorted(area.slug for area in system.service_areas.all()),
        "hosting": system.hosting or "",
        "go_live": system.go_live.isoformat() if system.go_live else None,
    }


def _update_applied(suggestion: Suggestion, facts: dict, digest: str, *, provenance: dict, actor) -> str:
    """A later edition of a trusted source says something new about a system (and its
    contract) an earlier one put on the map: each fact the map still holds as the earlier
    edition gave it is updated (a person's own change since wins, and nothing is retired).
    Returns "updated", or "unchanged" when the map keeps every fact as it is. A rating is a
    person's view at the time, and is not rewritten."""
    system = suggestion.system
    if system is None or system.retired_at is not None:
        return "unchanged"
    earlier, now = suggestion.facts, _system_facts(system)
    changes = {}
    for name in UPDATABLE_FACTS:
        old, new = earlier.get(name), facts.get(name)
        if name == "service_areas":
            old, new = sorted(old or []), sorted(new or [])
        if old != new and now[name] == old:
            changes[name] = new
    if "service_areas" in changes:
        changes["service_areas"] = list(ServiceArea.objects.filter(slug__in=changes["service_areas"]))
    if "supplier" in changes:
        changes["supplier"] = Supplier.objects.filter(slug=changes["supplier"]).first() if changes["supplier"] else None
    if "go_live" in changes:
        changes["go_live"] = datetime.date.fromisoformat(changes["go_live"]) if changes["go_live"] else None
    contract_changes = _contract_updates(suggestion.contract, earlier.get("contract"), facts.get("contract"))
    suggestion.facts, suggestion.notice_digest = facts, digest
    suggestion.save(update_fields=["facts", "notice_digest", "updated_at"])
    if not changes and not contract_changes:
        return "unchanged"
    if changes:
        inventory_services.update_system(system, version=system.version, changes=changes, actor=actor, provenance=provenance)
    if contract_changes:
        contract = suggestion.contract
        contract_services.update_contract(contract, version=contract.version, changes=contract_changes, actor=actor, provenance=provenance)
    return "updated"


def _contract_updates(contract: Contract | None, earlier: dict | None, later: dict | None) -> dict:
    """The fields of the contract an earlier edition put on the map that a later one changes,
    each only where the map still holds it as the earlier edition gave it."""
    if contract is None or contract.retired_at is not None or not earlier or not later:
        return {}
    return {
        name: later.get(name) for name in rules.OFFERED_CONTRACT_FIELDS
        if rules.differs(earlier.get(name), later.get(name)) and not rules.differs(_on_the_map(contract, name), earlier.get(name))
    }


class ProposalLookups:
    """What `propose` reads for each row, read once for a batch of rows (a survey's
    thousands): the catalogue's accepted products and suppliers by slug, the service areas,
    the batch's organisations' suggestions under one key prefix (locked, as propose locks
    them) and their live systems. Build it inside the batch's transaction and give it to
    every `propose` of the batch, each (organisation, key) at most once; propose keeps it up
    to date with what it writes. An entry it lacks (a catalogue entry added since, or one an
    organisation proposed itself) is looked up as without it."""

    def __init__(self, organisations: Iterable[int], *, key_prefix: str):
        members = list(organisations)
        self.products = {p.slug: p for p in Product.objects.filter(provisional_for__isnull=True)}
        self.suppliers = {s.slug: s for s in Supplier.objects.filter(provisional_for__isnull=True)}
        self.areas = {area.slug: area for area in ServiceArea.objects.all()}
        self.suggestions = {
            (s.organisation_id, s.origin_key): s
            for s in Suggestion.objects.select_for_update().filter(organisation_id__in=members, origin_key__startswith=key_prefix)
        }
        self.prefix = key_prefix
        self.systems = set(
            System.objects.filter(organisation_id__in=members, retired_at__isnull=True).values_list("organisation_id", "product_id")
        )

    def entry(self, entries, known: dict, organisation_id: int, value, field: str):
        found = known.get(value) if isinstance(value, str) else None
        if found is None:
            found = _catalogue_entry(entries.usable_by(organisation_id), value, field)
            if found.provisional_for_id is None:
                known[found.slug] = found
        return found

    def existing(self, organisation_id: int, key: str):
        if not key.startswith(self.prefix):
            return Suggestion.objects.select_for_update().filter(organisation_id=organisation_id, origin_key=key).first()
        found = self.suggestions.get((organisation_id, key))
        # A copy: propose changes it before it saves, and a row that fails is undone.
        return copy.copy(found) if found is not None else None


@transaction.atomic
def propose(
    organisation: Organisation, *, key: str, label: str, facts: dict, provenance: dict, actor, trusted: bool = False,
    lookups: ProposalLookups | None = None, batch: history.Batch | None = None,
) -> str:
    """Suggest a system (with its contract and rating, where given) to `organisation`'s review
    queue from one row of another source than a notice: a network's survey, a public register.
    `key` names the row within its source, stably; `label` names the source ("London survey
    2026"); `provenance` is what the records made from it keep. Trusted, the row goes on the
    map at once, as accepting it would, decided by `actor`. Returns "suggested", "applied",
    "unchanged" (the same facts again, a row decided before, or a system of the product
    already on the organisation's map), "updated" (trusted: a later edition changed facts an
    earlier one put on the map, and the map still held them as given) or "skipped" (rejected
    before: a rejection is remembered). A system a person put on the map is not compared
    with the row's facts. A trusted row that cannot go on the map as it is raises the
    DomainError that says why, and nothing of it is written. With `batch` (a trusted source's
    many rows), what a new trusted row puts on the map is checked now and written with the
    batch.

    The organisation's editors, its networks' coordinators and admins may."""
    if not Viewer.for_user(actor).can_edit(organisation.pk, from_source=True):
        raise Forbidden("Only the organisation's editors and its networks' coordinators can suggest systems to it.")
    key, label = rules.check_origin(key, label)
    facts = rules.check_proposal(facts)
    if lookups is None:
        product = _catalogue_entry(Product.entries.usable_by(organisation.pk), facts["product"], "product")
        supplier = (
            _catalogue_entry(Supplier.entries.usable_by(organisation.pk), facts["supplier"], "supplier")
            if facts["supplier"] is not None else None
        )
        known = {area.slug: area for area in ServiceArea.objects.filter(slug__in=facts["service_areas"])}
    else:
        product = lookups.entry(Product.entries, lookups.products, organisation.pk, facts["product"], "product")
        supplier = (
            lookups.entry(Supplier.entries, lookups.suppliers, organisation.pk, facts["supplier"], "supplier")
            if facts["supplier"] is not None else None
        )
        known = lookups.areas
    unknown = [slug for slug in facts["service_areas"] if slug not in known]
    if unknown:
        raise DomainError(f"No such service area: {', '.join(unknown)}.", code="invalid", field="service_areas")
    facts = {**facts, "product": product.slug, "supplier": supplier.slug if supplier else None}
    digest = rules.facts_digest(facts)
    if lookups is None:
        existing = Suggestion.objects.select_for_update().filter(organisation=organisation, origin_key=key).first()
    else:
        existing = lookups.existing(organisation.pk, key)
    if existing is not None and existing.status == Suggestion.Status.REJECTED:
        return "skipped"
    if existing is not None and existing.status != Suggestion.Status.PENDING and existing.notice_digest != digest and trusted:
        return _update_applied(existing, facts, digest, provenance={"label": label, **(provenance or {})}, actor=actor)
    if existing is not None and (existing.notice_digest == digest or existing.status != Suggestion.Status.PENDING):
        return "unchanged"
    if lookups is None:
        on_the_map = System.objects.filter(organisation=organisation, product=product, retired_at__isnull=True).exists()
    else:
        on_the_map = (organisation.pk, product.pk) in lookups.systems
    if on_the_map:
        return "unchanged"
    values = {
        "kind": Suggestion.Kind.SYSTEM, "status": Suggestion.Status.PENDING, "facts": facts, "supplier": supplier,
        "origin_label": label, "provenance": {"label": label, **(provenance or {})}, "notice_digest": digest,
    }
    if existing is None:
        suggestion = Suggestion(organisation=organisation, origin_key=key, **values)
    else:
        for name, value in values.items():
            setattr(existing, name, value)
        suggestion = existing
    # A batch takes a new trusted row only: an existing suggestion is saved in place at once.
    batch = batch if trusted and existing is None else None
    if batch is None:
        suggestion.save()
    if trusted:
        # The row's product and service areas as read above, rather than read again by slug.
        in_hand = {"product": product, "service_areas": [known[slug] for slug in facts["service_areas"]]}
        with batch.undone_on_error() if batch is not None else contextlib.nullcontext():
            _apply_system(suggestion, actor=actor, status=Suggestion.Status.APPLIED, edits=in_hand, batch=batch)
    if lookups is not None:
        lookups.suggestions[(organisation.pk, key)] = suggestion
        if trusted:
            lookups.systems.add((organisation.pk, suggestion.system.product_id))
    return "applied" if trusted else "suggested"


@transaction.atomic
def accept(suggestion: Suggestion, *, actor, edits: dict | None = None) -> Suggestion:
    """Accept a suggestion, with the editor's edits: for a new contract any of its fields,
    the supplier (one on the map, or "new" for the notice's company), and a product (and
    service area) for a new system; for a suggested system (from a survey or a register) its
    product, service area(s), supplier and contract fields; for a change, `fields` lists the
    changes taken (all by default). The records start unconfirmed, with the notice (or the
    other source) as their provenance."""
    suggestion = _pending(suggestion, actor)
    edits = dict(edits or {})
    if suggestion.kind == Suggestion.Kind.NEW:
        return _apply_new(suggestion, actor=actor, status=Suggestion.Status.ACCEPTED, edits=edits)
    if suggestion.kind == Suggestion.Kind.SYSTEM:
        return _apply_system(suggestion, actor=actor, status=Suggestion.Status.ACCEPTED, edits=edits)
    contract = suggestion.contract
    if contract is None or contract.retired_at is not None:
        raise Conflict("The contract this suggestion would change is no longer on the map.")
    taken = edits.get("fields")
    if taken is None:
        taken = list(suggestion.changes)
    elif not taken:
        # An empty choice is not "all of them": a person who unticked every change meant none.
        raise DomainError("Choose at least one change to take, or reject the suggestion.", code="required", field="fields")
    unknown = sorted(set(taken) - set(suggestion.changes))
    if unknown:
        raise DomainError(f"The suggestion does not change {', '.join(unknown)}.", code="invalid", field="fields")
    stale = [field for field in taken if rules.differs(_on_the_map(contract, field), suggestion.changes[field]["map"])]
    if stale:
        raise Conflict("The contract has changed since the suggestion was made; import the notice again to compare afresh.")
    contract_services.update_contract(
        contract, version=contract.version, actor=actor, provenance=provenance(suggestion.notice),
        changes={field: suggestion.changes[field]["notice"] for field in taken},
    )
    suggestion.status, suggestion.decided_by, suggestion.decided_at = Suggestion.Status.ACCEPTED, actor, timezone.now()
    suggestion.save()
    return suggestion


@transaction.atomic
def reject(suggestion: Suggestion, *, actor, reason: str = "") -> Suggestion:
    """Reject a suggestion; it is remembered, so importing the notice again does not repeat it."""
    suggestion = _pending(suggestion, actor)
    suggestion.status, suggestion.decided_by, suggestion.decided_at = Suggestion.Status.REJECTED, actor, timezone.now()
    suggestion.reason = rules.check_reason(reason)
    suggestion.save()
    return suggestion


# Buyers nobody recognised --------------------------------------------------------------------


@transaction.atomic
def link_buyer(buyer: Buyer, *, organisation: Organisation, actor) -> Buyer:
    """Say which organisation a buyer name means, once: the name becomes an alias every later
    import recognises, and the notices already read from that buyer make their suggestions."""
    viewer = Viewer.for_user(actor)
    if not (viewer.is_admin or organisation.pk in viewer.coordinated_organisations()):
        raise Forbidden("Only a coordinator of one of the organisation's networks can link a name to it.")
    buyer = Buyer.objects.select_for_update().get(pk=buyer.pk)
    if buyer.status != Buyer.Status.OPEN:
        raise Conflict(f"This name has already been decided: {buyer.get_status_display().lower()}.")
    OrganisationAlias.objects.update_or_create(key=buyer.key, defaults={"name": buyer.name, "organisation": organisation})
    buyer.status, buyer.organisation, buyer.decided_by, buyer.decided_at = Buyer.Status.LINKED, organisation, actor, timezone.now()
    buyer.save()
    Notice.objects.for_buyer_key(buyer.key).filter(organisation__isnull=True).update(
        organisation=organisation, matched_by="alias", updated_at=timezone.now()
    )
    context = _Context(actor)
    notices = list(Notice.objects.for_buyer_key(buyer.key).filter(organisation=organisation))
    context.prefetch(notices)
    for notice in notices:
        _suggest(notice, context)
    context.flush()
    return buyer


@transaction.atomic
def dismiss_buyer(buyer: Buyer, *, actor) -> Buyer:
    """Say a buyer name is no organisation on the map (a parish, a trust, a company)."""
    if not may_link(Viewer.for_user(actor)):
        raise Forbidden("Only network coordinators and admins can decide on buyer names.")
    buyer = Buyer.objects.select_for_update().get(pk=buyer.pk)
    if buyer.status != Buyer.Status.OPEN:
        raise Conflict(f"This name has already been decided: {buyer.get_status_display().lower()}.")
    buyer.status, buyer.decided_by, buyer.decided_at = Buyer.Status.DISMISSED, actor, timezone.now()
    buyer.save()
    return buyer


# The service-area hints ------------------------------------------------------------------------


def _editable_hints(actor) -> None:
    """Refuse anyone but a coordinator or admin; on the first edit, copy the shipped mapping
    into the table, so that the edit changes it rather than replacing it."""
    if not may_edit_hints(Viewer.for_user(actor)):
        raise Forbidden("Only network coordinators and admins can edit how notices suggest service areas.")
    if not AreaHint.objects.exists():
        areas = dict(ServiceArea.objects.values_list("name", "pk"))
        # Two first edits at once each copy it: the second copy adds nothing, rather than failing.
        AreaHint.objects.bulk_create(
            [AreaHint(area_id=areas[hint.area], kind=hint.kind, hint=hint.hint) for hint in queries.shipped_hints_on_the_map()],
            ignore_conflicts=True,
        )


def _hint_area(area: ServiceArea) -> None:
    # A suggestion's area becomes a system's, and systems belong to areas, never to groups.
    if area.is_group:
        raise DomainError(f"{area.name} is a group of service areas: choose one of its areas.", code="invalid", field="area")


@transaction.atomic
def add_hint(*, area: ServiceArea, kind: str, hint: str, actor) -> AreaHint:
    """Say that these words (or this CPV code and those under it) suggest `area`."""
    _editable_hints(actor)
    _hint_area(area)
    kind, hint = rules.check_hint(kind, hint)
    found, created = AreaHint.objects.get_or_create(area=area, kind=kind, hint=hint, defaults={"added_by": actor})
    if not created:
        raise DomainError("This hint is already there.", code="duplicate", field="hint")
    return found


@transaction.atomic
def remove_hint(*, area: ServiceArea, kind: str, hint: str, actor) -> None:
    """Say that these words (or this CPV code) no longer suggest `area`. The hint is read as
    add_hint keeps it, so "48311000-1" removes the code 48311000."""
    _editable_hints(actor)
    kind, hint = rules.check_hint(kind, hint)
    found = AreaHint.objects.select_for_update().filter(area=area, kind=kind, hint=hint)
    if not found.exists():
        raise NotFound("No such hint.")
    if not AreaHint.objects.exclude(pk__in=found.values("pk")).exists():
        # An empty table means "as shipped" (queries.area_hints): removing the last hint
        # would bring every shipped hint back instead of leaving none.
        raise Conflict("This is the last hint: add another before removing it.")
    found.delete()


# Trust -------------------------------------------------------------------------------------


@transaction.atomic
def set_trust(network: Network, *, source: str, trusted: bool, actor) -> bool:
    """Trust a publisher for a network's members, or stop trusting it."""
    if not Viewer.for_user(actor).can_coordinate(network.pk):
        raise Forbidden("Only the network's coordinators can choose which sources it trusts.")
    if source not in (Source.CONTRACTS_FINDER, Source.FIND_A_TENDER):
        raise DomainError("Choose Contracts Finder or Find a Tender.", code="invalid", field="source")
    if trusted:
        TrustedSource.objects.get_or_create(network=network, source=source, defaults={"added_by": actor})
    else:
        TrustedSource.objects.filter(network=network, source=source).delete()
    return trusted


# Running an import ---------------------------------------------------------------------------


def _quiet(*args) -> None:
    return None


def run_import(
    paths: Iterable[str],
    *,
    actor,
    dry_run: bool = False,
    keep_going: bool = False,
    progress: Callable[[str, int], None] | None = None,
    report: Callable[[dict], None] | None = None,
    everyone: bool = False,
) -> Summary:
    """Import the releases in `paths` (files, folders, or "-" for standard input) as `actor`.

    A dry run needs no actor and writes nothing. Otherwise the actor must coordinate a network
    (or be an admin), and only their networks' organisations get suggestions, unless
    `everyone` (a harvest: every organisation on the map gets its notices). When an item is
    bad, nothing is written and ImportFailed says where each bad item was, unless `keep_going`,
    which skips the bad items (they are in the summary's errors and the report). `progress` is
    called with a stage ("reading", "checking", "writing") and a count; `report` with each
    ocid's line (see Line)."""
    if actor is None and not dry_run:
        raise Forbidden("Say who is importing (an admin or a network coordinator), or make it a dry run.")
    progress, report = progress or _quiet, report or _quiet
    summary = Summary()
    context = _Context(actor, everyone=everyone)
    with Staging() as staging:
        _stage(paths, staging, summary, progress)
        _check(staging, context, summary, progress)
        if summary.errors and not keep_going and not dry_run:
            raise ImportFailed(summary.errors)
        if dry_run:
            with transaction.atomic():
                _write(staging, context, summary, progress, report)
                transaction.set_rollback(True)
        else:
            _write(staging, context, summary, progress, report)
    return summary


# Imports from the web ------------------------------------------------------------------------


def start_import(
    network: Network, *, actor, filename: str = "", content: bytes = b"", harvest: str = "", since: datetime.date | None = None
) -> Import:
    """Record an import of an uploaded file (or a harvest of a publisher's API) for the worker.
    A harvest resumes where the last one of its source stopped, or with `since` starts afresh
    from that day (as `citytools harvest_ocds --since` does)."""
    if not may_import(Viewer.for_user(actor), network):
        raise Forbidden("Only the network's coordinators can import public notices for it.")
    if harvest:
        rules.check_harvest_source(harvest)
        rules.check_harvest_since(since, today=timezone.localdate())
    elif since is not None:
        raise DomainError("A date to start from goes with a harvest, not with a file.", code="invalid", field="since")
    else:
        rules.check_upload(filename, content)
    job = Import.objects.create(
        network=network, filename=(filename or "")[:255], content=content, harvest=harvest, since=since, created_by=actor
    )
    transaction.on_commit(lambda: import_queued.send(sender=Import, import_id=job.pk))
    return job


# Harvesting ----------------------------------------------------------------------------------


@dataclasses.dataclass
class Harvested:
    pages: int = 0
    finished: bool = False
    summary: Summary = dataclasses.field(default_factory=Summary)


def _add(total: Summary, part: Summary) -> None:
    for field in dataclasses.fields(Summary):
        if field.name == "errors":
            total.errors.extend(part.errors)
        else:
            setattr(total, field.name, getattr(total, field.name) + getattr(part, field.name))


def harvest(
    source: str,
    *,
    actor,
    since: datetime.date | None = None,
    restart: bool = False,
    max_pages: int | None = None,
    progress: Callable[[str, int], None] | None = None,
    report: Callable[[dict], None] | None = None,
    opener=None,
    sleep=None,
) -> Harvested:
    """Page through a publisher's API and import each page as it comes, remembering where it
    stopped: the next harvest resumes there (or, after the last page, asks for what was
    published since this one began). A page is one batch: a bad release in it is reported
    and skipped, since a public feed cannot be corrected by the importer. Raises
    HarvestFailed, having kept every page before the one that failed.

    A publisher has one harvest for the whole site, whoever starts it, so what it reads
    suggests to every organisation on the map, not only to the networks of the coordinator
    who started it: otherwise the place it moves on would leave other networks' notices
    unread. (Trust is still each network's: only a trusting network's members have notices
    applied directly.)"""
    rules.check_harvest_source(source)
    scope(actor)
    progress = progress or _quiet
    state, _ = Harvest.objects.get_or_create(source=source)
    began = timezone.now()
    if restart or not state.next_url:
        last_began = state.since.date() if state.since else None
        url = harvesting.first_url(source, rules.harvest_from(since=since, last_began=last_began, today=timezone.localdate()))
    else:
        url = state.next_url
    result = Harvested()
    options = {key: value for key, value in (("opener", opener), ("sleep", sleep)) if value is not None}
    try:
        for page in harvesting.pages(url, **options):
            with tempfile.NamedTemporaryFile(suffix=".jsonl") as lines:
                for release in page.releases:
                    lines.write(dumps(release) + b"\n")
                lines.flush()
                part = run_import([lines.name], actor=actor, keep_going=True, report=report, everyone=True)
            _add(result.summary, part)
            result.pages += 1
            Harvest.objects.filter(pk=state.pk).update(
                next_url=page.next_url or "", pages=F("pages") + 1, releases=F("releases") + len(page.releases),
                last_error="", updated_at=timezone.now(), **({"since": began} if page.next_url is None else {}),
            )
            progress("harvesting", result.summary.releases)
            if page.next_url is None:
                result.finished = True
                break
            if max_pages is not None and result.pages >= max_pages:
                break
    except harvesting.HarvestFailed as failed:
        Harvest.objects.filter(pk=state.pk).update(last_error=failed.message, updated_at=timezone.now())
        raise
    return result


def due_harvests(now: datetime.datetime | None = None) -> list[str]:
    """The sources settings schedule (CITYTOOLS_OCDS_HARVEST_SCHEDULE: source → hours) whose
    last harvest is older than that."""
    now = now or timezone.now()
    schedule = settings.CITYTOOLS_OCDS_HARVEST_SCHEDULE
    if not schedule:
        return []
    last = dict(Harvest.objects.filter(source__in=schedule).values_list("source", "updated_at"))
    return [source for source, hours in schedule.items() if rules.harvest_due(last.get(source), hours, now)]


def harvest_when_due() -> list[str]:
    """Harvest each source that is due, as the person settings name
    (CITYTOOLS_OCDS_HARVEST_AS); a failure is kept on the harvest's state for its page and
    the next tick tries again. Returns the sources harvested."""
    due = due_harvests()
    if not due:
        return []
    actor = get_user_model().objects.filter(email__iexact=settings.CITYTOOLS_OCDS_HARVEST_AS or "", is_active=True).first()
    if actor is None:
        logger.warning("A harvest of %s is due, but CITYTOOLS_OCDS_HARVEST_AS names no active user.", ", ".join(due))
        return []
    done = []
    for source in due:
        try:
            harvest(source, actor=actor, max_pages=settings.CITYTOOLS_OCDS_HARVEST_PAGES)
        except DomainError as refusal:
            logger.warning("The harvest of %s stopped: %s", source, refusal.message)
            Harvest.objects.filter(source=source).update(updated_at=timezone.now())
        done.append(source)
    return done


def run_web_import(import_id: int) -> None:
    """The worker's side of an import from the web: run it, recording how far it has got."""
    job = Import.objects.select_related("created_by").filter(pk=import_id, status=Import.Status.QUEUED).first()
    if job is None:
        return
    Import.objects.filter(pk=job.pk).update(status=Import.Status.RUNNING, started_at=timezone.now())

    def progress(stage: str, count: int) -> None:
        Import.objects.filter(pk=job.pk).update(summary={"stage": stage, "count": count}, done=count if stage in ("reading", "harvesting") else F("done"))

    status, error, summary, extra = Import.Status.DONE, "", None, {}
    try:
        if job.harvest:
            # As many pages as a scheduled harvest reads, so that one harvest does not hold the
            # worker for hours; the next resumes where it stopped.
            harvested = harvest(
                job.harvest, actor=job.created_by, since=job.since, restart=job.since is not None,
                max_pages=settings.CITYTOOLS_OCDS_HARVEST_PAGES, progress=progress,
            )
            summary, extra = harvested.summary, {"pages": harvested.pages, "finished": harvested.finished}
        else:
            with tempfile.NamedTemporaryFile(suffix=Path(job.filename).suffix or ".json") as upload:
                upload.write(bytes(job.content))
                upload.flush()
                summary = run_import([upload.name], actor=job.created_by, progress=progress)
    except ImportFailed as failed:
        status, error = Import.Status.FAILED, failed.message
        errors = failed.errors
    except DomainError as refusal:
        status, error, errors = Import.Status.FAILED, refusal.message, []
    else:
        errors = summary.errors
    Import.objects.filter(pk=job.pk).update(
        status=status, error=error, errors=errors[:200], finished_at=timezone.now(),
        summary={**summary.as_dict(), **extra} if summary else {}, content=b"",
    )

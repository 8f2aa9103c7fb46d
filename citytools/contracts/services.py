"""Writes to contracts: add, change, retire and restore an organisation's contracts.

The only code that writes contracts. Each function checks the actor's rights with the same
Viewer the pages use, validates with citytools.contracts.rules, and writes through
citytools.core.history so every change is versioned, guarded against stale edits and recorded
once.
"""

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

from citytools.accounts.viewer import Viewer
from citytools.contracts import rules
from citytools.contracts.models import Contract
from citytools.core import history
from citytools.core.dates import check_date
from citytools.core.errors import DomainError, Forbidden
from citytools.core.money import parse_money
from citytools.directory.models import Organisation, Supplier
from citytools.inventory.models import System

CONTRACT_FIELDS = (
    "supplier",
    "systems",
    "title",
    "total_value",
    "annual_value",
    "currency",
    "start_date",
    "end_date",
    "extension_end_date",
    "route",
    "framework",
    "source",
    "reference",
    "source_url",
    "confidential",
)
TEXT_FIELDS = ("title", "framework", "reference", "source_url")
# The columns are numeric(14, 2): anything from a trillion up cannot be stored.
VALUE_LIMIT = Decimal(10) ** 12
RETIRED_MESSAGE = "This contract has been retired. Restore an earlier version from its history to bring it back."


def _require_edit(actor, organisation_id: int, *, provenance: dict | None = None) -> None:
    if not Viewer.for_user(actor).can_edit(organisation_id, from_source=bool(provenance)):
        raise Forbidden("Only the organisation's own editors can change its contracts.")


def _supplier(value, organisation_id: int) -> Supplier:
    """The catalogue's supplier, or one the organisation proposed (never another's)."""
    supplier = Supplier.entries.usable_entry(value, organisation_id)
    if isinstance(value, Supplier):
        value = value.slug
    if supplier is None:
        raise DomainError(
            f"No such supplier: {value}." if value else "Choose the supplier.",
            code="invalid" if value else "required",
            field="supplier",
        )
    return supplier


def _systems(organisation_id: int, values) -> list:
    """The systems' ids, checked to be the organisation's; a system still waiting in the
    caller's batch (no pk yet) is kept as it is, to be linked when the batch is written."""
    ids, waiting = [], {}
    for value in values or []:
        if isinstance(value, System) and value.pk is None:
            waiting[("waiting", len(waiting))] = value
            continue
        pk = value.pk if isinstance(value, System) else value
        try:
            ids.append(int(pk))
        except (TypeError, ValueError):
            raise DomainError(f"No such system: {pk}.", code="invalid", field="systems") from None
    ids = list(dict.fromkeys(ids))
    owners = dict(System.objects.filter(pk__in=ids).values_list("pk", "organisation_id")) if ids else {}
    owners.update((key, system.organisation_id) for key, system in waiting.items())
    rules.check_systems(organisation_id, [*ids, *waiting], owners)
    return [*ids, *waiting.values()]


def _value(value, field: str, label: str) -> Decimal | None:
    value = parse_money(value, label=label, field=field, limit=VALUE_LIMIT)
    rules.check_value(value, field=field, label=label)
    return value


def _date(value, field: str) -> datetime.date | None:
    if value is None or value == "":
        return None
    if not isinstance(value, datetime.date):
        try:
            value = datetime.date.fromisoformat(str(value))
        except ValueError:
            raise DomainError("Enter a real date, like 2027-03-31.", code="invalid", field=field) from None
    # The doors bound dates already; a caller passing a date object straight in is held to the same range.
    return check_date(value, label="The " + field.replace("_", " "), field=field)


def _check_text(data: dict) -> None:
    for name in TEXT_FIELDS:
        limit = Contract._meta.get_field(name).max_length
        if len(data[name]) > limit:
            label = str(Contract._meta.get_field(name).verbose_name).capitalize()
            raise DomainError(f"{label} must be {limit} characters or fewer.", code="invalid", field=name)
    if data["source_url"]:
        try:
            URLValidator(schemes=["http", "https"])(data["source_url"])
        except ValidationError:
            raise DomainError("Enter the source document's full web address, starting https://.", code="invalid", field="source_url") from None


def _clean_contract(organisation_id: int, data: dict, *, exclude_pk: int | None = None) -> tuple[dict, dict]:
    """Scalar fields and links for a contract, from the wanted state; raises DomainError."""
    unknown = sorted(set(data) - set(CONTRACT_FIELDS))
    if unknown:
        raise DomainError(f"Contracts have no field {', '.join(unknown)}.", code="invalid", field=unknown[0])
    fields = {
        "supplier": _supplier(data.get("supplier"), organisation_id),
        "title": rules.check_title(data.get("title")),
        "total_value": _value(data.get("total_value"), "total_value", "Total value"),
        "annual_value": _value(data.get("annual_value"), "annual_value", "Annual value"),
        "currency": rules.check_currency(data.get("currency")),
        "start_date": _date(data.get("start_date"), "start_date"),
        "end_date": _date(data.get("end_date"), "end_date"),
        "extension_end_date": _date(data.get("extension_end_date"), "extension_end_date"),
        "route": data.get("route") or Contract.Route.UNKNOWN,
        "framework": (data.get("framework") or "").strip(),
        "source": data.get("source") or Contract.Source.ORGANISATION,
        "reference": (data.get("reference") or "").strip(),
        "source_url": (data.get("source_url") or "").strip(),
        "confidential": bool(data.get("confidential")),
    }
    rules.check_dates(fields["start_date"], fields["end_date"], fields["extension_end_date"])
    rules.check_choice(fields["route"], Contract.Route.values, field="route", label="Procurement route")
    rules.check_choice(fields["source"], Contract.Source.values, field="source", label="Source")
    _check_text(fields)
    if fields["reference"]:
        clash = Contract.objects.filter(organisation_id=organisation_id, reference=fields["reference"])
        if exclude_pk is not None:
            clash = clash.exclude(pk=exclude_pk)
        if clash.exists():
            raise DomainError(
                "Another contract of this organisation already has this reference.", code="duplicate", field="reference"
            )
    links = {"systems": _systems(organisation_id, data.get("systems"))}
    return fields, links


def contract_state(contract: Contract) -> dict:
    """A contract's editable fields as `update_contract` takes them."""
    state = {name: getattr(contract, name) for name in CONTRACT_FIELDS if name != "systems"}
    state["systems"] = list(contract.systems.values_list("pk", flat=True))
    return state


@transaction.atomic
def create_contract(
    *, organisation: Organisation, actor, provenance: dict | None = None, batch: history.Batch | None = None, **data
) -> Contract:
    """Add a contract to `organisation`. Only its editors (and admins) may. `data` holds the
    fields of CONTRACT_FIELDS; the supplier may be a Supplier or its slug, systems may be
    System objects or ids. With `provenance` (facts from a public notice or register), its
    network coordinators may too, and the contract starts unconfirmed. With `batch`, it is
    checked now and written with the batch (its systems may be waiting in the same batch)."""
    _require_edit(actor, organisation.pk, provenance=provenance)
    # Left out, the currency is the model's default, as for a row made any other way.
    data = {"currency": Contract._meta.get_field("currency").default, **data}
    fields, links = _clean_contract(organisation.pk, data)
    contract = Contract(organisation=organisation, provenance=provenance or {}, **fields)
    return history.create_record(contract, links=links, actor=actor, confirm=not provenance, batch=batch)


@transaction.atomic
def update_contract(contract: Contract, *, version: int, changes: dict, actor, provenance: dict | None = None) -> Contract:
    """Change some of a contract's fields, if it is still at `version`; otherwise raise
    Conflict and write nothing. Returns the contract reloaded. With `provenance`, the changes
    come from a newer notice and say so."""
    _require_edit(actor, contract.organisation_id, provenance=provenance)
    if contract.retired_at is not None:
        raise DomainError(RETIRED_MESSAGE, code="retired")
    fields, links = _clean_contract(
        contract.organisation_id, {**contract_state(contract), **changes}, exclude_pk=contract.pk
    )
    if provenance:
        fields["provenance"] = provenance
    return history.save_edit(contract, version=version, fields=fields, links=links, actor=actor)


@transaction.atomic
def retire_contract(contract: Contract, *, version: int, actor) -> Contract:
    """Take a contract off the map, keeping it and its history (it can be restored)."""
    _require_edit(actor, contract.organisation_id)
    if contract.retired_at is not None:
        raise DomainError("This contract is already retired.", code="retired")
    return history.save_edit(
        contract, version=version, fields={"retired_at": timezone.now()}, actor=actor, reason="Retired"
    )


@transaction.atomic
def restore_version(contract: Contract, *, history_id: int, actor, version: int | None = None) -> Contract:
    """Make a new version of `contract` equal to an earlier one. Editors of the organisation
    and coordinators of its networks may."""
    viewer = Viewer.for_user(actor)
    if not viewer.can_restore(contract.organisation_id):
        raise Forbidden("Only the organisation's editors or its network coordinators can restore a version.")
    old_version, fields, links = history.restorable_state(
        contract, history_id=history_id, versions=viewer.versions(contract)
    )
    if old_version == contract.version:
        raise DomainError("This is already the current version.", code="current_version")
    wanted = {name.removesuffix("_id"): value for name, value in fields.items() if name not in ("retired_at", "provenance")}
    wanted["supplier"] = Supplier.entries.filter(pk=fields["supplier_id"]).first()
    cleaned, links = _clean_contract(contract.organisation_id, {**wanted, **links}, exclude_pk=contract.pk)
    cleaned["retired_at"], cleaned["provenance"] = fields["retired_at"], fields["provenance"]
    return history.save_edit(
        contract,
        version=contract.version if version is None else version,
        fields=cleaned,
        links=links,
        actor=actor,
        reason=f"Restored version {old_version}",
    )

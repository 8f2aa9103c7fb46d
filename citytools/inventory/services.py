"""Writes to the inventory: the service-area taxonomy, products and systems."""

from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from citytools.accounts.viewer import Viewer
from citytools.core import history
from citytools.core.errors import DomainError, Forbidden
from citytools.directory.models import Organisation, Supplier
from citytools.directory.services import LoadResult, read_csv, upsert
from citytools.inventory.models import Product, ServiceArea, System
from citytools.inventory.rules import (
    check_lead_months,
    check_system_fields,
    check_system_service_areas,
)

SERVICE_AREAS_CSV = Path(__file__).resolve().parent / "data" / "service_areas.csv"
SERVICE_AREA_COLUMNS = {"group", "area", "kind", "position", "description"}


def _service_area_rows(rows: list[dict[str, str]]) -> tuple[dict[str, dict], dict[str, dict]]:
    """Groups and areas by slug, checked: a row with no area describes its group."""
    groups: dict[str, dict] = {}
    areas: dict[str, dict] = {}
    kinds = set(ServiceArea.Kind.values)
    for number, row in enumerate(rows, start=2):
        if row["kind"] not in kinds:
            raise DomainError(f"Line {number}: kind must be one of {', '.join(sorted(kinds))}.")
        if not row["group"] or not row["position"].isdigit():
            raise DomainError(f"Line {number}: every row needs a group and a whole-number position.")
        fields = {
            "kind": row["kind"],
            "position": int(row["position"]),
            "description": row["description"],
        }
        group_slug = slugify(row["group"])
        if not row["area"]:
            groups[group_slug] = {"name": row["group"], "parent_id": None, **fields}
            continue
        slug = slugify(row["area"])
        if slug in areas:
            raise DomainError(f"Line {number}: the area {row['area']!r} appears twice.")
        areas[slug] = {"name": row["area"], "group": group_slug, **fields}
    for slug, area in areas.items():
        if area["group"] not in groups:
            raise DomainError(f"The group {area['group']!r} of {area['name']!r} has no row of its own.")
        if slug in groups:
            raise DomainError(f"{area['name']!r} has the same slug as a group.")
    return groups, areas


@transaction.atomic
def load_service_areas(*, path: Path | None = None, actor=None) -> LoadResult:
    """Create or update the two-level service-area taxonomy from the shipped file.

    Groups and areas are matched on their slug (from the name), so reloading changes
    nothing, and renaming an area in the file creates a new one rather than silently moving
    every system attached to the old one. Areas in the database but not in the file are
    kept: systems may still point at them. `actor` is who asked, for the audit trail.
    """
    groups, areas = _service_area_rows(read_csv(path or SERVICE_AREAS_CSV, SERVICE_AREA_COLUMNS))
    existing = ServiceArea.objects.in_bulk(list(groups) + list(areas), field_name="slug")
    group_result, group_objects = upsert(ServiceArea, key="slug", desired=groups, existing=existing)
    area_desired = {
        slug: {**{k: v for k, v in fields.items() if k != "group"}, "parent_id": group_objects[fields["group"]].pk}
        for slug, fields in areas.items()
    }
    area_result, _ = upsert(ServiceArea, key="slug", desired=area_desired, existing=existing)
    return LoadResult(
        created=group_result.created + area_result.created,
        updated=group_result.updated + area_result.updated,
        unchanged=group_result.unchanged + area_result.unchanged,
    )


@transaction.atomic
def set_lead_time(area: ServiceArea, *, months, actor, viewer) -> list[ServiceArea]:
    """Set how long a procurement takes in `area`, or in every area of a group, in whole
    months (rules.check_lead_months). Only platform admins may: `viewer` is whose rights are
    checked, and `actor` the User recorded in each changed area's history (None for a command
    run on the server with no --as, which acts with an operator's powers). Returns the areas
    set, changed or not."""
    if not viewer.is_admin:
        raise Forbidden("Only platform admins may change a service area's procurement lead time.")
    months = check_lead_months(months)
    areas = list(
        ServiceArea.objects.select_for_update().filter(**({"parent": area} if area.is_group else {"pk": area.pk}))
    )
    for each in areas:
        before = each.procurement_lead_months
        if before == months:
            continue
        each.procurement_lead_months = months
        each._history_user = actor
        each._change_reason = f"Procurement lead time {before} → {months} months"
        each.save(update_fields=["procurement_lead_months", "updated_at"])
    return areas


# Systems: add, change, retire, restore ----------------------------------------------------
# The only code that writes systems. Each function checks the actor's rights with the same
# Viewer the pages use, validates with citytools.inventory.rules, and writes through
# citytools.core.history so every change is versioned and recorded once.

SYSTEM_FIELDS = ("product", "supplier", "service_areas", "hosting", "status", "go_live", "notes", "confidential")
RETIRED_MESSAGE = "This system has been retired. Restore an earlier version from its history to bring it back."


def _viewer(actor):
    return Viewer.for_user(actor)


def _require_edit(actor, organisation_id: int, *, provenance: dict | None = None) -> None:
    if not _viewer(actor).can_edit(organisation_id, from_source=bool(provenance)):
        raise Forbidden("Only the organisation's own editors can change its systems.")


def _product(value, organisation_id: int) -> Product:
    """The catalogue's product, or one the organisation proposed (never another's)."""
    product = Product.entries.usable_entry(value, organisation_id)
    if isinstance(value, Product):
        value = value.slug
    if product is None:
        raise DomainError(
            "Choose the product." if not value else f"No such product: {value}.",
            code="required" if not value else "invalid",
            field="product",
        )
    return product


def _supplier(value, organisation_id: int) -> Supplier | None:
    if value is None or value == "":
        return None
    supplier = Supplier.entries.usable_entry(value, organisation_id)
    if isinstance(value, Supplier):
        value = value.slug
    if supplier is None:
        raise DomainError(f"No such supplier: {value}.", code="invalid", field="supplier")
    return supplier


def _service_areas(values) -> list[int]:
    """Service-area ids from areas, ids or slugs, checked to exist and to be areas, not groups;
    areas already in hand are checked as they are, without a query."""
    values = list(values or [])
    if values and all(isinstance(v, ServiceArea) and v.pk is not None for v in values):
        found = {v.slug: (v.parent_id, v.pk) for v in values}
        values = [v.slug for v in values]
    else:
        values = [v.pk if isinstance(v, ServiceArea) else v for v in values]
        key = "pk" if all(isinstance(v, int) for v in values) else "slug"
        if key == "slug":
            values = [str(v) for v in values]
        found = {
            row[0]: row[1:]
            for row in ServiceArea.objects.filter(**{f"{key}__in": values}).values_list(key, "parent_id", "pk")
        }
    check_system_service_areas(values, {k: parent for k, (parent, _) in found.items()})
    return list(dict.fromkeys(found[v][1] for v in values))


def _clean_system(organisation_id: int, data: dict) -> tuple[dict, dict]:
    """Scalar fields and links for a system, from the wanted state; raises DomainError."""
    unknown = sorted(set(data) - set(SYSTEM_FIELDS))
    if unknown:
        raise DomainError(f"Systems have no field {', '.join(unknown)}.", code="invalid", field=unknown[0])
    hosting = data.get("hosting") or ""
    status = data.get("status") or ""
    check_system_fields(
        hosting=hosting,
        status=status,
        hosting_choices=System.Hosting.values,
        status_choices=System.Status.values,
    )
    fields = {
        "product": _product(data.get("product"), organisation_id),
        "supplier": _supplier(data.get("supplier"), organisation_id),
        "hosting": hosting,
        "status": status,
        "go_live": data.get("go_live"),
        "notes": (data.get("notes") or "").strip(),
        "confidential": bool(data.get("confidential")),
    }
    links = {"service_areas": _service_areas(data.get("service_areas"))}
    return fields, links


def system_state(system: System) -> dict:
    """A system's editable fields as `update_system` takes them: the starting point of a form."""
    return {
        "product": system.product,
        "supplier": system.supplier,
        "service_areas": list(system.service_areas.all()),
        "hosting": system.hosting,
        "status": system.status,
        "go_live": system.go_live,
        "notes": system.notes,
        "confidential": system.confidential,
    }


@transaction.atomic
def create_system(
    *,
    organisation: Organisation,
    product,
    service_areas,
    supplier=None,
    hosting: str = "",
    status: str = System.Status.LIVE,
    go_live=None,
    notes: str = "",
    confidential: bool = False,
    actor,
    provenance: dict | None = None,
    batch: history.Batch | None = None,
) -> System:
    """Add a system to `organisation`'s inventory. Only its editors (and admins) may. With
    `provenance` (a public notice or register said so), its network coordinators may too, and
    the system starts unconfirmed. With `batch`, it is checked now and written with the batch."""
    _require_edit(actor, organisation.pk, provenance=provenance)
    fields, links = _clean_system(
        organisation.pk,
        {
            "product": product,
            "supplier": supplier,
            "service_areas": service_areas,
            "hosting": hosting,
            "status": status,
            "go_live": go_live,
            "notes": notes,
            "confidential": confidential,
        }
    )
    system = System(organisation=organisation, provenance=provenance or {}, **fields)
    return history.create_record(system, links=links, actor=actor, confirm=not provenance, batch=batch)


@transaction.atomic
def update_system(system: System, *, version: int, changes: dict, actor, provenance: dict | None = None) -> System:
    """Change some of a system's fields, if it is still at `version` (the one the person
    opened); otherwise raise Conflict and write nothing. Returns the system reloaded. With
    `provenance`, the changes come from a later edition of the source that put it on the map
    and say so (its networks' coordinators may make them)."""
    _require_edit(actor, system.organisation_id, provenance=provenance)
    if system.retired_at is not None:
        raise DomainError(RETIRED_MESSAGE, code="retired")
    fields, links = _clean_system(system.organisation_id, {**system_state(system), **changes})
    if provenance:
        fields["provenance"] = provenance
    return history.save_edit(system, version=version, fields=fields, links=links, actor=actor)


@transaction.atomic
def retire_system(system: System, *, version: int, actor) -> System:
    """Take a system out of the inventory, keeping it and its history (it can be restored)."""
    _require_edit(actor, system.organisation_id)
    if system.retired_at is not None:
        raise DomainError("This system is already retired.", code="retired")
    return history.save_edit(
        system, version=version, fields={"retired_at": timezone.now()}, actor=actor, reason="Retired"
    )


@transaction.atomic
def restore_version(system: System, *, history_id: int, actor, version: int | None = None) -> System:
    """Make a new version of `system` equal to an earlier one (retired or not, confidential
    or not, with its service areas then). Editors of the organisation and coordinators of
    its networks may. `version` is the one the person saw when they asked; without it, the
    version loaded in `system`."""
    viewer = _viewer(actor)
    if not viewer.can_restore(system.organisation_id):
        raise Forbidden("Only the organisation's editors or its network coordinators can restore a version.")
    old_version, fields, links = history.restorable_state(
        system, history_id=history_id, versions=viewer.versions(system)
    )
    if old_version == system.version:
        raise DomainError("This is already the current version.", code="current_version")
    check_system_fields(
        hosting=fields["hosting"],
        status=fields["status"],
        hosting_choices=System.Hosting.values,
        status_choices=System.Status.values,
    )
    _service_areas(links["service_areas"])
    return history.save_edit(
        system,
        version=system.version if version is None else version,
        fields=fields,
        links=links,
        actor=actor,
        reason=f"Restored version {old_version}",
    )

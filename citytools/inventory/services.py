"""Writes to the inventory: the service-area taxonomy, products and systems."""

from pathlib import Path

from django.db import transaction
from django.utils.text import slugify

from citytools.core.errors import DomainError
from citytools.directory.services import LoadResult, read_csv, upsert
from citytools.inventory.models import ServiceArea

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

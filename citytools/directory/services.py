"""Writes to the directory. Every change to networks, organisations and suppliers goes
through a function here, so the web, the API and the command line behave the same."""

import csv
import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from citytools.core.errors import DomainError
from citytools.directory.models import Organisation

DATA_DIR = Path(__file__).resolve().parent / "data"
LOCAL_AUTHORITIES_CSV = DATA_DIR / "uk_local_authorities.csv"
GSS_SCHEME = "GB-GSS"
ALT_NAME_SEPARATOR = "|"
LOCAL_AUTHORITY_COLUMNS = {
    "gss_code",
    "register_code",
    "official_name",
    "short_name",
    "type_name",
    "region",
    "nation",
    "population",
    "start_date",
    "end_date",
    "alternative_names",
}


@dataclass(frozen=True)
class LoadResult:
    """What a reference-data load did, row by row."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    # The rows themselves, for callers that keep history of what a load wrote.
    created_rows: tuple = field(default=(), compare=False, repr=False)
    updated_rows: tuple = field(default=(), compare=False, repr=False)

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged

    def __str__(self) -> str:
        return f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"


def read_csv(path: Path, required: set[str]) -> list[dict[str, str]]:
    """The rows of a shipped reference file, refusing one that lacks a required column."""
    try:
        with Path(path).open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            missing = required - set(reader.fieldnames or ())
            if missing:
                raise DomainError(f"{path} lacks the column(s): {', '.join(sorted(missing))}.")
            return [{key: (value or "").strip() for key, value in row.items()} for row in reader]
    except FileNotFoundError as error:
        raise DomainError(f"Reference file not found: {path}.", code="not_found") from error


def _date(value: str) -> datetime.date | None:
    return datetime.date.fromisoformat(value) if value else None


def local_authority_slugs(rows: list[dict[str, str]]) -> dict[str, str]:
    """A slug for each GSS code, from the short name, that depends only on the rows' values.

    Where two authorities share a short name (North Yorkshire the county, abolished in 2023,
    and North Yorkshire the unitary council), the current one keeps the plain slug and the
    other gets its type added, so links to today's council read naturally.
    """
    by_base: dict[str, list[dict[str, str]]] = defaultdict(list)
    for row in rows:
        by_base[slugify(row["short_name"]) or row["gss_code"].lower()].append(row)
    slugs: dict[str, str] = {}
    for base, group in by_base.items():
        group = sorted(group, key=lambda row: (bool(row["end_date"]), row["gss_code"]))
        taken = set()
        for index, row in enumerate(group):
            slug = base if index == 0 else f"{base}-{slugify(row['type_name'])}"
            if slug in taken:
                slug = f"{base}-{row['gss_code'].lower()}"
            taken.add(slug)
            slugs[row["gss_code"]] = slug
    return slugs


def local_authority_fields(row: dict[str, str], slug: str) -> dict:
    names = [name for name in row["alternative_names"].split(ALT_NAME_SEPARATOR) if name]
    return {
        "slug": slug,
        "name": row["official_name"],
        "short_name": row["short_name"],
        "identifier_scheme": GSS_SCHEME,
        "registry_code": row["register_code"],
        "kind": row["type_name"],
        "region": row["region"],
        "nation": row["nation"],
        "population": int(row["population"]) if row["population"] else None,
        "alternative_names": "\n".join(names),
        "start_date": _date(row["start_date"]),
        "end_date": _date(row["end_date"]),
    }


def upsert(model, *, key, desired: dict, existing: dict) -> tuple[LoadResult, dict]:
    """Create the rows of `desired` missing from `existing` and update those that differ.

    `key` names the natural-key field, or a tuple of fields when the key spans several, and
    `desired` maps each natural key to the other fields' values. Rows already right are left
    alone, so their updated_at keeps saying when they last changed. Returns the counts and
    every object by natural key.
    """
    key_fields = (key,) if isinstance(key, str) else tuple(key)
    now = timezone.now()
    to_create, to_update, changed_fields = [], [], set()
    objects = {}
    for natural_key, fields in desired.items():
        obj = existing.get(natural_key)
        if obj is None:
            values = natural_key if len(key_fields) > 1 else (natural_key,)
            obj = model(**dict(zip(key_fields, values, strict=True)), **fields)
            to_create.append(obj)
        else:
            changes = {name for name, value in fields.items() if getattr(obj, name) != value}
            if changes:
                for name in changes:
                    setattr(obj, name, fields[name])
                obj.updated_at = now
                changed_fields |= changes
                to_update.append(obj)
        objects[natural_key] = obj
    model.objects.bulk_create(to_create, batch_size=500)
    if to_update:
        model.objects.bulk_update(to_update, sorted(changed_fields | {"updated_at"}), batch_size=500)
    result = LoadResult(
        created=len(to_create),
        updated=len(to_update),
        unchanged=len(desired) - len(to_create) - len(to_update),
        created_rows=tuple(to_create),
        updated_rows=tuple(to_update),
    )
    return result, objects


@transaction.atomic
def load_local_authorities(*, path: Path | None = None, actor=None) -> LoadResult:
    """Create or update one Organisation per UK local authority in the shipped file.

    Authorities are matched on their GSS code, so loading twice changes nothing and loading a
    newer file updates names, dates and populations in place. Former authorities are loaded
    too, with their end date, because contracts may outlive the body that signed them.
    `actor` is who asked, for the audit trail the directory will keep.
    """
    rows = read_csv(path or LOCAL_AUTHORITIES_CSV, LOCAL_AUTHORITY_COLUMNS)
    seen = set()
    for row in rows:
        if not row["gss_code"]:
            raise DomainError("Every local authority in the file needs a GSS code.")
        if row["gss_code"] in seen:
            raise DomainError(f"GSS code {row['gss_code']} appears twice in the file.")
        seen.add(row["gss_code"])
    slugs = local_authority_slugs(rows)
    desired = {row["gss_code"]: local_authority_fields(row, slugs[row["gss_code"]]) for row in rows}
    clash = (
        Organisation.objects.filter(slug__in=slugs.values())
        .exclude(identifier__in=desired.keys())
        .order_by("slug")
        .first()
    )
    if clash:
        raise DomainError(
            f"The slug {clash.slug!r} already belongs to {clash.name} ({clash.identifier}), "
            "which is not in the local-authority file."
        )
    existing = Organisation.objects.in_bulk(list(desired), field_name="identifier")
    result, _ = upsert(Organisation, key="identifier", desired=desired, existing=existing)
    return result


@transaction.atomic
def add_local_authorities(codes, *, path: Path | None = None, actor=None) -> list[Organisation]:
    """Create the authorities of `codes` (GSS codes) that are not on the map yet, from the
    shipped file, and return them; those already there are left as they are.

    For an import that names councils in a deployment that never loaded the whole reference
    list (`citytools load_authorities`): it adds only what it needs. A code the file does not
    have is refused, and nothing is created. A slug another organisation holds already gets
    the GSS code added, so nothing on the map is renamed."""
    wanted = set(codes) - set(Organisation.objects.filter(identifier__in=set(codes)).values_list("identifier", flat=True))
    if not wanted:
        return []
    rows = read_csv(path or LOCAL_AUTHORITIES_CSV, LOCAL_AUTHORITY_COLUMNS)
    slugs = local_authority_slugs(rows)
    found = {row["gss_code"]: row for row in rows if row["gss_code"] in wanted}
    unknown = sorted(wanted - set(found))
    if unknown:
        raise DomainError(f"Not in the reference list of local authorities: {', '.join(unknown)}.", code="not_found")
    taken = set(Organisation.objects.filter(slug__in=[slugs[code] for code in found]).values_list("slug", flat=True))
    created = []
    for code in sorted(found):
        slug = slugs[code] if slugs[code] not in taken else f"{slugs[code]}-{code.lower()}"
        created.append(Organisation(identifier=code, **{**local_authority_fields(found[code], slug), "slug": slug}))
    return Organisation.objects.bulk_create(created)

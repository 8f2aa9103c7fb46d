"""Compiling one ocid's releases into what is true now: a later notice (an award, an
amendment) updates what an earlier one said.

Releases are merged by ocdsmerge with the merge rules of the OCDS 1.1 release schema, shipped
in data/ocds_merge_rules.json (see scripts/derive_ocds_merge_rules.py), so nothing is fetched.
A compiled release read as such is taken as it is, and a versioned release is compiled by
keeping each field's latest value. When an ocid has releases and compiled releases both, its
releases are compiled and the compiled ones set aside (they say nothing the releases do not).

The same release read twice (the same id and the same content) counts once, so reading a file
again changes nothing; the same id with different content is an error, naming both places.
"""

import functools
import hashlib
import json
from decimal import Decimal
from pathlib import Path

import ocdsmerge
from ocdsmerge.exceptions import OCDSMergeError

from citytools.core.errors import DomainError
from citytools.notices.reading import Item

RULES_JSON = Path(__file__).resolve().parent / "data" / "ocds_merge_rules.json"


class Uncompilable(DomainError):
    def __init__(self, message: str):
        super().__init__(message, code="uncompilable")


@functools.cache
def merger() -> ocdsmerge.Merger:
    document = json.loads(RULES_JSON.read_text(encoding="utf-8"))
    return ocdsmerge.Merger(merge_rules={tuple(path): rule for path, rule in document["rules"]})


def _canonical(value):
    """Numbers as one spelling (100, 100.0 and 1E+2 are one amount), everything else as is."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, float, Decimal)):
        number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
        return f"#{number.normalize():f}" if number.is_finite() else f"#{number}"
    if isinstance(value, dict):
        return {key: _canonical(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_canonical(item) for item in value]
    return str(value)


def digest(release: dict) -> str:
    """A fingerprint of a release's content, the same however its keys were ordered or its
    numbers written."""
    return hashlib.sha256(json.dumps(_canonical(release), sort_keys=True).encode()).hexdigest()


def distinct(items: list[Item]) -> list[Item]:
    """The items without repeats: the same release id with the same content once; the same
    id with different content refused."""
    seen: dict[str, tuple[str, Item]] = {}
    kept = []
    for item in items:
        release_id = item.data.get("id")
        if item.kind != "release" or release_id in (None, ""):
            kept.append(item)
            continue
        fingerprint = digest(item.data)
        if release_id in seen:
            if seen[release_id][0] != fingerprint:
                raise Uncompilable(
                    f"Release {release_id} of {item.ocid} appears twice with different content: "
                    f"{seen[release_id][1].where} and {item.where}."
                )
            continue
        seen[release_id] = (fingerprint, item)
        kept.append(item)
    return kept


def latest_values(versioned):
    """A versioned release's current state: each field's latest value."""
    if isinstance(versioned, list) and versioned and all(isinstance(v, dict) and "releaseID" in v for v in versioned):
        return latest_values(versioned[-1].get("value"))
    if isinstance(versioned, list):
        return [latest_values(value) for value in versioned]
    if isinstance(versioned, dict):
        return {key: latest_values(value) for key, value in versioned.items()}
    return versioned


def compile_ocid(items: list[Item]) -> dict:
    """The compiled release of one ocid's items (all with the same ocid)."""
    items = distinct(items)
    releases = [item for item in items if item.kind == "release"]
    if releases:
        missing = [item.where for item in releases if not isinstance(item.data.get("date"), str) or not item.data["date"]]
        if missing:
            raise Uncompilable(f"A release of {releases[0].ocid} has no date, so its order is unknown: {missing[0]}.")
        try:
            return merger().create_compiled_release([item.data for item in releases])
        except OCDSMergeError as error:
            raise Uncompilable(f"The releases of {releases[0].ocid} cannot be compiled: {error}") from None
    compiled = [item for item in items if item.kind == "compiled"]
    if compiled:
        return max(compiled, key=lambda item: str(item.data.get("date") or "")).data
    versioned = items[-1]
    state = latest_values({key: value for key, value in versioned.data.items() if key != "ocid"})
    return {"ocid": versioned.ocid, "tag": ["compiled"], **state}

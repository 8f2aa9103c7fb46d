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
import math
from decimal import Decimal
from pathlib import Path

import ocdsmerge
import orjson
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


def number(value):
    """A number in one spelling (100, 100.0 and 1E+2 are one amount): whole numbers as
    integers, others as floats, and one no float can hold (1e9999) as its text."""
    if isinstance(value, Decimal):
        if value.is_finite() and value == value.to_integral_value() and abs(value) < 2**63:
            return int(value)
        as_float = float(value)
        return as_float if math.isfinite(as_float) else str(value)
    raise TypeError(f"{type(value).__name__} is not JSON")


def canonical(value) -> bytes:
    """A value as JSON in one spelling: keys sorted, numbers as `number` writes them."""
    return orjson.dumps(value, default=number, option=orjson.OPT_SORT_KEYS)


def digest(release: dict) -> str:
    """A fingerprint of a release's content, the same however its keys were ordered or its
    numbers written."""
    return hashlib.sha256(canonical(release)).hexdigest()


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

"""What a notice is about: whether it is IT, and which service area it suggests, with why.

A notice is IT when any of its CPV codes (tender, items, awards, contracts) is in division 48
(software packages and information systems) or 72 (IT services).

A service area is suggested from hints, data shipped in data/service_area_hints.csv (which a
network's coordinators may later refine): words in the title, then words in the description,
then a CPV code or its parent codes. The first hint found wins, and the suggestion says which
("The title says 'civil parking enforcement'"), so a person can judge it. Words are matched
whole ("crm" is not found in "accreditation"), after the text has been lower-cased and its
punctuation set aside. No hint, no suggestion: a person chooses.
"""

import csv
import functools
import re
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
CPV_LABELS_CSV = DATA / "cpv_labels.csv"
HINTS_CSV = DATA / "service_area_hints.csv"
IT_DIVISIONS = ("48", "72")


@dataclass(frozen=True)
class Hint:
    area: str  # a service area's name, as inventory/data/service_areas.csv writes it
    kind: str  # "words" or "cpv"
    hint: str


@dataclass(frozen=True)
class SuggestedArea:
    area: str
    reason: str


@functools.cache
def cpv_labels() -> dict[str, str]:
    with CPV_LABELS_CSV.open(newline="", encoding="utf-8") as handle:
        return {row["code"]: row["label"] for row in csv.DictReader(handle)}


def cpv_label(code: str) -> str:
    return cpv_labels().get(code, "")


@functools.cache
def shipped_hints() -> tuple[Hint, ...]:
    with HINTS_CSV.open(newline="", encoding="utf-8") as handle:
        return tuple(Hint(row["area"], row["kind"], row["hint"].casefold()) for row in csv.DictReader(handle))


def is_it(cpv_codes) -> bool:
    return any(code.startswith(IT_DIVISIONS) for code in cpv_codes)


def _words(text: str) -> str:
    text = text.casefold().replace("\u2019", "'").replace("\u2018", "'")
    return " " + " ".join(re.sub(r"[^\w'-]+", " ", text).split()) + " "


def _parents(code: str) -> list[str]:
    """The code and its parents, most precise first: 48311100, 48311000, 48310000, 48300000…"""
    parents = []
    for keep in range(8, 1, -1):
        parent = code[:keep].ljust(8, "0")
        if parent not in parents:
            parents.append(parent)
    return parents


def suggest(title: str, description: str, cpv_codes, hints=None) -> SuggestedArea | None:
    """The service area the notice's text and codes suggest, with the reason, or None."""
    hints = shipped_hints() if hints is None else hints
    for place, text in (("title", title), ("description", description)):
        words = _words(text or "")
        for hint in hints:
            if hint.kind == "words" and f" {hint.hint} " in words:
                return SuggestedArea(hint.area, f"The {place} says '{hint.hint}'.")
    by_code = {hint.hint: hint for hint in hints if hint.kind == "cpv"}
    for code in cpv_codes:
        for parent in _parents(code):
            if parent in by_code:
                label = cpv_label(code)
                return SuggestedArea(by_code[parent].area, f"CPV {code}{f' ({label})' if label else ''}.")
    return None

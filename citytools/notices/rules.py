"""Pure rules of public notices: what a notice must say to become a contract, when the map
and a notice disagree, what a survey's or register's suggested system may say, what an
upload may be, and where a harvest starts and when the schedule next runs it. No ORM."""

import datetime
import hashlib
import json
import re
from decimal import Decimal, InvalidOperation

from citytools.core.dates import check_date
from citytools.core.errors import DomainError

# The fields of a contract a notice may set, and those a newer notice is compared on. The
# title is not compared: a person's name for a contract is theirs to keep.
CONTRACT_FIELDS = (
    "title", "total_value", "currency", "start_date", "end_date", "extension_end_date", "route", "reference", "source_url",
)
COMPARED = ("total_value", "currency", "start_date", "end_date", "extension_end_date")
NEW_SUPPLIER = "new"
# The publishers' APIs a harvest pages through (citytools.notices.harvesting), by slug.
HARVEST_NAMES = {"contracts-finder": "Contracts Finder", "find-a-tender": "Find a Tender"}
HARVEST_SOURCES = tuple(HARVEST_NAMES)
# A first harvest asks for the last month; each later one starts a day before the last ended,
# since the APIs' times carry no zone (a release read twice is kept once).
HARVEST_FIRST_DAYS = 30
HARVEST_OVERLAP_DAYS = 1
UPLOAD_SUFFIXES = (".json", ".jsonl", ".ndjson", ".gz")
MAX_UPLOAD_BYTES = 50 * 1024 * 1024
REASON_LIMIT = 500


def _number(value) -> Decimal | None:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def differs(on_the_map, in_the_notice) -> bool:
    """Whether two values (as text) say different things: 1200 and 1200.00 say the same."""
    if on_the_map is None or in_the_notice is None:
        return on_the_map != in_the_notice
    left, right = _number(on_the_map), _number(in_the_notice)
    if left is not None and right is not None:
        return left != right
    return str(on_the_map).strip().casefold() != str(in_the_notice).strip().casefold()


def missing_for_a_contract(suppliers: list, start_date, end_date) -> str | None:
    """Why a notice cannot become a contract yet (a tender names no supplier), or None."""
    missing = [name for name, value in (("a supplier", suppliers), ("a start date", start_date), ("an end date", end_date)) if not value]
    if missing:
        return f"Not a contract yet: the notice gives no {' and no '.join(what.split(' ', 1)[1] for what in missing)}."
    return None


def check_reason(reason) -> str:
    text = " ".join(str(reason or "").split())
    if len(text) > REASON_LIMIT:
        raise DomainError(f"Keep the reason to {REASON_LIMIT} characters or fewer.", code="invalid", field="reason")
    return text


def check_harvest_source(slug: str) -> str:
    if slug not in HARVEST_SOURCES:
        raise DomainError("Choose Contracts Finder or Find a Tender.", code="invalid", field="harvest")
    return slug


def check_harvest_since(day: datetime.date | None, *, today: datetime.date) -> datetime.date | None:
    """A day to harvest from: none (resume), or a day that has come (nothing is published
    in the future), within the range every door accepts (citytools.core.dates)."""
    check_date(day, label="The date to harvest from", field="since")
    if day is not None and day > today:
        raise DomainError("The date to harvest from must be today or earlier.", code="invalid", field="since")
    return day


def harvest_from(*, since: datetime.date | None, last_began: datetime.date | None, today: datetime.date) -> datetime.date:
    """The first day a harvest that does not resume asks for: the day given, else a day before
    the last finished harvest began, else the last month."""
    if since is not None:
        return since
    if last_began is not None:
        return last_began - datetime.timedelta(days=HARVEST_OVERLAP_DAYS)
    return today - datetime.timedelta(days=HARVEST_FIRST_DAYS)


def harvest_due_at(last_run: datetime.datetime | None, hours: float) -> datetime.datetime | None:
    """When the worker's schedule (CITYTOOLS_OCDS_HARVEST_SCHEDULE: every `hours`) next
    harvests a source: `hours` after its last run, or None when it never ran (due at once)."""
    return None if last_run is None else last_run + datetime.timedelta(hours=hours)


def harvest_due(last_run: datetime.datetime | None, hours: float, now: datetime.datetime) -> bool:
    due_at = harvest_due_at(last_run, hours)
    return due_at is None or now >= due_at


def check_upload(filename: str, content: bytes) -> None:
    if not content:
        raise DomainError("Choose a file of public notices (OCDS JSON or JSON Lines, gzip or not).", code="required", field="file")
    if len(content) > MAX_UPLOAD_BYTES:
        raise DomainError(
            f"The file is larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MB; import it with `citytools import_ocds` instead.",
            code="too_large", field="file",
        )
    if not str(filename or "").lower().endswith(UPLOAD_SUFFIXES):
        raise DomainError("Upload a .json, .jsonl or .gz file of public notices.", code="invalid", field="file")


HINT_KINDS = ("words", "cpv")
HINT_LIMIT = 200
CPV_HINT = re.compile(r"^\d{2,8}$")


def check_hint(kind: str, hint) -> tuple[str, str]:
    """A hint as the classifier compares it: words in lower case with single spaces, or a CPV
    code of eight digits (48 is division 48, 48300000; a check digit is left off)."""
    if kind not in HINT_KINDS:
        raise DomainError("Choose words or a CPV code.", code="invalid", field="kind")
    text = " ".join(str(hint or "").casefold().split())
    if not text:
        raise DomainError("Enter the words or the CPV code.", code="required", field="hint")
    if kind == "cpv":
        text = text.split("-")[0]
        if not CPV_HINT.match(text):
            raise DomainError("A CPV code is digits, like 48 or 48311000.", code="invalid", field="hint")
        text = text.ljust(8, "0")
    elif len(text) > HINT_LIMIT:
        raise DomainError(f"Keep the words to {HINT_LIMIT} characters or fewer.", code="invalid", field="hint")
    return kind, text


# Suggestions from another source than a notice (a network's survey, a public register) ------
# One row offers a system, optionally with its contract and a satisfaction rating, as plain
# JSON values; the caller has already recognised the product and supplier on the map.

ORIGIN_LIMIT = 300
OFFERED_CONTRACT_FIELDS = ("title", "total_value", "currency", "start_date", "end_date", "extension_end_date")
OFFERED_RATING_FIELDS = ("score", "comment")
PROPOSAL_FIELDS = ("product", "supplier", "service_areas", "hosting", "go_live", "contract", "rating")
CONTRACT_DATES = ("start_date", "end_date", "extension_end_date")


def check_origin(key, label) -> tuple[str, str]:
    """A suggestion's key within its source and the source's name, both required."""
    key, label = str(key or "").strip(), " ".join(str(label or "").split())
    if not key:
        raise DomainError("Say which row of the source this is (its key).", code="required", field="key")
    if not label:
        raise DomainError("Say where the suggestion comes from (its label).", code="required", field="label")
    if len(key) > ORIGIN_LIMIT or len(label) > ORIGIN_LIMIT:
        raise DomainError(f"Keep the key and the label to {ORIGIN_LIMIT} characters or fewer.", code="invalid", field="key")
    return key, label


def _reference(value, field: str, *, required: bool) -> int | str | None:
    """A pk or a slug, as the caller recognised it."""
    if value is None or value == "":
        if required:
            raise DomainError(f"Name the {field}.", code="required", field=field)
        return None
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise DomainError(f"The {field} is a pk or a slug.", code="invalid", field=field)
    return value


def _iso_day(value, field: str) -> str | None:
    if value is None or value == "":
        return None
    try:
        day = datetime.date.fromisoformat(str(value))
    except ValueError:
        raise DomainError(f"The {field.replace('_', ' ')} must be a date like 2027-03-31.", code="invalid", field=field) from None
    check_date(day, label=f"The {field.replace('_', ' ')}", field=field)
    return day.isoformat()


def _offered_contract(value) -> dict | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise DomainError("The contract is an object of its fields.", code="invalid", field="contract")
    unknown = sorted(set(value) - set(OFFERED_CONTRACT_FIELDS))
    if unknown:
        raise DomainError(f"A contract has no field {', '.join(unknown)}.", code="invalid", field="contract")
    title = " ".join(str(value.get("title") or "").split())
    if not title:
        raise DomainError("Give the contract a title.", code="required", field="contract")
    total = value.get("total_value")
    if total not in (None, ""):
        amount = _number(total)
        if amount is None or amount < 0:
            raise DomainError("The contract's total value must be an amount, like 120000.", code="invalid", field="contract")
        total = str(amount)
    else:
        total = None
    currency = str(value.get("currency") or "GBP").strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", currency):
        raise DomainError("The contract's currency is a three-letter code, like GBP.", code="invalid", field="contract")
    return {
        "title": title[:300], "total_value": total, "currency": currency,
        **{field: _iso_day(value.get(field), field) for field in CONTRACT_DATES},
    }


def _offered_rating(value) -> dict | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise DomainError("The rating is an object with a score and a comment.", code="invalid", field="rating")
    unknown = sorted(set(value) - set(OFFERED_RATING_FIELDS))
    if unknown:
        raise DomainError(f"A rating has no field {', '.join(unknown)}.", code="invalid", field="rating")
    score = value.get("score")
    if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= 5:
        raise DomainError("The rating's score is a whole number from 1 to 5.", code="invalid", field="rating")
    comment = value.get("comment") or ""
    if not isinstance(comment, str):
        raise DomainError("The rating's comment is text.", code="invalid", field="rating")
    return {"score": score, "comment": comment.strip()}


def check_proposal(facts) -> dict:
    """The facts of a suggested system in one form (the same facts always read the same), or
    a DomainError naming the field that is wrong."""
    if not isinstance(facts, dict):
        raise DomainError("The facts are an object of fields.", code="invalid", field="facts")
    unknown = sorted(set(facts) - set(PROPOSAL_FIELDS))
    if unknown:
        raise DomainError(f"A suggested system has no field {', '.join(unknown)}.", code="invalid", field=unknown[0])
    areas = facts.get("service_areas")
    if not isinstance(areas, list) or not areas or not all(isinstance(area, str) and area.strip() for area in areas):
        raise DomainError("Name at least one service area, by its slug.", code="required", field="service_areas")
    hosting = facts.get("hosting") or ""
    if not isinstance(hosting, str):
        raise DomainError("The hosting is text.", code="invalid", field="hosting")
    return {
        "product": _reference(facts.get("product"), "product", required=True),
        "supplier": _reference(facts.get("supplier"), "supplier", required=False),
        "service_areas": list(dict.fromkeys(area.strip() for area in areas)),
        "hosting": hosting.strip(),
        "go_live": _iso_day(facts.get("go_live"), "go_live"),
        "contract": _offered_contract(facts.get("contract")),
        "rating": _offered_rating(facts.get("rating")),
    }


def facts_digest(facts: dict) -> str:
    """SHA-256 of the facts in canonical form: the same facts again give the same digest."""
    return hashlib.sha256(json.dumps(facts, sort_keys=True, separators=(",", ":")).encode()).hexdigest()

"""Pure rules of public notices: what a notice must say to become a contract, when the map
and a notice disagree, what an upload may be, and where a harvest starts and when the
schedule next runs it. No ORM."""

import datetime
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

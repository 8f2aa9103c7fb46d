"""The one range of dates every door accepts, and date arithmetic that never overflows.

A person types a date into a form, a JSON body, a spreadsheet cell or a command-line option;
each door reads it through this module, so all four accept and refuse the same dates:

- `EARLIEST` (1 January 1900) to `LATEST` (31 December 2200), inclusive. Nothing the
  project records (a contract, a system going live, a campaign deadline, a challenge's
  timetable) lies outside; a contract "ending in 9999" is a typing error or a placeholder for
  "no end", and an end date far in the future breaks nothing here but tells the reader
  nothing either. Refused with a sentence naming the range.
- For a date and time, the same range applies to its day.

The forms' `citytools.core.forms.DateField` and `DateTimeField`, the API's `DateIn` and
`DateTimeIn` (every ninja Schema that takes a date), the spreadsheet import's
`citytools.spreadsheets.rules.parse_date` and the commands' `--as-of`/`--deadline` options all
call `check_date`.

Rows written before the range existed (or straight into the database) may still hold any day
Python knows, from 1 January 1 to 31 December 9999. Consumers that move a stored date (a
decision point months before an end, the day after a calendar event) use `add_days` and
`add_months`, which stop at the ends of Python's calendar instead of raising OverflowError,
so such a row shows as it is and can be corrected through any door.
"""

import datetime
import re
from typing import Annotated

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.utils import timezone
from pydantic import AfterValidator, BeforeValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from citytools.core.errors import DomainError

EARLIEST = datetime.date(1900, 1, 1)
LATEST = datetime.date(2200, 12, 31)
RANGE_TEXT = f"between {EARLIEST:%-d %B %Y} and {LATEST:%-d %B %Y}"


class DateOutOfRange(DomainError):
    code = "invalid"


def in_range(day: datetime.date) -> bool:
    if isinstance(day, datetime.datetime):
        day = day.date()
    return EARLIEST <= day <= LATEST


def out_of_range_message(label: str = "The date") -> str:
    return f"{label} must be {RANGE_TEXT}."


def check_date(day, *, label: str = "The date", field: str | None = None):
    """`day` (a date or datetime, or None) unchanged when it lies in the range; otherwise
    DateOutOfRange, a DomainError naming `field`."""
    if day is not None and not in_range(day):
        raise DateOutOfRange(out_of_range_message(label), field=field)
    return day


def parse_iso_date(text: str, *, label: str = "The date", field: str | None = None) -> datetime.date:
    """A date written YYYY-MM-DD (a command-line option), checked against the range."""
    try:
        day = datetime.date.fromisoformat(text.strip())
    except ValueError:
        raise DateOutOfRange(f"{label} must be a date written YYYY-MM-DD, like 2027-03-31, not {text!r}.", field=field) from None
    return check_date(day, label=label, field=field)


# The API's date types ------------------------------------------------------------------


# pydantic's lax mode would read a number as seconds since 1970 (`end_to=0` is 1 January
# 1970) and "20270331" as a timestamp: the API takes a date only as the schema writes it.
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_text(value):
    if isinstance(value, datetime.date):
        return value
    if not isinstance(value, str) or not _ISO_DAY.match(value.strip()):
        raise PydanticCustomError("date_format", "A date must be written YYYY-MM-DD, like 2027-03-31.")
    return value


def _checked(value):
    if not in_range(value):
        raise PydanticCustomError("date_out_of_range", out_of_range_message())
    return value


_RANGE_SCHEMA = {
    # formatMinimum/formatMaximum: the JSON Schema vocabulary for bounds on a formatted
    # string (ajv-formats reads them); the description says the same for people.
    "formatMinimum": EARLIEST.isoformat(),
    "formatMaximum": LATEST.isoformat(),
}

DateIn = Annotated[
    datetime.date,
    BeforeValidator(_iso_text),
    AfterValidator(_checked),
    WithJsonSchema({"type": "string", "format": "date", **_RANGE_SCHEMA,
                    "description": f"A date, YYYY-MM-DD, {RANGE_TEXT}."}),
]
DateTimeIn = Annotated[
    datetime.datetime,
    BeforeValidator(_iso_text),
    AfterValidator(_checked),
    WithJsonSchema({"type": "string", "format": "date-time",
                    "formatMinimum": f"{EARLIEST.isoformat()}T00:00:00Z", "formatMaximum": f"{LATEST.isoformat()}T23:59:59Z",
                    "description": f"A date and time (RFC 3339), on a day {RANGE_TEXT}."}),
]


# Arithmetic that survives any stored day -------------------------------------------------


def add_days(day: datetime.date, days: int) -> datetime.date:
    """`day` moved by `days`, stopping at the first and last days Python's calendar knows."""
    try:
        return day + datetime.timedelta(days=days)
    except OverflowError:
        return datetime.date.max if days > 0 else datetime.date.min


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later (or earlier), or the month's last day when it is shorter
    (31 January + 1 month is 28 or 29 February); stops at the ends of Python's calendar."""
    try:
        return day + relativedelta(months=months)
    except (OverflowError, ValueError):
        return datetime.date.max if months > 0 else datetime.date.min


def today() -> datetime.date:
    """Today in the project's time zone (settings.TIME_ZONE), not the server's."""
    return timezone.localdate()


def ending_soon_window(days: int | None = None) -> tuple[datetime.date, datetime.date]:
    """From today to `days` ahead (settings.CITYTOOLS_ENDING_SOON_DAYS when None): what
    "ending soon" means on every page, export and API answer."""
    start = today()
    if days is None:
        days = settings.CITYTOOLS_ENDING_SOON_DAYS
    return start, start + datetime.timedelta(days=days)

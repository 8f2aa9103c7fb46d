"""The one reading of an amount of money, for every door: forms, the API, spreadsheets and
the command line all pass what a person typed through `parse_money`.

Accepted, as people write amounts: `42000`, `42,000`, `42 000` (thousands grouped by commas
or by spaces, never mixed), `1,234.50`, and a currency before or after the number: a symbol
(`£45,000`, `€1 234.50`, `$5`, `CA$50,000`, `US$5`) or a three-letter code (`CAD 50,000`,
`50000 GBP`). The mark says nothing about the currency of the record: that is its own field.
A number from a spreadsheet cell or a JSON body is taken as it is.

Refused, with a sentence saying what to write instead: anything else (`12k`, `1.234,50`,
`1,23`), a negative amount (`-5`, `(5)`), NaN or infinity, more than two decimals (the
amount is never silently rounded), and amounts at or above the caller's limit.
"""

import re
from decimal import Decimal, InvalidOperation

from citytools.core.errors import DomainError

CENTS = Decimal("0.01")
DEFAULT_LIMIT = Decimal("1e12")

_MARK = r"(?:CA\$|US\$|A\$|[£€$]|(?i:GBP|EUR|USD|CAD)|[A-Z]{3})"
_LEADING = re.compile(rf"^{_MARK}\s*")
_TRAILING = re.compile(rf"\s*{_MARK}$")
_NUMBER = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?: \d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+")
# Spaces a spreadsheet or a word processor may put inside a number.
_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2009": " "})

EXAMPLE = "like 42,000 or £1,234.50"

# What parse_money may accept as text, for the API's schema: a number as _NUMBER reads it,
# with a mark before or after it, or nothing at all. Written for both Python and ECMAScript
# regular expressions (JSON Schema's), so the three-letter code is matched in either case.
PATTERN = (
    r"^\s*(?:(?:CA\$|US\$|A\$|[£€$]|[A-Za-z]{3})\s*)?"
    rf"(?:{_NUMBER.pattern})"
    r"(?:\s*(?:CA\$|US\$|A\$|[£€$]|[A-Za-z]{3}))?\s*$|^\s*$"
)


class MoneyError(DomainError):
    code = "invalid"


def _limit_text(limit: Decimal) -> str:
    return f"{limit:,.0f}"


def parse_money(
    value, *, label: str = "The amount", field: str | None = None, limit: Decimal = DEFAULT_LIMIT
) -> Decimal | None:
    """The amount `value` stands for, with two decimals, or None when it is blank.

    Raises MoneyError (a DomainError naming `field`) with a message that starts with `label`.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise MoneyError(f"{label} must be written as a number, {EXAMPLE}.", field=field)
    if isinstance(value, int | Decimal):
        amount = Decimal(value)
    elif isinstance(value, float):
        amount = Decimal(repr(value))
        if amount.is_finite() and abs(amount) < limit and abs(amount - round(amount, 2)) < Decimal("1e-6"):
            # A spreadsheet's binary arithmetic (0.1 + 0.2); what the cell shows is the cents.
            amount = round(amount, 2)
    else:
        text = str(value).translate(_SPACES).strip()
        if not text:
            return None
        amount = _read(text, label=label, field=field)
    if not amount.is_finite():
        raise MoneyError(f"{label} must be written as a number, {EXAMPLE}.", field=field)
    if amount < 0:
        raise MoneyError(f"{label} cannot be negative.", field=field)
    if amount >= limit:
        raise MoneyError(f"{label} must be less than {_limit_text(limit)}.", field=field)
    if amount != amount.quantize(CENTS):
        raise MoneyError(f"{label} can have at most two decimals (pence or cents).", field=field)
    return amount.quantize(CENTS)


def _read(text: str, *, label: str, field: str | None) -> Decimal:
    bare = _TRAILING.sub("", _LEADING.sub("", text, count=1), count=1).strip()
    if bare.startswith(("-", "(", "\u2212")):
        raise MoneyError(f"{label} cannot be negative.", field=field)
    if not _NUMBER.fullmatch(bare):
        raise MoneyError(f"{label} must be written as a number, {EXAMPLE} (not “{text[:40]}”).", field=field)
    try:
        return Decimal(bare.replace(",", "").replace(" ", ""))
    except InvalidOperation:  # pragma: no cover (the pattern admits only numbers)
        raise MoneyError(f"{label} must be written as a number, {EXAMPLE}.", field=field) from None

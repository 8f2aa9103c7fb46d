"""The one rule for text entering the site, whatever the door: the API's JSON bodies, query
strings, forms, spreadsheet imports and the command line all refuse the same characters.

Refused, because no field has a use for them and they break what stores or shows the text:

- NUL (U+0000): PostgreSQL cannot store it in a text column, so it would be a server error
  there and a silent success on SQLite;
- the other control characters (U+0001 to U+001F and U+007F to U+009F) except tab, line feed
  and carriage return: invisible, they make two equal-looking names differ, and XML (the XLSX
  export) cannot hold them;
- unpaired surrogates (U+D800 to U+DFFF): not characters at all, they cannot be encoded as
  UTF-8, so saving or showing the text would fail. They arrive as `\\ud800` escapes in JSON
  and as undecodable bytes in command-line arguments.

Whole numbers are bounded likewise (`check_whole_number`): both databases store integers in
64 bits, and SQLite raises rather than refuses beyond that.

Text another system wrote (a public notice, a register) is not refused but read as a person
would read it (`readable`), before anything compares or stores it.
"""

import contextlib
import html
import re
import unicodedata

from citytools.core.errors import DomainError

_REFUSED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")

# The range of a signed 64-bit integer, the widest both databases store.
SMALLEST_WHOLE_NUMBER = -(2**63)
LARGEST_WHOLE_NUMBER = 2**63 - 1


# Text decoded as Windows-1252 although it was UTF-8: "CafÃ©", "â€“".
_MOJIBAKE = re.compile("[ÃÂâ][\u0080-\u00bf€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ]")


def readable(value) -> str:
    """Text another system wrote, as a person reads it: HTML escapes undone (even when escaped
    twice, `&amp;amp;`), text decoded in the wrong encoding repaired (`CafÃ©` is `Café`),
    compatibility characters folded (NFKC), the characters refused above dropped, and every run
    of spaces and line breaks made one space. "" for anything that is not text."""
    if not isinstance(value, str):
        return ""
    text = html.unescape(html.unescape(value))
    if _MOJIBAKE.search(text):
        with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
            text = text.encode("cp1252").decode("utf-8")
    text = _REFUSED.sub(" ", unicodedata.normalize("NFKC", text))
    return " ".join(text.split())


class TextRefused(DomainError):
    code = "invalid_text"


class NumberRefused(DomainError):
    code = "out_of_range"


def text_problem(value: str) -> str | None:
    """What is wrong with `value` ("a NUL character", ...), or None when the rule accepts it."""
    match = _REFUSED.search(value)
    if match is None:
        return None
    character = match.group()
    if character == "\x00":
        return "a NUL character"
    if "\ud800" <= character <= "\udfff":
        return f"an unpaired surrogate (U+{ord(character):04X}), which is not a character"
    return f"a control character (U+{ord(character):04X})"


def refusal_message(problem: str, *, field: str | None = None, subject: str = "The text") -> str:
    """The sentence for a refusal: about `field` (quoted) when given, else about `subject`."""
    where = f"“{field}”" if field else subject
    return f"{where} contains {problem}, which no field accepts. Remove it and try again."


def check_text(value: str, *, field: str | None = None) -> str:
    """`value` itself, or TextRefused naming `field` (a field name or a path like systems[0])."""
    problem = text_problem(value)
    if problem:
        raise TextRefused(refusal_message(problem, field=field), field=field)
    return value


def check_whole_number(value: int | float, *, field: str | None = None):
    """`value` itself, or NumberRefused when it lies beyond a 64-bit integer (either way: a
    JSON number such as 1e20 becomes a whole number as soon as a field expects one)."""
    if not SMALLEST_WHOLE_NUMBER <= value <= LARGEST_WHOLE_NUMBER:
        where = f"“{field}”" if field else "A number"
        raise NumberRefused(
            f"{where} is out of range: numbers must lie between {SMALLEST_WHOLE_NUMBER:,} and {LARGEST_WHOLE_NUMBER:,}.",
            field=field,
        )
    return value

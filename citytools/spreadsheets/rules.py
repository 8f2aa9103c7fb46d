"""What a spreadsheet's columns mean and how its cells are read. Pure functions, no ORM.

The columns of each kind are written down once, in COLUMNS: the import template, the
instructions page, header guessing and the export all read them, so an export imports again
unchanged. Cells are read leniently, the way people type them (31/03/2027, £1,234.50, "Yes"),
and each problem is reported against the row the person sees in their spreadsheet.
"""

import datetime
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from citytools.core.dates import RANGE_TEXT, in_range
from citytools.core.errors import DomainError
from citytools.core.money import MoneyError, parse_money
from citytools.core.text import refusal_message, text_problem


@dataclass(frozen=True)
class Column:
    name: str
    label: str
    kind: str  # text, date, amount, bool, choice, list, id, ref, score
    help: str
    aliases: tuple[str, ...] = ()
    required: bool = False  # needed to add a new record
    choices: tuple[tuple[str, str], ...] = ()


SYSTEM_HOSTING = (("on_premises", "On premises"), ("hosted", "Hosted"), ("saas", "Software as a service"))
SYSTEM_STATUS = (("live", "Live"), ("being_replaced", "Being replaced"), ("planned", "Planned"))
CONTRACT_ROUTES = (
    ("open", "Open procedure"), ("restricted", "Restricted procedure"),
    ("competitive", "Competitive flexible or dialogue"), ("framework", "Framework call-off"),
    ("direct_award", "Direct award"), ("extension", "Extension or variation"), ("unknown", "Not known"),
)
CONTRACT_SOURCES = (
    ("organisation", "Reported by the organisation"), ("contracts_finder", "Contracts Finder notice"),
    ("find_a_tender", "Find a Tender notice"), ("transparency", "Spending or contracts register"),
    ("foi", "Freedom of information response"), ("other", "Other"),
)

ID = Column("id", "City Tools id", "id", "The record's number in City Tools, as an export gives it. Leave blank for a new record.",
            ("record id", "citytools id", "city tools id", "ref id"))
ORGANISATION = Column("organisation", "Organisation", "text",
                      "The organisation's City Tools slug, as an export gives it. Optional; when present it must be the organisation you import for.",
                      ("organisation slug", "council", "authority", "organization"))
CONFIDENTIAL = Column("confidential", "Confidential", "bool",
                      "Yes to keep the record to your organisation, your networks' coordinators and admins; blank or No otherwise.",
                      ("confidential?", "private", "restricted"))

COLUMNS: dict[str, tuple[Column, ...]] = {
    "systems": (
        ID,
        ORGANISATION,
        Column("product", "Product", "ref", "The product's name or its City Tools slug, as on its page under Products.",
               ("product name", "system", "system name", "software", "application"), required=True),
        Column("service_areas", "Service areas", "list",
               "One or more service areas (not groups), by name or slug, separated by semicolons.",
               ("service area", "area", "areas", "service", "function"), required=True),
        Column("supplier", "Supplier", "ref",
               "Who sells or runs it, when that is not the manufacturer: a supplier's name or slug. Blank for the manufacturer.",
               ("reseller", "supplier name", "vendor", "provider")),
        Column("hosting", "Hosting", "choice", "How it is hosted.", ("hosted", "hosting model", "deployment"),
               choices=SYSTEM_HOSTING),
        Column("status", "Status", "choice", "Live, being replaced or planned; blank means live.", ("system status", "state"),
               choices=SYSTEM_STATUS),
        Column("go_live", "Live since", "date", "When it went live.", ("go live", "go-live", "go live date", "live date", "installed")),
        Column("notes", "Notes", "text", "Comments for members of your networks.", ("note", "comments", "comment")),
        CONFIDENTIAL,
    ),
    "contracts": (
        ID,
        ORGANISATION,
        Column("reference", "Reference", "text",
               "Your contract or notice reference. Unique within your organisation; a row with a known reference changes that contract.",
               ("contract reference", "contract ref", "ref", "contract number", "contract no", "notice reference")),
        Column("title", "Title", "text", "What the contract is for.", ("contract", "contract title", "name", "description", "contract name"),
               required=True),
        Column("supplier", "Supplier", "ref", "The supplier's name or its City Tools slug.", ("supplier name", "vendor", "contractor", "provider"),
               required=True),
        Column("systems", "Systems", "list",
               "The systems it pays for: your systems' products (name or slug) or City Tools system ids, separated by semicolons.",
               ("system", "products", "product")),
        Column("total_value", "Total value", "amount", "The whole contract's value, e.g. 1,234,500.00.",
               ("total", "total contract value", "contract value", "value", "whole life value", "tcv")),
        Column("annual_value", "Annual value", "amount", "What it costs a year.", ("annual", "yearly value", "annual cost", "value per year", "acv")),
        Column("currency", "Currency", "text", "ISO 4217 code such as GBP; blank means GBP.", ("ccy",)),
        Column("start_date", "Start date", "date", "When it started.", ("start", "starts", "contract start", "commencement date"), required=True),
        Column("end_date", "End date", "date", "When it ends, without extensions.", ("end", "ends", "expiry", "expiry date", "contract end"),
               required=True),
        Column("extension_end_date", "Extension end date", "date", "The latest end date if every extension option is taken.",
               ("extension", "extension end", "max end date", "end date with extensions", "extended end date")),
        Column("route", "Procurement route", "choice", "How it was procured; blank means not known.", ("route", "procurement", "procedure"),
               choices=CONTRACT_ROUTES),
        Column("framework", "Framework", "text", "The framework's name, if it was called off one.", ("framework name",)),
        Column("source", "Source", "choice", "Where the information comes from; blank means your organisation.", ("data source",),
               choices=CONTRACT_SOURCES),
        Column("source_url", "Source address", "text", "The source document's web address, starting https://.",
               ("source url", "url", "link", "notice url")),
        CONFIDENTIAL,
    ),
    # A network's survey (citytools.registers.surveys): one row per organisation and system,
    # the organisation named by GSS code, register code or name, and what a survey asks of it.
    "survey": (
        Column("organisation", "Organisation", "text",
               "The organisation: its GSS code (E09000007), register code (CMD) or name (\"LB Camden\").",
               ("organisation name", "council", "council name", "authority", "local authority", "borough", "organization",
                "gss code", "body", "library service"), required=True),
        Column("service_areas", "Service areas", "list",
               "One or more service areas (not groups), by name or slug, separated by semicolons.",
               ("service area", "area", "areas", "service", "function"), required=True),
        Column("product", "Product", "text", "The product's name; a product the catalogue lacks is added once, with its manufacturer.",
               ("product name", "system", "system name", "software", "application"), required=True),
        Column("supplier", "Supplier", "text", "Who sells or runs it, when that is not the manufacturer.",
               ("supplier name", "vendor", "reseller", "provider")),
        Column("manufacturer", "Manufacturer", "text", "Who makes the product; needed for a product the catalogue lacks, unless the supplier makes it.",
               ("maker", "developer", "manufacturer name", "product supplier")),
        Column("hosting", "Hosting", "choice", "How it is hosted.", ("hosted", "hosting model", "deployment"),
               choices=SYSTEM_HOSTING),
        Column("go_live", "Live since", "date", "When it went live.", ("go live", "go-live", "go live date", "live date", "installed")),
        Column("contract_title", "Contract title", "text", "The contract's title, if the survey asked for it.",
               ("contract", "contract name")),
        Column("contract_supplier", "Contract supplier", "text", "Who the contract is with, when the supplier column is blank.",
               ("contractor",)),
        Column("contract_value", "Contract value", "amount", "The whole contract's value, e.g. 1,234,500.00.",
               ("value", "total value", "total contract value", "contract total value")),
        Column("contract_start", "Contract start", "date", "When the contract started.",
               ("start", "start date", "contract start date", "commencement date")),
        Column("contract_end", "Contract end", "date", "When the contract ends, without extensions.",
               ("end", "end date", "contract end date", "expiry", "expiry date")),
        Column("contract_extension_end", "Extension end date", "date", "The latest end date if every extension option is taken.",
               ("extension end", "extension", "extended end date", "end date with extensions")),
        Column("satisfaction", "Satisfaction", "score", "How satisfied the organisation is, a whole number from 1 to 5.",
               ("satisfaction score", "score", "rating", "satisfaction 1 5", "overall satisfaction")),
        Column("comment", "Comment", "text", "What the organisation said about it; seen by members only.",
               ("satisfaction comment", "comments", "rating comment", "why")),
    ),
}


def columns(kind: str) -> tuple[Column, ...]:
    if kind not in COLUMNS:
        raise DomainError("Choose systems or contracts.", code="invalid", field="kind")
    return COLUMNS[kind]


def column(kind: str, name: str) -> Column:
    return next(c for c in columns(kind) if c.name == name)


# Headers ---------------------------------------------------------------------------------

# How many rows from the top may hold titles before the real header row.
HEADER_SEARCH_ROWS = 10


def normalise(text) -> str:
    """Header text as compared: lower case, accents and punctuation gone, spaces single."""
    text = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9?]+", " ", text.lower().replace("_", " ")).strip()


def _singular(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us")):
        return word[:-1]
    return word


def header_key(text) -> str:
    """A header as it is matched to a column: normalised, without a question mark, "(s)" or
    plural endings, so "Service area(s)", "Service Areas", "service_area" and "SERVICE AREA?"
    all name the same column."""
    text = re.sub(r"\(\s*(?:s|es)\s*\)", "", str(text or ""), flags=re.IGNORECASE)
    return " ".join(_singular(word) for word in normalise(text).replace("?", " ").split())


def guess_field(kind: str, header) -> str:
    """The field a header names, from its name, label or aliases; "" when unknown."""
    wanted = header_key(header)
    if not wanted:
        return ""
    for col in columns(kind):
        if wanted in {header_key(name) for name in (col.name, col.label, *col.aliases)}:
            return col.name
    return ""


def is_blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def find_header(kind: str, rows: list[list]) -> tuple[int, list[str]]:
    """The index of the header row among the first rows, and each column's header text.

    A title row, or the top half of a two-row header, sits above the real header: the header
    is the row naming the most known columns. Where a cell above names a group of columns
    ("Annual" and "Total" over "Value", or one heading merged across several), the two
    are read together when that names a field ("Annual Value")."""
    best, best_score = None, 0
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        score = len({guess_field(kind, cell) for cell in row} - {""})
        if score > best_score:
            best, best_score = index, score
    if best is None:
        best = next((i for i, row in enumerate(rows) if any(not is_blank(c) for c in row)), None)
        if best is None:
            raise DomainError("The file has no rows.", code="empty")
    header = ["" if is_blank(c) else str(c).strip() for c in rows[best]]
    if best > 0:
        above, carried = rows[best - 1], ""
        for position, text in enumerate(header):
            cell = above[position] if position < len(above) else None
            carried = str(cell).strip() if not is_blank(cell) else carried
            combined = f"{carried} {text}".strip()
            # The combined name wins where it means something: "Annual" over "Value".
            if carried and text and guess_field(kind, combined):
                header[position] = combined
    return best, header


def guess_mapping(kind: str, header: list[str], remembered: dict[str, str] | None = None) -> list[str]:
    """The field of each column: the organisation's remembered choice for that header first,
    then a guess from the name. A field is given to one column only."""
    known = {c.name for c in columns(kind)}
    taken: set[str] = set()
    mapping = []
    for text in header:
        choice = (remembered or {}).get(normalise(text))
        if choice is None or (choice and choice not in known):
            choice = guess_field(kind, text)
        if choice in taken:
            choice = ""
        taken.add(choice)
        mapping.append(choice)
    return mapping


def check_mapping(kind: str, mapping: list[str], width: int) -> list[str]:
    known = {c.name for c in columns(kind)}
    mapping = (list(mapping) + [""] * width)[:width]
    chosen = [m for m in mapping if m]
    unknown = sorted(set(chosen) - known)
    if unknown:
        raise DomainError(f"There is no field called {unknown[0]}.", code="invalid", field="mapping")
    twice = sorted({m for m in chosen if chosen.count(m) > 1})
    if twice:
        raise DomainError(f"Two columns are both set to {column(kind, twice[0]).label}: choose one.", code="invalid", field="mapping")
    return mapping


# Cells -----------------------------------------------------------------------------------

# Excel counts days from 30 December 1899 (its 1900 leap-year bug included).
EXCEL_EPOCH = datetime.date(1899, 12, 30)
# Day first, as UK spreadsheets write it; Excel's "d-mmm-yy" display (31-Mar-27) saved to CSV;
# ISO without leading zeros (2024-4-1).
DATE_FORMATS = (
    "%d/%m/%Y", "%d/%m/%y", "%d-%m-%Y", "%d.%m.%Y", "%d %B %Y", "%d %b %Y", "%d-%b-%y", "%d-%b-%Y", "%d %b %y",
    "%d-%B-%Y", "%Y/%m/%d", "%Y-%m-%d",
)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class CellError(ValueError):
    """A cell that cannot be read; the message says what to type instead."""


def text_of(value) -> str:
    """A cell as text, without the apostrophe an export puts before a formula-like value."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        value = value.date()
    text = str(value).strip()
    if len(text) > 1 and text[0] == "'" and text[1] in (*FORMULA_START, "'"):
        text = text[1:]
    return text


def record_count(table: list[list], header_index: int) -> int:
    """The rows below the header with anything in them."""
    return sum(1 for row in table[header_index + 1:] if any(not is_blank(cell) for cell in row))


def parse_date(value) -> datetime.date | None:
    """A cell's date, or None when it is blank; raises CellError for anything that is not a
    date, and for a date outside the range every door accepts (citytools.core.dates)."""
    day = _read_date(value)
    if day is not None and not in_range(day):
        raise CellError(f"{day.isoformat()} is too far in the past or future: write a date {RANGE_TEXT}.")
    return day


def _read_date(value) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _serial(value)
    text = text_of(value)
    if not text:
        return None
    if re.fullmatch(r"\d{5}(?:\.0+)?", text):
        return _serial(float(text))
    text = text.split("T")[0].split(" 00:00")[0]
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        pass
    for pattern in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise CellError(f"{text!r} is not a date: write it as 31/03/2027 or 2027-03-31.")


def _serial(number: float) -> datetime.date:
    # 1 (1900) to 2958465 (9999) are Excel's dates; parse_date then refuses those outside
    # the accepted range with a sentence naming it.
    if not 1 <= number <= 2958465:
        raise CellError(f"{number:g} is not a date: write it as 31/03/2027 or 2027-03-31.")
    return EXCEL_EPOCH + datetime.timedelta(days=int(number))


def parse_amount(value) -> Decimal | None:
    """An amount, read by the one money parser every door uses (citytools.core.money)."""
    if not isinstance(value, (int, float, Decimal)) or isinstance(value, bool):
        value = text_of(value)
    try:
        return parse_money(value, label="The amount")
    except MoneyError as error:
        raise CellError(error.message) from None


TRUE = {"yes", "y", "true", "1", "confidential", "x"}
FALSE = {"no", "n", "false", "0", ""}


def parse_bool(value) -> bool:
    text = text_of(value).lower()
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise CellError(f"{text_of(value)!r}: write Yes or No.")


def parse_choice(value, choices: tuple[tuple[str, str], ...]) -> str:
    text = text_of(value)
    if not text:
        return ""
    wanted = normalise(text)
    for code, label in choices:
        if wanted in (normalise(code), normalise(label)):
            return code
    accepted = "; ".join(label for _, label in choices)
    raise CellError(f"{text!r} is not one of: {accepted}.")


def parse_list(value) -> list[str]:
    text = text_of(value)
    return [part.strip() for part in re.split(r"[;\n]", text) if part.strip()]


def parse_score(value) -> int | None:
    """A satisfaction score from 1 to 5, or None when blank ("4", 4.0 and "4/5" read as 4)."""
    text = text_of(value)
    if not text:
        return None
    number = re.fullmatch(r"([1-5])(?:\.0+)?(?:\s*/\s*5)?", text)
    if number is None:
        raise CellError(f"{text!r} is not a score: write a whole number from 1 to 5.")
    return int(number.group(1))


def parse_cell(col: Column, value):
    """A cell's value for its column's field; raises CellError."""
    if isinstance(value, str) and (problem := text_problem(value)):
        raise CellError(refusal_message(problem, subject="The cell"))
    if col.kind == "date":
        return parse_date(value)
    if col.kind == "amount":
        return parse_amount(value)
    if col.kind == "bool":
        return parse_bool(value)
    if col.kind == "choice":
        return parse_choice(value, col.choices)
    if col.kind == "list":
        return parse_list(value)
    if col.kind == "score":
        return parse_score(value)
    if col.kind == "id":
        text = text_of(value)
        if not text:
            return None
        if not text.isdigit():
            raise CellError(f"{text!r} is not a City Tools id: leave it blank for a new record.")
        return int(text)
    return text_of(value)


# Rows -------------------------------------------------------------------------------------


@dataclass
class Row:
    """One data row as read: its row number in the spreadsheet and each mapped field's value."""

    number: int
    cells: dict[str, object]  # field → raw cell
    values: dict[str, object] = field(default_factory=dict)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (field or "", message)
    duplicate_of: int | None = None

    def key(self) -> tuple:
        """What makes two rows the same row: every mapped cell as text."""
        return tuple(sorted((name, text_of(value)) for name, value in self.cells.items()))


def read_rows(kind: str, table: list[list], header_index: int, mapping: list[str]) -> list[Row]:
    """The data rows below the header, each with its cells parsed for the mapped fields.
    Blank rows (trailing or in between) are left out; identical rows after the first are
    marked as duplicates of it."""
    cols = {c.name: c for c in columns(kind)}
    rows: list[Row] = []
    seen: dict[tuple, int] = {}
    for index in range(header_index + 1, len(table)):
        raw = table[index]
        cells = {name: raw[position] if position < len(raw) else None for position, name in enumerate(mapping) if name}
        if all(is_blank(v) for v in raw):
            continue
        row = Row(number=index + 1, cells=cells)
        if all(is_blank(v) for v in cells.values()):
            continue
        for name, value in cells.items():
            try:
                row.values[name] = parse_cell(cols[name], value)
            except CellError as error:
                row.errors.append((name, str(error)))
        first = seen.setdefault(row.key(), row.number)
        if first != row.number:
            row.duplicate_of = first
        rows.append(row)
    return rows


def guard_formula(text: str) -> str:
    """A value a spreadsheet program would run as a formula, made plain text."""
    # A leading apostrophe is guarded too, so that reading back removes exactly one.
    return "'" + text if text.startswith((*FORMULA_START, "'")) else text

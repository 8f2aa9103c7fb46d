"""Files in and out: a CSV or XLSX file's bytes to a table of cells, and a table to CSV, XLSX
or JSON bytes. No ORM; every refusal is a DomainError whose message says what to do.

Reading checks the file before trusting it: its size, what its first bytes say it is, and for
XLSX the zip's uncompressed size before openpyxl opens it, so a small file that unpacks to
gigabytes is refused unread. Writing guards every text cell against formula injection and
gives the same bytes for the same table (fixed timestamps inside the XLSX), so an export can
be compared with the next one.
"""

import csv
import datetime
import io
import re
import zipfile
from decimal import Decimal

import filetype
import orjson

from citytools.core.errors import DomainError
from citytools.spreadsheets.rules import guard_formula

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "xlsx": XLSX_TYPE, "json": "application/json"}
FORMATS = tuple(CONTENT_TYPES)
FIXED_TIME = datetime.datetime(2000, 1, 1)


class FileRefused(DomainError):
    code = "unreadable_file"


def file_format(filename: str, content: bytes) -> str:
    """csv or xlsx, from what the bytes are, checked against the name."""
    name = (filename or "").lower()
    if not content:
        raise FileRefused("The file is empty. Choose a CSV or XLSX file with a header row and at least one record.")
    if content[:4] == b"PK\x03\x04":
        if name.endswith(".csv"):
            raise FileRefused("This file is not a CSV file: it looks like a zip or Excel file. Save it as CSV, or upload it as .xlsx.")
        return "xlsx"
    kind = filetype.guess(content[:8192])
    if kind is not None:
        raise FileRefused(
            f"This file is not a spreadsheet: it looks like a {kind.extension.upper()} file. Upload the CSV or XLSX file itself."
        )
    if name.endswith((".xlsx", ".xlsm")):
        raise FileRefused("This file is not a working XLSX file: it may be damaged or cut short. Save it again from your spreadsheet program.")
    if name.endswith(".xls"):
        raise FileRefused("Old Excel files (.xls) cannot be read: save it as .xlsx or CSV.")
    return "csv"


def size_text(size: int) -> str:
    """A file's size as people read it: 812 bytes, 40 KB, 1 MB, 52.4 MB."""
    for unit, scale in (("MB", 1024 * 1024), ("KB", 1024)):
        if size >= scale:
            return f"{size / scale:,.1f}".removesuffix(".0") + f" {unit}"
    return f"{size:,} bytes"


def too_large_message(size: int, max_bytes: int) -> str:
    """The refusal of a file over the limit, from its real size (not from the part read)."""
    return f"The file is {size_text(size)}; the largest accepted is {size_text(max_bytes)}. Split it into smaller files."


def read_table(filename: str, content: bytes, *, max_bytes: int, max_rows: int, max_unzipped_bytes: int) -> list[list]:
    """The first sheet's cells, row by row. Raises FileRefused for anything unreadable."""
    if len(content) > max_bytes:
        raise FileRefused(too_large_message(len(content), max_bytes))
    fmt = file_format(filename, content)
    table = _read_xlsx(content, max_unzipped_bytes=max_unzipped_bytes, max_rows=max_rows) if fmt == "xlsx" else _read_csv(content, max_rows)
    while table and all(_blank(c) for c in table[-1]):
        table.pop()
    if not table:
        raise FileRefused("The file is empty. Choose a CSV or XLSX file with a header row and at least one record.")
    # A few rows of slack for titles above the header; records are counted exactly once the
    # header is found (citytools.spreadsheets.services.start_import).
    if len(table) > max_rows + 10:
        raise FileRefused(f"The file has more than {max_rows:,} records. Split it into smaller files.")
    return table


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def decode(content: bytes) -> str:
    """UTF-8 (with or without its byte-order mark), else Windows-1252, as Excel saves CSV."""
    if b"\x00" in content:
        raise FileRefused("This file is not a CSV file: it holds binary data. Upload a CSV or XLSX file.")
    if content.startswith(b"\xef\xbb\xbf"):
        content = content[3:]
    try:
        return content.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return content.decode("cp1252")
    except UnicodeDecodeError:
        raise FileRefused("The file's text could not be read: save it as CSV (UTF-8) and try again.") from None


def _read_csv(content: bytes, max_rows: int) -> list[list]:
    text = decode(content)
    # The separator used most in the first lines: commas, or semicolons or tabs as some
    # regional settings save CSV.
    head = "\n".join(text.splitlines()[:10])
    delimiter = max(",;\t", key=lambda mark: (head.count(mark), mark == ","))
    rows = []
    try:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True):
            rows.append(row)
            if len(rows) > max_rows + 10:
                break
    except csv.Error as error:
        raise FileRefused(
            f"The CSV file could not be read at line {len(rows) + 1} ({error}). A quotation mark may be missing, or the file cut short."
        ) from None
    return rows


def _read_xlsx(content: bytes, *, max_unzipped_bytes: int, max_rows: int) -> list[list]:
    # openpyxl is imported here, not at the top, on purpose: it is heavy to load, and only
    # the requests that read or write a workbook need it. No import cycle is involved.
    import openpyxl

    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            infos = archive.infolist()
            unpacked = sum(info.file_size for info in infos)
            names = {info.filename for info in infos}
    except (zipfile.BadZipFile, EOFError, ValueError):
        raise FileRefused("This XLSX file could not be opened: it may be damaged or cut short. Save it again from your spreadsheet program.") from None
    if unpacked > max_unzipped_bytes or len(infos) > 10_000:
        raise FileRefused(f"This XLSX file unpacks to more than {max_unzipped_bytes:,} bytes. Save it as CSV, or split it.")
    if "xl/workbook.xml" not in names:
        raise FileRefused("This zip file is not an XLSX spreadsheet. Upload a CSV or XLSX file.")
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        sheet = workbook.worksheets[0]
        # Read every row there is, not the size the file claims: some programs write a wrong
        # <dimension>, and read-only openpyxl would otherwise drop the rows beyond it.
        sheet.reset_dimensions()
        rows = []
        for row in sheet.iter_rows(values_only=True):
            rows.append(list(row))
            if len(rows) > max_rows + 10:
                break
        workbook.close()
    except Exception:  # openpyxl raises many kinds for a damaged file; all mean the same here
        raise FileRefused("This XLSX file could not be read: it may be damaged. Save it again from your spreadsheet program.") from None
    return rows


# Writing ----------------------------------------------------------------------------------


def _csv_cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return guard_formula(str(value))


def write_csv(header: list[str], rows: list[list]) -> bytes:
    """UTF-8 with a byte-order mark, which Excel needs to read accented names right."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([_csv_cell(v) for v in row] for row in rows)
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")


def write_xlsx(header: list[str], rows: list[list], *, sheet_title: str, notes: list[tuple[str, str]] | None = None) -> bytes:
    """One sheet of records (text written as text, never as a formula), and with `notes` a
    second sheet explaining each column."""
    # Imported here for the same reason as in _read_xlsx: openpyxl is heavy to load.
    import openpyxl
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    # Write-only: rows are streamed to the file as they come, not kept as cells in memory
    # (a hundred thousand contracts took most of a minute the other way).
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(sheet_title)
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)

    def cell(value):
        if value is None:
            return None
        if isinstance(value, bool):
            return "yes" if value else "no"
        written = WriteOnlyCell(sheet)
        if isinstance(value, datetime.date):
            written.value = value
            written.number_format = "yyyy-mm-dd"
        elif isinstance(value, Decimal):
            written.value = float(value)
            written.number_format = "#,##0.00"
        else:
            # Text is written as text, never run as a formula, and guarded as in CSV so
            # that a copy pasted elsewhere stays inert and both formats read back alike.
            written.value = guard_formula(str(value))
            written.data_type = "s"
        return written

    heading = []
    for name in header:
        heading.append(WriteOnlyCell(sheet, value=name))
        heading[-1].font = bold
    sheet.append(heading)
    for row in rows:
        sheet.append([cell(value) for value in row])
    if notes:
        help_sheet = workbook.create_sheet("Instructions")
        help_sheet.append(["Column", "What to write"])
        for name, text in notes:
            help_sheet.append([name, text])
    workbook.properties.created = FIXED_TIME
    workbook.properties.modified = FIXED_TIME
    workbook.properties.creator = "City Tools"
    raw = io.BytesIO()
    workbook.save(raw)
    return _fixed_zip(raw.getvalue())


def _fixed_zip(content: bytes) -> bytes:
    """The same archive with every entry's timestamp fixed, so equal tables give equal bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = _fixed_core(data)
            fixed = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, data)
    return out.getvalue()


def _fixed_core(data: bytes) -> bytes:
    return re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)", rb"\g<1>2000-01-01T00:00:00Z\g<2>", data)


def _json_value(value):
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return value


def write_json(kind: str, header: list[str], rows: list[list]) -> bytes:
    records = [{name: _json_value(value) for name, value in zip(header, row)} for row in rows]
    return orjson.dumps({"kind": kind, "columns": header, "records": records}, option=orjson.OPT_INDENT_2)

"""Reading cells and headers (citytools.spreadsheets.rules), table-driven, no database."""

import datetime
from decimal import Decimal

import pytest

from citytools.spreadsheets import rules, sheets
from citytools.spreadsheets.rules import CellError


@pytest.mark.parametrize("cell,expected", [
    ("31/03/2027", datetime.date(2027, 3, 31)),
    ("2027-03-31", datetime.date(2027, 3, 31)),
    ("1/4/24", datetime.date(2024, 4, 1)),
    ("31 March 2027", datetime.date(2027, 3, 31)),
    ("31.03.2027", datetime.date(2027, 3, 31)),
    ("2027-03-31T00:00:00", datetime.date(2027, 3, 31)),
    ("31-Mar-27", datetime.date(2027, 3, 31)),  # Excel's d-mmm-yy, saved to CSV as shown
    ("31-Mar-2027", datetime.date(2027, 3, 31)),
    ("2024-4-1", datetime.date(2024, 4, 1)),
    (46477, datetime.date(2027, 3, 31)),
    (46477.0, datetime.date(2027, 3, 31)),
    ("46477", datetime.date(2027, 3, 31)),
    (datetime.datetime(2027, 3, 31, 0, 0), datetime.date(2027, 3, 31)),
    ("", None),
    (None, None),
])
def test_dates(cell, expected):
    assert rules.parse_date(cell) == expected


@pytest.mark.parametrize("cell", ["31/12/9999", "9999-12-31", datetime.date(1899, 12, 31), 2958465, "01/01/2201"])
def test_dates_outside_the_one_range_are_refused_saying_the_range(cell):
    with pytest.raises(CellError, match="write a date between 1 January 1900 and 31 December 2200"):
        rules.parse_date(cell)


@pytest.mark.parametrize("cell", ["31/13/2027", "next spring", "2027-02-30", -5])
def test_bad_dates_say_how_to_write_one(cell):
    with pytest.raises(CellError, match="31/03/2027"):
        rules.parse_date(cell)


@pytest.mark.parametrize("cell,expected", [
    ("£1,234.50", Decimal("1234.50")),
    ("1,234", Decimal("1234.00")),
    ("GBP 1,234", Decimal("1234.00")),
    ("€1,234,567.8", Decimal("1234567.80")),
    ("1234.5 GBP", Decimal("1234.50")),
    ("$ 99", Decimal("99.00")),
    ("\u00a31\u00a0000", Decimal("1000.00")),  # a no-break space between thousands, as some locales save it
    ("1 234 567.50", Decimal("1234567.50")),
    ("1 23 4", None),
    (1234.5, Decimal("1234.50")),
    (1234, Decimal("1234.00")),
    ("", None),
])
def test_amounts(cell, expected):
    if expected is None and cell:
        with pytest.raises(CellError):
            rules.parse_amount(cell)
    else:
        assert rules.parse_amount(cell) == expected


@pytest.mark.parametrize("cell", ["-5", "(1,000)", "12,34", "lots"])
def test_bad_amounts(cell):
    with pytest.raises(CellError):
        rules.parse_amount(cell)


@pytest.mark.parametrize("cell,expected", [("Yes", True), ("y", True), ("TRUE", True), ("1", True), ("no", False), ("", False), (None, False)])
def test_yes_or_no(cell, expected):
    assert rules.parse_bool(cell) is expected


@pytest.mark.parametrize("cell,expected", [("saas", "saas"), ("Software as a service", "saas"), ("ON PREMISES", "on_premises"), ("", "")])
def test_choices_by_code_or_label(cell, expected):
    assert rules.parse_choice(cell, rules.SYSTEM_HOSTING) == expected


@pytest.mark.parametrize("header,kind,field", [
    ("Contract Ref", "contracts", "reference"),
    ("END_DATE", "contracts", "end_date"),
    ("Expiry date", "contracts", "end_date"),
    ("Vendor", "contracts", "supplier"),
    # Issue 13, item 18: case, punctuation, "(s)" and plurals do not matter.
    ("Service area(s)", "systems", "service_areas"),
    ("SERVICE AREA(S)", "systems", "service_areas"),
    ("Service areas", "systems", "service_areas"),
    ("service_area", "systems", "service_areas"),
    ("Service Area", "systems", "service_areas"),
    ("Supplier(s)", "contracts", "supplier"),
    ("System(s)", "contracts", "systems"),
    ("Start dates", "contracts", "start_date"),
    ("Total value (£)", "contracts", "total_value"),
    ("Status", "systems", "status"),
    ("Confidential?", "systems", "confidential"),
    ("Colour", "systems", ""),
    ("Service", "contracts", ""),
])
def test_headers_are_guessed_from_names_and_aliases(header, kind, field):
    assert rules.guess_field(kind, header) == field


@pytest.mark.parametrize("kind", sorted(rules.COLUMNS))
def test_no_header_names_two_columns_once_plurals_and_punctuation_are_ignored(kind):
    owner: dict[str, str] = {}
    for col in rules.columns(kind):
        for name in (col.name, col.label, *col.aliases):
            key = rules.header_key(name)
            assert owner.setdefault(key, col.name) == col.name, f"{name!r} names both {owner[key]} and {col.name}"


@pytest.mark.parametrize("rows,index,header", [
    ([["reference", "title"], ["A", "B"]], 0, ["reference", "title"]),
    ([["Register of contracts"], [], ["Reference", "Title", "End date"]], 2, ["Reference", "Title", "End date"]),
    ([["", "Annual", "Total", "Dates", None], ["Title", "Value", "Value", "Start", "End"]], 1,
     ["Title", "Annual Value", "Total Value", "Start", "End"]),
])
def test_the_header_row_is_found_below_titles_and_group_headings(rows, index, header):
    found, names = rules.find_header("contracts", rows)
    assert (found, names) == (index, header)
    assert all(rules.guess_field("contracts", name) for name in names)
    assert len({rules.guess_field("contracts", name) for name in names}) == len(names)


def test_remembered_choices_come_before_guesses_and_a_field_is_used_once():
    header = ["Ref", "Ref", "Odd"]
    assert rules.guess_mapping("contracts", header, {"odd": "framework"}) == ["reference", "", "framework"]


def test_identical_rows_are_duplicates_of_the_first():
    table = [["reference", "title"], ["A", "x"], ["B", "y"], [" A ", "x"], [None, None]]
    rows = rules.read_rows("contracts", table, 0, ["reference", "title"])
    assert [(r.number, r.duplicate_of) for r in rows] == [(2, None), (3, None), (4, 2)]


@pytest.mark.parametrize("value,expected", [("=1+1", "'=1+1"), ("'quoted", "''quoted"), ("'=x", "''=x"), ("+44 20", "'+44 20"), ("-x", "'-x"), ("@SUM(A1)", "'@SUM(A1)"), ("Plain", "Plain")])
def test_formula_like_text_is_guarded_and_read_back(value, expected):
    assert rules.guard_formula(value) == expected
    assert rules.text_of(rules.guard_formula(value)) == value


@pytest.mark.parametrize("content,encoding", [
    ("Café,£5".encode(), "utf-8"),
    (b"\xef\xbb\xbf" + "Café,£5".encode(), "bom"),
    ("Café,£5".encode("cp1252"), "cp1252"),
])
def test_encodings(content, encoding):
    assert sheets.decode(content) == "Café,£5"


def test_the_same_table_gives_the_same_xlsx_bytes():
    rows = [[1, "=HYPERLINK()", datetime.date(2027, 3, 31), Decimal("1.50"), True]]
    first = sheets.write_xlsx(["a", "b", "c", "d", "e"], rows, sheet_title="S")
    assert first == sheets.write_xlsx(["a", "b", "c", "d", "e"], rows, sheet_title="S")
    table = sheets.read_table("x.xlsx", first, max_bytes=10**6, max_rows=10, max_unzipped_bytes=10**7)
    assert table[1][1] == "'=HYPERLINK()"  # stored as guarded text, not as a formula
    assert rules.text_of(table[1][1]) == "=HYPERLINK()"

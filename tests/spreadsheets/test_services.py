"""Import through citytools.spreadsheets.services: preview, mapping, commit, idempotence,
stale previews, all-or-nothing, messy files and malformed ones."""

import datetime
import io
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from citytools.contracts.models import Contract
from citytools.core.errors import Conflict, DomainError, Forbidden
from citytools.inventory.models import System
from citytools.spreadsheets import services
from citytools.spreadsheets.models import ColumnMapping, Upload
from tests.spreadsheets.world import checksum


def start(world, text, kind="contracts", filename="file.csv", actor=None, encoding="utf-8"):
    content = text.encode(encoding) if isinstance(text, str) else text
    return services.start_import(organisation=world.own, kind=kind, filename=filename, content=content, actor=actor or world.editor)


def preview_of(world, upload):
    return services.preview_import(upload, actor=world.editor)


def xlsx(rows, *, merge=None, title=None) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    for cells in merge or []:
        sheet.merge_cells(cells)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


CONTRACT_HEADER = "reference,title,supplier,systems,annual_value,total_value,start_date,end_date\n"


# Preview and commit -----------------------------------------------------------------------


def test_a_new_contract_is_previewed_then_imported(world):
    upload = start(world, CONTRACT_HEADER + "CON-002,Waste,Civic Forge,Ledger,\"£1,234.50\",\"GBP 10,000\",01/04/2025,31/03/2028\n")
    preview = preview_of(world, upload)
    assert [(r.number, r.action) for r in preview.rows] == [(2, "new")]
    assert not Contract.objects.filter(reference="CON-002").exists()
    result = services.commit_import(upload, actor=world.editor)
    assert result.created == 1
    contract = Contract.objects.get(reference="CON-002")
    assert contract.annual_value == Decimal("1234.50") and contract.total_value == Decimal("10000.00")
    assert contract.start_date == datetime.date(2025, 4, 1) and contract.end_date == datetime.date(2028, 3, 31)
    assert list(contract.systems.all()) == [world.system]
    assert contract.history.count() == 1


def test_a_changed_row_shows_old_and_new_and_changes_only_what_the_file_has(world):
    upload = start(world, "reference,annual_value\nCON-001,120000\n")
    [row] = preview_of(world, upload).rows
    assert row.action == "changed" and row.record_id == world.contract.pk
    assert [(c.label, c.old, c.new) for c in row.changes] == [("Annual value", "100000.00", "120000.00")]
    services.commit_import(upload, actor=world.editor)
    world.contract.refresh_from_db()
    assert world.contract.annual_value == Decimal("120000.00")
    assert world.contract.total_value == Decimal("300000.00")  # not in the file: left alone
    assert world.contract.version == 2


def test_a_blank_cell_clears_an_optional_field(world):
    upload = start(world, "reference,annual_value\nCON-001,\n")
    services.commit_import(upload, actor=world.editor)
    world.contract.refresh_from_db()
    assert world.contract.annual_value is None


def test_an_unchanged_row_does_not_touch_the_record(world):
    upload = start(world, f"id,reference,title,annual_value\n{world.contract.pk},CON-001,Housing system,\"100,000.00\"\n")
    assert [r.action for r in preview_of(world, upload).rows] == ["unchanged"]
    before = checksum()
    services.commit_import(upload, actor=world.editor)
    world.contract.refresh_from_db()
    assert world.contract.version == 1
    after = checksum()
    assert before != after  # only the upload's own row changed
    assert Contract.history.filter(id=world.contract.pk).count() == 1


def test_reimporting_the_same_file_changes_nothing(world):
    text = "product,service_areas,hosting,notes\nKeystone,Homelessness,hosted,New one\nLedger,Housing management,saas,Migration planned\n"
    services.commit_import(start(world, text, kind="systems"), actor=world.editor)
    assert System.objects.filter(organisation=world.own).count() == 2
    versions = dict(System.objects.values_list("pk", "version"))
    again = start(world, text, kind="systems")
    assert [r.action for r in preview_of(world, again).rows] == ["unchanged", "unchanged"]
    services.commit_import(again, actor=world.editor)
    assert dict(System.objects.values_list("pk", "version")) == versions


def test_reimporting_contracts_without_references_changes_nothing(world):
    """No id and no reference: the same title, supplier and start date is the same contract."""
    text = ("title,supplier,start_date,end_date,total_value\n"
            "Audit widget support,civic-forge,01/04/2024,31/03/2027,\"£12,000.00\"\n"
            "Audit  WIDGET support,civic-forge,01/04/2025,31/03/2027,\"£9,000\"\n")
    services.commit_import(start(world, text), actor=world.editor)
    assert Contract.objects.filter(organisation=world.own).count() == 3
    versions = dict(Contract.objects.values_list("pk", "version"))
    again = start(world, text)
    assert [r.action for r in again.preview.rows] == ["unchanged", "unchanged"]
    services.commit_import(again, actor=world.editor)
    assert dict(Contract.objects.values_list("pk", "version")) == versions
    changed = start(world, text.replace("12,000.00", "13,000.00"))
    assert [r.action for r in changed.preview.rows] == ["changed", "unchanged"]


@pytest.mark.parametrize(
    ("kind", "text", "message"),
    [
        ("systems", "product,service_areas,notes\nKeystone,Homelessness,One\nKeystone,Homelessness,Two\n",
         "Row 2 also adds a system of Keystone in the same service areas"),
        ("contracts", "title,supplier,start_date,end_date\nAudit,civic-forge,2025-01-01,2026-01-01\naudit,civic-forge,2025-01-01,2027-01-01\n",
         "Row 2 also adds a contract with this title, supplier and start date"),
    ],
)
def test_two_rows_adding_the_same_record_are_an_error(world, kind, text, message):
    rows = start(world, text, kind=kind).preview.rows
    assert [r.action for r in rows] == ["new", "error"]
    assert rows[1].errors[0].startswith(message)


def test_the_commit_is_refused_while_any_row_has_an_error(world):
    upload = start(world, CONTRACT_HEADER + "CON-003,Good,civic-forge,,,,2025-01-01,2026-01-01\nCON-004,Bad,civic-forge,,,,2025-01-01,not a date\n")
    rows = preview_of(world, upload).rows
    assert [r.action for r in rows] == ["new", "error"]
    assert rows[1].errors == ["End date: 'not a date' is not a date: write it as 31/03/2027 or 2027-03-31."]
    before = checksum()
    with pytest.raises(DomainError, match="1 row has errors"):
        services.commit_import(upload, actor=world.editor)
    assert checksum() == before


@pytest.mark.parametrize("title", ["Bell\x07ringing", "Escape\x1b[31m"])
def test_a_cell_the_text_rule_refuses_is_a_row_error_and_nothing_is_imported(world, title):
    """The same rule as the API's and the forms' (citytools.core.text), cell by cell (a file
    holding NUL is refused whole, as binary)."""
    upload = start(world, f"title,supplier,start_date,end_date\n{title},civic-forge,2025-01-01,2026-01-01\n")
    rows = preview_of(world, upload).rows
    assert [r.action for r in rows] == ["error"]
    assert "Title: The cell contains a control character" in rows[0].errors[0]
    before = checksum()
    with pytest.raises(DomainError, match="1 row has errors"):
        services.commit_import(upload, actor=world.editor)
    assert checksum() == before


def test_a_date_outside_the_one_range_is_a_row_error(world):
    """Issue 14, item 4: the import refuses what the forms and the API refuse (citytools.core.dates),
    whether the cell holds text, an Excel date or an Excel serial number."""
    upload = start(world, xlsx([
        ["reference", "title", "supplier", "start_date", "end_date"],
        ["CON-006", "Text", "civic-forge", "2025-01-01", "31/12/9999"],
        ["CON-007", "Cell", "civic-forge", "31/12/1899", datetime.date(2201, 1, 1)],
        ["CON-008", "Serial", "civic-forge", "2025-01-01", 2958465],
    ]), filename="file.xlsx")
    rows = preview_of(world, upload).rows
    assert [r.action for r in rows] == ["error", "error", "error"]
    assert [r.errors for r in rows] == [
        ["End date: 9999-12-31 is too far in the past or future: write a date between 1 January 1900 and 31 December 2200."],
        ["Start date: 1899-12-31 is too far in the past or future: write a date between 1 January 1900 and 31 December 2200.",
         "End date: 2201-01-01 is too far in the past or future: write a date between 1 January 1900 and 31 December 2200."],
        ["End date: 9999-12-31 is too far in the past or future: write a date between 1 January 1900 and 31 December 2200."],
    ]
    assert not Contract.objects.filter(reference__in=["CON-006", "CON-007", "CON-008"]).exists()


def test_the_services_own_checks_are_row_errors_in_the_preview(world):
    upload = start(world, CONTRACT_HEADER + "CON-005,Backwards,civic-forge,,,,2026-01-01,2025-01-01\n")
    [row] = preview_of(world, upload).rows
    assert row.action == "error" and row.number == 2
    assert any("end" in message.lower() for message in row.errors), row.errors
    assert not Contract.objects.filter(reference="CON-005").exists()
    before = checksum()
    with pytest.raises(DomainError, match="1 row has errors"):
        services.commit_import(upload, actor=world.editor)
    assert checksum() == before


def test_a_failure_at_write_time_writes_nothing(world, monkeypatch):
    """Row 2 is written, then row 3 fails inside the commit: row 2 is rolled back with it."""
    text = CONTRACT_HEADER + "CON-006,One,civic-forge,,,,2025-01-01,2026-01-01\nCON-007,Two,civic-forge,,,,2025-01-01,2026-01-01\n"
    upload = start(world, text)
    real = services._write
    written = []

    def failing(plan, **kwargs):
        if plan.number == 3:
            raise DomainError("The database refused it.")
        written.append(plan.number)
        return real(plan, **kwargs)

    before = checksum()
    monkeypatch.setattr(services, "_write", failing)
    monkeypatch.setattr(services, "_dry_run", lambda *a, **k: None)  # so the preview cannot catch it first
    with pytest.raises(DomainError, match="Row 3: The database refused it. Nothing was imported."):
        services.commit_import(upload, actor=world.editor)
    assert written == [2]
    assert checksum() == before
    assert not Contract.objects.filter(reference__in=["CON-006", "CON-007"]).exists()


def test_a_record_changed_since_the_preview_is_refused_with_nothing_written(world):
    from citytools.contracts.services import update_contract

    upload = start(world, "reference,annual_value\nCON-001,120000\n")
    preview_of(world, upload)
    update_contract(world.contract, version=1, changes={"title": "Renamed by a colleague"}, actor=world.editor)
    before = checksum()
    with pytest.raises(Conflict, match="changed since your preview"):
        services.commit_import(upload, actor=world.editor)
    assert checksum() == before
    preview_of(world, upload)  # previewing again accepts the new version
    services.commit_import(upload, actor=world.editor)
    world.contract.refresh_from_db()
    assert world.contract.annual_value == Decimal("120000.00") and world.contract.title == "Renamed by a colleague"


def test_a_record_added_since_the_preview_is_refused(world):
    upload = start(world, "product,service_areas\nKeystone,Homelessness\n", kind="systems")
    preview_of(world, upload)
    from citytools.inventory.services import create_system

    create_system(organisation=world.own, product=world.keystone, service_areas=[world.homeless], actor=world.editor)
    with pytest.raises(Conflict):
        services.commit_import(upload, actor=world.editor)
    assert System.objects.filter(product=world.keystone).count() == 1


def test_only_the_organisations_editors_may_import(world):
    before = checksum()
    for role in ("member", "peer_member", "other_editor", "coordinator", "vendor"):
        with pytest.raises(Forbidden):
            start(world, "product,service_areas\nKeystone,Homelessness\n", kind="systems", actor=world.user(role))
    assert checksum() == before
    start(world, "product,service_areas\nKeystone,Homelessness\n", kind="systems", actor=world.user("admin"))


def test_a_committed_upload_cannot_be_committed_again(world):
    upload = start(world, "product,service_areas\nKeystone,Homelessness\n", kind="systems")
    services.commit_import(upload, actor=world.editor)
    with pytest.raises(DomainError, match="already been imported"):
        services.commit_import(Upload.objects.get(pk=upload.pk), actor=world.editor)
    assert System.objects.filter(product=world.keystone).count() == 1


# Matching ---------------------------------------------------------------------------------


def test_rows_match_by_id_then_reference_then_product(world):
    upload = start(world, f"id,title\n{world.contract.pk},By id\n")
    assert preview_of(world, upload).rows[0].record_id == world.contract.pk
    upload = start(world, "product,notes\nledger,By product\n", kind="systems")
    assert preview_of(world, upload).rows[0].record_id == world.system.pk


def test_an_ambiguous_product_asks_for_the_id(world):
    from citytools.inventory.services import create_system

    create_system(organisation=world.own, product=world.ledger, service_areas=[world.homeless], actor=world.editor)
    [row] = preview_of(world, start(world, "product,notes\nLedger,Which?\n", kind="systems")).rows
    assert row.action == "error" and "add an id column" in row.errors[0]


def test_another_organisations_id_is_an_error(world):
    from citytools.inventory.services import create_system

    theirs = create_system(organisation=world.stranger, product=world.ledger, service_areas=[world.housing], actor=world.user("admin"))
    [row] = preview_of(world, start(world, f"id,notes\n{theirs.pk},Mine now\n", kind="systems")).rows
    assert row.action == "error" and "has no system with the id" in row.errors[0]


def test_unknown_product_supplier_or_area_says_what_to_do(world):
    text = "product,service_areas,supplier\nNo Such Thing,Housing management,\nLedger,Nowhere,\nKeystone,Homelessness,Nobody Ltd\n"
    rows = preview_of(world, start(world, text, kind="systems")).rows
    assert [r.action for r in rows] == ["error"] * 3
    assert "No product is called 'No Such Thing'" in rows[0].errors[0] and "propose it" in rows[0].errors[0]
    assert "No service area is called 'Nowhere'" in rows[1].errors[0]
    assert "No supplier is called 'Nobody Ltd'" in rows[2].errors[0]
    # The preview offers to propose the product and the supplier, not the service area.
    assert [r.unknown for r in rows] == [[["product", "No Such Thing"]], [], [["supplier", "Nobody Ltd"]]]


def test_names_and_slugs_resolve_in_any_case(world):
    [row] = preview_of(world, start(world, "product,service_areas\nKEYSTONE,homelessness; HOUSING MANAGEMENT\n", kind="systems")).rows
    assert row.action == "new"


def test_a_group_is_not_a_service_area(world):
    [row] = preview_of(world, start(world, "product,service_areas\nKeystone,Housing\n", kind="systems")).rows
    assert row.action == "error"


# Mapping -----------------------------------------------------------------------------------


def test_headers_are_guessed_and_choices_remembered(world):
    upload = start(world, "Contract ref,Contract title,Vendor,Expiry date,Odd column\nCON-001,Housing system,Civic Forge,31/03/2027,x\n")
    preview = preview_of(world, upload)
    assert preview.mapping == ["reference", "title", "supplier", "end_date", ""]
    preview = services.set_mapping(upload, mapping=["reference", "title", "supplier", "end_date", "framework"], actor=world.editor)
    assert preview.rows[0].action == "changed"
    assert ColumnMapping.objects.get(organisation=world.own, kind="contracts").columns["odd column"] == "framework"
    again = start(world, "Contract ref,Odd column\nCON-001,G-Cloud\n")
    assert preview_of(world, again).mapping == ["reference", "framework"]


def test_a_field_chosen_for_two_columns_is_refused(world):
    upload = start(world, "reference,title\nCON-001,Housing system\n")
    with pytest.raises(DomainError, match="Two columns"):
        services.set_mapping(upload, mapping=["reference", "reference"], actor=world.editor)


def test_a_missing_required_column_is_a_row_error_for_new_records(world):
    [row] = preview_of(world, start(world, "reference,title\nCON-009,Without dates\n")).rows
    assert row.action == "error" and "Supplier" in row.errors[0] and "Start date" in row.errors[0]


# Messy files -------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding,prefix", [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("cp1252", b"")])
def test_encodings_are_detected(world, encoding, prefix):
    text = CONTRACT_HEADER + "CON-010,Café services,Société Générale Informatique,,£950,\"£1,900\",01/04/2025,31/03/2026\n"
    upload = start(world, prefix + text.encode(encoding))
    [row] = preview_of(world, upload).rows
    assert row.action == "new", row.errors
    services.commit_import(upload, actor=world.editor)
    contract = Contract.objects.get(reference="CON-010")
    assert contract.title == "Café services" and contract.supplier == world.accented
    assert contract.annual_value == Decimal("950.00")


def test_an_xlsx_with_a_title_row_merged_group_header_and_excel_dates(world):
    content = xlsx(
        [
            ["Contracts register 2025", None, None, None, None, None],
            [None, None, "Value", None, "Dates", None],
            ["Contract ref", "Title", "Total", "Annual", "Start date", "End date", "Supplier"],
            ["CON-011", "Parking", 250000, "£50,000", datetime.datetime(2025, 4, 1), 46477, "civic-forge"],
            [None] * 7,
            [None] * 7,
        ],
        merge=["A1:F1", "C2:D2", "E2:F2"],
    )
    upload = start(world, content, filename="register.xlsx")
    preview = preview_of(world, upload)
    assert preview.header_row == 3
    assert preview.mapping == ["reference", "title", "total_value", "annual_value", "start_date", "end_date", "supplier"]
    assert [r.action for r in preview.rows] == ["new"]
    services.commit_import(upload, actor=world.editor)
    contract = Contract.objects.get(reference="CON-011")
    assert contract.total_value == Decimal("250000.00") and contract.annual_value == Decimal("50000.00")
    assert contract.start_date == datetime.date(2025, 4, 1)
    assert contract.end_date == datetime.date(2027, 3, 31)  # Excel's serial 46477


def test_duplicate_rows_identical_are_skipped_conflicting_are_errors(world):
    text = (CONTRACT_HEADER
            + "CON-012,Parks,civic-forge,,,,2025-01-01,2026-01-01\n"
            + "CON-012,Parks,civic-forge,,,,2025-01-01,2026-01-01\n"
            + "CON-001,Housing system,civic-forge,,,,2024-04-01,2027-03-31\n"
            + "CON-001,Housing renamed,civic-forge,,,,2024-04-01,2027-03-31\n"
            + ",,,,,,,\n\n")
    rows = preview_of(world, start(world, text)).rows
    assert [(r.number, r.action) for r in rows] == [(2, "new"), (3, "duplicate"), (4, "changed"), (5, "error")]
    assert rows[1].note == "The same as row 2: skipped."
    assert "Row 4 also describes" in rows[3].errors[0]


def test_blank_columns_are_left_out(world):
    upload = start(world, "reference,,annual_value,\nCON-001,,120000,\n")
    preview = preview_of(world, upload)
    assert preview.mapping == ["reference", "", "annual_value", ""]
    assert preview.rows[0].action == "changed"


# Malformed files: a clear error, and the database unchanged ------------------------------


PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n"


@pytest.mark.parametrize(
    "filename,content,message",
    [
        ("empty.csv", b"", "empty"),
        ("header.csv", b"reference,title\n", "no records"),
        ("blank.csv", b"\n\n  \n", "empty"),
        ("quotes.csv", b'reference,title\nCON-1,"unfinished\n', "quotation mark"),
        ("image.csv", PNG, "PNG"),
        ("document.csv", PDF, "PDF"),
        ("binary.csv", b"reference,title\x00\x01\x02\xff\xfe", "binary"),
        ("truncated.xlsx", None, "damaged"),
        ("renamed.csv", None, "not a CSV"),
        ("unknown.csv", b"colour,shape\nred,round\n", "template"),
    ],
)
def test_a_malformed_file_is_refused_and_nothing_written(world, filename, content, message):
    if content is None:
        whole = xlsx([["reference", "title"], ["CON-1", "A"]])
        content = whole[: len(whole) // 2] if filename == "truncated.xlsx" else whole
    before = checksum()
    with pytest.raises(DomainError, match=message):
        start(world, content, filename=filename)
    assert checksum() == before
    assert not Upload.objects.exists()


def test_oversized_files_are_refused(world, settings):
    before = checksum()
    settings.IMPORT_MAX_BYTES = 100
    with pytest.raises(DomainError, match="largest accepted is 100"):
        start(world, CONTRACT_HEADER + "x" * 200)
    settings.IMPORT_MAX_BYTES = 10**6
    settings.IMPORT_MAX_ROWS = 3
    with pytest.raises(DomainError, match="more than 3 records"):
        start(world, "reference\n" + "CON\n" * 20)
    # Exactly: four records are one too many, even under the slack kept for title rows.
    with pytest.raises(DomainError, match="has 4 records; at most 3"):
        start(world, "reference\n" + "".join(f"CON-{n}\n" for n in range(4)))
    assert checksum() == before
    upload = start(world, "Our contracts\nreference\n" + "".join(f"CON-{n}\n" for n in range(3)))
    assert upload.summary["error"] == 3  # read, with three records (each lacking what a new contract needs)


def test_rows_beyond_a_wrong_stated_size_of_an_xlsx_are_read(world):
    """Some programs write a <dimension> smaller than the sheet: every row still counts."""
    import re
    import zipfile

    content = xlsx([["reference", "title", "supplier", "start_date", "end_date"]]
                   + [[f"CON-D{n}", f"Row {n}", "civic-forge", "2025-01-01", "2026-01-01"] for n in range(5)])
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'<dimension ref="[^"]+"', b'<dimension ref="A1:E3"', data)
            target.writestr(info, data)
    upload = start(world, out.getvalue(), filename="wrong-size.xlsx")
    assert [row.number for row in upload.preview.rows] == [2, 3, 4, 5, 6]


def test_a_zip_bomb_is_refused_before_it_is_opened(world, settings):
    settings.IMPORT_MAX_UNZIPPED_BYTES = 1000
    content = xlsx([["reference", "title"]] + [[f"CON-{n}", "x" * 50] for n in range(100)])
    before = checksum()
    with pytest.raises(DomainError, match="unpacks to more than 1,000 bytes"):
        start(world, content, filename="big.xlsx")
    assert checksum() == before


def test_an_expired_upload_is_refused(world):
    from django.utils import timezone

    upload = start(world, "reference,annual_value\nCON-001,120000\n")
    Upload.objects.filter(pk=upload.pk).update(expires_at=timezone.now())
    with pytest.raises(DomainError, match="expired"):
        services.commit_import(Upload.objects.get(pk=upload.pk), actor=world.editor)


SHARED_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"


@pytest.mark.skipif(not SHARED_DATA.is_dir(), reason="the shared reference data is not beside the project")
@pytest.mark.parametrize(("kind", "missing"), [("systems", {"Product"}), ("contracts", {"Title", "Supplier"})])
def test_a_real_spreadsheet_of_something_else_is_explained_and_never_imported(world, kind, missing):
    """The mySociety register of local authorities (CC-BY-4.0): a real 470-row CSV whose 26
    columns include a few with names City Tools knows (start-date, notes) but none that says
    which system or contract a row is. The preview names the columns it lacks, no row would
    add or change anything, and a commit is refused with every table unchanged."""
    content = (SHARED_DATA / "uk-local-authorities" / "uk_local_authorities_future.csv").read_bytes()
    records = (System.objects.count(), Contract.objects.count())
    upload = services.start_import(
        organisation=world.own, kind=kind, filename="uk_local_authorities_future.csv", content=content, actor=world.editor
    )
    before = checksum()
    preview = upload.preview
    assert missing <= set(preview.missing_required)
    assert preview.count("new") == preview.count("changed") == 0 and preview.has_errors
    with pytest.raises(DomainError, match="errors, so nothing was imported"):
        services.commit_import(upload, actor=world.editor)
    assert checksum() == before and (System.objects.count(), Contract.objects.count()) == records


# Issue 13, item 18: headers as people write them, every fault at once, labels not codes -------


def test_a_service_area_s_header_is_understood(world):
    upload = start(world, "Product,Service area(s),Hosting\nKeystone,Homelessness,saas\n", kind="systems")
    assert upload.mapping == ["product", "service_areas", "hosting"]
    [row] = preview_of(world, upload).rows
    assert row.action == "new", row.errors


def test_every_fault_of_a_file_is_reported_in_one_pass(world):
    """An unknown product used to be reported only once the row's other faults were fixed."""
    text = (
        "product,service_areas,supplier,go_live,hosting\n"
        "No Such Thing,Nowhere; Atlantis,Nobody Ltd,32/13/2025,cloudy\n"
        "Keystone,Homelessness,,01/04/2024,saas\n"
    )
    rows = preview_of(world, start(world, text, kind="systems")).rows
    assert [r.action for r in rows] == ["error", "new"]
    joined = " | ".join(rows[0].errors)
    for fault in ("Live since:", "Hosting:", "No product is called 'No Such Thing'", "No service area is called 'Nowhere'",
                  "No service area is called 'Atlantis'", "No supplier is called 'Nobody Ltd'"):
        assert fault in joined, joined


def test_a_contract_row_reports_an_unknown_supplier_with_its_dates_out_of_order(world):
    text = "title,supplier,start_date,end_date,total_value\nAudit,Nobody Ltd,01/04/2026,31/03/2025,lots\n"
    [row] = preview_of(world, start(world, text)).rows
    joined = " | ".join(row.errors)
    assert "No supplier is called 'Nobody Ltd'" in joined and "Total value:" in joined
    assert "end" in joined.lower() and len(row.errors) == 3, joined


def test_the_preview_shows_choices_by_their_labels_not_their_codes(world):
    rows = preview_of(world, start(world, "product,service_areas,hosting,status\nKeystone,Homelessness,saas,planned\n", kind="systems")).rows
    shown = {c.label: c.new for c in rows[0].changes}
    assert shown["Hosting"] == "Software as a service" and shown["Status"] == "Planned"
    upload = start(world, "reference,route\nCON-001,framework\n")
    [changed] = preview_of(world, upload).rows
    assert [(c.label, c.new) for c in changed.changes] == [("Procurement route", "Framework call-off")]

"""Exports (citytools.spreadsheets.queries): columns, visibility, formula guard, and the round
trip export → import → export, as a hypothesis property."""

import csv
import datetime
import io
from decimal import Decimal

import orjson
import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from citytools.accounts.viewer import Viewer
from citytools.contracts.models import Contract
from citytools.contracts.services import create_contract
from citytools.spreadsheets import queries, services
from tests.documents import xlsx_text
from tests.spreadsheets.world import checksum


def rows_of(content: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


def test_the_export_has_the_templates_columns_with_the_id(world):
    export = queries.organisation_export(Viewer.for_user(world.editor), world.own, "contracts")
    template = rows_of(queries.template("contracts", "csv") + b"\n")
    assert export.header[0] == "id"
    assert rows_of(queries.template("contracts", "csv"))  == [] and template == []
    header = queries.template("contracts", "csv").decode("utf-8-sig").strip().split(",")
    assert export.header == header
    [row] = rows_of(export.render("csv"))
    assert row["id"] == str(world.contract.pk) and row["annual_value"] == "100000.00" and row["systems"] == "ledger"


def test_values_and_notes_columns_are_left_out_for_the_public(world):
    public = Viewer.public()
    contracts = queries.organisation_export(public, world.own, "contracts")
    systems = queries.organisation_export(public, world.own, "systems")
    assert "annual_value" not in contracts.header and "total_value" not in contracts.header and contracts.rows
    assert "notes" not in systems.header and systems.rows


def test_values_are_blank_where_only_some_are_visible(world):
    from tests.factories import ContractFactory, NetworkFactory, OrganisationFactory

    open_network = NetworkFactory(slug="open", name="Open", visibility={"values": "public"})
    published = OrganisationFactory(slug="published", networks=[open_network])
    ContractFactory(organisation=published, supplier=world.maker, annual_value=Decimal("5555"), title="Published")
    export = queries.contracts_export(Viewer.public(), Contract.objects.visible_to(Viewer.public()), filename="x")
    values = {row[export.header.index("title")]: row[export.header.index("annual_value")] for row in export.rows}
    assert values == {"Housing system": None, "Published": Decimal("5555.00")}


def test_others_confidential_records_never_appear(world):
    create_contract(organisation=world.own, supplier=world.maker, title="Secret renewal", confidential=True,
                    start_date=datetime.date(2024, 1, 1), end_date=datetime.date(2026, 1, 1), actor=world.editor)
    for role, sees in [("public", False), ("vendor", False), ("peer_member", False), ("other_editor", False),
                       ("member", True), ("coordinator", True), ("admin", True)]:
        viewer = Viewer.for_user(world.user(role))
        for fmt in ("csv", "xlsx", "json"):
            content = queries.network_export(viewer, world.north, "contracts").render(fmt)
            text = content.decode("utf-8-sig") if fmt != "xlsx" else xlsx_text(content)
            assert ("Secret renewal" in text) is sees, (role, fmt)


def test_formula_like_text_is_guarded_in_csv_and_xlsx(world):
    from citytools.contracts.services import update_contract

    update_contract(world.contract, version=1, changes={"title": "=HYPERLINK(\"http://x\")"}, actor=world.editor)
    export = queries.organisation_export(Viewer.for_user(world.editor), world.own, "contracts")
    assert rows_of(export.render("csv"))[0]["title"].startswith("'=")
    assert orjson.loads(export.render("json"))["records"][0]["title"].startswith("=")  # JSON is data, not a sheet


titles = st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=25).map(str.strip).filter(bool)
contract_rows = st.lists(
    st.tuples(
        titles,
        st.one_of(st.none(), st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False)),
        st.dates(min_value=datetime.date(1995, 1, 1), max_value=datetime.date(2040, 1, 1)),
        st.integers(min_value=0, max_value=4000),
        st.booleans(),
    ),
    min_size=1, max_size=4,
)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(rows=contract_rows, fmt=st.sampled_from(["csv", "xlsx"]))
def test_export_import_export_is_stable(world, rows, fmt):
    with transaction.atomic():
        for number, (title, value, start, days, confidential) in enumerate(rows):
            create_contract(organisation=world.own, supplier=world.accented, title=title, annual_value=value, reference=f"R{number}",
                            start_date=start, end_date=start + datetime.timedelta(days=days), confidential=confidential,
                            systems=[world.system], actor=world.editor)
        viewer = Viewer.for_user(world.editor)
        first = queries.organisation_export(viewer, world.own, "contracts").render(fmt)
        assert queries.organisation_export(viewer, world.own, "contracts").render(fmt) == first
        upload = services.start_import(organisation=world.own, kind="contracts", filename=f"export.{fmt}", content=first, actor=world.editor)
        preview = services.preview_import(upload, actor=world.editor)
        assert {row.action for row in preview.rows} == {"unchanged"}, [(r.number, r.changes, r.errors) for r in preview.rows]
        before = checksum()
        services.commit_import(upload, actor=world.editor)
        after = queries.organisation_export(viewer, world.own, "contracts").render(fmt)
        assert after == first
        assert Contract.objects.filter(organisation=world.own).exclude(version=1).count() == 0
        assert before != checksum()  # the upload's status, only
        transaction.set_rollback(True)


@pytest.mark.parametrize("kind", ["systems", "contracts"])
def test_a_whole_network_round_trips_for_each_organisation_of_an_admin(world, kind):
    admin = world.user("admin")
    content = queries.organisation_export(Viewer.for_user(admin), world.own, kind).render("xlsx")
    upload = services.start_import(organisation=world.own, kind=kind, filename="own.xlsx", content=content, actor=admin)
    assert {r.action for r in services.preview_import(upload, actor=admin).rows} == {"unchanged"}


def _messy_date(day: datetime.date, style: int) -> str:
    return [day.strftime("%d/%m/%Y"), day.isoformat(), day.strftime("%d-%b-%Y"), f"{day.day}/{day.month}/{day.year}"][style]


def _messy_amount(value: Decimal | None, style: int) -> str:
    if value is None:
        return ""
    return [f"£{value:,.2f}", f"{value:,}", f"GBP {value}", str(value)][style]


messy_contracts = st.lists(
    st.tuples(
        titles.filter(lambda t: not t.startswith(("=", "+", "-", "@", "'"))),
        st.one_of(st.none(), st.decimals(min_value=0, max_value=10**8, places=2, allow_nan=False)),
        st.dates(min_value=datetime.date(1995, 1, 1), max_value=datetime.date(2040, 1, 1)),
        st.integers(min_value=0, max_value=4000),
        st.booleans(),  # with a reference or not
        st.integers(min_value=0, max_value=3),  # how its dates and amount are written
    ),
    min_size=1, max_size=4, unique_by=lambda row: " ".join(row[0].split()).casefold(),
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(rows=messy_contracts, encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]), fmt=st.sampled_from(["csv", "xlsx"]))
def test_a_messy_import_then_export_then_import_is_stable(world, rows, encoding, fmt):
    """A borough's own file (dates and amounts written in any accepted way, references or
    not, any accepted encoding) imports; its export imports again with nothing to change,
    and exports the same again."""
    if encoding == "cp1252":
        rows = [row for row in rows if row[0].encode("cp1252", errors="ignore").decode("cp1252") == row[0]]
        if not rows:
            return
    lines = ["Contract title,Supplier,Start,End,Annual value,Reference"]
    for number, (title, value, start, days, referenced, style) in enumerate(rows):
        cells = [title, "Civic Forge", _messy_date(start, style), _messy_date(start + datetime.timedelta(days=days), style),
                 _messy_amount(value, style), f"REF/{number}" if referenced else ""]
        lines.append(",".join('"' + cell.replace('"', '""') + '"' for cell in cells))
    with transaction.atomic():
        upload = services.start_import(
            organisation=world.own, kind="contracts", filename="ours.csv", content="\r\n".join(lines).encode(encoding), actor=world.editor
        )
        assert {r.action for r in upload.preview.rows} == {"new"}, [(r.number, r.errors) for r in upload.preview.rows]
        services.commit_import(upload, actor=world.editor)
        viewer = Viewer.for_user(world.editor)
        first = queries.organisation_export(viewer, world.own, "contracts").render(fmt)
        again = services.start_import(organisation=world.own, kind="contracts", filename=f"export.{fmt}", content=first, actor=world.editor)
        assert {r.action for r in again.preview.rows} == {"unchanged"}, [(r.number, r.changes, r.errors) for r in again.preview.rows]
        original = services.start_import(
            organisation=world.own, kind="contracts", filename="ours.csv", content="\r\n".join(lines).encode(encoding), actor=world.editor
        )
        assert {r.action for r in original.preview.rows} == {"unchanged"}, "the borough's own file, imported twice, changes nothing"
        assert queries.organisation_export(viewer, world.own, "contracts").render(fmt) == first
        transaction.set_rollback(True)


messy_systems = st.lists(
    st.tuples(
        st.sampled_from(["Ledger", "ledger", "LEDGER", "Keystone", "keystone"]),
        st.sampled_from(["Housing management", "housing-management", "Homelessness", "Housing management; Homelessness"]),
        st.sampled_from(["", "hosted", "Software as a service", "saas", "On premises"]),
        st.one_of(st.none(), st.dates(min_value=datetime.date(2000, 1, 1), max_value=datetime.date(2030, 1, 1))),
        st.integers(min_value=0, max_value=3),
    ),
    min_size=1, max_size=3, unique_by=lambda row: row[0].casefold(),
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(rows=messy_systems, fmt=st.sampled_from(["csv", "xlsx"]))
def test_a_messy_systems_import_then_export_then_import_is_stable(world, rows, fmt):
    lines = ["Product,Service areas,Hosting,Go-live"]
    for product, areas, hosting, go_live, style in rows:
        lines.append(",".join(f'"{cell}"' for cell in (product, areas, hosting, _messy_date(go_live, style) if go_live else "")))
    with transaction.atomic():
        upload = services.start_import(organisation=world.own, kind="systems", filename="ours.csv", content="\n".join(lines).encode(), actor=world.editor)
        assert not upload.preview.has_errors, [(r.number, r.errors) for r in upload.preview.rows]
        services.commit_import(upload, actor=world.editor)
        viewer = Viewer.for_user(world.editor)
        first = queries.organisation_export(viewer, world.own, "systems").render(fmt)
        again = services.start_import(organisation=world.own, kind="systems", filename=f"export.{fmt}", content=first, actor=world.editor)
        assert {r.action for r in again.preview.rows} == {"unchanged"}, [(r.number, r.changes, r.errors) for r in again.preview.rows]
        original = services.start_import(organisation=world.own, kind="systems", filename="ours.csv", content="\n".join(lines).encode(), actor=world.editor)
        assert {r.action for r in original.preview.rows} == {"unchanged"}
        assert queries.organisation_export(viewer, world.own, "systems").render(fmt) == first
        transaction.set_rollback(True)

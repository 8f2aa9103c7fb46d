"""The import_records and export_records commands."""

import pytest
from django.core.management import CommandError, call_command

from citytools.contracts.models import Contract
from tests.spreadsheets.world import checksum


def run(*args) -> str:
    import io

    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_import_previews_then_commits(world, tmp_path):
    path = tmp_path / "contracts.csv"
    path.write_text("reference,annual_value\nCON-001,\"£120,000\"\n")
    before = checksum()
    out = run("import_records", str(path), "--as", world.editor.email, "--organisation", "own", "--kind", "contracts")
    assert "Row 2: changed Housing system" in out and "100000.00 → 120000.00" in out and "--commit" in out
    out = run("import_records", str(path), "--as", world.editor.email, "--organisation", "own", "--kind", "contracts", "--commit")
    assert "1 changed" in out
    assert Contract.objects.get(pk=world.contract.pk).annual_value == 120000
    assert before != checksum()


def test_import_with_row_errors_exits_with_an_error_and_writes_no_record(world, tmp_path):
    path = tmp_path / "contracts.csv"
    path.write_text("reference,end_date\nCON-001,someday\n")
    with pytest.raises(CommandError, match="Nothing was imported"):
        run("import_records", str(path), "--as", world.editor.email, "--organisation", "own", "--kind", "contracts", "--commit")
    assert Contract.objects.get(pk=world.contract.pk).version == 1


def test_import_is_refused_to_someone_not_an_editor(world, tmp_path):
    path = tmp_path / "contracts.csv"
    path.write_text("reference,annual_value\nCON-001,1\n")
    before = checksum()
    with pytest.raises(CommandError, match="editors"):
        run("import_records", str(path), "--as", world.user("member").email, "--organisation", "own", "--kind", "contracts")
    assert checksum() == before


def test_export_as_a_member_and_as_the_public(world, tmp_path):
    member = run("export_records", "--as", world.user("member").email, "--network", "north", "--kind", "contracts")
    assert "100000.00" in member and "Housing system" in member
    public = run("export_records", "--network", "north", "--kind", "contracts", "--format", "json")
    assert "100000" not in public and "Housing system" in public
    out = tmp_path / "systems.xlsx"
    run("export_records", "--organisation", "own", "--kind", "systems", "--format", "xlsx", "--output", str(out))
    assert out.read_bytes().startswith(b"PK")

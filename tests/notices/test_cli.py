"""`citytools import_ocds`: the batch door to the same import, with its summary, its JSON
Lines report, standard input, --dry-run and --keep-going."""

import io
import json
import sys

import pytest
from django.core.management import CommandError, call_command

from citytools.notices.models import Suggestion
from tests.access import fingerprint
from tests.notices.notices import package, release, write
from tests.people import people

pytestmark = pytest.mark.django_db

REPORT_KEYS = {"ocid", "buyer_name", "organisation", "matched_by", "suppliers", "it", "service_area", "contract_end", "status", "error"}


@pytest.fixture
def world():
    return people()


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import_ocds", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_command_imports_summarises_and_reports_one_line_per_process(world, tmp_path):
    path = write(tmp_path, "a.json", release("ocds-b5fd17-one", buyer=world.own.name),
                 release("ocds-b5fd17-two", buyer="Heathrow Airport Limited"))
    report = tmp_path / "report.jsonl"
    out, _ = run(path, "--as", world.user("coordinator").email, "--report", str(report))
    assert "2 releases and 2 contracting processes read" in out and "releases/s" in out
    assert "Buyers: 1 matched, 1 unmatched. IT notices: 2. Suggested: 1;" in out
    lines = [json.loads(line) for line in report.read_text().splitlines()]
    assert [line["ocid"] for line in lines] == ["ocds-b5fd17-one", "ocds-b5fd17-two"]
    assert all(set(line) == REPORT_KEYS for line in lines)
    assert lines[0]["organisation"] == world.own.identifier and lines[1]["organisation"] is None
    assert Suggestion.objects.count() == 1


def test_standard_input_is_read_for_a_dash(world, monkeypatch):
    data = json.dumps(package(release("ocds-b5fd17-stdin", buyer=world.own.name))).encode()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    out, _ = run("-", "--as", world.user("coordinator").email)
    assert "Suggested: 1;" in out


def test_a_dry_run_needs_nobody_and_writes_nothing(world, tmp_path):
    before = fingerprint()
    out, _ = run(write(tmp_path, "a.json", release("ocds-b5fd17-one", buyer=world.own.name)), "--dry-run")
    assert "Suggested: 1;" in out and "Dry run: nothing was written." in out
    assert fingerprint() == before


def test_a_bad_item_fails_the_batch_with_its_place_and_keep_going_skips_it(world, tmp_path):
    bad = release("ocds-b5fd17-bad", buyer=world.own.name)
    bad["awards"][0]["value"]["amount"] = "lots"
    path = write(tmp_path, "mixed.json", release("ocds-b5fd17-good", buyer=world.own.name), bad)
    with pytest.raises(CommandError, match="Nothing was imported: 1 bad item"):
        run(path, "--as", world.user("coordinator").email)
    assert not Suggestion.objects.exists()
    out, err = run(path, "--as", world.user("coordinator").email, "--keep-going")
    assert "ocds-b5fd17-bad" in err and "1 bad item(s) skipped" in out and Suggestion.objects.count() == 1


def test_a_write_needs_a_coordinator(world, tmp_path):
    path = write(tmp_path, "a.json", release("ocds-b5fd17-one", buyer=world.own.name))
    with pytest.raises(CommandError, match="--as EMAIL"):
        run(path)
    with pytest.raises(CommandError, match="coordinators and admins"):
        run(path, "--as", world.user("editor").email)

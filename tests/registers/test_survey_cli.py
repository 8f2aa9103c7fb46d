"""`citytools import_network`: the batch door to a network's survey import. A dry run writes
nothing, the report has one JSON line per row (and organisation) with exactly its keys, a
joint service is decided with --decide or reported as an error naming its candidates, and
rows that block the import exit non-zero with the report still written."""

import io

import orjson
import pytest
from django.core.management import CommandError, call_command

from citytools.inventory.models import System
from citytools.notices.models import Suggestion
from citytools.registers.models import SurveyImport
from tests.registers.test_surveys import ADUR, CAMDEN, KINGSTON, MESSY, WORTHING, world, xlsx  # noqa: F401  (world is a fixture)

KEYS = ["row", "organisation", "matched_by", "product", "supplier", "service_areas", "status", "error"]


@pytest.fixture
def survey_file(tmp_path):
    def write(rows) -> str:
        path = tmp_path / "South survey.xlsx"
        path.write_bytes(xlsx(rows))
        return str(path)

    return write


def run(path, *args, label="South survey 2026", email="coordinator@example.org") -> str:
    out = io.StringIO()
    options = [*(("--label", label) if label else ()), *(("--as", email) if email else ())]
    call_command("import_network", path, "--network", "south", *options, *args, "--no-progress", stdout=out)
    return out.getvalue()


def lines(path) -> list[dict]:
    return [orjson.loads(line) for line in open(path, "rb")]


def test_a_dry_run_reports_every_row_and_writes_nothing(world, survey_file, tmp_path):
    report = tmp_path / "report.jsonl"
    output = run(survey_file([MESSY[0], MESSY[1]]), "--dry-run", "--report", str(report))
    assert "2 results: 2 would be suggested" in output and "Dry run: nothing was written." in output
    assert [(line["row"], line["organisation"], line["status"]) for line in lines(report)] == [(3, CAMDEN, "suggested"), (4, KINGSTON, "suggested")]
    assert all(list(line) == KEYS for line in lines(report))
    assert lines(report)[0] == {
        "row": 3, "organisation": CAMDEN, "matched_by": "name", "product": "Spydus", "supplier": "Civica",
        "service_areas": ["libraries"], "status": "suggested", "error": None,
    }
    assert not Suggestion.objects.exists() and not SurveyImport.objects.exists()


def test_an_import_fills_the_queues_and_a_trusted_one_the_maps(world, survey_file):
    output = run(survey_file([MESSY[0]]))
    assert "1 results: 1 suggested" in output and "London Borough of Camden (E09000007): 1 suggested" in output
    assert Suggestion.objects.filter(organisation=world.camden, status="pending").count() == 1
    run(survey_file([MESSY[1]]), "--trusted", label="South survey 2027")
    assert System.objects.filter(organisation=world.kingston, provenance__label="South survey 2027").exists()


def test_blocking_rows_exit_non_zero_with_the_report_written(world, survey_file, tmp_path):
    report = tmp_path / "report.jsonl"
    with pytest.raises(CommandError, match="Nothing was imported"):
        run(survey_file(MESSY), "--report", str(report))
    written = lines(report)
    assert {line["status"] for line in written} == {"suggested", "error"}
    joint = next(line for line in written if line["row"] == 6)
    assert joint["status"] == "error" and "--decide 6=" in joint["error"] and ADUR in joint["error"] and WORTHING in joint["error"]
    assert not Suggestion.objects.exists()


def test_a_joint_service_is_decided_on_the_command_line(world, survey_file, tmp_path):
    report = tmp_path / "report.jsonl"
    run(survey_file([MESSY[0], MESSY[3]]), "--decide", f"4={ADUR},{WORTHING}", "--report", str(report))
    assert [(line["row"], line["organisation"], line["matched_by"], line["status"]) for line in lines(report)] == [
        (3, CAMDEN, "name", "suggested"), (4, ADUR, "decision", "suggested"), (4, WORTHING, "decision", "suggested"),
    ]
    assert Suggestion.objects.filter(organisation__in=[world.adur, world.worthing]).count() == 2


def test_a_decision_for_organisations_the_row_does_not_name_imports_nothing(world, survey_file):
    with pytest.raises(CommandError, match=r"row\(s\) 4: the row names no joint service"):
        run(survey_file([MESSY[0], MESSY[3]]), "--decide", f"4={CAMDEN}")
    assert not Suggestion.objects.exists() and not SurveyImport.objects.exists()


def test_a_later_edition_lists_what_disappeared(world, survey_file):
    run(survey_file([MESSY[0], MESSY[1]]))
    output = run(survey_file([MESSY[0]]))
    assert "Disappeared since the earlier edition: Royal Borough of Kingston upon Thames: spydus (pending)." in output


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        ((), {"label": None}, "Name the source with --label"),
        ((), {"email": None}, "Say who is importing with --as EMAIL"),
        ((), {"email": "editor@example.org"}, "Only the network's coordinators and platform admins"),
        ((), {"email": "nobody@example.org"}, "No active user"),
        (("--decide", "four=E07000223"), {}, "write it as ROW=GSS"),
        (("--decide", "6=E99999999"), {}, "no organisation on the map has the code E99999999"),
        (("--decide", "3=E09000007"), {}, "the row names no joint service of those organisations"),
    ],
)
def test_refusals_exit_non_zero_and_write_nothing(world, survey_file, args, kwargs, message):
    with pytest.raises(CommandError, match=message):
        run(survey_file([MESSY[0]]), *args, **kwargs)
    assert not SurveyImport.objects.exists() and not Suggestion.objects.exists()


def test_an_unknown_network_or_file_is_refused(world, tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        run(str(tmp_path / "missing.xlsx"))
    out = io.StringIO()
    with pytest.raises(CommandError, match="No network has the slug 'nowhere'"):
        call_command("import_network", str(tmp_path), "--network", "nowhere", "--label", "x", "--as", "coordinator@example.org", stdout=out)

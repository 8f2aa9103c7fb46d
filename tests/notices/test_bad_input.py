"""Bad public notices: each gets a clear error naming the file, the item or byte and what is
wrong with it; the batch writes nothing, unless --keep-going, which imports the good items
and reports the bad."""

import gzip
import json

import pytest

from citytools.notices import services
from citytools.notices.models import Notice, Suggestion
from tests.access import fingerprint
from tests.notices.notices import package, release, write
from tests.people import people

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return people()


def good(world) -> dict:
    return release("ocds-b5fd17-good", buyer=world.own.name)


def refused(world, path, *needles):
    before = fingerprint()
    with pytest.raises(services.ImportFailed) as failed:
        services.run_import([str(path)], actor=world.user("coordinator"))
    assert fingerprint() == before, "a batch with a bad item writes nothing"
    text = " ".join(failed.value.errors)
    for needle in needles:
        assert needle in text, text
    return failed.value.errors


def test_truncated_json_names_the_file_and_the_byte(world, tmp_path):
    whole = json.dumps(package(good(world), release("ocds-b5fd17-second", buyer=world.own.name)))
    path = tmp_path / "cut.json"
    path.write_text(whole[: len(whole) // 2 + 40])
    refused(world, path, "cut.json", "byte")


def test_json_that_is_not_ocds_is_refused(world, tmp_path):
    path = tmp_path / "other.json"
    path.write_text(json.dumps({"rows": [{"name": "a table, not notices"}]}))
    refused(world, path, "other.json")


@pytest.mark.parametrize(
    ("change", "needles"),
    [
        (lambda r: r.pop("ocid"), ["no ocid", "item 2"]),
        (lambda r: r.update(id=""), ["has no id", "ocds-b5fd17-bad"]),
        (lambda r: r["awards"][0]["value"].update(amount=float("inf")), ["ocds-b5fd17-bad", "amount"]),
        (lambda r: r["awards"][0]["contractPeriod"].update(endDate="20/01/2028"), ["ocds-b5fd17-bad", "endDate"]),
        (lambda r: r["awards"][0]["value"].update(amount=-5), ["ocds-b5fd17-bad", "not a believable amount"]),
        (lambda r: r.update(date=None), ["ocds-b5fd17-bad", "no date"]),
    ],
    ids=["no-ocid", "no-id", "infinite", "date-format", "negative", "no-date"],
)
def test_a_bad_release_is_named_and_nothing_is_written(world, tmp_path, change, needles):
    bad = release("ocds-b5fd17-bad", buyer=world.own.name)
    change(bad)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(package(good(world), bad)).replace("Infinity", "1e9999"))
    refused(world, path, "bad.json" if needles[0] in ("no ocid",) else needles[0], *needles)


def test_the_same_release_id_with_different_content_is_refused(world, tmp_path):
    first = release("ocds-b5fd17-twice", buyer=world.own.name)
    second = release("ocds-b5fd17-twice", buyer=world.own.name, amount=1)
    refused(world, write(tmp_path, "twice.json", first, second), "ocds-b5fd17-twice", "different content")


def test_a_release_published_again_with_other_content_is_refused_on_a_later_import(world, tmp_path):
    services.run_import([write(tmp_path, "a.json", good(world))], actor=world.user("coordinator"))
    changed = good(world)
    changed["tender"]["title"] = "Something else"
    refused(world, write(tmp_path, "b.json", changed), "ocds-b5fd17-good", "imported before with different content")


def test_keep_going_imports_the_good_items_and_reports_the_bad(world, tmp_path):
    bad = release("ocds-b5fd17-bad", buyer=world.own.name)
    bad["awards"][0]["value"]["amount"] = "lots"
    lines = []
    summary = services.run_import(
        [write(tmp_path, "mixed.json", good(world), bad)], actor=world.user("coordinator"), keep_going=True, report=lines.append
    )
    assert Suggestion.objects.get().notice.ocid == "ocds-b5fd17-good"
    assert len(summary.errors) == 1 and "ocds-b5fd17-bad" in summary.errors[0]
    by_ocid = {line["ocid"]: line for line in lines}
    assert by_ocid["ocds-b5fd17-bad"]["status"] == "error" and "lots" in by_ocid["ocds-b5fd17-bad"]["error"]
    assert not Notice.objects.filter(ocid="ocds-b5fd17-bad").exists()


def test_a_truncated_file_among_good_ones_is_skipped_with_keep_going(world, tmp_path):
    cut = tmp_path / "cut.json"
    cut.write_text(json.dumps(package(release("ocds-b5fd17-cut", buyer=world.own.name)))[:-30])
    summary = services.run_import(
        [write(tmp_path, "a.json", good(world)), str(cut)], actor=world.user("coordinator"), keep_going=True
    )
    assert summary.suggested == 1 and any("cut.json" in error for error in summary.errors)


def test_names_in_the_wrong_encoding_and_escaped_are_read_as_a_person_would(world, tmp_path):
    named = release("ocds-b5fd17-latin", buyer=world.own.name, supplier="Caf&eacute; &amp; Systèmes Ltd")
    path = tmp_path / "latin.json.gz"
    path.write_bytes(gzip.compress(json.dumps(package(named), ensure_ascii=False).encode("iso-8859-1")))
    services.run_import([str(path)], actor=world.user("coordinator"))
    assert Suggestion.objects.get().facts["supplier_name"] == "Café & Systèmes Ltd"


def test_the_same_release_from_json_lines_and_from_a_package_is_one_release(world, tmp_path):
    same = release("ocds-b5fd17-same", buyer=world.own.name, amount=100.0)
    (tmp_path / "a.jsonl").write_text(json.dumps(same) + "\n")
    write(tmp_path, "b.json", same)
    summary = services.run_import([str(tmp_path)], actor=world.user("coordinator"))
    assert summary.releases == 2 and summary.ocids == 1 and not summary.errors

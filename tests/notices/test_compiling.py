"""Compiling one ocid's releases: later notices win, repeats count once, a changed repeat is
refused, compiled and versioned releases stand for themselves, and the merge rules ship."""

import collections
import json
from decimal import Decimal

import pytest

from citytools.notices import compiling, reading
from citytools.notices.compiling import Uncompilable, compile_ocid
from citytools.notices.reading import Item
from tests.conftest import SHARED_DATA, needs_shared

SAMPLES = SHARED_DATA / "ocds" / "samples"


def item(data: dict, kind="release", number=1) -> Item:
    return Item(kind, data, "notices.json", number, 0)


def tender(**fields) -> dict:
    return {"ocid": "ocds-a-1", "id": "1", "date": "2024-01-01T00:00:00Z", "tag": ["tender"], **fields}


def test_a_later_release_updates_an_earlier_one_and_keeps_what_it_does_not_say():
    first = tender(tender={"title": "Parking back office", "value": {"amount": 100, "currency": "GBP"}})
    award = {"ocid": "ocds-a-1", "id": "2", "date": "2024-03-01T00:00:00Z", "tag": ["award"],
             "tender": {"value": {"amount": 90, "currency": "GBP"}},
             "awards": [{"id": "a1", "suppliers": [{"id": "s1", "name": "Parkware Ltd"}]}]}
    compiled = compile_ocid([item(award, number=2), item(first)])  # read in any order
    assert compiled["tender"] == {"title": "Parking back office", "value": {"amount": 90, "currency": "GBP"}}
    assert compiled["awards"][0]["suppliers"][0]["name"] == "Parkware Ltd"
    assert compiled["tag"] == ["compiled"] and compiled["date"] == "2024-03-01T00:00:00Z"


def test_the_same_release_read_twice_counts_once_however_its_numbers_are_written():
    once = compile_ocid([item(tender(tender={"value": {"amount": 100}}))])
    twice = compile_ocid([item(tender(tender={"value": {"amount": 100}})), item(tender(tender={"value": {"amount": Decimal("100.0")}}), number=2)])
    assert once == twice


def test_the_same_release_id_with_different_content_is_refused_naming_both_places():
    with pytest.raises(Uncompilable, match=r"appears twice with different content: notices.json, item 1 .* and notices.json, item 2"):
        compile_ocid([item(tender(tender={"title": "A"})), item(tender(tender={"title": "B"}), number=2)])


def test_a_release_without_a_date_is_refused():
    with pytest.raises(Uncompilable, match="has no date"):
        compile_ocid([item({"ocid": "ocds-a-1", "id": "1", "tag": ["tender"]})])


def test_a_compiled_release_stands_for_itself_the_latest_when_there_are_several():
    older = {"ocid": "ocds-a-1", "id": "c1", "date": "2023-01-01T00:00:00Z", "tag": ["compiled"], "tender": {"title": "Old"}}
    newer = {**older, "id": "c2", "date": "2024-01-01T00:00:00Z", "tender": {"title": "New"}}
    assert compile_ocid([item(newer, "compiled"), item(older, "compiled", 2)])["tender"]["title"] == "New"


def test_releases_win_over_a_compiled_release_of_the_same_ocid():
    compiled = {"ocid": "ocds-a-1", "id": "c", "date": "2020-01-01T00:00:00Z", "tag": ["compiled"], "tender": {"title": "Stale"}}
    assert compile_ocid([item(compiled, "compiled"), item(tender(tender={"title": "Fresh"}), number=2)])["tender"]["title"] == "Fresh"


def test_a_versioned_release_keeps_each_fields_latest_value():
    versioned = {
        "ocid": "ocds-a-1",
        "tender": {"title": [
            {"releaseID": "1", "releaseDate": "2024-01-01", "releaseTag": ["tender"], "value": "Draft"},
            {"releaseID": "2", "releaseDate": "2024-02-01", "releaseTag": ["tenderUpdate"], "value": "Final"},
        ]},
    }
    compiled = compile_ocid([item(versioned, "versioned")])
    assert compiled == {"ocid": "ocds-a-1", "tag": ["compiled"], "tender": {"title": "Final"}}


def test_the_merge_rules_ship_with_the_project():
    document = json.loads(compiling.RULES_JSON.read_text(encoding="utf-8"))
    assert document["schema"].endswith("1__1__5/release-schema.json")
    rules = {tuple(path): rule for path, rule in document["rules"]}
    assert rules[("tag",)] == "omitWhenMerged" and rules[("parties", "roles")] == "wholeListMerge"


def compiled_by_ocid(path):
    by_ocid = collections.defaultdict(list)
    for each in reading.read(path):
        by_ocid[each.ocid].append(each)
    return {ocid: compile_ocid(items) for ocid, items in by_ocid.items()}


@needs_shared(SAMPLES)
@pytest.mark.parametrize("path", sorted((SAMPLES / "ocdskit-realdata").glob("*.json")) + sorted((SAMPLES / "uk-contracts-finder-2014").rglob("*.json")), ids=lambda path: path.name[:60])
def test_every_sample_file_compiles(path):
    compiled = compiled_by_ocid(path)
    assert compiled and all(release["ocid"] == ocid and "compiled" in release["tag"] for ocid, release in compiled.items())


@needs_shared(SAMPLES)
def test_the_utf_8_and_iso_8859_1_packages_compile_alike():
    edge = SAMPLES / "ocdskit-realdata"
    assert compiled_by_ocid(edge / "release-package_encoding-iso-8859-1.json") == compiled_by_ocid(edge / "release-package_encoding-utf-8.json")


@needs_shared(SAMPLES)
def test_a_package_split_in_two_compiles_as_the_whole():
    edge = SAMPLES / "ocdskit-realdata"
    assert compiled_by_ocid(edge / "release-package_split.json") == compiled_by_ocid(edge / "release-package-1-2.json")


@needs_shared(SAMPLES)
def test_contracts_finder_2014_republished_one_release_id_in_two_shapes():
    """Its folder holds each notice as a 1.1 release and again inside a converted record:
    the same release id with different content, which a whole-folder import refuses."""
    with pytest.raises(Uncompilable, match="appears twice with different content"):
        compiled_by_ocid(SAMPLES / "uk-contracts-finder-2014")

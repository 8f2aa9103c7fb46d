"""Reading OCDS as a stream: every real sample, every shape and encoding, gzip, standard
input, folders, and input that is not OCDS or not JSON at all."""

import gzip
import io
import json
from collections import Counter

import pytest

from citytools.notices import reading
from citytools.notices.reading import Unreadable
from tests.conftest import SHARED_DATA, needs_shared

SAMPLES = SHARED_DATA / "ocds" / "samples"
EDGE_CASES = SAMPLES / "ocdskit-realdata"

# ocdskit's real-data edge cases: what each file holds, as kinds of release read and ocids.
EXPECTED = {
    "compile_encoding_encoding.json": ({"compiled": 1}, 1),
    "compiled-release-1.json": ({"compiled": 1}, 1),
    "compiled-release-2.json": ({"compiled": 1}, 1),
    "record-package-1-2.json": ({"release": 2}, 2),
    "record-package-1.json": ({"release": 1}, 1),
    "record-package-2.json": ({"release": 1}, 1),
    # OCDS 1.0 and 1.1 record packages whose releases are linked: the compiled release stands for them.
    "record-package_1.0.json": ({"compiled": 1}, 1),
    "record-package_1.1.json": ({"compiled": 1}, 1),
    "record-package_linked-releases.json": ({"compiled": 2}, 2),
    # Several packages, one after the other (JSON Lines).
    "record-package_package.json": ({"release": 4}, 2),
    "record-package_package_1.1.json": ({"release": 4}, 2),
    "record-package_record-package.json": ({"release": 2}, 2),
    "record-package_split.json": ({"release": 4}, 2),
    "record-package_versioned.json": ({"release": 4}, 2),
    "release-package-1-2.json": ({"release": 4}, 2),
    "release-package-1.json": ({"release": 2}, 1),
    "release-package-2.json": ({"release": 2}, 1),
    "release-package_1.0-1.json": ({"compiled": 1}, 1),
    "release-package_1.0-2.json": ({"release": 1}, 1),
    "release-package_1.1-1.json": ({"compiled": 1}, 1),
    "release-package_1.1-2.json": ({"release": 1}, 1),
    "release-package_encoding-iso-8859-1.json": ({"release": 3}, 1),
    "release-package_encoding-utf-8.json": ({"release": 3}, 1),
    "release-package_record-package.json": ({"release": 2}, 2),
    "release-package_split.json": ({"release": 4}, 2),
    "versioned-release-1.json": ({"versioned": 1}, 1),
    "versioned-release-2.json": ({"versioned": 1}, 1),
}


@needs_shared(EDGE_CASES)
def test_every_edge_case_is_listed():
    assert sorted(path.name for path in EDGE_CASES.glob("*.json")) == sorted(EXPECTED)


@needs_shared(EDGE_CASES)
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_edge_case_of_ocdskit_reads_as_expected(name):
    items = list(reading.read(EDGE_CASES / name))
    kinds, ocids = EXPECTED[name]
    assert dict(Counter(item.kind for item in items)) == kinds
    assert len({item.ocid for item in items}) == ocids
    assert all(item.ocid for item in items)
    assert [item.number for item in items] == list(range(1, len(items) + 1))


@needs_shared(SAMPLES)
def test_the_contracts_finder_samples_read_as_releases():
    recent = list(reading.read(SAMPLES / "uk-contracts-finder-2017-2020"))
    assert len(recent) == 100 and {item.kind for item in recent} == {"release"}
    assert all(item.ocid.startswith("ocds-b5fd17") for item in recent)
    # 2014: single releases, and records whose releases are given in full.
    older = list(reading.read(SAMPLES / "uk-contracts-finder-2014"))
    assert len(older) == 32 and len({item.ocid for item in older}) == 11


@needs_shared(EDGE_CASES)
def test_iso_8859_1_reads_as_its_utf_8_twin():
    latin = [item.data for item in reading.read(EDGE_CASES / "release-package_encoding-iso-8859-1.json")]
    utf8 = [item.data for item in reading.read(EDGE_CASES / "release-package_encoding-utf-8.json")]
    assert latin == utf8
    assert "Ó" in json.dumps(latin, ensure_ascii=False, default=str)


def release(ocid: str, number: int) -> dict:
    return {"ocid": ocid, "id": f"{ocid}-{number}", "date": "2024-01-0{number}T00:00:00Z", "tag": ["tender"], "buyer": {"name": "Camden Council"}}


def package(*releases) -> dict:
    return {"uri": "https://example.org/p", "publishedDate": "2024-01-01T00:00:00Z", "version": "1.1", "releases": list(releases)}


def items_of(tmp_path, content: bytes, name="notices.json"):
    path = tmp_path / name
    path.write_bytes(content)
    return [(item.kind, item.data.get("id", item.ocid)) for item in reading.read(path)]


def test_every_shape_of_releases_reads_the_same(tmp_path):
    one, two = release("ocds-a-1", 1), release("ocds-a-1", 2)
    want = [("release", "ocds-a-1-1"), ("release", "ocds-a-1-2")]
    shapes = {
        "a package": json.dumps(package(one, two)),
        "packages as JSON Lines": json.dumps(package(one)) + "\n" + json.dumps(package(two)) + "\n",
        "releases as JSON Lines": json.dumps(one) + "\n\n" + json.dumps(two),
        "an array of releases": json.dumps([one, two]),
        "a record": json.dumps({"ocid": "ocds-a-1", "releases": [one, two], "compiledRelease": {"ocid": "ocds-a-1", "tag": ["compiled"]}}),
        "a record package": json.dumps({"uri": "x", "records": [{"ocid": "ocds-a-1", "releases": [one, two]}]}),
    }
    for shape, text in shapes.items():
        assert items_of(tmp_path, text.encode()) == want, shape


def test_gzip_is_told_by_its_bytes_not_its_name(tmp_path):
    content = gzip.compress(json.dumps(package(release("ocds-a-1", 1))).encode())
    assert items_of(tmp_path, content, "notices.json") == [("release", "ocds-a-1-1")]
    assert items_of(tmp_path, content, "notices.json.gz") == [("release", "ocds-a-1-1")]


def test_standard_input_is_read(monkeypatch):
    content = json.dumps(package(release("ocds-a-1", 1))).encode()
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BufferedReader(io.BytesIO(content))))
    assert [(item.source, item.ocid) for item in reading.read("-")] == [("standard input", "ocds-a-1")]


def test_a_folder_is_read_file_by_file_and_other_files_are_left_alone(tmp_path):
    (tmp_path / "b.json").write_text(json.dumps(package(release("ocds-b-1", 1))))
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.jsonl.gz").write_bytes(gzip.compress(json.dumps(release("ocds-a-1", 1)).encode()))
    (tmp_path / "README.md").write_text("not notices")
    items = list(reading.read(tmp_path))
    assert [(item.source, item.ocid) for item in items] == [("b.json", "ocds-b-1"), ("a.jsonl.gz", "ocds-a-1")]


def test_a_linked_release_is_skipped_and_its_record_stands_for_it(tmp_path):
    record = {"ocid": "ocds-a-1", "releases": [{"url": "https://example.org/r/1", "date": "2024-01-01", "tag": ["tender"]}],
              "compiledRelease": {"ocid": "ocds-a-1", "id": "c", "tag": ["compiled"]}}
    assert items_of(tmp_path, json.dumps({"records": [record]}).encode()) == [("compiled", "c")]


def test_escaped_and_odd_text_comes_through_as_written(tmp_path):
    data = release("ocds-a-1", 1)
    data["buyer"]["name"] = "Telford &amp; Wrekin Council \u2013 \U0001f3db"
    (tmp_path / "x.json").write_text(json.dumps(data))
    (item,) = reading.read(tmp_path / "x.json")
    assert item.data["buyer"]["name"] == "Telford &amp; Wrekin Council \u2013 \U0001f3db"


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (b"", "the file is empty"),
        (b"   \n", "the file is empty"),
        (b'{"releases": [{"ocid": "ocds-a-1", "id": "1"}, {"ocid": "ocds-a', "ends in the middle"),
        (b'{"releases": [{"ocid": "ocds-a-1", "id": "1"}]', "ends in the middle"),
        (b'{"name": "a spreadsheet saved as JSON"}', "not OCDS"),
        (b"[1, 2, 3]", "not OCDS"),
        (b"42", "is not an OCDS package"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "not valid JSON"),
        (b'{"releases": [{"ocid": "ocds-a-1", "id": "1", "tender": {"value": {"amount": 1e9999}}}]} {"a": NaN}', "not valid JSON"),
        (gzip.compress(b'{"releases": [')[:-6], "cannot be read"),
    ],
    ids=["empty", "blank", "truncated", "unclosed", "not OCDS", "numbers", "a bare number", "an image", "NaN", "broken gzip"],
)
def test_what_cannot_be_read_is_named_with_the_file_and_where(tmp_path, content, says):
    path = tmp_path / "bad.json"
    path.write_bytes(content)
    with pytest.raises(Unreadable) as raised:
        list(reading.read(path))
    assert says in str(raised.value) and "bad.json" in str(raised.value)


def test_a_missing_path_is_named():
    with pytest.raises(Unreadable, match="no such file or folder"):
        list(reading.read("/nonexistent/notices.json"))


def test_items_before_the_error_were_already_read(tmp_path):
    """The stream ends at the error; what came before is yielded, and the caller decides."""
    path = tmp_path / "half.jsonl"
    path.write_text(json.dumps(release("ocds-a-1", 1)) + "\n" + '{"ocid": "ocds-a-2", "id": ')
    seen = []
    with pytest.raises(Unreadable, match=r"after item 1"):
        for item in reading.read(path):
            seen.append(item.ocid)
    assert seen == ["ocds-a-1"]


def test_a_large_stream_is_read_one_release_at_a_time(tmp_path):
    """50,000 releases in one package: each is handed over as soon as it is read (the first
    arrives long before the file's end), so the whole file is never held."""
    path = tmp_path / "big.json.gz"
    with gzip.open(path, "wt") as handle:
        handle.write('{"uri": "x", "releases": [')
        handle.write(",".join(json.dumps(release(f"ocds-big-{n}", 1)) for n in range(50_000)))
        handle.write("]}")
    items = reading.read(path)
    first = next(items)
    assert first.ocid == "ocds-big-0" and first.near_byte < 1_000_000
    assert sum(1 for _ in items) == 49_999

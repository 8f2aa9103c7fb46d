"""Our compiled releases equal ocdskit's (`ocdskit compile`, the Open Contracting
Partnership's tool), on every shared sample file and on a synthetic stream.

ocdskit is given the OCDS 1.1.5 release schema of the shared data, the schema our merge rules
were derived from (citytools/notices/data/ocds_merge_rules.json), as its `--schema` option
would give it. Without one it fetches a schema from the standard's website, and the schema of
each extension a package declares, and the tests run offline. So both sides compile with the
core schema's rules: what a declared extension would change is compared by neither. Nor is
what OCDS 1.0 would change: for a 1.0 file (the Contracts Finder 2014 packages, and some of
ocdskit's) ocdskit online takes the 1.0 schema, whose rule for `awards.suppliers` differs
(ocdskit says so where it refuses to mix versions), while both compile here with 1.1.5's; the
1.0 samples give one release per ocid, where the rule makes no difference.

ocdskit reads a file as its command does (every JSON value, an array's entries one by one, in
the encoding its `--encoding` option would be told). `ocdskit compile` reads release packages
and releases, not records, so a record package's full releases are given to it as releases.
Each file is compared on its own, as one publication.

What our reader deliberately treats otherwise is listed in NOT_COMPARED with the reason, and
the test checks that the file holds nothing else, so that a listing cannot hide a release
that could be compared.
"""

import collections
import io
from decimal import Decimal

import ijson
import pytest
from ocdskit.combine import merge
from ocdskit.exceptions import InconsistentVersionError
from ocdskit.util import is_linked_release

from citytools.notices import reading
from citytools.notices.compiling import Uncompilable, compile_ocid
from tests.conftest import SHARED_DATA, needs_shared
from tests.notices import synthetic

SAMPLES = SHARED_DATA / "ocds" / "samples"
SCHEMA = SHARED_DATA / "ocds" / "schema" / "release-schema.json"
SAMPLE_FILES = sorted(SAMPLES.rglob("*.json")) if SAMPLES.exists() else []
# What a person would tell `ocdskit compile --encoding`; our reader finds out by itself.
ENCODINGS = {"release-package_encoding-iso-8859-1.json": "iso-8859-1"}

COMPILED = (
    "a compiled release, published alone or standing for a record whose releases are only "
    "linked: ours takes it as it is; `ocdskit compile` would compile it again as if it were a "
    "release, giving it a new id and dropping its nulls"
)
VERSIONED = (
    "a versioned release: ours keeps each field's latest value; `ocdskit compile` reads "
    "release packages and releases, not versioned releases"
)
NOT_COMPARED = {
    "compile_encoding_encoding.json": ({"compiled"}, COMPILED),
    "compiled-release-1.json": ({"compiled"}, COMPILED),
    "compiled-release-2.json": ({"compiled"}, COMPILED),
    "record-package_1.0.json": ({"compiled"}, COMPILED),
    "record-package_1.1.json": ({"compiled"}, COMPILED),
    "record-package_linked-releases.json": ({"compiled"}, COMPILED),
    "release-package_1.0-1.json": ({"compiled"}, COMPILED),
    "release-package_1.1-1.json": ({"compiled"}, COMPILED),
    "versioned-release-1.json": ({"versioned"}, VERSIONED),
    "versioned-release-2.json": ({"versioned"}, VERSIONED),
}


def numbers_as_written(value):
    """The value with every number as one Decimal: ocdskit keeps releases in SQLite as JSON and
    reads them back as floats, our reader gives Decimals from a package and floats from JSON
    Lines; 75464.96 is the same amount however it came."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, float):
        return Decimal(repr(value)).normalize()
    if isinstance(value, (int, Decimal)):
        return Decimal(value).normalize()
    if isinstance(value, dict):
        return {key: numbers_as_written(item) for key, item in value.items()}
    return [numbers_as_written(item) for item in value]


def ocdskit_input(path):
    """The items `ocdskit compile` would read from `path`: packages and releases, and for a
    record package its records' full releases."""
    content = path.read_bytes().decode(ENCODINGS.get(path.name, "utf-8")).encode("utf-8")
    for value in ijson.items(io.BytesIO(content), "", multiple_values=True):
        for item in value if isinstance(value, list) else [value]:
            if "records" in item:
                for record in item["records"]:
                    yield from (release for release in record.get("releases") or [] if not is_linked_release(release))
            else:
                yield item


def ocdskit_compiled(items) -> dict[str, dict]:
    return {release["ocid"]: numbers_as_written(release) for release in merge(items, schema=str(SCHEMA))}


def ours_by_ocid(path) -> dict[str, list[reading.Item]]:
    by_ocid = collections.defaultdict(list)
    for item in reading.read(path):
        by_ocid[item.ocid].append(item)
    return by_ocid


def test_the_listed_files_are_sample_files():
    assert not SAMPLES.exists() or set(NOT_COMPARED) <= {path.name for path in SAMPLE_FILES}


@needs_shared(SCHEMA)
@pytest.mark.parametrize("path", SAMPLE_FILES, ids=lambda path: f"{path.parent.name}/{path.name[:60]}")
def test_our_compiled_releases_equal_ocdskits(path):
    ours = ours_by_ocid(path)
    kinds = {kind for items in ours.values() for kind in {item.kind for item in items}}
    if path.name in NOT_COMPARED:
        expected_kinds, reason = NOT_COMPARED[path.name]
        assert kinds == expected_kinds, f"{path.name} now holds {kinds}: compare what can be"
        pytest.skip(f"{path.name}: {reason}")
    assert ours and kinds == {"release"}
    theirs = ocdskit_compiled(ocdskit_input(path))
    assert sorted(theirs) == sorted(ours)
    for ocid, items in ours.items():
        assert numbers_as_written(compile_ocid(items)) == theirs[ocid], ocid


@needs_shared(SCHEMA)
def test_the_2014_folder_read_whole_is_refused_by_both():
    """Contracts Finder 2014 published each notice as an OCDS 1.1 release and again, converted,
    in an OCDS 1.0 package: the same release id with two contents. Each file compares above;
    read as one folder, ocdskit refuses to mix the two versions, and our import refuses the
    release id with two contents, naming both places (citytools/notices/compiling.py)."""
    folder = SAMPLES / "uk-contracts-finder-2014"
    with pytest.raises(InconsistentVersionError):
        ocdskit_compiled(item for path in sorted(folder.rglob("*.json")) for item in ocdskit_input(path))
    with pytest.raises(Uncompilable, match="appears twice with different content"):
        for items in ours_by_ocid(folder).values():
            compile_ocid(items)


@needs_shared(SCHEMA)
def test_a_synthetic_stream_compiles_as_ocdskit_compiles_it(tmp_path):
    """The bench's stream (tests/notices/synthetic.py): tenders, awards and amendments of the
    same ocid spread through the file, which the real samples (one release per ocid, mostly)
    do not exercise."""
    path = tmp_path / "notices.jsonl"
    synthetic.write(path, 3_000, seed=7)
    ours = ours_by_ocid(path)
    assert max(len(items) for items in ours.values()) == 3
    theirs = ocdskit_compiled(ocdskit_input(path))
    assert sorted(theirs) == sorted(ours)
    for ocid, items in ours.items():
        assert numbers_as_written(compile_ocid(items)) == theirs[ocid], ocid

"""The bench's synthetic notices (tests/notices/synthetic.py): exactly as many releases as
asked, the same for the same seed, readable in each format, shaped like Contracts Finder's,
with buyers the matcher recognises when they are councils and leaves alone when they are not."""

import collections
import csv
import datetime
import gzip

import pytest

from citytools.directory.matching import Candidate, Matcher
from citytools.notices import reading
from citytools.notices.compiling import compile_ocid
from citytools.notices.facts import facts
from tests.notices import synthetic
from tests.notices.test_against_ocdskit import numbers_as_written

COUNT = 2_000


@pytest.fixture(scope="module")
def stream(tmp_path_factory):
    path = tmp_path_factory.mktemp("synthetic") / "notices.jsonl"
    synthetic.write(path, COUNT, seed=11)
    return path


@pytest.fixture(scope="module")
def by_ocid(stream):
    found = collections.defaultdict(list)
    for item in reading.read(stream):
        found[item.ocid].append(item)
    return found


def test_exactly_the_releases_asked_for_the_same_for_the_same_seed(stream, tmp_path):
    summary = synthetic.write(tmp_path / "again.jsonl", COUNT, seed=11)
    assert (tmp_path / "again.jsonl").read_bytes() == stream.read_bytes()
    assert summary.releases == COUNT == sum(1 for _ in reading.read(stream))
    synthetic.write(tmp_path / "other.jsonl", COUNT, seed=12)
    assert (tmp_path / "other.jsonl").read_bytes() != stream.read_bytes()


@pytest.mark.parametrize("name", ["notices.json", "notices.jsonl.gz", "notices.json.gz"])
def test_each_format_holds_the_same_releases(stream, tmp_path, name):
    path = tmp_path / name
    synthetic.write(path, COUNT, seed=11)
    if name.endswith(".gz"):
        assert path.read_bytes()[:2] == reading.GZIP_MAGIC
    if ".json." in name or name.endswith(".json"):
        assert (gzip.decompress(path.read_bytes()) if name.endswith(".gz") else path.read_bytes()).startswith(b'{"uri"')
    # The same content, however the reader gave its numbers (floats from JSON Lines, Decimals
    # from a package).
    assert [numbers_as_written(item.data) for item in reading.read(path)] == [numbers_as_written(item.data) for item in reading.read(stream)]


def test_a_process_is_a_tender_then_an_award_sometimes_amended_spread_through_the_stream(by_ocid):
    stages = collections.Counter(tuple(tag for item in items for tag in item.data["tag"]) for items in by_ocid.values())
    assert set(stages) <= {("tender",), ("tender", "award"), ("tender", "award", "awardUpdate")}
    assert stages[("tender", "award")] > stages[("tender", "award", "awardUpdate")] > stages[("tender",)] > 0
    for items in by_ocid.values():
        dates = [item.data["date"] for item in items]
        assert dates == sorted(dates) and len(set(dates)) == len(dates)
    # Releases of one process are not next to each other in the file.
    gaps = [items[1].number - items[0].number for items in by_ocid.values() if len(items) > 1]
    assert sum(gap > 1 for gap in gaps) > 0.9 * len(gaps)


def test_compiled_they_give_the_facts_a_notice_of_contracts_finder_gives(by_ocid):
    compiled = [facts(compile_ocid(items)) for items in by_ocid.values()]
    awarded = [fact for fact in compiled if fact.suppliers]
    assert all(fact.buyer and fact.buyer.name and fact.cpv_codes and fact.currency == "GBP" for fact in compiled)
    assert all(fact.start_date and fact.end_date and fact.start_date < fact.end_date for fact in compiled)
    assert len(awarded) > 0.9 * len(compiled)
    numbers = [supplier.company_number for fact in awarded for supplier in fact.suppliers]
    assert 0.6 < sum(bool(number) for number in numbers) / len(numbers) < 0.95
    assert all(number.startswith(("99", "SC99")) for number in numbers if number)
    assert all("&amp;" not in fact.buyer.name and "&#039;" not in fact.title for fact in compiled)
    assert sum(fact.route != "unknown" for fact in compiled) > 0.5 * len(compiled)


def test_some_names_are_html_escaped_as_contracts_finder_writes_them(stream):
    text = stream.read_text(encoding="utf-8")
    assert "&amp;" in text and "&#039;" in text


def day(text: str) -> datetime.date | None:
    return datetime.date.fromisoformat(text) if text else None


def register_matcher() -> Matcher:
    """The matcher over every authority of the register the project ships, as if each were
    an organisation on the map."""
    with synthetic.AUTHORITIES_CSV.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return Matcher([
        Candidate(pk=n, name=row["official_name"], gss_code=row["gss_code"], register_code=row["register_code"],
                  names=(row["short_name"], *row["alternative_names"].split("|")), start_date=day(row["start_date"]),
                  end_date=day(row["end_date"]))
        for n, row in enumerate(rows)
    ])


def test_council_buyers_are_recognised_and_other_public_bodies_are_not(by_ocid):
    matcher = register_matcher()
    others = set(synthetic.OTHER_BUYERS)
    councils = matched = 0
    for items in by_ocid.values():
        fact = facts(compile_ocid(items))
        match = matcher.match(fact.buyer.name, fact.buyer.identifiers, on=fact.released)
        if fact.buyer.name in others:
            assert not match.matched, fact.buyer.name
        else:
            councils += 1
            matched += match.matched
    assert councils > 0.6 * len(by_ocid)
    # A name the register gives to two councils of the same time, or to one that did not
    # exist on the notice's day, is left for a person; nearly all are recognised.
    assert matched > 0.9 * councils

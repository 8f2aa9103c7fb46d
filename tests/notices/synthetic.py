"""Synthetic public notices (OCDS) shaped like Contracts Finder's, for the bench and the tests.

    python -m tests.notices.synthetic --releases N --out FILE.jsonl[.gz] [--seed S]
    python -m tests.notices.synthetic --releases N --out FILE.json[.gz] [--seed S]

Writes exactly N releases: one release a line (JSON Lines) or, when the name ends in .json
(or .json.gz), one release package. Gzip-compressed when the name ends in .gz.

Each contracting process (ocid) has a tender release, then usually an award, and sometimes
an amendment of the award (a higher value, a later end); a few stop at the tender. Its
releases are spread through the stream among other processes' (each comes up to LATER
releases after the one before), as in a publisher's bulk file sorted by date, so a reader
cannot count on an ocid's releases being next to each other.

What the releases hold follows the real samples (shared data, `uk-contracts-finder-2017-2020`):
a buyer party with a name, sometimes an identifier (a register code, GB-LAE-CMD, or a
Cabinet Office registration) and an address; suppliers and tenderers as parties with GB-COH
identifiers (some with none, as Contracts Finder often gives); CPV codes from the project's
vocabulary; values in GBP, sometimes 0; contract periods; procurement methods and their
details as Contracts Finder writes them; about half the processes with names and text
HTML-escaped (`&amp;`, `&#039;`), as Contracts Finder escapes them.

Buyers are councils named as the UK register the project ships writes them
(citytools/directory/data/uk_local_authority_names.csv, every spelling it has seen), and other
public bodies (a fire service, an NHS trust, a purchasing consortium) that no council is. The
suppliers are invented ("Example Systems 123 Ltd"), with company numbers that Companies House
has not issued (99 or SC99 followed by digits), so nothing here is a real company's record.

Deterministic: the same N and seed give the same bytes. Memory stays constant whatever N:
each release is written as soon as it is made.
"""

import argparse
import csv
import datetime
import gzip
import hashlib
import heapq
import random
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import orjson

import citytools
from citytools.notices.classifying import CPV_LABELS_CSV, HINTS_CSV

# The register as the project ships it (citytools.directory.matching reads the same file; it is
# named here rather than imported so that the generator runs without Django).
REGISTER = Path(citytools.__file__).resolve().parent / "directory" / "data"
NAMES_CSV = REGISTER / "uk_local_authority_names.csv"
AUTHORITIES_CSV = REGISTER / "uk_local_authorities.csv"
REGISTER_SCHEMES = {"England": "GB-LAE", "Scotland": "GB-LAS", "Wales": "GB-LAW", "Northern Ireland": "GB-NIE"}
OCID_PREFIX = "ocds-b5fd17"
# A process's next release comes up to LATER releases after its last (on average half that),
# so a few hundred processes are open at once, whatever N.
LATER = 1_000
SUPPLIERS = 4_000
FIRST_DAY = datetime.datetime(2017, 1, 2, tzinfo=datetime.UTC)
SPAN = datetime.timedelta(days=4 * 365)  # the tenders of any N spread over four years
# Public bodies that buy but are not councils, some with a council's name inside theirs: the
# matcher must leave them unmatched.
OTHER_BUYERS = (
    "Crown Commercial Service",
    "Department for Education",
    "Ministry of Defence, C&C, C&C",
    "NHS Shared Business Services Ltd (NHS SBS)",
    "Camden and Islington NHS Foundation Trust",
    "Kent Fire and Rescue Service",
    "Yorkshire Purchasing Organisation",
    "Eastern Shires Purchasing Organisation",
    "Great Shelford Parish Council",
    "Environment Agency",
    "Transport for London",
    "Metropolitan Police Service",
    "University of Example",
    "Example Housing Association",
    "L&Q Construction",
    "Guy's and St Thomas' NHS Foundation Trust",
)
# (procurementMethod, procurementMethodDetails) as Contracts Finder writes them.
METHODS = (
    (None, "Open procedure"),
    ("open", "Open procedure (OJEU)"),
    ("open", "Open (non-OJEU)"),
    (None, "Restricted procedure"),
    ("selective", "Restricted procedure (OJEU)"),
    ("selective", "Call off from a Framework Agreement"),
    ("selective", "Competitive dialogue (OJEU)"),
    ("limited", "Competitive quotation (non-OJEU)"),
    ("direct", "Negotiated procedure without prior publication (OJEU)"),
    (None, "Other - Further Competition via YPO's Insurance Placement DPS"),
    (None, "Not specified"),
)
OTHER_SUBJECTS = (
    "grounds maintenance", "highways resurfacing", "school catering", "cleaning of council buildings",
    "temporary agency staff", "legal services", "insurance placement", "printing and mailing",
    "fleet vehicles", "energy supply", "library books", "enforcement agency services",
)
WORDS = ("Example", "Sample", "Specimen", "Placeholder", "Illustrative", "Model", "Demo", "Test")
TRADES = ("Systems", "Software", "Digital", "Data", "Consulting", "Services", "Networks", "Solutions", "Technology", "Cloud")
FORMS = ("Ltd", "Limited", "Ltd.", "PLC", "LLP")


@dataclass(frozen=True)
class Summary:
    releases: int
    processes: int
    bytes: int


def _rows(path: Path) -> list[dict]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _escaped(text: str) -> str:
    """Text as Contracts Finder escapes it."""
    return text.replace("&", "&amp;").replace("'", "&#039;")


class Stream:
    """The releases of one synthetic stream, in the order they are written."""

    def __init__(self, count: int, seed: int):
        self.count = count
        self.rng = random.Random(seed)
        nations = {row["register_code"]: row["nation"] for row in _rows(AUTHORITIES_CSV)}
        self.councils = [(row["name"], row["register_code"], nations.get(row["register_code"], "England")) for row in _rows(NAMES_CSV)]
        cpv = [row["code"] for row in _rows(CPV_LABELS_CSV) if row["label"] and not row["label"][0].isdigit()]
        self.cpv_labels = {row["code"]: row["label"] for row in _rows(CPV_LABELS_CSV)}
        self.it_codes = [code for code in cpv if code[:2] in ("48", "72")]
        self.other_codes = [code for code in cpv if code[:2] not in ("48", "72")]
        self.groups: dict[str, list[str]] = {}  # a notice's further codes come from its first code's group
        for code in cpv:
            self.groups.setdefault(code[:3], []).append(code)
        self.it_subjects = [row["hint"] for row in _rows(HINTS_CSV) if row["kind"] == "words"]
        self.suppliers = [self._supplier(number) for number in range(1, SUPPLIERS + 1)]
        # Processes started per day of the span, so that any N covers the four years.
        self.step = SPAN / max(1, count / 2.2)
        self.processes = 0

    # What a process is made of ------------------------------------------------------------

    def _supplier(self, number: int) -> tuple[str, str]:
        rng = self.rng
        name = f"{rng.choice(WORDS)} {rng.choice(TRADES)} {number} {rng.choice(FORMS)}"
        if rng.random() < 0.08:
            name = name.replace(" ", " & Partners ", 1)
        roll = rng.random()
        if roll < 0.2:
            company = ""  # Contracts Finder often gives a supplier with no identifier
        elif roll < 0.25:
            company = f"SC99{rng.randrange(10_000):04d}"
        else:
            company = f"99{rng.randrange(1_000_000):06d}"
        return name, company

    def _uuid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def _amount(self) -> float:
        rng = self.rng
        if rng.random() < 0.12:
            return 0
        amount = rng.lognormvariate(11.5, 1.6)
        return round(amount, 2) if rng.random() < 0.3 else float(round(amount, -2))

    def _buyer(self, escape) -> dict:
        rng = self.rng
        identifier = None
        if rng.random() < 0.75:
            name, code, nation = rng.choice(self.councils)
            roll = rng.random()
            if roll < 0.25:
                identifier = {"scheme": REGISTER_SCHEMES[nation], "id": code}
            elif roll < 0.5:
                identifier = {"scheme": "GB-SRS", "id": f"sid4gov.cabinetoffice.gov.uk/{rng.getrandbits(40):010x}"}
        else:
            name = rng.choice(OTHER_BUYERS)
            if rng.random() < 0.4:
                identifier = {"scheme": "GB-SRS", "id": f"sid4gov.cabinetoffice.gov.uk/{rng.getrandbits(40):010x}"}
        name = escape(name)
        party = {
            "id": hashlib.md5(name.encode(), usedforsecurity=False).hexdigest(),
            "roles": ["buyer"],
            "name": name,
            "address": {"locality": None, "postalCode": None, "countryName": "England"},
            "contactPoint": {"name": "Procurement team", "email": "procurement@example.org", "telephone": ""},
        }
        if identifier:
            party["identifier"] = {**identifier, "legalName": None}
        return party

    def _process(self) -> dict:
        """The facts of a new contracting process, and the stages it will publish."""
        rng = self.rng
        escape = _escaped if rng.random() < 0.5 else str
        self.processes += 1
        tendered = (FIRST_DAY + self.step * self.processes).replace(hour=0, minute=0, second=0, microsecond=0)
        it = rng.random() < 0.5
        subject = rng.choice(self.it_subjects if it else OTHER_SUBJECTS)
        first = rng.choice(self.it_codes if it else self.other_codes)
        group = self.groups[first[:3]]
        codes = list(dict.fromkeys([first, *rng.sample(group, min(len(group), rng.choice((0, 0, 0, 1, 2))))]))
        description = f"The authority seeks a provider of {subject} for an initial term, with options to extend. Bidders' responses are evaluated on quality & price."
        if rng.random() < 0.1:
            description += " Questions to procurement@example.org or 020 7946 0123."
        start = tendered + datetime.timedelta(days=rng.randrange(60, 200))
        suppliers = rng.sample(self.suppliers, rng.choice((1, 1, 1, 2, 2, 3, 4)))
        tenderers = len(suppliers) + rng.randrange(4)
        method, details = rng.choice(METHODS)
        roll = rng.random()
        stages = ["tender"] if roll < 0.05 else ["tender", "award"] if roll < 0.8 else ["tender", "award", "amendment"]
        return {
            "ocid": f"{OCID_PREFIX}-{self._uuid()}",
            "stages": stages,
            "published": 0,
            "buyer": self._buyer(escape),
            "title": escape(f"{subject[0].upper()}{subject[1:]} {rng.choice(('system', 'contract', 'services', 'framework'))}"),
            "description": escape(description),
            "codes": codes,
            "method": method,
            "details": escape(details),
            "estimate": self._amount(),
            "awarded": self._amount(),
            "tendered": tendered,
            "closes": tendered + datetime.timedelta(days=rng.randrange(20, 45)),
            "decided": tendered + datetime.timedelta(days=rng.randrange(46, 120)),
            "start": start,
            "end": start + datetime.timedelta(days=rng.choice((365, 730, 1095, 1826))),
            "extended": rng.choice((182, 365, 730)),
            "suppliers": [(str(n), escape(name.upper().replace("LTD.", "LIMITED") if rng.random() < 0.1 else name), company)
                          for n, (name, company) in enumerate(suppliers, start=1)],
            "tenderers": tenderers,
            "award_id": self._uuid(),
            "sme": [rng.random() < 0.5 for _ in suppliers],
        }

    # Each stage as a release -------------------------------------------------------------

    @staticmethod
    def _day(moment: datetime.datetime) -> str:
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")

    def _release(self, process: dict, stage: str) -> dict:
        number = process["published"] + 1
        process["published"] = number
        amended = stage == "amendment"
        awarded = stage in ("award", "amendment")
        date = {"tender": process["tendered"], "award": process["decided"]}.get(stage) or process["decided"] + datetime.timedelta(days=300)
        end = process["end"] + datetime.timedelta(days=process["extended"]) if amended else process["end"]
        period = {"startDate": self._day(process["start"]), "endDate": self._day(end)}
        tender = {
            "id": f"{process['ocid']}-tender",
            "title": process["title"],
            "description": process["description"],
            "status": "complete" if awarded else "active",
            "items": [
                {"id": n, "description": "See description of related tender.",
                 "classification": {"scheme": "CPV", "id": code, "description": self.cpv_labels[code]}}
                for n, code in enumerate(process["codes"], start=1)
            ],
            "value": {"amount": process["estimate"], "currency": "GBP"},
            "procurementMethod": process["method"],
            "procurementMethodDetails": process["details"],
            "tenderPeriod": {"endDate": self._day(process["closes"])},
            "contractPeriod": {"startDate": self._day(process["start"]), "endDate": self._day(process["end"])},
        }
        parties = [process["buyer"]]
        release = {
            "ocid": process["ocid"],
            "id": f"{process['ocid']}-{number}",
            "date": self._day(date),
            "tag": {"tender": ["tender"], "award": ["award"], "amendment": ["awardUpdate"]}[stage],
            "initiationType": "tender",
            "parties": parties,
            "language": "en-GB",
            "tender": tender,
            "buyer": {"id": process["buyer"]["id"], "name": process["buyer"]["name"]},
        }
        if awarded:
            for (party_id, name, company), sme in zip(process["suppliers"], process["sme"]):
                supplier = {"id": party_id, "roles": ["supplier", "tenderer"], "name": name, "sme": sme,
                            "address": {"streetAddress": "1 Example Street", "locality": "Exampleton", "postalCode": "", "countryName": ""}}
                supplier["identifier"] = {"scheme": "GB-COH" if company else "", "id": company, "legalName": None}
                parties.append(supplier)
            tender["numberOfTenderers"] = process["tenderers"]
            tender["tenderers"] = [{"id": party_id, "name": name} for party_id, name, _ in process["suppliers"]]
            value = round(process["awarded"] * 1.2, 2) if amended else process["awarded"]
            award = {
                "id": process["award_id"],
                "description": "See description of related tender",
                "status": "active",
                "date": self._day(process["decided"]),
                "value": {"amount": value, "currency": "GBP"},
                "suppliers": [{"id": party_id, "name": name} for party_id, name, _ in process["suppliers"]],
                "contractPeriod": period,
            }
            if amended:
                award["amendments"] = [{"id": "1", "date": self._day(date), "rationale": "The contract period is extended and its value increased."}]
            release["awards"] = [award]
        return release

    def __iter__(self) -> Iterator[dict]:
        rng = self.rng
        due: list[tuple[int, int, dict]] = []  # (the step its next release is due, order, process)
        pending = 0  # releases the open processes have still to publish
        for step in range(self.count):
            remaining = self.count - step
            if due and (due[0][0] <= step or pending >= remaining):
                process = heapq.heappop(due)[2]
            else:
                process = self._process()
                process["stages"] = process["stages"][: remaining - pending]
                pending += len(process["stages"])
            stage = process["stages"][process["published"]]
            pending -= 1
            yield self._release(process, stage)
            if process["published"] < len(process["stages"]):
                heapq.heappush(due, (step + rng.randrange(1, LATER), step, process))


def releases(count: int, *, seed: int = 2024) -> Iterator[dict]:
    """`count` synthetic releases, in the order a stream holds them."""
    return iter(Stream(count, seed))


def write(path: str | Path, count: int, *, seed: int = 2024) -> Summary:
    """Write `count` releases to `path` (see the module's docstring for the formats)."""
    path = Path(path)
    name = path.name.lower().removesuffix(".gz")
    stream = Stream(count, seed)
    with gzip.open(path, "wb", compresslevel=6) if path.name.lower().endswith(".gz") else path.open("wb") as out:
        if name.endswith(".json"):
            # No `extensions`: a tool that reads them fetches each one, and the bench is offline.
            out.write(orjson.dumps({"uri": f"https://example.org/synthetic/{seed}/{count}.json", "version": "1.1",
                                    "publishedDate": "2021-01-01T00:00:00Z", "publisher": {"name": "City Tools synthetic notices"}})[:-1])
            out.write(b',"releases":[')
            for number, release in enumerate(stream):
                if number:
                    out.write(b",")
                out.write(orjson.dumps(release))
            out.write(b"]}\n")
        else:
            for release in stream:
                out.write(orjson.dumps(release, option=orjson.OPT_APPEND_NEWLINE))
    return Summary(releases=count, processes=stream.processes, bytes=path.stat().st_size)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.notices.synthetic", description=__doc__.splitlines()[0])
    parser.add_argument("--releases", type=int, required=True, help="how many releases to write")
    parser.add_argument("--out", required=True, help="FILE.jsonl, FILE.json (a release package), either with .gz")
    parser.add_argument("--seed", type=int, default=2024, help="the same seed gives the same stream (2024)")
    args = parser.parse_args(argv)
    if args.releases < 1:
        parser.error("--releases must be at least 1")
    started = time.perf_counter()
    summary = write(args.out, args.releases, seed=args.seed)
    print(
        f"Wrote {summary.releases:,} releases of {summary.processes:,} contracting processes to {args.out} "
        f"({summary.bytes / 1e6:,.1f} MB) in {time.perf_counter() - started:.1f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

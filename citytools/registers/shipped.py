"""The public registers City Tools ships, and their rows as the data file gives them.

A register is a file in data/ (derived from its source by a script in scripts/, with its
licence and attribution in data/README.md and NOTICE.md) and a `Register` here saying what
it is, where it came from, under which licence, and which service area its systems go in.
Reading one is checked (citytools.registers.rules), so a damaged file is refused whole.
"""

import csv
import functools
from dataclasses import dataclass
from pathlib import Path

from citytools.core.errors import DomainError, NotFound
from citytools.registers import rules

DATA = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class Register:
    name: str  # in addresses and on the command line: `citytools load_register libraries`
    title: str
    summary: str
    service_area: str  # the slug of the service area its systems are put in
    label: str  # the records' provenance label, "public register: …"
    published: str  # when the source was published, in words
    source: str
    source_url: str
    licence: str
    licence_url: str
    attribution: str
    filename: str

    @property
    def path(self) -> Path:
        return DATA / self.filename

    def provenance(self, url: str) -> dict:
        """What a record put on the map from this register keeps of where it came from."""
        return {
            "label": self.label,
            "source": f"register:{self.name}",
            "register": self.name,
            "url": url,
            "attribution": self.attribution,
            "licence": self.licence,
        }


@dataclass(frozen=True)
class Row:
    """One library service of the register (data/README.md describes each column)."""

    line: int
    register_code: str
    library_service: str
    gss_codes: tuple[str, ...]
    code_change: str
    organisation_name: str
    organisation_kind: str
    system: str
    product: str
    version: str
    maker: str
    catalogue_url: str

    @property
    def is_authority(self) -> bool:
        return self.code_change != rules.NOT_AN_AUTHORITY


REGISTERS = {
    register.name: register
    for register in (
        Register(
            name="libraries",
            title="Library management systems",
            summary=(
                "Which library management system each UK public library service runs, and the address of its public "
                "catalogue: 208 services, every council that runs libraries and three other public bodies."
            ),
            service_area="libraries",
            label="public register: library catalogues, June 2024",
            published="June 2024",
            source="Libraree, uk-libraries-search: the listing of library services (docs/listing.md)",
            source_url="https://github.com/Libraree/uk-libraries-search",
            licence="MIT",
            licence_url="https://opensource.org/license/mit",
            attribution="Copyright (c) 2023 Libraree. The listing of UK library services, from Libraree/uk-libraries-search, used under the MIT licence.",
            filename="libraries.csv",
        ),
    )
}


def register(name: str) -> Register:
    if name not in REGISTERS:
        raise NotFound(f"No register called {name!r}.")
    return REGISTERS[name]


@functools.cache
def _rows(path: Path, modified: int) -> tuple[Row, ...]:
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = set(rules.COLUMNS) - set(reader.fieldnames or ())
        if missing:
            raise DomainError(f"{path.name} lacks the column(s): {', '.join(sorted(missing))}.")
        rows = []
        for line, raw in enumerate(reader, start=2):
            values = rules.check_row({key: (value or "").strip() for key, value in raw.items()}, line=line)
            rows.append(Row(line=line, **values))
    rules.check_unique([row.register_code for row in rows])
    return tuple(rows)


def rows(name: str, *, path: Path | None = None) -> tuple[Row, ...]:
    """The register's rows, checked, in the file's order: from its shipped file, or from
    `path` (another edition of it). Read again only when the file changes."""
    path = Path(path or register(name).path)
    try:
        modified = path.stat().st_mtime_ns
    except FileNotFoundError as error:
        raise DomainError(f"The register's file is missing: {path.name}.", code="not_found") from error
    return _rows(path, modified)

"""Derive the local-authority files City Tools ships from mySociety's register.

    python scripts/derive_local_authorities.py [SOURCE_CSV] [--names NAMES_CSV]

Reads mySociety's "UK Local Authorities (including future)" CSV (CC-BY-4.0) and writes
citytools/directory/data/uk_local_authorities.csv with only the columns the product uses,
sorted by GSS code; and reads the same package's name lookup (every way the register has
seen an authority written, CC-BY-4.0) and writes citytools/directory/data/
uk_local_authority_names.csv, one name and register code a line, for the organisation
matcher (citytools/directory/matching.py). So the product never reads the shared data folder
at run time and a new release of the register shows up as a readable diff. Run it again
after updating the sources, then check the diff and commit the output.
"""

import argparse
import csv
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = REPO / ".." / "shared" / "data" / "uk-local-authorities" / "uk_local_authorities_future.csv"
OUTPUT = REPO / "citytools" / "directory" / "data" / "uk_local_authorities.csv"
DEFAULT_NAMES_SOURCE = DEFAULT_SOURCE.with_name("lookup_name_to_registry.csv")
NAMES_OUTPUT = OUTPUT.with_name("uk_local_authority_names.csv")

COLUMNS = [
    "gss_code",
    "register_code",
    "official_name",
    "short_name",
    "type_name",
    "region",
    "nation",
    "population",
    "start_date",
    "end_date",
    "alternative_names",
]
# The shipped file separates alternative names with this character, which no name contains.
ALT_NAME_SEPARATOR = "|"

# In the source, names are joined with a bare comma, while a comma inside a name is followed
# by a space ("Bristol, City of"), so only a comma with no space after it separates names.
_ALT_NAME_SPLIT = re.compile(r",(?! )")


def alternative_names(raw: str) -> list[str]:
    """The source's alternative names without the lower-cased copies it adds for matching.

    Of names that differ only in case, the first one written with capitals is kept.
    """
    chosen: dict[str, str] = {}
    for name in (part.strip() for part in _ALT_NAME_SPLIT.split(raw)):
        if not name:
            continue
        key = name.casefold()
        if key not in chosen or (chosen[key] == chosen[key].lower() and name != name.lower()):
            chosen[key] = name
    return list(chosen.values())


def population(raw: str) -> str:
    # The register writes whole numbers as floats ("279516.0").
    return str(int(float(raw))) if raw.strip() else ""


def derive(rows) -> list[dict[str, str]]:
    derived = []
    for row in rows:
        # Former Northern Irish districts abolished in 2015 never had a GSS code, and the
        # product identifies every public body by one.
        if not row["gss-code"].strip():
            continue
        derived.append(
            {
                "gss_code": row["gss-code"].strip(),
                "register_code": row["local-authority-code"].strip(),
                "official_name": row["official-name"].strip(),
                "short_name": row["nice-name"].strip(),
                "type_name": row["local-authority-type-name"].strip(),
                "region": row["region"].strip(),
                "nation": row["nation"].strip(),
                "population": population(row["pop-2020"]),
                "start_date": row["start-date"].strip(),
                "end_date": row["end-date"].strip(),
                "alternative_names": ALT_NAME_SEPARATOR.join(alternative_names(row["alt-names"])),
            }
        )
    derived.sort(key=lambda item: item["gss_code"])
    return derived


def write(rows: list[dict[str, str]], output, columns=COLUMNS) -> None:
    writer = csv.DictWriter(output, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)


def derive_names(rows, codes: set[str]) -> list[dict[str, str]]:
    """The lookup's names of the authorities the product ships, each once whatever its case
    (the first written with capitals), sorted by register code and name."""
    chosen: dict[tuple[str, str], str] = {}
    for row in rows:
        name, code = " ".join(row["la-name"].split()), row["local-authority-code"].strip()
        if not name or code not in codes:
            continue
        key = (code, name.casefold())
        if key not in chosen or (chosen[key] == chosen[key].lower() and name != name.lower()):
            chosen[key] = name
    return [{"name": name, "register_code": code} for (code, _), name in sorted(chosen.items())]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", nargs="?", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--names", type=Path, default=DEFAULT_NAMES_SOURCE)
    parser.add_argument("--names-output", type=Path, default=NAMES_OUTPUT)
    args = parser.parse_args(argv)
    for path in (args.source, args.names):
        if not path.exists():
            print(f"Source not found: {path}", file=sys.stderr)
            return 1
    with args.source.open(newline="", encoding="utf-8") as source:
        rows = derive(csv.DictReader(source))
    with args.output.open("w", newline="", encoding="utf-8") as output:
        write(rows, output)
    print(f"Wrote {len(rows)} local authorities to {args.output.name}")
    with args.names.open(newline="", encoding="utf-8") as source:
        names = derive_names(csv.DictReader(source), {row["register_code"] for row in rows})
    with args.names_output.open("w", newline="", encoding="utf-8") as output:
        write(names, output, columns=["name", "register_code"])
    print(f"Wrote {len(names)} names of local authorities to {args.names_output.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Derive the register of library management systems City Tools ships.

    python scripts/derive_library_register.py [REGISTER_CSV] [--authorities AUTHORITIES_CSV]

Reads the listing of UK public library services and the library management system each runs
(Libraree/uk-libraries-search, docs/listing.md, June 2024, MIT: gss_code, library_service,
library_management_system, catalogue_url) and mySociety's "UK Local Authorities (including
future)" CSV (CC-BY-4.0), and writes citytools/registers/data/libraries.csv, one row per
library service of the register, sorted by the register's code, so the product never reads
the shared data folder at run time. What it changes (citytools/registers/data/README.md):

- each service names the organisations that run it today by their current GSS code: the
  register's code when it is current; the code that replaced it when the register gives a
  former code of the same council (the authorities file's `former-gss-codes`); the
  successors' codes when the council was abolished (its `replaced-by`);
- the three bodies the register lists that are not local authorities keep the register's
  code, with the name and kind of body the loader creates them with (NOT_AUTHORITIES);
- the system's name is split into the product and its version ("ArenaV7" is Arena, version
  7), and each product is given its maker where that is a well-known public fact (MAKERS);
  a system whose maker is not known here keeps an empty maker, and the loader leaves it off
  the map rather than guess.

Run it again after updating the sources, then check the diff and commit the output.
"""

import argparse
import csv
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO / ".." / "shared" / "data"
SOURCE = SHARED / "systems" / "uk-library-management-systems.csv"
AUTHORITIES = SHARED / "uk-local-authorities" / "uk_local_authorities_future.csv"
OUTPUT = REPO / "citytools" / "registers" / "data" / "libraries.csv"

COLUMNS = [
    "register_code",
    "library_service",
    "gss_codes",
    "code_change",
    "organisation_name",
    "organisation_kind",
    "system",
    "product",
    "version",
    "maker",
    "catalogue_url",
]
# Several organisations in one cell of `gss_codes` (an abolished council's successors).
SEPARATOR = "|"

# Who makes each product: public facts about these products, nothing inferred from the
# register. Koha is open-source software with no commercial maker: its community makes it.
MAKERS = {
    "Arena": "Axiell",
    "Enterprise": "SirsiDynix",
    "Iguana": "Infor",
    "Koha": "Koha Community",
    "Luci": "Solus",
    "Prism": "Capita",
    "Spydus": "Civica",
}

# The register's bodies that are not local authorities, so not in the authorities file: the
# library services of two Crown dependencies, and Libraries NI, Northern Ireland's public
# library service (a public body, not a council).
NOT_AUTHORITIES = {
    "X000000GN": ("Guernsey", "Library service of a Crown dependency"),
    "X000000JR": ("Jersey", "Library service of a Crown dependency"),
    "X000000NI": ("Libraries NI", "Public body"),
}

# "ArenaV7" is Arena, version 7; "KohaV22" is Koha, version 22.
VERSIONED = re.compile(r"^(?P<product>.+?)V(?P<version>\d+)$")


def product_and_version(system: str) -> tuple[str, str]:
    found = VERSIONED.match(system)
    return (found["product"], found["version"]) if found else (system, "")


class Authorities:
    """The authorities file, by GSS code and by register code, and the codes each replaced."""

    def __init__(self, rows):
        self.by_gss = {row["gss-code"].strip(): row for row in rows if row["gss-code"].strip()}
        self.by_register = {row["local-authority-code"].strip(): row for row in self.by_gss.values()}
        self.former = {}
        for row in self.by_gss.values():
            for code in filter(None, (part.strip() for part in row["former-gss-codes"].split(","))):
                self.former[code] = row

    def current(self, row) -> list[dict]:
        """The authorities that stand for `row` today: itself, or its successors."""
        if not row["end-date"].strip():
            return [row]
        successors = [part.strip() for part in row["replaced-by"].split(",") if part.strip()]
        if not successors:
            raise ValueError(f"{row['gss-code']} ({row['nice-name']}) was abolished and names no successor.")
        return [current for code in successors for current in self.current(self.by_register[code])]

    def organisations(self, code: str) -> tuple[list[str], str]:
        """The current GSS codes for the register's code, and how they differ from it."""
        if code in self.by_gss:
            found = self.current(self.by_gss[code])
            change = "" if [row["gss-code"] for row in found] == [code] else "successor"
        elif code in self.former:
            found, change = self.current(self.former[code]), "former code"
        else:
            raise ValueError(f"{code} is not in the authorities file, as a code or a former code.")
        return sorted(row["gss-code"].strip() for row in found), change


def derive(register_rows, authority_rows) -> list[dict[str, str]]:
    authorities = Authorities(authority_rows)
    derived = []
    for row in register_rows:
        code = row["gss_code"].strip()
        system = " ".join(row["library_management_system"].split())
        product, version = product_and_version(system)
        if code in NOT_AUTHORITIES:
            codes, change = [code], "not a local authority"
            name, kind = NOT_AUTHORITIES[code]
        else:
            (codes, change), name, kind = authorities.organisations(code), "", ""
        derived.append({
            "register_code": code,
            "library_service": " ".join(row["library_service"].split()),
            "gss_codes": SEPARATOR.join(codes),
            "code_change": change,
            "organisation_name": name,
            "organisation_kind": kind,
            "system": system,
            "product": product,
            "version": version,
            "maker": MAKERS.get(product, ""),
            "catalogue_url": row["catalogue_url"].strip(),
        })
    derived.sort(key=lambda item: (item["register_code"], item["library_service"]))
    return derived


def write(rows: list[dict[str, str]], output) -> None:
    writer = csv.DictWriter(output, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", nargs="?", type=Path, default=SOURCE)
    parser.add_argument("--authorities", type=Path, default=AUTHORITIES)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    for path in (args.source, args.authorities):
        if not path.exists():
            print(f"Source not found: {path}", file=sys.stderr)
            return 1
    with args.source.open(newline="", encoding="utf-8") as source, args.authorities.open(newline="", encoding="utf-8") as authorities:
        rows = derive(csv.DictReader(source), csv.DictReader(authorities))
    args.output.parent.mkdir(parents=True, exist_ok=True)
    with args.output.open("w", newline="", encoding="utf-8") as output:
        write(rows, output)
    print(f"Wrote {len(rows)} library services to {args.output.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

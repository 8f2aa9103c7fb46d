"""Derive the CPV labels City Tools ships from the Common Procurement Vocabulary.

    python scripts/derive_cpv_labels.py [CPV_CSV]

Reads the CPV 2008 vocabulary (EU Regulation 213/2008: 8-digit codes, the check digit left
off, with English labels) and writes citytools/notices/data/cpv_labels.csv, sorted by code,
so that a notice's codes can be shown with their labels and the product never reads the
shared data folder at run time. Run it again for a new edition, then check the diff and
commit the output.
"""

import argparse
import csv
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = REPO / ".." / "shared" / "data" / "cpv" / "cpv-2008-en.csv"
OUTPUT = REPO / "citytools" / "notices" / "data" / "cpv_labels.csv"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", nargs="?", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    if not args.source.exists():
        print(f"Source not found: {args.source}", file=sys.stderr)
        return 1
    with args.source.open(newline="", encoding="utf-8") as source:
        rows = sorted(
            {row["code"].strip(): " ".join(row["label"].split()) for row in csv.DictReader(source) if row["code"].strip()}.items()
        )
    with args.output.open("w", newline="", encoding="utf-8") as output:
        writer = csv.writer(output, lineterminator="\n")
        writer.writerow(["code", "label"])
        writer.writerows(rows)
    print(f"Wrote {len(rows)} CPV codes to {args.output.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Derive the CPV labels City Tools ships from the Common Procurement Vocabulary.

    python scripts/derive_cpv_labels.py [CPV_CSV]

Reads the CPV 2008 vocabulary (EU Regulation 213/2008: 8-digit codes, the check digit left
off, with English labels) and writes citytools/notices/data/cpv_labels.csv, sorted by code,
so that a notice's codes can be shown with their labels and the product never reads the
shared data folder at run time. Run it again for a new edition, then check the diff and
commit the output.
"""

import csv
import sys
from pathlib import Path

from derivation import REPO, SHARED, run

SOURCE = SHARED / "cpv" / "cpv-2008-en.csv"
OUTPUT = REPO / "citytools" / "notices" / "data" / "cpv_labels.csv"


def derive(source: Path, output: Path) -> str:
    with source.open(newline="", encoding="utf-8") as handle:
        rows = sorted(
            {row["code"].strip(): " ".join(row["label"].split()) for row in csv.DictReader(handle) if row["code"].strip()}.items()
        )
    with output.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["code", "label"])
        writer.writerows(rows)
    return f"Wrote {len(rows)} CPV codes to {output.name}"


if __name__ == "__main__":
    sys.exit(run(__doc__, SOURCE, OUTPUT, derive))

"""Derive the OCDS merge rules City Tools ships from the OCDS release schema.

    python scripts/derive_ocds_merge_rules.py [RELEASE_SCHEMA_JSON]

Reads the Open Contracting Data Standard's release schema (1.1.5, Apache-2.0) and writes
citytools/notices/data/ocds_merge_rules.json: for each field the schema gives a merge rule
(replace a whole list, leave out when merging, and so on), its path and the rule, as ocdsmerge
computes them. The product compiles public notices with these rules (citytools/notices/
compiling.py) and so never fetches the schema at run time. Run it again for a new release of
the standard, then check the diff and commit the output.
"""

import argparse
import json
import sys
from pathlib import Path

from ocdsmerge.merge import get_merge_rules

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SOURCE = REPO / ".." / "shared" / "data" / "ocds" / "schema" / "release-schema.json"
OUTPUT = REPO / "citytools" / "notices" / "data" / "ocds_merge_rules.json"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", nargs="?", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    if not args.source.exists():
        print(f"Source not found: {args.source}", file=sys.stderr)
        return 1
    schema = json.loads(args.source.read_text(encoding="utf-8"))
    rules = sorted([list(path), rule] for path, rule in get_merge_rules(schema).items())
    document = {"schema": schema.get("id", ""), "rules": rules}
    args.output.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
    print(f"Wrote {len(rules)} merge rules to {args.output.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Derive the OCDS merge rules City Tools ships from the OCDS release schema.

    python scripts/derive_ocds_merge_rules.py [RELEASE_SCHEMA_JSON]

Reads the Open Contracting Data Standard's release schema (1.1.5, Apache-2.0) and writes
citytools/notices/data/ocds_merge_rules.json: for each field the schema gives a merge rule
(replace a whole list, leave out when merging, and so on), its path and the rule, as ocdsmerge
computes them. The product compiles public notices with these rules (citytools/notices/
compiling.py) and so never fetches the schema at run time. Run it again for a new release of
the standard, then check the diff and commit the output.
"""

import json
import sys
from pathlib import Path

from derivation import REPO, SHARED, run
from ocdsmerge.merge import get_merge_rules

SOURCE = SHARED / "ocds" / "schema" / "release-schema.json"
OUTPUT = REPO / "citytools" / "notices" / "data" / "ocds_merge_rules.json"


def derive(source: Path, output: Path) -> str:
    schema = json.loads(source.read_text(encoding="utf-8"))
    rules = sorted([list(path), rule] for path, rule in get_merge_rules(schema).items())
    output.write_text(json.dumps({"schema": schema.get("id", ""), "rules": rules}, indent=1) + "\n", encoding="utf-8")
    return f"Wrote {len(rules)} merge rules to {output.name}"


if __name__ == "__main__":
    sys.exit(run(__doc__, SOURCE, OUTPUT, derive))

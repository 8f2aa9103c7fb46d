"""What every scripts/derive_*.py shares: a source file (the shared data beside the
repository by default) and an output file in the product's own data, both on the command line."""

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO / ".." / "shared" / "data"


def run(doc: str, source: Path, output: Path, derive: Callable[[Path, Path], str], argv: list[str] | None = None) -> int:
    """Parse SOURCE and --output, check the source is there, call derive(source, output) and
    print what it says it wrote."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("source", nargs="?", type=Path, default=source)
    parser.add_argument("--output", type=Path, default=output)
    args = parser.parse_args(argv)
    if not args.source.exists():
        print(f"Source not found: {args.source}", file=sys.stderr)
        return 1
    print(derive(args.source, args.output))
    return 0

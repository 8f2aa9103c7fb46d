"""Public notices for the doors' tests: the releases of tests/notices/notices.py with the
defaults these tests read back (an awarded parking permit system for Camden, its supplier
with a Companies House number, dates and a value), packages as bytes for an upload, and
`imported(...)`, which runs them through the import service as `citytools import_ocds`
would.

Shared by the notices' door tests, the access and leak worlds, tests/pages.py (the demo's
notices for the browser tests and the benchmark) and the browser tests' uploads.
"""

import json
import tempfile
from pathlib import Path

from citytools.notices.services import run_import
from tests.notices import notices

# Contracts Finder's ocid prefix: its notices get a notice page address.
CONTRACTS_FINDER = "ocds-b5fd17"
SOFTWARE = notices.CPV_SOFTWARE  # Software package and information systems: an IT notice.


def release(
    *,
    ocid: str,
    release_id: str = "1",
    date: str = "2025-01-10T09:00:00Z",
    buyer: str = "London Borough of Camden",
    supplier: str = "Parkware Ltd",
    company_number: str | None = "01234567",
    title: str = "Parking permit system",
    cpv: str = SOFTWARE,
    amount: int | str = 120000,
    start: str = "2025-04-01",
    end: str = "2028-03-31",
    max_extent: str | None = None,
) -> dict:
    """One release of an awarded contract (dates may be days: a notice's day is what it writes)."""
    return notices.release(
        ocid, buyer=buyer, release_id=release_id, date=date, title=title, cpv=cpv, supplier=supplier,
        number=company_number, amount=amount, start=start, end=end, extension=max_extent,
    )


def package_bytes(*releases: dict) -> bytes:
    return json.dumps(notices.package(*releases)).encode()


def imported(*releases: dict, actor, keep_going: bool = False):
    """Import `releases` as `actor` through citytools.notices.services.run_import; its Summary."""
    with tempfile.TemporaryDirectory() as folder:
        return run_import([notices.write(Path(folder), "notices.json", *releases)], actor=actor, keep_going=keep_going)

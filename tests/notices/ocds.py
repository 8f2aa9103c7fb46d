"""Public notices for the tests, written in code: OCDS releases as Contracts Finder publishes
them (a buyer named in words, a supplier with its Companies House number, a CPV code, an
award with its value and contract period), release packages, and `imported(...)`, which
runs them through the import service as a person would run `citytools import_ocds`.

Shared by the notices tests, the access and leak worlds, tests/pages.py (the demo's notices
for the browser tests and the benchmark) and the browser tests' uploads.
"""

import json
import tempfile
from pathlib import Path

# Contracts Finder's ocid prefix: its notices get a notice page address.
CONTRACTS_FINDER = "ocds-b5fd17"
SOFTWARE = "48000000"  # Software package and information systems: an IT notice.
VEHICLES = "34100000"  # Motor vehicles: not IT.


def release(
    *,
    ocid: str,
    release_id: str = "1",
    date: str = "2025-01-10T09:00:00Z",
    buyer: str = "London Borough of Camden",
    supplier: str = "Parkware Ltd",
    company_number: str | None = "01234567",
    title: str = "Parking permit system",
    description: str = "",
    cpv: str = SOFTWARE,
    amount: int | str | None = 120000,
    currency: str = "GBP",
    start: str | None = "2025-04-01",
    end: str | None = "2028-03-31",
    max_extent: str | None = None,
    method: str = "open",
) -> dict:
    """One release of an awarded contract; a tender (no supplier) with `supplier=""`."""
    parties = [{"id": "buyer-1", "name": buyer, "roles": ["buyer"]}]
    period = {key: f"{day}T00:00:00Z" for key, day in (("startDate", start), ("endDate", end), ("maxExtentDate", max_extent)) if day}
    tender = {
        "id": f"{ocid}-tender", "title": title, "description": description, "procurementMethod": method,
        "classification": {"scheme": "CPV", "id": cpv},
    }
    found = {
        "ocid": ocid, "id": release_id, "date": date, "tag": ["award"], "initiationType": "tender",
        "parties": parties, "buyer": {"id": "buyer-1", "name": buyer}, "tender": tender,
    }
    if supplier:
        party = {"id": "supplier-1", "name": supplier, "roles": ["supplier"]}
        if company_number:
            party["identifier"] = {"scheme": "GB-COH", "id": company_number}
        parties.append(party)
        award = {"id": f"{ocid}-award", "status": "active", "suppliers": [{"id": "supplier-1", "name": supplier}], "contractPeriod": period}
        if amount is not None:
            award["value"] = {"amount": amount, "currency": currency}
        found["awards"] = [award]
    else:
        tender["contractPeriod"] = period
    return found


def package(*releases: dict) -> dict:
    return {
        "uri": "https://example.org/notices/package.json", "publishedDate": "2025-01-10T09:00:00Z", "version": "1.1",
        "publisher": {"name": "A test publisher"}, "releases": list(releases),
    }


def package_bytes(*releases: dict) -> bytes:
    return json.dumps(package(*releases)).encode()


def imported(*releases: dict, actor, keep_going: bool = False):
    """Import `releases` as `actor` through citytools.notices.services.run_import; its Summary."""
    from citytools.notices.services import run_import

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "notices.json"
        path.write_bytes(package_bytes(*releases))
        return run_import([str(path)], actor=actor, keep_going=keep_going)

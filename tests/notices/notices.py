"""OCDS releases for the tests, shaped like Contracts Finder's: a tender, then an award with
a supplier and a contract period, for a buyer named as the notices name councils."""

import json
from pathlib import Path

CPV_SOFTWARE = "48000000"


def release(
    ocid: str,
    *,
    buyer: str,
    release_id: str = "1",
    date: str = "2024-01-05T10:00:00Z",
    title: str = "Civil Parking Enforcement Back Office System",
    cpv: str = CPV_SOFTWARE,
    supplier: str | None = "Kerbside Software Ltd",
    number: str | None = "01234567",
    amount=250000,
    start: str | None = "2024-04-01T00:00:00Z",
    end: str | None = "2028-01-20T23:59:59Z",
    extension: str | None = None,
    buyer_identifier: dict | None = None,
) -> dict:
    parties = [{"id": "buyer", "name": buyer, "roles": ["buyer"], "contactPoint": {"name": "A Person", "email": "a.person@example.org"}}]
    if buyer_identifier:
        parties[0]["identifier"] = buyer_identifier
    data = {
        "ocid": ocid,
        "id": release_id,
        "date": date,
        "tag": ["award"] if supplier else ["tender"],
        "initiationType": "tender",
        "buyer": {"id": "buyer", "name": buyer},
        "tender": {
            "id": "t",
            "title": title,
            "description": "Call 020 7946 0000 for details.",
            "procurementMethod": "open",
            "classification": {"scheme": "CPV", "id": cpv},
            "value": {"amount": amount, "currency": "GBP"},
        },
    }
    if supplier:
        parties.append({"id": "s", "name": supplier, "roles": ["supplier"],
                        **({"identifier": {"scheme": "GB-COH", "id": number}} if number else {})})
        period = {key: value for key, value in (("startDate", start), ("endDate", end), ("maxExtentDate", extension)) if value}
        data["awards"] = [{"id": "a", "suppliers": [{"id": "s", "name": supplier}], "value": {"amount": amount, "currency": "GBP"},
                           "contractPeriod": period}]
    data["parties"] = parties
    return data


def package(*releases: dict) -> dict:
    return {"uri": "https://example.org/package.json", "publishedDate": "2024-01-06T00:00:00Z", "version": "1.1",
            "publisher": {"name": "Tests"}, "releases": list(releases)}


def write(folder: Path, name: str, *releases: dict) -> str:
    path = folder / name
    path.write_text(json.dumps(package(*releases)), encoding="utf-8")
    return str(path)

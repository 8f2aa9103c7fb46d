"""The facts of a compiled release: text as a person reads it, company numbers in one
spelling, dates as the notice means them, the contract's figures before the tender's, no
contact details, and a clear refusal of what cannot be true."""

import collections
import datetime
from decimal import Decimal

import pytest

from citytools.notices import compiling, reading
from citytools.notices.facts import Unbelievable, facts, notice_url
from tests.conftest import SHARED_DATA, needs_shared

CONTRACTS_FINDER = SHARED_DATA / "ocds" / "samples" / "uk-contracts-finder-2017-2020"


def release(**fields) -> dict:
    return {"ocid": "ocds-b5fd17-abc", "id": "1", "date": "2024-01-05T10:00:00Z", "tag": ["compiled"], **fields}


def test_the_contract_figures_come_before_the_award_and_the_tender():
    found = facts(release(
        tender={"title": "Parking", "value": {"amount": 100, "currency": "gbp"}, "contractPeriod": {"startDate": "2024-01-01", "endDate": "2025-01-01"}},
        awards=[{"id": "a", "value": {"amount": 90, "currency": "GBP"}, "contractPeriod": {"startDate": "2024-02-01T00:00:00Z", "endDate": "2027-01-31T23:59:59Z"}}],
        contracts=[{"id": "c", "value": {"amount": "80.5", "currency": "GBP"}, "period": {"startDate": "2024-03-01T00:00:00Z", "endDate": "2028-01-20T23:59:59Z", "maxExtentDate": "2030-01-20T23:59:59+01:00"}}],
    ))
    assert (found.value, found.currency) == (Decimal("80.50"), "GBP")
    assert (found.start_date, found.end_date, found.extension_end_date) == (
        datetime.date(2024, 3, 1), datetime.date(2028, 1, 20), datetime.date(2030, 1, 20))
    assert found.released == datetime.date(2024, 1, 5) and found.title == "Parking"


@pytest.mark.parametrize("day", ["2028-01-20T23:59:59Z", "2028-01-20T23:59:59-08:00", "2028-01-20T00:00:00+14:00", "2028-01-20"])
def test_an_end_date_is_the_day_the_notice_writes_in_every_zone_and_season(day):
    assert facts(release(tender={"contractPeriod": {"endDate": day}})).end_date == datetime.date(2028, 1, 20)


@pytest.mark.parametrize(
    ("fields", "says"),
    [
        ({"tender": {"value": {"amount": Decimal("1E+9999")}}}, "tender.value.amount is Decimal('1E+9999'), not a believable amount"),
        ({"tender": {"value": {"amount": -5}}}, "not a believable amount"),
        ({"tender": {"value": {"amount": "lots"}}}, "not a believable amount"),
        ({"awards": [{"value": {"amount": Decimal("NaN")}}]}, "awards[0].value.amount"),
        ({"tender": {"contractPeriod": {"endDate": "20/01/2028"}}}, "tender.contractPeriod.endDate is '20/01/2028', not a date"),
        ({"tender": {"contractPeriod": {"endDate": "2028-02-30"}}}, "not a date"),
        ({"tender": {"contractPeriod": {"endDate": "9999-12-31T00:00:00Z"}}}, "tender.contractPeriod.endDate is '9999-12-31T00:00:00Z'"),
        ({"date": 20240105}, "date is 20240105, not a date"),
    ],
)
def test_what_cannot_be_true_is_refused_naming_the_ocid_and_the_field(fields, says):
    with pytest.raises(Unbelievable) as raised:
        facts(release(**fields))
    assert "ocds-b5fd17-abc" in str(raised.value) and says in str(raised.value)


def test_suppliers_are_named_once_with_their_company_numbers_and_no_contact_details():
    found = facts(release(
        parties=[
            {"id": "b", "name": "Camden Council", "roles": ["buyer"], "contactPoint": {"name": "A Person", "email": "a.person@camden.gov.uk", "telephone": "020 0000 0000"}},
            {"id": "s", "name": "Parkware &amp; Co Ltd", "roles": ["supplier"], "identifier": {"scheme": "GB-COH", "id": "1234567"},
             "contactPoint": {"name": "B Person", "email": "b@parkware.example"}},
            {"id": "t", "name": "Other Ltd", "roles": ["supplier"], "identifier": {"scheme": "", "id": ""}},
        ],
        buyer={"id": "b", "name": "Camden Council"},
        awards=[{"id": "a", "suppliers": [{"id": "s", "name": "Parkware &amp; Co Ltd"}, {"id": "t", "name": "Other Ltd"}, {"id": "s", "name": "PARKWARE & CO LTD"}]}],
    ))
    assert [(party.name, party.company_number) for party in found.suppliers] == [("Parkware & Co Ltd", "01234567"), ("Other Ltd", "")]
    assert found.buyer.name == "Camden Council"
    assert "person" not in repr(found).lower() and "020 0000" not in repr(found)


def test_contact_details_in_free_text_are_left_out():
    found = facts(release(tender={"description": "Ask cps@birmingham.gov.uk or call 0121 303 1234 or +44 1484 221000; lot 2 of 3, 2024-2025."}))
    assert found.description == (
        "Ask (e-mail address left out) or call (telephone number left out) or (telephone number left out); lot 2 of 3, 2024-2025."
    )


def test_cpv_codes_come_from_the_tender_its_items_the_awards_and_the_contracts():
    found = facts(release(
        tender={"classification": {"scheme": "CPV", "id": "48000000"}, "items": [{"classification": {"scheme": "cpv", "id": "72212000-4"}, "additionalClassifications": [{"scheme": "CPV", "id": "48000000"}, {"scheme": "UNSPSC", "id": "43230000"}]}]},
        awards=[{"items": [{"classification": {"scheme": "CPV", "id": "72260000"}}]}],
        contracts=[{"items": [{"classification": {"scheme": "CPV", "id": "not-a-code"}}]}],
    ))
    assert found.cpv_codes == ("48000000", "72212000", "72260000")


@pytest.mark.parametrize(
    ("tender", "route"),
    [
        ({"procurementMethod": "open"}, "open"),
        ({"procurementMethod": "selective"}, "restricted"),
        ({"procurementMethod": "limited"}, "direct_award"),
        ({"procurementMethodDetails": "Call-off from a framework agreement"}, "framework"),
        ({"procurementMethodDetails": "Competitive dialogue"}, "competitive"),
        ({}, "unknown"),
    ],
)
def test_the_procurement_route(tender, route):
    assert facts(release(tender=tender)).route == route


def test_a_contracts_finder_notice_links_to_its_page():
    assert notice_url("ocds-b5fd17raw-06e2eeae-6a8c") == "https://www.contractsfinder.service.gov.uk/Notice/06e2eeae-6a8c"
    assert notice_url("ocds-b5fd17-06e2eeae-6a8c") == "https://www.contractsfinder.service.gov.uk/Notice/06e2eeae-6a8c"
    assert notice_url("ocds-h6vhtk-01b2c3") == ""


@needs_shared(CONTRACTS_FINDER)
def test_every_real_contracts_finder_notice_gives_its_facts():
    by_ocid = collections.defaultdict(list)
    for item in reading.read(CONTRACTS_FINDER):
        by_ocid[item.ocid].append(item)
    found = {ocid: facts(compiling.compile_ocid(items)) for ocid, items in by_ocid.items()}
    assert len(found) == 100
    assert all(f.buyer and f.buyer.name and f.notice_url.startswith("https://www.contractsfinder") for f in found.values())
    sheffield = next(f for f in found.values() if f.title.startswith("2511/MH Software Development"))
    assert sheffield.buyer.name == "UNIVERSITY OF SHEFFIELD" and sheffield.cpv_codes == ("72262000",)
    assert ("RAZOR LTD", "07003896") in [(s.name, s.company_number) for s in sheffield.suppliers]
    assert (sheffield.start_date, sheffield.end_date) == (datetime.date(2020, 5, 21), datetime.date(2024, 5, 20))
    # No notice's HTML escapes survive, and no contact e-mail address is anywhere in the facts.
    text = repr(list(found.values()))
    assert "&amp;" not in text and "&#039;" not in text and "@" not in text

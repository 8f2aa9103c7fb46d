"""The organisation matcher: every UK local authority under every name it is known by, real
buyer names from Contracts Finder, look-alikes that must stay unmatched, identifiers first,
and no guess where two authorities share a name."""

import csv
import datetime
import json

import pytest

from citytools.directory import matching
from citytools.directory.matching import (
    Candidate,
    KnownSupplier,
    Matcher,
    SupplierMatcher,
    company_number,
    identifier_codes,
    name_key,
    supplier_key,
)
from citytools.directory.services import (
    LOCAL_AUTHORITIES_CSV,
    load_local_authorities,
    local_authority_fields,
)
from tests.conftest import SHARED_DATA, needs_shared
from tests.factories import SupplierFactory

ROWS = list(csv.DictReader(LOCAL_AUTHORITIES_CSV.open(encoding="utf-8")))
REGISTER = Matcher([
    matching.candidate({"pk": number, "identifier": row["gss_code"], **local_authority_fields(row, slug="")})
    for number, row in enumerate(ROWS)
])


def a_day_it_existed(candidate: Candidate) -> datetime.date:
    return candidate.end_date - datetime.timedelta(days=1) if candidate.end_date else datetime.date(2026, 1, 1)


def test_every_authority_is_found_under_every_name_it_is_known_by():
    """445 authorities, under their official and short names, their alternative names and
    every spelling of mySociety's name lookup, each on a day it existed."""
    assert len(REGISTER.candidates) == 445
    wrong = []
    for candidate in REGISTER.candidates:
        names = {candidate.name, *candidate.names, *matching.register_names().get(candidate.register_code, ())}
        for name in names:
            found = REGISTER.match(name, on=a_day_it_existed(candidate))
            if found.pk != candidate.pk or found.by != "name":
                wrong.append(f"{name!r}: {[c.name for c in found.candidates]}, not {candidate.name}")
    assert not wrong, "\n".join(wrong)


def named(name: str, on=datetime.date(2026, 1, 1)) -> str | None:
    found = REGISTER.match(name, on=on)
    return ROWS[found.pk]["gss_code"] if found.matched else None


@pytest.mark.parametrize(
    ("name", "gss_code"),
    [
        ("London Borough of Hammersmith &amp; Fulham (LBHF)", "E09000013"),
        ("Telford &amp;amp; Wrekin Council", "E06000020"),
        ("THE ROYAL BOROUGH OF KENSINGTON AND CHELSEA", "E09000020"),
        ("Kent County Council – Children's Services", "E10000016"),
        ("Kent County Council - Adult Social Care", "E10000016"),
        ("Camden Council: Digital and Data", "E09000007"),
        ("  Croydon   Council ", "E09000008"),
        (".East Riding Of Yorkshire Council", "E06000011"),
        ("Bristol, City of", "E06000023"),
        ("City of London Corporation", "E09000001"),
        ("Stockton on Tees Borough Council", "E06000004"),
        ("Council of the Isles of Scilly", "E06000053"),
        ("Newcastle-upon-Tyne City Council", "E08000021"),
        ("Barking & Dagenham", "E09000002"),
        ("Barking and Dagenham London Borough Council", "E09000002"),
        ("Rhondda Cynon Taf County Borough Council", "W06000016"),
        ("Comhairle nan Eilean Siar", "S12000013"),
        # Combined authorities are in the register too.
        ("Greater Manchester Combined Authority", "E47000001"),
    ],
)
def test_names_as_notices_write_them(name, gss_code):
    assert named(name) == gss_code


@pytest.mark.parametrize(
    "name",
    [
        # Bodies that are not local authorities, whose names contain one.
        "Kent Fire and Rescue Service",
        "Kent Police",
        "Police and Crime Commissioner for Kent",
        "Camden and Islington NHS Foundation Trust",
        "Barnet Homes Ltd",
        "Hackney Homes",
        "Great Shelford Parish Council",
        "Ashford Town Council",
        "University of Westminster",
        "Westminster Abbey",
        "Manchester Airport Group",
        "Heathrow Airport Ltd",
        "London Councils",
        "Association Of North East Councils",
        "Barnsley, Doncaster, Rotherham and Sheffield Combined Authority",
        "Mayors Office for Policing and Crime (MOPAC)",
        "The Corporation of Trinity House",
        "Surrey and Borders Partnership NHS Foundation Trust",
        "Leeds Beckett University",
        "Birmingham Children's Trust",
        "Yorkshire Purchasing Organisation",
        "Crown Commercial Service",
        "Council",
        "The",
        "",
    ],
)
def test_look_alikes_stay_unmatched(name):
    assert named(name) is None


def test_a_name_two_authorities_shared_on_the_day_is_no_match_and_names_both():
    first = Candidate(pk=1, name="Riverside District Council", start_date=datetime.date(1974, 4, 1))
    second = Candidate(pk=2, name="Riverside Borough Council", start_date=datetime.date(1974, 4, 1))
    found = Matcher([first, second]).match("Riverside Council")
    assert not found.matched and found.by is None
    assert {candidate.pk for candidate in found.candidates} == {1, 2}


def test_the_authority_that_existed_on_the_notices_day_is_the_one():
    """Former and current authorities may share a name: the notice's date tells them apart."""
    former = Candidate(pk=1, name="Riverside Council", start_date=datetime.date(1974, 4, 1), end_date=datetime.date(2019, 4, 1))
    current = Candidate(pk=2, name="Riverside Council", start_date=datetime.date(2019, 4, 1))
    matcher = Matcher([former, current])
    assert matcher.match("Riverside Council", on=datetime.date(2018, 6, 1)).pk == 1
    assert matcher.match("Riverside Council", on=datetime.date(2020, 6, 1)).pk == 2
    assert matcher.match("Riverside Council", on=datetime.date(1960, 1, 1)).candidates == (former, current)


@pytest.mark.parametrize(
    ("identifier", "codes"),
    [
        ("E09000007", ("gss", "E09000007")),
        ("GB-GSS-E09000007", ("gss", "E09000007")),
        ("gb-lae-cmd", ("register", "CMD")),
        ("GB-LAE:CMD", ("register", "CMD")),
        ("GB-LAS-EDH", ("register", "EDH")),
        ("CMD", None),  # a bare three-letter code could be anything
        ("GB-COH-01234567", None),
        ("GB-CHC-1234567", None),
        ("", None),
    ],
)
def test_identifier_codes(identifier, codes):
    assert identifier_codes(identifier) == codes


def test_an_identifier_wins_over_the_name():
    """A notice's buyer written as one council with another's code is the code's: identifiers
    are checked first, and a name is only read when no identifier is known."""
    found = REGISTER.match("Croydon Council", ["GB-LAE-CMD"])
    assert (ROWS[found.pk]["gss_code"], found.by) == ("E09000007", "identifier")
    found = REGISTER.match("Croydon Council", ["GB-COH-01234567", "GB-LAE-ZZZZ"])
    assert (ROWS[found.pk]["gss_code"], found.by) == ("E09000008", "name")


def test_an_alias_a_person_linked_is_used_after_the_names():
    croydon = next(c for c in REGISTER.candidates if c.gss_code == "E09000008")
    matcher = Matcher(REGISTER.candidates, aliases={name_key("Croydon Digital Services"): croydon.pk})
    found = matcher.match("CROYDON DIGITAL SERVICES")
    assert (found.pk, found.by) == (croydon.pk, "alias")


CONTRACTS_FINDER = SHARED_DATA / "ocds" / "samples" / "uk-contracts-finder-2017-2020"


@needs_shared(CONTRACTS_FINDER)
def test_real_buyers_of_contracts_finder_match_only_councils():
    """The 100 real notices' buyers: councils are found, everything else (NHS trusts,
    universities, housing associations, purchasing consortia, police) is not."""
    found = {}
    for path in sorted(CONTRACTS_FINDER.glob("*.json")):
        for release in json.loads(path.read_text(encoding="utf-8")).get("releases", []):
            name = release.get("buyer", {}).get("name")
            if name:
                found[name] = named(name, on=datetime.date.fromisoformat(release["date"][:10]))
    councils = {name: code for name, code in found.items() if code}
    assert councils["Croydon Council"] == "E09000008"
    assert councils["London Borough of Barnet Council"] == "E09000003"
    assert councils["Telford &amp; Wrekin Council"] == "E06000020"
    assert councils["Bradford Metropolitan District Council"] == "E08000032"
    assert len(councils) == 33, sorted(councils)
    assert all(
        "council" in name.casefold() or name.casefold().startswith(("london borough", "east riding"))
        for name in councils
    ), sorted(councils)


@pytest.mark.django_db
def test_the_matcher_for_the_map_reads_the_organisations_loaded_from_the_register():
    load_local_authorities()
    matcher = matching.matcher_for_the_map()
    camden = matcher.match("London Borough of Camden Council")
    assert camden.by == "name" and camden.candidates[0].gss_code == "E09000007"
    assert matcher.match("", ["GB-LAE-CMD"]).pk == camden.pk
    assert matcher.match("Camden and Islington NHS Foundation Trust").pk is None


# Suppliers ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("written", "number"), [("1234567", "01234567"), (" 0123 4567 ", "01234567"), ("sc123456", "SC123456"), ("", "")])
def test_company_numbers_have_one_spelling(written, number):
    assert company_number(written) == number


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Civica UK Ltd", "CIVICA UK LIMITED"),
        ("Civica UK Ltd.", "civica"),
        ("Northgate Public Services (UK) Limited", "Northgate Public Services"),
        ("Marston &amp; Co Ltd", "Marston and Company Limited"),
        ("The Access Group", "Access Group Ltd"),
        ("Idox Software Ltd", "IDOX SOFTWARE LIMITED"),
    ],
)
def test_a_companys_names_are_one_key(one, other):
    assert supplier_key(one) == supplier_key(other)


def test_different_companies_keep_different_keys():
    assert supplier_key("Civica UK Ltd") != supplier_key("Civica Election Services")
    assert supplier_key("Ltd") == "ltd"  # a name that is nothing but a form keeps it


SUPPLIERS = SupplierMatcher([
    KnownSupplier(1, "Civica UK Limited", "01628868"),
    KnownSupplier(2, "Idox Software Ltd", ""),
    KnownSupplier(3, "Capita Business Services Ltd", "02299747"),
    KnownSupplier(4, "Capita plc", ""),
])


@pytest.mark.parametrize(
    ("name", "number", "pk", "by"),
    [
        ("CIVICA UK LTD", "1628868", 1, "identifier"),  # the number wins, in any spelling
        ("Anything at all", "01628868", 1, "identifier"),
        ("Civica UK Ltd.", "", 1, "name"),
        ("IDOX SOFTWARE LIMITED", "", 2, "name"),
        ("Idox Software Ltd", "03984070", 2, "name"),  # its number is new to the map: the name links it
        ("Civica UK Limited", "99999999", None, None),  # another company with the same name
        ("Capita", "", 4, "name"),
        ("Parkware Ltd", "", None, None),
    ],
)
def test_a_supplier_is_found_by_its_number_first_and_then_by_its_name(name, number, pk, by):
    found = SUPPLIERS.match(name, number)
    assert (found.pk, found.by) == (pk, by)


@pytest.mark.django_db
def test_the_supplier_matcher_for_the_map_reads_the_suppliers():
    civica = SupplierFactory(name="Civica UK Limited", company_number="01628868")
    assert matching.supplier_matcher_for_the_map().match("Civica UK Ltd", "1628868").pk == civica.pk

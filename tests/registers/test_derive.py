"""The shipped register is what scripts/derive_library_register.py makes of the shared data,
so the two cannot drift apart; and the script's rules, on rows of its own."""

import csv
import importlib.util
import io
from pathlib import Path

from citytools.registers import shipped
from tests.conftest import needs_shared

REPO = Path(__file__).resolve().parents[2]
SOURCE = REPO.parent / "shared" / "data" / "systems" / "uk-library-management-systems.csv"
AUTHORITIES = REPO.parent / "shared" / "data" / "uk-local-authorities" / "uk_local_authorities_future.csv"


def derive_script():
    spec = importlib.util.spec_from_file_location("derive_library_register", REPO / "scripts" / "derive_library_register.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@needs_shared(SOURCE)
def test_the_shipped_file_is_what_the_script_derives_from_the_shared_data():
    script = derive_script()
    with SOURCE.open(newline="", encoding="utf-8") as source, AUTHORITIES.open(newline="", encoding="utf-8") as authorities:
        rows = script.derive(csv.DictReader(source), csv.DictReader(authorities))
    output = io.StringIO()
    script.write(rows, output)
    assert output.getvalue() == shipped.register("libraries").path.read_text(encoding="utf-8")


@needs_shared(SOURCE)
def test_the_four_scottish_codes_come_from_the_authorities_file():
    rows = {row.register_code: row for row in shipped.rows("libraries")}
    changed = {code: rows[code].gss_codes for code in ("S12000015", "S12000046", "S12000044", "S12000024")}
    assert changed == {
        "S12000015": ("S12000047",), "S12000046": ("S12000049",), "S12000044": ("S12000050",), "S12000024": ("S12000048",),
    }
    assert {rows[code].code_change for code in changed} == {"former code"}


def test_system_names_are_split_into_product_and_version():
    script = derive_script()
    assert [script.product_and_version(name) for name in ("ArenaV7", "KohaV22", "Spydus", "Vega")] == [
        ("Arena", "7"), ("Koha", "22"), ("Spydus", ""), ("Vega", ""),
    ]


AUTHORITY_COLUMNS = ["local-authority-code", "gss-code", "nice-name", "end-date", "replaced-by", "former-gss-codes"]


def authorities(*rows):
    return [dict(zip(AUTHORITY_COLUMNS, row)) for row in rows]


def test_codes_are_brought_up_to_date_and_makers_are_only_the_known_ones():
    script = derive_script()
    register = [
        {"gss_code": "E10000021", "library_service": "Northamptonshire", "library_management_system": "ArenaV6", "catalogue_url": "https://a.example/"},
        {"gss_code": "S12000015", "library_service": "Fife", "library_management_system": "Spydus", "catalogue_url": "https://b.example/"},
        {"gss_code": "X000000NI", "library_service": "Northern Ireland", "library_management_system": "Vega", "catalogue_url": "https://c.example/"},
    ]
    rows = script.derive(register, authorities(
        ("NTH", "E10000021", "Northamptonshire", "2021-04-01", "NNT,WNT", ""),
        ("NNT", "E06000061", "North Northamptonshire", "", "", ""),
        ("WNT", "E06000062", "West Northamptonshire", "", "", ""),
        ("FIF", "S12000047", "Fife", "", "", "S12000015"),
    ))
    assert [(r["register_code"], r["gss_codes"], r["code_change"], r["product"], r["version"], r["maker"]) for r in rows] == [
        ("E10000021", "E06000061|E06000062", "successor", "Arena", "6", "Axiell"),
        ("S12000015", "S12000047", "former code", "Spydus", "", "Civica"),
        ("X000000NI", "X000000NI", "not a local authority", "Vega", "", ""),
    ]
    assert rows[2]["organisation_name"] == "Libraries NI"

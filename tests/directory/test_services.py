"""The shipped local-authority file and its loader."""

import csv
import importlib.util
import io
from pathlib import Path

import pytest
from django.core.management import call_command

from citytools.core.errors import DomainError
from citytools.directory.models import Organisation
from citytools.directory.services import LOCAL_AUTHORITIES_CSV, load_local_authorities
from tests.conftest import needs_shared
from tests.factories import OrganisationFactory

REPO = Path(__file__).resolve().parents[2]
SOURCE = REPO.parent / "shared" / "data" / "uk-local-authorities" / "uk_local_authorities_future.csv"


def derive_script():
    spec = importlib.util.spec_from_file_location("derive_local_authorities", REPO / "scripts" / "derive_local_authorities.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def shipped_rows():
    with LOCAL_AUTHORITIES_CSV.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@needs_shared(SOURCE)
def test_deriving_again_from_the_source_gives_the_shipped_file():
    script = derive_script()
    with SOURCE.open(newline="", encoding="utf-8") as source:
        rows = script.derive(csv.DictReader(source))
    output = io.StringIO()
    script.write(rows, output)
    assert output.getvalue() == LOCAL_AUTHORITIES_CSV.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Camden,camden,camden london boro,london borough of camden", ["Camden", "camden london boro", "london borough of camden"]),
        # A comma followed by a space is part of a name, not a separator.
        ("Bristol, City of,bristol, city of,Bristol UA", ["Bristol, City of", "Bristol UA"]),
        # The capitalised spelling wins even when the lower-cased copy comes first.
        ("north tyneside,North Tyneside", ["North Tyneside"]),
        ("Newry, Mourne and Down ,newry, mourne and down", ["Newry, Mourne and Down"]),
        ("", []),
    ],
)
def test_alternative_names_drop_lower_cased_copies(raw, expected):
    assert derive_script().alternative_names(raw) == expected


def test_shipped_file_is_sorted_by_gss_code_and_has_every_london_authority():
    rows = shipped_rows()
    codes = [row["gss_code"] for row in rows]
    assert codes == sorted(codes)
    assert len(set(codes)) == len(codes)
    london = sorted(code for code in codes if code.startswith("E09"))
    assert london == [f"E090000{number:02d}" for number in range(1, 34)]


@pytest.mark.django_db
def test_load_creates_every_authority_current_and_former():
    rows = shipped_rows()
    result = load_local_authorities()

    assert result.created == len(rows) and result.updated == result.unchanged == 0
    assert Organisation.objects.count() == len(rows)
    assert Organisation.objects.current().count() == sum(1 for row in rows if not row["end_date"])
    camden = Organisation.objects.get(identifier="E09000007")
    assert (camden.slug, camden.name, camden.short_name) == ("camden", "London Borough of Camden", "Camden")
    assert (camden.identifier_scheme, camden.registry_code, camden.kind) == ("GB-GSS", "CMD", "London borough")
    assert camden.population > 200_000
    assert "london borough of camden" in camden.alternative_names.splitlines()
    assert Organisation.objects.get(identifier="E10000023").end_date.isoformat() == "2023-04-01"


@pytest.mark.django_db
def test_shared_short_names_get_distinct_slugs_and_todays_council_keeps_the_plain_one():
    load_local_authorities()
    assert Organisation.objects.get(slug="north-yorkshire").identifier == "E06000065"
    assert Organisation.objects.get(slug="north-yorkshire-county").end_date is not None


@pytest.mark.django_db
def test_reloading_changes_nothing_and_repairs_edited_rows():
    load_local_authorities()
    before = list(Organisation.objects.order_by("pk").values())
    assert load_local_authorities().unchanged == len(before)
    assert list(Organisation.objects.order_by("pk").values()) == before

    Organisation.objects.filter(identifier="E09000007").update(name="Camden Council")
    result = load_local_authorities()
    assert (result.created, result.updated) == (0, 1)
    assert Organisation.objects.get(identifier="E09000007").name == "London Borough of Camden"


@pytest.mark.django_db
def test_load_refuses_a_slug_that_belongs_to_another_body():
    OrganisationFactory(slug="camden", identifier="X-NOT-GSS")
    with pytest.raises(DomainError, match="camden"):
        load_local_authorities()
    assert Organisation.objects.count() == 1


@pytest.mark.django_db
def test_load_refuses_a_file_without_the_columns(tmp_path):
    path = tmp_path / "authorities.csv"
    path.write_text("gss_code,official_name\nE09000007,Camden\n", encoding="utf-8")
    with pytest.raises(DomainError, match="short_name"):
        load_local_authorities(path=path)


@pytest.mark.django_db
def test_command_prints_the_counts():
    output = io.StringIO()
    call_command("load_authorities", stdout=output)
    assert f"{len(shipped_rows())} created, 0 updated, 0 unchanged" in output.getvalue()

"""A register's rows, and what loading one row does to an organisation's map: no database."""

import pytest

from citytools.core.errors import DomainError
from citytools.registers import rules

ROW = {
    "register_code": "E09000007", "library_service": "Camden", "gss_codes": "E09000007", "code_change": "",
    "organisation_name": "", "organisation_kind": "", "system": "Spydus", "product": "Spydus", "version": "",
    "maker": "Civica", "catalogue_url": "https://camden.spydus.co.uk/",
}


def test_a_good_row_is_read_with_its_codes_split():
    values = rules.check_row({**ROW, "gss_codes": "E06000061|E06000062", "code_change": "successor"}, line=2)
    assert values["gss_codes"] == ("E06000061", "E06000062")


@pytest.mark.parametrize(
    ("change", "column"),
    [
        ({"gss_codes": ""}, "gss_codes"),
        ({"gss_codes": "Camden"}, "gss_codes"),
        ({"register_code": "E0900"}, "register_code"),
        ({"code_change": "merged"}, "code_change"),
        ({"catalogue_url": "camden.spydus.co.uk"}, "catalogue_url"),
        ({"product": ""}, "product"),
        # A body that is not a council keeps the register's code and needs a name.
        ({"register_code": "X000000NI", "gss_codes": "X000000NI", "code_change": "not a local authority"}, "organisation_name"),
        ({"register_code": "X000000NI", "gss_codes": "E09000007", "code_change": "not a local authority"}, "gss_codes"),
    ],
)
def test_a_bad_row_is_refused_naming_its_line_and_column(change, column):
    with pytest.raises(DomainError, match=f"Line 7, column {column}") as error:
        rules.check_row({**ROW, **change}, line=7)
    assert error.value.field == column


def test_a_code_twice_is_refused():
    with pytest.raises(DomainError, match="E09000007 appears twice"):
        rules.check_unique(["E09000007", "E09000001", "E09000007"])


@pytest.mark.parametrize(
    ("maker", "has_product", "others", "expected"),
    [
        ("Civica", False, [], rules.CREATE),
        ("Civica", True, [], rules.UNCHANGED),
        ("Civica", True, ["Arena"], rules.UNCHANGED),
        ("Civica", False, ["Arena"], rules.DIFFERENT),
        ("", False, [], rules.UNKNOWN_MAKER),
    ],
)
def test_what_a_row_does_to_an_organisations_map(maker, has_product, others, expected):
    assert rules.outcome(maker=maker, has_product=has_product, other_products=others) == expected

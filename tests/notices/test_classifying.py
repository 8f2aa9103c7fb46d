"""Which notices are IT, and the service area a notice suggests, with the reason shown."""

import csv

import pytest

from citytools.notices import classifying
from citytools.notices.classifying import Hint, cpv_label, is_it, suggest

SERVICE_AREAS = classifying.DATA.parents[1] / "inventory" / "data" / "service_areas.csv"


@pytest.mark.parametrize(
    ("codes", "it"),
    [
        (("48000000",), True),
        (("72212000",), True),
        (("79000000", "48311000"), True),
        (("71600000", "71900000"), False),
        (("34800000",), False),  # "48" inside a code is not division 48
        ((), False),
    ],
)
def test_a_notice_is_it_when_a_cpv_code_is_in_division_48_or_72(codes, it):
    assert is_it(codes) is it


@pytest.mark.parametrize(
    ("title", "description", "codes", "area", "reason"),
    [
        ("Civil Parking Enforcement Back Office System", "", ("48000000",), "Parking enforcement", "The title says 'civil parking enforcement'."),
        ("Development Control and Associated Software", "", ("48000000",), "Development management", "The title says 'development control'."),
        ("Replacement of the Children’s Social Care system", "", (), "Children's social care case management", "The title says 'children's social care'."),
        ("Software licences", "A CRM for the contact centre, with telephony.", ("48000000",), "Customer relationship management", "The description says 'crm'."),
        ("Software", "Supply of a package.", ("48311100",), "Document and records management",
         "CPV 48311100 (Document management system)."),
        ("Accreditation services", "", ("72000000",), None, None),
        ("Framework Agreement for Asbestos Consultancy Services", "", ("71600000",), None, None),
    ],
)
def test_a_suggestion_says_where_it_came_from(title, description, codes, area, reason):
    found = suggest(title, description, codes)
    assert ((found.area, found.reason) if found else (None, None)) == (area, reason)


def test_the_title_wins_over_the_description_and_the_codes():
    hints = (Hint("Payroll", "words", "payroll"), Hint("Parking", "words", "parking permit"), Hint("Finance", "cpv", "48440000"))
    assert suggest("Parking permit software", "Integrates with payroll.", ("48443000",), hints).area == "Parking"
    assert suggest("Software", "Integrates with payroll.", ("48443000",), hints).area == "Payroll"
    assert suggest("Software", "", ("48443000",), hints).reason == "CPV 48443000 (Accounting software package)."


def test_every_hint_names_a_service_area_the_product_has():
    with SERVICE_AREAS.open(encoding="utf-8") as handle:
        areas = {row["area"] for row in csv.DictReader(handle) if row["area"]}
    hints = classifying.shipped_hints()
    assert hints and {hint.area for hint in hints} <= areas
    assert {hint.kind for hint in hints} == {"words", "cpv"}
    assert all(cpv_label(hint.hint) for hint in hints if hint.kind == "cpv")


def test_cpv_labels_ship_with_the_project():
    assert len(classifying.cpv_labels()) == 9455
    assert cpv_label("48161000") == "Library management system"
    assert cpv_label("00000000") == ""

"""citytools.core.prose: one possessive rule and one rule for names inside sentences
(issue 13, item 19: "London boroughs's members", "finance and erp")."""

import pytest
from django.template import Context, Template

from citytools.core.prose import join_names, mid_sentence, possessive, staff_of


@pytest.mark.parametrize(
    ("name", "expected"),
    [("Camden", "Camden’s"), ("London boroughs", "London boroughs’"), ("Brackenfold Systems", "Brackenfold Systems’"),
     ("City of Toronto", "City of Toronto’s"), ("", "")],
)
def test_a_name_ending_in_s_takes_an_apostrophe_only(name, expected):
    assert possessive(name) == expected


def test_the_possessive_filter_escapes_and_follows_the_rule():
    rendered = Template("{% load citytools %}{{ name|possessive }} members").render(Context({"name": "Tom & Jerry boroughs"}))
    assert rendered == "Tom &amp; Jerry boroughs’ members"


@pytest.mark.parametrize(
    ("name", "expected"),
    [("Finance and ERP", "finance and ERP"), ("IT service desk", "IT service desk"), ("HR and payroll", "HR and payroll"),
     ("Customer relationship management (CRM)", "customer relationship management (CRM)"),
     ("SharePoint and intranet", "SharePoint and intranet"), ("Revenues and benefits", "revenues and benefits"),
     ("Waste", "waste"), ("A", "a")],
)
def test_a_name_inside_a_sentence_keeps_its_acronyms(name, expected):
    assert mid_sentence(name) == expected


def test_whose_staff_comes_from_the_owners():
    assert join_names(["Camden", "Hackney", "Islington"]) == "Camden, Hackney and Islington"
    assert staff_of(["Camden"]) == "Camden’s staff"
    assert staff_of(["City of Toronto"]) == "City of Toronto’s staff"
    assert staff_of(["Camden", "Hackney"]) == "the staff of Camden and Hackney"

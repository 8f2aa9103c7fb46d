import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from citytools.search.queries import match_pattern, normalise, search
from tests.factories import (
    OrganisationFactory,
    ProductFactory,
    ServiceAreaFactory,
    ServiceAreaGroupFactory,
    SupplierFactory,
)


def names(results, group_type):
    group = next(g for g in results.groups if g.type == group_type)
    return [hit.name for hit in group.hits]


@pytest.fixture
def boroughs(db):
    return [
        OrganisationFactory(
            name="London Borough of Barking and Dagenham", short_name="Barking and Dagenham",
            identifier="E09000002", slug="barking-and-dagenham",
        ),
        OrganisationFactory(name="London Borough of Camden", short_name="Camden", identifier="E09000007"),
        OrganisationFactory(
            name="Isle of Anglesey County Council", short_name="Ynys Môn", identifier="W06000001",
            alternative_names="Anglesey\nCyngor Sir Ynys Môn",
        ),
    ]


@pytest.mark.parametrize(
    "query", ["barking & dagenham", "barking&dagenham", "Barking and Dagenham", "BARKING AND DAGENHAM", "E09000002", "e09000002", "dagenham"]
)
def test_finds_a_borough_however_it_is_typed(boroughs, query):
    assert names(search(query), "organisations") == ["Barking and Dagenham"]


def test_accents_are_optional_on_either_side(boroughs):
    assert names(search("ynys mon"), "organisations") == ["Ynys Môn"]
    assert names(search("Ynys Môn"), "organisations") == ["Ynys Môn"]


def test_alternative_names_are_searched(boroughs):
    assert names(search("anglesey"), "organisations") == ["Ynys Môn"]


def test_exact_and_prefix_matches_come_before_substrings(db):
    SupplierFactory(name="Northgate Civic Ltd")
    SupplierFactory(name="Civic")
    SupplierFactory(name="Civica Software")
    assert names(search("civic"), "suppliers") == ["Civic", "Civica Software", "Northgate Civic Ltd"]


def test_results_are_grouped_with_counts_and_links(db):
    group = ServiceAreaGroupFactory(name="Housing")
    ServiceAreaFactory(name="Housing management", parent=group)
    product = ProductFactory(name="Housing Hub", manufacturer=SupplierFactory(name="Hearth Systems"))
    results = search("housing")
    by_type = {g.type: g for g in results.groups}
    assert [g.type for g in results.groups] == ["organisations", "suppliers", "products", "service_areas"]
    assert by_type["service_areas"].count == 2
    assert [h.name for h in by_type["service_areas"].hits] == ["Housing", "Housing management"]
    assert by_type["products"].hits[0].url == product.get_absolute_url()
    assert by_type["products"].hits[0].detail == "Made by Hearth Systems"
    assert results.total == 3


def test_count_covers_every_match_beyond_the_limit(db):
    for n in range(7):
        SupplierFactory(name=f"Acme {n}")
    group = next(g for g in search("acme", limit=3).groups if g.type == "suppliers")
    assert group.count == 7
    assert len(group.hits) == 3


@pytest.mark.parametrize("query", ["", "   ", "\t"])
def test_an_empty_query_returns_nothing(boroughs, query):
    assert search(query).groups == []


def test_one_query_per_type_however_many_rows(db, django_assert_num_queries):
    for n in range(30):
        SupplierFactory(name=f"Widget Works {n}")
        ProductFactory(name=f"Widget {n}")
    with django_assert_num_queries(4):
        search("widget")


@pytest.mark.parametrize("query", ["100%", "a_b", "(x)", "[y]", "c++", "^$", "back\\slash", "*", "'; drop"])
def test_punctuation_is_matched_literally_and_never_errors(db, query):
    SupplierFactory(name="Plain Name Ltd")
    assert search(query).total == 0


def test_punctuation_in_names_is_found(db):
    SupplierFactory(name="C++ Civic (UK)")
    assert names(search("c++ civic (uk)"), "suppliers") == ["C++ Civic (UK)"]


@given(st.text(max_size=40))
def test_every_query_gives_a_valid_pattern_that_matches_the_query_itself(text):
    pattern = match_pattern(text)
    if pattern is None:
        assert normalise(text) == ""
    else:
        assert re.search(pattern, normalise(text), re.IGNORECASE)

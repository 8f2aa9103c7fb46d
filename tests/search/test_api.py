import pytest

from tests.factories import OrganisationFactory, SupplierFactory

URL = "/api/v1/search"


@pytest.fixture
def data(db):
    OrganisationFactory(
        name="London Borough of Barking and Dagenham", short_name="Barking and Dagenham",
        identifier="E09000002", slug="barking-and-dagenham",
    )
    SupplierFactory(name="Barkside Digital", slug="barkside-digital")


def test_api_returns_the_same_grouped_results_as_the_page(client, data):
    body = client.get(URL, {"q": "barking & dagenham"}).json()
    assert body["query"] == "barking & dagenham"
    assert body["total"] == 1
    organisations = next(g for g in body["groups"] if g["type"] == "organisations")
    assert organisations == {
        "type": "organisations",
        "label": "Organisations",
        "count": 1,
        "results": [
            {
                "name": "Barking and Dagenham",
                "url": "/organisations/barking-and-dagenham/",
                "detail": "London Borough of Barking and Dagenham · E09000002 · London borough",
            }
        ],
    }


def test_limit_caps_results_per_group_but_not_the_count(client, db):
    for n in range(5):
        SupplierFactory(name=f"Acme {n}")
    suppliers = next(g for g in client.get(URL, {"q": "acme", "limit": 2}).json()["groups"] if g["type"] == "suppliers")
    assert suppliers["count"] == 5
    assert len(suppliers["results"]) == 2


def test_empty_query_returns_no_groups(client, data):
    assert client.get(URL).json() == {"query": "", "total": 0, "groups": []}


@pytest.mark.parametrize("params", [{"limit": 0}, {"limit": 101}, {"q": "x" * 101}])
def test_invalid_parameters_are_a_problem_json_422(client, db, params):
    response = client.get(URL, params)
    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"

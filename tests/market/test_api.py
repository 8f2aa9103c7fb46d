import pytest

from tests.factories import ContractFactory, SystemFactory
from tests.market.world import sign_in_member

pytestmark = pytest.mark.django_db


def test_overview_api(client, world):
    sign_in_member(client, world.camden)
    body = client.get("/api/v1/overview").json()
    assert body["network"] is None and body["today"] == "2025-06-15"
    assert body["headline"] == {
        "organisations": 2,
        "systems": 4,
        "products": 3,
        "suppliers": 3,
        "contracts": 3,
        "annual_value": [{"amount": "180000.00", "currency": "GBP"}],
        "values_hidden": False,
        "ending_soon": 2,
    }
    assert body["concentration"]["top_share"] == 1.0 and body["concentration"]["hhi"] == 3333
    assert len(body["ending_soon_by_month"]) == 13
    assert body["ending_soon_by_month"][1] == {"month": "Jul 2025", "contracts": 1}


def test_overview_api_hides_the_combined_value_from_the_public(client, world):
    headline = client.get("/api/v1/overview").json()["headline"]
    assert headline["annual_value"] is None and headline["values_hidden"] is True
    assert headline["contracts"] == 3


def test_overview_api_for_a_network(client, world):
    system = SystemFactory(organisation=world.outsider)
    ContractFactory(organisation=world.outsider, systems=[system])
    assert client.get("/api/v1/overview").json()["headline"]["organisations"] == 3
    body = client.get("/api/v1/overview", {"network": "london"}).json()
    assert body["network"] == "london" and body["headline"]["organisations"] == 2


def test_overview_api_unknown_network_is_a_problem(client, db):
    response = client.get("/api/v1/overview", {"network": "atlantis"})
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 404


def test_overview_api_on_an_empty_database(client, db):
    body = client.get("/api/v1/overview").json()
    assert body["headline"]["systems"] == 0 and body["concentration"]["top"] == []

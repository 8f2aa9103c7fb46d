import pytest

from tests.factories import OrganisationFactory
from tests.market.world import sign_in_member

pytestmark = pytest.mark.django_db


def test_networks(client, world):
    body = client.get("/api/v1/networks").json()
    assert body == {"items": [{"slug": "london", "name": "London", "description": "", "organisations": 2}], "count": 1}


def test_organisations_filters_sort_and_pagination(client, world):
    body = client.get("/api/v1/organisations").json()
    assert body["count"] == 2
    camden = body["items"][0]
    assert (camden["slug"], camden["systems"], camden["suppliers"], camden["next_contract_end"]) == (
        "camden", 2, 2, "2025-07-15"
    )
    assert client.get("/api/v1/organisations", {"everyone": "true"}).json()["count"] == 3
    assert [o["slug"] for o in client.get("/api/v1/organisations", {"name": "hack"}).json()["items"]] == ["hackney"]
    assert [o["slug"] for o in client.get("/api/v1/organisations", {"sort": "-population"}).json()["items"]] == [
        "hackney", "camden"
    ]
    for _ in range(3):
        OrganisationFactory(networks=[world.london])
    page = client.get("/api/v1/organisations", {"offset": 2, "limit": 2}).json()
    assert page["count"] == 5 and len(page["items"]) == 2


def test_organisations_refuse_an_unknown_sort(client, db):
    response = client.get("/api/v1/organisations", {"sort": "shoe_size"})
    assert response.status_code == 422 and response["Content-Type"] == "application/problem+json"


def test_organisation_with_systems_and_supplier_share(client, world):
    sign_in_member(client, world.camden)
    body = client.get("/api/v1/organisations/hackney").json()
    assert body["networks"] == [{"slug": "london", "name": "London"}]
    ledger = next(s for s in body["systems"] if s["product"]["slug"] == "ledger")
    assert ledger["supplier"] == {"slug": "brightpath", "name": "Brightpath Services"}
    assert ledger["manufacturer"]["slug"] == "northwind"
    assert ledger["contract_end"] == "2026-07-20"
    assert {(r["slug"], r["annual_value"]) for r in body["supplier_share"]} == {
        ("brightpath", "60000.00"), ("quillstone", "20000.00")
    }
    assert body["values_hidden"] is False


def test_organisation_values_are_null_for_the_public(client, world):
    body = client.get("/api/v1/organisations/hackney").json()
    assert body["values_hidden"] is True
    assert {(r["slug"], r["annual_value"], r["value_share"], r["systems"]) for r in body["supplier_share"]} == {
        ("brightpath", None, None, 1), ("quillstone", None, None, 1)
    }
    assert all(s["notes"] is None and s["notes_hidden"] for s in body["systems"])


@pytest.mark.parametrize("url", ["/api/v1/organisations/atlantis", "/api/v1/suppliers/atlantis"])
def test_unknown_slug_is_a_404_problem(client, db, url):
    response = client.get(url)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["title"] == "Not found"


def test_suppliers(client, world):
    body = client.get("/api/v1/suppliers").json()
    assert [s["slug"] for s in body["items"]] == ["brightpath", "northwind", "quillstone"]
    brightpath = body["items"][0]
    assert brightpath["parent"] == {"slug": "northwind", "name": "Northwind Systems"}
    assert (brightpath["products_made"], brightpath["organisations_served"], brightpath["contracts"]) == (1, 2, 1)
    assert [s["slug"] for s in client.get("/api/v1/suppliers", {"sme": "unknown"}).json()["items"]] == ["quillstone"]
    assert client.get("/api/v1/suppliers", {"sme": "maybe"}).status_code == 422


def test_supplier_with_products_and_share_by_service_area(client, world):
    public = client.get("/api/v1/suppliers/brightpath").json()
    finance = next(r for r in public["share_by_service_area"] if r["service_area"]["slug"] == "finance")
    assert finance["annual_value"] is None and finance["values_hidden"] is True
    sign_in_member(client, world.camden)
    body = client.get("/api/v1/suppliers/brightpath").json()
    assert [p["slug"] for p in body["products_made"]] == ["parkwise"]
    assert body["products_supplied"] == [
        {"slug": "ledger", "name": "Ledger", "manufacturer": {"slug": "northwind", "name": "Northwind Systems"}, "organisations": 1}
    ]
    finance = next(r for r in body["share_by_service_area"] if r["service_area"]["slug"] == "finance")
    assert finance["organisation_share"] == 0.5 and finance["annual_value"] == "60000.00"
    northwind = client.get("/api/v1/suppliers/northwind").json()
    assert northwind["products_made"][0]["also_supplied_by"] == [{"slug": "brightpath", "name": "Brightpath Services"}]
    assert northwind["subsidiaries"] == [{"slug": "brightpath", "name": "Brightpath Services"}]

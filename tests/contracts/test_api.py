import pytest

from tests.market.world import sign_in_member

pytestmark = pytest.mark.django_db


def test_contracts_with_filters(client, world):
    sign_in_member(client, world.camden)
    body = client.get("/api/v1/contracts").json()
    assert body["count"] == 3
    first = body["items"][0]
    assert first["title"] == "Camden finance and parking"
    assert first["annual_value"] == "100000.00" and first["currency"] == "GBP" and first["values_hidden"] is False
    assert [s["product"]["slug"] for s in first["systems"]] == ["ledger", "parkwise"]
    ending = client.get("/api/v1/contracts", {"ending_within": 365}).json()
    assert [c["title"] for c in ending["items"]] == ["Camden finance and parking", "Hackney payroll"]
    by_area = client.get("/api/v1/contracts", {"service_area": "parking", "network": "london"}).json()
    assert by_area["count"] == 1
    by_value = client.get("/api/v1/contracts", {"sort": "-value", "limit": 1, "offset": 1}).json()
    assert by_value["count"] == 3 and by_value["items"][0]["title"] == "Hackney finance"


@pytest.mark.parametrize(
    "params",
    [{"ending_within": -1}, {"end_from": "not a date"}, {"sort": "colour"}, {"end_from": "2026-01-01", "end_to": "2025-01-01"}],
)
def test_contracts_refuse_bad_filters_as_problems(client, db, params):
    response = client.get("/api/v1/contracts", params)
    assert response.status_code in (400, 422)
    assert response["Content-Type"] == "application/problem+json"


def test_values_are_null_for_the_public(client, world):
    items = client.get("/api/v1/contracts").json()["items"]
    assert len(items) == 3
    assert all(c["annual_value"] is None and c["total_value"] is None and c["values_hidden"] for c in items)
    one = client.get(f"/api/v1/contracts/{world.hackney_contract.pk}").json()
    assert one["annual_value"] is None and one["values_hidden"] is True


def test_a_confidential_contract_is_a_404_for_outsiders(client, world):
    from citytools.contracts.models import Contract

    Contract.objects.filter(pk=world.hackney_contract.pk).update(confidential=True)
    assert client.get(f"/api/v1/contracts/{world.hackney_contract.pk}").status_code == 404
    assert client.get("/api/v1/contracts").json()["count"] == 2


def test_contract(client, world):
    body = client.get(f"/api/v1/contracts/{world.hackney_contract.pk}").json()
    assert body["supplier"] == {"slug": "brightpath", "name": "Brightpath Services"}
    assert body["extension_end_date"] == "2027-08-24"


def test_unknown_contract_is_a_404_problem(client, db):
    response = client.get("/api/v1/contracts/999")
    assert response.status_code == 404 and response["Content-Type"] == "application/problem+json"

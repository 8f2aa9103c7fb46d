"""The contracts editing API: If-Match on the contract's own path, roles, history and restore."""

import json
from decimal import Decimal

import pytest
from django.test import Client

from citytools.contracts import services
from citytools.contracts.models import Contract
from citytools.core.errors import DomainError
from tests.contracts.test_editing_services import contract_world
from tests.factories import ContractFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return contract_world()


def signed_in(world, role):
    client = Client()
    if world.user(role) is not None:
        client.force_login(world.user(role))
    return client


def url(contract, suffix=""):
    return f"/api/v1/contracts/{contract.pk}{suffix}"


def send(client, method, path, body=None, **headers):
    return getattr(client, method)(path, data=json.dumps(body or {}), content_type="application/json", headers=headers)


def row(contract):
    return Contract.objects.filter(pk=contract.pk).values().get()


NEW = {
    "supplier": "reseller",
    "title": "Ledger hosting",
    "start_date": "2025-04-01",
    "end_date": "2027-03-31",
    "annual_value": "45000",
    "currency": "EUR",
}


def test_the_contract_path_still_reads_and_now_also_writes(world):
    client = signed_in(world, "editor")
    assert client.get(url(world.contract)).status_code == 200
    assert send(client, "patch", url(world.contract), {"title": "New title"}).status_code == 428
    response = send(client, "patch", url(world.contract), {"title": "New title", "annual_value": "0"}, if_match='"1"')
    assert response.status_code == 200 and response["ETag"] == '"2"'
    assert response.json()["title"] == "New title" and response.json()["version"] == 2
    assert Contract.objects.get(pk=world.contract.pk).annual_value == Decimal("0")
    assert send(client, "patch", url(world.contract), {"title": "Stale"}, if_match='"1"').status_code == 412


def test_put_replaces_and_validates(world):
    client = signed_in(world, "editor")
    bad = send(client, "put", url(world.contract), {**NEW, "end_date": "2024-01-01"}, if_match='"1"')
    assert bad.status_code == 400 and "end date" in bad.json()["detail"]
    bad_currency = send(client, "put", url(world.contract), {**NEW, "currency": "QQQ"}, if_match='"1"')
    assert bad_currency.status_code == 400 and "ISO 4217" in bad_currency.json()["detail"]
    response = send(client, "put", url(world.contract), NEW, if_match='"1"')
    assert response.status_code == 200
    contract = Contract.objects.get(pk=world.contract.pk)
    assert contract.currency == "EUR" and contract.reference == "" and list(contract.systems.all()) == []


def test_create_and_retire(world):
    client = signed_in(world, "editor")
    created = send(client, "post", "/api/v1/organisations/own/contracts", {**NEW, "systems": [world.system.pk]})
    assert created.status_code == 201 and created["ETag"] == '"1"'
    contract_id = created.json()["id"]
    assert client.delete(f"/api/v1/contracts/{contract_id}", headers={"If-Match": '"1"'}).status_code == 204
    assert client.get(f"/api/v1/contracts/{contract_id}").status_code == 404


@pytest.mark.parametrize(
    "role, status", [("public", 401), ("vendor", 403), ("member", 403), ("other_editor", 403), ("coordinator", 403)]
)
def test_who_may_change_a_contract(world, role, status):
    client = signed_in(world, role)
    before = row(world.contract)
    assert send(client, "patch", url(world.contract), {"title": "Mine"}, if_match='"1"').status_code == status
    assert client.delete(url(world.contract), headers={"If-Match": '"1"'}).status_code == status
    assert send(client, "post", "/api/v1/organisations/own/contracts", NEW).status_code == status
    assert row(world.contract) == before and Contract.objects.count() == 1


def test_invisible_contracts_are_not_found(world):
    secret = ContractFactory(organisation=world.peer, confidential=True)
    client = signed_in(world, "other_editor")
    assert send(client, "patch", url(secret), {"title": "x"}, if_match='"1"').status_code == 404
    assert client.get(url(secret, "/history")).status_code == 404


def test_history_hides_values_and_restore_brings_them_back(world):
    services.update_contract(world.contract, version=1, changes={"annual_value": Decimal("777777")}, actor=world.user("editor"))
    public = Client().get(url(world.contract, "/history")).json()
    assert "777777" not in json.dumps(public) and "120000" not in json.dumps(public)
    assert public[0]["changes"] == []
    member = signed_in(world, "peer_member").get(url(world.contract, "/history")).json()
    assert member[0]["changes"][0]["new"] == "777,777.00"
    first = member[-1]["history_id"]
    assert signed_in(world, "peer_member").post(url(world.contract, f"/history/{first}/restore")).status_code == 403
    restored = signed_in(world, "editor").post(url(world.contract, f"/history/{first}/restore"))
    assert restored.status_code == 200 and restored["ETag"] == '"3"'
    assert Contract.objects.get(pk=world.contract.pk).annual_value == Decimal("120000.00")


def test_reading_a_contract_gives_its_version_as_the_etag(world):
    assert Client().get(url(world.contract))["ETag"] == '"1"'
    services.update_contract(world.contract, version=1, changes={"title": "Renamed"}, actor=world.user("editor"))
    assert Client().get(url(world.contract))["ETag"] == '"2"'


def test_amounts_are_read_by_the_same_parser_as_the_forms(world):
    """Issue 13, item 18: the API takes a number or an amount as people write it, and refuses
    what the forms refuse, as problem+json naming the field."""
    client = signed_in(world, "editor")
    answer = send(client, "patch", url(world.contract), {"annual_value": "£45,000.50", "total_value": 90000}, if_match='"1"')
    assert answer.status_code == 200, answer.content
    saved = Contract.objects.get(pk=world.contract.pk)
    assert (saved.annual_value, saved.total_value) == (Decimal("45000.50"), Decimal("90000"))
    before = row(world.contract)
    for bad, says in (("-5", "cannot be negative"), ("lots", "written as a number"), ("1.005", "two decimals")):
        refused = send(client, "patch", url(world.contract), {"annual_value": bad}, if_match='"2"')
        assert refused.status_code == 400 and refused["Content-Type"] == "application/problem+json"
        assert says in refused.json()["detail"]
    assert row(world.contract) == before


@pytest.mark.parametrize("field, value", [
    ("end_date", "9999-12-31"), ("start_date", "1899-12-31"), ("extension_end_date", "2201-01-01"),
])
def test_a_date_outside_the_one_range_is_refused_naming_its_field(world, field, value):
    """Issue 14, item 4: an end date of 9999-12-31 was accepted and broke the calendar feed."""
    client = signed_in(world, "editor")
    before = row(world.contract)
    for method, path, body, headers in (
        ("patch", url(world.contract), {field: value}, {"if_match": '"1"'}),
        ("put", url(world.contract), {**NEW, field: value}, {"if_match": '"1"'}),
        ("post", "/api/v1/organisations/own/contracts", {**NEW, field: value}, {}),
    ):
        refused = send(client, method, path, body, **headers)
        assert refused.status_code == 422 and refused["Content-Type"] == "application/problem+json", (method, refused.content)
        (error,) = refused.json()["detail"]
        assert error["loc"][-1] == field and "between 1 January 1900 and 31 December 2200" in error["msg"]
    assert row(world.contract) == before and Contract.objects.count() == 1


def test_the_contract_service_holds_callers_to_the_range(world):
    """A date object handed straight to the service (a script, the import) meets the same range."""
    import datetime

    with pytest.raises(DomainError, match="The end date must be between") as refused:
        services.update_contract(
            world.contract, actor=world.user("editor"), changes={"end_date": datetime.date(9999, 12, 31)}, version=1,
        )
    assert refused.value.field == "end_date"

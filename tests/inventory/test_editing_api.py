"""The systems editing API: ETag and If-Match, who may do what, history and restore."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from citytools.core import records_api
from citytools.inventory import services
from citytools.inventory.models import System
from tests.factories import SystemFactory
from tests.inventory.test_editing_services import editing_world

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"


@pytest.fixture
def world():
    return editing_world()


def signed_in(world, role, **kwargs):
    client = Client(**kwargs)
    if world.user(role) is not None:
        client.force_login(world.user(role))
    return client


def url(system, suffix=""):
    return f"/api/v1/systems/{system.pk}{suffix}"


def send(client, method, path, body=None, **headers):
    return getattr(client, method)(path, data=json.dumps(body or {}), content_type="application/json", headers=headers)


def row(system):
    return System.objects.filter(pk=system.pk).values().get()


def test_reading_a_system_gives_its_version_as_the_etag(world):
    response = Client().get(url(world.system))
    assert response.status_code == 200 and response["ETag"] == '"1"'
    body = response.json()
    assert body["version"] == 1 and body["product"]["slug"] == "casebook"
    assert [a["slug"] for a in body["service_areas"]] == ["repairs"]
    # Notes are for members by default.
    assert body["notes"] is None
    assert signed_in(world, "peer_member").get(url(world.system)).json()["notes"] == "Renewal talks in spring"


def test_a_change_without_if_match_is_refused_with_428(world):
    response = send(signed_in(world, "editor"), "patch", url(world.system), {"status": "planned"})
    assert response.status_code == 428 and response["Content-Type"] == PROBLEM
    assert "If-Match" in response.json()["detail"]
    assert System.objects.get(pk=world.system.pk).status == "live"


@pytest.mark.parametrize("stale", ['"0"', "W/\"1\"", '"2"', "1"])
def test_a_change_with_a_stale_or_weak_etag_is_refused_with_412(world, stale):
    before = row(world.system)
    response = send(signed_in(world, "editor"), "patch", url(world.system), {"status": "planned"}, if_match=stale)
    assert response.status_code == 412 and response["Content-Type"] == PROBLEM
    assert "Nothing was saved" in response.json()["detail"]
    assert row(world.system) == before


def test_patch_and_put_with_the_current_etag(world):
    client = signed_in(world, "editor")
    response = send(client, "patch", url(world.system), {"status": "planned", "service_areas": ["lettings"]}, if_match='"1"')
    assert response.status_code == 200 and response["ETag"] == '"2"'
    assert response.json()["status"] == "planned" and response.json()["hosting"] == "saas"
    replaced = send(
        client, "put", url(world.system),
        {"product": "ledger", "service_areas": ["repairs"], "supplier": "reseller"}, if_match='"2"',
    )
    assert replaced.status_code == 200 and replaced["ETag"] == '"3"'
    body = replaced.json()
    # PUT replaces every field: what it leaves out takes its default.
    assert body["product"]["slug"] == "ledger" and body["hosting"] == "" and body["status"] == "live"
    assert body["notes"] == ""
    assert System.objects.get(pk=world.system.pk).history.count() == 3


def test_a_version_that_moves_on_after_the_check_is_still_a_412(world, monkeypatch):
    services.update_system(world.system, version=1, changes={"status": "planned"}, actor=world.user("editor"))
    monkeypatch.setattr(records_api, "based_on", lambda request, record, required=True: 1)
    response = send(signed_in(world, "editor"), "patch", url(world.system), {"status": "live"}, if_match='"2"')
    assert response.status_code == 412
    assert System.objects.get(pk=world.system.pk).status == "planned"


def test_invalid_changes_are_problems_naming_the_rule(world):
    response = send(signed_in(world, "editor"), "patch", url(world.system), {"service_areas": ["housing"]}, if_match='"1"')
    assert response.status_code == 400 and response["Content-Type"] == PROBLEM
    assert "not the whole group" in response.json()["detail"]


@pytest.mark.parametrize(
    "role, status",
    [("public", 401), ("vendor", 403), ("member", 403), ("peer_member", 403), ("other_editor", 403), ("coordinator", 403)],
)
def test_who_may_change_a_system(world, role, status):
    client = signed_in(world, role)
    before = row(world.system)
    assert send(client, "patch", url(world.system), {"status": "planned"}, if_match='"1"').status_code == status
    assert send(client, "put", url(world.system), {"product": "ledger", "service_areas": ["repairs"]}, if_match='"1"').status_code == status
    assert client.delete(url(world.system), headers={"If-Match": '"1"'}).status_code == status
    create = send(client, "post", "/api/v1/organisations/own/systems", {"product": "ledger", "service_areas": ["repairs"]})
    assert create.status_code == status
    assert row(world.system) == before and System.objects.count() == 1


def test_invisible_systems_are_not_found(world):
    secret = SystemFactory(organisation=world.peer, confidential=True, service_areas=[world.repairs])
    client = signed_in(world, "other_editor")
    assert client.get(url(secret)).status_code == 404
    assert send(client, "patch", url(secret), {"status": "planned"}, if_match='"1"').status_code == 404
    assert client.get(url(secret, "/history")).status_code == 404
    assert Client().get("/api/v1/systems/999999").status_code == 404


def test_adding_a_system_answers_201_with_its_etag(world):
    response = send(
        signed_in(world, "editor"), "post", "/api/v1/organisations/own/systems",
        {"product": "ledger", "service_areas": ["lettings"], "hosting": "hosted", "notes": "New"},
    )
    assert response.status_code == 201 and response["ETag"] == '"1"'
    assert response.json()["organisation"]["slug"] == "own" and response.json()["notes"] == "New"


def test_delete_retires_and_keeps_the_history(world):
    client = signed_in(world, "editor")
    assert client.delete(url(world.system)).status_code == 428
    assert client.delete(url(world.system), headers={"If-Match": '"1"'}).status_code == 204
    assert client.get(url(world.system)).status_code == 404
    history = client.get(url(world.system, "/history")).json()
    assert [entry["action"] for entry in history] == ["Retired", "Created"]
    assert Client().get(url(world.system, "/history")).status_code == 404


def test_history_and_restore(world):
    services.update_system(world.system, version=1, changes={"notes": "Hidden plans", "product": "ledger"}, actor=world.user("editor"))
    public = Client().get(url(world.system, "/history")).json()
    assert public[0]["version"] == 2 and public[0]["current"] is True and public[0]["who"] == "An editor"
    assert [c["field"] for c in public[0]["changes"]] == ["product"]
    assert "Hidden plans" not in json.dumps(public)
    first = public[-1]["history_id"]
    coordinator = signed_in(world, "coordinator")
    entries = coordinator.get(url(world.system, "/history")).json()
    assert {c["field"] for c in entries[0]["changes"]} == {"notes", "product"} and entries[0]["who"] == "Editor"
    assert signed_in(world, "member").post(url(world.system, f"/history/{first}/restore")).status_code == 403
    assert coordinator.post(url(world.system, f"/history/{first}/restore"), headers={"If-Match": '"1"'}).status_code == 412
    restored = coordinator.post(url(world.system, f"/history/{first}/restore"))
    assert restored.status_code == 200 and restored["ETag"] == '"3"'
    assert restored.json()["product"]["slug"] == "casebook"


def test_writes_need_the_csrf_token(world):
    client = signed_in(world, "editor", enforce_csrf_checks=True)
    refused = send(client, "patch", url(world.system), {"status": "planned"}, if_match='"1"')
    assert refused.status_code == 403
    assert System.objects.get(pk=world.system.pk).version == 1
    client.get(reverse("inventory:system_edit", args=[world.system.pk]))
    token = client.cookies["csrftoken"].value
    accepted = send(client, "patch", url(world.system), {"status": "planned"}, if_match='"1"', x_csrftoken=token)
    assert accepted.status_code == 200

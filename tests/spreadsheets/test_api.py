"""The spreadsheet API: success and refusal for each operation."""

import base64

from django.test import Client

from citytools.spreadsheets.models import Upload
from tests.spreadsheets.world import checksum


def signed_in(world, role):
    client = Client()
    client.force_login(world.user(role))
    return client


def body(text: str) -> dict:
    return {"kind": "contracts", "filename": "c.csv", "content_base64": base64.b64encode(text.encode()).decode()}


def test_upload_preview_map_and_commit(world):
    client = signed_in(world, "editor")
    response = client.post("/api/v1/organisations/own/imports", body("ref,Odd\nCON-001,G-Cloud\n"), content_type="application/json")
    assert response.status_code == 201, response.content
    preview = response.json()
    assert preview["columns"] == [{"header": "ref", "field": "reference"}, {"header": "Odd", "field": ""}]
    assert preview["rows"][0]["action"] == "unchanged"
    response = client.put(f"/api/v1/imports/{preview['id']}/mapping", {"mapping": ["reference", "framework"]}, content_type="application/json")
    assert response.json()["rows"][0]["changes"] == [{"field": "framework", "label": "Framework", "old": "(blank)", "new": "G-Cloud"}]
    response = client.post(f"/api/v1/imports/{preview['id']}/commit")
    assert response.json() == {"id": preview["id"], "created": 0, "changed": 1, "unchanged": 0, "skipped": 0}
    assert client.get(f"/api/v1/imports/{preview['id']}").json()["status"] == "committed"


def test_refusals_are_problems_and_write_nothing(world):
    member, editor = signed_in(world, "member"), signed_in(world, "editor")  # signing in records last_login
    before = checksum()
    response = member.post("/api/v1/organisations/own/imports", body("reference\nX\n"), content_type="application/json")
    assert response.status_code == 403 and response["Content-Type"] == "application/problem+json"
    response = editor.post("/api/v1/organisations/own/imports", body(""), content_type="application/json")
    assert response.status_code == 400 and "empty" in response.json()["detail"]
    assert Client().post("/api/v1/organisations/own/imports", body("reference\nX\n"), content_type="application/json").status_code == 401
    assert checksum() == before


def test_commit_refused_with_row_errors_and_when_stale(world):
    from citytools.contracts.services import update_contract

    client = signed_in(world, "editor")
    bad = client.post("/api/v1/organisations/own/imports", body("reference,end_date\nCON-001,never\n"), content_type="application/json").json()
    assert bad["can_commit"] is False and bad["rows"][0]["errors"]
    assert client.post(f"/api/v1/imports/{bad['id']}/commit").status_code == 400
    good = client.post("/api/v1/organisations/own/imports", body("reference,framework\nCON-001,G-Cloud\n"), content_type="application/json").json()
    update_contract(world.contract, version=1, changes={"title": "Moved on"}, actor=world.editor)
    response = client.post(f"/api/v1/imports/{good['id']}/commit")
    assert response.status_code == 409 and "preview again" in response.json()["detail"].lower()


def test_an_upload_is_not_found_for_others(world):
    client = signed_in(world, "editor")
    created = client.post("/api/v1/organisations/own/imports", body("reference,framework\nCON-001,X\n"), content_type="application/json").json()
    for role in ("member", "other_editor", "coordinator"):
        assert signed_in(world, role).get(f"/api/v1/imports/{created['id']}").status_code == 404
        assert signed_in(world, role).post(f"/api/v1/imports/{created['id']}/commit").status_code == 404
    assert Upload.objects.get().status == "previewed"


def test_exports_through_the_api(world):
    response = Client().get("/api/v1/organisations/own/export?kind=contracts&format=json")
    assert response.status_code == 200
    assert response.json()["records"][0]["title"] == "Housing system" and "annual_value" not in response.json()["columns"]
    member = signed_in(world, "member").get("/api/v1/exports/contracts?format=json&organisation=own").json()
    assert member["records"][0]["annual_value"] == "100000.00"
    assert Client().get("/api/v1/networks/north/export?kind=systems&format=xlsx")["Content-Type"].startswith("application/vnd.openxml")
    assert Client().get("/api/v1/imports/template?kind=systems").content.decode("utf-8-sig").startswith("id,organisation,product")
    assert Client().get("/api/v1/organisations/own/export?format=pdf").status_code == 422

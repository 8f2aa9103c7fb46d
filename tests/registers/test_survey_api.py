"""The API door of a network's survey (citytools.registers.api over citytools.registers.surveys):
a coordinator uploads a messy file, decides a joint service and imports it; a blocked import,
a file too large or unreadable, a hostile label, anyone but the network's coordinators, and a
write without its CSRF token are each refused with problem+json and write nothing."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from citytools.notices.models import Suggestion
from citytools.registers.models import SurveyImport
from tests.access import fingerprint
from tests.factories import NetworkFactory, RoleFactory
from tests.registers.test_surveys import ADUR, CAMDEN, KINGSTON, MESSY, WORTHING, world, xlsx  # noqa: F401  (world is a fixture)

PROBLEM = "application/problem+json"


def signed_in(user, *, enforce_csrf=False) -> Client:
    client = Client(enforce_csrf_checks=enforce_csrf)
    client.force_login(user)
    return client


def upload(client, content=None, *, slug="south", label="South survey 2026", trusted=False, query="", headers=None):
    data = {"file": SimpleUploadedFile("survey.xlsx", content if content is not None else xlsx(MESSY)), "label": label}
    if trusted:
        data["trusted"] = "true"
    return client.post(f"/api/v1/networks/{slug}/imports{query}", data, headers=headers or {})


def rows_of(body, row: int) -> list[dict]:
    return [r for r in body["rows"] if r["row"] == row]


@pytest.fixture
def outsider(world):
    """A coordinator of another network."""
    return RoleFactory(kind="coordinator", network=NetworkFactory(slug="north"), user__email="north@example.org").user


def test_a_coordinator_uploads_a_messy_survey_and_sees_each_rows_organisation(world):
    response = upload(signed_in(world.coordinator))
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["network"] == {"slug": "south", "name": "South network"} and body["label"] == "South survey 2026"
    assert body["status"] == "previewed" and body["job"] == "" and body["can_commit"] is False
    assert body["header_row"] == 2 and body["columns"][0] == {"header": "Council", "field": "organisation"}
    assert [r["organisation"] for r in rows_of(body, 3)] == [CAMDEN] and rows_of(body, 3)[0]["status"] == "suggested"
    assert rows_of(body, 4)[0]["organisation"] == KINGSTON
    joint = rows_of(body, 6)[0]
    assert joint["status"] == "decision" and {c["gss_code"] for c in joint["candidates"]} == {ADUR, WORTHING}
    assert "Narnia" in rows_of(body, 9)[0]["error"]
    assert body["counts"]["decision"] == 1 and body["counts"]["error"] >= 4
    camden = next(o for o in body["organisations"] if o["gss_code"] == CAMDEN)
    assert camden["suggested"] == 1 and camden["error"] == 1
    assert body["rows_total"] == len(body["rows"])
    assert not Suggestion.objects.exists()  # a preview writes nothing but the upload


def test_rows_come_a_page_at_a_time_and_of_one_status(world):
    client = signed_in(world.coordinator)
    created = upload(client).json()
    page = client.get(f"{created['url']}?row_status=error&rows_limit=2&rows_offset=1").json()
    assert page["rows_total"] == created["counts"]["error"] and page["rows_offset"] == 1
    assert len(page["rows"]) == 2 and {r["status"] for r in page["rows"]} == {"error"}
    assert page["rows"] == [r for r in created["rows"] if r["status"] == "error"][1:3]
    assert client.get(f"{created['url']}?rows_limit=100000").status_code == 422


def test_a_joint_service_is_decided_then_the_survey_imported(world):
    client = signed_in(world.coordinator)
    created = upload(client, xlsx([MESSY[0], MESSY[3]])).json()
    pks = [c["pk"] for c in rows_of(created, 4)[0]["candidates"]]
    response = client.post(f"{created['url']}/decisions", {"row": 4, "organisations": pks}, content_type="application/json")
    assert response.status_code == 200, response.content
    decided = response.json()
    assert [(r["organisation"], r["matched_by"]) for r in rows_of(decided, 4)] == [(ADUR, "decision"), (WORTHING, "decision")]
    assert decided["decisions"] == {"4": pks} and decided["can_commit"] is True
    response = client.post(f"{created['url']}/commit")
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "committed" and response.json()["committed_at"]
    assert Suggestion.objects.filter(organisation__in=[world.camden, world.adur, world.worthing]).count() == 3
    listed = client.get("/api/v1/networks/south/imports").json()
    assert [(s["id"], s["status"]) for s in listed] == [(created["id"], "committed")]
    again = client.post(f"{created['url']}/commit")
    assert again.status_code == 400 and again.json()["type"] == "about:blank#committed"


def test_a_decision_for_a_row_that_names_no_joint_service_is_refused(world):
    client = signed_in(world.coordinator)
    created = upload(client, xlsx([MESSY[0], MESSY[3]])).json()
    response = client.post(f"{created['url']}/decisions", {"row": 3, "organisations": [world.camden.pk]}, content_type="application/json")
    assert response.status_code == 400 and response["Content-Type"] == PROBLEM
    assert "names no joint service" in response.json()["detail"]


def test_choosing_the_columns_previews_again(world):
    client = signed_in(world.coordinator)
    created = upload(client, xlsx([MESSY[0]])).json()
    mapping = [column["field"] for column in created["columns"]]
    mapping[mapping.index("satisfaction")] = ""  # leave the satisfaction column out
    response = client.put(f"{created['url']}/columns", {"mapping": mapping}, content_type="application/json")
    assert response.status_code == 200, response.content
    assert [c["field"] for c in response.json()["columns"]] == mapping
    assert SurveyImport.objects.get().mapping == mapping


def test_a_blocked_import_is_a_problem_and_writes_nothing(world):
    client = signed_in(world.coordinator)
    created = upload(client).json()
    before = fingerprint()
    response = client.post(f"{created['url']}/commit")
    assert response.status_code == 400 and response["Content-Type"] == PROBLEM
    assert response.json()["type"] == "about:blank#row_errors" and "nothing was imported" in response.json()["detail"]
    assert fingerprint() == before


@pytest.mark.parametrize(
    ("content", "label", "detail"),
    [
        (b"\x00\x01 not a spreadsheet", "South survey 2026", ""),
        (None, "nul\x00byte", "label"),
        (None, "", "Name the source"),
    ],
    ids=["malformed file", "NUL in the label", "no label"],
)
def test_a_bad_upload_is_refused_with_a_problem(world, content, label, detail):
    client = signed_in(world.coordinator)
    before = fingerprint()
    response = upload(client, content, label=label)
    assert response.status_code == 400 and response["Content-Type"] == PROBLEM, response.content
    assert detail in response.json()["detail"]
    assert fingerprint() == before


def test_a_file_over_the_limit_is_refused(world, settings):
    settings.NETWORK_IMPORT_MAX_BYTES = 1000
    response = upload(signed_in(world.coordinator))
    assert response.status_code == 400 and response["Content-Type"] == PROBLEM
    assert "the largest accepted is" in response.json()["detail"]
    assert not SurveyImport.objects.exists()


def test_only_the_networks_coordinators_and_admins(world, outsider):
    created = upload(signed_in(world.coordinator)).json()
    admin = RoleFactory(kind="admin", user__email="admin@example.org").user
    assert signed_in(admin).get(created["url"]).status_code == 200
    editor, other = signed_in(world.editor), signed_in(outsider)
    for client in (editor, other):
        assert upload(client).status_code == 403
        assert client.get("/api/v1/networks/south/imports").status_code == 403
        for method, path in (("get", ""), ("put", "/columns"), ("post", "/decisions"), ("post", "/commit")):
            body = {"mapping": []} if path == "/columns" else {"row": 6, "organisations": [world.adur.pk]}
            response = getattr(client, method)(f"{created['url']}{path}", body, content_type="application/json")
            assert response.status_code == 404 and response["Content-Type"] == PROBLEM, (method, path)
    anonymous = Client()
    assert upload(anonymous).status_code == 401
    assert anonymous.get(created["url"]).status_code == 401
    assert SurveyImport.objects.count() == 1


def test_an_import_is_not_found_under_another_networks_address(world, outsider):
    created = upload(signed_in(world.coordinator)).json()
    admin = RoleFactory(kind="admin", user__email="admin@example.org").user
    assert signed_in(admin).get(f"/api/v1/networks/north/imports/{created['id']}").status_code == 404
    assert signed_in(outsider).get(f"/api/v1/networks/north/imports/{created['id']}").status_code == 404


def test_a_session_upload_needs_the_csrf_token(world):
    client = signed_in(world.coordinator, enforce_csrf=True)
    client.get("/accounts/login/")
    token = client.cookies["csrftoken"].value
    refused = upload(client)
    assert refused.status_code == 403 and refused.json()["type"] == "about:blank#csrf_failed"
    assert not SurveyImport.objects.exists()
    assert upload(client, headers={"X-CSRFToken": token}).status_code == 201


def test_a_large_file_is_previewed_by_the_worker(world, settings, monkeypatch):
    from citytools.registers import surveys

    queued = []
    monkeypatch.setattr(surveys.job_queued, "send", lambda sender, survey_id: queued.append(survey_id))
    settings.IMPORT_BACKGROUND_ROWS = 2
    client = signed_in(world.coordinator)
    response = upload(client)
    assert response.status_code == 202, response.content
    body = response.json()
    assert body["job"] == "preview" and body["job_total"] == 8 and body["counts"] is None and queued == [body["id"]]
    surveys.run_job(body["id"])
    done = client.get(body["url"]).json()
    assert done["job"] == "" and done["job_done"] == 8 and done["counts"]["decision"] == 1

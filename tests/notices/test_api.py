"""The API of public notices, each operation with its success and its refusals: the review
queue, accepting (409 once decided, 400 for bad edits) and rejecting suggestions, buyer names,
trusted sources, imports of a file of notices (multipart) with their progress, and the hints
that suggest a service area (listed, added, removed; 400, 404 and 422 for bad ones)."""

from urllib.parse import urlencode

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from citytools.contracts.models import Contract
from citytools.inventory.models import System
from citytools.notices.models import AreaHint, Buyer, Import, Suggestion, TrustedSource
from citytools.notices.services import run_web_import
from tests.notices.ocds import package_bytes, release
from tests.notices.world import CHANGE, NEW
from tests.spreadsheets.world import checksum

PROBLEM = "application/problem+json"


def client_for(world, role) -> Client:
    client = Client()
    if world.user(role) is not None:
        client.force_login(world.user(role))
    return client


def post(client, url, body=None):
    return client.post(url, body or {}, content_type="application/json")


def problem(response, status: int) -> dict:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"] == PROBLEM
    return response.json()


# The queue and one suggestion ----------------------------------------------------------------


def test_the_queue_lists_what_waits_first_and_filters_by_status(world):
    client = client_for(world, "coordinator")
    post(client, f"/api/v1/suggestions/{world.change.pk}/reject", {"reason": "Old"})
    items = client.get("/api/v1/organisations/own/suggestions").json()["items"]
    assert [(s["id"], s["status"]) for s in items] == [(world.new.pk, "pending"), (world.change.pk, "rejected")]
    assert items[1]["decided_by"] == "Coordinator" and items[1]["reason"] == "Old"
    pending = client.get("/api/v1/organisations/own/suggestions?status=pending").json()
    assert pending["count"] == 1 and pending["items"][0]["offered"]["service_area"] == "parking-enforcement"
    assert client.get("/api/v1/organisations/own/suggestions?status=maybe").status_code == 422


@pytest.mark.parametrize(("role", "status"), [("member", 403), ("peer_member", 403), ("other_coordinator", 403), ("vendor", 403), ("public", 401)])
def test_the_queue_is_refused_to_everyone_else(world, role, status):
    problem(client_for(world, role).get("/api/v1/organisations/own/suggestions"), status)


def test_a_suggestion_gives_the_notice_its_source_and_the_changes(world):
    body = client_for(world, "editor").get(f"/api/v1/suggestions/{world.change.pk}").json()
    assert body["kind"] == "change" and body["contract_id"] == world.contract.pk and body["url"] == f"/suggestions/{world.change.pk}/"
    assert body["changes"] == [
        {"field": "total_value", "label": "Total value", "map": "300000.00", "notice": "450000.00"},
        {"field": "end_date", "label": "End date", "map": "2027-03-31", "notice": "2029-03-31"},
    ]
    notice = body["notice"]
    assert notice["ocid"] == CHANGE and notice["source"] == "contracts_finder" and notice["release_ids"] == ["1"]
    assert notice["suppliers"] == [{"name": "Parkware Ltd", "company_number": "01234567"}]
    assert notice["cpv_codes"] == [{"code": "48000000", "label": "Software package and information systems"}]
    assert notice["value"] == "450000.00" and notice["released"] == "2025-01-10"


@pytest.mark.parametrize("role", ["member", "peer_member", "other_editor", "other_coordinator", "vendor"])
def test_a_suggestion_does_not_exist_for_those_who_may_not_review_it(world, role):
    client = client_for(world, role)
    before = checksum()
    for response in (
        client.get(f"/api/v1/suggestions/{world.change.pk}"),
        post(client, f"/api/v1/suggestions/{world.change.pk}/accept"),
        post(client, f"/api/v1/suggestions/{world.change.pk}/reject"),
    ):
        assert "300000" not in problem(response, 404)["detail"]
    assert checksum() == before


# Accepting and rejecting ------------------------------------------------------------------------


def test_accepting_a_new_contract_with_a_system(world):
    response = post(client_for(world, "editor"), f"/api/v1/suggestions/{world.new.pk}/accept", {
        "title": "Parking permits", "total_value": "125,000", "supplier": "parkware", "product": "permit-desk",
    })
    assert response.status_code == 200, response.content
    body = response.json()
    contract = Contract.objects.get(reference=NEW)
    system = System.objects.get(pk=body["system_id"])
    assert (body["status"], body["contract_id"], body["decided_by"]) == ("accepted", contract.pk, "Editor")
    assert contract.title == "Parking permits" and str(contract.total_value) == "125000.00"
    assert contract.provenance["ocid"] == NEW and contract.confirmed_at is None and system.confirmed_at is None
    assert [area.slug for area in system.service_areas.all()] == ["parking-enforcement"]
    # The contract's and the system's own answers say where their facts came from.
    reader = client_for(world, "editor")
    for url in (f"/api/v1/contracts/{contract.pk}", f"/api/v1/systems/{system.pk}"):
        provenance = reader.get(url).json()["provenance"]
        assert provenance["ocid"] == NEW and provenance["source"] == "contracts_finder", url
        assert provenance["release_ids"] and provenance["label"] == "a public notice (Contracts Finder)", url
    typed = reader.get(f"/api/v1/contracts/{world.contract.pk}").json()
    assert typed["provenance"] is None  # a person entered it
    listed = {row["id"]: row for row in reader.get("/api/v1/systems", {"organisation": "own"}).json()["items"]}
    assert listed[system.pk]["provenance"]["ocid"] == NEW


def test_accepting_with_nothing_changed_takes_the_notices_contract(world):
    body = post(client_for(world, "coordinator"), f"/api/v1/suggestions/{world.new.pk}/accept").json()
    contract = Contract.objects.get(pk=body["contract_id"])
    assert (contract.title, str(contract.end_date), contract.supplier) == ("Parking permit system", "2028-03-31", world.parkware)
    assert body["system_id"] is None


def test_accepting_some_changes(world):
    body = post(client_for(world, "editor"), f"/api/v1/suggestions/{world.change.pk}/accept", {"fields": ["total_value"]}).json()
    world.contract.refresh_from_db()
    assert body["status"] == "accepted" and str(world.contract.total_value) == "450000.00"
    assert str(world.contract.end_date) == "2027-03-31"


@pytest.mark.parametrize(("suggestion", "body", "status"), [
    ("new", {"supplier": "no-such-supplier"}, 400),
    ("new", {"product": "no-such-product"}, 400),
    ("new", {"end_date": "2020-01-01"}, 400),
    ("new", {"total_value": "lots"}, 400),
    ("new", {"route": "by lottery"}, 422),
    ("change", {"fields": []}, 400),
    ("change", {"fields": ["title"]}, 422),
    ("change", {"fields": ["start_date"]}, 400),
])
def test_bad_edits_are_refused_and_write_nothing(world, suggestion, body, status):
    client = client_for(world, "editor")
    before = checksum()
    problem(post(client, f"/api/v1/suggestions/{getattr(world, suggestion).pk}/accept", body), status)
    assert checksum() == before
    assert Suggestion.objects.get(pk=getattr(world, suggestion).pk).status == "pending"


def test_deciding_twice_is_a_conflict(world):
    client = client_for(world, "editor")
    assert post(client, f"/api/v1/suggestions/{world.new.pk}/reject", {"reason": "Not IT"}).json()["status"] == "rejected"
    before = checksum()
    assert "already decided" in problem(post(client, f"/api/v1/suggestions/{world.new.pk}/accept"), 409)["detail"]
    problem(post(client, f"/api/v1/suggestions/{world.new.pk}/reject"), 409)
    assert checksum() == before


def test_a_reason_too_long_is_refused(world):
    problem(post(client_for(world, "editor"), f"/api/v1/suggestions/{world.new.pk}/reject", {"reason": "x" * 501}), 400)


# Buyer names -----------------------------------------------------------------------------------


def test_buyer_names_are_listed_linked_and_set_aside_by_coordinators(world):
    client = client_for(world, "coordinator")
    items = client.get("/api/v1/notices/buyers").json()["items"]
    assert [(b["id"], b["status"], b["notices"]) for b in items] == [(world.buyer.pk, "open", 1)]
    body = post(client, f"/api/v1/notices/buyers/{world.buyer.pk}/link", {"organisation": "own"}).json()
    assert body["status"] == "linked" and body["organisation"]["slug"] == "own"
    assert Suggestion.objects.pending().filter(organisation=world.own, notice__buyer_key=world.buyer.key).exists()
    problem(post(client, f"/api/v1/notices/buyers/{world.buyer.pk}/dismiss"), 409)


def test_a_buyer_name_is_linked_only_to_an_organisation_the_coordinator_coordinates(world):
    client = client_for(world, "coordinator")
    before = checksum()
    problem(post(client, f"/api/v1/notices/buyers/{world.buyer.pk}/link", {"organisation": "stranger"}), 403)
    problem(post(client, f"/api/v1/notices/buyers/{world.buyer.pk}/link", {"organisation": "no-such"}), 404)
    assert checksum() == before


@pytest.mark.parametrize(("role", "status"), [("editor", 403), ("member", 403), ("vendor", 403), ("public", 401)])
def test_buyer_names_are_for_coordinators(world, role, status):
    client = client_for(world, role)
    before = checksum()
    problem(client.get("/api/v1/notices/buyers"), status)
    problem(post(client, f"/api/v1/notices/buyers/{world.buyer.pk}/dismiss"), 404 if status == 403 else 401)
    assert checksum() == before
    assert Buyer.objects.get(pk=world.buyer.pk).status == "open"


# Trusted sources -------------------------------------------------------------------------------


def test_a_coordinator_trusts_a_source_and_stops(world):
    client = client_for(world, "coordinator")
    assert [t["trusted"] for t in client.get("/api/v1/networks/north/trusted-sources").json()] == [False, False]
    put = client.put("/api/v1/networks/north/trusted-sources/find_a_tender", {"trusted": True}, content_type="application/json")
    assert put.json() == {"source": "find_a_tender", "label": "Find a Tender", "trusted": True}
    assert list(TrustedSource.objects.values_list("source", flat=True)) == ["find_a_tender"]
    client.put("/api/v1/networks/north/trusted-sources/find_a_tender", {"trusted": False}, content_type="application/json")
    assert not TrustedSource.objects.exists()
    problem(client.put("/api/v1/networks/north/trusted-sources/the_gazette", {"trusted": True}, content_type="application/json"), 422)


@pytest.mark.parametrize("role", ["editor", "other_coordinator", "vendor"])
def test_a_networks_trust_is_its_coordinators(world, role):
    client = client_for(world, role)
    problem(client.get("/api/v1/networks/north/trusted-sources"), 403)
    problem(client.put("/api/v1/networks/north/trusted-sources/find_a_tender", {"trusted": True}, content_type="application/json"), 403)
    assert not TrustedSource.objects.exists()


# Imports ---------------------------------------------------------------------------------------


def notices_file(world, name="notices.json"):
    content = package_bytes(release(ocid="ocds-b5fd17-uploaded", buyer=world.peer.name))
    return SimpleUploadedFile(name, content, content_type="application/json")


def test_an_upload_is_accepted_and_followed_to_the_end(world):
    client = client_for(world, "coordinator")
    response = client.post("/api/v1/networks/north/notice-imports", {"file": notices_file(world)})
    assert response.status_code == 202, response.content
    started = response.json()
    job = Import.objects.get()
    assert started == {"id": job.pk, "url": f"/api/v1/notice-imports/{job.pk}"}
    assert client.get(started["url"]).json()["status"] == "queued"
    run_web_import(job.pk)  # as the worker would
    body = client.get(started["url"]).json()
    assert body["status"] == "done" and body["summary"]["suggested"] == 1 and body["errors"] == []
    assert body["network"]["slug"] == "north" and body["filename"] == "notices.json"


def test_an_upload_must_be_a_file_of_notices(world):
    client = client_for(world, "coordinator")
    assert problem(client.post("/api/v1/networks/north/notice-imports", {}), 400)["detail"].startswith("Choose a file")
    problem(client.post("/api/v1/networks/north/notice-imports", {"file": notices_file(world, "notices.csv")}), 400)
    assert not Import.objects.exists()


@pytest.mark.parametrize("role", ["editor", "other_coordinator", "vendor"])
def test_a_networks_imports_are_its_coordinators(world, role):
    job = Import.objects.create(network=world.north, filename="notices.json", content=b"{}", created_by=world.admin)
    client = client_for(world, role)
    problem(client.post("/api/v1/networks/north/notice-imports", {"file": notices_file(world)}), 403)
    problem(client.get(f"/api/v1/notice-imports/{job.pk}"), 404)
    assert Import.objects.count() == 1


# How notices suggest a service area ------------------------------------------------------------

HINTS = "/api/v1/notice-hints"


def delete(client, **query):
    return client.delete(f"{HINTS}?{urlencode(query)}")


def test_the_hints_in_force_are_listed_shipped_then_edited(world):
    client = client_for(world, "coordinator")
    body = client.get(HINTS).json()
    assert body["edited"] is False
    parking = {"slug": "parking-enforcement", "name": "Parking enforcement"}
    assert body["hints"] == [
        {"area": parking, "kind": "words", "hint": hint, "label": "", "shipped": True}
        for hint in ("civil parking enforcement", "parking enforcement", "parking permit", "penalty charge notice")
    ]
    created = post(client, HINTS, {"area": "parking-enforcement", "kind": "cpv", "hint": "48311000-1"})
    assert created.status_code == 201
    assert created.json() == {"area": parking, "kind": "cpv", "hint": "48311000", "label": "Document management software package", "shipped": False}
    body = client.get(HINTS).json()
    assert body["edited"] is True and len(body["hints"]) == 5 and body["hints"][-1]["hint"] == "48311000"


def test_a_hint_is_removed_by_its_area_kind_and_words(world):
    client = client_for(world, "admin")
    response = delete(client, area="parking-enforcement", kind="words", hint="parking permit")
    assert response.status_code == 204 and response.content == b""
    assert "parking permit" not in [hint["hint"] for hint in client.get(HINTS).json()["hints"]]
    problem(delete(client, area="parking-enforcement", kind="words", hint="parking permit"), 404)
    problem(delete(client, area="no-such", kind="words", hint="parking enforcement"), 404)
    problem(client.delete(f"{HINTS}?area=parking-enforcement"), 422)
    post(client, HINTS, {"area": "parking-enforcement", "kind": "cpv", "hint": "48311000"})
    assert delete(client, area="parking-enforcement", kind="cpv", hint="48311000-1").status_code == 204


@pytest.mark.parametrize(
    ("body", "status", "detail"),
    [
        ({"area": "parking-enforcement", "kind": "words", "hint": " "}, 400, "Enter the words or the CPV code."),
        ({"area": "parking-enforcement", "kind": "cpv", "hint": "software"}, 400, "A CPV code is digits"),
        ({"area": "parking-enforcement", "kind": "words", "hint": "x" * 201}, 400, "Keep the words to 200 characters"),
        ({"area": "parking-enforcement", "kind": "words", "hint": "nul\u0000byte"}, 400, "contains a NUL character"),
        ({"area": "parking-enforcement", "kind": "words", "hint": "PARKING permit"}, 400, "This hint is already there."),
        ({"area": "transport", "kind": "words", "hint": "buses"}, 400, "Transport is a group of service areas"),
        ({"area": "no-such", "kind": "words", "hint": "buses"}, 404, "No such service area."),
        ({"area": "parking-enforcement", "kind": "colour", "hint": "red"}, 422, None),
        ({"area": "parking-enforcement", "kind": "words"}, 422, None),
    ],
    ids=["blank", "not a code", "too long", "NUL", "duplicate", "a group", "unknown area", "unknown kind", "no hint"],
)
def test_a_bad_hint_is_refused_and_writes_nothing(world, body, status, detail):
    client = client_for(world, "coordinator")
    before = checksum()
    refusal = problem(post(client, HINTS, body), status)
    if detail:
        assert detail in refusal["detail"]
    assert checksum() == before and not AreaHint.objects.exists()


@pytest.mark.parametrize(("role", "status"), [("editor", 403), ("member", 403), ("peer_member", 403), ("vendor", 403), ("public", 401)])
def test_the_hints_are_for_coordinators_and_admins(world, role, status):
    client = client_for(world, role)
    before = checksum()
    problem(client.get(HINTS), status)
    problem(post(client, HINTS, {"area": "parking-enforcement", "kind": "words", "hint": "buses"}), status)
    problem(post(client, HINTS, {"area": "no-such", "kind": "words", "hint": "buses"}), status)  # not 404: no slug is confirmed
    problem(delete(client, area="parking-enforcement", kind="words", hint="parking permit"), status)
    assert checksum() == before

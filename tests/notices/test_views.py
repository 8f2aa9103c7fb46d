"""The pages of public notices, each door with its success and its refusals: the review
queue, a suggestion accepted (a new contract with its provenance and an unconfirmed seal, or
the changes ticked) or rejected (and remembered), the buyer names linked or set aside, a
network's uploads, trust and imports, the hints that suggest a service area (listed, added,
removed, refused), and the links to them from the organisation's and the network's pages."""

import html
import re

import pytest
from django.test import Client

from citytools.contracts.models import Contract
from citytools.directory.models import OrganisationAlias, Supplier
from citytools.inventory.models import System
from citytools.notices.models import AreaHint, Buyer, Import, Suggestion, TrustedSource
from citytools.notices.services import run_web_import
from tests.factories import ServiceAreaFactory
from tests.notices.ocds import imported, package_bytes, release
from tests.notices.world import CHANGE, NEW, UNKNOWN_BUYER
from tests.spreadsheets.world import checksum


def client_for(world, role) -> Client:
    client = Client()
    if world.user(role) is not None:
        client.force_login(world.user(role))
    return client


def text(response) -> str:
    """The page's text as a person reads it: no tags, entities read, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


def accept_new(world, **changes) -> dict:
    facts = world.new.facts
    return {
        "supplier": "parkware", "title": facts["title"], "total_value": "120,000", "currency": "GBP",
        "start_date": facts["start_date"], "end_date": facts["end_date"], "extension_end_date": "", "route": "open",
        "product": "", "service_area": "", **changes,
    }


# The queue ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["editor", "coordinator", "admin"])
def test_the_queue_lists_what_waits_first_for_those_who_review(world, role):
    response = client_for(world, role).get("/organisations/own/suggestions/")
    assert response.status_code == 200
    page = text(response)
    assert "Waiting for review (2)" in page and "Parking permit system" in page and "Housing repairs" in page
    assert "Parking enforcement The title says 'parking permit'." in page
    assert "No suggestion has been decided yet." in page


@pytest.mark.parametrize(("role", "status"), [("member", 403), ("peer_member", 403), ("other_editor", 403), ("other_coordinator", 403), ("vendor", 403), ("public", 302)])
def test_the_queue_is_refused_to_everyone_else(world, role, status):
    response = client_for(world, role).get("/organisations/own/suggestions/")
    assert response.status_code == status
    assert "Parking permit system" not in response.content.decode()


def test_a_decided_suggestion_names_who_decided_it(world):
    client = client_for(world, "editor")
    client.post(f"/suggestions/{world.change.pk}/reject/", {"reason": "An old framework"})
    page = text(client_for(world, "coordinator").get("/organisations/own/suggestions/"))
    assert "Waiting for review (1)" in page and "Rejected" in page and "Editor" in page


def test_the_organisation_page_links_the_queue_for_those_who_review_it(world):
    for role, linked in [("editor", True), ("coordinator", True), ("member", False), ("public", False)]:
        page = client_for(world, role).get("/organisations/own/").content.decode()
        assert ('href="/organisations/own/suggestions/"' in page) == linked, role


# A suggestion --------------------------------------------------------------------------------


def test_a_new_contract_shows_the_notice_its_source_and_both_forms(world):
    page = text(client_for(world, "editor").get(f"/suggestions/{world.new.pk}/"))
    for expected in (
        "New contract for Own, from a public notice", "Parkware Ltd (company number 01234567)",
        "48000000 Software package and information systems", "£120,000", "31 March 2028", "Open procedure",
        "Where this came from", NEW, "10 January 2025", "https://www.contractsfinder.service.gov.uk/Notice/new-parking",
        "Accept and add the contract", "Reject the suggestion",
    ):
        assert expected in page, expected
    html = client_for(world, "editor").get(f"/suggestions/{world.new.pk}/").content.decode()
    assert '<option value="parkware" selected>' in html, "the recognised supplier is chosen"
    assert '<option value="parking-enforcement" selected>' in html, "the suggested area is chosen"


def test_a_change_shows_the_maps_value_beside_the_notices(world):
    page = text(client_for(world, "editor").get(f"/suggestions/{world.change.pk}/"))
    assert "Total value £300,000 £450,000" in page and "End date 31 March 2027 31 March 2029" in page
    assert "Total value: £450,000 instead of £300,000" in page
    html = client_for(world, "editor").get(f"/suggestions/{world.change.pk}/").content.decode()
    assert html.count('name="fields" type="checkbox"') == 2 and html.count(" checked>") == 2


@pytest.mark.parametrize("role", ["member", "peer_member", "other_editor", "other_coordinator", "vendor"])
def test_a_suggestion_does_not_exist_for_those_who_may_not_review_it(world, role):
    client = client_for(world, role)
    for url in (f"/suggestions/{world.new.pk}/", f"/suggestions/{world.change.pk}/"):
        response = client.get(url)
        assert response.status_code == 404 and "300,000" not in response.content.decode()
    before = checksum()
    assert client.post(f"/suggestions/{world.new.pk}/accept/", accept_new(world)).status_code == 404
    assert client.post(f"/suggestions/{world.new.pk}/reject/", {"reason": "x"}).status_code == 404
    assert checksum() == before


# Accepting -----------------------------------------------------------------------------------


def test_accepting_a_new_contract_puts_it_on_the_map_with_its_provenance_unconfirmed(world):
    client = client_for(world, "editor")
    response = client.post(
        f"/suggestions/{world.new.pk}/accept/",
        accept_new(world, title="Parking permits", product="permit-desk", service_area="parking-enforcement"),
    )
    contract = Contract.objects.get(reference=NEW)
    assert response.status_code == 303 and response["Location"] == contract.get_absolute_url()
    assert contract.title == "Parking permits" and contract.supplier == world.parkware and contract.source == "contracts_finder"
    assert contract.provenance["ocid"] == NEW and contract.confirmed_at is None
    system = System.objects.get(organisation=world.own, product=world.permits)
    assert list(contract.systems.all()) == [system] and [a.slug for a in system.service_areas.all()] == ["parking-enforcement"]
    world.new.refresh_from_db()
    assert (world.new.status, world.new.contract, world.new.system, world.new.decided_by) == ("accepted", contract, system, world.editor)
    page = text(client.get(response["Location"]))
    assert "was accepted" in page and "From a public notice (Contracts Finder), not yet confirmed" in page
    assert "Where this came from" in page and NEW in page and "10 January 2025" in page
    system_page = text(client.get(f"/systems/{system.pk}/"))
    assert "Where this came from" in system_page and NEW in system_page


def test_a_coordinator_accepts_and_the_notices_company_joins_the_catalogue_once(world):
    response = client_for(world, "coordinator").post(f"/suggestions/{world.new.pk}/accept/", accept_new(world, supplier="new"))
    assert response.status_code == 303
    # The company is already in the catalogue under its number: no second Parkware.
    assert Supplier.objects.filter(company_number="01234567").count() == 1
    assert Contract.objects.get(reference=NEW).supplier == world.parkware


def test_an_accept_with_bad_input_is_shown_again_and_writes_nothing(world):
    client = client_for(world, "editor")
    before = checksum()
    # Refused by the contract's rules, in the service: an end before the start.
    response = client.post(f"/suggestions/{world.new.pk}/accept/", accept_new(world, end_date="2020-01-01"))
    assert response.status_code == 400 and "There is a problem" in response.content.decode()
    # Refused by the form: a group of service areas is no area, and a supplier it does not offer.
    assert client.post(f"/suggestions/{world.new.pk}/accept/", accept_new(world, product="permit-desk", service_area="transport")).status_code == 400
    assert client.post(f"/suggestions/{world.new.pk}/accept/", accept_new(world, supplier="vendor-company-of-nobody")).status_code == 400
    assert checksum() == before


def test_accepting_the_ticked_changes_only(world):
    response = client_for(world, "editor").post(f"/suggestions/{world.change.pk}/accept/", {"fields": ["end_date"]})
    assert response.status_code == 303 and response["Location"] == world.contract.get_absolute_url()
    world.contract.refresh_from_db()
    assert str(world.contract.end_date) == "2029-03-31" and str(world.contract.total_value) == "300000.00"
    assert world.contract.provenance["ocid"] == CHANGE


def test_accepting_no_change_at_all_is_refused(world):
    client = client_for(world, "editor")
    before = checksum()
    response = client.post(f"/suggestions/{world.change.pk}/accept/", {})
    assert response.status_code == 400 and "Choose at least one change" in response.content.decode()
    assert checksum() == before


def test_a_contract_changed_since_the_suggestion_is_a_conflict(world):
    from citytools.contracts.services import update_contract

    update_contract(world.contract, version=world.contract.version, changes={"total_value": "310000"}, actor=world.editor)
    response = client_for(world, "editor").post(f"/suggestions/{world.change.pk}/accept/", {"fields": ["total_value"]})
    assert response.status_code == 409 and "has changed since the suggestion was made" in response.content.decode()
    world.change.refresh_from_db()
    assert world.change.status == "pending"


def test_deciding_twice_is_a_conflict(world):
    client = client_for(world, "editor")
    assert client.post(f"/suggestions/{world.new.pk}/accept/", accept_new(world)).status_code == 303
    coordinator = client_for(world, "coordinator")
    before = checksum()
    again = coordinator.post(f"/suggestions/{world.new.pk}/accept/", accept_new(world))
    assert again.status_code == 409 and "already decided" in again.content.decode()
    assert client.post(f"/suggestions/{world.new.pk}/reject/", {"reason": ""}).status_code == 409
    assert checksum() == before
    page = text(client.get(f"/suggestions/{world.new.pk}/"))
    assert "Decision Accepted" in page and "By Editor" in page and "Accept and add the contract" not in page


# Rejecting -----------------------------------------------------------------------------------


def test_a_rejection_is_kept_with_its_reason_and_remembered_by_the_next_import(world):
    from tests.notices.ocds import imported

    response = client_for(world, "editor").post(f"/suggestions/{world.new.pk}/reject/", {"reason": "Not an IT contract"})
    assert response.status_code == 303 and response["Location"] == "/organisations/own/suggestions/"
    world.new.refresh_from_db()
    assert (world.new.status, world.new.reason, world.new.decided_by) == ("rejected", "Not an IT contract", world.editor)
    later = release(ocid=NEW, release_id="2", date="2025-03-01T09:00:00Z", buyer=world.own.name, amount=130000)
    imported(later, actor=world.admin)
    world.new.refresh_from_db()
    assert world.new.status == "rejected" and not Suggestion.objects.pending().filter(notice__ocid=NEW).exists()
    page = text(client_for(world, "editor").get(f"/suggestions/{world.new.pk}/"))
    assert "Reason Not an IT contract" in page


def test_a_reason_too_long_is_refused(world):
    response = client_for(world, "editor").post(f"/suggestions/{world.new.pk}/reject/", {"reason": "x" * 501})
    assert response.status_code == 400
    world.new.refresh_from_db()
    assert world.new.status == "pending"


# Buyer names ---------------------------------------------------------------------------------


def test_a_coordinator_links_a_buyer_name_and_its_notices_make_their_suggestions(world):
    client = client_for(world, "coordinator")
    page = client.get("/notices/buyers/").content.decode()
    assert UNKNOWN_BUYER in page and '<option value="own">' in page and '<option value="stranger">' not in page
    response = client.post(f"/notices/buyers/{world.buyer.pk}/link/", {"organisation": "own"})
    assert response.status_code == 303 and response["Location"] == "/notices/buyers/"
    world.buyer.refresh_from_db()
    assert world.buyer.status == "linked" and world.buyer.organisation == world.own
    assert OrganisationAlias.objects.get(key=world.buyer.key).organisation == world.own
    assert Suggestion.objects.pending().filter(organisation=world.own, notice__buyer_name=UNKNOWN_BUYER).exists()
    assert f"<h2 class=\"govuk-heading-m\" id=\"buyer-{world.buyer.pk}-name\">" not in client.get("/notices/buyers/").content.decode()


def test_a_buyer_name_cannot_be_linked_to_another_networks_organisation(world):
    client = client_for(world, "coordinator")
    before = checksum()
    response = client.post(f"/notices/buyers/{world.buyer.pk}/link/", {"organisation": "stranger"})
    assert response.status_code == 403
    response = client.post(f"/notices/buyers/{world.buyer.pk}/link/", {"organisation": "no-such"})
    assert response.status_code == 400 and "Choose the organisation" in response.content.decode()
    assert checksum() == before


@pytest.mark.parametrize("role", ["editor", "member", "vendor"])
def test_buyer_names_are_for_coordinators(world, role):
    client = client_for(world, role)
    before = checksum()
    assert client.get("/notices/buyers/").status_code == 403
    assert client.post(f"/notices/buyers/{world.buyer.pk}/link/", {"organisation": "own"}).status_code == 404
    assert client.post(f"/notices/buyers/{world.buyer.pk}/dismiss/").status_code == 404
    assert checksum() == before


def test_a_buyer_name_set_aside_once(world):
    client = client_for(world, "other_coordinator")
    assert client.post(f"/notices/buyers/{world.buyer.pk}/dismiss/").status_code == 303
    assert Buyer.objects.get(pk=world.buyer.pk).status == "dismissed"
    again = client.post(f"/notices/buyers/{world.buyer.pk}/dismiss/")
    assert again.status_code == 409 and "already been decided" in again.content.decode()


# A network's notices ---------------------------------------------------------------------------


def upload(name="notices.json", content=None):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content if content is not None else b"{}", content_type="application/json")


def test_a_coordinator_uploads_notices_and_follows_the_import(world, django_capture_on_commit_callbacks):
    client = client_for(world, "coordinator")
    content = package_bytes(release(ocid="ocds-b5fd17-uploaded", buyer=world.peer.name))
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client.post("/networks/north/notices/", {"file": upload(content=content)})
    job = Import.objects.get()
    assert response.status_code == 303 and response["Location"] == f"/notices/imports/{job.pk}/"
    page = client.get(response["Location"]).content.decode()
    assert "Waiting for the worker" in page and 'hx-get="/notices/imports/' in page and "Refresh this page" in page
    fragment = client.get(f"/notices/imports/{job.pk}/?progress=1", HTTP_HX_REQUEST="true")
    assert 'id="progress"' in fragment.content.decode() and "<html" not in fragment.content.decode()
    assert len(queued) == 1
    run_web_import(job.pk)  # as the worker would
    done = client.get(f"/notices/imports/{job.pk}/?progress=1", HTTP_HX_REQUEST="true")
    assert done["HX-Refresh"] == "true"
    page = text(client.get(f"/notices/imports/{job.pk}/"))
    assert "Imported" in page and "Suggested to an organisation 1" in page
    assert Suggestion.objects.pending().filter(organisation=world.peer).count() == 1
    network_page = text(client.get("/networks/north/notices/"))
    assert "notices.json" in network_page and "Finished" in network_page


def test_the_worker_is_handed_the_import_when_it_is_recorded(world, django_capture_on_commit_callbacks):
    content = package_bytes(release(ocid="ocds-b5fd17-uploaded", buyer=world.peer.name))
    with django_capture_on_commit_callbacks(execute=True):
        client_for(world, "coordinator").post("/networks/north/notices/", {"file": upload(content=content)})
    assert Import.objects.get().status == "done"  # the test settings run tasks at once


def test_a_file_that_is_no_notice_file_is_refused_on_the_form(world):
    client = client_for(world, "coordinator")
    response = client.post("/networks/north/notices/", {"file": upload("notices.csv", b"a,b\n")})
    assert response.status_code == 400 and "Upload a .json, .jsonl or .gz file" in response.content.decode()
    assert client.post("/networks/north/notices/", {}).status_code == 400
    assert not Import.objects.exists()


def test_a_failed_import_says_why(world):
    job = Import.objects.create(network=world.north, filename="broken.json", content=b"{not json", created_by=world.admin)
    run_web_import(job.pk)
    page = text(client_for(world, "coordinator").get(f"/notices/imports/{job.pk}/"))
    assert "Failed" in page and "Nothing was imported" in page


@pytest.mark.parametrize("role", ["editor", "member", "other_coordinator", "vendor"])
def test_a_networks_notices_are_its_coordinators(world, role):
    client = client_for(world, role)
    job = Import.objects.create(network=world.north, filename="notices.json", content=b"{}", created_by=world.admin)
    before = checksum()
    assert client.get("/networks/north/notices/").status_code == 403
    assert client.post("/networks/north/notices/", {"file": upload()}).status_code == 403
    assert client.post("/networks/north/notices/trust/", {"source": "contracts_finder", "trusted": "1"}).status_code == 403
    assert client.get(f"/notices/imports/{job.pk}/").status_code == 404
    assert checksum() == before


def test_a_coordinator_trusts_a_source_and_stops(world):
    client = client_for(world, "coordinator")
    response = client.post("/networks/north/notices/trust/", {"source": "contracts_finder", "trusted": "1"})
    assert response.status_code == 303
    assert list(TrustedSource.objects.values_list("network__slug", "source")) == [("north", "contracts_finder")]
    assert "Trusted" in text(client.get("/networks/north/notices/"))
    client.post("/networks/north/notices/trust/", {"source": "contracts_finder", "trusted": "0"})
    assert not TrustedSource.objects.exists()
    assert client.post("/networks/north/notices/trust/", {"source": "tenders_daily", "trusted": "1"}).status_code == 400


def test_the_network_page_links_its_notices_for_its_coordinators(world):
    assert 'href="/networks/north/notices/"' in client_for(world, "coordinator").get("/networks/north/").content.decode()
    assert 'href="/networks/north/notices/"' not in client_for(world, "editor").get("/networks/north/").content.decode()


# How notices suggest a service area ------------------------------------------------------------


@pytest.fixture
def cameras(world):
    """A second area of the world's group, which the shipped mapping gives no hint on this map."""
    return ServiceAreaFactory(slug="cctv", name="CCTV and public space surveillance", parent=world.parking.parent)


def hint_rows(page: str) -> list[str]:
    return re.findall(r'<input type="hidden" name="hint" value="([^"]*)">', page)


@pytest.mark.parametrize("role", ["coordinator", "other_coordinator", "admin"])
def test_the_hints_page_lists_every_area_with_the_shipped_mapping(world, cameras, role):
    response = client_for(world, role).get("/notices/service-areas/")
    assert response.status_code == 200
    page = text(response)
    assert "This is the mapping that ships with City Tools: nobody has edited it yet." in page
    assert "Parking enforcement Words “parking permit”" in page and "Added here" not in page
    assert "CCTV and public space surveillance No hint" in page
    assert sorted(hint_rows(response.content.decode())) == [
        "civil parking enforcement", "parking enforcement", "parking permit", "penalty charge notice",
    ]


def test_a_coordinator_adds_a_hint_and_a_later_import_follows_it(world, cameras):
    client = client_for(world, "coordinator")
    response = client.post("/notices/service-areas/", {"area": "cctv", "kind": "words", "hint": "  Kerbside  CAMERAS "})
    assert response.status_code == 303 and response["Location"] == "/notices/service-areas/#area-cctv"
    page = text(client.get(response["Location"]))
    assert "Notices that give “kerbside cameras” now suggest CCTV and public space surveillance." in page
    assert "Network coordinators have edited this mapping." in page
    assert "CCTV and public space surveillance Words “kerbside cameras” Added here" in page
    assert "Parking enforcement Words “parking permit” Remove" in page  # the shipped hints are kept
    client.post("/notices/service-areas/", {"area": "cctv", "kind": "cpv", "hint": "35125300-2"})
    assert "35125300 (Security cameras)" in text(client.get("/notices/service-areas/"))
    imported(release(ocid=f"{NEW}-cameras", buyer=world.own.name, title="Kerbside cameras and their software"), actor=world.admin)
    assert Suggestion.objects.get(notice__ocid=f"{NEW}-cameras").facts["service_area"] == "cctv"


def test_a_coordinator_removes_a_hint(world, cameras):
    client = client_for(world, "other_coordinator")
    response = client.post("/notices/service-areas/remove/", {"area": "parking-enforcement", "kind": "words", "hint": "parking permit"})
    assert response.status_code == 303 and response["Location"] == "/notices/service-areas/#area-parking-enforcement"
    page = client.get(response["Location"])
    assert "Notices that give “parking permit” no longer suggest Parking enforcement." in text(page)
    assert sorted(hint_rows(page.content.decode())) == ["civil parking enforcement", "parking enforcement", "penalty charge notice"]
    assert not AreaHint.objects.filter(hint="parking permit").exists()
    again = client.post("/notices/service-areas/remove/", {"area": "parking-enforcement", "kind": "words", "hint": "parking permit"})
    assert again.status_code == 404


@pytest.mark.parametrize(
    ("form", "status", "error"),
    [
        ({"area": "cctv", "kind": "words", "hint": "   "}, 400, "Enter the words or the CPV code."),
        ({"area": "cctv", "kind": "cpv", "hint": "cameras"}, 400, "A CPV code is digits, like 48 or 48311000."),
        ({"area": "cctv", "kind": "cpv", "hint": "4"}, 400, "A CPV code is digits"),
        ({"area": "cctv", "kind": "words", "hint": "x" * 201}, 400, "Keep the words to 200 characters or fewer."),
        ({"area": "cctv", "kind": "words", "hint": "nul\x00byte"}, 400, "Null characters are not allowed."),
        ({"area": "cctv", "kind": "words", "hint": "bell\x07"}, 400, "contains a control character"),
        ({"area": "cctv", "kind": "colour", "hint": "red"}, 400, "Choose words or a CPV code."),
        ({"area": "no-such", "kind": "words", "hint": "cameras"}, 400, "Choose the service area."),
        ({"area": "transport", "kind": "words", "hint": "cameras"}, 400, "Choose the service area."),
        ({"area": "parking-enforcement", "kind": "words", "hint": "Parking  Permit"}, 400, "This hint is already there."),
    ],
    ids=["blank", "not a code", "too short a code", "too long", "NUL", "control character", "unknown kind", "unknown area", "a group", "duplicate"],
)
def test_a_bad_hint_is_shown_again_and_writes_nothing(world, cameras, form, status, error):
    client = client_for(world, "coordinator")
    before = checksum()
    response = client.post("/notices/service-areas/", form)
    assert response.status_code == status
    page = text(response)
    assert page.startswith("Error: How public notices suggest a service area") and "There is a problem" in page and error in page
    assert 'name="hint"' in response.content.decode()  # the form, to correct
    assert checksum() == before
    assert not AreaHint.objects.exists()


def test_a_remove_button_that_names_no_hint_is_refused(world):
    client = client_for(world, "coordinator")
    before = checksum()
    response = client.post("/notices/service-areas/remove/", {"area": "no-such", "kind": "words", "hint": "parking permit"})
    assert response.status_code == 400 and "There is a problem" in text(response)
    assert client.post("/notices/service-areas/remove/", {"area": "parking-enforcement", "kind": "words", "hint": "nothing"}).status_code == 404
    assert checksum() == before


@pytest.mark.parametrize(("role", "status"), [("editor", 403), ("member", 403), ("peer_member", 403), ("vendor", 403), ("public", 302)])
def test_the_hints_are_for_coordinators_and_admins(world, role, status):
    client = client_for(world, role)
    before = checksum()
    responses = [
        client.get("/notices/service-areas/"),
        client.post("/notices/service-areas/", {"area": "parking-enforcement", "kind": "words", "hint": "cameras"}),
        client.post("/notices/service-areas/remove/", {"area": "parking-enforcement", "kind": "words", "hint": "parking permit"}),
    ]
    for response in responses:
        assert response.status_code == status
        assert "parking permit" not in response.content.decode()
        if status == 302:
            assert response["Location"].startswith("/accounts/login/")
    assert checksum() == before


def test_the_network_page_links_the_hints(world):
    assert 'href="/notices/service-areas/"' in client_for(world, "coordinator").get("/networks/north/notices/").content.decode()

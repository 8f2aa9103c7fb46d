"""The pages of public notices, each door with its success and its refusals: the review
queue, a suggestion accepted (a new contract with its provenance and an unconfirmed seal, or
the changes ticked) or rejected (and remembered), the buyer names linked or set aside, a
network's uploads, trust and imports, and the links to them from the organisation's and the
network's pages."""

import html
import re

import pytest
from django.test import Client

from citytools.contracts.models import Contract
from citytools.directory.models import OrganisationAlias, Supplier
from citytools.inventory.models import System
from citytools.notices.models import Buyer, Import, Suggestion, TrustedSource
from citytools.notices.services import run_web_import
from tests.notices.ocds import package_bytes, release
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

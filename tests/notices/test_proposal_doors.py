"""The doors of a suggested system from a survey or a register: the queue and the suggestion's
page show it with its source, and it is accepted with the editor's corrections (or rejected)
through the page and through the API, alike."""

import pytest

from citytools.contracts.models import Contract
from citytools.inventory.models import System
from citytools.notices import services
from citytools.notices.models import Suggestion
from citytools.satisfaction.models import Rating
from tests.factories import ProductFactory, ServiceAreaFactory
from tests.notices.test_api import client_for, post, problem
from tests.notices.test_proposals import KEY, LABEL, PROVENANCE, row
from tests.notices.test_views import text


@pytest.fixture
def suggested(world):
    services.propose(world.own, key=KEY, label=LABEL, facts=row(), provenance=PROVENANCE, actor=world.user("coordinator"))
    return Suggestion.objects.get(origin_key=KEY)


def test_the_queue_shows_a_suggested_system_with_its_source(world, suggested):
    page = text(client_for(world, "editor").get("/organisations/own/suggestions/"))
    assert "Waiting for review (3)" in page
    assert "Permit Desk New system with its contract Parkware Ltd £48,000 31 Mar 2027 Parking enforcement North survey 2026" in page


def test_the_suggestions_page_shows_the_offer_and_preselects_the_product_and_area(world, suggested):
    response = client_for(world, "coordinator").get(f"/suggestions/{suggested.pk}/")
    assert response.status_code == 200
    page = text(response)
    assert "New system for Own" in page and "from North survey 2026" in page
    assert "Product Permit Desk Supplier Parkware Ltd Service area Parking enforcement Hosting Software as a service" in page
    assert "Satisfaction 4 out of 5 “Reliable, slow support”" in page
    assert "Where this came from Source North survey 2026" in page
    body = response.content.decode()
    assert '<option value="permit-desk" selected>' in body and '<option value="parking-enforcement" selected>' in body
    assert 'value="Permit Desk licence"' in body


def test_accepting_on_the_page_with_edits_puts_the_system_and_contract_on_the_map(world, suggested):
    other = ProductFactory(slug="kerbside", name="Kerbside", manufacturer=world.parkware)
    ServiceAreaFactory(slug="bus-lanes", name="Bus lanes", parent=world.parking.parent)
    form = {
        "product": other.slug, "service_area": "bus-lanes", "supplier": "parkware", "title": "Kerbside licence",
        "total_value": "51,000", "currency": "GBP", "start_date": "2024-04-01", "end_date": "2028-03-31", "extension_end_date": "",
    }
    response = client_for(world, "editor").post(f"/suggestions/{suggested.pk}/accept/", form)
    system = System.objects.get(organisation=world.own, product=other)
    assert response.status_code == 303 and response["Location"] == f"/systems/{system.pk}/"
    assert [area.slug for area in system.service_areas.all()] == ["bus-lanes"]
    assert system.provenance == PROVENANCE and system.confirmed_at is None
    contract = Contract.objects.get(organisation=world.own, title="Kerbside licence")
    assert (str(contract.total_value), str(contract.end_date), list(contract.systems.all())) == ("51000.00", "2028-03-31", [system])
    assert Rating.objects.get(system=system).overall == 4
    suggested.refresh_from_db()
    assert (suggested.status, suggested.decided_by, suggested.system, suggested.contract) == ("accepted", world.editor, system, contract)


def test_accepting_on_the_page_without_a_title_or_supplier_adds_the_system_alone(world, suggested):
    form = {"product": "permit-desk", "service_area": "parking-enforcement", "supplier": "", "title": ""}
    response = client_for(world, "coordinator").post(f"/suggestions/{suggested.pk}/accept/", form)
    assert response.status_code == 303
    suggested.refresh_from_db()
    assert suggested.contract is None and suggested.system.product == world.permits and suggested.system.supplier is None


def test_accepting_through_the_api_keeps_the_sources_supplier_unless_told(world, suggested):
    response = post(client_for(world, "editor"), f"/api/v1/suggestions/{suggested.pk}/accept", {"title": None})
    assert response.status_code == 200, response.content
    suggested.refresh_from_db()
    assert suggested.contract is None and suggested.system.supplier == world.parkware


def test_the_page_refuses_an_accept_without_a_product(world, suggested):
    response = client_for(world, "editor").post(f"/suggestions/{suggested.pk}/accept/", {"product": "", "service_area": "parking-enforcement"})
    assert response.status_code == 400 and "Choose the product." in text(response)
    assert not System.objects.filter(organisation=world.own, product=world.permits).exists()


def test_rejecting_on_the_page_is_remembered(world, suggested):
    response = client_for(world, "editor").post(f"/suggestions/{suggested.pk}/reject/", {"reason": "Replaced in 2025"})
    assert response.status_code == 303
    assert services.propose(world.own, key=KEY, label=LABEL, facts=row(), provenance=PROVENANCE, actor=world.admin) == "skipped"


def test_the_api_gives_the_origin_and_the_facts(world, suggested):
    found = client_for(world, "editor").get(f"/api/v1/suggestions/{suggested.pk}").json()
    assert (found["kind"], found["notice"], found["origin_key"], found["origin_label"]) == ("system", None, KEY, LABEL)
    assert found["system"]["product"] == {"slug": "permit-desk", "name": "Permit Desk"}
    assert found["system"]["service_areas"] == [{"slug": "parking-enforcement", "name": "Parking enforcement"}]
    assert found["system"]["rating"] == {"score": 4, "comment": "Reliable, slow support"}
    assert (found["offered"]["title"], found["offered"]["total_value"]) == ("Permit Desk licence", "48000")
    listed = client_for(world, "coordinator").get("/api/v1/organisations/own/suggestions").json()["items"]
    assert [item["origin_label"] for item in listed] == ["", "", LABEL]


def test_accepting_through_the_api_with_edits(world, suggested):
    response = post(
        client_for(world, "admin"), f"/api/v1/suggestions/{suggested.pk}/accept",
        {"title": "Permit Desk support", "total_value": "52000", "end_date": "2029-03-31"},
    )
    assert response.status_code == 200, response.content
    found = response.json()
    assert found["status"] == "accepted" and found["system_id"] and found["contract_id"]
    contract = Contract.objects.get(pk=found["contract_id"])
    assert (contract.title, str(contract.total_value), str(contract.end_date)) == ("Permit Desk support", "52000.00", "2029-03-31")
    assert contract.provenance == PROVENANCE and contract.confirmed_at is None
    problem(post(client_for(world, "admin"), f"/api/v1/suggestions/{suggested.pk}/accept", {}), 409)


def test_the_api_refuses_a_product_the_organisation_cannot_use(world, suggested):
    found = problem(post(client_for(world, "editor"), f"/api/v1/suggestions/{suggested.pk}/accept", {"product": "nothing"}), 400)
    assert "No such product" in found["detail"]
    suggested.refresh_from_db()
    assert suggested.status == "pending"


@pytest.mark.parametrize("role", ["member", "peer_member", "other_editor", "other_coordinator", "vendor"])
def test_a_suggested_system_is_nobody_elses(world, suggested, role):
    client = client_for(world, role)
    assert client.get(f"/suggestions/{suggested.pk}/").status_code == 404
    assert client.get(f"/api/v1/suggestions/{suggested.pk}").status_code == 404
    assert post(client, f"/api/v1/suggestions/{suggested.pk}/accept", {}).status_code == 404


def test_the_queue_reads_the_catalogue_once_however_many_systems_wait(world):
    """A survey leaves dozens of suggested systems in one queue: the page's queries do not
    grow with them."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(world, "editor")

    def queries_with(count: int) -> int:
        for number in range(count):
            if Suggestion.objects.filter(origin_key=f"{KEY}:{number}").exists():
                continue
            product = ProductFactory(manufacturer=world.parkware)
            services.propose(world.own, key=f"{KEY}:{number}", label=LABEL, facts=row(product=product.slug),
                             provenance=PROVENANCE, actor=world.user("coordinator"))
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/organisations/own/suggestions/").status_code == 200
        return len(captured)

    assert queries_with(2) == queries_with(12)

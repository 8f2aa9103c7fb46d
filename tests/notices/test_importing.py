"""Importing public notices: each IT notice of an organisation the importer coordinates waits
in its review queue with the right supplier, value and end date; a repeat import changes
nothing; a newer release updates the suggestion; a rejection is remembered; a person's value
is never overwritten; a trusted source goes on the map at once; and a batch with a bad item
writes nothing."""

import datetime
from decimal import Decimal

import pytest

from citytools.accounts.viewer import Viewer
from citytools.contracts.models import Contract
from citytools.contracts.services import update_contract
from citytools.core.errors import Conflict, Forbidden
from citytools.directory.models import OrganisationAlias, Supplier
from citytools.freshness.queries import record_seal
from citytools.notices import services
from citytools.notices.models import Buyer, Notice, Release, Source, Suggestion
from citytools.opportunities.queries import find_opportunities
from tests.access import fingerprint
from tests.factories import (
    ProductFactory,
    ServiceAreaFactory,
    ServiceAreaGroupFactory,
    SupplierFactory,
)
from tests.notices.notices import release, write
from tests.people import people

pytestmark = pytest.mark.django_db

CAMDEN_OCID = "ocds-b5fd17-parking"


@pytest.fixture
def world():
    world = people()
    group = ServiceAreaGroupFactory(slug="environment", name="Environment")
    world.parking = ServiceAreaFactory(slug="parking-enforcement", name="Parking enforcement", parent=group)
    return world


def buyer(world) -> str:
    return world.own.name


def run(world, *paths, role="coordinator", **options):
    lines = []
    summary = services.run_import(paths, actor=world.user(role) if role else None, report=lines.append, **options)
    return summary, {line["ocid"]: line for line in lines}


def test_an_it_notice_waits_in_its_organisations_queue_with_the_right_facts(world, tmp_path):
    path = write(tmp_path, "a.json", release(CAMDEN_OCID, buyer=buyer(world)))
    summary, lines = run(world, path)
    suggestion = Suggestion.objects.get()
    assert (suggestion.organisation, suggestion.kind, suggestion.status) == (world.own, "new", "pending")
    assert suggestion.facts["supplier_name"] == "Kerbside Software Ltd" and suggestion.facts["supplier_number"] == "01234567"
    assert (suggestion.facts["total_value"], suggestion.facts["end_date"]) == ("250000.00", "2028-01-20")
    assert suggestion.facts["service_area"] == "parking-enforcement"
    assert "civil parking enforcement" in suggestion.facts["area_reason"]
    line = lines[CAMDEN_OCID]
    assert line == {
        "ocid": CAMDEN_OCID, "buyer_name": world.own.name, "organisation": world.own.identifier, "matched_by": "name",
        "suppliers": [{"name": "Kerbside Software Ltd", "identifier": "01234567"}], "it": True,
        "service_area": "parking-enforcement", "contract_end": "2028-01-20", "status": "suggested", "error": None,
    }
    assert (summary.releases, summary.ocids, summary.matched, summary.it, summary.suggested) == (1, 1, 1, 1, 1)
    assert not Contract.objects.exists(), "nothing goes on the map before a person accepts it"


@pytest.mark.parametrize("elsewhere", [False, True], ids=["where-the-standard-puts-them", "in-an-extension"])
def test_no_contact_details_of_officers_are_kept(world, tmp_path, elsewhere):
    notice = release(CAMDEN_OCID, buyer=buyer(world))
    if elsewhere:
        notice["planning"] = {"budget": {"contactPoint": {"name": "Another Person", "email": "a.person@example.org"}}}
    run(world, write(tmp_path, "a.json", notice))
    kept = Release.objects.get().data
    assert "contactPoint" not in str(kept) and "a.person@example.org" not in str(kept)
    assert "7946" not in Notice.objects.get().description


def test_importing_the_same_data_again_creates_and_changes_nothing(world, tmp_path):
    path = write(tmp_path, "a.json", release(CAMDEN_OCID, buyer=buyer(world)))
    run(world, path)
    before = fingerprint()
    summary, lines = run(world, path)
    assert fingerprint() == before
    assert lines[CAMDEN_OCID]["status"] == "unchanged" and summary.unchanged == 1


def test_a_newer_release_updates_the_waiting_suggestion(world, tmp_path):
    run(world, write(tmp_path, "a.json", release(CAMDEN_OCID, buyer=buyer(world))))
    amended = release(CAMDEN_OCID, buyer=buyer(world), release_id="2", date="2024-06-01T00:00:00Z", end="2029-03-31T23:59:59Z")
    _, lines = run(world, write(tmp_path, "b.json", amended))
    suggestion = Suggestion.objects.get()
    assert suggestion.facts["end_date"] == "2029-03-31" and suggestion.status == "pending"
    assert lines[CAMDEN_OCID]["status"] == "suggested"
    assert Notice.objects.get().release_ids == ["1", "2"]


def test_a_rejected_suggestion_stays_rejected(world, tmp_path):
    run(world, write(tmp_path, "a.json", release(CAMDEN_OCID, buyer=buyer(world))))
    services.reject(Suggestion.objects.get(), actor=world.user("editor"), reason="Not ours")
    amended = release(CAMDEN_OCID, buyer=buyer(world), release_id="2", date="2024-06-01T00:00:00Z", amount=300000)
    _, lines = run(world, write(tmp_path, "b.json", amended))
    assert Suggestion.objects.get().status == "rejected"
    assert lines[CAMDEN_OCID]["status"] == "skipped" and "Rejected before" in lines[CAMDEN_OCID]["error"]


def test_accepting_puts_the_contract_on_the_map_unconfirmed_with_its_provenance(world, tmp_path):
    run(world, write(tmp_path, "a.json", release(CAMDEN_OCID, buyer=buyer(world))))
    product = ProductFactory(name="Kerbside", manufacturer=SupplierFactory())
    suggestion = services.accept(Suggestion.objects.get(), actor=world.user("editor"), edits={"product": product})
    contract = suggestion.contract
    assert (contract.organisation, contract.total_value, contract.end_date) == (world.own, Decimal("250000.00"), datetime.date(2028, 1, 20))
    assert (contract.source, contract.reference) == (Contract.Source.CONTRACTS_FINDER, CAMDEN_OCID)
    assert contract.supplier.company_number == "01234567" and contract.supplier.name == "Kerbside Software Ltd"
    assert contract.provenance["ocid"] == CAMDEN_OCID and contract.provenance["release_ids"] == ["1"]
    assert contract.confirmed_at is None
    assert "From a public notice (Contracts Finder), not yet confirmed" in record_seal(contract).explanations
    assert list(contract.systems.all()) == [suggestion.system]
    assert list(suggestion.system.service_areas.all()) == [world.parking] and suggestion.system.provenance["ocid"] == CAMDEN_OCID
    assert contract.history.latest().history_user == world.user("editor")


def test_accepting_twice_is_a_conflict(world, tmp_path):
    run(world, write(tmp_path, "a.json", release(CAMDEN_OCID, buyer=buyer(world))))
    suggestion = Suggestion.objects.get()
    services.accept(suggestion, actor=world.user("editor"))
    with pytest.raises(Conflict):
        services.reject(suggestion, actor=world.user("coordinator"))


def test_only_the_organisations_editors_and_coordinators_decide(world, tmp_path):
    run(world, write(tmp_path, "a.json", release(CAMDEN_OCID, buyer=buyer(world))))
    for role in ("member", "peer_member", "other_editor", "other_coordinator", "vendor"):
        with pytest.raises(Forbidden):
            services.accept(Suggestion.objects.get(), actor=world.user(role))
    assert Suggestion.objects.get().status == "pending"


def test_an_existing_supplier_is_recognised_by_its_company_number(world, tmp_path):
    known = SupplierFactory(name="Kerbside Group", company_number="1234567")
    run(world, write(tmp_path, "a.json", release(CAMDEN_OCID, buyer=buyer(world))))
    assert Suggestion.objects.get().supplier == known
    contract = services.accept(Suggestion.objects.get(), actor=world.user("editor")).contract
    assert contract.supplier == known and Supplier.objects.filter(company_number="01234567").count() == 0


def test_a_notice_that_disagrees_with_a_persons_record_suggests_a_change_showing_both(world, tmp_path):
    run(world, write(tmp_path, "a.json", release(CAMDEN_OCID, buyer=buyer(world))))
    contract = services.accept(Suggestion.objects.get(), actor=world.user("editor")).contract
    amended = release(CAMDEN_OCID, buyer=buyer(world), release_id="2", date="2024-06-01T00:00:00Z", end="2029-03-31T23:59:59Z")
    _, _lines = run(world, write(tmp_path, "b.json", amended))
    suggestion = Suggestion.objects.get()
    assert (suggestion.kind, suggestion.status) == ("change", "pending")
    assert suggestion.changes == {"end_date": {"map": "2028-01-20", "notice": "2029-03-31"}}
    assert Contract.objects.get(pk=contract.pk).end_date == datetime.date(2028, 1, 20)
    services.accept(suggestion, actor=world.user("editor"))
    assert Contract.objects.get(pk=contract.pk).end_date == datetime.date(2029, 3, 31)


def test_a_trusted_source_goes_on_the_map_at_once_with_provenance(world, tmp_path):
    services.set_trust(world.north, source=Source.CONTRACTS_FINDER, trusted=True, actor=world.user("coordinator"))
    _, lines = run(world, write(tmp_path, "a.json", release(CAMDEN_OCID, buyer=buyer(world))))
    contract = Contract.objects.get()
    assert lines[CAMDEN_OCID]["status"] == "applied" and Suggestion.objects.get().status == "applied"
    assert contract.provenance["ocid"] == CAMDEN_OCID and contract.confirmed_at is None


def test_a_trusted_source_never_overwrites_a_value_a_person_changed(world, tmp_path):
    services.set_trust(world.north, source=Source.CONTRACTS_FINDER, trusted=True, actor=world.user("coordinator"))
    run(world, write(tmp_path, "a.json", release(CAMDEN_OCID, buyer=buyer(world))))
    contract = Contract.objects.get()
    contract = update_contract(contract, version=contract.version, changes={"end_date": datetime.date(2028, 6, 30)}, actor=world.user("editor"))
    amended = release(CAMDEN_OCID, buyer=buyer(world), release_id="2", date="2024-06-01T00:00:00Z",
                      end="2029-03-31T23:59:59Z", amount=300000)
    _, lines = run(world, write(tmp_path, "b.json", amended))
    contract.refresh_from_db()
    assert contract.total_value == Decimal("300000.00"), "the value nobody changed follows the notice"
    assert contract.end_date == datetime.date(2028, 6, 30), "the person's end date stays"
    suggestion = Suggestion.objects.get()
    assert suggestion.status == "pending" and suggestion.changes == {"end_date": {"map": "2028-06-30", "notice": "2029-03-31"}}
    assert lines[CAMDEN_OCID]["status"] == "suggested"


def test_a_dry_run_reports_everything_and_writes_nothing(world, tmp_path):
    before = fingerprint()
    summary, lines = run(world, write(tmp_path, "a.json", release(CAMDEN_OCID, buyer=buyer(world))), role=None, dry_run=True)
    assert fingerprint() == before
    assert summary.suggested == 1 and lines[CAMDEN_OCID]["status"] == "suggested"


def test_an_import_fills_only_the_queues_of_the_importers_networks(world, tmp_path):
    path = write(tmp_path, "a.json", release(CAMDEN_OCID, buyer=buyer(world)), release("ocds-b5fd17-far", buyer=world.stranger.name))
    _, lines = run(world, path)
    assert lines["ocds-b5fd17-far"]["status"] == "skipped" and "network you coordinate" in lines["ocds-b5fd17-far"]["error"]
    assert [s.organisation for s in Suggestion.objects.all()] == [world.own]


@pytest.mark.parametrize("role", ["member", "editor", "vendor", None])
def test_only_coordinators_and_admins_import(world, tmp_path, role):
    path = write(tmp_path, "a.json", release(CAMDEN_OCID, buyer=buyer(world)))
    with pytest.raises(Forbidden):
        services.run_import([path], actor=world.user(role) if role else None)


def test_notices_that_are_not_it_or_not_a_contract_yet_are_skipped_with_the_reason(world, tmp_path):
    path = write(
        tmp_path, "a.json",
        release("ocds-b5fd17-cleaning", buyer=buyer(world), cpv="90910000", title="Office cleaning"),
        release("ocds-b5fd17-tender", buyer=buyer(world), supplier=None),
    )
    _, lines = run(world, path)
    assert lines["ocds-b5fd17-cleaning"]["it"] is False and "Not an IT notice" in lines["ocds-b5fd17-cleaning"]["error"]
    assert "no supplier" in lines["ocds-b5fd17-tender"]["error"]
    assert not Suggestion.objects.exists()


# Buyers nobody recognised ----------------------------------------------------------------


def test_an_unrecognised_council_waits_for_a_coordinator_and_the_link_is_remembered(world, tmp_path):
    path = write(tmp_path, "a.json", release(CAMDEN_OCID, buyer="Own Council Highways Division"))
    _, lines = run(world, path)
    assert lines[CAMDEN_OCID]["organisation"] is None
    unknown = Buyer.objects.get()
    assert unknown.name == "Own Council Highways Division" and unknown.notices == 1
    services.link_buyer(unknown, organisation=world.own, actor=world.user("coordinator"))
    assert OrganisationAlias.objects.get().organisation == world.own
    assert Suggestion.objects.get().organisation == world.own, "the notices already read make their suggestions"
    _, lines = run(world, write(tmp_path, "b.json", release("ocds-b5fd17-later", buyer="OWN COUNCIL HIGHWAYS DIVISION")))
    assert lines["ocds-b5fd17-later"]["matched_by"] == "alias"


@pytest.mark.parametrize("name", ["Little Snoring Parish Council", "Heathrow Airport Limited", "NHS Shared Business Services",
                                  "Office of the Police and Crime Commissioner"])
def test_bodies_that_are_not_local_authorities_stay_unmatched_and_are_not_queued(world, tmp_path, name):
    _, lines = run(world, write(tmp_path, "a.json", release(CAMDEN_OCID, buyer=name)))
    assert lines[CAMDEN_OCID]["organisation"] is None and not Buyer.objects.exists()


def test_only_a_coordinator_of_the_organisations_network_links_a_name_to_it(world, tmp_path):
    run(world, write(tmp_path, "a.json", release(CAMDEN_OCID, buyer="Own Council Highways Division")))
    with pytest.raises(Forbidden):
        services.link_buyer(Buyer.objects.get(), organisation=world.own, actor=world.user("other_coordinator"))
    assert not OrganisationAlias.objects.exists()


def test_accepted_notices_of_two_councils_ending_together_are_an_opportunity(world, tmp_path):
    """The issue's aim: confirmed facts from notices show which contracts end together."""
    ending = (datetime.date.today() + datetime.timedelta(days=300)).isoformat()
    path = write(
        tmp_path, "a.json",
        release("ocds-b5fd17-own", buyer=world.own.name, start="2024-01-01", end=ending),
        release("ocds-b5fd17-peer", buyer=world.peer.name, start="2024-01-01", end=ending, supplier="Other Kerbs Ltd", number="07654321"),
    )
    run(world, path)
    product = ProductFactory(name="Kerbside", manufacturer=SupplierFactory())
    for suggestion in Suggestion.objects.all():
        services.accept(suggestion, actor=world.user("coordinator"), edits={"product": product})
    found = find_opportunities(Viewer.for_user(world.user("coordinator")), today=datetime.date.today())
    assert any(set(opportunity.organisations) == {world.own, world.peer} for opportunity in found)

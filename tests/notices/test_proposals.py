"""Suggestions from another source than a notice (a network's survey, a public register),
through citytools.notices.services.propose and accept: what a row suggests, what the same
row again does, what a rejection and trust do, and what accepting one puts on the map."""

import pytest

from citytools.contracts.models import Contract
from citytools.core.errors import DomainError, Forbidden
from citytools.inventory.models import System
from citytools.notices import services
from citytools.notices.models import Suggestion
from citytools.satisfaction.models import Rating

KEY = "survey:north-2026:own:permit-desk"
LABEL = "North survey 2026"
PROVENANCE = {"label": LABEL, "source": "survey", "row": 7}


def row(**changes) -> dict:
    facts = {
        "product": "permit-desk", "supplier": "parkware", "service_areas": ["parking-enforcement"], "hosting": "saas",
        "go_live": "2021-04-01",
        "contract": {"title": "Permit Desk licence", "total_value": "48000", "currency": "GBP", "start_date": "2024-04-01",
                     "end_date": "2027-03-31", "extension_end_date": None},
        "rating": {"score": 4, "comment": "Reliable, slow support"},
    }
    return {**facts, **changes}


def propose(world, *, actor=None, trusted=False, key=KEY, **changes) -> str:
    return services.propose(
        world.own, key=key, label=LABEL, facts=row(**changes), provenance=PROVENANCE,
        actor=actor or world.user("coordinator"), trusted=trusted,
    )


def suggestion(world) -> Suggestion:
    return Suggestion.objects.get(organisation=world.own, origin_key=KEY)


def test_a_row_waits_in_the_queue_with_its_origin(world):
    assert propose(world) == "suggested"
    made = suggestion(world)
    assert (made.kind, made.status, made.notice, made.origin_label) == ("system", "pending", None, LABEL)
    assert made.supplier == world.parkware and made.facts["product"] == "permit-desk"
    assert made.facts["rating"] == {"score": 4, "comment": "Reliable, slow support"}
    assert not System.objects.filter(organisation=world.own, product=world.permits).exists()


def test_the_same_row_again_changes_nothing(world):
    propose(world)
    before = suggestion(world).updated_at
    assert propose(world) == "unchanged"
    assert suggestion(world).updated_at == before


def test_a_row_that_says_something_else_refreshes_the_pending_suggestion(world):
    propose(world)
    assert propose(world, hosting="on_premises") == "suggested"
    assert suggestion(world).facts["hosting"] == "on_premises"
    assert Suggestion.objects.filter(organisation=world.own, origin_key=KEY).count() == 1


def test_a_rejection_is_remembered(world):
    propose(world)
    services.reject(suggestion(world), actor=world.editor, reason="We replaced it")
    assert propose(world) == "skipped"
    assert propose(world, hosting="on_premises") == "skipped"
    assert suggestion(world).status == "rejected"


def test_a_system_of_the_product_already_on_the_map_is_not_suggested_twice(world):
    propose(world, trusted=True)
    assert propose(world, key="survey:north-2027:own:permit-desk") == "unchanged"
    assert not Suggestion.objects.filter(origin_key="survey:north-2027:own:permit-desk").exists()


def test_a_trusted_row_goes_on_the_map_unconfirmed_with_its_provenance(world):
    coordinator = world.user("coordinator")
    assert propose(world, trusted=True) == "applied"
    made = suggestion(world)
    assert (made.status, made.decided_by) == ("applied", coordinator)
    system = System.objects.get(organisation=world.own, product=world.permits)
    contract = Contract.objects.get(organisation=world.own, title="Permit Desk licence")
    assert (made.system, made.contract) == (system, contract)
    for record in (system, contract):
        assert record.provenance == PROVENANCE and record.confirmed_at is None
    assert [area.slug for area in system.service_areas.all()] == ["parking-enforcement"]
    assert (system.supplier, system.hosting, str(system.go_live)) == (world.parkware, "saas", "2021-04-01")
    assert list(contract.systems.all()) == [system] and contract.supplier == world.parkware
    assert (str(contract.total_value), str(contract.end_date)) == ("48000.00", "2027-03-31")
    rating = Rating.objects.get(system=system)
    assert (rating.overall, rating.comment) == (4, "Reliable, slow support")
    assert rating.history.get().history_change_reason == f"From {LABEL}"
    assert propose(world, trusted=True) == "unchanged"


def test_a_row_without_contract_or_rating_suggests_the_system_alone(world):
    propose(world, contract=None, rating=None, trusted=True)
    system = System.objects.get(organisation=world.own, product=world.permits)
    assert suggestion(world).contract is None and not Rating.objects.filter(system=system).exists()


def test_accepting_with_edits_takes_the_editors_choices(world):
    propose(world)
    services.accept(
        suggestion(world), actor=world.editor,
        edits={"supplier": world.parkware, "title": "Permit Desk support", "total_value": "50000", "service_area": "parking-enforcement"},
    )
    made = suggestion(world)
    assert (made.status, made.decided_by) == ("accepted", world.editor)
    assert (made.contract.title, str(made.contract.total_value)) == ("Permit Desk support", "50000.00")
    assert made.system.provenance == PROVENANCE and made.system.confirmed_at is None


@pytest.mark.parametrize("changes, field", [
    ({"product": "no-such-product"}, "product"),
    ({"service_areas": []}, "service_areas"),
    ({"service_areas": ["no-such-area"]}, "service_areas"),
    ({"go_live": "April 2021"}, "go_live"),
    ({"rating": {"score": 9}}, "rating"),
    ({"contract": {"total_value": "1000"}}, "contract"),
    ({"colour": "blue"}, "colour"),
])
def test_a_row_with_a_wrong_fact_is_refused_naming_it(world, changes, field):
    with pytest.raises(DomainError) as refused:
        propose(world, **changes)
    assert refused.value.field == field
    assert not Suggestion.objects.filter(origin_key=KEY).exists()


@pytest.mark.parametrize("role", ["member", "peer_member", "other_coordinator", "vendor"])
def test_only_the_organisations_editors_coordinators_and_admins_propose(world, role):
    with pytest.raises(Forbidden):
        propose(world, actor=world.user(role))
    assert not Suggestion.objects.filter(origin_key=KEY).exists()

"""A batch of new records (citytools.core.history.Batch): what the services check at once and
write together for a trusted survey's thousands of rows is what they write one at a time,
history rows and links included, and what a failed step added is taken back."""

import datetime

import pytest

from citytools.accounts.viewer import Viewer
from citytools.contracts import services as contract_services
from citytools.contracts.models import Contract
from citytools.core import history
from citytools.core.errors import DomainError
from citytools.inventory import services
from citytools.inventory.models import System
from citytools.satisfaction import services as satisfaction_services
from citytools.satisfaction.models import Rating
from tests.inventory.test_editing_services import editing_world

pytestmark = pytest.mark.django_db
SOURCE = {"label": "North survey 2026", "row": 3}


@pytest.fixture
def world():
    return editing_world()


def add_with_contract_and_rating(world, *, batch=None):
    """A system from a source, its contract and its first rating, as a trusted survey row gives them."""
    coordinator = world.user("coordinator")
    system = services.create_system(
        organisation=world.own, product=world.ledger, service_areas=[world.repairs, world.lettings], supplier=world.reseller,
        hosting="saas", go_live=datetime.date(2020, 4, 1), actor=coordinator, provenance=SOURCE, batch=batch,
    )
    contract = contract_services.create_contract(
        organisation=world.own, actor=coordinator, provenance=SOURCE, supplier=world.reseller, systems=[system],
        title="Ledger licence", start_date=datetime.date(2020, 4, 1), end_date=datetime.date(2027, 3, 31), batch=batch,
    )
    rating = satisfaction_services.rate_system(
        system, actor=coordinator, viewer=Viewer.for_user(coordinator), overall=4, comment="Works", provenance=SOURCE,
        batch=batch,
    )
    return system, contract, rating


def written(system, contract, rating) -> dict:
    """What the map and its history hold of the three, without ids and clocks."""
    [system_row] = system.history.all()
    [contract_row] = contract.history.all()
    [rating_row] = rating.history.all()
    return {
        "system": (system.product_id, system.supplier_id, system.hosting, system.go_live, system.version, system.confirmed_at,
                   system.provenance, sorted(system.service_areas.values_list("pk", flat=True))),
        "contract": (contract.title, contract.supplier_id, contract.end_date, contract.version, contract.confirmed_at,
                     list(contract.systems.values_list("pk", flat=True)) == [system.pk]),
        "rating": (rating.system_id == system.pk, rating.overall, rating.comment, rating.version),
        "history": [
            (row.history_type, row.history_user_id, row.history_change_reason, row.version)
            for row in (system_row, contract_row, rating_row)
        ],
        "linked in history": (
            sorted(link.servicearea_id for link in system_row.service_areas.all()),
            [link.system_id for link in contract_row.systems.all()] == [system.pk],
        ),
    }


def test_a_batch_writes_what_the_services_write_one_at_a_time(world):
    one_by_one = written(*add_with_contract_and_rating(world))
    System.objects.filter(product=world.ledger).delete()
    batch = history.Batch()
    system, contract, rating = add_with_contract_and_rating(world, batch=batch)
    assert system.pk is None and contract.pk is None and rating.pk is None  # checked, not yet written
    assert len(batch) == 3
    batch.write()
    assert len(batch) == 0
    system, contract, rating = (type(r).objects.get(pk=r.pk) for r in (system, contract, rating))
    assert written(system, contract, rating) == one_by_one
    assert one_by_one["history"][2][2] == "From North survey 2026"
    assert one_by_one["system"][5] is None  # from a source: unconfirmed


def test_a_batch_writes_each_record_after_those_it_points_at(world):
    coordinator = world.user("coordinator")
    system = System(organisation=world.own, product=world.ledger, provenance=SOURCE)
    contract = Contract(
        organisation=world.own, supplier=world.reseller, title="Ledger licence", provenance=SOURCE,
        start_date=datetime.date(2020, 4, 1), end_date=datetime.date(2027, 3, 31),
    )
    rating = Rating(system=system, organisation=world.own, overall=3, rated_by=coordinator, rated_at=datetime.datetime.now(datetime.UTC))
    batch = history.Batch()
    batch.add(rating, actor=coordinator)  # added first, written last: it points at the system
    batch.add(contract, links={"systems": [system]}, actor=coordinator, confirm=False)
    batch.add(system, links={"service_areas": [world.repairs.pk]}, actor=coordinator, confirm=False)
    batch.write()
    assert Rating.objects.get(pk=rating.pk).system_id == system.pk
    assert list(Contract.objects.get(pk=contract.pk).systems.all()) == [system]


def test_what_a_failed_step_added_is_taken_back(world):
    batch = history.Batch()
    with pytest.raises(DomainError), batch.undone_on_error():
        system = services.create_system(
            organisation=world.own, product=world.ledger, service_areas=[world.repairs], actor=world.user("coordinator"),
            provenance=SOURCE, batch=batch,
        )
        contract_services.create_contract(
            organisation=world.own, actor=world.user("coordinator"), provenance=SOURCE, supplier=world.reseller,
            systems=[system], title="Ledger licence", start_date=datetime.date(2027, 4, 1), end_date=datetime.date(2020, 3, 31),
            batch=batch,
        )
    assert len(batch) == 0
    batch.write()
    assert not System.objects.filter(product=world.ledger).exists()


def test_a_contract_in_a_batch_covers_only_its_own_organisations_systems(world):
    batch = history.Batch()
    theirs = services.create_system(
        organisation=world.peer, product=world.ledger, service_areas=[world.repairs], actor=world.user("admin"), batch=batch,
    )
    with pytest.raises(DomainError, match="only systems of the organisation"):
        contract_services.create_contract(
            organisation=world.own, actor=world.user("admin"), supplier=world.reseller, systems=[theirs], title="Ledger",
            start_date=datetime.date(2020, 4, 1), end_date=datetime.date(2027, 3, 31), batch=batch,
        )


def test_a_rehearsal_writes_the_records_and_no_history(world):
    batch = history.Batch()
    with history.rehearsal():
        system, contract, _rating = add_with_contract_and_rating(world, batch=batch)
        batch.write()
    assert System.objects.filter(pk=system.pk).exists() and not system.history.exists()
    assert list(Contract.objects.get(pk=contract.pk).systems.all()) == [system]

"""Adding, changing, retiring and restoring contracts through citytools.contracts.services."""

import datetime
from decimal import Decimal

import pytest

from citytools.accounts.viewer import Viewer
from citytools.contracts import rules, services
from citytools.contracts.models import Contract
from citytools.core.errors import Conflict, DomainError, Forbidden
from citytools.inventory import services as inventory_services
from tests.factories import SystemFactory
from tests.inventory.test_editing_services import editing_world

pytestmark = pytest.mark.django_db

START = datetime.date(2025, 4, 1)
END = datetime.date(2028, 3, 31)


def contract_world():
    world = editing_world()
    world.contract = services.create_contract(
        organisation=world.own,
        supplier="maker",
        systems=[world.system],
        title="Casebook licence and support",
        annual_value=Decimal("120000"),
        total_value=Decimal("360000"),
        currency="gbp",
        start_date=START,
        end_date=END,
        reference="OWN-001",
        actor=world.user("editor"),
    )
    return world


@pytest.fixture
def world():
    return contract_world()


def row(contract):
    return Contract.objects.filter(pk=contract.pk).values().get()


# Rules, without a database ------------------------------------------------------------


@pytest.mark.parametrize("code", ["GBP", "eur", " usd "])
def test_currency_codes_are_iso_4217(code):
    assert rules.check_currency(code) == code.strip().upper()


@pytest.mark.parametrize("code", ["", "XYZ", "POUNDS", "£"])
def test_other_currencies_are_refused(code):
    with pytest.raises(DomainError) as error:
        rules.check_currency(code)
    assert error.value.field == "currency"


@pytest.mark.parametrize(
    "start, end, extension, field",
    [
        (None, END, None, "start_date"),
        (START, None, None, "end_date"),
        (END, START, None, "end_date"),
        (START, END, END - datetime.timedelta(days=1), "extension_end_date"),
    ],
)
def test_date_rules_name_the_field(start, end, extension, field):
    with pytest.raises(DomainError) as error:
        rules.check_dates(start, end, extension)
    assert error.value.field == field


def test_dates_may_meet():
    rules.check_dates(START, START, START)


def test_values_may_be_zero_but_not_negative():
    rules.check_value(Decimal("0"), field="annual_value", label="Annual value")
    with pytest.raises(DomainError, match="zero or more"):
        rules.check_value(Decimal("-0.01"), field="annual_value", label="Annual value")


def test_systems_must_exist_and_belong_to_the_organisation():
    rules.check_systems(1, [10, 11], {10: 1, 11: 1})
    with pytest.raises(DomainError, match="No such system: 12"):
        rules.check_systems(1, [12], {})
    with pytest.raises(DomainError, match="only systems of the organisation"):
        rules.check_systems(1, [10], {10: 2})


# Services -------------------------------------------------------------------------------


def test_an_editor_adds_a_contract(world):
    contract = world.contract
    assert contract.currency == "GBP" and contract.version == 1
    assert list(contract.systems.all()) == [world.system]
    [created] = contract.history.all()
    assert created.history_user == world.user("editor") and created.history_type == "+"


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"title": "  "}, "title"),
        ({"supplier": ""}, "supplier"),
        ({"supplier": "nobody"}, "supplier"),
        ({"currency": "ZZZ"}, "currency"),
        ({"end_date": START - datetime.timedelta(days=1)}, "end_date"),
        ({"extension_end_date": END - datetime.timedelta(days=1)}, "extension_end_date"),
        ({"annual_value": Decimal("-1")}, "annual_value"),
        ({"total_value": Decimal("-5")}, "total_value"),
        ({"total_value": Decimal("1000000000000")}, "total_value"),
        ({"route": "handshake"}, "route"),
        ({"source": "rumour"}, "source"),
        ({"source_url": "not a web address"}, "source_url"),
        ({"title": "x" * 301}, "title"),
        ({"systems": [999999]}, "systems"),
    ],
)
def test_invalid_contracts_are_refused_naming_the_field(world, changes, field):
    before = row(world.contract)
    with pytest.raises(DomainError) as error:
        services.update_contract(world.contract, version=1, changes=changes, actor=world.user("editor"))
    assert error.value.field == field
    assert row(world.contract) == before


def test_a_contract_covers_only_its_own_organisations_systems(world):
    foreign = SystemFactory(organisation=world.peer)
    with pytest.raises(DomainError) as error:
        services.create_contract(
            organisation=world.own, supplier="maker", systems=[foreign.pk], title="Shared", start_date=START,
            end_date=END, actor=world.user("editor"),
        )
    assert error.value.field == "systems"


def test_references_are_unique_within_an_organisation(world):
    with pytest.raises(DomainError) as error:
        services.create_contract(
            organisation=world.own, supplier="maker", title="Again", start_date=START, end_date=END,
            reference="OWN-001", actor=world.user("editor"),
        )
    assert error.value.field == "reference"
    # Saving the contract with its own reference is not a clash.
    services.update_contract(world.contract, version=1, changes={"title": "Renamed"}, actor=world.user("editor"))


@pytest.mark.parametrize(
    "role, allowed",
    [("public", False), ("vendor", False), ("member", False), ("editor", True), ("peer_member", False),
     ("other_editor", False), ("coordinator", False), ("other_coordinator", False), ("admin", True)],
)
def test_only_the_organisations_editors_and_admins_change_contracts(world, role, allowed):
    actor = world.user(role)
    before = row(world.contract)
    if allowed:
        services.update_contract(world.contract, version=1, changes={"annual_value": Decimal("0")}, actor=actor)
        assert row(world.contract)["annual_value"] == Decimal("0")
    else:
        for attempt in (
            lambda: services.update_contract(world.contract, version=1, changes={"title": "Mine"}, actor=actor),
            lambda: services.retire_contract(world.contract, version=1, actor=actor),
            lambda: services.create_contract(
                organisation=world.own, supplier="maker", title="New", start_date=START, end_date=END, actor=actor
            ),
        ):
            with pytest.raises(Forbidden):
                attempt()
        assert row(world.contract) == before and Contract.objects.count() == 1


def test_a_stale_contract_edit_is_refused_and_nothing_changes(world):
    editor = world.user("editor")
    services.update_contract(world.contract, version=1, changes={"title": "First"}, actor=editor)
    before = row(world.contract)
    with pytest.raises(Conflict):
        services.update_contract(world.contract, version=1, changes={"title": "Second", "systems": []}, actor=editor)
    assert row(world.contract) == before
    assert list(world.contract.systems.all()) == [world.system]
    assert world.contract.history.count() == 2


def test_retire_then_restore_a_contract(world):
    editor = world.user("editor")
    first = world.contract.history.get()
    changed = services.update_contract(
        world.contract, version=1, changes={"title": "Changed", "systems": [], "annual_value": None}, actor=editor
    )
    retired = services.retire_contract(changed, version=2, actor=editor)
    assert retired.retired_at is not None
    assert not Contract.objects.visible_to(Viewer.for_user(editor)).filter(pk=retired.pk).exists()
    restored = services.restore_version(retired, history_id=first.history_id, actor=world.user("coordinator"))
    assert restored.version == 4 and restored.retired_at is None
    assert restored.title == "Casebook licence and support" and restored.annual_value == Decimal("120000.00")
    assert list(restored.systems.all()) == [world.system]
    assert restored.history.count() == 4
    assert restored.history.order_by("-history_id").first().history_change_reason == "Restored version 1"


def test_retiring_a_system_keeps_its_contracts_links(world):
    inventory_services.retire_system(world.system, version=1, actor=world.user("editor"))
    assert list(world.contract.systems.all()) == [world.system]

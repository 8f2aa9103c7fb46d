"""Adding, changing, retiring and restoring systems through citytools.inventory.services."""

import datetime

import pytest

from citytools.core.errors import Conflict, DomainError, Forbidden, NotFound
from citytools.inventory import rules, services
from citytools.inventory.models import System
from tests.factories import (
    ProductFactory,
    ServiceAreaFactory,
    ServiceAreaGroupFactory,
    SupplierFactory,
    SystemFactory,
)
from tests.people import people

pytestmark = pytest.mark.django_db


def editing_world():
    """The people of tests.people, a small taxonomy, two products and one system of `own`."""
    world = people()
    world.housing = ServiceAreaGroupFactory(slug="housing", name="Housing")
    world.repairs = ServiceAreaFactory(slug="repairs", name="Repairs", parent=world.housing)
    world.lettings = ServiceAreaFactory(slug="lettings", name="Lettings", parent=world.housing)
    world.maker = SupplierFactory(slug="maker", name="Maker Systems")
    world.reseller = SupplierFactory(slug="reseller", name="Reseller Partners")
    world.casebook = ProductFactory(slug="casebook", name="Casebook", manufacturer=world.maker)
    world.ledger = ProductFactory(slug="ledger", name="Ledger", manufacturer=world.maker)
    world.system = services.create_system(
        organisation=world.own,
        product="casebook",
        service_areas=["repairs"],
        hosting="saas",
        notes="Renewal talks in spring",
        actor=world.user("editor"),
    )
    return world


@pytest.fixture
def world():
    return editing_world()


def row(system):
    return System.objects.filter(pk=system.pk).values().get()


# Rules, without a database ------------------------------------------------------------


@pytest.mark.parametrize(
    "requested, parents, message",
    [
        ([], {}, "at least one"),
        (["nowhere"], {}, "No such service area: nowhere"),
        (["housing"], {"housing": None}, "not the whole group"),
        ([7, 8], {8: 1}, "No such service area: 7"),  # areas named by id
        ([7], {7: None}, "not the whole group: 7"),
    ],
)
def test_service_area_rules_name_the_field(requested, parents, message):
    with pytest.raises(DomainError, match=message) as error:
        rules.check_system_service_areas(requested, parents)
    assert error.value.field == "service_areas"


def test_service_area_rules_accept_areas():
    rules.check_system_service_areas(["repairs"], {"repairs": 7})


@pytest.mark.parametrize(
    "hosting, status, field", [("cloudy", "live", "hosting"), ("saas", "", "status"), ("", "dead", "status")]
)
def test_choice_rules_name_the_field(hosting, status, field):
    with pytest.raises(DomainError) as error:
        rules.check_system_fields(
            hosting=hosting, status=status, hosting_choices=System.Hosting.values, status_choices=System.Status.values
        )
    assert error.value.field == field


# Creating -------------------------------------------------------------------------------


def test_an_editor_adds_a_system_recorded_as_created_by_them(world):
    system = world.system
    assert system.version == 1 and system.organisation == world.own
    assert list(system.service_areas.all()) == [world.repairs]
    [created] = system.history.all()
    assert created.history_type == "+" and created.history_user == world.user("editor")
    assert created.version == 1
    # The history row holds the links as they were saved.
    assert [link.servicearea_id for link in created.service_areas.all()] == [world.repairs.pk]


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"product": ""}, "product"),
        ({"product": "no-such-product"}, "product"),
        ({"supplier": "nobody"}, "supplier"),
        ({"service_areas": []}, "service_areas"),
        ({"service_areas": ["housing"]}, "service_areas"),
        ({"service_areas": ["repairs", "missing"]}, "service_areas"),
        ({"hosting": "basement"}, "hosting"),
        ({"status": "zombie"}, "status"),
    ],
)
def test_invalid_systems_are_refused_naming_the_field(world, changes, field):
    data = {"product": "ledger", "service_areas": ["lettings"], **changes}
    with pytest.raises(DomainError) as error:
        services.create_system(organisation=world.own, actor=world.user("editor"), **data)
    assert error.value.field == field
    assert System.objects.count() == 1
    before = row(world.system)
    with pytest.raises(DomainError) as error:
        services.update_system(world.system, version=1, changes=changes, actor=world.user("editor"))
    assert error.value.field == field
    assert row(world.system) == before


def test_unknown_fields_are_refused(world):
    with pytest.raises(DomainError) as error:
        services.update_system(world.system, version=1, changes={"colour": "blue"}, actor=world.user("editor"))
    assert error.value.field == "colour"


@pytest.mark.parametrize(
    "role, allowed",
    [
        ("public", False),
        ("vendor", False),
        ("member", False),
        ("editor", True),
        ("peer_member", False),
        ("other_editor", False),
        ("coordinator", False),
        ("other_coordinator", False),
        ("admin", True),
    ],
)
def test_only_the_organisations_editors_and_admins_add_or_change_systems(world, role, allowed):
    actor = world.user(role)
    before = row(world.system)
    if allowed:
        services.create_system(organisation=world.own, product="ledger", service_areas=["lettings"], actor=actor)
        services.update_system(world.system, version=1, changes={"status": "planned"}, actor=actor)
        assert row(world.system)["status"] == "planned"
    else:
        with pytest.raises(Forbidden) as error:
            services.create_system(organisation=world.own, product="ledger", service_areas=["lettings"], actor=actor)
        assert error.value.status == 403
        with pytest.raises(Forbidden):
            services.update_system(world.system, version=1, changes={"status": "planned"}, actor=actor)
        with pytest.raises(Forbidden):
            services.retire_system(world.system, version=1, actor=actor)
        assert System.objects.count() == 1 and row(world.system) == before


# Changing --------------------------------------------------------------------------------


def test_an_edit_bumps_the_version_and_adds_exactly_one_history_row(world):
    editor = world.user("editor")
    system = services.update_system(
        world.system,
        version=1,
        changes={"product": world.ledger, "service_areas": ["repairs", "lettings"], "supplier": "reseller"},
        actor=editor,
    )
    assert system.version == 2 and system.product == world.ledger and system.supplier == world.reseller
    assert set(system.service_areas.all()) == {world.repairs, world.lettings}
    rows = list(system.history.order_by("history_id"))
    assert len(rows) == 2
    assert rows[-1].history_user == editor and rows[-1].version == 2 and rows[-1].history_type == "~"
    assert {link.servicearea_id for link in rows[-1].service_areas.all()} == {world.repairs.pk, world.lettings.pk}


def test_a_stale_version_is_refused_and_nothing_changes(world):
    editor = world.user("editor")
    services.update_system(world.system, version=1, changes={"status": "planned"}, actor=editor)
    before = row(world.system)
    links = list(world.system.service_areas.all())
    stale = System.objects.get(pk=world.system.pk)
    with pytest.raises(Conflict) as error:
        services.update_system(stale, version=1, changes={"status": "being_replaced", "service_areas": ["lettings"]}, actor=editor)
    assert error.value.status == 409
    assert "since you opened it" in error.value.message and "Nothing was saved" in error.value.message
    assert row(world.system) == before
    assert list(world.system.service_areas.all()) == links
    assert world.system.history.count() == 2


def test_retiring_keeps_the_record_and_its_history(world):
    system = services.retire_system(world.system, version=1, actor=world.user("editor"))
    assert system.retired_at is not None and system.version == 2
    assert System.objects.filter(pk=system.pk).exists()
    assert not System.objects.active().filter(pk=system.pk).exists()
    assert [h.history_change_reason for h in system.history.order_by("history_id")] == [None, "Retired"]
    with pytest.raises(DomainError, match="retired"):
        services.update_system(system, version=2, changes={"status": "planned"}, actor=world.user("editor"))


# Restoring --------------------------------------------------------------------------------


def test_restore_makes_a_new_version_equal_to_the_old_one(world):
    editor = world.user("editor")
    first = world.system.history.get(version=1)
    services.update_system(
        world.system,
        version=1,
        changes={"product": "ledger", "service_areas": ["lettings"], "notes": "", "go_live": datetime.date(2024, 5, 1)},
        actor=editor,
    )
    changed = System.objects.get(pk=world.system.pk)
    restored = services.restore_version(changed, history_id=first.history_id, actor=world.user("coordinator"))
    assert restored.version == 3
    assert restored.product == world.casebook and restored.notes == "Renewal talks in spring"
    assert restored.go_live is None
    assert list(restored.service_areas.all()) == [world.repairs]
    latest = restored.history.order_by("-history_id").first()
    assert latest.history_user == world.user("coordinator") and latest.version == 3
    assert latest.history_change_reason == "Restored version 1"


def test_restore_brings_a_retired_system_back(world):
    live = world.system.history.get(version=1)
    retired = services.retire_system(world.system, version=1, actor=world.user("editor"))
    restored = services.restore_version(retired, history_id=live.history_id, actor=world.user("editor"))
    assert restored.retired_at is None and restored.version == 3


@pytest.mark.parametrize("role", ["member", "peer_member", "other_coordinator", "other_editor", "vendor", "public"])
def test_restore_is_refused_to_those_who_cannot_restore(world, role):
    services.update_system(world.system, version=1, changes={"status": "planned"}, actor=world.user("editor"))
    first = world.system.history.get(version=1)
    system = System.objects.get(pk=world.system.pk)
    with pytest.raises(Forbidden):
        services.restore_version(system, history_id=first.history_id, actor=world.user(role))
    assert System.objects.get(pk=system.pk).version == 2


def test_restore_refuses_another_records_version_and_the_current_one(world):
    other = SystemFactory(organisation=world.own)
    foreign = other.history.first()
    with pytest.raises(NotFound):
        services.restore_version(world.system, history_id=foreign.history_id, actor=world.user("editor"))
    current = world.system.history.get()
    with pytest.raises(DomainError, match="already the current version"):
        services.restore_version(world.system, history_id=current.history_id, actor=world.user("editor"))


def test_restore_from_a_stale_page_is_refused(world):
    first = world.system.history.get(version=1)
    services.update_system(world.system, version=1, changes={"status": "planned"}, actor=world.user("editor"))
    system = System.objects.get(pk=world.system.pk)
    with pytest.raises(Conflict):
        services.restore_version(system, history_id=first.history_id, actor=world.user("editor"), version=1)
    assert System.objects.get(pk=system.pk).status == "planned"


def test_entries_in_hand_are_checked_as_their_slugs_are(world):
    """A product, supplier or service area given as a record (as a batch gives them, read
    once) is checked without a query, by the same rules as its slug."""
    theirs = ProductFactory(slug="their-own", name="Their own", manufacturer=world.maker, provisional_for=world.stranger)
    their_supplier = SupplierFactory(slug="their-supplier", name="Their supplier", provisional_for=world.stranger)
    editor = world.user("editor")
    for data, field in [
        ({"product": theirs}, "product"),
        ({"supplier": their_supplier}, "supplier"),
        ({"service_areas": [world.housing]}, "service_areas"),
    ]:
        with pytest.raises(DomainError) as error:
            services.create_system(organisation=world.own, actor=editor, **{"product": world.ledger, "service_areas": [world.lettings], **data})
        assert error.value.field == field
    ours = ProductFactory(slug="our-own", name="Our own", manufacturer=world.maker, provisional_for=world.own)
    system = services.create_system(organisation=world.own, product=ours, service_areas=[world.lettings], actor=editor)
    assert system.product == ours and list(system.service_areas.all()) == [world.lettings]

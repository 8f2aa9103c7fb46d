"""The Viewer built from real roles: what each person's querysets and redactions keep."""

from decimal import Decimal

import pytest

from citytools.accounts.rules import Kind
from citytools.accounts.viewer import Viewer
from citytools.contracts.models import Contract
from citytools.inventory.models import System
from tests.factories import ContractFactory, SystemFactory
from tests.people import people

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    world = people()
    world.open_system = SystemFactory(organisation=world.peer, notes="peer notes")
    world.secret_system = SystemFactory(organisation=world.peer, confidential=True)
    world.contract = ContractFactory(organisation=world.peer, annual_value=Decimal("123456"))
    world.secret_contract = ContractFactory(organisation=world.peer, confidential=True)
    return world


def viewer(world, role):
    return Viewer.for_user(world.user(role))


@pytest.mark.parametrize(
    "role, sees_secret", [("public", False), ("vendor", False), ("member", False), ("coordinator", True), ("admin", True)]
)
def test_confidential_records_reach_only_their_organisation_and_coordinators(world, role, sees_secret):
    v = viewer(world, role)
    systems = set(System.objects.visible_to(v))
    contracts = set(Contract.objects.visible_to(v))
    assert world.open_system in systems and world.contract in contracts
    assert (world.secret_system in systems) is sees_secret
    assert (world.secret_contract in contracts) is sees_secret


@pytest.mark.parametrize(
    "role, sees_values",
    [("public", False), ("vendor", False), ("member", True), ("other_editor", False), ("coordinator", True)],
)
def test_values_are_for_members_of_the_network(world, role, sees_values):
    v = viewer(world, role)
    contract = v.redact_contracts([Contract.objects.get(pk=world.contract.pk)])[0]
    assert (contract.annual_value == Decimal("123456")) is sees_values
    assert contract.values_hidden is not sees_values
    assert Contract.objects.filter(v.values_q()).filter(pk=world.contract.pk).exists() is sees_values


def test_a_network_can_publish_values(world):
    world.north.visibility = {"values": "public"}
    world.north.save()
    assert Viewer.public().can_see(Kind.VALUES, world.peer.pk)
    assert not Viewer.public().can_see(Kind.VALUES, world.stranger.pk)


def test_a_network_can_keep_who_uses_what_for_members(world):
    world.north.visibility = {"usage": "members"}
    world.north.save()
    assert world.open_system not in set(System.objects.visible_to(Viewer.public()))
    assert world.open_system in set(System.objects.visible_to(viewer(world, "member")))


def test_notes_are_comments_and_member_only(world):
    system = System.objects.get(pk=world.open_system.pk)
    assert Viewer.public().redact_systems([system])[0].notes == ""
    system = System.objects.get(pk=world.open_system.pk)
    assert viewer(world, "peer_member").redact_systems([system])[0].notes == "peer notes"


def test_retired_records_are_not_shown(world):
    from django.utils import timezone

    System.objects.filter(pk=world.open_system.pk).update(retired_at=timezone.now())
    assert world.open_system not in set(System.objects.visible_to(viewer(world, "admin")))


def test_an_inactive_user_sees_what_the_public_sees(world):
    user = world.user("admin")
    user.is_active = False
    user.save()
    assert not Viewer.for_user(user).is_admin


def test_role_and_visibility_changes_are_kept_in_history(world):
    from citytools.accounts.models import Role

    role = Role.objects.get(user=world.user("member"))
    role_id = role.pk
    role.delete()
    assert [entry.history_type for entry in Role.history.filter(id=role_id).order_by("history_date")] == ["+", "-"]
    world.north.visibility = {"values": "public"}
    world.north.save()
    assert world.north.history.first().visibility == {"values": "public"}

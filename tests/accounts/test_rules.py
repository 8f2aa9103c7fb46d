"""The visibility and editing rules, table-driven, without a database."""

import pytest

from citytools.accounts import rules
from citytools.accounts.rules import Grants, Kind, Level
from citytools.core.errors import DomainError

OWN, PEER, STRANGER = 1, 2, 3
NORTH, SOUTH = frozenset({10}), frozenset({20})

GRANTS = {
    "public": rules.PUBLIC,
    "vendor": Grants(suppliers=frozenset({99})),
    "member": Grants(staff_organisations=frozenset({OWN}), member_networks=NORTH),
    "editor": Grants(staff_organisations=frozenset({OWN}), editor_organisations=frozenset({OWN}), member_networks=NORTH),
    "other_editor": Grants(staff_organisations=frozenset({STRANGER}), editor_organisations=frozenset({STRANGER}), member_networks=SOUTH),
    "coordinator": Grants(coordinator_networks=NORTH),
    "other_coordinator": Grants(coordinator_networks=SOUTH),
    "admin": Grants(is_admin=True),
}


@pytest.mark.parametrize(
    "who, organisation, networks, level, confidential, expected",
    [
        # Public information is public to everyone.
        ("public", PEER, NORTH, Level.PUBLIC, False, True),
        ("vendor", PEER, NORTH, Level.PUBLIC, False, True),
        # Member-only information: members of the same network, its coordinators, admins.
        ("public", PEER, NORTH, Level.MEMBERS, False, False),
        ("vendor", PEER, NORTH, Level.MEMBERS, False, False),
        ("member", PEER, NORTH, Level.MEMBERS, False, True),
        ("member", OWN, NORTH, Level.MEMBERS, False, True),
        ("other_editor", PEER, NORTH, Level.MEMBERS, False, False),
        ("coordinator", PEER, NORTH, Level.MEMBERS, False, True),
        ("other_coordinator", PEER, NORTH, Level.MEMBERS, False, False),
        ("admin", PEER, NORTH, Level.MEMBERS, False, True),
        # An organisation in no network: only its own staff (and admins).
        ("member", 5, frozenset(), Level.MEMBERS, False, False),
        # Confidential records: own staff, the network's coordinators, admins; not peers.
        ("member", OWN, NORTH, Level.PUBLIC, True, True),
        ("editor", OWN, NORTH, Level.PUBLIC, True, True),
        ("member", PEER, NORTH, Level.PUBLIC, True, False),
        ("coordinator", PEER, NORTH, Level.PUBLIC, True, True),
        ("other_coordinator", PEER, NORTH, Level.PUBLIC, True, False),
        ("public", PEER, NORTH, Level.PUBLIC, True, False),
        ("vendor", PEER, NORTH, Level.PUBLIC, True, False),
        ("admin", PEER, NORTH, Level.PUBLIC, True, True),
    ],
)
def test_can_see(who, organisation, networks, level, confidential, expected):
    assert (
        rules.can_see(
            GRANTS[who], Kind.VALUES, organisation=organisation, networks=networks, level=level, confidential=confidential
        )
        is expected
    )


@pytest.mark.parametrize(
    "who, organisation, expected",
    [
        ("editor", OWN, True),
        ("editor", PEER, False),
        ("member", OWN, False),
        ("coordinator", OWN, False),
        ("vendor", OWN, False),
        ("public", OWN, False),
        ("admin", OWN, True),
    ],
)
def test_only_an_organisations_editors_change_its_records(who, organisation, expected):
    assert rules.can_edit_records(GRANTS[who], organisation=organisation) is expected


@pytest.mark.parametrize(
    "who, expected", [("editor", True), ("coordinator", True), ("other_coordinator", False), ("member", False)]
)
def test_editors_and_coordinators_restore(who, expected):
    assert rules.can_restore(GRANTS[who], organisation=OWN, networks=NORTH) is expected


@pytest.mark.parametrize(
    "policies, kind, expected",
    [
        ([], Kind.VALUES, Level.MEMBERS),
        ([], Kind.END_DATES, Level.PUBLIC),
        ([{"values": "public"}], Kind.VALUES, Level.PUBLIC),
        ([{"end_dates": "members"}], Kind.END_DATES, Level.MEMBERS),
        # Strictest wins: one network cannot publish what another keeps for members.
        ([{"values": "public"}, {}], Kind.VALUES, Level.MEMBERS),
        ([{"values": "public"}, {"values": "public"}], Kind.VALUES, Level.PUBLIC),
    ],
)
def test_effective_level(policies, kind, expected):
    assert rules.effective_level(kind, policies) == expected


def test_clean_policy_refuses_unknown_kinds_and_levels():
    assert rules.clean_policy({"values": "public"}) == {"values": "public"}
    with pytest.raises(DomainError, match="Unknown kind"):
        rules.clean_policy({"salaries": "public"})
    with pytest.raises(DomainError, match="must be 'public' or 'members'"):
        rules.clean_policy({"values": "everyone"})


@pytest.mark.parametrize(
    "current, changes, replace, expected",
    [
        ({"values": "public"}, {"comments": "public"}, False, {"values": "public", "comments": "public"}),
        ({"values": "public"}, {"comments": "public"}, True, {"comments": "public"}),
        ({"values": "public"}, {"values": None}, False, {}),
        ({"values": "public"}, {}, False, {"values": "public"}),
        ({"values": "public"}, {}, True, {}),
        # A level equal to the default is not stored, and the order is Kind's.
        ({}, {"comments": "public", "end_dates": "members", "values": "members"}, True, {"end_dates": "members", "comments": "public"}),
        # A kind that no longer exists is dropped.
        ({"salaries": "public"}, {}, False, {}),
    ],
)
def test_next_policy_replaces_or_merges(current, changes, replace, expected):
    after = rules.next_policy(current, changes, replace=replace)
    assert after == expected and list(after) == list(expected)


def test_next_policy_refuses_unknown_kinds_even_when_set_to_the_default():
    for changes in ({"salaries": None}, {"salaries": "public"}, {"values": "everyone"}):
        with pytest.raises(DomainError):
            rules.next_policy({}, changes, replace=False)

"""Who may invite to (and remove) which role: the pure rule, table-driven."""

import pytest

from citytools.accounts.invitations import (
    InvitationUnusable,
    Scope,
    check_scope,
    hash_token,
    may_manage,
    new_token,
)
from citytools.accounts.rules import PUBLIC, Grants
from citytools.core.errors import DomainError

OWN, PEER, STRANGER = 1, 2, 3
NORTH, SOUTH = 10, 20
NETWORKS = {OWN: frozenset({NORTH}), PEER: frozenset({NORTH}), STRANGER: frozenset({SOUTH})}

HOLDERS = {
    "public": PUBLIC,
    "vendor": Grants(suppliers=frozenset({99})),
    "member": Grants(staff_organisations=frozenset({OWN}), member_networks=frozenset({NORTH})),
    "editor": Grants(
        staff_organisations=frozenset({OWN}), editor_organisations=frozenset({OWN}), member_networks=frozenset({NORTH})
    ),
    "coordinator": Grants(coordinator_networks=frozenset({NORTH})),
    "admin": Grants(is_admin=True),
}


def org(organisation):
    return Scope(organisation=organisation, organisation_networks=NETWORKS[organisation])


CASES = [
    # holder, kind, scope, allowed
    ("public", "member", org(OWN), False),
    ("vendor", "member", org(OWN), False),
    ("member", "member", org(OWN), False),
    ("editor", "member", org(OWN), True),
    ("editor", "editor", org(OWN), True),
    ("editor", "member", org(PEER), False),
    ("editor", "coordinator", Scope(network=NORTH), False),
    ("coordinator", "member", org(OWN), True),
    ("coordinator", "editor", org(PEER), True),
    ("coordinator", "editor", org(STRANGER), False),
    ("coordinator", "coordinator", Scope(network=NORTH), True),
    ("coordinator", "coordinator", Scope(network=SOUTH), False),
    ("coordinator", "vendor", Scope(supplier=99), False),
    ("coordinator", "admin", Scope(), False),
    ("admin", "editor", org(STRANGER), True),
    ("admin", "coordinator", Scope(network=SOUTH), True),
    ("admin", "vendor", Scope(supplier=99), True),
]


@pytest.mark.parametrize("holder,kind,scope,allowed", CASES)
def test_who_may_manage_which_role(holder, kind, scope, allowed):
    assert may_manage(HOLDERS[holder], kind, scope) is allowed


@pytest.mark.parametrize(
    "kind,organisation,network",
    [("member", None, None), ("editor", None, 5), ("coordinator", 1, None), ("coordinator", None, None), ("admin", None, None)],
)
def test_an_invitation_names_the_one_place_its_role_is_in(kind, organisation, network):
    with pytest.raises(DomainError):
        check_scope(kind, organisation=organisation, network=network)


def test_tokens_are_random_and_only_their_hash_is_kept():
    first, second = new_token(), new_token()
    assert first != second and len(first) >= 43
    assert hash_token(first) != first and len(hash_token(first)) == 64
    assert hash_token(first) == hash_token(first)


def test_every_unusable_link_gives_the_same_message():
    assert InvitationUnusable().message == InvitationUnusable().message
    assert "expired" in InvitationUnusable().message

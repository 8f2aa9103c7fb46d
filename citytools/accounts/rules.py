"""Who may see and change what: the one place these rules live. Pure functions, no ORM.

Every door (pages, API, exports, search, charts, PDF packs, error pages, e-mails) asks the
Viewer (citytools.accounts.viewer), and the Viewer asks these functions.

- Which organisation uses which product, and contract end dates, are public by default, as
  in the 2019 map and in public contract notices.
- Contract values, satisfaction scores, comments and shared pain points are for members by
  default: people with a role in an organisation of the same network, and its coordinators.
- A network may change these defaults. Where an organisation belongs to several networks,
  the strictest of their settings applies, so no network can publish what another keeps
  for members.
- A record marked confidential is seen only by its own organisation's staff, the
  coordinators of its networks and platform admins.
"""

from dataclasses import dataclass
from enum import StrEnum

from citytools.core.errors import DomainError


class Kind(StrEnum):
    """The kinds of information whose visibility a network can set."""

    USAGE = "usage"
    END_DATES = "end_dates"
    VALUES = "values"
    SATISFACTION = "satisfaction"
    COMMENTS = "comments"
    PAIN_POINTS = "pain_points"


class Level(StrEnum):
    PUBLIC = "public"
    MEMBERS = "members"


LABELS = {
    Kind.USAGE: "Which organisation uses which product",
    Kind.END_DATES: "Contract end dates",
    Kind.VALUES: "Contract values",
    Kind.SATISFACTION: "Satisfaction scores",
    Kind.COMMENTS: "Comments and notes",
    Kind.PAIN_POINTS: "Shared pain points",
}

DEFAULTS: dict[Kind, Level] = {
    Kind.USAGE: Level.PUBLIC,
    Kind.END_DATES: Level.PUBLIC,
    Kind.VALUES: Level.MEMBERS,
    Kind.SATISFACTION: Level.MEMBERS,
    Kind.COMMENTS: Level.MEMBERS,
    Kind.PAIN_POINTS: Level.MEMBERS,
}


def clean_policy(policy: dict) -> dict[str, str]:
    """A network's visibility settings, checked: known kinds and levels only."""
    if not isinstance(policy, dict):
        raise DomainError("Visibility settings must map each kind of information to a level.")
    cleaned = {}
    for kind, level in policy.items():
        if kind not in Kind.__members__.values():
            raise DomainError(f"Unknown kind of information: {kind!r}.", code="invalid", field=str(kind))
        if level not in Level.__members__.values():
            raise DomainError(
                f"{LABELS[Kind(kind)]} must be 'public' or 'members', not {level!r}.", code="invalid", field=kind
            )
        cleaned[kind] = level
    return cleaned


def next_policy(current: dict, changes: dict, *, replace: bool) -> dict[str, str]:
    """A network's visibility settings after `changes`, as they are stored: only the kinds
    that differ from the defaults, in the order of Kind.

    `changes` maps kinds to a level, or to None for the default. With `replace` the settings
    become exactly `changes`: a kind it leaves out goes back to its default (the API's PUT,
    the network's form, `citytools set_visibility --replace`). Without, a kind it leaves out
    keeps its current setting (the API's PATCH, `citytools set_visibility`)."""
    if not isinstance(changes, dict):
        raise DomainError("Visibility settings must map each kind of information to a level.")
    clean_policy({kind: level for kind, level in changes.items() if level is not None})
    clean_policy({kind: Level.PUBLIC for kind, level in changes.items() if level is None})  # known kinds only
    merged = {} if replace else dict(current or {})
    for kind, level in changes.items():
        if level is None:
            merged.pop(kind, None)
        else:
            merged[kind] = level
    return {kind.value: merged[kind] for kind in Kind if kind in merged and merged[kind] != DEFAULTS[kind]}


def effective_level(kind: Kind, policies: list[dict]) -> Level:
    """The level for one organisation: the strictest of its networks' settings."""
    if not policies:
        return DEFAULTS[kind]
    levels = {Level(policy.get(kind, DEFAULTS[kind])) for policy in policies}
    return Level.MEMBERS if Level.MEMBERS in levels else Level.PUBLIC


@dataclass(frozen=True)
class Grants:
    """What a person's roles give them. Built from Role rows by the Viewer."""

    is_admin: bool = False
    staff_organisations: frozenset[int] = frozenset()  # member or editor
    editor_organisations: frozenset[int] = frozenset()
    coordinator_networks: frozenset[int] = frozenset()
    member_networks: frozenset[int] = frozenset()  # networks of the organisations they staff
    suppliers: frozenset[int] = frozenset()  # vendor user of these suppliers

    @property
    def is_member(self) -> bool:
        """Holds any role that reaches member-only information somewhere."""
        return bool(self.is_admin or self.staff_organisations or self.coordinator_networks)


PUBLIC = Grants()


def can_see(
    grants: Grants,
    kind: Kind,
    *,
    organisation: int,
    networks: frozenset[int],
    level: Level,
    confidential: bool = False,
) -> bool:
    """May the holder of `grants` see information of `kind` about `organisation`?"""
    if grants.is_admin:
        return True
    if confidential:
        return organisation in grants.staff_organisations or bool(networks & grants.coordinator_networks)
    if level == Level.PUBLIC:
        return True
    return (
        organisation in grants.staff_organisations
        or bool(networks & grants.member_networks)
        or bool(networks & grants.coordinator_networks)
    )


def can_edit_records(grants: Grants, *, organisation: int) -> bool:
    """Systems and contracts are changed only by their own organisation's editors (and admins)."""
    return grants.is_admin or organisation in grants.editor_organisations


def can_restore(grants: Grants, *, organisation: int, networks: frozenset[int]) -> bool:
    """An editor of the organisation or a coordinator of one of its networks may restore."""
    return can_edit_records(grants, organisation=organisation) or bool(networks & grants.coordinator_networks)


def can_coordinate(grants: Grants, *, network: int) -> bool:
    return grants.is_admin or network in grants.coordinator_networks

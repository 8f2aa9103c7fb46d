"""Who may rate, see ratings, raise and move pain points, and reply. Pure functions, no ORM.

Satisfaction follows the access rules of citytools.accounts.rules, with two limits of its
own (the issue's "vendor users never see individual ratings, who rated what, or member-only
comments"):

- Figures summed over many ratings follow the network's level for satisfaction scores (members
  only by default). A single organisation's rating, and who made it, is always for members:
  that organisation's staff, staff of organisations in its networks, their coordinators and
  admins, whatever the level.
- A pain point follows the level for shared pain points of the organisation that raised it.
  The supplier's own vendor users also see pain points about them, so that they can reply,
  but not which organisations raised or share them, nor members' notes.
"""

import datetime

from citytools.accounts import rules as access
from citytools.accounts.rules import Grants, Kind, Level
from citytools.satisfaction.models import PainPointStatus

# A rating is due for renewal when it is older than this (issue: ratings).
RENEW_AFTER_DAYS = 365
# A pain point can start a joint Invitation to Partner once this many organisations have it.
JOINT_ITP_MINIMUM = 2
MAX_TAGS = 10
MAX_TAG_LENGTH = 40

# Allowed status moves. Reopening a resolved pain point sends it back to open.
MOVES: dict[str, frozenset[str]] = {
    PainPointStatus.OPEN: frozenset({PainPointStatus.RAISED, PainPointStatus.RESOLVED}),
    PainPointStatus.RAISED: frozenset({PainPointStatus.RESPONDED, PainPointStatus.RESOLVED, PainPointStatus.OPEN}),
    PainPointStatus.RESPONDED: frozenset({PainPointStatus.RESOLVED, PainPointStatus.RAISED}),
    PainPointStatus.RESOLVED: frozenset({PainPointStatus.OPEN}),
}


def can_move(before: str, after: str) -> bool:
    return after in MOVES.get(before, frozenset())


def can_rate(grants: Grants, *, organisation: int) -> bool:
    """An organisation's own staff (members and editors) rate its systems."""
    return grants.is_admin or organisation in grants.staff_organisations


def is_due(*, in_use: bool, rated_at: datetime.datetime | None, now: datetime.datetime) -> bool:
    """Due for renewal: a system in use never rated, or rated more than RENEW_AFTER_DAYS ago.
    Only a system in use is rated, so a planned or retired one is never due."""
    return in_use and (rated_at is None or rated_at < now - datetime.timedelta(days=RENEW_AFTER_DAYS))


def sees_individual_ratings(grants: Grants, *, organisation: int, networks: frozenset[int]) -> bool:
    """One organisation's rating, and who made it: members only, whatever the network's level."""
    return access.can_see(grants, Kind.SATISFACTION, organisation=organisation, networks=networks, level=Level.MEMBERS)


def can_raise(grants: Grants, *, organisation: int) -> bool:
    """An organisation's staff raise pain points for it and say "we have this too"."""
    return grants.is_admin or organisation in grants.staff_organisations


def can_move_pain_point(grants: Grants, *, affected: set[int], networks: frozenset[int]) -> bool:
    """Staff of any organisation that has the pain point, their networks' coordinators, admins."""
    return grants.is_admin or bool(affected & grants.staff_organisations) or bool(networks & grants.coordinator_networks)


def is_subject(grants: Grants, *, suppliers: set[int]) -> bool:
    """A vendor user of the supplier (or of the product's maker) the pain point is about."""
    return bool(suppliers & grants.suppliers)


def clean_tags(tags) -> list[str]:
    """Tags as a short list of distinct lower-case words or phrases."""
    if isinstance(tags, str):
        tags = tags.split(",")
    cleaned = []
    for tag in tags or ():
        tag = " ".join(str(tag).split()).lower()
        if tag and tag not in cleaned:
            cleaned.append(tag[:MAX_TAG_LENGTH])
    return cleaned[:MAX_TAGS]

"""A joint procurement initiative in the access tests' world, and who is what to it.

`build_initiative` has own's editor start one from own's and peer's waste contracts (network
"north"): own leads (its editor answered "interested"), peer is invited. The predicates take
(role, target) like those of tests/test_authorization.py; wrap them in its Who.
"""

import datetime

from citytools.accounts.viewer import Viewer
from citytools.opportunities import services


def build_initiative(cast, records, area):
    from tests.factories import OrganisationFactory

    # A third organisation of network "north", not invited: someone to invite.
    OrganisationFactory(slug="neighbour", short_name="Neighbour", networks=[cast.north])
    editor = cast.user("editor")
    return services.start_initiative(
        actor=editor, viewer=Viewer.for_user(editor), area=area,
        contracts=[records["own"].contract, records["peer"].contract],
        window_start=datetime.date(2027, 1, 1), window_end=datetime.date(2027, 12, 31),
    )


STAFF = {"member", "editor", "peer_member"}  # staff of own or peer, the invited organisations


def starts(role, target) -> bool:
    """Staff of own or peer, north's coordinator, admins (citytools.opportunities.rules.can_start)."""
    return role in STAFF | {"coordinator", "admin"}


def sees(role, target) -> bool:
    return role in STAFF | {"coordinator", "admin"}


def runs(role, target) -> bool:
    """The lead organisation's (own's) staff, north's coordinator and admins."""
    return role in {"member", "editor", "coordinator", "admin"}


def answers_for_own(role, target) -> bool:
    return role in {"member", "editor", "admin"}


def launches(role, target) -> bool:
    """Runs it and may open a challenge for an interested organisation (own): own's editor,
    north's coordinator, admins."""
    return role in {"editor", "coordinator", "admin"}

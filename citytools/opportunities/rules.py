"""Who may start, see and run a joint procurement initiative. Pure functions, no ORM.

An initiative concerns the organisations invited to it, so it is seen by their staff, the
coordinators of their networks and admins, and by nobody else (it says who is thinking of
leaving which supplier). It is run (invitations, dates, outcome, a joint Invitation to
Partner) by the lead organisation's staff, those coordinators and admins; each invited
organisation's own staff answer for it.
"""

from citytools.accounts.rules import Grants

MINIMUM_ORGANISATIONS = 2


def can_start(grants: Grants, *, organisations: set[int], networks: frozenset[int]) -> bool:
    """Staff of one of the organisations in the opportunity, their coordinators, admins."""
    return grants.is_admin or bool(organisations & grants.staff_organisations) or bool(networks & grants.coordinator_networks)


def can_see(grants: Grants, *, invited: set[int], networks: frozenset[int]) -> bool:
    return grants.is_admin or bool(invited & grants.staff_organisations) or bool(networks & grants.coordinator_networks)


def can_run(grants: Grants, *, lead: int, networks: frozenset[int]) -> bool:
    return grants.is_admin or lead in grants.staff_organisations or bool(networks & grants.coordinator_networks)


def can_answer(grants: Grants, *, organisation: int) -> bool:
    return grants.is_admin or organisation in grants.staff_organisations

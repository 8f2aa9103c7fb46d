"""Who may give (and take away) which role: pure functions, no ORM.

The same rule answers both questions, because whoever may invite someone to a role may also
revoke it:

- a platform admin may manage any role;
- a network coordinator may manage members and editors of the organisations in their
  network, and the coordinators of that network;
- an organisation editor may manage the members and editors of their own organisation;
- nobody else may manage roles (members and vendor users cannot invite anyone).

Vendor and admin roles are given by admins only, and never through an invitation.
"""

import hashlib
import secrets
from dataclasses import dataclass

from citytools.accounts.rules import Grants
from citytools.core.errors import DomainError

ORGANISATION_KINDS = ("member", "editor")
NETWORK_KINDS = ("coordinator",)
INVITABLE_KINDS = ORGANISATION_KINDS + NETWORK_KINDS


class NotAllowed(DomainError):
    """The person's roles do not allow this; pages answer 403, the API a 403 problem."""

    code = "forbidden"
    status = 403


class InvitationUnusable(DomainError):
    """One message for a forged, expired, revoked or used link, so a guess learns nothing."""

    code = "invitation_unusable"
    status = 404

    def __init__(self):
        super().__init__(
            "This invitation link cannot be used. It may have expired, been used already or been "
            "withdrawn. Ask the person who invited you to send a new one."
        )


@dataclass(frozen=True)
class Scope:
    """Where a role applies: an organisation (with its networks) or a network."""

    organisation: int | None = None
    organisation_networks: frozenset[int] = frozenset()
    network: int | None = None
    supplier: int | None = None


def may_manage(grants: Grants, kind: str, scope: Scope) -> bool:
    """May the holder of `grants` invite someone to, or revoke, a role of `kind` in `scope`?"""
    if grants.is_admin:
        return True
    if kind in ORGANISATION_KINDS and scope.organisation is not None:
        return scope.organisation in grants.editor_organisations or bool(
            scope.organisation_networks & grants.coordinator_networks
        )
    if kind in NETWORK_KINDS and scope.network is not None:
        return scope.network in grants.coordinator_networks
    return False


def may_manage_organisation(grants: Grants, scope: Scope) -> bool:
    """May see an organisation's people page: whoever may manage its roles."""
    return may_manage(grants, "member", scope)


def check_scope(kind: str, *, organisation, network) -> None:
    """An invitation names exactly the one place its kind of role is held in."""
    if kind not in INVITABLE_KINDS:
        raise DomainError("Choose member, editor or coordinator.", code="invalid", field="kind")
    if kind in ORGANISATION_KINDS and (organisation is None or network is not None):
        raise DomainError("Choose the organisation the role is in.", code="invalid", field="organisation")
    if kind in NETWORK_KINDS and (network is None or organisation is not None):
        raise DomainError("A coordinator role is in a network, not an organisation.", code="invalid", field="network")


def new_token() -> str:
    """The secret in an invitation link: 256 random bits."""
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()

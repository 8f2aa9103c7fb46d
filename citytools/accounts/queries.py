"""Reads about people, roles and invitations, shared by the pages and the API."""

from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from citytools.accounts.invitations import InvitationUnusable, Scope, hash_token
from citytools.accounts.models import Invitation, Role, User
from citytools.accounts.rules import DEFAULTS, LABELS, Kind, Level
from citytools.directory.models import Network, NetworkMembership


def scope_of(*, organisation=None, network=None, supplier=None) -> Scope:
    """The Scope the rules need: an organisation with the networks it belongs to, or a network."""
    if organisation is not None:
        networks = frozenset(
            NetworkMembership.objects.filter(organisation=organisation).values_list("network_id", flat=True)
        )
        return Scope(organisation=organisation.pk, organisation_networks=networks)
    if network is not None:
        return Scope(network=network.pk)
    if supplier is not None:
        return Scope(supplier=supplier.pk)
    return Scope()


def role_scope(role: Role) -> Scope:
    return scope_of(organisation=role.organisation, network=role.network, supplier=role.supplier)


def roles_of(user) -> list[Role]:
    return list(
        Role.objects.filter(user=user)
        .select_related("organisation", "network", "supplier")
        .order_by("kind", "organisation__short_name", "network__name", "supplier__name")
    )


@dataclass
class Person:
    user: User
    roles: list[Role] = field(default_factory=list)


def _people(roles) -> list[Person]:
    by_user: dict[int, Person] = {}
    for role in roles.select_related("user", "organisation", "network").order_by(
        "user__full_name", "user__email", "kind", "organisation__short_name"
    ):
        by_user.setdefault(role.user_id, Person(role.user)).roles.append(role)
    return list(by_user.values())


def network_people(network) -> list[Person]:
    """Everyone with a role in the network's organisations or as its coordinator."""
    return _people(
        Role.objects.filter(
            Q(kind=Role.Kind.COORDINATOR, network=network)
            | Q(kind__in=[Role.Kind.MEMBER, Role.Kind.EDITOR], organisation__memberships__network=network)
        ).distinct()
    )


def organisation_people(organisation) -> list[Person]:
    return _people(Role.objects.filter(kind__in=[Role.Kind.MEMBER, Role.Kind.EDITOR], organisation=organisation))


def organisation_editors(organisation_id: int):
    """The active people who edit an organisation's records, by e-mail address."""
    return (
        User.objects.filter(roles__kind=Role.Kind.EDITOR, roles__organisation_id=organisation_id, is_active=True)
        .distinct()
        .order_by("email")
    )


def pending_invitations(*, organisation=None, network=None):
    """Invitations still waiting for an answer: for one organisation, or for a network (its
    coordinator role and all its organisations)."""
    invitations = Invitation.objects.pending().select_related("organisation", "network", "invited_by")
    if organisation is not None:
        return invitations.filter(organisation=organisation)
    return invitations.filter(Q(network=network) | Q(organisation__memberships__network=network)).distinct()


def usable_invitation(token: str) -> Invitation:
    """The pending invitation behind a link's token, or InvitationUnusable."""
    if not token or len(token) > 200:
        raise InvitationUnusable()
    invitation = (
        Invitation.objects.select_related("organisation", "network", "invited_by")
        .filter(token_hash=hash_token(token))
        .first()
    )
    if invitation is None or invitation.accepted_at or invitation.revoked_at or invitation.expires_at <= timezone.now():
        raise InvitationUnusable()
    return invitation


def account_exists(email: str) -> bool:
    return User.objects.filter(email__iexact=email).exists()


# Who sees what in a network ------------------------------------------------------


@dataclass(frozen=True)
class VisibilitySetting:
    kind: Kind
    label: str
    level: Level
    is_default: bool


def network_visibility(net: Network) -> list[VisibilitySetting]:
    """Who may see each kind of information about the network's members, by its own settings
    (an organisation in several networks gets the strictest of them)."""
    chosen = net.visibility or {}
    return [
        VisibilitySetting(kind, LABELS[kind], Level(chosen.get(kind, DEFAULTS[kind])), kind not in chosen)
        for kind in Kind
    ]

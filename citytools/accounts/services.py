"""The only code that writes accounts data: invitations, their acceptance, and roles.

Every function takes keyword arguments and the `actor` doing it, checks the rules in
citytools.accounts.invitations, and runs in one transaction.
"""

import datetime

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from citytools.accounts.invitations import (
    InvitationUnusable,
    NotAllowed,
    check_scope,
    hash_token,
    may_manage,
    new_token,
)
from citytools.accounts.models import Invitation, Role, User
from citytools.accounts.queries import role_scope, scope_of, usable_invitation
from citytools.accounts.rules import next_policy
from citytools.accounts.viewer import Viewer
from citytools.core.errors import DomainError, Forbidden
from citytools.directory.models import Network


def _grants(actor):
    return Viewer.for_user(actor).grants


def invitation_url(token: str) -> str:
    return settings.SITE_URL + reverse("accounts:invitation", kwargs={"token": token})


@transaction.atomic
def invite(*, email: str, kind: str, organisation=None, network=None, actor) -> tuple[Invitation, str]:
    """Offer `email` a role and e-mail them a single-use link; returns the invitation and the
    link's token (shown nowhere but the e-mail).

    Asking again for the same person and role withdraws the earlier link, so only the newest
    one works.
    """
    email = User.objects.normalize_email(email.strip()).lower()
    if not email:
        raise DomainError("Enter an email address.", code="invalid", field="email")
    check_scope(kind, organisation=organisation, network=network)
    if not may_manage(_grants(actor), kind, scope_of(organisation=organisation, network=network)):
        raise NotAllowed("You cannot invite people to this role.")
    if Role.objects.filter(
        user__email__iexact=email, kind=kind, organisation=organisation, network=network
    ).exists():
        raise DomainError("This person already has this role.", code="duplicate", field="email")
    now = timezone.now()
    Invitation.objects.pending(now=now).filter(
        email__iexact=email, kind=kind, organisation=organisation, network=network
    ).update(revoked_at=now)
    token = new_token()
    invitation = Invitation.objects.create(
        email=email,
        kind=kind,
        organisation=organisation,
        network=network,
        invited_by=actor,
        token_hash=hash_token(token),
        created_at=now,
        expires_at=now + datetime.timedelta(days=settings.INVITATION_DAYS),
    )
    context = {"invitation": invitation, "url": invitation_url(token), "inviter": actor}
    # Sent after the commit, so a rolled-back invitation never reaches anyone's inbox.
    transaction.on_commit(
        lambda: send_mail(
            subject="You are invited to City Tools",
            message=render_to_string("accounts/email/invitation.txt", context),
            from_email=None,
            recipient_list=[email],
        )
    )
    return invitation, token


def _grant_role(invitation: Invitation, user: User) -> Role:
    role, _ = Role.objects.get_or_create(
        user=user, kind=invitation.kind, organisation=invitation.organisation, network=invitation.network
    )
    return role


def _claim(token: str) -> Invitation:
    """Lock the invitation row, so two tabs accepting at once give one role, not an error."""
    invitation = usable_invitation(token)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if invitation.accepted_at or invitation.revoked_at:
        raise InvitationUnusable()
    return invitation


@transaction.atomic
def accept_invitation(*, token: str, actor: User) -> Role:
    """The signed-in owner of the invited address accepts."""
    invitation = _claim(token)
    if actor.email.lower() != invitation.email.lower():
        raise NotAllowed(
            "This invitation was sent to another email address. Sign out, then sign in with the "
            "address the invitation was sent to."
        )
    role = _grant_role(invitation, actor)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = actor
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return role


@transaction.atomic
def accept_invitation_with_new_account(*, token: str, full_name: str, password: str) -> User:
    """Someone without an account accepts: the account is made with the invited address."""
    invitation = _claim(token)
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise DomainError("An account already uses this email address: sign in to accept.", code="exists")
    full_name = full_name.strip()
    if not full_name:
        raise DomainError("Enter your full name.", code="invalid", field="full_name")
    candidate = User(email=invitation.email, full_name=full_name)
    try:
        validate_password(password, user=candidate)
    except ValidationError as error:
        raise DomainError(" ".join(error.messages), code="invalid", field="password") from error
    try:
        with transaction.atomic():
            user = User.objects.create_user(invitation.email, password, full_name=full_name)
    except IntegrityError as error:
        raise DomainError("An account already uses this email address: sign in to accept.", code="exists") from error
    _grant_role(invitation, user)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return user


@transaction.atomic
def accept_invitation_by_sign_on(*, email: str, full_name: str = "") -> User | None:
    """Single sign-on found no account for `email`: if a pending invitation names it, make the
    account (with no password: it signs in through the provider or a password reset) and
    accept every pending invitation for it. Otherwise None."""
    invitations = list(Invitation.objects.pending().select_for_update().filter(email__iexact=email))
    if not invitations or User.objects.filter(email__iexact=email).exists():
        # An existing account (perhaps deactivated) is never replaced through single sign-on.
        return None
    user = User.objects.create_user(email.lower(), None, full_name=full_name.strip())
    now = timezone.now()
    for invitation in invitations:
        _grant_role(invitation, user)
        invitation.accepted_at = now
        invitation.accepted_by = user
        invitation.save(update_fields=["accepted_at", "accepted_by"])
    return user


@transaction.atomic
def revoke_invitation(*, invitation: Invitation, actor) -> None:
    scope = scope_of(organisation=invitation.organisation, network=invitation.network)
    if not may_manage(_grants(actor), invitation.kind, scope):
        raise NotAllowed("You cannot withdraw this invitation.")
    if invitation.accepted_at or invitation.revoked_at:
        raise DomainError("This invitation is no longer pending.", code="not_pending")
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])


@transaction.atomic
def revoke_role(*, role: Role, actor) -> None:
    if not may_manage(_grants(actor), role.kind, role_scope(role)):
        raise NotAllowed("You cannot remove this role.")
    role.delete()


@transaction.atomic
def grant_role(*, email: str, kind: str, organisation=None, network=None, supplier=None) -> Role:
    """Give `email` a role, creating the account if needed, for the server's operator.

    This is how the first platform admin, and vendor users, come to exist: invitations cover
    members, editors and coordinators. A new account has no usable password; its owner sets
    one through password reset, or signs in with single sign-on.
    """
    if kind not in Role.Kind.values:
        raise DomainError(f"Unknown role {kind!r}: choose one of {', '.join(Role.Kind.values)}.", field="kind")
    scopes = {"organisation": organisation, "network": network, "supplier": supplier}
    needed = {"member": "organisation", "editor": "organisation", "coordinator": "network", "vendor": "supplier"}
    wanted = needed.get(kind)
    for name, value in scopes.items():
        if (name == wanted) != (value is not None):
            if name == wanted:
                raise DomainError(f"A {kind} role is held in a {name}: name it.", field=name)
            raise DomainError(f"A {kind} role is not held in a {name}.", field=name)
    user = User.objects.filter(email__iexact=email.strip()).first()
    if user is None:
        user = User.objects.create_user(email=email.strip())
    role, _ = Role.objects.get_or_create(user=user, kind=kind, **scopes)
    return role


@transaction.atomic
def set_network_visibility(*, network, policy: dict, actor, replace: bool) -> dict[str, str]:
    """Set who may see each kind of information about `network`'s organisations; every door
    (the form, the API's PUT and PATCH, `citytools set_visibility`) comes here.

    `policy` maps kinds (citytools.accounts.rules.Kind) to "public" or "members", or to None
    for the default. With `replace` (the form, the API's PUT, the command with --replace) the
    settings become exactly `policy`, and a kind it leaves out goes back to the default;
    without (the API's PATCH, the command without --replace) a kind it leaves out keeps its
    setting (citytools.accounts.rules.next_policy). Only the network's coordinators and
    platform admins may change it. `actor` is a User, or a Viewer for a door that has already
    built one (the command line acts with an operator's powers). Only settings that differ
    from the defaults are stored, so a kind left at its default follows any later change of
    the defaults.
    """
    viewer = actor if isinstance(actor, Viewer) else Viewer.for_user(actor)
    if not viewer.can_coordinate(network.pk):
        raise Forbidden(f"Only coordinators of {network.name} may change who sees its information.")
    network = Network.objects.select_for_update().get(pk=network.pk)
    network.visibility = next_policy(network.visibility, policy, replace=replace)
    network.save(update_fields=["visibility", "updated_at"])
    return network.visibility

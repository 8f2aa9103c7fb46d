"""The signed-in person's roles, and invitations, through the same services as the pages.

Authentication is the session cookie (ninja's django_auth), which also enforces CSRF on
every call that changes something.
"""

import datetime
from typing import Literal

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema

from citytools.accounts import queries, services
from citytools.accounts.invitations import NotAllowed, may_manage
from citytools.accounts.models import Invitation
from citytools.core.api_input import django_auth
from citytools.core.errors import DomainError, NotFound
from citytools.directory.models import Network, Organisation

router = Router(tags=["accounts"], auth=django_auth)


class RoleOut(Schema):
    id: int
    kind: str
    organisation: str | None = Field(None, description="Slug of the organisation, for members and editors.")
    network: str | None = Field(None, description="Slug of the network, for coordinators.")
    supplier: str | None = Field(None, description="Slug of the supplier, for vendor users.")


class MeOut(Schema):
    email: str
    full_name: str
    roles: list[RoleOut]


def _role(role) -> RoleOut:
    return RoleOut(
        id=role.pk,
        kind=role.kind,
        organisation=role.organisation.slug if role.organisation else None,
        network=role.network.slug if role.network else None,
        supplier=role.supplier.slug if role.supplier else None,
    )


@router.get("/me", response=MeOut, summary="The signed-in person and their roles")
def me(request):
    user = request.user
    return MeOut(email=user.email, full_name=user.full_name, roles=[_role(r) for r in queries.roles_of(user)])


class InvitationIn(Schema):
    email: str = Field(max_length=254)
    kind: Literal["member", "editor", "coordinator"]
    organisation: str | None = Field(None, description="Slug; required for member and editor.")
    network: str | None = Field(None, description="Slug; required for coordinator.")


class InvitationOut(Schema):
    id: int
    email: str
    kind: str
    organisation: str | None
    network: str | None
    expires_at: datetime.datetime


def _invitation(invitation) -> InvitationOut:
    return InvitationOut(
        id=invitation.pk,
        email=invitation.email,
        kind=invitation.kind,
        organisation=invitation.organisation.slug if invitation.organisation else None,
        network=invitation.network.slug if invitation.network else None,
        expires_at=invitation.expires_at,
    )


@router.post(
    "/invitations",
    response={201: InvitationOut},
    summary="Invite someone to a role",
    description="E-mails a single-use link; the link itself is never returned.",
)
def create_invitation(request, payload: InvitationIn):
    organisation = network = None
    if payload.organisation:
        organisation = Organisation.objects.filter(slug=payload.organisation).first()
        if organisation is None:
            raise NotFound("No such organisation.")
    if payload.network:
        network = Network.objects.filter(slug=payload.network).first()
        if network is None:
            raise NotFound("No such network.")
    try:
        validate_email(payload.email)
    except ValidationError as error:
        raise DomainError("Enter a valid email address.", code="invalid", field="email") from error
    invitation, _ = services.invite(
        email=payload.email, kind=payload.kind, organisation=organisation, network=network, actor=request.user
    )
    return _invitation(invitation)


@router.delete("/invitations/{invitation_id}", response={204: None}, summary="Withdraw a pending invitation")
def delete_invitation(request, invitation_id: int):
    invitation = get_object_or_404(Invitation.objects.select_related("organisation", "network"), pk=invitation_id)
    scope = queries.scope_of(organisation=invitation.organisation, network=invitation.network)
    if not may_manage(request.viewer.grants, invitation.kind, scope):
        # As for a missing one, so nobody learns which invitation numbers exist.
        raise NotFound("No such invitation.")
    try:
        services.revoke_invitation(invitation=invitation, actor=request.user)
    except NotAllowed as error:
        raise NotFound("No such invitation.") from error
    return

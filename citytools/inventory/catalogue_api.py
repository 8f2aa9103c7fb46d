"""The API of the catalogue's proposals: propose a missing supplier or product, list and read
proposals, and decide on one. Thin door to citytools.inventory.catalogue_services, needing a
signed-in session; a proposal the person may not read is 404. A name the catalogue (or the
organisation's own proposals) already holds is 409, with the entry as `existing`."""

import datetime

from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from citytools.core.api import Pagination, require
from citytools.core.api_input import django_auth
from citytools.core.errors import DomainError
from citytools.directory.models import Organisation
from citytools.inventory import catalogue_services as catalogue
from citytools.inventory.models import CatalogueProposal

router = Router(tags=["catalogue proposals"], auth=django_auth)


class EntryRef(Schema):
    slug: str
    name: str


class CatalogueProposalOut(Schema):
    id: int
    kind: str = Field(description="supplier or product.")
    name: str
    organisation: EntryRef = Field(description="The organisation that proposed it, which may use it at once.")
    status: str = Field(description="pending, accepted, merged or rejected.")
    entry: EntryRef | None = Field(description="The proposed entry; once merged, the catalogue's entry it became.")
    manufacturer: EntryRef | None = Field(description="A product's maker.")
    website: str
    note: str
    reason: str = Field(description="Why it was rejected.")
    created_at: datetime.datetime
    decided_at: datetime.datetime | None


class CatalogueProposalIn(Schema):
    kind: str = Field(description="supplier or product.")
    name: str
    manufacturer: str | None = Field(None, description="A product's maker: the slug of a supplier in the catalogue or proposed by the organisation.")
    website: str = ""
    note: str = ""


class CatalogueDecisionIn(Schema):
    decision: str = Field(description="accept, merge or reject.")
    into: str | None = Field(None, description="merge: the slug of the catalogue's entry.")
    reason: str = Field("", description="reject: why, for the proposer.")


def _ref(thing) -> dict | None:
    return {"slug": thing.slug, "name": thing.name} if thing else None


def _out(proposal: CatalogueProposal) -> dict:
    entry = proposal.entry
    return {
        "id": proposal.pk,
        "kind": proposal.kind,
        "name": proposal.name,
        "organisation": {"slug": proposal.organisation.slug, "name": str(proposal.organisation)},
        "status": proposal.status,
        "entry": _ref(entry),
        "manufacturer": _ref(entry.manufacturer) if proposal.kind == "product" and entry else None,
        "website": proposal.website,
        "note": proposal.note,
        "reason": proposal.reason,
        "created_at": proposal.created_at,
        "decided_at": proposal.decided_at,
    }


@router.get(
    "/catalogue-proposals",
    response=list[CatalogueProposalOut],
    url_name="catalogue_proposals",
    summary="The catalogue proposals you may read: your organisations' and those you review",
)
@paginate(Pagination)
def list_proposals(request, status: str | None = None, queue: bool = False):
    proposals = catalogue.review_queue(request.viewer) if queue else catalogue.proposals_visible_to(request.viewer)
    if status:
        proposals = proposals.filter(status=status)
    return [_out(p) for p in proposals]


@router.post(
    "/organisations/{slug}/catalogue-proposals",
    response={201: CatalogueProposalOut},
    url_name="catalogue_propose",
    summary="Propose a supplier or product missing from the catalogue (the organisation's editors)",
)
def propose(request, slug: str, payload: CatalogueProposalIn):
    organisation = get_object_or_404(Organisation, slug=slug)
    require(catalogue.may_propose(request.viewer, organisation.pk), "Only the organisation's own editors can propose entries for it.")
    proposal = catalogue.propose(organisation=organisation, actor=request.user, **payload.dict())
    return Status(201, _out(proposal))


@router.get(
    "/catalogue-proposals/{proposal_id}",
    response=CatalogueProposalOut,
    url_name="catalogue_proposal",
    summary="One catalogue proposal",
)
def get_proposal(request, proposal_id: int):
    return _out(catalogue.readable_proposal(request.viewer, proposal_id))


@router.post(
    "/catalogue-proposals/{proposal_id}/decision",
    response=CatalogueProposalOut,
    url_name="catalogue_decide",
    summary="Accept, merge or reject a proposal (coordinators of the organisation's networks, platform admins)",
)
def decide(request, proposal_id: int, payload: CatalogueDecisionIn):
    proposal = catalogue.readable_proposal(request.viewer, proposal_id)
    if payload.decision == "accept":
        proposal = catalogue.accept(proposal, actor=request.user)
    elif payload.decision == "merge":
        proposal = catalogue.merge(proposal, into=payload.into, actor=request.user)
    elif payload.decision == "reject":
        proposal = catalogue.reject(proposal, reason=payload.reason, actor=request.user)
    else:
        raise DomainError("The decision is accept, merge or reject.", code="invalid", field="decision")
    return _out(proposal)

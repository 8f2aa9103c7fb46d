"""API: the applicant's proposal (read, save, submit, withdraw, re-confirm, attachments,
receipt) and the panel's proposals (the count before the close, the list after; one proposal;
its eligibility).

The same services as the pages (citytools.partnering.services.proposals): a sealed proposal
is a 404 here too. Every operation needs a signed-in session (`django_auth`, which checks
CSRF on writes). Saving the proposal may name the version it was based on with
`If-Match: "<version>"` (the ETag of GET /proposal); a stale one is 412.
"""

import datetime

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Field, File, Router, Schema, Status, UploadedFile
from pydantic import StrictBool

from citytools.core import history
from citytools.core.api import tag
from citytools.core.api_input import django_auth
from citytools.core.errors import Conflict, Forbidden, NotFound
from citytools.core.preconditions import IfMatch, based_on, if_match
from citytools.partnering.access import roles_for
from citytools.partnering.models import Attachment, Challenge, Proposal
from citytools.partnering.services import evaluation
from citytools.partnering.services import proposals as services

router = Router(tags=["invitations to partner: proposals"])


def challenge_for(request, slug: str) -> Challenge:
    """The challenge, or 404 for one this person may not see (as the pages)."""
    challenge = get_object_or_404(Challenge.objects.prefetch_related("owners", "evaluators"), slug=slug)
    services.visible_challenge(request.viewer, challenge)
    return challenge


def money(value) -> str | None:
    return None if value is None else f"{value:.2f}"


class AttachmentOut(Schema):
    id: int
    name: str = Field(description="The file's name as uploaded; 'Attachment N' to a blind evaluator.")
    content_type: str
    size: int = Field(description="Bytes.")
    sha256: str
    uploaded_at: datetime.datetime
    download_url: str = Field(description="The page that downloads it, for those who may read the proposal.")


def attachment_out(attachment: Attachment, *, index: int = 0, blind: bool = False) -> dict:
    return {
        "id": attachment.pk,
        "name": f"Attachment {index + 1}" if blind else attachment.name,
        "content_type": attachment.content_type,
        "size": attachment.size,
        "sha256": attachment.sha256,
        "uploaded_at": attachment.uploaded_at,
        "download_url": reverse(
            "partnering:attachment_download", args=[attachment.proposal.challenge.slug, attachment.pk]
        ),
    }


# The applicant's proposal ------------------------------------------------------------------


class MyProposalOut(Schema):
    id: int
    version: int = Field(description="Also sent as the ETag header.")
    supplier: str = Field(description="The supplier's name.")
    status: str = Field(description="draft, submitted or withdrawn.")
    scale: str = Field(description="micro, small, medium or large (OCDS partyScale).")
    summary: str
    approach: str
    team: str
    plan: str
    price: str | None = Field(description="In the challenge's currency, two decimals.")
    currency: str
    submitted_at: datetime.datetime | None
    receipt_hash: str = Field(description="SHA-256 of the submitted proposal; empty unless submitted.")
    needs_reconfirmation: bool
    submissions_open: bool = Field(description="Whether anything can still change (strictly before the deadline).")
    submission_deadline: datetime.datetime | None
    attachments: list[AttachmentOut]


class ProposalIn(Schema):
    scale: str = Field(description="micro, small, medium or large.")
    summary: str = Field("", description="Your idea in a few sentences.")
    approach: str = Field("", description="How you would work with residents and staff.")
    team: str = Field("", description="Who would do the work.")
    plan: str = ""
    price: str | None = Field(None, description="At most the budget cap, like \"45000\" or \"45000.50\".")


SUPPLIER = "The supplier's slug, for a vendor user of several suppliers."


def my_out(proposal: Proposal) -> dict:
    challenge = proposal.challenge
    return {
        "id": proposal.pk,
        "version": proposal.version,
        "supplier": proposal.supplier.name,
        "status": proposal.status,
        "scale": proposal.scale,
        "summary": proposal.summary,
        "approach": proposal.approach,
        "team": proposal.team,
        "plan": proposal.plan,
        "price": money(proposal.price),
        "currency": challenge.currency,
        "submitted_at": proposal.submitted_at,
        "receipt_hash": proposal.receipt_hash,
        "needs_reconfirmation": proposal.needs_reconfirmation,
        "submissions_open": services.submissions_open(challenge),
        "submission_deadline": challenge.submission_deadline,
        "attachments": [attachment_out(a) for a in proposal.attachments.all().select_related("proposal__challenge")],
    }


def _mine(request, slug: str, supplier: str | None) -> Proposal:
    challenge = challenge_for(request, slug)
    proposal = services.my_proposal(challenge, viewer=request.viewer, supplier=supplier or None)
    if proposal is None:
        raise NotFound("You have not started a proposal for this challenge.")
    return proposal


def _reloaded(proposal: Proposal) -> Proposal:
    return Proposal.objects.select_related("supplier", "challenge").get(pk=proposal.pk)


def _tagged(response: HttpResponse, proposal: Proposal) -> dict:
    tag(response, proposal)
    return my_out(proposal)


@router.get(
    "/{slug}/proposal", response=MyProposalOut, auth=django_auth, url_name="challenge_my_proposal",
    summary="Your proposal for a challenge (vendor users; 404 until you start one)",
)
def get_my_proposal(request, slug: str, response: HttpResponse, supplier: str | None = None):
    return _tagged(response, _mine(request, slug, supplier))


@router.put(
    "/{slug}/proposal", response=MyProposalOut, auth=django_auth, url_name="challenge_my_proposal_save",
    summary="Create or change your draft (until the submission deadline)",
)
@if_match(IfMatch.OPTIONAL)
def put_my_proposal(request, slug: str, payload: ProposalIn, response: HttpResponse, supplier: str | None = None):
    challenge = challenge_for(request, slug)
    existing = services.my_proposal(challenge, viewer=request.viewer, supplier=supplier or None)
    version = None
    if existing is not None:
        version = based_on(request, existing)
    try:
        proposal = services.save_proposal(
            challenge, actor=request.user, viewer=request.viewer, version=version, supplier=supplier or None,
            **payload.dict(),
        )
    except Conflict:
        raise history.PreconditionFailed(history.IF_MATCH_STALE) from None
    return _tagged(response, _reloaded(proposal))


def _act(request, slug, supplier, act, response):
    proposal = _mine(request, slug, supplier)
    act(proposal, actor=request.user, viewer=request.viewer)
    return _tagged(response, _reloaded(proposal))


@router.post(
    "/{slug}/proposal/submit", response=MyProposalOut, auth=django_auth, url_name="challenge_proposal_submit",
    summary="Submit your proposal; the answer carries the receipt's hash",
)
def submit(request, slug: str, response: HttpResponse, supplier: str | None = None):
    return _act(request, slug, supplier, services.submit_proposal, response)


@router.post(
    "/{slug}/proposal/withdraw", response=MyProposalOut, auth=django_auth, url_name="challenge_proposal_withdraw",
    summary="Withdraw your proposal (it can be changed and submitted again until the deadline)",
)
def withdraw(request, slug: str, response: HttpResponse, supplier: str | None = None):
    return _act(request, slug, supplier, services.withdraw_proposal, response)


@router.post(
    "/{slug}/proposal/reconfirm", response=MyProposalOut, auth=django_auth, url_name="challenge_proposal_reconfirm",
    summary="Re-confirm your submitted proposal after a material addendum (a new receipt)",
)
def reconfirm(request, slug: str, response: HttpResponse, supplier: str | None = None):
    return _act(request, slug, supplier, services.reconfirm_proposal, response)


class ReceiptOut(Schema):
    document: dict = Field(description="What the hash covers: answers, attachments' SHA-256, addenda seen, time.")
    sha256: str
    how_to_check: str


@router.get(
    "/{slug}/proposal/receipt", response=ReceiptOut, auth=django_auth, url_name="challenge_proposal_receipt",
    summary="Your receipt: recompute SHA-256 of the document (JSON, sorted keys, no spaces) to check it",
)
def receipt(request, slug: str, supplier: str | None = None):
    return services.receipt(_mine(request, slug, supplier), viewer=request.viewer)


@router.post(
    "/{slug}/proposal/attachments", response={201: AttachmentOut}, auth=django_auth, url_name="challenge_attachment_add",
    summary="Attach a file (multipart/form-data, field `file`); PDF, office documents, images, text or CSV",
)
def add_attachment(request, slug: str, file: UploadedFile | None = File(None), supplier: str | None = None):
    # The file is optional in the schema so that who may attach is decided before the upload
    # is looked at; the service answers 400 when it is missing.
    proposal = _mine(request, slug, supplier)
    attachment = services.add_attachment(proposal, actor=request.user, viewer=request.viewer, upload=file)
    return Status(201, attachment_out(attachment))


@router.delete(
    "/{slug}/proposal/attachments/{attachment_id}", response={204: None}, auth=django_auth,
    url_name="challenge_attachment_remove", summary="Remove an attachment from your proposal",
)
def remove_attachment(request, slug: str, attachment_id: int, supplier: str | None = None):
    proposal = _mine(request, slug, supplier)
    attachment = services.own_attachment(proposal, attachment_id, viewer=request.viewer)
    services.remove_attachment(attachment, actor=request.user, viewer=request.viewer)
    return Status(204, None)


# The panel's proposals ---------------------------------------------------------------------


class PanelProposalOut(Schema):
    id: int
    name: str = Field(description="The supplier's name, or 'Proposal A' … to a blind evaluator.")
    submitted_at: datetime.datetime | None
    price: str | None
    eligible: bool | None = Field(description="Null until screened.")
    needs_reconfirmation: bool


class ProposalsOut(Schema):
    count: int = Field(description="Submitted proposals: all anyone learns before submissions close.")
    sealed: bool = Field(description="True until submissions close.")
    proposals: list[PanelProposalOut] | None = Field(
        description="Null while sealed, and for panel members who do not read proposals."
    )


@router.get(
    "/{slug}/proposals", response=ProposalsOut, auth=django_auth, url_name="challenge_proposals",
    summary="The challenge's proposals for its panel: only the count until submissions close",
)
def list_proposals(request, slug: str):
    challenge = challenge_for(request, slug)
    roles = roles_for(request.viewer, challenge)
    if not roles.is_panel:
        raise Forbidden("The proposals are for the challenge's panel.")
    listed = services.panel_proposals(request.viewer, challenge)
    names = evaluation.Names(roles, challenge)
    return {
        "count": services.submitted_count(challenge),
        "sealed": not services.is_unsealed(challenge),
        "proposals": None if listed is None else [
            {
                "id": p.pk, "name": names(p), "submitted_at": p.submitted_at, "price": money(p.price),
                "eligible": p.eligible, "needs_reconfirmation": p.needs_reconfirmation,
            }
            for p in listed
        ],
    }


class DecisionOut(Schema):
    criterion_id: int
    criterion: str
    passed: bool
    note: str


class ProposalOut(Schema):
    id: int
    name: str = Field(description="The supplier's name, or 'Proposal A' … to a blind evaluator.")
    status: str
    scale: str
    summary: str
    approach: str
    team: str
    plan: str
    price: str | None
    submitted_at: datetime.datetime | None
    eligible: bool | None
    attachments: list[AttachmentOut]
    eligibility: list[DecisionOut]


def proposal_out(request, challenge, proposal) -> dict:
    roles = roles_for(request.viewer, challenge)
    own = proposal.supplier_id in roles.suppliers
    names = evaluation.Names(roles, challenge)
    blind = names.blind and not own
    return {
        "id": proposal.pk,
        "name": proposal.supplier.name if own else names(proposal),
        "status": proposal.status,
        "scale": proposal.scale,
        "summary": proposal.summary,
        "approach": proposal.approach,
        "team": proposal.team,
        "plan": proposal.plan,
        "price": money(proposal.price),
        "submitted_at": proposal.submitted_at,
        "eligible": proposal.eligible,
        "attachments": [attachment_out(a, index=i, blind=blind) for i, a in enumerate(proposal.attachments.all())],
        "eligibility": [
            {"criterion_id": d.criterion_id, "criterion": d.criterion.text, "passed": d.passed, "note": d.note}
            for d in proposal.eligibility.select_related("criterion").order_by("criterion__position", "criterion__pk")
        ],
    }


@router.get(
    "/{slug}/proposals/{proposal_id}", response=ProposalOut, auth=django_auth, url_name="challenge_proposal",
    summary="One proposal: its supplier always; the panel once submissions close (404 while sealed)",
)
def get_proposal(request, slug: str, proposal_id: int):
    challenge = challenge_for(request, slug)
    proposal = services.readable_proposal(request.viewer, challenge, proposal_id)
    return proposal_out(request, challenge, proposal)


class DecisionIn(Schema):
    criterion_id: int = Field(description="An eligibility criterion of this challenge.")
    passed: StrictBool
    note: str = Field("", description="Required when it fails: the applicant is told.")


class EligibilityIn(Schema):
    decisions: list[DecisionIn] = Field(description="One for every eligibility criterion of the challenge.")


@router.put(
    "/{slug}/proposals/{proposal_id}/eligibility", response=ProposalOut, auth=django_auth,
    url_name="challenge_proposal_eligibility",
    summary="Screen a proposal: pass or fail on every eligibility criterion (owners or steward, after the close)",
)
def put_eligibility(request, slug: str, proposal_id: int, payload: EligibilityIn):
    challenge = challenge_for(request, slug)
    proposal = services.readable_proposal(request.viewer, challenge, proposal_id)
    decisions = {d.criterion_id: (d.passed, d.note) for d in payload.decisions}
    proposal = services.screen_proposal(proposal, actor=request.user, viewer=request.viewer, decisions=decisions)
    return proposal_out(request, challenge, proposal)


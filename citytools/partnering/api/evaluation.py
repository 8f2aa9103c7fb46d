"""API: the evaluator's declaration, scoring list, scores and finishing; the consensus table
and its changes; the owners' nomination and the steward's sign-off.

The same services as the pages (citytools.partnering.services.evaluation). With blind
scoring, an evaluator's answers name proposals "Proposal A, B …". Every operation needs a
signed-in session (`django_auth`, which checks CSRF on writes).
"""

import datetime
from decimal import Decimal

from ninja import Field, Router, Schema
from pydantic import StrictBool

from citytools.core import history
from citytools.core.api_input import django_auth
from citytools.core.errors import Conflict, NotFound
from citytools.core.preconditions import IfMatch, based_on, if_match
from citytools.partnering.api.proposals import challenge_for
from citytools.partnering.services import evaluation as services
from citytools.partnering.services.proposals import readable_proposal

router = Router(tags=["invitations to partner: evaluation"])


# Declaration --------------------------------------------------------------------------------


class DeclarationIn(Schema):
    has_conflict: StrictBool
    note: str = Field("", description="With a conflict: which applicant and why (required then).")


class DeclarationOut(Schema):
    declared_at: datetime.datetime | None
    has_conflict: bool
    note: str
    applicants: list[str] = Field(description="The names of the firms that submitted (never their proposals).")


@router.post(
    "/{slug}/declaration", response=DeclarationOut, auth=django_auth, url_name="challenge_declaration",
    summary="Sign your conflict-of-interest declaration (evaluators, after submissions close)",
)
def declare(request, slug: str, payload: DeclarationIn):
    challenge = challenge_for(request, slug)
    evaluator = services.declare_interests(
        challenge, actor=request.user, viewer=request.viewer, has_conflict=payload.has_conflict, note=payload.note
    )
    return {
        "declared_at": evaluator.declared_at,
        "has_conflict": evaluator.has_conflict,
        "note": evaluator.conflict_note,
        "applicants": services.applicant_names(challenge, actor=request.user, viewer=request.viewer),
    }


# Scores -------------------------------------------------------------------------------------


class ScoringProgressOut(Schema):
    proposal_id: int
    name: str = Field(description="The supplier, or 'Proposal A' … with blind scoring.")
    scored: int = Field(description="Criteria you scored.")
    criteria: int


class ScoringOut(Schema):
    declared: bool
    recused: bool
    completed_at: datetime.datetime | None
    proposals: list[ScoringProgressOut]


@router.get(
    "/{slug}/scoring", response=ScoringOut, auth=django_auth, url_name="challenge_scoring",
    summary="Your scoring list and progress (evaluators)",
)
def scoring(request, slug: str):
    challenge = challenge_for(request, slug)
    evaluator = services.evaluator_for(challenge, actor=request.user, viewer=request.viewer)
    rows = services.scoring_progress(challenge, actor=request.user, viewer=request.viewer)
    return {
        "declared": evaluator.declared_at is not None,
        "recused": evaluator.has_conflict,
        "completed_at": evaluator.completed_at,
        "proposals": [
            {"proposal_id": r.proposal.pk, "name": r.name, "scored": r.scored, "criteria": r.total} for r in rows
        ],
    }


class ScoreIn(Schema):
    criterion_id: int
    score: int = Field(description="0 to the criterion's scale_max.")
    comment: str = Field(description="Required: why this score.")


class ScoresIn(Schema):
    scores: list[ScoreIn] = Field(description="Some or all criteria; each needs a score and a comment.")


class ScoreOut(Schema):
    criterion_id: int
    criterion: str
    score: int
    comment: str
    updated_at: datetime.datetime


class ProposalScoresOut(Schema):
    proposal_id: int
    name: str
    scores: list[ScoreOut] = Field(description="Your own scores only.")


@router.put(
    "/{slug}/proposals/{proposal_id}/scores", response=ProposalScoresOut, auth=django_auth, url_name="challenge_scores",
    summary="Save your scores of one proposal (evaluators who declared no conflict, during evaluation)",
)
def put_scores(request, slug: str, proposal_id: int, payload: ScoresIn):
    challenge = challenge_for(request, slug)
    proposal = readable_proposal(request.viewer, challenge, proposal_id)
    scores = {s.criterion_id: (s.score, s.comment) for s in payload.scores}
    services.score_proposal(proposal, actor=request.user, viewer=request.viewer, scores=scores)
    mine = services.own_scores(challenge, actor=request.user, viewer=request.viewer)
    criteria = {c.pk: c for c in challenge.criteria.all()}
    names = services.names_for(request.viewer, challenge)
    return {
        "proposal_id": proposal.pk,
        "name": names(proposal),
        "scores": [
            {"criterion_id": cid, "criterion": criteria[cid].name, "score": s.score, "comment": s.comment, "updated_at": s.updated_at}
            for (pid, cid), s in sorted(mine.items()) if pid == proposal.pk
        ],
    }


class CompletedOut(Schema):
    completed_at: datetime.datetime


@router.post(
    "/{slug}/scoring/complete", response=CompletedOut, auth=django_auth, url_name="challenge_scoring_complete",
    summary="Say you have finished: every eligible proposal scored on every criterion",
)
def complete(request, slug: str):
    challenge = challenge_for(request, slug)
    evaluator = services.complete_evaluation(challenge, actor=request.user, viewer=request.viewer)
    return {"completed_at": evaluator.completed_at}


# Consensus ----------------------------------------------------------------------------------


class IndividualOut(Schema):
    evaluator: str
    score: int
    comment: str


class CellOut(Schema):
    criterion_id: int
    criterion: str
    mean: str | None = Field(description="Mean of the individual scores, three decimals.")
    score: str | None = Field(description="The consensus score.")
    overridden: bool
    rationale: str
    feedback: str = Field(description="What the applicant reads about this criterion.")
    spread: int = Field(description="Highest minus lowest individual score.")
    flagged: bool = Field(description="Spread of 30% of the scale or more: to discuss.")
    individual: list[IndividualOut]


class RowOut(Schema):
    proposal_id: int
    name: str
    rank: int
    total: str = Field(description="Normalised weighted total, 0–100, two decimals.")
    tied: bool = Field(description="Still equal after every tie-break rule.")
    separated_by: str = Field(description="The tie-break rule that placed it below an equal total, if any.")
    flags: list[str] = Field(description="Criteria flagged for discussion.")
    cells: list[CellOut]


class ConsensusCriterionOut(Schema):
    id: int
    name: str
    weight: int
    scale_max: int


class ConsensusOut(Schema):
    locked_at: datetime.datetime | None
    tie_break: str = Field(description="The published tie-break rules the ranking applied.")
    selected_proposal_id: int | None
    criteria: list[ConsensusCriterionOut]
    rows: list[RowOut] = Field(description="In rank order.")


def _num(value) -> str | None:
    return None if value is None else f"{value:.3f}"


def cell_out(cell) -> dict:
    return {
        "criterion_id": cell.criterion.pk, "criterion": cell.criterion.name, "mean": _num(cell.mean),
        "score": _num(cell.score), "overridden": cell.overridden, "rationale": cell.rationale, "feedback": cell.feedback,
        "spread": cell.spread, "flagged": cell.flagged,
        "individual": [{"evaluator": who, "score": value, "comment": comment} for who, value, comment in cell.individual],
    }


def consensus_out(challenge, rows) -> dict:
    return {
        "locked_at": challenge.consensus_locked_at,
        "tie_break": challenge.tie_break_text,
        "selected_proposal_id": challenge.selected_proposal_id,
        "criteria": [{"id": c.pk, "name": c.name, "weight": c.weight, "scale_max": c.scale_max} for c in challenge.criteria.all()],
        "rows": [
            {
                "proposal_id": row.proposal.pk, "name": row.name, "rank": row.rank, "total": f"{row.total:.2f}",
                "tied": row.tied, "separated_by": row.separated_by, "flags": row.flags,
                "cells": [cell_out(cell) for cell in row.cells],
            }
            for row in rows
        ],
    }


@router.get(
    "/{slug}/consensus", response=ConsensusOut, auth=django_auth, url_name="challenge_consensus",
    summary="Consensus scores, totals and ranking (the panel, once the scores are locked)",
)
def get_consensus(request, slug: str):
    challenge = challenge_for(request, slug)
    return consensus_out(challenge, services.ranking(challenge, viewer=request.viewer))


class ConsensusIn(Schema):
    score: str = Field(description="On the criterion's scale, up to three decimals, like \"2.5\".")
    rationale: str = Field("", description="Required when the score differs from the mean.")
    feedback: str = Field("", description="Feedback to the applicant on this criterion.")


@router.put(
    "/{slug}/consensus/{proposal_id}/{criterion_id}", response=CellOut, auth=django_auth, url_name="challenge_consensus_score",
    summary="Agree one consensus score (owners or steward, during selection)",
)
def put_consensus(request, slug: str, proposal_id: int, criterion_id: int, payload: ConsensusIn):
    challenge = challenge_for(request, slug)
    row = services.consensus_score(challenge, proposal_id, criterion_id, viewer=request.viewer)
    services.set_consensus(row.proposal, row.criterion, actor=request.user, viewer=request.viewer, **payload.dict())
    rows = services.ranking(challenge, viewer=request.viewer)
    for ranked in rows:
        if ranked.proposal.pk == proposal_id:
            for cell in ranked.cells:
                if cell.criterion.pk == criterion_id:
                    return cell_out(cell)
    raise NotFound("No such consensus score.")


# Selection ----------------------------------------------------------------------------------


class SelectionIn(Schema):
    proposal_id: int
    rationale: str = Field(description="Why this proposal; recorded, and read by the steward.")
    awarded_value: str | None = Field(
        None, description="The value of the award, at most the budget cap; by default the partner's price. "
        "Public once the selection is signed off.",
    )


class SelectionOut(Schema):
    state: str
    selected_proposal_id: int | None
    selection_rationale: str
    awarded_value: Decimal | None
    awarded_currency: str
    signed_off_at: datetime.datetime | None
    version: int


def selection_out(challenge) -> dict:
    return {
        "state": challenge.state,
        "selected_proposal_id": challenge.selected_proposal_id,
        "selection_rationale": challenge.selection_rationale,
        "awarded_value": challenge.awarded_value,
        "awarded_currency": challenge.awarded_currency,
        "signed_off_at": challenge.signed_off_at,
        "version": challenge.version,
    }


@router.post(
    "/{slug}/selection", response=SelectionOut, auth=django_auth, url_name="challenge_selection",
    summary="Nominate the partner (owners, during selection, every evaluation complete)",
)
@if_match(IfMatch.OPTIONAL)
def select(request, slug: str, payload: SelectionIn):
    challenge = challenge_for(request, slug)
    version = based_on(request, challenge)
    try:
        challenge = services.select_proposal(
            challenge, actor=request.user, viewer=request.viewer, proposal=payload.proposal_id,
            rationale=payload.rationale, awarded_value=payload.awarded_value, version=version,
        )
    except Conflict:
        raise history.PreconditionFailed(history.IF_MATCH_STALE) from None
    return selection_out(challenge)


@router.post(
    "/{slug}/selection/sign-off", response=SelectionOut, auth=django_auth, url_name="challenge_selection_sign_off",
    summary="Sign off the nominated partner (the steward): the challenge becomes partnered",
)
def sign_off(request, slug: str):
    challenge = challenge_for(request, slug)
    return selection_out(services.sign_off(challenge, actor=request.user, viewer=request.viewer))


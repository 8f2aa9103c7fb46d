"""Evaluation: conflict declarations, individual scores, consensus, ranking and selection.

The order the issue asks for, enforced here and in citytools.partnering.rules:

1. Each evaluator declares conflicts of interest against the applicants' names (never their
   proposals) before reading anything; a declared conflict recuses them for good.
2. Evaluators score independently: every eligible proposal on every criterion, a score on
   the criterion's scale and a comment each. Each sees only their own scores.
3. The owners or steward lock the scores for consensus (lifecycle.transition → selection,
   which starts every consensus score at the mean). After that no score changes.
4. Consensus may override the mean with a recorded rationale; a criterion whose scores
   spread by 30% of its scale or more is flagged for discussion (citytools.partnering.scoring).
5. The owners nominate a proposal (the top-ranked by default) with a rationale; the steward
   signs off by moving the challenge to partnered.

With blind scoring, an evaluator who does not also run the challenge sees "Proposal A, B, C"
(letters by the order proposals were created) instead of names on every page and answer.
"""

import string
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone

from citytools.core.errors import Conflict, DomainError, Forbidden, NotFound
from citytools.core.money import parse_money
from citytools.partnering import lifecycle, rules, scoring
from citytools.partnering.access import roles_for
from citytools.partnering.models import (
    Challenge,
    ConsensusScore,
    Criterion,
    Evaluator,
    Proposal,
    Score,
    State,
)
from citytools.partnering.services import notices
from citytools.partnering.services.proposals import (
    is_unsealed,
    may_read,
    screen_proposal,
    visible_challenge,
)

Status = Proposal.Status
# Conflicts are declared once the applicants are known, and before the scores are locked.
DECLARATION_STATES = (State.SUBMISSIONS_CLOSED, State.EVALUATION)


def _state(challenge) -> State:
    return State(challenge.state)


def is_locked(challenge: Challenge) -> bool:
    return challenge.consensus_locked_at is not None


# Names and blind labels --------------------------------------------------------------------


def letter(index: int) -> str:
    """A, B, … Z, AA, AB …"""
    letters = string.ascii_uppercase
    out = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        out = letters[rest] + out
    return out


def blind_labels(challenge: Challenge) -> dict[int, str]:
    """'Proposal A', 'Proposal B' … for the submitted proposals, stable by their order of creation."""
    ids = challenge.proposals.filter(status=Status.SUBMITTED).order_by("pk").values_list("pk", flat=True)
    return {pk: f"Proposal {letter(i)}" for i, pk in enumerate(ids)}


def hides_identity(roles, challenge: Challenge) -> bool:
    return rules.hides_identity(roles, blind=challenge.blind_scoring, state=_state(challenge))


class Names:
    """How one person sees proposals' authors: the supplier's name, or a blind label."""

    def __init__(self, roles, challenge: Challenge):
        self.blind = hides_identity(roles, challenge)
        self.labels = blind_labels(challenge) if self.blind else {}

    def __call__(self, proposal: Proposal) -> str:
        if self.blind:
            return self.labels.get(proposal.pk, "Proposal")
        return proposal.supplier.name


def names_for(viewer, challenge: Challenge) -> Names:
    return Names(roles_for(viewer, challenge), challenge)


# Conflict declarations ---------------------------------------------------------------------


def _evaluator(challenge: Challenge, actor) -> Evaluator | None:
    if actor is None or not actor.is_authenticated:
        return None
    return Evaluator.objects.filter(challenge=challenge, user=actor).first()


def evaluator_for(challenge: Challenge, *, actor, viewer) -> Evaluator:
    visible_challenge(viewer, challenge)
    evaluator = _evaluator(challenge, actor)
    if evaluator is None:
        raise Forbidden("Only the challenge's evaluators do this.")
    return evaluator


def applicant_names(challenge: Challenge, *, actor, viewer) -> list[str]:
    """What an evaluator declares conflicts against: the names of the firms that submitted
    (never their proposals; conflicts are about firms, so blind scoring shows them too).
    Only once submissions closed: before then who applied is sealed."""
    evaluator_for(challenge, actor=actor, viewer=viewer)
    if not is_unsealed(challenge):
        return []
    return list(
        challenge.proposals.filter(status=Status.SUBMITTED).order_by("supplier__name").values_list("supplier__name", flat=True)
    )


def declare_interests(challenge: Challenge, *, actor, viewer, has_conflict: bool, note: str = "", now=None) -> Evaluator:
    now = now or timezone.now()
    evaluator = evaluator_for(challenge, actor=actor, viewer=viewer)
    note = (note or "").strip()
    if has_conflict and not note:
        raise DomainError("Say which applicant the conflict is with, and why.", field="note")
    with transaction.atomic():
        locked = Challenge.objects.select_for_update().get(pk=challenge.pk)
        if _state(locked) not in DECLARATION_STATES or is_locked(locked):
            raise Forbidden("Declarations are made once submissions close, and before the scores are locked.")
        evaluator = Evaluator.objects.select_for_update().get(pk=evaluator.pk)
        if evaluator.has_conflict and not has_conflict:
            raise DomainError("A declared conflict cannot be withdrawn: you stay recused.", code="recused")
        evaluator.declared_at = now
        evaluator.has_conflict = bool(has_conflict)
        evaluator.conflict_note = note
        if has_conflict:
            evaluator.completed_at = None
        evaluator.save()
    return evaluator


# Individual scores -------------------------------------------------------------------------


def scorable_proposals(challenge: Challenge) -> list[Proposal]:
    return list(
        challenge.proposals.filter(status=Status.SUBMITTED, eligible=True).select_related("supplier").order_by("pk")
    )


def _scoring_roles(challenge: Challenge, viewer):
    roles = visible_challenge(viewer, challenge)
    if not rules.can_score(roles, state=_state(challenge), locked=is_locked(challenge)):
        raise Forbidden("Only evaluators who declared no conflict score, during evaluation, before the scores are locked.")
    return roles


def _parse_score(value, scale_max: int, name: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise DomainError(f"Choose a score for “{name}”.") from None
    if str(value).strip() != str(number) and not isinstance(value, int):
        raise DomainError(f"The score for “{name}” must be a whole number.")
    if not 0 <= number <= scale_max:
        raise DomainError(f"The score for “{name}” must be between 0 and {scale_max}.")
    return number


def score_proposal(proposal: Proposal, *, actor, viewer, scores: dict, now=None) -> list[Score]:
    """Save the evaluator's own scores of one proposal: {criterion_id: (score, comment)}.
    Some criteria may be left for later; each one given needs a score and a comment."""
    now = now or timezone.now()
    challenge = proposal.challenge
    roles = _scoring_roles(challenge, viewer)
    if proposal.status != Status.SUBMITTED or not proposal.eligible or not may_read(roles, challenge, proposal):
        raise NotFound("No such proposal to score.")
    evaluator = evaluator_for(challenge, actor=actor, viewer=viewer)
    criteria = {c.pk: c for c in challenge.criteria.all()}
    parsed = {}
    for key, value in (scores or {}).items():
        try:
            criterion = criteria[int(key)]
        except (KeyError, TypeError, ValueError):
            raise DomainError("Score only this challenge’s criteria.", field="scores") from None
        score, comment = value
        number = _parse_score(score, criterion.scale_max, criterion.name)
        comment = (comment or "").strip()
        if not comment:
            raise DomainError(f"Give the reason for your score on “{criterion.name}”.", field=f"comment_{criterion.pk}")
        parsed[criterion.pk] = (number, comment)
    if not parsed:
        raise DomainError("Score at least one criterion.", field="scores")
    saved = []
    with transaction.atomic():
        locked = Challenge.objects.select_for_update().get(pk=challenge.pk)
        # The lock is checked again inside the transaction: once consensus starts, no score changes.
        if not rules.can_score(roles, state=_state(locked), locked=is_locked(locked)):
            raise Forbidden("The scores are locked.")
        for criterion_id, (number, comment) in parsed.items():
            score, created = Score.objects.get_or_create(
                evaluator=evaluator, proposal=proposal, criterion_id=criterion_id,
                defaults={"score": number, "comment": comment, "updated_at": now},
            )
            if not created and (score.score != number or score.comment != comment):
                score.score, score.comment, score.updated_at = number, comment, now
                score.save()
            saved.append(score)
    return saved


def own_scores(challenge: Challenge, *, actor, viewer) -> dict[tuple[int, int], Score]:
    """The evaluator's own scores, by (proposal id, criterion id)."""
    evaluator = evaluator_for(challenge, actor=actor, viewer=viewer)
    return {(s.proposal_id, s.criterion_id): s for s in evaluator.scores.all()}


@dataclass
class ProgressRow:
    proposal: Proposal
    name: str
    scored: int
    total: int

    @property
    def done(self) -> bool:
        return self.scored >= self.total


def scoring_progress(challenge: Challenge, *, actor, viewer) -> list[ProgressRow]:
    """The evaluator's list: each eligible proposal and how many criteria they scored."""
    roles = visible_challenge(viewer, challenge)
    evaluator = evaluator_for(challenge, actor=actor, viewer=viewer)
    if not evaluator.may_read_proposals or not is_unsealed(challenge):
        return []
    names = Names(roles, challenge)
    criteria = challenge.criteria.count()
    counts: dict[int, int] = {}
    for proposal_id in evaluator.scores.values_list("proposal_id", flat=True):
        counts[proposal_id] = counts.get(proposal_id, 0) + 1
    return [ProgressRow(p, names(p), counts.get(p.pk, 0), criteria) for p in scorable_proposals(challenge)]


def missing_scores(challenge: Challenge, evaluator: Evaluator) -> int:
    have = set(evaluator.scores.values_list("proposal_id", "criterion_id"))
    criteria = list(challenge.criteria.values_list("pk", flat=True))
    return sum(1 for p in scorable_proposals(challenge) for c in criteria if (p.pk, c) not in have)


def complete_evaluation(challenge: Challenge, *, actor, viewer, now=None) -> Evaluator:
    """The evaluator says they are done: every eligible proposal scored on every criterion."""
    now = now or timezone.now()
    _scoring_roles(challenge, viewer)
    evaluator = evaluator_for(challenge, actor=actor, viewer=viewer)
    missing = missing_scores(challenge, evaluator)
    if missing:
        raise DomainError(
            f"Score every proposal on every criterion first: {missing} score{'s' if missing != 1 else ''} still missing.",
            code="scores_missing",
        )
    with transaction.atomic():
        locked = Challenge.objects.select_for_update().get(pk=challenge.pk)
        if is_locked(locked):
            raise Forbidden("The scores are locked.")
        evaluator.completed_at = now
        evaluator.save(update_fields=["completed_at"])
    return evaluator


def lock_for_consensus(challenge: Challenge, *, actor, viewer, now=None, version=None) -> Challenge:
    """Lock every individual score and start consensus at the mean (a lifecycle move)."""
    roles = visible_challenge(viewer, challenge)
    return lifecycle.transition(challenge, State.SELECTION, actor=actor, roles=roles, now=now, version=version)


# Consensus and ranking ---------------------------------------------------------------------


def _consensus_roles(challenge: Challenge, viewer):
    roles = visible_challenge(viewer, challenge)
    if not rules.can_see_all_scores(roles, locked=is_locked(challenge)):
        raise Forbidden("The panel sees everyone's scores once they are locked for consensus.")
    return roles


@dataclass
class Cell:
    criterion: Criterion
    mean: Decimal | None
    score: Decimal | None
    overridden: bool
    rationale: str
    feedback: str
    individual: list[tuple[str, int, str]]  # (evaluator, score, comment)
    flagged: bool
    spread: int


@dataclass
class RankingRow:
    proposal: Proposal
    name: str
    cells: list[Cell]
    total: Decimal
    rank: int
    separated_by: str = ""
    tied: bool = False
    flags: list[str] = field(default_factory=list)

    @property
    def flagged(self) -> bool:
        return bool(self.flags)


def specs(criteria) -> list[scoring.CriterionSpec]:
    return [scoring.CriterionSpec(c.pk, c.weight, c.scale_max, c.name) for c in criteria]


def ranking(challenge: Challenge, *, viewer) -> list[RankingRow]:
    """The consensus table, ranked as the tie-break rules say. Only for the panel, once locked."""
    roles = _consensus_roles(challenge, viewer)
    names = Names(roles, challenge)
    criteria = list(challenge.criteria.all())
    proposals = {p.pk: p for p in scorable_proposals(challenge)}
    consensus = {
        (c.proposal_id, c.criterion_id): c for c in ConsensusScore.objects.filter(proposal__in=list(proposals))
    }
    individual: dict[tuple[int, int], list[tuple[str, int, str]]] = {}
    for score in (
        Score.objects.filter(proposal__in=list(proposals), evaluator__has_conflict=False)
        .select_related("evaluator__user")
        .order_by("evaluator__pk")
    ):
        individual.setdefault((score.proposal_id, score.criterion_id), []).append(
            (str(score.evaluator.user), score.score, score.comment)
        )
    entries, cells_of = [], {}
    for proposal in proposals.values():
        cells = []
        for criterion in criteria:
            agreed = consensus.get((proposal.pk, criterion.pk))
            marks = individual.get((proposal.pk, criterion.pk), [])
            values = [m[1] for m in marks]
            cells.append(
                Cell(
                    criterion=criterion,
                    mean=agreed.mean if agreed else None,
                    score=agreed.score if agreed else None,
                    overridden=bool(agreed and agreed.overridden),
                    rationale=agreed.rationale if agreed else "",
                    feedback=agreed.feedback if agreed else "",
                    individual=marks,
                    flagged=scoring.is_spread(values, criterion.scale_max),
                    spread=scoring.spread(values),
                )
            )
        cells_of[proposal.pk] = cells
        entries.append(
            scoring.Entry(
                key=proposal.pk,
                scores={cell.criterion.pk: cell.score or 0 for cell in cells},
                price=proposal.price,
                submitted_at=proposal.submitted_at,
                label=names(proposal),
            )
        )
    rows = []
    for ranked in scoring.rank(entries, specs(criteria), challenge.tie_break):
        proposal = proposals[ranked.key]
        cells = cells_of[ranked.key]
        rows.append(
            RankingRow(
                proposal=proposal,
                name=ranked.label,
                cells=cells,
                total=ranked.total,
                rank=ranked.rank,
                separated_by=ranked.separated_by,
                tied=ranked.tied,
                flags=[cell.criterion.name for cell in cells if cell.flagged],
            )
        )
    return rows


def consensus_score(challenge: Challenge, proposal_id: int, criterion_id: int, *, viewer) -> ConsensusScore:
    _consensus_roles(challenge, viewer)
    found = (
        ConsensusScore.objects.filter(
            proposal_id=proposal_id, criterion_id=criterion_id, proposal__challenge=challenge,
        )
        .select_related("proposal__supplier", "criterion")
        .first()
    )
    if found is None:
        raise NotFound("No such consensus score.")
    return found


def _decimal_score(value, scale_max: int) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, TypeError):
        raise DomainError("Enter the score as a number.", field="score") from None
    if not number.is_finite() or not 0 <= number <= scale_max:
        raise DomainError(f"The score must be between 0 and {scale_max}.", field="score")
    if number.as_tuple().exponent < -3:
        raise DomainError("Give the score with at most three decimals.", field="score")
    return number


def set_consensus(
    proposal: Proposal, criterion: Criterion, *, actor, viewer, score, rationale: str = "", feedback: str = "", now=None
) -> ConsensusScore:
    """Agree the panel's score. Away from the mean it needs a rationale, recorded with its
    history; `feedback` is what the applicant reads about this criterion in their debrief."""
    now = now or timezone.now()
    challenge = proposal.challenge
    roles = _consensus_roles(challenge, viewer)
    if not rules.can_set_consensus(roles, state=_state(challenge)):
        raise Forbidden("The owners or the steward agree consensus scores, during selection.")
    if criterion.challenge_id != challenge.pk:
        raise NotFound("No such criterion.")
    number = _decimal_score(score, criterion.scale_max)
    rationale = (rationale or "").strip()
    with transaction.atomic():
        locked = Challenge.objects.select_for_update().get(pk=challenge.pk)
        if not rules.can_set_consensus(roles, state=_state(locked)):
            raise Forbidden("Consensus can no longer change.")
        row = ConsensusScore.objects.select_for_update().filter(proposal=proposal, criterion=criterion).first()
        if row is None:
            raise NotFound("No such consensus score.")
        overridden = number != row.mean
        if overridden and not rationale:
            raise DomainError("Give the rationale for moving away from the mean; it is recorded.", field="rationale")
        feedback = (feedback or "").strip()
        if row.decided_at is not None and (row.score, row.rationale, row.feedback) == (number, rationale, feedback):
            # Saving the agreed score unchanged agrees nothing new: no history, no new decider.
            return row
        row.score = number
        row.overridden = overridden
        row.rationale = rationale
        row.feedback = feedback
        row.decided_by = actor
        row.decided_at = now
        row._change_reason = rationale or "Consensus at the mean"
        row.save()
    return row


def consensus_history(row: ConsensusScore) -> list:
    """Every version of a consensus score, newest first (simple_history)."""
    return list(row.history.select_related("decided_by").order_by("-history_date", "-history_id"))


# Selection ---------------------------------------------------------------------------------


def suggested_proposal(challenge: Challenge, *, viewer) -> Proposal | None:
    rows = ranking(challenge, viewer=viewer)
    return rows[0].proposal if rows else None


def select_proposal(
    challenge: Challenge, *, actor, viewer, proposal, rationale: str, awarded_value=None, version: int | None = None,
) -> Challenge:
    """The owners nominate the partner, with a rationale and the value of the award (by default
    the partner's price, in the challenge's currency); the steward then signs off. The value is
    public once signed off: on the award notice and in the OCDS award."""
    roles = visible_challenge(viewer, challenge)
    if not rules.can_nominate(roles, state=_state(challenge)):
        if roles.manages and roles.recused:
            raise Forbidden("You are on the panel and have not declared, or declared a conflict: another owner nominates.")
        raise Forbidden("The owners nominate the partner, during selection.")
    rationale = (rationale or "").strip()
    if not rationale:
        raise DomainError("Give the rationale for the selection; it is recorded.", field="rationale")
    if isinstance(proposal, int | str):
        proposal = Proposal.objects.filter(pk=proposal, challenge=challenge).first()
    if proposal is None or proposal.challenge_id != challenge.pk or proposal.status != Status.SUBMITTED or not proposal.eligible:
        raise DomainError("Choose an eligible, submitted proposal of this challenge.", field="proposal")
    value = _awarded_value(challenge, proposal, awarded_value)
    waiting = lifecycle.incomplete_evaluators(challenge)
    if waiting:
        raise DomainError("Every assigned evaluation must be complete first.", code="evaluations_incomplete")
    with transaction.atomic():
        locked = Challenge.objects.select_for_update().get(pk=challenge.pk)
        if version is not None and locked.version != version:
            raise Conflict("The challenge changed since you opened it. Reload the page and try again.")
        if _state(locked) != State.SELECTION:
            raise Forbidden("The selection can no longer change.")
        locked.selected_proposal = proposal
        locked.selection_rationale = rationale
        locked.awarded_value = value
        locked.awarded_currency = locked.currency
        locked.version += 1
        locked._change_reason = "Partner nominated"
        locked.save()
        notices.selection_nominated(locked)
    return locked


def _awarded_value(challenge: Challenge, proposal: Proposal, given) -> Decimal:
    """The value of the award: the one given, or else the partner's price; never negative,
    never above the budget cap."""
    value = parse_money(given, label="The awarded value", field="awarded_value", limit=Decimal("1e10"))
    if value is None:
        value = proposal.price
    if value is None:
        raise DomainError("Give the awarded value: the proposal states no price.", field="awarded_value")
    if challenge.budget_cap is not None and value > challenge.budget_cap:
        raise DomainError(
            f"The awarded value is above the budget cap of {challenge.currency} {challenge.budget_cap:,.2f}.",
            field="awarded_value",
        )
    return value.quantize(Decimal("0.01"))


def sign_off(challenge: Challenge, *, actor, viewer, now=None, version: int | None = None) -> Challenge:
    """The steward's sign-off of the nominated partner: the lifecycle's move to partnered."""
    roles = visible_challenge(viewer, challenge)
    if not roles.is_steward or _state(challenge) != State.SELECTION:
        raise Forbidden("The procurement steward signs off the selection, during selection.")
    return lifecycle.transition(
        challenge, State.PARTNERED, actor=actor, roles=roles, now=now, version=version,
        reason="The steward signed off the selection.",
    )


# Shorter doors for one score and a whole-proposal eligibility decision (tests' state machine
# and scripts); they call the functions above.


def record_score(*, proposal, criterion, actor, viewer, score, comment, now=None) -> Score:
    return score_proposal(proposal, actor=actor, viewer=viewer, scores={criterion.pk: (score, comment)}, now=now)[0]


def complete_scoring(*, challenge, actor, viewer, now=None) -> Evaluator:
    return complete_evaluation(challenge, actor=actor, viewer=viewer, now=now)


def decide_eligibility(*, proposal, actor, viewer, eligible: bool, now=None) -> Proposal:
    """Pass or fail a proposal on every eligibility criterion at once."""
    note = "" if eligible else "Does not meet the eligibility criteria."
    decisions = {c.pk: (eligible, note) for c in proposal.challenge.eligibility_criteria.all()}
    return screen_proposal(proposal, actor=actor, viewer=viewer, decisions=decisions, now=now)

"""Every change of a challenge's state goes through `transition`. It checks the move against
the table in citytools.partnering.rules.MOVES, who is asking, and the move's guard; applies
the move's effects; and records a Transition (actor, time, reason), all in one transaction.

Deadlines move challenges on the server's clock: `advance_due(now)` runs from the scheduled
task and from middleware on every request, so a closed deadline is closed even if no worker
runs. A deadline is closed from the instant it names: at 17:00:00 a 17:00 deadline has passed.
"""

from decimal import Decimal

import django.dispatch
from django.db import transaction
from django.db.models import Avg
from django.utils import timezone

from citytools.core.errors import Conflict, DomainError, Forbidden
from citytools.partnering import checks
from citytools.partnering.models import (
    Challenge,
    ConsensusScore,
    Evaluator,
    Proposal,
    Score,
    State,
    Transition,
    state_phrase,
)
from citytools.partnering.rules import By, ChallengeRoles, move

# Sent after a move commits: receivers send notifications (services.outcome connects them).
challenge_moved = django.dispatch.Signal()  # sender=Challenge, challenge, from_state, to_state, actor


def publication_problems(challenge: Challenge, *, now=None) -> list[checks.Problem]:
    rules = challenge.rules
    return checks.publication_problems(
        title=challenge.title,
        problem_statement=challenge.problem_statement,
        budget_cap=challenge.budget_cap,
        currency=challenge.currency,
        codesign_weeks=challenge.codesign_weeks,
        criteria=[
            checks.CriterionFacts(c.name, c.weight, c.scale_max, c.level_texts) for c in challenge.criteria.all()
        ],
        eligibility_count=challenge.eligibility_criteria.count(),
        terms_non_binding=challenge.terms_non_binding,
        terms_vendor_owns_prototype=challenge.terms_vendor_owns_prototype,
        terms_separate_purchase=challenge.terms_separate_purchase,
        tie_break=challenge.tie_break,
        contact_email=challenge.contact_email,
        question_deadline=challenge.question_deadline,
        submission_deadline=challenge.submission_deadline,
        publication_date=challenge.publication_date,
        now=now or timezone.now(),
        thresholds=checks.Thresholds(
            currency=rules.currency,
            max_budget=rules.max_budget,
            min_weeks=rules.min_weeks,
            max_weeks=rules.max_weeks,
            weights_total=rules.weights_total,
            require_scale_texts=rules.require_scale_texts,
            require_terms=rules.require_terms,
            min_eligibility_criteria=rules.min_eligibility_criteria,
            min_submission_days=rules.min_submission_days,
            min_question_days=rules.min_question_days,
        ),
    )


def _raise_problems(problems: list[checks.Problem], lead: str) -> None:
    if problems:
        first = problems[0]
        detail = " ".join(p.message for p in problems)
        error = DomainError(f"{lead} {detail}", code="publication_checks_failed", field=first.field)
        error.problems = problems
        raise error


def incomplete_evaluators(challenge: Challenge) -> list[Evaluator]:
    """Assigned, not recused, and not yet finished scoring."""
    return [
        e for e in Evaluator.objects.filter(challenge=challenge).select_related("user")
        if not e.has_conflict and e.completed_at is None
    ]


def _guard(challenge: Challenge, to: State, now) -> None:
    """The conditions of a move beyond who may make it. Raises DomainError naming what is missing."""
    frm = State(challenge.state)
    # The clock's moves happen at their deadline, never before, whoever asks.
    if to == State.QUESTIONS_CLOSED and not (challenge.question_deadline and challenge.question_deadline <= now):
        raise DomainError("Questions close at the question deadline, not before.", code="deadline_not_reached")
    if to == State.SUBMISSIONS_CLOSED and not (challenge.submission_deadline and challenge.submission_deadline <= now):
        raise DomainError("Submissions close at the submission deadline, not before.", code="deadline_not_reached")
    if to == State.IN_REVIEW and challenge.steward_id is None:
        # A review with nobody to review it waits for ever and tells nobody.
        raise DomainError(
            "Name the procurement steward before sending the challenge for review: the steward reviews and approves "
            "publication.",
            field="steward", code="no_steward",
        )
    if to == State.IN_REVIEW or (frm == State.IN_REVIEW and to == State.PUBLISHED):
        _raise_problems(publication_problems(challenge, now=now), "The challenge cannot be published yet.")
    if to == State.PUBLISHED and challenge.steward_id is None:
        raise DomainError("A procurement steward must approve publication.", field="steward")
    if frm == State.SUBMISSIONS_CLOSED and to == State.UNSUCCESSFUL:
        # "No eligible proposal" is a finding of the screening, not a shortcut past it.
        submitted = challenge.proposals.filter(status=Proposal.Status.SUBMITTED)
        if submitted.filter(eligible__isnull=True).exists():
            raise DomainError("Screen every submitted proposal for eligibility first.", code="unscreened")
        if submitted.filter(eligible=True).exists():
            raise DomainError(
                "A proposal is eligible: start the evaluation, or cancel the challenge with a reason.", code="some_eligible"
            )
    if to == State.EVALUATION:
        submitted = challenge.proposals.filter(status=Proposal.Status.SUBMITTED)
        if submitted.filter(eligible__isnull=True).exists():
            raise DomainError("Screen every submitted proposal for eligibility first.", code="unscreened")
        if not submitted.filter(eligible=True).exists():
            raise DomainError("No proposal is eligible: close the challenge as unsuccessful instead.", code="none_eligible")
        panel = Evaluator.objects.filter(challenge=challenge, has_conflict=False)
        if not panel.exists():
            raise DomainError("Assign at least one evaluator without a conflict of interest.", field="evaluators")
    if to == State.SELECTION:
        waiting = incomplete_evaluators(challenge)
        if waiting:
            names = ", ".join(str(e.user) for e in waiting)
            raise DomainError(f"Every assigned evaluation must be complete first; still scoring: {names}.", code="evaluations_incomplete")
    if to == State.PARTNERED:
        if challenge.consensus_locked_at is None or incomplete_evaluators(challenge):
            raise DomainError("Every assigned evaluation must be complete and locked first.", code="evaluations_incomplete")
        proposal = challenge.selected_proposal
        if proposal is None:
            raise DomainError("Choose the proposal to partner with first.", field="selected_proposal")
        if proposal.challenge_id != challenge.pk or proposal.status != Proposal.Status.SUBMITTED or not proposal.eligible:
            raise DomainError("Only an eligible, submitted proposal can be selected.", field="selected_proposal")


def _lock_consensus(challenge: Challenge, now) -> None:
    """Lock the individual scores and start consensus from their mean."""
    challenge.consensus_locked_at = now
    proposals = challenge.proposals.filter(status=Proposal.Status.SUBMITTED, eligible=True)
    means = {
        (row["proposal"], row["criterion"]): row["mean"]
        for row in Score.objects.filter(proposal__in=proposals, evaluator__has_conflict=False)
        .values("proposal", "criterion")
        .annotate(mean=Avg("score"))
    }
    rows = []
    for proposal in proposals:
        for criterion in challenge.criteria.all():
            mean = Decimal(str(means.get((proposal.pk, criterion.pk)) or 0)).quantize(Decimal("0.001"))
            rows.append(ConsensusScore(proposal=proposal, criterion=criterion, mean=mean, score=mean))
    ConsensusScore.objects.bulk_create(rows)


def _effects(challenge: Challenge, frm: State, to: State, actor, now) -> None:
    if to == State.PUBLISHED:
        challenge.published_at = now
        challenge.criteria_frozen_at = now
    if to == State.SUBMISSIONS_CLOSED:
        challenge.submissions_closed_at = now
    if to == State.SELECTION:
        _lock_consensus(challenge, now)
    if to == State.PARTNERED:
        challenge.signed_off_by = actor
        challenge.signed_off_at = now
        challenge.partnered_at = now
        # The award's value was nominated with the partner; a nomination without one (made
        # before the value was asked for) awards the partner's price.
        if challenge.awarded_value is None:
            challenge.awarded_value = challenge.selected_proposal.price
        if not challenge.awarded_currency:
            challenge.awarded_currency = challenge.currency


def transition(
    challenge: Challenge,
    to: State | str,
    *,
    actor=None,
    roles: ChallengeRoles | None = None,
    reason: str = "",
    now=None,
    version: int | None = None,
) -> Challenge:
    """Move `challenge` to state `to`. `actor` None with `roles` None means the clock.

    Raises Forbidden when the person may not make this move, DomainError when the move does
    not exist or its guard fails, Conflict when `version` is stale.
    """
    to = State(to)
    now = now or timezone.now()
    reason = (reason or "").strip()
    with transaction.atomic():
        locked = Challenge.objects.select_for_update().get(pk=challenge.pk)
        if version is not None and locked.version != version:
            raise Conflict("The challenge changed since you opened it. Reload the page and try again.")
        frm = State(locked.state)
        allowed = move(frm, to)
        if allowed is None:
            raise DomainError(
                f"A challenge that is {state_phrase(frm)} cannot move to {to.label.lower()}.", code="invalid_transition"
            )
        if roles is None:
            if By.CLOCK not in allowed.by:
                raise Forbidden("Only a person can make this move.")
        elif not roles.may_move(allowed):
            raise Forbidden(
                "You may not make this move."
                + (" You are recused from this evaluation." if allowed.judging and roles.recused else "")
            )
        if allowed.needs_reason and not reason:
            raise DomainError("Give the reason; it is recorded and published.", field="reason")
        _guard(locked, to, now)
        _effects(locked, frm, to, actor, now)
        locked.state = to
        locked.state_changed_at = now
        if to in (State.CANCELLED, State.UNSUCCESSFUL):
            locked.closing_reason = reason
        locked.version += 1
        locked._change_reason = f"{frm} → {to}"
        locked.save()
        Transition.objects.create(challenge=locked, from_state=frm, to_state=to, actor=actor, at=now, reason=reason)
        transaction.on_commit(
            lambda: challenge_moved.send(Challenge, challenge=locked, from_state=frm, to_state=to, actor=actor)
        )
    return locked


def advance_due(now=None) -> int:
    """Close the questions and submissions whose deadlines have passed. Returns moves made."""
    now = now or timezone.now()
    moves = 0
    for challenge in Challenge.objects.with_deadline_due(now):
        if challenge.state == State.PUBLISHED and challenge.question_deadline and challenge.question_deadline <= now:
            challenge = transition(challenge, State.QUESTIONS_CLOSED, now=now, reason="The question deadline passed.")
            moves += 1
        if (
            challenge.state == State.QUESTIONS_CLOSED
            and challenge.submission_deadline
            and challenge.submission_deadline <= now
        ):
            transition(challenge, State.SUBMISSIONS_CLOSED, now=now, reason="The submission deadline passed.")
            moves += 1
    return moves

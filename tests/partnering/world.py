"""Challenges in any state of their lifecycle, for tests of the Invitation to Partner.

`make_challenge(owners=[...], state=State.SELECTION, steward=user, evaluators=[users],
applicants=[(supplier, user), ...])` builds a challenge that passes the publication checks
and drives it to `state` through citytools.partnering.lifecycle.transition, the one door for
moves, on a clock set in the past so that the deadlines have passed where the state needs
them to. Proposals, screening and scores are written directly (they are the subject of
their own tests); everything the lifecycle does is done by the lifecycle.
"""

import datetime
import hashlib
from decimal import Decimal

from django.utils import timezone

from citytools.partnering import lifecycle
from citytools.partnering.models import (
    Challenge,
    ChallengeOwner,
    Criterion,
    EligibilityCriterion,
    Evaluator,
    Proposal,
    PublicationRules,
    Score,
    State,
)
from citytools.partnering.rules import SEQUENCE, ChallengeRoles

OWNER = ChallengeRoles(is_owner=True)
STEWARD = ChallengeRoles(is_steward=True)

CRITERIA = [
    ("Understanding of the challenge", 40),
    ("Approach to co-design with residents and staff", 35),
    ("Team and experience", 25),
]
LEVELS = ["No evidence", "Weak", "Adequate", "Good", "Excellent"]


def make_rules(slug="toronto-itp", **overrides) -> PublicationRules:
    rules, _ = PublicationRules.objects.get_or_create(
        slug=slug, defaults={"name": "City of Toronto Invitation to Partner", **overrides}
    )
    return rules


def make_challenge(
    *,
    owners,
    state=State.DRAFT,
    steward=None,
    evaluators=(),
    applicants=(),
    now=None,
    slug=None,
    blind_scoring=False,
    **fields,
) -> Challenge:
    """A valid challenge owned by `owners`, moved to `state`.

    `applicants` are (supplier, user) pairs; each gets a proposal, submitted if the state is
    past the submission deadline (or still a draft in open states). Evaluators are declared
    without conflict from evaluation on, and have scored every proposal from selection on
    (scores 4, 3, 2 … so that totals differ). From partnered on, the first proposal is the
    partner.
    """
    now = now or timezone.now()
    state = State(state)
    index = Challenge.objects.count() + 1
    slug = slug or f"challenge-{index}"
    past = state in SEQUENCE and SEQUENCE.index(state) >= SEQUENCE.index(State.QUESTIONS_CLOSED)
    ended_after_close = state in (State.CANCELLED, State.UNSUCCESSFUL)
    start = now - datetime.timedelta(days=60) if past else now
    defaults = {
        "slug": slug,
        "reference": f"ITP-TEST-{index:03d}",
        "title": f"Test challenge {index}",
        "rules": make_rules(),
        "steward": steward,
        "problem_statement": "Residents wait too long to hear back about the problems they report.",
        "background": "Thousands of calls a year.",
        "affected": "Residents and call-centre staff.",
        "outcomes": "Residents know where their request stands.",
        "out_of_scope": "Replacing the telephone system.",
        "how_to_apply": "Answer the short form and attach up to five files.",
        "budget_cap": Decimal("50000"),
        "currency": "CAD",
        "codesign_weeks": 14,
        "terms_non_binding": True,
        "terms_vendor_owns_prototype": True,
        "terms_separate_purchase": True,
        "contact_email": "partner@example.org",
        "question_deadline": start + datetime.timedelta(days=14),
        "submission_deadline": start + datetime.timedelta(days=28),
        "evaluation_date": (start + datetime.timedelta(days=35)).date(),
        "expected_start": (start + datetime.timedelta(days=49)).date(),
        "blind_scoring": blind_scoring,
    }
    defaults.update(fields)
    challenge = Challenge.objects.create(**defaults)
    for position, organisation in enumerate(owners):
        ChallengeOwner.objects.create(challenge=challenge, organisation=organisation, lead=position == 0)
    for position, (name, weight) in enumerate(CRITERIA):
        Criterion.objects.create(
            challenge=challenge, position=position, name=name, weight=weight, scale_max=4, level_texts=LEVELS
        )
    EligibilityCriterion.objects.create(challenge=challenge, position=0, text="Can start within four weeks of selection.")
    EligibilityCriterion.objects.create(challenge=challenge, position=1, text="Holds public liability insurance.")
    panel = [
        Evaluator.objects.create(challenge=challenge, user=user, assigned_at=start) for user in evaluators
    ]

    def go(to, when, roles=OWNER, reason=""):
        nonlocal challenge
        challenge = lifecycle.transition(challenge, to, actor=None, roles=roles, reason=reason, now=when)

    if state == State.DRAFT:
        return challenge
    target = state
    path = list(SEQUENCE[1 : SEQUENCE.index(target) + 1]) if target in SEQUENCE else []
    if ended_after_close:
        path = [State.IN_REVIEW, State.PUBLISHED, State.QUESTIONS_CLOSED, State.SUBMISSIONS_CLOSED]
    proposals = []
    for step in path:
        if step == State.IN_REVIEW:
            go(step, start - datetime.timedelta(days=2))
        elif step == State.PUBLISHED:
            go(step, start - datetime.timedelta(days=1), roles=STEWARD)
            for supplier, user in applicants:
                proposals.append(
                    Proposal.objects.create(
                        challenge=challenge, supplier=supplier, created_by=user, scale="small",
                        summary=f"{supplier.name} would map every request.", approach="Weekly sessions with residents.",
                        team="Two designers and a developer.", plan="Discover, prototype, test.", price=Decimal("45000"),
                    )
                )
        elif step == State.QUESTIONS_CLOSED:
            for proposal in proposals:
                submitted = challenge.question_deadline + datetime.timedelta(days=1)
                proposal.status = Proposal.Status.SUBMITTED
                proposal.submitted_at = submitted
                proposal.receipt_hash = hashlib.sha256(f"{proposal.pk}".encode()).hexdigest()
                proposal.save()
            lifecycle.advance_due(challenge.question_deadline)
        elif step == State.SUBMISSIONS_CLOSED:
            lifecycle.advance_due(challenge.submission_deadline)
            challenge.refresh_from_db()
        elif step == State.EVALUATION:
            Proposal.objects.filter(challenge=challenge).update(eligible=True)
            for evaluator in panel:
                evaluator.declared_at = challenge.submission_deadline
                evaluator.save()
            go(step, challenge.submission_deadline + datetime.timedelta(days=1))
        elif step == State.SELECTION:
            when = challenge.submission_deadline + datetime.timedelta(days=5)
            for rank, proposal in enumerate(proposals):
                for evaluator in panel:
                    for criterion in challenge.criteria.all():
                        Score.objects.create(
                            evaluator=evaluator, proposal=proposal, criterion=criterion,
                            score=max(0, 4 - rank), comment=f"Rank {rank + 1} on {criterion.name}.", updated_at=when,
                        )
            for evaluator in panel:
                evaluator.completed_at = when
                evaluator.save()
            go(step, when)
        elif step == State.PARTNERED:
            challenge.selected_proposal = proposals[0]
            challenge.save()
            go(step, challenge.submission_deadline + datetime.timedelta(days=8), roles=STEWARD)
        else:
            go(step, challenge.submission_deadline + datetime.timedelta(days=10 + SEQUENCE.index(step)))
    if ended_after_close:
        if state == State.UNSUCCESSFUL:
            Proposal.objects.filter(challenge=challenge).update(eligible=False)
        go(state, challenge.submission_deadline + datetime.timedelta(days=1), reason="No eligible proposal.")
    challenge.refresh_from_db()
    return challenge

"""The doors the lifecycle state machine knocks on: one function per action a person takes.

Each calls the service the pages and the API call (citytools.partnering.services), with the
person's Viewer and User, so the state machine tests the code people actually reach. Each
raises DomainError (or a subclass: Forbidden, NotFound, Conflict) when refused.
"""

from citytools.core.errors import DomainError
from citytools.partnering.models import Proposal
from citytools.partnering.services import authoring, evaluation, proposals

FIELDS = {
    "scale": "small",
    "summary": "We would show residents where their request stands.",
    "approach": "Weekly sessions with residents and call-centre staff.",
    "team": "Two designers and a developer.",
    "plan": "Discover, prototype, test.",
    "price": "45000",
}


def move(challenge, to, *, viewer, actor, reason=""):
    if viewer.user is None:
        raise DomainError("Sign in first.")
    return authoring.move_challenge(challenge, to, actor=actor, viewer=viewer, reason=reason)


def save_draft(challenge, *, viewer, actor, supplier):
    existing = Proposal.objects.filter(challenge=challenge, supplier=supplier).first()
    return proposals.save_proposal(challenge, actor=actor, viewer=viewer, supplier=supplier, proposal=existing, **FIELDS)


def submit(proposal, *, viewer, actor):
    return proposals.submit_proposal(proposal, actor=actor, viewer=viewer)


def withdraw(proposal, *, viewer, actor):
    return proposals.withdraw_proposal(proposal, actor=actor, viewer=viewer)


def read(proposal, *, viewer):
    return proposals.read_proposal(proposal=proposal, viewer=viewer)


def change_weight(challenge, *, viewer, actor, weight):
    """Give the first criterion `weight`, and the others what keeps the total at 100 if they can."""
    rows = [
        {"name": c.name, "description": c.description, "weight": c.weight, "scale_max": c.scale_max,
         "level_texts": c.level_texts}
        for c in challenge.criteria.order_by("position", "pk")
    ]
    rows[0]["weight"] = weight
    eligibility = list(challenge.eligibility_criteria.values_list("text", flat=True))
    return authoring.set_criteria(
        challenge, actor=actor, viewer=viewer, version=challenge.version, criteria=rows, eligibility=eligibility
    )


def screen(proposal, *, viewer, actor, eligible):
    return evaluation.decide_eligibility(proposal=proposal, actor=actor, viewer=viewer, eligible=eligible)


def declare(evaluator, *, viewer, actor, conflict):
    return evaluation.declare_interests(
        evaluator.challenge, actor=actor, viewer=viewer, has_conflict=conflict, note="Worked for one applicant." if conflict else ""
    )


def score(proposal, criterion, *, viewer, actor, value, comment):
    return evaluation.record_score(proposal=proposal, criterion=criterion, actor=actor, viewer=viewer, score=value, comment=comment)


def complete(evaluator, *, viewer, actor):
    return evaluation.complete_scoring(challenge=evaluator.challenge, actor=actor, viewer=viewer)


def nominate(challenge, proposal, *, viewer, actor):
    return evaluation.select_proposal(challenge, actor=actor, viewer=viewer, proposal=proposal, rationale="Highest total.")

"""Authorization expectations for the Invitation to Partner: evaluation.

EXPECTATIONS holds this app's entries of the authorization matrix (tests/test_authorization.py),
keyed by URL name and written with tests/expect.py.

In the access world (tests/partnering/access.py) `member` is an evaluator of every one of
own's challenges, declared without conflict from "evaluation" on; "selection" and
"partnered" are locked for consensus, with every evaluator's scores in. The steward is
`coordinator`; the owners are `editor` and admins.
"""

from tests.expect import NOBODY, Expect, Who, action, api, page, targeted
from tests.partnering import access as p
from tests.partnering.expect_proposals import proposal_of, slug

UNSEALED = ("evaluation", "selection", "partnered")
LOCKED = ("selection", "partnered")
WITH_PROPOSALS = ("open", *UNSEALED)


def evaluator_anywhere(role, target) -> bool:
    """An Evaluator row on the challenge, declared or not."""
    return role == "member" and target in p.OWN


def sees_all_scores(role, target) -> bool:
    return target in LOCKED and (p.owner(role, target) or p.steward(role, target) or p.evaluator(role, target))


def consensus_args(world, target):
    proposal = proposal_of(world, target)
    criterion = world.challenge(target).criteria.order_by("position", "pk").first()
    return {"slug": world.challenge(target).slug, "proposal_pk": proposal.pk, "criterion_pk": criterion.pk}


def consensus_body(world, target, method):
    from citytools.partnering.models import ConsensusScore

    args = consensus_args(world, target)
    row = ConsensusScore.objects.get(proposal_id=args["proposal_pk"], criterion_id=args["criterion_pk"])
    return {"score": f"{row.mean}", "rationale": "", "feedback": "Clear and well evidenced."}


def score_form(world, target, method):
    data = {}
    for criterion in world.challenge(target).criteria.all():
        data[f"score_{criterion.pk}"] = "3"
        data[f"comment_{criterion.pk}"] = "Evidence in the plan."
    return data


def scores_body(world, target, method):
    criteria = world.challenge(target).criteria.all()
    return {"scores": [{"criterion_id": c.pk, "score": 3, "comment": "Evidence in the plan."} for c in criteria]}


evaluators = Who("the challenge's evaluators", evaluator_anywhere)
declaring = Who("an evaluator, after the close and before the lock", lambda r, t: r == "member" and t == "evaluation")
scoring_readers = Who("a declared evaluator without conflict", p.evaluator)
panel_scores = Who("owners, steward and declared evaluators, once locked", sees_all_scores)
consensus_setters = Who(
    "owners and steward, during selection", lambda r, t: t == "selection" and (p.owner(r, t) or p.steward(r, t))
)
nominators = Who("owners, during selection", lambda r, t: t == "selection" and p.owner(r, t))
signer = Who("the steward, during selection", lambda r, t: t == "selection" and p.steward(r, t))
on_challenges = targeted(slug, p.ALL)
with_proposal = targeted(lambda w, t: {"slug": w.challenge(t).slug, "pk": proposal_of(w, t).pk}, WITH_PROPOSALS)
api_proposal = targeted(lambda w, t: {"slug": w.challenge(t).slug, "proposal_id": proposal_of(w, t).pk}, WITH_PROPOSALS)
consensus_cell = targeted(consensus_args, LOCKED)
api_cell = targeted(
    lambda w, t: {
        "slug": w.challenge(t).slug,
        "proposal_id": consensus_args(w, t)["proposal_pk"],
        "criterion_id": consensus_args(w, t)["criterion_pk"],
    },
    LOCKED,
)
# Through the API, finishing without every score and signing off without a nomination
# are 400s (the pages come back with the reason), so the matrix checks their refusals on
# the other challenges; tests/partnering/test_evaluation_api.py checks the successes.
not_evaluation = targeted(slug, tuple(t for t in p.ALL if t != "evaluation"))
not_selection = targeted(slug, tuple(t for t in p.ALL if t != "selection"))

EXPECTATIONS: dict[str, Expect] = {
    "partnering:declaration": page(evaluators, write=declaring, **on_challenges, data=lambda w, t, m: {"conflict": "no"}),
    "partnering:scoring": page(evaluators, **on_challenges),
    "partnering:score_proposal": page(scoring_readers, write=declaring, **with_proposal, data=score_form),
    # Without every score the page comes back with what is missing (303).
    "partnering:scoring_complete": action(declaring, **on_challenges),
    "partnering:consensus": page(panel_scores, **on_challenges),
    "partnering:consensus_edit": page(consensus_setters, write=consensus_setters, **consensus_cell, data=consensus_body),
    "partnering:selection": page(
        panel_scores, write=nominators, **on_challenges,
        data=lambda w, t, m: {"proposal": proposal_of(w, t).pk if t in WITH_PROPOSALS else "", "rationale": "Highest total."},
    ),
    # Without a nomination the page comes back with the reason (303).
    "partnering:selection_sign_off": action(signer, **on_challenges),
    "api:challenge_declaration": api(None, post=declaring)(**on_challenges, data=lambda w, t, m: {"has_conflict": False}),
    "api:challenge_scoring": api(evaluators)(**on_challenges),
    "api:challenge_scores": api(None, put=declaring)(**api_proposal, data=scores_body),
    "api:challenge_scoring_complete": api(None, post=NOBODY)(**not_evaluation),
    "api:challenge_consensus": api(panel_scores)(**on_challenges),
    "api:challenge_consensus_score": api(None, put=consensus_setters)(
        **api_cell, data=lambda w, t, m: consensus_body(w, t, m)
    ),
    "api:challenge_selection": api(None, post=nominators)(
        **on_challenges,
        data=lambda w, t, m: {"proposal_id": proposal_of(w, t).pk if t in WITH_PROPOSALS else 0, "rationale": "Top."},
    ),
    "api:challenge_selection_sign_off": api(None, post=NOBODY)(**not_selection),
}

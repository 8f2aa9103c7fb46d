"""Authorization expectations for the Invitation to Partner: authoring.

EXPECTATIONS holds this app's entries of the authorization matrix (tests/test_authorization.py),
keyed by URL name and written with tests/expect.py.

Who may do what (citytools.partnering.rules): anyone reads a published challenge, its
questions, addenda, log and document; only its panel reads an unpublished one (404 for
others). Owners (editors of an owning organisation, admins) change a draft, its criteria and
panel and issue addenda while it is open; the steward and owners make the moves the table
gives them; vendor users ask questions and register interest while it is open.
"""

from django.utils import timezone

from citytools.partnering.models import Question
from tests.expect import Expect, Who, action, api, fixed, page, targeted
from tests.partnering import access as p

OPEN = ("open",)
DRAFTS = ("draft", "stranger_draft")
# The panel may change until the scores are locked (selection on).
PANEL_OPEN = ("draft", "review", "open", "evaluation", "stranger_draft")

# One move per target that its makers may make in the access world, with a reason where needed.
MOVE = {
    "draft": ("in_review", "", "owner"),
    "review": ("published", "", "steward"),
    "open": ("cancelled", "Withdrawn in the authorization matrix.", "either"),
    "evaluation": ("cancelled", "Withdrawn in the authorization matrix.", "either"),
    "selection": ("unsuccessful", "No partner in the authorization matrix.", "either"),
    "partnered": ("co_design", "", "owner"),
    "stranger_draft": ("in_review", "", "owner"),
}


def _mover(role, target) -> bool:
    who = MOVE[target][2]
    return (who in ("owner", "either") and p.owner(role, target)) or (who in ("steward", "either") and p.steward(role, target))


def _has_a_move(role, target) -> bool:
    """Someone with any move now: owners always have one (cancel or the next step); the
    steward everywhere but after partnering (co-design is the owners')."""
    return p.owner(role, target) or (p.steward(role, target) and target != "partnered")


def _slug(w, t):
    return {"slug": w.challenge(t).slug}


def _question(w, t) -> Question:
    challenge = w.challenge(t)
    question, _ = Question.objects.get_or_create(
        challenge=challenge, text="Is the budget fixed?", defaults={"asked_at": timezone.now()}
    )
    return question


def challenge_form(w, t) -> dict:
    challenge = w.challenge(t)
    return {
        "title": "A changed title",
        "problem_statement": "Residents wait too long to hear back.",
        "currency": "CAD",
        "budget_cap": "40000",
        "codesign_weeks": "12",
        "terms_non_binding": "on",
        "tie_break": "criteria-price-time",
        "version": str(challenge.version),
    }


def criteria_form(w, t) -> dict:
    challenge = w.challenge(t)
    return {
        "criteria-TOTAL_FORMS": "2",
        "criteria-INITIAL_FORMS": "0",
        "criteria-MIN_NUM_FORMS": "0",
        "criteria-MAX_NUM_FORMS": "20",
        "criteria-0-name": "Understanding",
        "criteria-0-weight": "60",
        "criteria-0-scale_max": "1",
        "criteria-0-level_texts": "None\nDeep",
        "criteria-1-name": "Team",
        "criteria-1-weight": "40",
        "criteria-1-scale_max": "1",
        "criteria-1-level_texts": "No\nYes",
        "eligibility": "Insured",
        "version": str(challenge.version),
    }


def panel_form(w, t) -> dict:
    challenge = w.challenge(t)
    return {
        "steward": str(challenge.steward_id or ""),
        "evaluators": [str(pk) for pk in challenge.evaluators.values_list("user_id", flat=True)],
    }


def panel_body(w, t) -> dict:
    challenge = w.challenge(t)
    return {
        "steward": challenge.steward.email if challenge.steward else None,
        "evaluators": list(challenge.evaluators.values_list("user__email", flat=True)),
    }


def move_form(w, t) -> dict:
    to, reason, _ = MOVE[t]
    return {"to": to, "reason": reason, "version": str(w.challenge(t).version)}


def criteria_body(w, t) -> dict:
    return {
        "criteria": [
            {"name": "Understanding", "weight": 60, "scale_max": 1, "level_texts": ["None", "Deep"]},
            {"name": "Team", "weight": 40, "scale_max": 1, "level_texts": ["No", "Yes"]},
        ],
        "eligibility": ["Insured"],
    }


def if_match(w, t, m) -> dict:
    return {"If-Match": f'"{w.challenge(t).version}"'}


def _rules(w):
    return w.challenge("draft").rules


def rules_form(w) -> dict:
    rules = _rules(w)
    return {
        "name": rules.name, "currency": "CAD", "max_budget": "50000", "min_weeks": "12", "max_weeks": "16",
        "weights_total": "100", "min_eligibility_criteria": "0", "addendum_notice_days": "7",
        "min_submission_days": "14", "min_question_days": "5",
        "require_scale_texts": "yes", "require_terms": "yes", "version": str(rules.version),
    }


readers = Who("anyone for a published challenge, its panel otherwise", p.reads)
panel = Who("the challenge's panel", p.panel)
owners_of_drafts = Who("owners of a draft", lambda r, t: p.owner(r, t) and t in DRAFTS)
owners_of_open = Who("owners of an open challenge", lambda r, t: p.owner(r, t) and t in OPEN)
applicants_of_open = Who("vendor users, while open", lambda r, t: p.applicant(r, t) and t in OPEN)
panel_managers = Who("owners, until scores are locked", lambda r, t: p.owner(r, t) and t in PANEL_OPEN)
movers = Who("whoever the table lets make the move", _mover)
with_moves = Who("whoever has a move to make", _has_a_move)
creators = Who("editors, coordinators and admins", lambda r, t: r in ("editor", "other_editor", "coordinator", "other_coordinator", "admin"))
own_creators = Who("editors and coordinators of own, and admins", lambda r, t: r in ("editor", "coordinator", "admin"))
on_challenges = targeted(_slug, p.ALL)
admins = Who("platform admins", lambda r, t: r == "admin")
on_rules = fixed(lambda w: {"slug": _rules(w).slug})
new_challenge = {
    "title": "Faster answers", "problem_statement": "Residents wait.", "currency": "CAD",
    "rules": "toronto-itp", "tie_break": "criteria-price-time",
}

EXPECTATIONS: dict[str, Expect] = {
    # Pages.
    "partnering:challenges": page(),
    "partnering:challenge": page(readers, **on_challenges),
    "partnering:challenge_pdf": page(readers, **on_challenges),
    "partnering:challenge_log": page(readers, **on_challenges),
    "partnering:challenge_new": page(
        creators, write=own_creators,
        data=lambda w, t, m: {**new_challenge, "owners": [w.organisation("own").slug]},
    ),
    "partnering:challenge_edit": page(
        owners_of_drafts, write=owners_of_drafts, **on_challenges, data=lambda w, t, m: challenge_form(w, t)
    ),
    "partnering:challenge_criteria": page(
        owners_of_drafts, write=owners_of_drafts, **on_challenges, data=lambda w, t, m: criteria_form(w, t)
    ),
    "partnering:challenge_panel": page(panel, write=panel_managers, **on_challenges, data=lambda w, t, m: panel_form(w, t)),
    "partnering:challenge_move": page(with_moves, write=movers, **on_challenges, data=lambda w, t, m: move_form(w, t)),
    "partnering:questions": page(
        readers, write=applicants_of_open, **on_challenges, data=lambda w, t, m: {"text": "Is the budget fixed?"}
    ),
    "partnering:question_answer": action(
        owners_of_open,
        **targeted(lambda w, t: {"slug": w.challenge(t).slug, "pk": _question(w, t).pk}, p.ALL),
        data=lambda w, t, m: {f"q{_question(w, t).pk}-answer": "Yes, it is fixed."},
    ),
    "partnering:addenda": page(
        readers, write=owners_of_open, **on_challenges, data=lambda w, t, m: {"title": "Clarified", "body": "Scope."}
    ),
    "partnering:interest": action(applicants_of_open, **on_challenges),
    # API.
    "api:challenges": api()(),
    "api:challenge_create": api(None, post=own_creators)(
        data=lambda w, t, m: {**new_challenge, "owners": [w.organisation("own").slug]}
    ),
    "api:challenge": api(readers)(**on_challenges),
    "api:challenge_replace": api(None, put=owners_of_drafts)(
        **on_challenges, data=lambda w, t, m: {"title": "A changed title", "problem_statement": "Waiting."}, headers=if_match
    ),
    "api:challenge_patch": api(None, patch=owners_of_drafts)(
        **on_challenges, data=lambda w, t, m: {"background": "Changed."}, headers=if_match
    ),
    "api:challenge_criteria": api(None, put=owners_of_drafts)(
        **on_challenges, data=lambda w, t, m: criteria_body(w, t), headers=if_match
    ),
    "api:challenge_moves": api(None, post=movers)(
        **on_challenges, data=lambda w, t, m: {"to": MOVE[t][0], "reason": MOVE[t][1]}
    ),
    "api:challenge_transitions": api(readers)(**on_challenges),
    "api:challenge_publication_checks": api(panel)(**on_challenges),
    "api:challenge_panel": api(None, put=panel_managers)(**on_challenges, data=lambda w, t, m: panel_body(w, t)),
    "api:challenge_document_pdf": api(readers)(**on_challenges),
    "api:challenge_questions": api(readers)(**on_challenges),
    "api:challenge_ask": api(None, post=applicants_of_open)(
        **on_challenges, data=lambda w, t, m: {"text": "Is the budget fixed?"}
    ),
    "api:question_answer": api(None, post=owners_of_open)(
        **targeted(lambda w, t: {"slug": w.challenge(t).slug, "question_id": _question(w, t).pk}, p.ALL),
        data=lambda w, t, m: {"answer": "Yes, it is fixed."},
    ),
    "api:challenge_addenda": api(readers)(**on_challenges),
    "api:challenge_addendum_issue": api(None, post=owners_of_open)(
        **on_challenges, data=lambda w, t, m: {"title": "Clarified", "body": "Scope."}
    ),
    "api:challenge_interest": api(None, post=applicants_of_open)(**on_challenges),
    # Publication rules: anyone reads every jurisdiction's; platform admins set them.
    "partnering:rules_list": page(),
    "partnering:rules_new": page(admins, write=admins, data=lambda w, t, m: {**rules_form(w), "slug": "hill-town"}),
    "partnering:rules_edit": page(admins, write=admins, **on_rules, data=lambda w, t, m: rules_form(w)),
    "api:publication_rules": api()(),
    "api:publication_rules_one": api()(**on_rules),
    "api:publication_rules_put": api(None, put=admins)(
        **on_rules, data=lambda w, t, m: {"name": "Changed in the matrix", "max_budget": "40000"},
        headers=lambda w, t, m: {"If-Match": f'"{_rules(w).version}"'},
    ),
}


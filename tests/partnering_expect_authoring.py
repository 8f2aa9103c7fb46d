"""Authorization expectations for the Invitation to Partner: authoring.

`build(h)` gets tests/test_authorization.py as `h` (its Who, page, action, api, fixed,
targeted …) and returns entries for its EXPECTATIONS, keyed by URL name.

Who may do what (citytools.partnering.rules): anyone reads a published challenge, its
questions, addenda, log and document; only its panel reads an unpublished one (404 for
others). Owners (editors of an owning organisation, admins) change a draft, its criteria and
panel and issue addenda while it is open; the steward and owners make the moves the table
gives them; vendor users ask questions and register interest while it is open.
"""

from django.utils import timezone

from citytools.partnering.models import Question
from tests import partnering_access as p

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


def build(h) -> dict:
    readers = h.Who("anyone for a published challenge, its panel otherwise", p.reads)
    panel = h.Who("the challenge's panel", p.panel)
    owners_of_drafts = h.Who("owners of a draft", lambda r, t: p.owner(r, t) and t in DRAFTS)
    owners_of_open = h.Who("owners of an open challenge", lambda r, t: p.owner(r, t) and t in OPEN)
    applicants_of_open = h.Who("vendor users, while open", lambda r, t: p.applicant(r, t) and t in OPEN)
    panel_managers = h.Who("owners, until scores are locked", lambda r, t: p.owner(r, t) and t in PANEL_OPEN)
    movers = h.Who("whoever the table lets make the move", _mover)
    with_moves = h.Who("whoever has a move to make", _has_a_move)
    creators = h.Who("editors, coordinators and admins", lambda r, t: r in ("editor", "other_editor", "coordinator", "other_coordinator", "admin"))
    own_creators = h.Who("editors and coordinators of own, and admins", lambda r, t: r in ("editor", "coordinator", "admin"))
    on_challenges = h.targeted(_slug, p.ALL)
    admins = h.Who("platform admins", lambda r, t: r == "admin")
    on_rules = h.fixed(lambda w: {"slug": _rules(w).slug})
    new_challenge = {
        "title": "Faster answers", "problem_statement": "Residents wait.", "currency": "CAD",
        "rules": "toronto-itp", "tie_break": "criteria-price-time",
    }
    return {
        # Pages.
        "partnering:challenges": h.page(),
        "partnering:challenge": h.page(readers, **on_challenges),
        "partnering:challenge_pdf": h.page(readers, **on_challenges),
        "partnering:challenge_log": h.page(readers, **on_challenges),
        "partnering:challenge_new": h.page(
            creators, write=own_creators,
            data=lambda w, t, m: {**new_challenge, "owners": [w.organisation("own").slug]},
        ),
        "partnering:challenge_edit": h.page(
            owners_of_drafts, write=owners_of_drafts, **on_challenges, data=lambda w, t, m: challenge_form(w, t)
        ),
        "partnering:challenge_criteria": h.page(
            owners_of_drafts, write=owners_of_drafts, **on_challenges, data=lambda w, t, m: criteria_form(w, t)
        ),
        "partnering:challenge_panel": h.page(panel, write=panel_managers, **on_challenges, data=lambda w, t, m: panel_form(w, t)),
        "partnering:challenge_move": h.page(with_moves, write=movers, **on_challenges, data=lambda w, t, m: move_form(w, t)),
        "partnering:questions": h.page(
            readers, write=applicants_of_open, **on_challenges, data=lambda w, t, m: {"text": "Is the budget fixed?"}
        ),
        "partnering:question_answer": h.action(
            owners_of_open,
            **h.targeted(lambda w, t: {"slug": w.challenge(t).slug, "pk": _question(w, t).pk}, p.ALL),
            data=lambda w, t, m: {f"q{_question(w, t).pk}-answer": "Yes, it is fixed."},
        ),
        "partnering:addenda": h.page(
            readers, write=owners_of_open, **on_challenges, data=lambda w, t, m: {"title": "Clarified", "body": "Scope."}
        ),
        "partnering:interest": h.action(applicants_of_open, **on_challenges),
        # API.
        "api:challenges": h.api()(),
        "api:challenge_create": h.api(None, post=own_creators)(
            data=lambda w, t, m: {**new_challenge, "owners": [w.organisation("own").slug]}
        ),
        "api:challenge": h.api(readers)(**on_challenges),
        "api:challenge_replace": h.api(None, put=owners_of_drafts)(
            **on_challenges, data=lambda w, t, m: {"title": "A changed title", "problem_statement": "Waiting."}, headers=if_match
        ),
        "api:challenge_patch": h.api(None, patch=owners_of_drafts)(
            **on_challenges, data=lambda w, t, m: {"background": "Changed."}, headers=if_match
        ),
        "api:challenge_criteria": h.api(None, put=owners_of_drafts)(
            **on_challenges, data=lambda w, t, m: criteria_body(w, t), headers=if_match
        ),
        "api:challenge_moves": h.api(None, post=movers)(
            **on_challenges, data=lambda w, t, m: {"to": MOVE[t][0], "reason": MOVE[t][1]}
        ),
        "api:challenge_transitions": h.api(readers)(**on_challenges),
        "api:challenge_publication_checks": h.api(panel)(**on_challenges),
        "api:challenge_panel": h.api(None, put=panel_managers)(**on_challenges, data=lambda w, t, m: panel_body(w, t)),
        "api:challenge_document_pdf": h.api(readers)(**on_challenges),
        "api:challenge_questions": h.api(readers)(**on_challenges),
        "api:challenge_ask": h.api(None, post=applicants_of_open)(
            **on_challenges, data=lambda w, t, m: {"text": "Is the budget fixed?"}
        ),
        "api:question_answer": h.api(None, post=owners_of_open)(
            **h.targeted(lambda w, t: {"slug": w.challenge(t).slug, "question_id": _question(w, t).pk}, p.ALL),
            data=lambda w, t, m: {"answer": "Yes, it is fixed."},
        ),
        "api:challenge_addenda": h.api(readers)(**on_challenges),
        "api:challenge_addendum_issue": h.api(None, post=owners_of_open)(
            **on_challenges, data=lambda w, t, m: {"title": "Clarified", "body": "Scope."}
        ),
        "api:challenge_interest": h.api(None, post=applicants_of_open)(**on_challenges),
        # Publication rules: anyone reads every jurisdiction's; platform admins set them.
        "partnering:rules_list": h.page(),
        "partnering:rules_new": h.page(admins, write=admins, data=lambda w, t, m: {**rules_form(w), "slug": "hill-town"}),
        "partnering:rules_edit": h.page(admins, write=admins, **on_rules, data=lambda w, t, m: rules_form(w)),
        "api:publication_rules": h.api()(),
        "api:publication_rules_one": h.api()(**on_rules),
        "api:publication_rules_put": h.api(None, put=admins)(
            **on_rules, data=lambda w, t, m: {"name": "Changed in the matrix", "max_budget": "40000"},
            headers=lambda w, t, m: {"If-Match": f'"{_rules(w).version}"'},
        ),
    }


"""citytools.partnering.rules, table-driven and without a database: every (from, to) pair of
states, whether the move exists and who may make it, and what each role may do."""

import itertools

import pytest

from citytools.partnering import rules
from citytools.partnering.models import State
from citytools.partnering.rules import By, ChallengeRoles

S = State
OWNER, STEWARD, CLOCK = By.OWNER, By.STEWARD, By.CLOCK
BOTH = {OWNER, STEWARD}

# Written out by hand from the issue (not derived from rules.MOVES), so that a change to the
# table shows up here. (from, to): (who, needs a reason)
ALLOWED = {
    (S.DRAFT, S.IN_REVIEW): ({OWNER}, False),
    (S.IN_REVIEW, S.PUBLISHED): ({STEWARD}, False),
    (S.IN_REVIEW, S.DRAFT): (BOTH, True),
    (S.PUBLISHED, S.QUESTIONS_CLOSED): ({CLOCK}, False),
    (S.QUESTIONS_CLOSED, S.SUBMISSIONS_CLOSED): ({CLOCK}, False),
    (S.SUBMISSIONS_CLOSED, S.EVALUATION): (BOTH, False),
    (S.SUBMISSIONS_CLOSED, S.UNSUCCESSFUL): (BOTH, True),
    (S.EVALUATION, S.SELECTION): (BOTH, False),
    (S.EVALUATION, S.UNSUCCESSFUL): (BOTH, True),
    (S.SELECTION, S.PARTNERED): ({STEWARD}, False),
    (S.SELECTION, S.UNSUCCESSFUL): (BOTH, True),
    (S.PARTNERED, S.CO_DESIGN): ({OWNER}, False),
    (S.CO_DESIGN, S.DEMO): ({OWNER}, False),
    (S.DEMO, S.CLOSED_OUT): ({OWNER}, False),
}
# Cancelled is an exit from every state before partnered, with a published reason.
for _state in (S.DRAFT, S.IN_REVIEW, S.PUBLISHED, S.QUESTIONS_CLOSED, S.SUBMISSIONS_CLOSED, S.EVALUATION, S.SELECTION):
    ALLOWED[(_state, S.CANCELLED)] = (BOTH, True)

PEOPLE = {
    "owner": ChallengeRoles(is_owner=True, is_owner_staff=True),
    "admin": ChallengeRoles(is_admin=True),
    "steward": ChallengeRoles(is_steward=True, is_coordinator=True),
    "evaluator": ChallengeRoles(is_evaluator=True, evaluator_declared=True),
    "owner staff": ChallengeRoles(is_owner_staff=True),
    "coordinator": ChallengeRoles(is_coordinator=True),
    "vendor": ChallengeRoles(suppliers=frozenset({7})),
    "public": ChallengeRoles(),
}
MAKERS = {OWNER: {"owner", "admin"}, STEWARD: {"steward"}, CLOCK: set()}


@pytest.mark.parametrize("frm, to", list(itertools.product(State, State)), ids=lambda s: s.value)
def test_every_pair_of_states(frm, to):
    move = rules.move(frm, to)
    if (frm, to) not in ALLOWED:
        assert move is None, f"{frm} → {to} must not be a move"
        return
    who, reason = ALLOWED[(frm, to)]
    assert move is not None, f"{frm} → {to} must be a move"
    assert set(move.by) == who
    assert move.needs_reason == reason
    allowed_people = set().union(*(MAKERS[b] for b in who))
    for name, roles in PEOPLE.items():
        assert roles.may_move(move) == (name in allowed_people), f"{name} making {frm} → {to}"


def test_nothing_leaves_an_ended_state():
    for state in rules.ENDED:
        assert rules.MOVES[state] == ()


def test_no_cancellation_after_partnering():
    for state in (S.PARTNERED, S.CO_DESIGN, S.DEMO, S.CLOSED_OUT):
        assert rules.move(state, S.CANCELLED) is None


@pytest.mark.parametrize("state", list(State), ids=lambda s: s.value)
def test_only_owners_edit_and_only_drafts(state):
    for name, roles in PEOPLE.items():
        assert rules.can_edit(roles, state=state) == (name in ("owner", "admin") and state == S.DRAFT)


@pytest.mark.parametrize("state", list(State), ids=lambda s: s.value)
def test_the_panel_changes_until_scores_lock(state):
    open_panel = state in (S.DRAFT, S.IN_REVIEW, S.PUBLISHED, S.QUESTIONS_CLOSED, S.SUBMISSIONS_CLOSED, S.EVALUATION)
    for name, roles in PEOPLE.items():
        assert rules.can_manage_panel(roles, state=state) == (name in ("owner", "admin") and open_panel)


@pytest.mark.parametrize("state", list(State), ids=lambda s: s.value)
def test_addenda_only_while_open(state):
    for name, roles in PEOPLE.items():
        expected = name in ("owner", "admin") and state in (S.PUBLISHED, S.QUESTIONS_CLOSED)
        assert rules.can_issue_addendum(roles, state=state) == expected


@pytest.mark.parametrize(
    "name, published, sees",
    [
        ("public", True, True), ("public", False, False), ("vendor", False, False), ("evaluator", False, True),
        ("steward", False, True), ("owner staff", False, True), ("coordinator", False, True), ("admin", False, True),
    ],
)
def test_who_sees_a_challenge(name, published, sees):
    assert rules.can_view(PEOPLE[name], published=published) == sees


@pytest.mark.parametrize(
    "reader, frm, to, actor, by",
    [
        ("public", State.PUBLISHED, State.QUESTIONS_CLOSED, None, "The clock (deadline)"),
        ("owner", State.QUESTIONS_CLOSED, State.SUBMISSIONS_CLOSED, None, "The clock (deadline)"),
        ("public", State.DRAFT, State.IN_REVIEW, "Ada Editor", "The challenge’s team"),
        ("vendor", State.IN_REVIEW, State.PUBLISHED, "Ada Editor", "The challenge’s team"),
        ("owner staff", State.DRAFT, State.IN_REVIEW, "Ada Editor", "Ada Editor"),
        ("evaluator", State.EVALUATION, State.SELECTION, "Ada Editor", "Ada Editor"),
        # A person's move whose account was deleted since: still the team's, never the clock's.
        ("owner", State.EVALUATION, State.CANCELLED, None, "The challenge’s team"),
        ("public", State.EVALUATION, State.CANCELLED, None, "The challenge’s team"),
    ],
)
def test_who_made_a_move_as_the_log_says_it(reader, frm, to, actor, by):
    assert rules.made_by(PEOPLE[reader], from_state=frm, to_state=to, actor=actor) == by


def test_only_vendor_users_outside_the_panel_apply_and_only_owners_answer():
    assert {n for n, r in PEOPLE.items() if rules.can_apply(r)} == {"vendor"}
    assert not rules.can_apply(ChallengeRoles(is_owner_staff=True, suppliers=frozenset({7})))
    assert {n for n, r in PEOPLE.items() if rules.can_answer_questions(r)} == {"owner", "admin"}


def test_the_steward_never_scores():
    both = ChallengeRoles(is_steward=True, is_evaluator=True, evaluator_declared=True)
    assert not rules.can_score(both, state=S.EVALUATION, locked=False)
    assert rules.can_score(PEOPLE["evaluator"], state=S.EVALUATION, locked=False)


# An owner or admin who also sits on the panel: (declared, conflicted) → may they judge?
PANEL_OWNERS = [
    ("owner", ChallengeRoles(is_owner=True, is_evaluator=True), False),
    ("owner", ChallengeRoles(is_owner=True, is_evaluator=True, evaluator_declared=True, evaluator_conflicted=True), False),
    ("owner", ChallengeRoles(is_owner=True, is_evaluator=True, evaluator_declared=True), True),
    ("admin", ChallengeRoles(is_admin=True, is_evaluator=True), False),
    ("admin", ChallengeRoles(is_admin=True, is_evaluator=True, evaluator_declared=True, evaluator_conflicted=True), False),
    ("owner off the panel", ChallengeRoles(is_owner=True), True),
]


@pytest.mark.parametrize("label, roles, judges", PANEL_OWNERS, ids=[f"{p[0]}-{i}" for i, p in enumerate(PANEL_OWNERS)])
def test_an_owner_on_the_panel_declares_first_and_a_conflict_recuses_them_from_everything(label, roles, judges):
    assert rules.can_read_proposal(roles, supplier=9, state=S.EVALUATION, submissions_closed=True) == judges
    assert rules.can_screen(roles, state=S.SUBMISSIONS_CLOSED) == judges
    assert rules.can_see_all_scores(roles, locked=True) == judges
    assert rules.can_set_consensus(roles, state=S.SELECTION) == judges
    assert rules.can_nominate(roles, state=S.SELECTION) == judges
    # Running the lifecycle is not judging: a recused owner still starts the evaluation and
    # may cancel; locking the scores or closing for want of a partner is judging.
    assert roles.may_move(rules.move(S.SUBMISSIONS_CLOSED, S.EVALUATION))
    assert roles.may_move(rules.move(S.EVALUATION, S.CANCELLED))
    for frm, to in JUDGING:
        judging = rules.move(frm, to)
        assert roles.may_move(judging) == (judges and OWNER in judging.by), f"{frm} → {to}"


# The moves that judge the proposals, written out by hand (not derived from rules.MOVES).
JUDGING = {
    (S.SUBMISSIONS_CLOSED, S.UNSUCCESSFUL), (S.EVALUATION, S.SELECTION), (S.EVALUATION, S.UNSUCCESSFUL),
    (S.SELECTION, S.PARTNERED), (S.SELECTION, S.UNSUCCESSFUL),
}


def test_the_judging_moves_are_these():
    assert {(frm, m.to) for frm, moves in rules.MOVES.items() for m in moves if m.judging} == JUDGING


@pytest.mark.parametrize(
    "weight, problem",
    [(1, None), (100, None), (1000, None), (0, "weight of 1 or more"), (-3, "weight of 1 or more"),
     (2.5, "whole-number weight"), (True, "whole-number weight"), ("40", "whole-number weight"), (None, "whole-number weight"),
     (1001, "above 1000")],
)
def test_a_criterion_s_weight_is_a_whole_number_from_1_to_1000(weight, problem):
    found = rules.weight_problem(weight)
    assert found is None if problem is None else problem in found


@pytest.mark.parametrize(
    "scale_max, right", [(1, True), (5, True), (10, True), (0, False), (11, False), (4.0, False), (False, False), (None, False)]
)
def test_a_criterion_s_top_score_is_1_to_10(scale_max, right):
    assert (rules.scale_problem(scale_max) is None) == right


def test_the_default_top_score_is_itself_a_right_one():
    assert rules.scale_problem(rules.DEFAULT_SCALE_MAX) is None and rules.DEFAULT_SCALE_MAX == 5


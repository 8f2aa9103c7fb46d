"""Evaluation through its services: declarations and recusal, blind names, scores and their
validation, completing, the consensus lock, overrides with history, ranking and selection."""

from decimal import Decimal

import pytest

from citytools.core.errors import DomainError, Forbidden, NotFound
from citytools.partnering import lifecycle
from citytools.partnering.models import ConsensusScore, Evaluator, Proposal, Score, State
from citytools.partnering.services import evaluation
from citytools.partnering.services import proposals as proposal_services
from tests.partnering.evaluation_world import cast, challenge_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def ev():
    """In evaluation: four eligible proposals, three evaluators declared without conflict."""
    world = cast()
    challenge_in(world, State.EVALUATION)
    return world


def criteria(world):
    return list(world.challenge.criteria.all())


def full_scores(world, value=3, comment="Clear evidence."):
    return {c.pk: (value, comment) for c in criteria(world)}


def score_all(world, user, value=3):
    for proposal in evaluation.scorable_proposals(world.challenge):
        evaluation.score_proposal(proposal, **world.as_(user), scores=full_scores(world, value))


# Declarations ---------------------------------------------------------------------------------


def test_an_evaluator_declares_against_names_only_after_the_close():
    world = cast()
    challenge_in(world, State.PUBLISHED)
    user = world.evaluators[0]
    assert evaluation.applicant_names(world.challenge, **world.as_(user)) == []
    with pytest.raises(Forbidden):
        evaluation.declare_interests(world.challenge, **world.as_(user), has_conflict=False)


def test_names_not_proposals_and_declaring_unlocks_reading():
    world = cast()
    challenge_in(world, State.SUBMISSIONS_CLOSED, blind_scoring=True)
    user = world.evaluators[0]
    names = evaluation.applicant_names(world.challenge, **world.as_(user))
    assert names == sorted(s.name for s, _ in world.applicants)  # names even when blind
    proposal = world.proposal_of(0)
    with pytest.raises(NotFound):
        proposal_services.readable_proposal(world.viewer(user), world.challenge, proposal.pk)
    evaluation.declare_interests(world.challenge, **world.as_(user), has_conflict=False, note="None.")
    assert proposal_services.readable_proposal(world.viewer(user), world.challenge, proposal.pk) == proposal


def test_a_conflict_recuses_for_good_and_does_not_count_as_incomplete(ev):
    user = ev.evaluators[2]
    with pytest.raises(DomainError):
        evaluation.declare_interests(ev.challenge, **ev.as_(user), has_conflict=True, note="")
    evaluation.declare_interests(ev.challenge, **ev.as_(user), has_conflict=True, note="I advise Applicant 2 Ltd.")
    with pytest.raises(NotFound):
        proposal_services.readable_proposal(ev.viewer(user), ev.challenge, ev.proposal_of(0).pk)
    with pytest.raises(Forbidden):
        evaluation.score_proposal(ev.proposal_of(0), **ev.as_(user), scores=full_scores(ev))
    with pytest.raises(DomainError):
        evaluation.declare_interests(ev.challenge, **ev.as_(user), has_conflict=False)
    assert ev.evaluator(user).has_conflict
    assert user not in [e.user for e in lifecycle.incomplete_evaluators(ev.challenge)]
    for other in ev.evaluators[:2]:
        score_all(ev, other)
        evaluation.complete_evaluation(ev.challenge, **ev.as_(other))
    lifecycle.transition(ev.challenge, State.SELECTION, actor=ev.owner, roles=_roles(ev, ev.owner))
    assert ev.refresh().state == State.SELECTION


@pytest.mark.parametrize("who", ["owner", "steward", "applicant1", "member"])
def test_only_evaluators_declare(ev, who):
    with pytest.raises((Forbidden, NotFound)):
        evaluation.declare_interests(ev.challenge, **ev.as_(ev.everyone()[who]), has_conflict=False)


def _roles(world, user):
    from citytools.partnering.access import roles_for

    return roles_for(world.viewer(user), world.challenge)


# Scores ---------------------------------------------------------------------------------------


def test_an_evaluator_scores_with_a_comment_for_each_criterion(ev):
    user = ev.evaluators[0]
    proposal = ev.proposal_of(0)
    saved = evaluation.score_proposal(proposal, **ev.as_(user), scores=full_scores(ev, 4))
    assert len(saved) == 3
    assert {s.score for s in Score.objects.filter(evaluator__user=user)} == {4}
    evaluation.score_proposal(proposal, **ev.as_(user), scores={criteria(ev)[0].pk: (1, "Thinner than I thought.")})
    changed = Score.objects.get(evaluator__user=user, proposal=proposal, criterion=criteria(ev)[0])
    assert changed.score == 1
    assert changed.history.count() == 2  # the change is recorded


@pytest.mark.parametrize(
    "value,comment,says",
    [
        (5, "Good.", "between 0 and 4"),  # the scale runs 0–4
        (-1, "Good.", "between 0 and 4"),
        ("2.5", "Good.", "Choose a score"),
        ("", "Good.", "Choose a score"),
        (3, "  ", "reason"),
        (3, "", "reason"),
    ],
)
def test_score_validation(ev, value, comment, says):
    user = ev.evaluators[0]
    first = criteria(ev)[0]
    with pytest.raises(DomainError) as error:
        evaluation.score_proposal(ev.proposal_of(0), **ev.as_(user), scores={first.pk: (value, comment)})
    assert says in error.value.message
    assert not Score.objects.filter(evaluator__user=user).exists()


def test_the_edges_of_the_scale_are_allowed(ev):
    user = ev.evaluators[0]
    first, second = criteria(ev)[:2]
    evaluation.score_proposal(ev.proposal_of(0), **ev.as_(user), scores={first.pk: (0, "None."), second.pk: ("4", "Top.")})
    assert sorted(Score.objects.filter(evaluator__user=user).values_list("score", flat=True)) == [0, 4]


def test_only_this_challenges_criteria_and_eligible_proposals(ev):
    user = ev.evaluators[0]
    with pytest.raises(DomainError):
        evaluation.score_proposal(ev.proposal_of(0), **ev.as_(user), scores={999999: (2, "x")})
    Proposal.objects.filter(pk=ev.proposal_of(1).pk).update(eligible=False)
    with pytest.raises(NotFound):
        evaluation.score_proposal(ev.proposal_of(1), **ev.as_(user), scores=full_scores(ev))


@pytest.mark.parametrize("who", ["owner", "steward", "admin", "member", "applicant1", "stranger"])
def test_only_evaluators_score(ev, who):
    with pytest.raises((Forbidden, NotFound)):
        evaluation.score_proposal(ev.proposal_of(0), **ev.as_(ev.everyone()[who]), scores=full_scores(ev))
    assert not Score.objects.exists()


def test_each_evaluator_sees_only_their_own_scores_until_the_lock(ev):
    first, second = ev.evaluators[:2]
    score_all(ev, first, 4)
    score_all(ev, second, 1)
    mine = evaluation.own_scores(ev.challenge, **ev.as_(first))
    assert {s.score for s in mine.values()} == {4}
    for user in (first, ev.owner, ev.steward):
        with pytest.raises(Forbidden):
            evaluation.ranking(ev.challenge, viewer=ev.viewer(user))


def test_complete_needs_every_score(ev):
    user = ev.evaluators[0]
    evaluation.score_proposal(ev.proposal_of(0), **ev.as_(user), scores=full_scores(ev))
    with pytest.raises(DomainError) as error:
        evaluation.complete_evaluation(ev.challenge, **ev.as_(user))
    assert "9 scores still missing" in error.value.message  # 3 more proposals × 3 criteria
    score_all(ev, user)
    done = evaluation.complete_evaluation(ev.challenge, **ev.as_(user))
    assert done.completed_at is not None


def test_progress_counts_scored_criteria(ev):
    user = ev.evaluators[0]
    evaluation.score_proposal(ev.proposal_of(0), **ev.as_(user), scores={criteria(ev)[0].pk: (2, "Fine.")})
    rows = evaluation.scoring_progress(ev.challenge, **ev.as_(user))
    assert [(r.scored, r.total) for r in rows] == [(1, 3), (0, 3), (0, 3), (0, 3)]
    assert [r.name for r in rows] == [s.name for s, _ in ev.applicants]


def test_blind_scoring_shows_letters_to_evaluators_only():
    world = cast()
    challenge_in(world, State.EVALUATION, blind_scoring=True)
    rows = evaluation.scoring_progress(world.challenge, **world.as_(world.evaluators[0]))
    assert [r.name for r in rows] == ["Proposal A", "Proposal B", "Proposal C", "Proposal D"]
    names = evaluation.names_for(world.viewer(world.owner), world.challenge)
    assert names(world.proposal_of(0)) == "Applicant 1 Ltd"
    # Stable: a withdrawn or ineligible proposal elsewhere does not reshuffle the letters.
    Proposal.objects.filter(pk=world.proposal_of(1).pk).update(eligible=False)
    rows = evaluation.scoring_progress(world.challenge, **world.as_(world.evaluators[0]))
    assert [r.name for r in rows] == ["Proposal A", "Proposal C", "Proposal D"]


def test_letters_run_past_z():
    assert [evaluation.letter(i) for i in (0, 25, 26, 27, 51, 52)] == ["A", "Z", "AA", "AB", "AZ", "BA"]


# The lock and consensus ----------------------------------------------------------------------


@pytest.fixture
def locked(ev):
    """Scores: evaluator 1 gives 4s, 2 gives 2s, 3 gives 0s to the first proposal (spread),
    everyone gives 2 to the others; then the lock."""
    values = [4, 2, 0]
    for user, value in zip(ev.evaluators, values):
        for index, proposal in enumerate(evaluation.scorable_proposals(ev.challenge)):
            given = value if index == 0 else 2
            evaluation.score_proposal(proposal, **ev.as_(user), scores=full_scores(ev, given))
        evaluation.complete_evaluation(ev.challenge, **ev.as_(user))
    evaluation.lock_for_consensus(ev.challenge, **ev.as_(ev.owner))
    ev.refresh()
    return ev


def test_locking_needs_every_evaluation_complete(ev):
    score_all(ev, ev.evaluators[0])
    evaluation.complete_evaluation(ev.challenge, **ev.as_(ev.evaluators[0]))
    with pytest.raises(DomainError) as error:
        evaluation.lock_for_consensus(ev.challenge, **ev.as_(ev.owner))
    assert error.value.code == "evaluations_incomplete"


def test_no_score_changes_after_the_lock(locked):
    user = locked.evaluators[0]
    before = list(Score.objects.order_by("pk").values_list("score", "comment"))
    with pytest.raises(Forbidden):
        evaluation.score_proposal(locked.proposal_of(0), **locked.as_(user), scores=full_scores(locked, 1))
    with pytest.raises(Forbidden):
        evaluation.complete_evaluation(locked.challenge, **locked.as_(user))
    with pytest.raises(Forbidden):
        evaluation.declare_interests(locked.challenge, **locked.as_(user), has_conflict=True, note="Late.")
    assert list(Score.objects.order_by("pk").values_list("score", "comment")) == before


def test_consensus_starts_at_the_mean_and_the_ranking_flags_spread(locked):
    first = locked.proposal_of(0)
    assert set(ConsensusScore.objects.filter(proposal=first).values_list("mean", flat=True)) == {Decimal("2.000")}
    rows = evaluation.ranking(locked.challenge, viewer=locked.viewer(locked.owner))
    assert len(rows) == 4
    by_proposal = {row.proposal.pk: row for row in rows}
    # Every proposal averages 2 of 4 on each criterion: 50.00 each.
    assert {row.total for row in rows} == {Decimal("50.00")}
    assert by_proposal[first.pk].flags == [c.name for c in criteria(locked)]  # 4 − 0 = 100% of the scale
    assert all(not by_proposal[locked.proposal_of(i).pk].flags for i in (1, 2, 3))
    cell = by_proposal[first.pk].cells[0]
    assert sorted(value for _, value, _ in cell.individual) == [0, 2, 4]
    # Every panel member sees all scores now; others do not.
    for user in (locked.steward, locked.admin, locked.evaluators[1]):
        assert len(evaluation.ranking(locked.challenge, viewer=locked.viewer(user))) == 4
    for user in (locked.member, locked.applicants[0][1], locked.stranger):
        with pytest.raises((Forbidden, NotFound)):
            evaluation.ranking(locked.challenge, viewer=locked.viewer(user))


def test_an_override_needs_a_rationale_and_keeps_its_history(locked):
    proposal = locked.proposal_of(0)
    criterion = criteria(locked)[0]
    with pytest.raises(DomainError) as error:
        evaluation.set_consensus(proposal, criterion, **locked.as_(locked.owner), score="3", rationale="")
    assert error.value.field == "rationale"
    row = evaluation.set_consensus(
        proposal, criterion, **locked.as_(locked.steward), score="3.5",
        rationale="The panel agreed the pilot evidence was strong.", feedback="Strong understanding of residents.",
    )
    assert row.overridden and row.score == Decimal("3.5") and row.mean == Decimal("2.000")
    assert row.decided_by == locked.steward
    back = evaluation.set_consensus(proposal, criterion, **locked.as_(locked.owner), score="2", feedback="As scored.")
    assert not back.overridden
    history = evaluation.consensus_history(back)
    assert [h.rationale for h in history][:2] == ["", "The panel agreed the pilot evidence was strong."]
    rows = {r.proposal.pk: r for r in evaluation.ranking(locked.challenge, viewer=locked.viewer(locked.owner))}
    assert rows[proposal.pk].cells[0].feedback == "As scored."


def test_an_override_moves_the_ranking(locked):
    proposal = locked.proposal_of(2)
    criterion = criteria(locked)[0]
    evaluation.set_consensus(proposal, criterion, **locked.as_(locked.owner), score="4", rationale="Agreed higher.")
    rows = evaluation.ranking(locked.challenge, viewer=locked.viewer(locked.owner))
    assert rows[0].proposal == proposal
    assert rows[0].total == Decimal("70.00")  # 40×4/4 + 35×2/4 + 25×2/4 = 40 + 17.5 + 12.5
    assert rows[0].rank == 1 and rows[1].rank == 2


@pytest.mark.parametrize("score", ["5", "-0.5", "abc", "1.2345"])
def test_a_consensus_score_stays_on_the_scale(locked, score):
    with pytest.raises(DomainError):
        evaluation.set_consensus(
            locked.proposal_of(0), criteria(locked)[0], **locked.as_(locked.owner), score=score, rationale="x"
        )


@pytest.mark.parametrize("who", ["evaluator1", "member", "applicant1", "stranger"])
def test_only_owners_and_steward_set_consensus(locked, who):
    with pytest.raises((Forbidden, NotFound)):
        evaluation.set_consensus(
            locked.proposal_of(0), criteria(locked)[0], **locked.as_(locked.everyone()[who]), score="3", rationale="x"
        )
    assert not ConsensusScore.objects.filter(overridden=True).exists()


# Selection -----------------------------------------------------------------------------------


def test_owners_nominate_and_the_steward_signs_off(locked):
    top = evaluation.suggested_proposal(locked.challenge, viewer=locked.viewer(locked.owner))
    assert top is not None
    with pytest.raises(DomainError):
        evaluation.select_proposal(locked.challenge, **locked.as_(locked.owner), proposal=top, rationale="")
    with pytest.raises(Forbidden):
        evaluation.select_proposal(locked.challenge, **locked.as_(locked.steward), proposal=top, rationale="Top.")
    with pytest.raises(Forbidden):
        evaluation.sign_off(locked.challenge, **locked.as_(locked.owner))
    challenge = evaluation.select_proposal(locked.challenge, **locked.as_(locked.owner), proposal=top, rationale="Highest total.")
    assert challenge.selected_proposal == top and challenge.selection_rationale == "Highest total."
    signed = evaluation.sign_off(challenge, **locked.as_(locked.steward))
    assert signed.state == State.PARTNERED and signed.signed_off_by == locked.steward


def test_sign_off_needs_a_nominated_proposal(locked):
    with pytest.raises(DomainError):
        evaluation.sign_off(locked.challenge, **locked.as_(locked.steward))
    assert locked.refresh().state == State.SELECTION


def test_only_an_eligible_submitted_proposal_is_selected(locked):
    Proposal.objects.filter(pk=locked.proposal_of(3).pk).update(eligible=False)
    with pytest.raises(DomainError):
        evaluation.select_proposal(
            locked.challenge, **locked.as_(locked.owner), proposal=locked.proposal_of(3), rationale="x"
        )


def test_selection_needs_every_evaluation_complete(locked):
    # An evaluator added late, who has not scored, holds the selection up.
    Evaluator.objects.create(challenge=locked.challenge, user=locked.stranger, assigned_at=locked.challenge.created_at)
    with pytest.raises(DomainError) as error:
        evaluation.select_proposal(
            locked.challenge, **locked.as_(locked.owner), proposal=locked.proposal_of(0), rationale="Top."
        )
    assert error.value.code == "evaluations_incomplete"


def test_selection_only_during_selection(ev):
    with pytest.raises(Forbidden):
        evaluation.select_proposal(ev.challenge, **ev.as_(ev.owner), proposal=ev.proposal_of(0), rationale="Early.")


def test_an_owner_on_the_panel_declares_first_and_a_conflict_recuses_them_from_judging(ev):
    """The owners run the challenge, but an owner who sits on the panel is an evaluator like
    any other: nothing to read before declaring, and after a conflict no reading, consensus or
    nomination, nor the moves that judge (locking the scores for consensus); another owner
    (here an admin) does those."""
    from django.utils import timezone

    Evaluator.objects.create(challenge=ev.challenge, user=ev.owner, assigned_at=timezone.now())
    proposal = ev.proposal_of(0)
    with pytest.raises(NotFound):
        proposal_services.readable_proposal(ev.viewer(ev.owner), ev.challenge, proposal.pk)
    evaluation.declare_interests(ev.challenge, **ev.as_(ev.owner), has_conflict=True, note="I used to work for Applicant 1 Ltd.")
    with pytest.raises(NotFound):
        proposal_services.readable_proposal(ev.viewer(ev.owner), ev.challenge, proposal.pk)
    for user in ev.evaluators:
        score_all(ev, user)
        evaluation.complete_evaluation(ev.challenge, **ev.as_(user))
    with pytest.raises(Forbidden, match="recused"):
        evaluation.lock_for_consensus(ev.challenge, **ev.as_(ev.owner))
    assert ev.refresh().state == State.EVALUATION
    evaluation.lock_for_consensus(ev.challenge, **ev.as_(ev.admin))
    ev.refresh()
    criterion = criteria(ev)[0]
    with pytest.raises(Forbidden):
        evaluation.set_consensus(proposal, criterion, **ev.as_(ev.owner), score=3, rationale="Agreed.")
    with pytest.raises(Forbidden, match="declared a conflict"):
        evaluation.select_proposal(ev.challenge, **ev.as_(ev.owner), proposal=proposal, rationale="Best fit.")
    chosen = evaluation.select_proposal(ev.challenge, **ev.as_(ev.admin), proposal=proposal, rationale="Best fit.")
    assert chosen.selected_proposal_id == proposal.pk

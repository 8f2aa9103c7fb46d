"""After selection: notifications, the award notice, debriefs, co-design, surveys, lessons and
follow-on purchases (citytools.partnering.services.outcome)."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail

from citytools.core.errors import Conflict, DomainError, Forbidden, NotFound
from citytools.partnering import lifecycle
from citytools.partnering.models import (
    ConsensusScore,
    FollowOnPurchase,
    Interest,
    Notification,
    Proposal,
    Score,
    State,
    SurveyResponse,
)
from citytools.partnering.services import outcome
from tests.factories import ContractFactory, OrganisationFactory, UserFactory
from tests.partnering.evaluation_world import cast, challenge_in
from tests.partnering.world import OWNER, STEWARD

pytestmark = pytest.mark.django_db


@pytest.fixture
def c():
    return cast(applicants=3, evaluators=3)


def partnered(c, django_capture_on_commit_callbacks, **fields):
    """The cast's challenge driven through selection to partnered, with the notifications the
    sign-off sends (the signal fires once the move commits)."""
    challenge = challenge_in(c, State.SELECTION, **fields)
    challenge.selected_proposal = c.proposal_of(0)
    challenge.save()
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.transition(challenge, State.PARTNERED, actor=c.steward, roles=STEWARD)
    return c.refresh()


# Notifications -----------------------------------------------------------------------------


def test_partnering_tells_the_partner_it_was_selected_and_the_others_where_their_debrief_is(
    c, django_capture_on_commit_callbacks
):
    challenge = partnered(c, django_capture_on_commit_callbacks)
    partner_user = c.applicants[0][1]
    kinds = dict(Notification.objects.filter(challenge=challenge).values_list("user__email", "kind"))
    assert kinds == {
        partner_user.email: "selected",
        c.applicants[1][1].email: "not_selected",
        c.applicants[2][1].email: "not_selected",
    }
    loser = Notification.objects.get(challenge=challenge, user=c.applicants[1][1])
    assert f"/challenges/{challenge.slug}/debriefs/{c.proposal_of(1).pk}/" in loser.body
    # Only the reader's own result: no other applicant's name, no scores.
    for name in ("Applicant 1 Ltd", "Applicant 3 Ltd"):
        assert name not in loser.body
    # E-mails went through the (immediate, in tests) task queue.
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for _, u in c.applicants)
    assert Notification.objects.filter(challenge=challenge, sent_at__isnull=True).count() == 0


def test_cancelling_tells_everyone_engaged_the_published_reason(c, django_capture_on_commit_callbacks):
    challenge = challenge_in(c, State.PUBLISHED)
    watcher = UserFactory(email="watcher@example.org")
    Interest.objects.create(challenge=challenge, supplier=c.applicants[0][0], user=watcher, registered_at=challenge.published_at)
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.transition(challenge, State.CANCELLED, actor=c.owner, roles=OWNER, reason="The service is being merged.")
    told = set(Notification.objects.filter(challenge=challenge, kind="cancelled").values_list("user__email", flat=True))
    assert told == {watcher.email, *(u.email for _, u in c.applicants)}
    assert all("The service is being merged." in n.body for n in Notification.objects.filter(challenge=challenge))


def test_unsuccessful_close_tells_the_applicants(c, django_capture_on_commit_callbacks):
    challenge = challenge_in(c, State.SUBMISSIONS_CLOSED)
    Proposal.objects.filter(challenge=challenge).update(eligible=False)
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.transition(challenge, State.UNSUCCESSFUL, actor=c.owner, roles=OWNER, reason="No proposal was eligible.")
    assert Notification.objects.filter(challenge=challenge, kind="unsuccessful").count() == 3


def test_no_eligible_proposal_is_a_finding_of_the_screening(c):
    """Closing as unsuccessful for want of an eligible proposal needs every proposal screened
    and none passed."""
    challenge = challenge_in(c, State.SUBMISSIONS_CLOSED)
    with pytest.raises(DomainError) as unscreened:
        lifecycle.transition(challenge, State.UNSUCCESSFUL, actor=c.owner, roles=OWNER, reason="None fit.")
    assert unscreened.value.code == "unscreened"
    Proposal.objects.filter(challenge=challenge).update(eligible=False)
    Proposal.objects.filter(pk=c.proposal_of(0).pk).update(eligible=True)
    with pytest.raises(DomainError) as eligible:
        lifecycle.transition(challenge, State.UNSUCCESSFUL, actor=c.owner, roles=OWNER, reason="None fit.")
    assert eligible.value.code == "some_eligible"
    challenge.refresh_from_db()
    assert challenge.state == State.SUBMISSIONS_CLOSED


def test_moves_without_an_outcome_notify_nobody(c, django_capture_on_commit_callbacks):
    challenge = challenge_in(c, State.SELECTION)
    assert Notification.objects.filter(challenge=challenge).count() == 0


# The award notice ---------------------------------------------------------------------------------


def test_the_award_notice_is_public_and_carries_no_scores(c, django_capture_on_commit_callbacks):
    challenge = partnered(c, django_capture_on_commit_callbacks)
    notice = outcome.award_notice(challenge, viewer=c.viewer(None))
    assert notice.partner_name == "Applicant 1 Ltd"
    assert notice.partner_scale == "small"
    assert notice.proposals_received == 3
    assert notice.budget_cap == Decimal("50000") and notice.currency == "CAD"
    assert not hasattr(notice, "scores")


@pytest.mark.parametrize("state", [State.PUBLISHED, State.SELECTION])
def test_no_award_notice_before_the_sign_off(c, state):
    challenge = challenge_in(c, state)
    with pytest.raises(NotFound):
        outcome.award_notice(challenge, viewer=c.viewer(c.owner))


# Debriefs ------------------------------------------------------------------------------------------------


def test_a_debrief_gives_scores_weights_total_rank_and_anonymous_feedback(c, django_capture_on_commit_callbacks):
    challenge = partnered(c, django_capture_on_commit_callbacks)
    proposal = c.proposal_of(1)  # scored 3 of 4 by everyone on everything
    first = challenge.criteria.first()
    ConsensusScore.objects.filter(proposal=proposal, criterion=first).update(feedback="Clear grasp of the problem.")
    debrief = outcome.debrief(challenge, viewer=c.viewer(c.applicants[1][1]), proposal_id=proposal.pk)
    assert (debrief.rank, debrief.of, debrief.selected) == (2, 3, False)
    assert debrief.total == Decimal("75.00")  # 3/4 on every criterion
    assert [(line.criterion, line.weight, line.scale_max, line.score) for line in debrief.lines] == [
        (cr.name, cr.weight, 4, Decimal("3.000")) for cr in challenge.criteria.all()
    ]
    # The applicant reads no feedback until the owners release it, and never the raw comments.
    assert debrief.lines[0].feedback == "" and debrief.lines[0].comments == [] and not debrief.released
    for_owner = outcome.debrief(challenge, viewer=c.viewer(c.owner), proposal_id=proposal.pk)
    assert for_owner.lines[0].feedback == "Clear grasp of the problem."
    assert [who for who, _ in for_owner.lines[0].comments] == ["Evaluator 1", "Evaluator 2", "Evaluator 3"]
    assert all("Rank 2" in text for _, text in for_owner.lines[0].comments)
    # (The cast's evaluators are called "Evaluator N" too, so check they are not named by e-mail.)
    flat = repr(for_owner.lines)
    assert not any(u.email in flat or u.email.split("@")[0] in flat for u in c.evaluators)


def test_the_partner_debrief_says_selected(c, django_capture_on_commit_callbacks):
    challenge = partnered(c, django_capture_on_commit_callbacks)
    debrief = outcome.debrief(challenge, viewer=c.viewer(c.applicants[0][1]), proposal_id=c.proposal_of(0).pk)
    assert (debrief.rank, debrief.selected, debrief.total) == (1, True, Decimal("100.00"))


@pytest.mark.parametrize("who", ["owner", "steward", "admin"])
def test_owners_and_the_steward_read_every_debrief(c, django_capture_on_commit_callbacks, who):
    challenge = partnered(c, django_capture_on_commit_callbacks)
    user = c.everyone()[who]
    assert len(outcome.debrief_proposals(challenge, viewer=c.viewer(user))) == 3
    outcome.debrief(challenge, viewer=c.viewer(user), proposal_id=c.proposal_of(2).pk)


@pytest.mark.parametrize("who", ["applicant2", "applicant3", "evaluator1", "member", "stranger", "public"])
def test_nobody_else_reads_an_applicants_debrief(c, django_capture_on_commit_callbacks, who):
    challenge = partnered(c, django_capture_on_commit_callbacks)
    with pytest.raises(NotFound):
        outcome.debrief(challenge, viewer=c.viewer(c.everyone()[who]), proposal_id=c.proposal_of(0).pk)


def test_an_applicant_lists_only_their_own_debrief(c, django_capture_on_commit_callbacks):
    challenge = partnered(c, django_capture_on_commit_callbacks)
    assert [p.pk for p in outcome.debrief_proposals(challenge, viewer=c.viewer(c.applicants[2][1]))] == [c.proposal_of(2).pk]


def test_no_debrief_before_the_sign_off(c):
    challenge = challenge_in(c, State.SELECTION)
    with pytest.raises(NotFound):
        outcome.debrief(challenge, viewer=c.viewer(c.owner), proposal_id=c.proposal_of(0).pk)


def test_unsuccessful_after_consensus_still_debriefs(c):
    challenge = challenge_in(c, State.SELECTION)
    lifecycle.transition(challenge, State.UNSUCCESSFUL, actor=c.owner, roles=OWNER, reason="Nobody fits the budget.")
    challenge.refresh_from_db()
    debrief = outcome.debrief(challenge, viewer=c.viewer(c.applicants[0][1]), proposal_id=c.proposal_of(0).pk)
    assert debrief.rank == 1 and not debrief.selected


def test_a_screened_out_proposal_gets_a_debrief_without_scores(c, django_capture_on_commit_callbacks):
    challenge = challenge_in(c, State.EVALUATION)
    Score.objects.filter(proposal__challenge=challenge).delete()
    Proposal.objects.filter(pk=c.proposal_of(2).pk).update(eligible=False)
    challenge = partnered_from_evaluation(c, challenge, django_capture_on_commit_callbacks)
    debrief = outcome.debrief(challenge, viewer=c.viewer(c.applicants[2][1]), proposal_id=c.proposal_of(2).pk)
    assert (debrief.scored, debrief.of, debrief.lines) == (False, 2, [])


def test_closed_for_want_of_an_eligible_proposal_every_applicant_reads_why(c):
    """No proposal passed the screening: each applicant's debrief quotes the screeners' notes,
    criterion by criterion; nobody else's."""
    from citytools.partnering.services import proposals as proposal_services

    challenge = challenge_in(c, State.SUBMISSIONS_CLOSED)
    criteria = list(challenge.eligibility_criteria.all())
    for index in range(len(c.applicants)):
        decisions = {criteria[0].pk: (True, ""), criteria[1].pk: (False, f"No insurance certificate from applicant {index + 1}.")}
        proposal_services.screen_proposal(c.proposal_of(index), **c.as_(c.owner), decisions=decisions)
    lifecycle.transition(challenge, State.UNSUCCESSFUL, actor=c.owner, roles=OWNER, reason="No proposal was eligible.")
    challenge.refresh_from_db()
    debrief = outcome.debrief(challenge, viewer=c.viewer(c.applicants[1][1]), proposal_id=c.proposal_of(1).pk)
    assert not debrief.scored and debrief.of == 0
    assert debrief.eligibility == [(criteria[0].text, True, ""), (criteria[1].text, False, "No insurance certificate from applicant 2.")]
    with pytest.raises(NotFound):
        outcome.debrief(challenge, viewer=c.viewer(c.applicants[1][1]), proposal_id=c.proposal_of(0).pk)


def partnered_from_evaluation(c, challenge, capture):
    when = challenge.submission_deadline + datetime.timedelta(days=5)
    for evaluator in challenge.evaluators.all():
        for rank, proposal in enumerate(challenge.proposals.filter(eligible=True).order_by("pk")):
            for criterion in challenge.criteria.all():
                Score.objects.create(
                    evaluator=evaluator, proposal=proposal, criterion=criterion, score=4 - rank, comment="Fine.", updated_at=when
                )
        evaluator.completed_at = when
        evaluator.save()
    lifecycle.transition(challenge, State.SELECTION, actor=c.owner, roles=OWNER, now=when)
    challenge.refresh_from_db()
    challenge.selected_proposal = c.proposal_of(0)
    challenge.save()
    with capture(execute=True):
        lifecycle.transition(challenge, State.PARTNERED, actor=c.steward, roles=STEWARD)
    return c.refresh()


# Co-design -------------------------------------------------------------------------------------------


def test_owners_and_the_partner_run_the_codesign(c, django_capture_on_commit_callbacks):
    challenge = partnered(c, django_capture_on_commit_callbacks)
    partner = c.applicants[0][1]
    m = outcome.add_milestone(challenge, **c.as_(c.owner), title="First prototype", due_date=datetime.date(2030, 1, 10))
    outcome.add_milestone(challenge, **c.as_(partner), title="Test with residents", due_date=datetime.date(2030, 2, 10))
    outcome.mark_milestone_done(challenge, **c.as_(partner), milestone_id=m.pk, today=datetime.date(2030, 1, 9))
    outcome.add_check_in(challenge, **c.as_(partner), status="at_risk", note="Recruiting residents is slow.")
    progress = outcome.progress(challenge, viewer=c.viewer(c.member), today=datetime.date(2030, 3, 1))
    assert [m.title for m in progress.milestones] == ["First prototype", "Test with residents"]
    assert (progress.done, progress.overdue, progress.latest_status) == (1, 1, "At risk")


@pytest.mark.parametrize("who", ["applicant2", "evaluator1", "member", "steward"])
def test_others_do_not_write_the_codesign(c, django_capture_on_commit_callbacks, who):
    challenge = partnered(c, django_capture_on_commit_callbacks)
    with pytest.raises((Forbidden, NotFound)):
        outcome.add_check_in(challenge, **c.as_(c.everyone()[who]), status="on_track", note="Fine.")


@pytest.mark.parametrize("who", ["applicant2", "stranger", "public"])
def test_outsiders_do_not_follow_the_codesign(c, django_capture_on_commit_callbacks, who):
    challenge = partnered(c, django_capture_on_commit_callbacks)
    with pytest.raises(NotFound):
        outcome.progress(challenge, viewer=c.viewer(c.everyone()[who]))


def test_a_check_in_needs_a_known_status_and_a_note(c, django_capture_on_commit_callbacks):
    challenge = partnered(c, django_capture_on_commit_callbacks)
    with pytest.raises(DomainError) as error:
        outcome.add_check_in(challenge, **c.as_(c.owner), status="fine", note="x")
    assert error.value.field == "status"
    with pytest.raises(DomainError) as error:
        outcome.add_check_in(challenge, **c.as_(c.owner), status="on_track", note="  ")
    assert error.value.field == "note"


def test_no_codesign_before_the_award(c):
    challenge = challenge_in(c, State.SELECTION)
    with pytest.raises(NotFound):
        outcome.add_milestone(challenge, **c.as_(c.owner), title="Too soon", due_date=datetime.date(2030, 1, 1))


# Surveys and lessons --------------------------------------------------------------------------------


def answer(c, challenge, user, **overrides):
    values = {"satisfaction": 4, "clarity": 5, "effort_hours": 12, "would_apply_again": True, "keep": "Short form.", "change": ""}
    values.update(overrides)
    return outcome.respond_to_survey(challenge, **c.as_(user), **values)


def test_applicants_the_partner_and_owners_answer_once_at_close_out(c):
    challenge = challenge_in(c, State.CLOSED_OUT)
    assert answer(c, challenge, c.applicants[0][1]).respondent == "partner"
    assert answer(c, challenge, c.applicants[1][1]).respondent == "applicant"
    assert answer(c, challenge, c.owner).respondent == "owner"
    with pytest.raises(Conflict):
        answer(c, challenge, c.applicants[1][1])
    assert SurveyResponse.objects.filter(challenge=challenge).count() == 3


@pytest.mark.parametrize("who", ["evaluator1", "member", "steward", "stranger"])
def test_others_do_not_answer(c, who):
    challenge = challenge_in(c, State.CLOSED_OUT)
    with pytest.raises(Forbidden):
        answer(c, challenge, c.everyone()[who])


def test_the_survey_opens_at_the_demo(c, django_capture_on_commit_callbacks):
    challenge = partnered(c, django_capture_on_commit_callbacks)
    with pytest.raises(DomainError):
        answer(c, challenge, c.applicants[1][1])


@pytest.mark.parametrize("field_name", ["satisfaction", "clarity"])
def test_scores_run_from_1_to_5(c, field_name):
    challenge = challenge_in(c, State.DEMO)
    with pytest.raises(DomainError) as error:
        answer(c, challenge, c.applicants[1][1], **{field_name: 6})
    assert error.value.field == field_name


def test_results_in_aggregate_for_the_steward_and_comments_only_for_owners(c):
    challenge = challenge_in(c, State.CLOSED_OUT)
    answer(c, challenge, c.applicants[0][1], satisfaction=5, change="Fewer dates.")
    answer(c, challenge, c.applicants[1][1], satisfaction=2, would_apply_again=False, change="Bigger budget.")
    for_steward = outcome.survey_summary(challenge, viewer=c.viewer(c.steward))
    assert (for_steward.responses, for_steward.satisfaction, for_steward.comments) == (2, 3.5, None)
    assert (for_steward.would_apply_again, for_steward.answered_apply_again) == (1, 2)
    for_owner = outcome.survey_summary(challenge, viewer=c.viewer(c.owner))
    assert {row["change"] for row in for_owner.comments} == {"Fewer dates.", "Bigger budget."}
    for who in ("applicant1", "evaluator1", "member", "public"):
        with pytest.raises(NotFound):
            outcome.survey_summary(challenge, viewer=c.viewer(c.everyone()[who]))


def test_lessons_pool_closed_out_challenges_and_show_comments_to_their_owners_only(c):
    challenge = challenge_in(c, State.CLOSED_OUT)
    answer(c, challenge, c.applicants[0][1], satisfaction=5, change="Publish the dates earlier.")
    answer(c, challenge, c.applicants[1][1], satisfaction=3)
    answer(c, challenge, c.owner, satisfaction=1, change="Owners' own view is not a lesson from applicants.")
    mine = outcome.lessons(c.organisation, viewer=c.viewer(c.owner))
    assert (mine.challenges, mine.responses, mine.satisfaction) == (1, 2, 4.0)
    assert mine.changes == [(challenge.title, "Publish the dates earlier.")]
    other = OrganisationFactory(slug="elsewhere")
    assert outcome.lessons(other, viewer=c.viewer(c.owner)).responses == 0
    outsider = outcome.lessons(None, viewer=c.viewer(c.stranger))
    assert (outsider.responses, outsider.changes) == (2, [])


# Follow-on purchases ----------------------------------------------------------------------------


def test_owners_link_a_contract_with_the_partner(c, django_capture_on_commit_callbacks):
    challenge = partnered(c, django_capture_on_commit_callbacks)
    contract = ContractFactory(organisation=c.organisation, supplier=c.applicants[0][0], title="311 status page")
    outcome.record_purchase(challenge, **c.as_(c.owner), contract=contract, note="Licences for two years.")
    assert [p.contract.title for p in outcome.award_notice(challenge, viewer=c.viewer(c.owner)).purchases] == ["311 status page"]
    with pytest.raises(Conflict):
        outcome.record_purchase(challenge, **c.as_(c.owner), contract=contract)


def test_a_purchase_must_be_an_owners_contract_with_the_partner(c, django_capture_on_commit_callbacks):
    challenge = partnered(c, django_capture_on_commit_callbacks)
    other_supplier = ContractFactory(organisation=c.organisation, supplier=c.applicants[1][0])
    other_buyer = ContractFactory(supplier=c.applicants[0][0])
    for contract in (other_supplier, other_buyer):
        with pytest.raises(DomainError) as error:
            outcome.record_purchase(challenge, **c.as_(c.owner), contract=contract)
        assert error.value.field == "contract"
    assert FollowOnPurchase.objects.count() == 0


@pytest.mark.parametrize("who", ["steward", "member", "applicant1"])
def test_only_owners_record_a_purchase(c, django_capture_on_commit_callbacks, who):
    challenge = partnered(c, django_capture_on_commit_callbacks)
    contract = ContractFactory(organisation=c.organisation, supplier=c.applicants[0][0])
    with pytest.raises(Forbidden):
        outcome.record_purchase(challenge, **c.as_(c.everyone()[who]), contract=contract)


def test_a_confidential_purchase_is_shown_only_to_those_who_see_the_contract(c, django_capture_on_commit_callbacks):
    challenge = partnered(c, django_capture_on_commit_callbacks)
    contract = ContractFactory(organisation=c.organisation, supplier=c.applicants[0][0], confidential=True)
    outcome.record_purchase(challenge, **c.as_(c.owner), contract=contract)
    assert len(outcome.purchases(challenge, viewer=c.viewer(c.member))) == 1
    assert outcome.purchases(challenge, viewer=c.viewer(None)) == []


def test_notifications_for_lists_only_the_persons_own(c, django_capture_on_commit_callbacks):
    partnered(c, django_capture_on_commit_callbacks)
    mine = outcome.notifications_for(c.applicants[1][1])
    assert [n.kind for n in mine] == ["not_selected"]
    assert outcome.notifications_for(c.owner) == []

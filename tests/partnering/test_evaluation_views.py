"""The evaluation pages: declaration, scoring list and form, finishing, consensus (table and
chart), a consensus edit, nomination and the steward's sign-off; success and refusal."""

import pytest
from django.test import Client
from django.urls import reverse

from citytools.partnering.models import ConsensusScore, Score, State
from citytools.partnering.services import evaluation
from tests.partnering.evaluation_world import cast, challenge_in

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def url(name, challenge, *args):
    return reverse(f"partnering:{name}", args=[challenge.slug, *args])


def score_data(challenge, value=3, comment="Evidence in the plan."):
    data = {}
    for criterion in challenge.criteria.all():
        data[f"score_{criterion.pk}"] = str(value)
        data[f"comment_{criterion.pk}"] = comment
    return data


def test_an_evaluator_declares_scores_and_finishes_through_the_pages():
    world = cast(applicants=2)
    challenge = challenge_in(world, State.SUBMISSIONS_CLOSED)
    for proposal in challenge.proposals.all():
        proposal.eligible = True
        proposal.save()
    user = world.evaluators[0]
    client = client_for(user)
    page = client.get(url("declaration", challenge))
    assert page.status_code == 200
    assert b"Applicant 1 Ltd" in page.content and b"Applicant 2 Ltd" in page.content
    assert b"would map every request" not in page.content  # names, never proposals
    assert client.post(url("declaration", challenge), {"conflict": "no"}).status_code == 303
    from citytools.partnering import lifecycle
    from citytools.partnering.access import roles_for

    lifecycle.transition(challenge, State.EVALUATION, actor=world.owner, roles=roles_for(world.viewer(world.owner), challenge))
    challenge.refresh_from_db()
    listing = client.get(url("scoring", challenge))
    assert listing.status_code == 200 and b"0 of 6" in listing.content
    proposal = world.proposal_of(0)
    form = client.get(url("score_proposal", challenge, proposal.pk))
    assert form.status_code == 200
    assert b"4 \xe2\x80\x93 Excellent" in form.content  # each level with its text
    missing_comment = {**score_data(challenge), f"comment_{challenge.criteria.first().pk}": ""}
    refused = client.post(url("score_proposal", challenge, proposal.pk), missing_comment)
    assert refused.status_code == 400 and b"Give the reason" in refused.content
    assert not Score.objects.exists()
    assert client.post(url("score_proposal", challenge, proposal.pk), score_data(challenge)).status_code == 303
    early = client.post(url("scoring_complete", challenge), follow=True)
    assert b"3 scores still missing" in early.content
    client.post(url("score_proposal", challenge, world.proposal_of(1).pk), score_data(challenge, 2))
    assert client.post(url("scoring_complete", challenge)).status_code == 303
    assert world.evaluator(user).completed_at is not None


def test_a_conflict_recuses_through_the_page():
    world = cast(applicants=2)
    challenge = challenge_in(world, State.SUBMISSIONS_CLOSED)
    client = client_for(world.evaluators[1])
    assert client.post(url("declaration", challenge), {"conflict": "yes", "note": ""}).status_code == 400
    assert client.post(url("declaration", challenge), {"conflict": "yes", "note": "I advise Applicant 1."}).status_code == 303
    page = client.get(url("declaration", challenge))
    assert b'id="recused"' in page.content
    assert client.get(url("proposal_detail", challenge, world.proposal_of(0).pk)).status_code == 404


@pytest.mark.parametrize("who,status", [("owner", 403), ("steward", 403), ("applicant1", 403), ("public", 302)])
def test_only_evaluators_have_declaration_and_scoring_pages(who, status):
    world = cast(applicants=1)
    challenge = challenge_in(world, State.EVALUATION)
    client = client_for(world.everyone()[who])
    for name in ("declaration", "scoring"):
        assert client.get(url(name, challenge)).status_code == status


def test_blind_scoring_pages_show_letters():
    world = cast(applicants=2)
    challenge = challenge_in(world, State.EVALUATION, blind_scoring=True)
    # The test world's summaries name the firm; blind scoring hides what the platform shows.
    challenge.proposals.update(summary="An anonymous idea.")
    client = client_for(world.evaluators[0])
    listing = client.get(url("scoring", challenge))
    assert b"Proposal A" in listing.content and b"Proposal B" in listing.content
    assert b"Applicant 1 Ltd" not in listing.content
    form = client.get(url("score_proposal", challenge, world.proposal_of(1).pk))
    assert b"Score Proposal B" in form.content and b"Applicant 2 Ltd" not in form.content
    detail = client.get(url("proposal_detail", challenge, world.proposal_of(0).pk))
    assert b"Proposal A" in detail.content and b"Applicant 1 Ltd" not in detail.content
    panel = client.get(url("proposals", challenge))
    assert b"Proposal A" in panel.content and b"Applicant 1 Ltd" not in panel.content
    # The owners still see names.
    assert b"Applicant 1 Ltd" in client_for(world.owner).get(url("proposals", challenge)).content


def test_scores_do_not_change_after_the_lock_through_the_page():
    world = cast(applicants=2)
    challenge = challenge_in(world, State.SELECTION)
    client = client_for(world.evaluators[0])
    proposal = world.proposal_of(0)
    before = list(Score.objects.order_by("pk").values_list("score", flat=True))
    page = client.get(url("score_proposal", challenge, proposal.pk))
    assert page.status_code == 200 and b'id="score-form"' not in page.content
    assert client.post(url("score_proposal", challenge, proposal.pk), score_data(challenge, 0)).status_code == 403
    assert client.post(url("scoring_complete", challenge)).status_code == 403
    assert list(Score.objects.order_by("pk").values_list("score", flat=True)) == before


def test_consensus_table_chart_and_an_override():
    world = cast(applicants=2)
    challenge = challenge_in(world, State.SELECTION)
    owner = client_for(world.owner)
    page = owner.get(url("consensus", challenge))
    assert page.status_code == 200
    assert b'id="consensus"' in page.content and b"consensus-totals-spec" in page.content
    assert b"Table of" in page.content  # the chart's table alternative
    first = world.proposal_of(0)
    criterion = challenge.criteria.first()
    edit = url("consensus_edit", challenge, first.pk, criterion.pk)
    assert owner.get(edit).status_code == 200
    refused = owner.post(edit, {"score": "1", "rationale": ""})
    assert refused.status_code == 400 and b"rationale" in refused.content
    assert owner.post(edit, {"score": "1", "rationale": "Agreed lower.", "feedback": "Say more about residents."}).status_code == 303
    row = ConsensusScore.objects.get(proposal=first, criterion=criterion)
    assert row.overridden and row.rationale == "Agreed lower."
    # Saving it again unchanged agrees nothing new (issue 13, item 2): no history row, same decision.
    history, decided_at = row.history.count(), row.decided_at
    assert owner.post(edit, {"score": "1", "rationale": "Agreed lower.", "feedback": "Say more about residents."}).status_code == 303
    row.refresh_from_db()
    assert (row.history.count(), row.decided_at) == (history, decided_at)
    page = owner.get(url("consensus", challenge))
    assert b"Agreed lower." in page.content and b"Overridden" in page.content
    # Evaluators see the table once locked but cannot change it; outsiders see nothing.
    evaluator = client_for(world.evaluators[0])
    assert evaluator.get(url("consensus", challenge)).status_code == 200
    assert evaluator.post(edit, {"score": "4", "rationale": "x"}).status_code == 403
    for who in ("member", "applicant1", "stranger"):
        assert client_for(world.everyone()[who]).get(url("consensus", challenge)).status_code in (403, 404)


def test_consensus_is_refused_before_the_lock():
    world = cast(applicants=2)
    challenge = challenge_in(world, State.EVALUATION)
    for who in ("owner", "steward", "evaluator1"):
        assert client_for(world.everyone()[who]).get(url("consensus", challenge)).status_code == 403


def test_owners_nominate_and_the_steward_signs_off_through_the_pages():
    world = cast(applicants=2)
    challenge = challenge_in(world, State.SELECTION)
    owner = client_for(world.owner)
    page = owner.get(url("selection", challenge))
    assert page.status_code == 200 and b'id="selection-form"' in page.content
    top = evaluation.ranking(challenge, viewer=world.viewer(world.owner))[0].proposal
    assert f'value="{top.pk}" id="id_proposal_0" checked'.encode() in page.content  # the top-ranked suggested
    assert owner.post(url("selection", challenge), {"proposal": top.pk, "rationale": ""}).status_code == 400
    steward = client_for(world.steward)
    assert steward.post(url("selection", challenge), {"proposal": top.pk, "rationale": "x"}).status_code == 403
    assert owner.post(url("selection_sign_off", challenge)).status_code == 403
    assert owner.post(url("selection", challenge), {"proposal": top.pk, "rationale": "Highest total.", "version": challenge.version}).status_code == 303
    sign_page = steward.get(url("selection", challenge))
    assert b'id="sign-off-form"' in sign_page.content and b"Highest total." in sign_page.content
    assert steward.post(url("selection_sign_off", challenge)).status_code == 303
    challenge.refresh_from_db()
    assert challenge.state == State.PARTNERED and challenge.signed_off_by == world.steward


def test_sign_off_without_a_nomination_comes_back_with_the_reason():
    world = cast(applicants=2)
    challenge = challenge_in(world, State.SELECTION)
    response = client_for(world.steward).post(url("selection_sign_off", challenge), follow=True)
    assert b"Choose the proposal to partner with first" in response.content
    challenge.refresh_from_db()
    assert challenge.state == State.SELECTION


def test_evaluation_links_follow_the_stage():
    from citytools.partnering.access import roles_for
    from citytools.partnering.views.evaluation import nav_links

    world = cast(applicants=1)
    challenge = challenge_in(world, State.SELECTION)

    def labels(user):
        viewer = world.viewer(user)
        return [label for label, _ in nav_links(challenge, roles_for(viewer, challenge), viewer)]

    assert labels(world.evaluators[0]) == [
        "Conflict of interest declaration", "Your scoring", "Consensus scores and ranking", "Selection",
    ]
    assert labels(world.owner) == ["Consensus scores and ranking", "Selection"]
    assert labels(world.applicants[0][1]) == []


def test_an_owner_who_declared_a_conflict_cannot_lock_the_scores_through_the_page_or_the_api():
    """Locking the scores for consensus judges the proposals: an owner recused by a conflict
    is not offered it, and is refused it on the page and through the API; another owner can."""
    from django.utils import timezone

    from citytools.partnering.models import Evaluator

    world = cast(applicants=2)
    challenge = challenge_in(world, State.EVALUATION)
    Evaluator.objects.create(challenge=challenge, user=world.owner, assigned_at=timezone.now())
    owner = client_for(world.owner)
    assert owner.post(url("declaration", challenge), {"conflict": "yes", "note": "I advise Applicant 1."}).status_code == 303
    # The rest of the panel has finished scoring: only the owner's recusal stands in the way.
    Evaluator.objects.filter(challenge=challenge, has_conflict=False).update(completed_at=timezone.now())
    challenge.refresh_from_db()
    page = owner.get(challenge.get_absolute_url()).content.decode()
    assert "Lock scores for consensus" not in page and "Start evaluation" not in page
    assert "?to=selection" not in owner.get(url("challenge_move", challenge) + "?to=cancelled").content.decode()
    refused = owner.post(url("challenge_move", challenge), {"to": "selection", "reason": "", "version": challenge.version})
    assert refused.status_code == 403
    api = owner.post(f"/api/v1/challenges/{challenge.slug}/moves", {"to": "selection"}, content_type="application/json")
    assert api.status_code == 403 and api["Content-Type"] == "application/problem+json"
    assert "recused" in api.json()["detail"]
    challenge.refresh_from_db()
    assert challenge.state == State.EVALUATION
    # Another owner of the challenge (an admin) may.
    done = client_for(world.admin).post(
        url("challenge_move", challenge), {"to": "selection", "reason": "", "version": challenge.version}
    )
    assert done.status_code == 303
    challenge.refresh_from_db()
    assert challenge.state == State.SELECTION

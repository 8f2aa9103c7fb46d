"""Debriefs (issue 13, item 19): the applicant never reads an evaluator's raw comment; the
owners review the feedback on each criterion (drafted from the panel's feedback or the
comments) and release it, through one service used by the page and the API."""

import json

import pytest
from django.test import Client
from django.urls import reverse

from citytools.core.errors import DomainError, Forbidden, NotFound
from citytools.partnering.models import ConsensusScore, Notification, Proposal, Score, State
from citytools.partnering.services import outcome
from tests.partnering.evaluation_world import cast, challenge_in

pytestmark = pytest.mark.django_db

RAW = "Their plan ignores the night shift entirely."


@pytest.fixture
def c():
    world = cast(applicants=3, evaluators=2)
    challenge_in(world, State.PARTNERED)
    Score.objects.filter(proposal=world.proposal_of(1)).update(comment=RAW)
    return world


def client(user=None) -> Client:
    browser = Client()
    if user is not None:
        browser.force_login(user)
    return browser


def page(c, name, user, **kwargs):
    return client(user).get(reverse(f"partnering:{name}", kwargs={"slug": c.challenge.slug, **kwargs}))


def feedback_for(c, proposal, text="Good grasp of the problem; show more evidence."):
    return {cr.pk: text for cr in c.challenge.criteria.all()}


def test_an_applicant_never_reads_an_evaluators_comment_before_or_after_release(c):
    proposal = c.proposal_of(1)
    applicant = c.applicants[1][1]
    before = page(c, "debrief_proposal", applicant, pk=proposal.pk).content.decode()
    assert RAW not in before and "The owners are reviewing" in before
    api = client(applicant).get(f"/api/v1/challenges/{c.challenge.slug}/debriefs/{proposal.pk}").content.decode()
    assert RAW not in api
    assert RAW in page(c, "debrief_proposal", c.owner, pk=proposal.pk).content.decode()  # the owners write from it
    outcome.release_debrief(c.challenge, **c.as_(c.owner), proposal_id=proposal.pk, feedback=feedback_for(c, proposal))
    after = page(c, "debrief_proposal", applicant, pk=proposal.pk).content.decode()
    assert "Good grasp of the problem; show more evidence." in after and RAW not in after


def test_the_review_page_drafts_from_the_comments_and_nothing_is_sent_until_released(c):
    proposal = c.proposal_of(1)
    review = page(c, "debrief_release", c.owner, pk=proposal.pk)
    assert review.status_code == 200
    assert review.content.decode().count(RAW) >= 2  # the draft in each box, and the comments beside it
    assert Proposal.objects.get(pk=proposal.pk).debrief_released_at is None
    assert not Notification.objects.filter(kind="debrief_released").exists()
    url = reverse("partnering:debrief_release", kwargs={"slug": c.challenge.slug, "pk": proposal.pk})
    criteria = list(c.challenge.criteria.all())
    empty = client(c.owner).post(url, {f"feedback_{cr.pk}": "" for cr in criteria})
    assert empty.status_code == 400 and "Write the feedback on every criterion" in empty.content.decode()
    assert Proposal.objects.get(pk=proposal.pk).debrief_released_at is None
    done = client(c.owner).post(url, {f"feedback_{cr.pk}": f"Panel view on {cr.name}." for cr in criteria})
    assert done.status_code == 303
    assert Proposal.objects.get(pk=proposal.pk).debrief_released_at is not None
    assert ConsensusScore.objects.get(proposal=proposal, criterion=criteria[0]).feedback == f"Panel view on {criteria[0].name}."
    told = Notification.objects.filter(kind="debrief_released")
    assert {n.user for n in told} == {c.applicants[1][1]} and all(RAW not in n.body for n in told)


@pytest.mark.parametrize("who", ["steward", "evaluator1", "applicant2", "stranger", "member"])
def test_only_the_owners_release(c, who):
    user = c.everyone()[who]
    proposal = c.proposal_of(1)
    with pytest.raises((Forbidden, NotFound)):
        outcome.release_debrief(c.challenge, **c.as_(user), proposal_id=proposal.pk, feedback=feedback_for(c, proposal))
    assert page(c, "debrief_release", user, pk=proposal.pk).status_code in (403, 404)
    assert Proposal.objects.get(pk=proposal.pk).debrief_released_at is None


def test_an_unknown_criterion_is_refused_and_nothing_is_written(c):
    proposal = c.proposal_of(1)
    with pytest.raises(DomainError, match="no criterion"):
        outcome.release_debrief(c.challenge, **c.as_(c.owner), proposal_id=proposal.pk, feedback={**feedback_for(c, proposal), 999999: "x"})
    assert Proposal.objects.get(pk=proposal.pk).debrief_released_at is None
    assert not ConsensusScore.objects.filter(proposal=proposal).exclude(feedback="").exists()


def test_the_api_releases_and_refuses_the_applicant(c):
    proposal = c.proposal_of(1)
    path = f"/api/v1/challenges/{c.challenge.slug}/debriefs/{proposal.pk}/release"
    body = json.dumps({"feedback": {str(k): v for k, v in feedback_for(c, proposal).items()}})
    assert client(c.applicants[1][1]).post(path, body, content_type="application/json").status_code == 403
    bad = client(c.owner).post(path, json.dumps({"feedback": {}}), content_type="application/json")
    assert bad.status_code == 400 and bad["Content-Type"].startswith("application/problem+json")
    done = client(c.owner).post(path, body, content_type="application/json")
    assert done.status_code == 200 and done.json()["released"] is True
    read = client(c.applicants[1][1]).get(f"/api/v1/challenges/{c.challenge.slug}/debriefs/{proposal.pk}").json()
    assert read["lines"][0]["feedback"] == "Good grasp of the problem; show more evidence." and read["lines"][0]["comments"] == []


def test_the_owners_list_says_which_feedback_is_released(c):
    listing = page(c, "debriefs", c.owner).content.decode()
    assert listing.count("feedback not released yet") == 3
    proposal = c.proposal_of(1)
    outcome.release_debrief(c.challenge, **c.as_(c.owner), proposal_id=proposal.pk, feedback=feedback_for(c, proposal))
    listing = page(c, "debriefs", c.owner).content.decode()
    assert listing.count("feedback not released yet") == 2 and listing.count("feedback released") == 1

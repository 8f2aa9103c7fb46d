"""The proposals API: the applicant's proposal, attachments (multipart), receipt; the panel's
count and list; eligibility. Success and refusal for each operation."""

import hashlib
import json

import pytest
from django.test import Client

from citytools.partnering.models import Attachment, Proposal, State
from citytools.partnering.services import proposals as services
from tests.partnering.evaluation_world import (
    FORM,
    PDF,
    PE,
    cast,
    challenge_in,
    open_challenge,
    upload,
)

pytestmark = pytest.mark.django_db

BASE = "/api/v1/challenges"


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def put(client, path, body, **headers):
    return client.put(path, json.dumps(body), content_type="application/json", headers=headers)


def post(client, path, body=None):
    return client.post(path, json.dumps(body or {}), content_type="application/json")


@pytest.fixture
def c():
    world = cast()
    open_challenge(world)
    return world


def test_an_applicant_saves_attaches_submits_and_checks_the_receipt(c):
    user = c.applicants[0][1]
    client = client_for(user)
    slug = c.challenge.slug
    assert client.get(f"{BASE}/{slug}/proposal").status_code == 404  # not started
    saved = put(client, f"{BASE}/{slug}/proposal", FORM)
    assert saved.status_code == 200, saved.content
    assert saved["ETag"] == '"1"'
    assert saved.json()["status"] == "draft" and saved.json()["price"] == "45000.00"
    stale = put(client, f"{BASE}/{slug}/proposal", {**FORM, "summary": "Changed"}, **{"If-Match": '"7"'})
    assert stale.status_code == 412
    fresh = put(client, f"{BASE}/{slug}/proposal", {**FORM, "summary": "Changed"}, **{"If-Match": '"1"'})
    assert fresh.status_code == 200 and fresh.json()["version"] == 2
    attached = client.post(f"{BASE}/{slug}/proposal/attachments", {"file": upload("plan.pdf", PDF)})
    assert attached.status_code == 201, attached.content
    assert attached.json()["sha256"] == hashlib.sha256(PDF).hexdigest()
    refused = client.post(f"{BASE}/{slug}/proposal/attachments", {"file": upload("setup.pdf", PE)})
    assert refused.status_code == 400
    assert refused["Content-Type"] == "application/problem+json"
    assert "Programs" in refused.json()["detail"]
    missing = client.post(f"{BASE}/{slug}/proposal/attachments", {})
    assert missing.status_code == 400
    submitted = post(client, f"{BASE}/{slug}/proposal/submit")
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    receipt = client.get(f"{BASE}/{slug}/proposal/receipt").json()
    derived = hashlib.sha256(
        json.dumps(receipt["document"], sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    ).hexdigest()
    assert derived == receipt["sha256"] == submitted.json()["receipt_hash"]
    withdrawn = post(client, f"{BASE}/{slug}/proposal/withdraw")
    assert withdrawn.json()["status"] == "withdrawn"
    attachment = Attachment.objects.get()
    assert client.delete(f"{BASE}/{slug}/proposal/attachments/{attachment.pk}").status_code == 204
    assert not Attachment.objects.exists()


def test_reconfirm_needs_something_to_reconfirm(c):
    user = c.applicants[0][1]
    proposal = services.submit_proposal(services.save_proposal(c.challenge, **c.as_(user), **FORM), **c.as_(user))
    client = client_for(user)
    assert post(client, f"{BASE}/{c.challenge.slug}/proposal/reconfirm").status_code == 400
    Proposal.objects.filter(pk=proposal.pk).update(needs_reconfirmation=True)
    answer = post(client, f"{BASE}/{c.challenge.slug}/proposal/reconfirm")
    assert answer.status_code == 200 and answer.json()["needs_reconfirmation"] is False


@pytest.mark.parametrize("who,status", [("owner", 403), ("admin", 403), ("steward", 403), ("public", 401)])
def test_non_vendors_have_no_proposal(c, who, status):
    client = client_for(c.everyone()[who])
    assert put(client, f"{BASE}/{c.challenge.slug}/proposal", FORM).status_code == status
    assert not Proposal.objects.exists()


def test_before_the_close_the_panel_gets_only_the_count(c):
    user = c.applicants[0][1]
    proposal = services.submit_proposal(services.save_proposal(c.challenge, **c.as_(user), **FORM), **c.as_(user))
    for who in ("owner", "admin", "steward", "evaluator1", "member"):
        client = client_for(c.everyone()[who])
        listed = client.get(f"{BASE}/{c.challenge.slug}/proposals")
        assert listed.status_code == 200
        assert listed.json() == {"count": 1, "sealed": True, "proposals": None}
        assert client.get(f"{BASE}/{c.challenge.slug}/proposals/{proposal.pk}").status_code == 404
    assert client_for(user).get(f"{BASE}/{c.challenge.slug}/proposals/{proposal.pk}").status_code == 200
    assert client_for(c.applicants[1][1]).get(f"{BASE}/{c.challenge.slug}/proposals/{proposal.pk}").status_code == 404


def test_after_the_close_the_panel_lists_reads_and_screens():
    world = cast()
    challenge = challenge_in(world, State.SUBMISSIONS_CLOSED)
    owner = client_for(world.owner)
    listed = owner.get(f"{BASE}/{challenge.slug}/proposals").json()
    assert listed["count"] == 4 and listed["sealed"] is False
    assert [p["name"] for p in listed["proposals"]] == [s.name for s, _ in world.applicants]
    proposal = world.proposal_of(0)
    one = owner.get(f"{BASE}/{challenge.slug}/proposals/{proposal.pk}")
    assert one.status_code == 200 and one.json()["summary"] == proposal.summary
    criteria = list(challenge.eligibility_criteria.all())
    body = {"decisions": [{"criterion_id": c.pk, "passed": True} for c in criteria]}
    screened = put(owner, f"{BASE}/{challenge.slug}/proposals/{proposal.pk}/eligibility", body)
    assert screened.status_code == 200 and screened.json()["eligible"] is True
    assert len(screened.json()["eligibility"]) == 2
    body = {"decisions": [{"criterion_id": criteria[0].pk, "passed": False}]}
    assert put(owner, f"{BASE}/{challenge.slug}/proposals/{proposal.pk}/eligibility", body).status_code == 400
    evaluator = client_for(world.evaluators[0])
    refused = put(evaluator, f"{BASE}/{challenge.slug}/proposals/{proposal.pk}/eligibility", body)
    assert refused.status_code == 404  # not declared: the proposal does not exist for them

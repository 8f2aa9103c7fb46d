"""The evaluation API: declaration, scoring list, scores, finishing, consensus, nomination and
sign-off; success and refusal for each, blind names, and no score change after the lock."""

import json

import pytest
from django.test import Client

from citytools.partnering.models import Score, State
from tests.partnering.evaluation_world import cast, challenge_in

pytestmark = pytest.mark.django_db

BASE = "/api/v1/challenges"


def client_for(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


def put(client, path, body):
    return client.put(path, json.dumps(body), content_type="application/json")


def post(client, path, body=None):
    return client.post(path, json.dumps(body or {}), content_type="application/json")


def scores_body(challenge, value=3):
    return {"scores": [{"criterion_id": c.pk, "score": value, "comment": "Evidence."} for c in challenge.criteria.all()]}


def test_declare_score_and_finish():
    world = cast(applicants=2)
    challenge = challenge_in(world, State.SUBMISSIONS_CLOSED)
    client = client_for(world.evaluators[0])
    declared = post(client, f"{BASE}/{challenge.slug}/declaration", {"has_conflict": False})
    assert declared.status_code == 200
    assert declared.json()["applicants"] == ["Applicant 1 Ltd", "Applicant 2 Ltd"]
    challenge.proposals.update(eligible=True)
    from citytools.partnering import lifecycle
    from citytools.partnering.access import roles_for

    lifecycle.transition(challenge, State.EVALUATION, actor=world.owner, roles=roles_for(world.viewer(world.owner), challenge))
    listing = client.get(f"{BASE}/{challenge.slug}/scoring").json()
    assert [p["scored"] for p in listing["proposals"]] == [0, 0]
    first, second = world.proposal_of(0), world.proposal_of(1)
    saved = put(client, f"{BASE}/{challenge.slug}/proposals/{first.pk}/scores", scores_body(challenge))
    assert saved.status_code == 200 and len(saved.json()["scores"]) == 3
    bad = {"scores": [{"criterion_id": challenge.criteria.first().pk, "score": 9, "comment": "x"}]}
    assert put(client, f"{BASE}/{challenge.slug}/proposals/{first.pk}/scores", bad).status_code == 400
    assert post(client, f"{BASE}/{challenge.slug}/scoring/complete").status_code == 400
    put(client, f"{BASE}/{challenge.slug}/proposals/{second.pk}/scores", scores_body(challenge, 1))
    done = post(client, f"{BASE}/{challenge.slug}/scoring/complete")
    assert done.status_code == 200 and done.json()["completed_at"]


@pytest.mark.parametrize("who,status", [("owner", 403), ("steward", 403), ("applicant1", 403), ("public", 401)])
def test_only_evaluators_declare_and_score(who, status):
    world = cast(applicants=1)
    challenge = challenge_in(world, State.EVALUATION)
    client = client_for(world.everyone()[who])
    assert post(client, f"{BASE}/{challenge.slug}/declaration", {"has_conflict": False}).status_code == status
    answer = put(client, f"{BASE}/{challenge.slug}/proposals/{world.proposal_of(0).pk}/scores", scores_body(challenge))
    assert answer.status_code in (status, 404)
    assert not Score.objects.exists()


def test_blind_names_in_the_api():
    world = cast(applicants=2)
    challenge = challenge_in(world, State.EVALUATION, blind_scoring=True)
    client = client_for(world.evaluators[0])
    listing = client.get(f"{BASE}/{challenge.slug}/scoring").json()
    assert [p["name"] for p in listing["proposals"]] == ["Proposal A", "Proposal B"]
    panel = client.get(f"{BASE}/{challenge.slug}/proposals").json()
    assert [p["name"] for p in panel["proposals"]] == ["Proposal A", "Proposal B"]
    one = client.get(f"{BASE}/{challenge.slug}/proposals/{world.proposal_of(1).pk}").json()
    assert one["name"] == "Proposal B"
    saved = put(client, f"{BASE}/{challenge.slug}/proposals/{world.proposal_of(1).pk}/scores", scores_body(challenge))
    assert saved.json()["name"] == "Proposal B"
    owner = client_for(world.owner).get(f"{BASE}/{challenge.slug}/proposals").json()
    assert owner["proposals"][0]["name"] == "Applicant 1 Ltd"


def test_no_score_changes_after_the_lock():
    world = cast(applicants=2)
    challenge = challenge_in(world, State.SELECTION)
    client = client_for(world.evaluators[0])
    before = list(Score.objects.order_by("pk").values_list("score", "comment"))
    answer = put(client, f"{BASE}/{challenge.slug}/proposals/{world.proposal_of(0).pk}/scores", scores_body(challenge, 0))
    assert answer.status_code == 403
    assert post(client, f"{BASE}/{challenge.slug}/scoring/complete").status_code == 403
    assert list(Score.objects.order_by("pk").values_list("score", "comment")) == before


def test_consensus_override_nomination_and_sign_off():
    world = cast(applicants=2)
    challenge = challenge_in(world, State.SELECTION)
    owner = client_for(world.owner)
    table = owner.get(f"{BASE}/{challenge.slug}/consensus")
    assert table.status_code == 200
    rows = table.json()["rows"]
    assert [r["rank"] for r in rows] == [1, 2]
    # make_challenge scores the first proposal 4 and the second 3 on every criterion.
    assert rows[0]["total"] == "100.00" and rows[1]["total"] == "75.00"
    assert rows[0]["cells"][0]["mean"] == "4.000"
    second = rows[1]["proposal_id"]
    criterion = table.json()["criteria"][0]["id"]
    path = f"{BASE}/{challenge.slug}/consensus/{second}/{criterion}"
    assert put(owner, path, {"score": "4"}).status_code == 400  # no rationale
    moved = put(owner, path, {"score": "4", "rationale": "Agreed higher.", "feedback": "Strong."})
    assert moved.status_code == 200 and moved.json()["overridden"] is True
    evaluator = client_for(world.evaluators[0])
    assert evaluator.get(f"{BASE}/{challenge.slug}/consensus").status_code == 200
    assert put(evaluator, path, {"score": "1", "rationale": "x"}).status_code == 403
    steward = client_for(world.steward)
    assert post(steward, f"{BASE}/{challenge.slug}/selection", {"proposal_id": second, "rationale": "x"}).status_code == 403
    assert post(steward, f"{BASE}/{challenge.slug}/selection/sign-off").status_code == 400  # nothing nominated
    nominated = post(owner, f"{BASE}/{challenge.slug}/selection", {"proposal_id": rows[0]["proposal_id"], "rationale": "Top."})
    assert nominated.status_code == 200 and nominated.json()["selected_proposal_id"] == rows[0]["proposal_id"]
    assert post(owner, f"{BASE}/{challenge.slug}/selection/sign-off").status_code == 403
    signed = post(steward, f"{BASE}/{challenge.slug}/selection/sign-off")
    assert signed.status_code == 200 and signed.json()["state"] == "partnered"


def test_consensus_is_for_the_panel_once_locked():
    world = cast(applicants=1)
    challenge = challenge_in(world, State.EVALUATION)
    assert client_for(world.owner).get(f"{BASE}/{challenge.slug}/consensus").status_code == 403
    challenge = challenge_in(world, State.SELECTION, slug="locked")
    for who, status in (("member", 403), ("applicant1", 403), ("stranger", 403), ("public", 401)):
        assert client_for(world.everyone()[who]).get(f"{BASE}/{challenge.slug}/consensus").status_code == status, who

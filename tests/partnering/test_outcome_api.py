"""The outcome API (citytools.partnering.api.outcome): the same services as the pages, with
success and refusal at each door."""

import json

import pytest
from django.test import Client

from citytools.partnering.models import CheckIn, FollowOnPurchase, Milestone, State, SurveyResponse
from tests.factories import ContractFactory
from tests.partnering.evaluation_world import cast, challenge_in

pytestmark = pytest.mark.django_db

BASE = "/api/v1/challenges"


@pytest.fixture
def c():
    return cast(applicants=3, evaluators=2)


def client(user=None) -> Client:
    browser = Client()
    if user is not None:
        browser.force_login(user)
    return browser


def post(browser, path, body):
    return browser.post(path, json.dumps(body), content_type="application/json")


def test_award_notice(c):
    challenge = challenge_in(c, State.CO_DESIGN)
    body = client().get(f"{BASE}/{challenge.slug}/award").json()
    assert (body["partner"], body["partner_scale"], body["proposals_received"]) == ("Applicant 1 Ltd", "small", 3)
    assert "total" not in json.dumps(body)
    assert client().get(f"{BASE}/{challenge_in(c, State.SELECTION).slug}/award").status_code == 404


def test_debrief_for_the_applicant_only(c):
    challenge = challenge_in(c, State.PARTNERED)
    path = f"{BASE}/{challenge.slug}/debriefs/{c.proposal_of(2).pk}"
    body = client(c.applicants[2][1]).get(path).json()
    assert (body["rank"], body["of"], body["total"]) == (3, 3, "50.00")
    assert body["lines"][0]["comments"] == [] and body["released"] is False  # no raw comments, ever
    owner = client(c.owner).get(path).json()
    assert owner["lines"][0]["comments"][0][0] == "Evaluator 1"
    for outsider in (c.applicants[0][1], c.evaluators[0], None):
        assert client(outsider).get(path).status_code == 404


def test_codesign_through_the_api(c):
    challenge = challenge_in(c, State.CO_DESIGN)
    partner = client(c.applicants[0][1])
    made = post(partner, f"{BASE}/{challenge.slug}/codesign/milestones", {"title": "Prototype", "due_date": "2030-01-31"})
    assert made.status_code == 201
    done = partner.post(f"{BASE}/{challenge.slug}/codesign/milestones/{made.json()['id']}/done")
    assert done.status_code == 200 and done.json()["done_at"]
    assert post(partner, f"{BASE}/{challenge.slug}/codesign/check-ins", {"status": "off_track", "note": "Stuck."}).status_code == 201
    progress = client(c.owner).get(f"{BASE}/{challenge.slug}/codesign").json()
    assert (progress["done"], progress["check_ins"][0]["status"]) == (1, "off_track")
    bad = post(partner, f"{BASE}/{challenge.slug}/codesign/check-ins", {"status": "fine", "note": "?"})
    assert bad.status_code == 400 and bad["Content-Type"] == "application/problem+json"
    other = post(client(c.applicants[1][1]), f"{BASE}/{challenge.slug}/codesign/milestones", {"title": "X", "due_date": "2030-01-31"})
    assert other.status_code == 404
    assert post(client(), f"{BASE}/{challenge.slug}/codesign/milestones", {"title": "X", "due_date": "2030-01-31"}).status_code == 401
    assert (Milestone.objects.count(), CheckIn.objects.count()) == (1, 1)


def test_survey_through_the_api(c):
    challenge = challenge_in(c, State.CLOSED_OUT)
    applicant = client(c.applicants[1][1])
    path = f"{BASE}/{challenge.slug}/survey/responses"
    assert post(applicant, path, {"satisfaction": 5, "clarity": 4, "change": "Nothing."}).status_code == 201
    assert post(applicant, path, {"satisfaction": 5, "clarity": 4}).status_code == 409
    assert post(applicant, path, {"satisfaction": 9, "clarity": 4}).status_code == 422
    assert post(client(c.evaluators[0]), path, {"satisfaction": 5, "clarity": 4}).status_code == 403
    assert SurveyResponse.objects.count() == 1
    results = f"{BASE}/{challenge.slug}/survey/results"
    assert client(c.owner).get(results).json()["comments"] == [{"respondent": "Applicant", "keep": "", "change": "Nothing."}]
    assert client(c.steward).get(results).json()["comments"] is None
    assert client(c.applicants[1][1]).get(results).status_code == 404


def test_purchase_through_the_api(c):
    challenge = challenge_in(c, State.CLOSED_OUT)
    contract = ContractFactory(organisation=c.organisation, supplier=c.applicants[0][0])
    path = f"{BASE}/{challenge.slug}/purchases"
    assert post(client(c.steward), path, {"contract_id": contract.pk}).status_code == 403
    assert post(client(c.owner), path, {"contract_id": contract.pk, "note": "Licences."}).status_code == 201
    assert post(client(c.owner), path, {"contract_id": contract.pk}).status_code == 409
    assert FollowOnPurchase.objects.count() == 1


def test_metrics_and_open_data(c):
    challenge = challenge_in(c, State.PARTNERED)
    one = client().get(f"{BASE}/{challenge.slug}/metrics").json()
    assert (one["applicants"], one["sme_share"], one["sealed"]) == (3, 100.0, False)
    across = client().get(f"{BASE}/all/metrics").json()
    assert across["challenges"] == 1 and across["benchmarks"]
    package = client().get(f"{BASE}/{challenge.slug}/ocds").json()
    assert package["version"] == "1.1" and package["releases"][0]["tag"] == ["tender"]
    record = client().get(f"{BASE}/{challenge.slug}/ocds/record").json()
    assert record["records"][0]["compiledRelease"]["awards"][0]["status"] == "active"
    draft = challenge_in(c, State.DRAFT)
    assert client(c.owner).get(f"{BASE}/{draft.slug}/ocds").status_code == 404
    assert client(c.owner).get(f"{BASE}/{draft.slug}/metrics").status_code == 404

"""One Invitation to Partner, from a blank draft to a partner, entirely through the JSON API.

The real roles each use their own session: an owner (editor of the owning organisation), a
procurement steward (a member who neither runs nor wrote the challenge), three evaluators,
four applicants of different sizes and the anonymous public. The clock is time_machine's:
the deadlines close on the first request under /api/v1/challenges after they pass. Each
stage asserts what its people would notice (status codes and a few fields), not everything;
the other API tests cover each door's refusals.
Nothing is read from the database: the ids that screening and scoring take come from the
challenge as GET /{slug} gives it.
"""

import datetime
import json
import re
from decimal import Decimal

import pytest
import time_machine
from django.test import Client

from tests.factories import OrganisationFactory, RoleFactory, SupplierFactory
from tests.partnering.evaluation_world import FORM

pytestmark = pytest.mark.django_db

BASE = "/api/v1/challenges"
START = datetime.datetime(2030, 3, 4, 9, 0, tzinfo=datetime.UTC)
LEVELS = ["No evidence", "Weak", "Adequate", "Good", "Excellent"]
CRITERIA = [("Understanding of the challenge", 40), ("Co-design with residents", 35), ("Team and experience", 25)]
ELIGIBILITY = ["Can start within four weeks of selection.", "Holds public liability insurance."]
SIZES = ("micro", "small", "medium", "large")


class Person:
    """One person's JSON conversation with the API; `None` is the anonymous public."""

    def __init__(self, user=None):
        self.user = user
        self.client = Client()

    def call(self, method, path, body=None, **headers):
        if self.user is not None:
            # Signed in afresh for every call: the clock jumps weeks, far past the session limit.
            self.client.force_login(self.user)
        data = json.dumps(body) if body is not None else ""
        return self.client.generic(method, f"{BASE}{path}", data, content_type="application/json", headers=headers)

    def get(self, path):
        return self.call("GET", path)

    def post(self, path, body=None, **headers):
        return self.call("POST", path, body if body is not None else {}, **headers)

    def put(self, path, body, **headers):
        return self.call("PUT", path, body, **headers)


def ok(response, status=200):
    assert response.status_code == status, response.content
    return response.json()


def criterion_ids(person, slug):
    """The ids of the evaluation and eligibility criteria, in order, as the API gives them."""
    body = ok(person.get(f"/{slug}"))
    return [c["id"] for c in body["criteria"]], [e["id"] for e in body["eligibility"]]


def people():
    organisation = OrganisationFactory(slug="riverside", name="Riverside Council")
    owner = RoleFactory(kind="editor", organisation=organisation).user
    steward = RoleFactory(kind="member", organisation=organisation).user
    evaluators = [RoleFactory(kind="member", organisation=organisation).user for _ in range(3)]
    suppliers = [SupplierFactory(name=f"{size.title()} Partners Ltd") for size in SIZES]
    applicants = [RoleFactory(kind="vendor", supplier=supplier).user for supplier in suppliers]
    return organisation, owner, steward, evaluators, suppliers, applicants


def test_a_challenge_goes_from_draft_to_partner_through_the_api():
    organisation, owner_user, steward_user, evaluator_users, suppliers, applicant_users = people()
    owner, steward, public = Person(owner_user), Person(steward_user), Person()
    evaluators = [Person(u) for u in evaluator_users]
    applicants = [Person(u) for u in applicant_users]

    with time_machine.travel(START, tick=False) as clock:
        # The owner writes the draft, its criteria and its panel.
        created = owner.post("/", {
            "title": "Faster answers for residents", "owners": [organisation.slug],
            "problem_statement": "Residents wait too long to hear back about what they report.",
            "budget_cap": "45000", "currency": "CAD", "codesign_weeks": 14, "contact_email": "partner@example.org",
            "terms_non_binding": True, "terms_vendor_owns_prototype": True, "terms_separate_purchase": True,
            "question_deadline": (START + datetime.timedelta(days=10)).isoformat(),
            "submission_deadline": (START + datetime.timedelta(days=20)).isoformat(),
        })
        body = ok(created, 201)
        slug = body["slug"]
        assert body["state"] == "draft" and created["ETag"] == '"1"'
        criteria = {
            "criteria": [
                {"name": name, "weight": weight, "scale_max": 4, "level_texts": LEVELS} for name, weight in CRITERIA
            ],
            "eligibility": ELIGIBILITY,
        }
        assert owner.put(f"/{slug}/criteria", criteria).status_code == 428  # no If-Match
        body = ok(owner.put(f"/{slug}/criteria", criteria, **{"If-Match": created["ETag"]}))
        assert sum(c["weight"] for c in body["criteria"]) == 100 and [e["text"] for e in body["eligibility"]] == ELIGIBILITY
        panel = {"steward": steward_user.email, "evaluators": [u.email for u in evaluator_users]}
        assert ok(owner.put(f"/{slug}/panel", panel))["steward"] == steward_user.email
        assert owner.put(f"/{slug}/panel", {**panel, "steward": owner_user.email}).status_code == 400  # runs it

        # Review and publication: the owner sends it, the steward approves.
        assert ok(owner.post(f"/{slug}/moves", {"to": "in_review"}))["state"] == "in_review"
        assert owner.post(f"/{slug}/moves", {"to": "published"}).status_code == 403
        assert ok(steward.post(f"/{slug}/moves", {"to": "published"}))["state"] == "published"
        assert ok(public.get(f"/{slug}"))["criteria_frozen_at"] is not None

        # Interest, one question and its public answer (never naming the asker).
        for applicant in applicants:
            ok(applicant.post(f"/{slug}/interest"), 201)
        question = ok(applicants[1].post(f"/{slug}/questions", {"text": "Is the budget fixed?"}), 201)
        ok(owner.post(f"/{slug}/questions/{question['id']}/answer", {"answer": "Yes, at CAD 45,000."}))
        listed = ok(public.get(f"/{slug}/questions"))
        assert [q["answer"] for q in listed] == ["Yes, at CAD 45,000."]
        assert set(listed[0]) == {"id", "text", "asked_at", "answer", "answered_at"}

        # Every applicant drafts and submits; the receipt's hash comes back and checks out.
        proposals = []
        for applicant, size in zip(applicants, SIZES, strict=True):
            saved = applicant.put(f"/{slug}/proposal", {**FORM, "scale": size})
            assert ok(saved)["status"] == "draft" and saved["ETag"] == '"1"'
            submitted = ok(applicant.post(f"/{slug}/proposal/submit"))
            assert submitted["status"] == "submitted" and re.fullmatch(r"[0-9a-f]{64}", submitted["receipt_hash"])
            assert ok(applicant.get(f"/{slug}/proposal/receipt"))["sha256"] == submitted["receipt_hash"]
            proposals.append(submitted["id"])

        # One withdraws, lowers the price and submits again: a new receipt.
        last = applicants[3]
        first_hash = ok(last.get(f"/{slug}/proposal"))["receipt_hash"]
        withdrawn = last.post(f"/{slug}/proposal/withdraw")
        assert ok(withdrawn)["status"] == "withdrawn"
        assert ok(owner.get(f"/{slug}/proposals"))["count"] == 3
        cheaper = {**FORM, "scale": "large", "price": "40000"}
        assert last.put(f"/{slug}/proposal", cheaper, **{"If-Match": '"1"'}).status_code == 412  # stale
        assert ok(last.put(f"/{slug}/proposal", cheaper, **{"If-Match": withdrawn["ETag"]}))["price"] == "40000.00"
        again = ok(last.post(f"/{slug}/proposal/submit"))
        assert again["status"] == "submitted" and again["receipt_hash"] not in ("", first_hash)

        # Sealed while open: the panel learns the count and nothing else.
        for reader in (owner, steward, *evaluators):
            assert ok(reader.get(f"/{slug}/proposals")) == {"count": 4, "sealed": True, "proposals": None}
            assert reader.get(f"/{slug}/proposals/{proposals[0]}").status_code == 404
        assert ok(applicants[0].get(f"/{slug}/proposals/{proposals[0]}"))["scale"] == "micro"

        # Past both deadlines: the next request closes them.
        clock.shift(datetime.timedelta(days=21))
        assert ok(public.get(f"/{slug}"))["state"] == "submissions_closed"
        assert applicants[0].post(f"/{slug}/proposal/withdraw").status_code == 403
        listed = ok(owner.get(f"/{slug}/proposals"))
        assert listed["sealed"] is False and sorted(p["id"] for p in listed["proposals"]) == sorted(proposals)

        # Screening by the owner, then the steward starts the evaluation.
        scored_ids, eligibility_ids = criterion_ids(owner, slug)
        decisions = {"decisions": [{"criterion_id": pk, "passed": True} for pk in eligibility_ids]}
        for pk in proposals:
            assert ok(owner.put(f"/{slug}/proposals/{pk}/eligibility", decisions))["eligible"] is True
        assert ok(steward.post(f"/{slug}/moves", {"to": "evaluation"}))["state"] == "evaluation"

        # Each evaluator declares, scores every proposal with a comment per criterion, finishes.
        # Everyone scores the first applicant 4, the second 3 … so the ranking is known.
        for evaluator in evaluators:
            assert evaluator.get(f"/{slug}/proposals/{proposals[0]}").status_code == 404  # not yet declared
            declared = ok(evaluator.post(f"/{slug}/declaration", {"has_conflict": False}))
            assert sorted(declared["applicants"]) == sorted(s.name for s in suppliers)
            for rank, pk in enumerate(proposals):
                mark = 4 - rank
                scores = {"scores": [{"criterion_id": c, "score": mark, "comment": f"Evidence for {mark}."} for c in scored_ids]}
                assert len(ok(evaluator.put(f"/{slug}/proposals/{pk}/scores", scores))["scores"]) == len(CRITERIA)
            assert [p["scored"] for p in ok(evaluator.get(f"/{slug}/scoring"))["proposals"]] == [3, 3, 3, 3]
            assert ok(evaluator.post(f"/{slug}/scoring/complete"))["completed_at"]

        # The owner locks the scores; consensus starts from the means.
        assert ok(owner.post(f"/{slug}/moves", {"to": "selection"}))["state"] == "selection"
        table = ok(owner.get(f"/{slug}/consensus"))
        assert [row["proposal_id"] for row in table["rows"]] == proposals
        assert [row["total"] for row in table["rows"]] == ["100.00", "75.00", "50.00", "25.00"]
        assert evaluators[0].put(f"/{slug}/proposals/{proposals[0]}/scores", scores).status_code == 403  # locked
        cell = ok(owner.put(
            f"/{slug}/consensus/{proposals[1]}/{scored_ids[0]}",
            {"score": "2.5", "rationale": "The evidence was thinner.", "feedback": "Show more research."},
        ))
        assert cell["overridden"] is True and cell["score"] == "2.500" and cell["mean"] == "3.000"

        # The owner nominates the top proposal; the steward signs off.
        nominated = ok(owner.post(f"/{slug}/selection", {"proposal_id": proposals[0], "rationale": "Highest total."}))
        assert nominated["selected_proposal_id"] == proposals[0] and nominated["state"] == "selection"
        assert owner.post(f"/{slug}/selection/sign-off").status_code == 403
        assert ok(steward.post(f"/{slug}/selection/sign-off"))["state"] == "partnered"
        assert ok(public.get(f"/{slug}"))["state"] == "partnered"

        # What the public, the applicants and open data now see.
        award = ok(public.get(f"/{slug}/award"))
        partner = (award["partner"], award["partner_scale"], award["proposals_received"])
        assert partner == (suppliers[0].name, "micro", 4)
        debrief = ok(applicants[1].get(f"/{slug}/debriefs/{proposals[1]}"))
        assert debrief["selected"] is False and (debrief["rank"], debrief["of"]) == (2, 4)
        assert [line["criterion"] for line in debrief["lines"]] == [name for name, _ in CRITERIA]
        assert [Decimal(line["score"]) for line in debrief["lines"]] == [Decimal("2.5"), Decimal("3"), Decimal("3")]
        assert debrief["released"] is False and debrief["lines"][0]["feedback"] == ""
        assert all(line["comments"] == [] for line in debrief["lines"])  # evaluators' own words never reach them
        draft = ok(owner.get(f"/{slug}/debriefs/{proposals[1]}"))
        assert len(draft["lines"][0]["comments"]) == 3
        released = owner.post(
            f"/{slug}/debriefs/{proposals[1]}/release",
            {"feedback": {line["criterion_id"]: line["feedback"] or "Solid." for line in draft["lines"]}},
        )
        assert ok(released)["released"] is True
        debrief = ok(applicants[1].get(f"/{slug}/debriefs/{proposals[1]}"))
        assert debrief["lines"][0]["feedback"] == "Show more research."
        assert all(line["comments"] == [] for line in debrief["lines"])
        assert applicants[1].get(f"/{slug}/debriefs/{proposals[2]}").status_code == 404
        package = ok(public.get(f"/{slug}/ocds"))
        award_release = package["releases"][-1]
        assert award_release["tag"] == ["award"] and award_release["awards"][0]["status"] == "active"
        assert award_release["awards"][0]["suppliers"][0]["name"] == suppliers[0].name

"""The API for writing a challenge: the same services as the pages, with ETags and If-Match."""

import datetime
import json
import re

import pytest
from django.test import Client

from citytools.partnering.models import Addendum, Challenge, Interest, Question, State
from tests.partnering.test_authoring_services import cast  # noqa: F401 (fixture)
from tests.partnering.world import LEVELS, make_challenge

pytestmark = pytest.mark.django_db
BASE = "/api/v1/challenges"


def client(user=None) -> Client:
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


def send(c, method, path, body=None, **headers):
    return c.generic(method, f"{BASE}{path}", json.dumps(body) if body is not None else "", content_type="application/json", headers=headers)


@pytest.fixture
def draft(cast):
    return make_challenge(owners=[cast.own], steward=cast.coordinator, evaluators=[cast.member])


@pytest.fixture
def published(cast):
    return make_challenge(owners=[cast.own], steward=cast.coordinator, evaluators=[cast.member], state=State.PUBLISHED)


def test_the_list_is_paginated_and_shows_only_what_one_may_see(cast, draft, published):
    public = client().get(f"{BASE}/").json()
    assert [c["slug"] for c in public["items"]] == [published.slug] and public["count"] == 1
    staff = client(cast.member).get(f"{BASE}/?limit=1").json()
    assert staff["count"] == 2 and len(staff["items"]) == 1
    assert client(cast.member).get(f"{BASE}/?state=draft").json()["items"][0]["slug"] == draft.slug


def test_one_challenge_with_its_etag(cast, draft, published):
    response = client().get(f"{BASE}/{published.slug}")
    assert response.status_code == 200 and response["ETag"] == f'"{published.version}"'
    body = response.json()
    assert next((c["name"], c["weight"]) for c in body["criteria"]) == ("Understanding of the challenge", 40)
    assert body["criteria"][0]["level_texts"] == LEVELS
    assert client().get(f"{BASE}/{draft.slug}").status_code == 404
    assert client(cast.vendor).get(f"{BASE}/{draft.slug}").status_code == 404


def test_create_needs_rights_over_every_owner(cast):
    body = {"title": "Faster answers", "owners": [cast.own.slug], "budget_cap": "45000", "codesign_weeks": 14}
    assert send(client(), "POST", "/", body).status_code == 401
    assert send(client(cast.other_editor), "POST", "/", body).status_code == 403
    created = send(client(cast.editor), "POST", "/", body)
    assert created.status_code == 201, created.content
    assert created.json()["state"] == "draft" and created.json()["owners"][0]["lead"] is True
    assert created["ETag"] == '"1"'
    joint = send(client(cast.coordinator), "POST", "/", {**body, "owners": [cast.peer.slug, cast.own.slug]})
    assert joint.status_code == 201 and len(joint.json()["owners"]) == 2
    assert send(client(cast.editor), "POST", "/", {**body, "owners": ["nowhere"]}).status_code == 400


def test_changes_need_if_match(cast, draft):
    c = client(cast.editor)
    assert send(c, "PATCH", f"/{draft.slug}", {"background": "New"}).status_code == 428
    assert send(c, "PATCH", f"/{draft.slug}", {"background": "New"}, **{"If-Match": '"999"'}).status_code == 412
    ok = send(c, "PATCH", f"/{draft.slug}", {"background": "New"}, **{"If-Match": f'"{draft.version}"'})
    assert ok.status_code == 200 and ok.json()["background"] == "New" and ok["ETag"] == f'"{draft.version + 1}"'
    put = send(c, "PUT", f"/{draft.slug}", {"title": "Replaced", "problem_statement": "P"}, **{"If-Match": ok["ETag"]})
    assert put.status_code == 200 and put.json()["background"] == ""
    assert send(client(cast.member), "PATCH", f"/{draft.slug}", {"background": "X"}, **{"If-Match": put["ETag"]}).status_code == 403


@pytest.mark.parametrize("field, value", [
    ("question_deadline", "9999-12-31T17:00:00Z"), ("submission_deadline", "1899-12-31T17:00:00Z"),
    ("publication_date", "9999-12-31"), ("expected_start", "2201-01-01"),
])
def test_a_date_outside_the_one_range_is_refused_naming_its_field(cast, draft, field, value):
    """Issue 14, item 4: dates and deadlines meet the range every door applies (citytools.core.dates)."""
    before = Challenge.objects.filter(pk=draft.pk).values().get()
    refused = send(client(cast.editor), "PATCH", f"/{draft.slug}", {field: value}, **{"If-Match": f'"{draft.version}"'})
    assert refused.status_code == 422 and refused["Content-Type"] == "application/problem+json"
    (error,) = refused.json()["detail"]
    assert error["loc"][-1] == field and "between 1 January 1900 and 31 December 2200" in error["msg"]
    assert Challenge.objects.filter(pk=draft.pk).values().get() == before


def test_criteria_replace_and_freeze(cast, draft, published):
    body = {
        "criteria": [{"name": "Fit", "weight": 100, "scale_max": 1, "level_texts": ["No", "Yes"]}],
        "eligibility": ["Insured"],
    }
    c = client(cast.editor)
    ok = send(c, "PUT", f"/{draft.slug}/criteria", body, **{"If-Match": f'"{draft.version}"'})
    assert ok.status_code == 200 and ok.json()["criteria"][0]["name"] == "Fit" and [e["text"] for e in ok.json()["eligibility"]] == ["Insured"]
    bad = send(c, "PUT", f"/{draft.slug}/criteria", {"criteria": [{**body["criteria"][0], "level_texts": ["No"]}]}, **{"If-Match": ok["ETag"]})
    assert bad.status_code == 400 and bad["Content-Type"] == "application/problem+json"
    frozen = send(c, "PUT", f"/{published.slug}/criteria", body, **{"If-Match": f'"{published.version}"'})
    assert frozen.status_code == 403 and "frozen" in frozen.json()["detail"]


def test_moves_transitions_and_checks(cast):
    challenge = make_challenge(owners=[cast.own], steward=cast.coordinator, budget_cap=70000)
    checks = client(cast.editor).get(f"{BASE}/{challenge.slug}/publication-checks").json()
    assert checks["ready"] is False and checks["problems"][0]["field"] == "budget_cap"
    refused = send(client(cast.editor), "POST", f"/{challenge.slug}/moves", {"to": "in_review"})
    assert refused.status_code == 400 and "70,000" in refused.json()["detail"]
    Challenge.objects.filter(pk=challenge.pk).update(budget_cap=50000)
    assert client(cast.editor).get(f"{BASE}/{challenge.slug}/publication-checks").json() == {"ready": True, "problems": []}
    moved = send(client(cast.editor), "POST", f"/{challenge.slug}/moves", {"to": "in_review"})
    assert moved.status_code == 200 and moved.json()["state"] == "in_review"
    assert send(client(cast.editor), "POST", f"/{challenge.slug}/moves", {"to": "published"}).status_code == 403
    assert send(client(cast.coordinator), "POST", f"/{challenge.slug}/moves", {"to": "nowhere"}).status_code == 400
    assert send(client(cast.coordinator), "POST", f"/{challenge.slug}/moves", {"to": "published"}).status_code == 200
    public = client().get(f"{BASE}/{challenge.slug}/transitions").json()
    assert [(t["from_state"], t["to_state"]) for t in public] == [("draft", "in_review"), ("in_review", "published")]
    assert all(t["by"] == "The challenge’s team" for t in public)
    assert client(cast.member).get(f"{BASE}/{challenge.slug}/transitions").json()[1]["by"] == str(cast.coordinator)
    assert client().get(f"{BASE}/{challenge.slug}/publication-checks").status_code == 404


def test_questions_answers_and_interest(cast, published):
    asked = send(client(cast.vendor), "POST", f"/{published.slug}/questions", {"text": "Is the budget fixed?"})
    assert asked.status_code == 201 and "asked_by" not in asked.json() and "supplier" not in asked.json()
    qid = asked.json()["id"]
    assert client().get(f"{BASE}/{published.slug}/questions").json() == []
    assert send(client(cast.editor), "POST", f"/{published.slug}/questions", {"text": "x"}).status_code == 403
    answered = send(client(cast.editor), "POST", f"/{published.slug}/questions/{qid}/answer", {"answer": "Yes."})
    assert answered.status_code == 200
    listed = client().get(f"{BASE}/{published.slug}/questions").json()
    assert [q["answer"] for q in listed] == ["Yes."] and set(listed[0]) == {"id", "text", "asked_at", "answer", "answered_at"}
    assert send(client(cast.vendor), "POST", f"/{published.slug}/interest").status_code == 201
    assert Interest.objects.filter(user=cast.vendor).exists()
    assert Question.objects.get().answered_by == cast.editor


def test_addenda(cast, published):
    c = client(cast.editor)
    first = send(c, "POST", f"/{published.slug}/addenda", {"title": "Scope", "body": "Phones are out."})
    second = send(c, "POST", f"/{published.slug}/addenda", {"title": "Dates", "body": "Later.", "material": True})
    assert (first.status_code, second.status_code) == (201, 201)
    assert [a["number"] for a in client().get(f"{BASE}/{published.slug}/addenda").json()] == [1, 2]
    assert send(client(cast.member), "POST", f"/{published.slug}/addenda", {"title": "T", "body": "B"}).status_code == 403
    assert Addendum.objects.count() == 2


def test_the_panel(cast, draft):
    c = client(cast.editor)
    body = {"steward": cast.coordinator.email, "evaluators": [cast.member.email, cast.second.email]}
    response = send(c, "PUT", f"/{draft.slug}/panel", body)
    assert response.status_code == 200 and sorted(response.json()["evaluators"]) == sorted([cast.member.email, cast.second.email])
    clash = send(c, "PUT", f"/{draft.slug}/panel", {"steward": cast.member.email, "evaluators": [cast.member.email]})
    assert clash.status_code == 400
    assert send(client(cast.member), "PUT", f"/{draft.slug}/panel", body).status_code == 403


def test_the_document_as_pdf(cast, published):
    response = client().get(f"{BASE}/{published.slug}/document.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_the_log_page_and_the_api_say_the_same_of_who_made_each_move(cast, published):
    """The clock's move, a person's, and a person's whose account is gone since, each read
    the same on the log page as in the API, for the public and for the panel."""
    from django.urls import reverse
    from django.utils import timezone

    from citytools.partnering import lifecycle

    Challenge.objects.filter(pk=published.pk).update(question_deadline=timezone.now() - datetime.timedelta(minutes=1))
    assert lifecycle.advance_due() == 1
    challenge = Challenge.objects.get(pk=published.pk)
    moved = send(client(cast.editor), "POST", f"/{challenge.slug}/moves", {"to": "cancelled", "reason": "Merged."},
                 **{"If-Match": f'"{challenge.version}"'})
    assert moved.status_code == 200
    for reader, named in ((None, False), (cast.member, True)):
        api = client(reader).get(f"{BASE}/{challenge.slug}/transitions").json()
        page = client(reader).get(reverse("partnering:challenge_log", args=[challenge.slug])).content.decode()
        page = page[page.index('id="transitions"'):]
        page = page[:page.index("</table>")]
        cells = re.findall(r'<th scope="row" class="govuk-table__header">([^<]*)</th>\s*<td class="govuk-table__cell">([^<]*)</td>', page)
        assert [by for _, by in cells] == [t["by"] for t in api]
        assert [t["by"] for t in api][-2:] == ["The clock (deadline)", str(cast.editor) if named else "The challenge’s team"]
    cast.editor.delete()
    api = client(cast.member).get(f"{BASE}/{challenge.slug}/transitions").json()
    page = client(cast.member).get(reverse("partnering:challenge_log", args=[challenge.slug])).content.decode()
    assert api[-1]["by"] == "The challenge’s team" and f'<td class="govuk-table__cell">{api[-1]["by"]}</td>' in page

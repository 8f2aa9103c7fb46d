"""Each step of a challenge's workflow tells the person who acts next, by e-mail (issue 13,
item 13): no review without a steward; the steward hears of the review request and of a
selection to sign off; the owners of the steward's decision and of each new question; the
asker of the answer; the evaluators when the evaluation opens. Nobody else hears, and no
message carries what its reader may not see."""

import json

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from citytools.accounts.viewer import Viewer
from citytools.core.errors import DomainError
from citytools.partnering import lifecycle
from citytools.partnering.models import Challenge, Evaluator, Notification, State, Transition
from citytools.partnering.services import authoring, evaluation
from tests.factories import RoleFactory
from tests.partnering.test_authoring_services import cast  # noqa: F401 (fixture)
from tests.partnering.world import OWNER, STEWARD, make_challenge

pytestmark = pytest.mark.django_db


def as_(user) -> dict:
    return {"actor": user, "viewer": Viewer.for_user(user)}


def told(challenge, kind) -> dict[str, str]:
    """Who got a message of this kind, and its body."""
    return dict(Notification.objects.filter(challenge=challenge, kind=kind).values_list("user__email", "body"))


def client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


# No review without a steward -----------------------------------------------------------------


def test_sending_for_review_with_no_steward_is_refused_and_writes_nothing(cast):
    draft = make_challenge(owners=[cast.own])
    with pytest.raises(DomainError) as error:
        authoring.move_challenge(draft, State.IN_REVIEW, **as_(cast.editor))
    assert error.value.field == "steward" and "steward" in str(error.value)
    draft.refresh_from_db()
    assert draft.state == State.DRAFT and draft.version == 1
    assert not Transition.objects.filter(challenge=draft).exists()


def test_the_page_and_the_api_say_why_a_challenge_with_no_steward_is_not_sent(cast):
    draft = make_challenge(owners=[cast.own])
    page = client(cast.editor).post(
        reverse("partnering:challenge_move", kwargs={"slug": draft.slug}), {"to": "in_review", "version": draft.version}
    )
    assert page.status_code == 400 and "Name the procurement steward" in page.content.decode()
    api = client(cast.editor).post(
        f"/api/v1/challenges/{draft.slug}/moves", json.dumps({"to": "in_review"}), content_type="application/json"
    )
    assert api.status_code == 400 and api["Content-Type"] == "application/problem+json"
    assert "Name the procurement steward" in api.json()["detail"]
    draft.refresh_from_db()
    assert draft.state == State.DRAFT


# The review ----------------------------------------------------------------------------------


def test_the_steward_is_asked_to_review_and_the_owners_hear_the_decision(cast, django_capture_on_commit_callbacks):
    draft = make_challenge(owners=[cast.own], steward=cast.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        authoring.move_challenge(draft, State.IN_REVIEW, **as_(cast.editor))
    asked = told(draft, "review_requested")
    assert list(asked) == [cast.coordinator.email]
    assert f"/challenges/{draft.slug}/" in asked[cast.coordinator.email]
    assert [m.to for m in mail.outbox] == [[cast.coordinator.email]]
    assert mail.outbox[0].subject == f"Please review for publication: {draft.title}"

    with django_capture_on_commit_callbacks(execute=True):
        authoring.move_challenge(draft, State.DRAFT, reason="The budget needs a second look.", **as_(cast.coordinator))
    returned = told(draft, "review_returned")
    assert list(returned) == [cast.editor.email]  # the owners' editors; not staff, not the steward
    assert "The budget needs a second look." in returned[cast.editor.email]

    draft.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        authoring.move_challenge(draft, State.IN_REVIEW, **as_(cast.editor))
        authoring.move_challenge(draft, State.PUBLISHED, **as_(cast.coordinator))
    assert list(told(draft, "review_approved")) == [cast.editor.email]
    assert Notification.objects.filter(challenge=draft, kind="review_requested").count() == 2


def test_a_challenge_cancelled_in_review_is_not_reported_as_returned_to_draft(cast, django_capture_on_commit_callbacks):
    review = make_challenge(owners=[cast.own], steward=cast.coordinator, state=State.IN_REVIEW)
    with django_capture_on_commit_callbacks(execute=True):
        authoring.move_challenge(review, State.CANCELLED, reason="The service is being merged.", **as_(cast.coordinator))
    assert not Notification.objects.filter(challenge=review, kind__in=["review_returned", "review_approved"]).exists()


# Questions -----------------------------------------------------------------------------------


def test_the_owners_hear_of_a_question_and_only_the_asker_of_its_answer(cast, django_capture_on_commit_callbacks):
    challenge = make_challenge(owners=[cast.own], steward=cast.coordinator, state=State.PUBLISHED)
    with django_capture_on_commit_callbacks(execute=True):
        question = authoring.ask_question(challenge, text="Is the budget fixed?", **as_(cast.vendor))
    asked = told(challenge, "question_asked")
    assert list(asked) == [cast.editor.email]
    body = asked[cast.editor.email]
    assert "Is the budget fixed?" in body and f"/challenges/{challenge.slug}/questions/#question-{question.pk}" in body
    # The asker is never named to the owners, not even by their supplier.
    assert cast.supplier.name not in body and cast.vendor.email not in body and str(cast.vendor) not in body

    with django_capture_on_commit_callbacks(execute=True):
        authoring.answer_question(challenge, question, answer="Yes, it is a cap.", **as_(cast.editor))
    answered = told(challenge, "question_answered")
    assert list(answered) == [cast.vendor.email]
    assert "Yes, it is a cap." in answered[cast.vendor.email]
    assert sorted(m.to[0] for m in mail.outbox) == sorted([cast.editor.email, cast.vendor.email])


# Evaluation and selection --------------------------------------------------------------------


def test_evaluators_hear_that_the_evaluation_opened_and_the_recused_do_not(cast, django_capture_on_commit_callbacks):
    clear = RoleFactory(kind="member", organisation=cast.own).user
    conflicted = cast.second
    challenge = make_challenge(
        owners=[cast.own], steward=cast.coordinator, evaluators=[clear, conflicted],
        applicants=[(cast.supplier, cast.vendor)], state=State.SUBMISSIONS_CLOSED,
    )
    challenge.proposals.update(eligible=True)
    Evaluator.objects.filter(challenge=challenge, user=conflicted).update(has_conflict=True)
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.transition(challenge, State.EVALUATION, actor=cast.editor, roles=OWNER)
    opened = told(challenge, "evaluation_opened")
    assert list(opened) == [clear.email]
    assert f"/challenges/{challenge.slug}/declaration/" in opened[clear.email]
    # Nothing of the proposals: not even who applied.
    assert cast.supplier.name not in opened[clear.email]


def test_the_steward_is_asked_to_sign_off_a_nomination(cast, django_capture_on_commit_callbacks):
    evaluator = RoleFactory(kind="member", organisation=cast.own).user
    challenge = make_challenge(
        owners=[cast.own], steward=cast.coordinator, evaluators=[evaluator],
        applicants=[(cast.supplier, cast.vendor)], state=State.SELECTION,
    )
    proposal = challenge.proposals.get()
    with django_capture_on_commit_callbacks(execute=True):
        evaluation.select_proposal(challenge, proposal=proposal, rationale="Best on every criterion.", **as_(cast.editor))
    asked = told(challenge, "sign_off_requested")
    assert list(asked) == [cast.coordinator.email]
    assert cast.supplier.name not in asked[cast.coordinator.email]
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.transition(Challenge.objects.get(pk=challenge.pk), State.PARTNERED, actor=cast.coordinator, roles=STEWARD)
    # The applicants hear the outcome (services.outcome), the steward nothing more.
    assert Notification.objects.filter(challenge=challenge, user=cast.vendor, kind="selected").exists()
    assert Notification.objects.filter(challenge=challenge, user=cast.coordinator).count() == 1

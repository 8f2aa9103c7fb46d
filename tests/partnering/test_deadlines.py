"""Deadlines on the server clock, frozen one second before, exactly at, and one second after.

A deadline is closed from the instant it names (citytools.partnering.lifecycle): at 17:00:00
a 17:00 deadline has passed. Each case is checked three ways: the service on its own (no
request has moved the challenge yet, so the service must read the clock itself), the clock's
own move (advance_due), and a page request, where DeadlineMiddleware closes the deadline on
the very request that arrives at it.
"""

import datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from citytools.accounts.viewer import Viewer
from citytools.core.errors import DomainError
from citytools.partnering import lifecycle
from citytools.partnering.models import Proposal, Question, State, Transition
from citytools.partnering.services import authoring, proposals
from tests.factories import OrganisationFactory, RoleFactory, SupplierFactory, UserFactory
from tests.partnering.world import make_challenge

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)
SECOND = datetime.timedelta(seconds=1)
OFFSETS = {"1 s before": -1, "exactly at": 0, "1 s after": 1}
FIELDS = {
    "scale": "micro",
    "summary": "A text message at each step of a 311 request.",
    "approach": "Shadow call-takers, then test with residents every fortnight.",
    "team": "A designer and two developers who built a similar tool.",
    "plan": "Discover, prototype, pilot.",
    "price": "42000",
}


@pytest.fixture
def world():
    organisation = OrganisationFactory(slug="deadline-owner")
    owner = UserFactory(email="owner@example.org")
    RoleFactory(user=owner, kind="editor", organisation=organisation)
    steward = UserFactory(email="steward@example.org")
    supplier = SupplierFactory(slug="deadline-applicant", name="Deadline Applicant Ltd")
    vendor = UserFactory(email="vendor@example.org")
    RoleFactory(user=vendor, kind="vendor", supplier=supplier)
    challenge = make_challenge(owners=[organisation], state=State.PUBLISHED, steward=steward, now=START, slug="deadlines")
    return {"challenge": challenge, "vendor": vendor, "supplier": supplier, "owner": owner}


def at(moment):
    return time_machine.travel(moment, tick=False)


def draft(world):
    """A complete draft, saved while everything is open."""
    with at(START):
        return proposals.save_proposal(
            world["challenge"], actor=world["vendor"], viewer=Viewer.for_user(world["vendor"]), **FIELDS
        )


def accepted(offset: int) -> bool:
    return offset < 0


# Questions -----------------------------------------------------------------------------------


@pytest.mark.parametrize("offset", OFFSETS.values(), ids=OFFSETS.keys())
def test_a_question_is_accepted_only_before_the_question_deadline(world, offset):
    challenge = world["challenge"]
    with at(challenge.question_deadline + offset * SECOND):
        assert authoring.questions_open(challenge) is accepted(offset)
        try:
            authoring.ask_question(
                challenge, actor=world["vendor"], viewer=Viewer.for_user(world["vendor"]), text="Is the budget per year?"
            )
        except DomainError:
            assert not accepted(offset)
        else:
            assert accepted(offset)
    assert Question.objects.filter(challenge=challenge).count() == (1 if accepted(offset) else 0)


@pytest.mark.parametrize("offset", OFFSETS.values(), ids=OFFSETS.keys())
def test_the_clock_closes_questions_from_the_deadlines_own_second(world, offset):
    challenge = world["challenge"]
    moved = lifecycle.advance_due(challenge.question_deadline + offset * SECOND)
    challenge.refresh_from_db()
    if accepted(offset):
        assert (moved, challenge.state) == (0, State.PUBLISHED)
    else:
        assert (moved, challenge.state) == (1, State.QUESTIONS_CLOSED)
        move = Transition.objects.get(challenge=challenge, to_state=State.QUESTIONS_CLOSED)
        assert move.actor is None and move.at == challenge.question_deadline + offset * SECOND


@pytest.mark.parametrize("offset", OFFSETS.values(), ids=OFFSETS.keys())
def test_a_question_sent_from_the_page_at_the_deadline(world, offset):
    challenge = world["challenge"]
    client = Client()
    client.force_login(world["vendor"])
    with at(challenge.question_deadline + offset * SECOND):
        answer = client.post(reverse("partnering:questions", args=[challenge.slug]), {"text": "Is the budget per year?"})
    challenge.refresh_from_db()
    if accepted(offset):
        assert answer.status_code == 303
        assert challenge.state == State.PUBLISHED
        assert Question.objects.filter(challenge=challenge).count() == 1
    else:
        assert answer.status_code == 403
        # The middleware closed the questions on this very request.
        assert challenge.state == State.QUESTIONS_CLOSED
        assert not Question.objects.filter(challenge=challenge).exists()


# Submissions ---------------------------------------------------------------------------------


@pytest.mark.parametrize("offset", OFFSETS.values(), ids=OFFSETS.keys())
def test_a_proposal_is_submitted_only_before_the_submission_deadline(world, offset):
    proposal = draft(world)
    challenge = world["challenge"]
    viewer = Viewer.for_user(world["vendor"])
    with at(challenge.submission_deadline + offset * SECOND):
        assert proposals.submissions_open(challenge) is accepted(offset)
        try:
            proposals.submit_proposal(proposal, actor=world["vendor"], viewer=viewer)
        except DomainError:
            assert not accepted(offset)
        else:
            assert accepted(offset)
    proposal.refresh_from_db()
    assert proposal.status == (Proposal.Status.SUBMITTED if accepted(offset) else Proposal.Status.DRAFT)
    assert (proposal.submitted_at is not None) is accepted(offset)


@pytest.mark.parametrize("offset", OFFSETS.values(), ids=OFFSETS.keys())
def test_nothing_changes_a_proposal_from_the_deadline_on(world, offset):
    """Drafting and withdrawing close with submitting: the proposal stands as it was."""
    proposal = draft(world)
    challenge = world["challenge"]
    viewer = Viewer.for_user(world["vendor"])
    with at(START):
        proposals.submit_proposal(proposal, actor=world["vendor"], viewer=viewer)
    proposal.refresh_from_db()
    receipt = proposal.receipt_hash
    with at(challenge.submission_deadline + offset * SECOND):
        for act in (
            lambda: proposals.save_proposal(challenge, actor=world["vendor"], viewer=viewer, **{**FIELDS, "price": "41000"}),
            lambda: proposals.withdraw_proposal(proposal, actor=world["vendor"], viewer=viewer),
        ):
            if not accepted(offset):
                with pytest.raises(DomainError):
                    act()
    proposal.refresh_from_db()
    if not accepted(offset):
        assert (proposal.status, proposal.receipt_hash, str(proposal.price)) == (Proposal.Status.SUBMITTED, receipt, "42000.00")


@pytest.mark.parametrize("offset", OFFSETS.values(), ids=OFFSETS.keys())
def test_the_clock_closes_submissions_from_the_deadlines_own_second(world, offset):
    challenge = world["challenge"]
    moved = lifecycle.advance_due(challenge.submission_deadline + offset * SECOND)
    challenge.refresh_from_db()
    if accepted(offset):
        # Only the question deadline (long past) moved it.
        assert (moved, challenge.state, challenge.submissions_closed_at) == (1, State.QUESTIONS_CLOSED, None)
    else:
        assert (moved, challenge.state) == (2, State.SUBMISSIONS_CLOSED)
        assert challenge.submissions_closed_at == challenge.submission_deadline + offset * SECOND


@pytest.mark.parametrize("offset", OFFSETS.values(), ids=OFFSETS.keys())
def test_a_proposal_submitted_from_the_page_at_the_deadline(world, offset):
    proposal = draft(world)
    challenge = world["challenge"]
    client = Client()
    client.force_login(world["vendor"])
    with at(challenge.submission_deadline + offset * SECOND):
        answer = client.post(reverse("partnering:proposal_submit", args=[challenge.slug]))
        page = client.get(answer["Location"]) if answer.status_code in (302, 303) else None
    challenge.refresh_from_db()
    proposal.refresh_from_db()
    if accepted(offset):
        assert answer.status_code == 303 and answer["Location"].endswith(
            reverse("partnering:proposal_receipt", args=[challenge.slug])
        )
        assert proposal.status == Proposal.Status.SUBMITTED
        assert challenge.state == State.QUESTIONS_CLOSED
    else:
        assert proposal.status == Proposal.Status.DRAFT and proposal.submitted_at is None
        # The middleware closed submissions on this very request; the applicant is told.
        assert challenge.state == State.SUBMISSIONS_CLOSED
        assert answer.status_code in (303, 403, 404)
        if page is not None:
            assert "closed" in page.content.decode().lower()


def test_a_page_read_at_the_deadline_closes_it_for_everyone(world):
    challenge = world["challenge"]
    with at(challenge.submission_deadline):
        page = Client().get(reverse("partnering:challenge", args=[challenge.slug]))
    assert page.status_code == 200
    challenge.refresh_from_db()
    assert challenge.state == State.SUBMISSIONS_CLOSED
    moves = list(Transition.objects.filter(challenge=challenge).values_list("to_state", "actor"))
    assert moves[-2:] == [(State.QUESTIONS_CLOSED, None), (State.SUBMISSIONS_CLOSED, None)]

"""The Invitation to Partner's words read as sentences (issue 13, item 19): a state reads as a
phrase ("in evaluation", not "evaluation"), past deadlines are told in the past tense, and a
joint challenge speaks of its own jurisdiction."""

import pytest
from django.test import Client
from django.urls import reverse

from citytools.partnering.models import STATE_PHRASES, State, state_phrase
from tests.partnering.evaluation_world import cast, challenge_in

pytestmark = pytest.mark.django_db


def client(user=None) -> Client:
    browser = Client()
    if user is not None:
        browser.force_login(user)
    return browser


def test_every_state_has_a_phrase_that_reads_after_is():
    assert set(STATE_PHRASES) == set(State)
    assert state_phrase(State.EVALUATION) == "in evaluation"
    assert state_phrase("co_design") == "in co-design"
    assert state_phrase(State.DRAFT) == "a draft"


def test_a_move_says_where_the_challenge_is_now_as_a_phrase():
    c = cast(applicants=2, evaluators=1)
    challenge = challenge_in(c, State.PARTNERED)
    owner = client(c.owner)
    move = reverse("partnering:challenge_move", kwargs={"slug": challenge.slug})
    confirm = owner.get(move + "?to=co_design").content.decode()
    assert "now partnered" in confirm and "The challenge will be in co-design." in confirm
    done = owner.post(move, {"to": "co_design", "version": challenge.version}, follow=True)
    assert "The challenge is now in co-design." in done.content.decode()
    assert "is now co-design" not in done.content.decode()


def test_the_question_deadline_is_told_in_the_past_tense_once_it_passed():
    c = cast(applicants=1, evaluators=1)
    open_ = challenge_in(c, State.PUBLISHED)
    page = client().get(reverse("partnering:questions", kwargs={"slug": open_.slug})).content.decode()
    assert "Questions close on" in page and "Questions closed on" not in page
    closed = challenge_in(c, State.SUBMISSIONS_CLOSED)
    page = client().get(reverse("partnering:questions", kwargs={"slug": closed.slug})).content.decode()
    assert "Questions closed on" in page and "Questions close on" not in page and "Questions close at" not in page


def test_the_document_names_the_owners_staff_not_the_citys():
    c = cast(applicants=1, evaluators=1)
    challenge = challenge_in(c, State.PUBLISHED)
    page = client().get(challenge.get_absolute_url()).content.decode()
    assert f"nobody, including {c.organisation.name}’s staff, reads them" in page
    assert "the city’s staff" not in page

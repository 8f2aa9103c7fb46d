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

"""The demo gives the people it lists in the README something in their inbox (issue 13,
item 13), so `make run` shows the inbox at work."""

import datetime

import pytest
from django.test import override_settings
from django.utils import timezone

from citytools.accounts.models import User
from citytools.accounts.viewer import Viewer
from citytools.demo.freshness import build_freshness
from citytools.demo.partnering import demo_email
from citytools.demo.people import create_demo_people
from citytools.inbox.queries import tasks_for
from tests.demo.conftest import AS_OF

pytestmark = pytest.mark.django_db

# The demo's challenges are built for AS_OF, so their deadlines are read on that day.
NOW = timezone.make_aware(datetime.datetime.combine(AS_OF, datetime.time(12)))


def kinds(name: str, now=NOW) -> set[str]:
    return {t.kind for t in tasks_for(Viewer.for_user(User.objects.get(email=demo_email(name))), now=now)}


def test_the_demo_people_have_tasks_waiting(demo):
    assert "challenge.review" in kinds("steward")  # the knowledge-base challenge is in review
    assert "challenge.sign_off" in kinds("steward")  # the demand forecast awaits sign-off
    assert "challenge.answer" in kinds("owner")  # a question on the repeat-requests challenge
    assert "challenge.score" in kinds("evaluator3")  # the multilingual evaluation, part scored
    assert "proposal.submit" in kinds("applicant2")  # a draft before the deadline
    assert kinds("admin") == kinds("admin", now=timezone.now()) == set()  # admins may act everywhere; nothing is addressed to them


def test_camdens_editor_is_asked_to_answer_the_demo_campaign(demo):
    """The campaign runs whenever the demo is built (citytools.demo.freshness), so it is read today."""
    with override_settings(DEMO_MODE=True):
        create_demo_people()
        build_freshness(as_of=AS_OF)
    assert "campaign.confirm" in kinds("editor", now=timezone.now())

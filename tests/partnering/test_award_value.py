"""The awarded value (issue 13, item 12): nominated with the partner through one service
(pages and API), public on the award notice and in the OCDS award once the steward signs
off, and never before."""

import json
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from citytools.core.errors import DomainError
from citytools.partnering import ocds
from citytools.partnering.models import Challenge, State
from citytools.partnering.services import evaluation, outcome
from tests.partnering.evaluation_world import cast, challenge_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def c():
    world = cast(applicants=3, evaluators=2)
    challenge_in(world, State.SELECTION)
    return world


def client(user=None) -> Client:
    browser = Client()
    if user is not None:
        browser.force_login(user)
    return browser


def nominate(c, **kwargs):
    return evaluation.select_proposal(
        c.challenge, **c.as_(c.owner), proposal=c.proposal_of(0), rationale="Highest total.", **kwargs
    )


def test_the_awarded_value_is_the_partners_price_unless_the_owners_give_one(c):
    challenge = nominate(c)
    assert (challenge.awarded_value, challenge.awarded_currency) == (Decimal("45000"), "CAD")
    challenge = nominate(c, awarded_value="42000.50")
    assert challenge.awarded_value == Decimal("42000.50")


@pytest.mark.parametrize(
    ("value", "message"),
    [("lots", r"awarded value .*number"), ("-1", "awarded value cannot be negative"), ("50000.01", "above the budget cap")],
)
def test_a_wrong_awarded_value_is_refused_and_nothing_is_written(c, value, message):
    with pytest.raises(DomainError, match=message) as error:
        nominate(c, awarded_value=value)
    assert error.value.field == "awarded_value"
    challenge = Challenge.objects.get(pk=c.challenge.pk)
    assert challenge.selected_proposal_id is None and challenge.awarded_value is None


def test_the_award_notice_and_the_ocds_award_carry_the_value_once_signed_off(c):
    nominate(c, awarded_value="44000")
    assert "44,000" not in client().get(reverse("partnering:award", args=[c.challenge.slug])).content.decode()
    evaluation.sign_off(c.refresh(), **c.as_(c.steward))

    page = client().get(reverse("partnering:award", args=[c.challenge.slug]))
    assert page.status_code == 200
    assert "Awarded value" in page.content.decode() and "CA$44,000 (CAD)" in page.content.decode()

    api = client().get(f"/api/v1/challenges/{c.challenge.slug}/award").json()
    assert (api["awarded_value"], api["awarded_currency"]) == ("44000.00", "CAD")

    [award] = ocds.release_package(c.refresh())["releases"][-1]["awards"]
    assert award["value"] == {"amount": 44000.0, "currency": "CAD"}
    assert outcome.award_notice(c.challenge, viewer=c.viewer(None)).awarded_value == Decimal("44000")


def test_before_the_sign_off_the_ocds_release_has_no_award_value(c):
    nominate(c, awarded_value="44000")
    text = json.dumps(ocds.release_package(c.refresh()))
    assert "44000" not in text and "awards" not in text


def test_the_selection_page_nominates_with_a_value_and_explains_a_refusal(c):
    url = reverse("partnering:selection", args=[c.challenge.slug])
    owner = client(c.owner)
    body = {"proposal": str(c.proposal_of(0).pk), "rationale": "Best fit.", "version": c.challenge.version}
    refused = owner.post(url, {**body, "awarded_value": "90000"})
    assert refused.status_code == 400
    assert "The awarded value is above the budget cap" in refused.content.decode()
    assert c.refresh().selected_proposal_id is None
    done = owner.post(url, {**body, "awarded_value": "43000"})
    assert done.status_code == 303
    assert c.refresh().awarded_value == Decimal("43000")
    assert "Awarded value" in owner.get(url).content.decode()


def test_the_api_nominates_with_a_value(c):
    owner = client(c.owner)
    path = f"/api/v1/challenges/{c.challenge.slug}/selection"
    body = {"proposal_id": c.proposal_of(0).pk, "rationale": "Top."}
    refused = owner.post(path, json.dumps({**body, "awarded_value": "abc"}), content_type="application/json")
    assert refused.status_code == 400 and refused["Content-Type"].startswith("application/problem+json")
    answer = owner.post(path, json.dumps({**body, "awarded_value": "41000"}), content_type="application/json")
    assert answer.status_code == 200
    assert (answer.json()["awarded_value"], answer.json()["awarded_currency"]) == ("41000.00", "CAD")

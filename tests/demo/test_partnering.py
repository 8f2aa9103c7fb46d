"""The demo's Invitations to Partner: Toronto's 311 ITP in every state a page test looks for,
a joint ITP of London boroughs, the people to sign in as, and nothing that changes on a rebuild."""

import datetime

import pytest
from django.test import override_settings

from citytools.accounts.models import Role, User
from citytools.demo.builder import build_demo
from citytools.demo.catalogue import DEFAULT_SEED
from citytools.demo.partnering import REFERENCE_PREFIX
from citytools.demo.people import DEMO_PASSWORD
from citytools.demo.toronto import TORONTO_IDENTIFIER
from citytools.directory.models import Organisation
from citytools.partnering import lifecycle, rules
from citytools.partnering.models import (
    Challenge,
    ConsensusScore,
    Proposal,
    PublicationRules,
    Question,
    Score,
    State,
    SurveyResponse,
    Transition,
)
from tests.demo.conftest import AS_OF

pytestmark = pytest.mark.django_db

# The states the page tests' samples (tests/pages.py) look challenges up by.
STATES = ("draft", "in_review", "published", "evaluation", "selection", "co_design", "closed_out", "cancelled")


def test_the_demo_has_a_challenge_in_every_state_the_pages_show(demo):
    states = set(Challenge.objects.values_list("state", flat=True))
    assert set(STATES) <= states
    assert demo.challenges == Challenge.objects.filter(reference__startswith=REFERENCE_PREFIX).count() >= len(STATES)


def test_toronto_is_a_canadian_municipality_in_a_network_of_its_own(demo):
    toronto = Organisation.objects.get(identifier=TORONTO_IDENTIFIER)
    assert (toronto.identifier_scheme, toronto.name, toronto.nation) == ("CA-SGC", "City of Toronto", "Canada")
    networks = list(toronto.memberships.values_list("network__slug", flat=True))
    assert networks == ["toronto"]
    assert not toronto.systems.exists()
    # The London network is still exactly the 33 London authorities.
    assert Organisation.objects.filter(memberships__network__slug="london").count() == 33


def test_publication_rules_per_jurisdiction(demo):
    toronto = PublicationRules.objects.get(name="City of Toronto Invitation to Partner")
    london = PublicationRules.objects.get(name="London boroughs joint ITP")
    assert (toronto.currency, toronto.max_budget, toronto.min_weeks, toronto.max_weeks) == ("CAD", 50000, 12, 16)
    assert (london.currency, london.max_budget, london.min_weeks, london.max_weeks) == ("GBP", 30000, 12, 16)
    for challenge in Challenge.objects.filter(published_at__isnull=False).select_related("rules"):
        assert not lifecycle.publication_problems(challenge, now=challenge.published_at - datetime.timedelta(seconds=1))


def test_the_311_itp_is_closed_out_with_its_whole_story(demo):
    challenge = Challenge.objects.get(slug="toronto-311-itp")
    assert challenge.state == State.CLOSED_OUT and challenge.currency == "CAD" and challenge.budget_cap <= 50000
    assert "1.5 million calls" in challenge.background
    assert challenge.terms_non_binding and challenge.terms_vendor_owns_prototype and challenge.terms_separate_purchase
    path = list(Transition.objects.filter(challenge=challenge).values_list("to_state", flat=True))
    assert path == list(rules.SEQUENCE[1:])
    assert all(
        (actor is None) == (to in (State.QUESTIONS_CLOSED, State.SUBMISSIONS_CLOSED))
        for to, actor in Transition.objects.filter(challenge=challenge).values_list("to_state", "actor")
    )
    scales = set(challenge.proposals.values_list("scale", flat=True))
    assert scales == {"micro", "small", "medium", "large"}
    assert challenge.proposals.filter(eligible=False).exists()
    assert challenge.signed_off_by == challenge.steward and challenge.selected_proposal.eligible
    assert ConsensusScore.objects.filter(proposal__challenge=challenge, overridden=True).exclude(rationale="").exists()
    assert challenge.milestones.filter(done_at__isnull=False).count() == challenge.milestones.count() >= 4
    assert challenge.check_ins.exists()
    assert SurveyResponse.objects.filter(challenge=challenge, respondent="partner").count() == 1
    assert SurveyResponse.objects.filter(challenge=challenge, respondent="applicant").count() >= 3


def test_open_challenges_have_answered_questions_an_addendum_and_sealed_drafts(demo):
    for challenge in Challenge.objects.filter(state=State.PUBLISHED):
        # Still open on the last day of the month the demo is built for.
        month_end = datetime.datetime.combine(AS_OF + datetime.timedelta(days=31), datetime.time(23, 59), tzinfo=datetime.UTC)
        assert challenge.question_deadline > month_end
        assert Question.objects.filter(challenge=challenge, answered_at__isnull=False).exists()
        assert challenge.addenda.count() == 1
        assert challenge.proposals.filter(status=Proposal.Status.DRAFT).exists()
    repeat = Challenge.objects.get(slug="toronto-311-repeat-requests")
    assert Question.objects.filter(challenge=repeat, answered_at__isnull=True).exists()


def test_evaluation_is_in_progress_and_selection_awaits_sign_off(demo):
    evaluation = Challenge.objects.get(state=State.EVALUATION)
    assert evaluation.blind_scoring
    assert lifecycle.incomplete_evaluators(evaluation)
    assert Score.objects.filter(proposal__challenge=evaluation).exists()
    selection = Challenge.objects.get(state=State.SELECTION)
    assert selection.consensus_locked_at and selection.selected_proposal and selection.signed_off_at is None


def test_the_joint_itp_is_co_owned_by_four_london_boroughs(demo):
    joint = Challenge.objects.get(slug="london-housing-repairs-reporting")
    assert joint.is_joint and joint.currency == "GBP" and joint.rules.name == "London boroughs joint ITP"
    owners = sorted(joint.owners.values_list("short_name", flat=True))
    assert owners == ["Camden", "Hackney", "Islington", "Lambeth"]
    assert joint.ownerships.get(lead=True).organisation.short_name == "Camden"
    assert joint.state == State.PUBLISHED


def test_cancelled_challenge_publishes_its_reason(demo):
    cancelled = Challenge.objects.get(state=State.CANCELLED)
    assert cancelled.closing_reason and cancelled.published_at


def test_the_partnering_accounts_sign_in_with_the_demo_password(demo):
    toronto = Organisation.objects.get(identifier=TORONTO_IDENTIFIER)
    expected = {
        "owner": ("editor", toronto.pk, None),
        "steward": ("member", toronto.pk, None),
        "evaluator1": ("member", toronto.pk, None),
        "evaluator2": ("member", toronto.pk, None),
        "evaluator3": ("member", toronto.pk, None),
    }
    for name, (kind, organisation, supplier) in expected.items():
        user = User.objects.get(email=f"{name}@demo.citytools.invalid")
        assert user.check_password(DEMO_PASSWORD)
        assert list(Role.objects.filter(user=user).values_list("kind", "organisation", "supplier")) == [(kind, organisation, supplier)]
    suppliers = set()
    for n in (1, 2, 3, 4):
        user = User.objects.get(email=f"applicant{n}@demo.citytools.invalid")
        role = Role.objects.get(user=user)
        assert role.kind == "vendor" and role.supplier.is_sme
        suppliers.add(role.supplier_id)
    assert len(suppliers) == 4


def test_a_rebuild_for_another_month_rebuilds_the_challenges_and_only_them(demo):
    mine = Challenge.objects.exclude(reference__startswith=REFERENCE_PREFIX).count()
    before = dict(Challenge.objects.values_list("slug", "publication_date"))
    later = AS_OF + datetime.timedelta(days=30)
    with override_settings(DEMO_MODE=True):
        summary = build_demo(as_of=later, seed=DEFAULT_SEED)
    after = dict(Challenge.objects.values_list("slug", "publication_date"))
    assert before.keys() == after.keys()
    assert all(after[slug] == before[slug] + datetime.timedelta(days=30) for slug in before)
    assert summary.deleted >= len(before)
    assert Challenge.objects.exclude(reference__startswith=REFERENCE_PREFIX).count() == mine

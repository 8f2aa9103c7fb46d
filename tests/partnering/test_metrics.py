"""Process metrics (citytools.partnering.metrics): the arithmetic on hand-computed facts, and
the facts read from the database."""

import datetime

import pytest
from django.utils import timezone

from citytools.partnering import metrics
from citytools.partnering.metrics import Applicant, ChallengeFacts
from citytools.partnering.models import Proposal, Question, State, SurveyResponse
from tests.factories import ContractFactory
from tests.partnering.evaluation_world import cast, challenge_in

UTC = datetime.UTC


def facts(slug, *, applicants=(), questions=0, satisfaction=(), published=(2026, 1, 1), partnered=None, sealed=False):
    return ChallengeFacts(
        slug=slug, reference=slug.upper(), title=slug, state="Partnered",
        published_at=datetime.datetime(*published, tzinfo=UTC),
        partnered_at=datetime.datetime(*partnered, tzinfo=UTC) if partnered else None,
        applicants=tuple(applicants), questions=questions, satisfaction=tuple(satisfaction), sealed=sealed,
    )


A = facts(
    "a",
    applicants=[Applicant(1, "micro", True), Applicant(2, "small", False), Applicant(3, "large", True), Applicant(4, "medium", False)],
    questions=5, satisfaction=(4, 5, 3), partnered=(2026, 3, 2),  # 60 days
)
B = facts(
    "b", applicants=[Applicant(5, "large", False), Applicant(6, "small", True)], questions=1, satisfaction=(2,),
    published=(2026, 2, 1), partnered=(2026, 2, 21),  # 20 days
)
C = facts("c", questions=2, published=(2026, 5, 1), sealed=True)


def test_one_challenge():
    m = metrics.challenge_metrics(A)
    assert (m.applicants, m.sme, m.sme_share) == (4, 3, 75.0)
    assert (m.first_time, m.first_time_share) == (2, 50.0)
    assert (m.questions, m.days_to_partner) == (5, 60)
    assert (m.satisfaction, m.satisfaction_n) == (4.0, 3)


def test_nothing_to_share_is_none_not_zero():
    m = metrics.challenge_metrics(C)
    assert (m.applicants, m.sme_share, m.first_time_share, m.days_to_partner, m.satisfaction) == (0, None, None, None, None)
    assert m.sealed


def test_across_pools_applicants_and_answers():
    s = metrics.across([A, B, C])
    assert (s.challenges, s.applicants, s.sme, s.first_time, s.questions) == (3, 6, 4, 3, 8)
    assert s.sme_share == 66.7  # 4 of 6, not the mean of 75% and 50%
    assert s.first_time_share == 50.0
    assert s.mean_applicants == 3.0  # over the two challenges whose submissions closed
    assert (s.partnered, s.median_days_to_partner, s.mean_days_to_partner) == (2, 40, 40.0)
    assert (s.satisfaction, s.satisfaction_n) == (3.5, 4)  # (4 + 5 + 3 + 2) / 4


def test_benchmarks_answer_in_plain_words():
    answers = dict(metrics.benchmarks(metrics.across([A, B])))
    assert answers["Does the Invitation to Partner attract small and medium-sized firms?"] == (
        "4 of 6 applicants (66.7%) were micro, small or medium-sized."
    )
    assert "a median of 40 days after publication" in answers["How long does it take to find a partner?"]
    assert answers["Are applicants satisfied with the process?"] == "Their mean satisfaction was 3.5 out of 5 (4 answers)."
    assert answers["How many firms apply to each challenge?"] == (
        "6 applicants to the 2 challenges whose submissions have closed, 3 on average."
    )
    sealed_only = dict(metrics.benchmarks(metrics.across([C])))
    assert sealed_only["How many firms apply to each challenge?"] == "No challenge has closed its submissions yet."


def test_benchmarks_with_nothing_published():
    assert metrics.benchmarks(metrics.across([])) == [("Is there anything to measure yet?", "No challenge has been published yet.")]


def test_first_time_suppliers_is_a_set_difference():
    assert metrics.first_time_suppliers({1, 2, 3, 4}, earlier_contracts={2}, earlier_partners={3, 9}) == {1, 4}


# From the database -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_load_facts_counts_first_time_vendors_against_contracts_and_earlier_partnerships():
    c = cast(applicants=4, evaluators=1)
    # Applicant 4 became the partner of the owner's earlier challenge; applicant 3 only applied.
    earlier = challenge_in(
        c, State.PARTNERED, applicants=[c.applicants[3], c.applicants[2]], now=timezone.now() - datetime.timedelta(days=200)
    )
    challenge = challenge_in(c, State.PARTNERED, now=timezone.now())
    # Applicant 1 had a contract with the owner that started before publication: not new.
    ContractFactory(organisation=c.organisation, supplier=c.applicants[0][0], start_date=datetime.date(2020, 1, 1))
    # Applicant 2's contract started after publication: still new.
    ContractFactory(
        organisation=c.organisation, supplier=c.applicants[1][0],
        start_date=challenge.published_at.date() + datetime.timedelta(days=1), end_date=datetime.date(2099, 1, 1),
    )
    # Applicant 4 was the earlier challenge's partner: not new. Applicant 3 only applied: new.
    assert earlier.partnered_at < challenge.published_at
    assert earlier.selected_proposal.supplier == c.applicants[3][0]
    Proposal.objects.filter(challenge=challenge, supplier=c.applicants[2][0]).update(scale="large")
    Question.objects.create(challenge=challenge, text="Is Wi-Fi available?", asked_at=challenge.published_at)
    SurveyResponse.objects.create(
        challenge=challenge, user=c.applicants[1][1], respondent="applicant", satisfaction=4, clarity=4, submitted_at=timezone.now()
    )
    SurveyResponse.objects.create(
        challenge=challenge, user=c.owner, respondent="owner", satisfaction=1, clarity=1, submitted_at=timezone.now()
    )
    loaded = {f.slug: f for f in metrics.load_facts([earlier, challenge])}
    m = metrics.challenge_metrics(loaded[challenge.slug])
    assert (m.applicants, m.sme, m.first_time, m.questions) == (4, 3, 2, 1)
    new = {a.supplier_id for a in loaded[challenge.slug].applicants if a.first_time}
    assert new == {c.applicants[1][0].pk, c.applicants[2][0].pk}
    assert (m.satisfaction, m.satisfaction_n) == (4, 1)  # owners' answers are not applicants' satisfaction
    assert m.days_to_partner == (challenge.partnered_at - challenge.published_at).days


@pytest.mark.django_db
def test_load_facts_leaves_out_unpublished_and_seals_open_challenges():
    c = cast(applicants=2, evaluators=1)
    draft = challenge_in(c, State.DRAFT)
    open_ = challenge_in(c, State.PUBLISHED)
    Proposal.objects.filter(challenge=open_).update(status=Proposal.Status.SUBMITTED, scale="micro")
    loaded = metrics.load_facts([draft, open_])
    assert [f.slug for f in loaded] == [open_.slug]
    assert loaded[0].sealed and loaded[0].applicants == ()

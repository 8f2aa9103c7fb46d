"""citytools.partnering.checks: each publication check fails with a message naming what is
missing, and passes at its exact limits. No database."""

import datetime
from decimal import Decimal

import pytest

from citytools.partnering.checks import CriterionFacts, Thresholds, publication_problems

NOW = datetime.datetime(2026, 3, 1, 12, 0, tzinfo=datetime.UTC)
LEVELS = ["None", "Weak", "Adequate", "Good", "Excellent"]


def facts(**changes) -> dict:
    base = {
        "title": "Faster answers for 311",
        "problem_statement": "Residents wait too long.",
        "budget_cap": Decimal("50000"),
        "currency": "CAD",
        "codesign_weeks": 14,
        "criteria": [CriterionFacts("Understanding", 40, 4, LEVELS), CriterionFacts("Approach", 35, 4, LEVELS),
                  CriterionFacts("Team", 25, 4, LEVELS)],
        "eligibility_count": 1,
        "terms_non_binding": True,
        "terms_vendor_owns_prototype": True,
        "terms_separate_purchase": True,
        "tie_break": "criteria-price-time",
        "contact_email": "itp@example.org",
        "question_deadline": NOW + datetime.timedelta(days=14),
        "submission_deadline": NOW + datetime.timedelta(days=28),
        "now": NOW,
        "thresholds": Thresholds(),
    }
    base.update(changes)
    return base


def weights(*values, scale_max=4, texts=LEVELS):
    return [CriterionFacts(f"Criterion {i}", w, scale_max, texts) for i, w in enumerate(values, 1)]


def test_a_complete_challenge_passes():
    assert publication_problems(**facts()) == []


@pytest.mark.parametrize(
    "changes",
    [
        {"budget_cap": Decimal("50000")},
        {"budget_cap": Decimal("0")},
        {"codesign_weeks": 12},
        {"codesign_weeks": 16},
        {"criteria": weights(100)},
        {"criteria": weights(1, 99)},
        {"criteria": weights(50, 50, scale_max=1, texts=["No", "Yes"])},
        {"eligibility_count": 0},
    ],
    ids=["budget at the cap", "budget zero", "12 weeks", "16 weeks", "one criterion of 100", "1 + 99",
         "0–1 scales", "no eligibility criteria by default"],
)
def test_passes_at_the_limits(changes):
    assert publication_problems(**facts(**changes)) == []


@pytest.mark.parametrize(
    "changes, field, words",
    [
        ({"budget_cap": Decimal("50000.01")}, "budget_cap", "at most 50,000 CAD"),
        ({"budget_cap": Decimal("60000")}, "budget_cap", "The budget cap is 60,000 CAD"),
        ({"budget_cap": None}, "budget_cap", "Set the budget cap"),
        ({"currency": "USD"}, "currency", "must be in CAD"),
        ({"codesign_weeks": 11}, "codesign_weeks", "takes 11 weeks; it must take 12 to 16 weeks"),
        ({"codesign_weeks": 17}, "codesign_weeks", "takes 17 weeks; it must take 12 to 16 weeks"),
        ({"codesign_weeks": None}, "codesign_weeks", "how many weeks"),
        ({"criteria": weights(40, 35, 24)}, "criteria", "add up to 99; they must add up to 100"),
        ({"criteria": weights(40, 35, 26)}, "criteria", "add up to 101; they must add up to 100"),
        ({"criteria": []}, "criteria", "Add the evaluation criteria"),
        ({"criteria": weights(100, 0)}, "criteria", "needs a whole-number weight of 1 or more"),
        ({"criteria": weights(100, texts=LEVELS[:4])}, "criteria", "needs a text for score 4 of its 0–4 scale"),
        ({"criteria": weights(100, texts=["None", "", "Fair", "Good", "Best"])}, "criteria", "needs a text for score 1"),
        ({"terms_non_binding": False}, "terms_non_binding", "non-binding"),
        ({"terms_vendor_owns_prototype": False}, "terms_vendor_owns_prototype", "vendor owns the prototype"),
        ({"terms_separate_purchase": False}, "terms_separate_purchase", "separate contract"),
        ({"tie_break": "coin-toss"}, "tie_break", "tie-break"),
        ({"contact_email": ""}, "contact_email", "contact e-mail"),
        ({"title": ""}, "title", "title"),
        ({"problem_statement": ""}, "problem_statement", "'The Challenge' is missing"),
        ({"question_deadline": None}, "question_deadline", "Set the question deadline"),
        ({"submission_deadline": None}, "submission_deadline", "Set the submission deadline"),
        ({"question_deadline": NOW + datetime.timedelta(days=30)}, "question_deadline", "before the submission deadline"),
        ({"question_deadline": NOW}, "question_deadline", "already passed"),
        ({"thresholds": Thresholds(min_eligibility_criteria=2)}, "eligibility_criteria", "at least 2"),
    ],
)
def test_each_check_names_what_is_missing(changes, field, words):
    problems = publication_problems(**facts(**changes))
    assert problems, "expected the check to fail"
    assert any(p.field == field and words in p.message for p in problems), problems


def test_thresholds_come_from_the_jurisdiction():
    london = Thresholds(currency="GBP", max_budget=Decimal("30000"), min_weeks=8, max_weeks=10)
    assert [p.field for p in publication_problems(**facts(currency="GBP", budget_cap=Decimal("30000"), codesign_weeks=8, thresholds=london))] == []
    fields = {p.field for p in publication_problems(**facts(currency="GBP", budget_cap=Decimal("30001"), codesign_weeks=11, thresholds=london))}
    assert fields == {"budget_cap", "codesign_weeks"}


def test_terms_and_scale_texts_can_be_switched_off():
    relaxed = Thresholds(require_terms=False, require_scale_texts=False)
    assert publication_problems(**facts(terms_non_binding=False, criteria=weights(100, texts=[]), thresholds=relaxed)) == []


# Time to apply (issue 13, item 14) -------------------------------------------------------------


@pytest.mark.parametrize(
    "changes, field, words",
    [
        (
            {"question_deadline": NOW + datetime.timedelta(minutes=5), "submission_deadline": NOW + datetime.timedelta(minutes=15)},
            "submission_deadline", "Applicants would have 15 minutes from publication to the submission deadline; "
            "these rules give them at least 14 days",
        ),
        (
            {"question_deadline": NOW + datetime.timedelta(days=5), "submission_deadline": NOW + datetime.timedelta(days=13, hours=23)},
            "submission_deadline", "would have 13 days",
        ),
        (
            {"question_deadline": NOW + datetime.timedelta(days=27, hours=20)},
            "question_deadline", "Questions would close 4 hours before the submission deadline; these rules close "
            "them at least 5 days before",
        ),
        (
            {"publication_date": (NOW + datetime.timedelta(days=20)).date()},
            "submission_deadline", "would have 8 days",  # published later than today: less time to apply
        ),
    ],
    ids=["a 15-minute window", "a day short", "questions close hours before", "a later publication day"],
)
def test_applicants_get_the_time_the_jurisdiction_gives(changes, field, words):
    problems = publication_problems(**facts(**changes))
    assert any(p.field == field and words in p.message for p in problems), problems


def test_the_time_to_apply_passes_at_its_limits_and_comes_from_the_jurisdiction():
    at_limits = facts(
        question_deadline=NOW + datetime.timedelta(days=9), submission_deadline=NOW + datetime.timedelta(days=14)
    )
    assert publication_problems(**at_limits) == []
    short = facts(question_deadline=NOW + datetime.timedelta(days=1), submission_deadline=NOW + datetime.timedelta(days=2))
    assert publication_problems(**short)
    assert publication_problems(**{**short, "thresholds": Thresholds(min_submission_days=2, min_question_days=1)}) == []

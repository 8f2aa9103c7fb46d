"""Publication checks: what a challenge must have before it is published. Pure: no ORM.

The thresholds come from the jurisdiction's PublicationRules; the defaults follow the City
of Toronto's Invitation to Partner (budget up to CAD 50,000, 12–16 weeks of co-design). A
failed check names the field and what is missing, so the owner can fix it.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from citytools.partnering.rules import weight_problem
from citytools.partnering.scoring import TIE_BREAKS


@dataclass(frozen=True)
class Problem:
    field: str
    message: str


@dataclass(frozen=True)
class CriterionFacts:
    name: str
    weight: int
    scale_max: int
    level_texts: list


@dataclass(frozen=True)
class Thresholds:
    currency: str = "CAD"
    max_budget: Decimal = Decimal("50000")
    min_weeks: int = 12
    max_weeks: int = 16
    weights_total: int = 100
    require_scale_texts: bool = True
    require_terms: bool = True
    min_eligibility_criteria: int = 0
    # How long applicants have: from publication to the submission deadline, and from the
    # question deadline to the submission deadline (to read the answers before submitting).
    min_submission_days: int = 14
    min_question_days: int = 5


def publication_problems(
    *,
    title: str,
    problem_statement: str,
    budget_cap: Decimal | None,
    currency: str,
    codesign_weeks: int | None,
    criteria: list[CriterionFacts],
    eligibility_count: int,
    terms_non_binding: bool,
    terms_vendor_owns_prototype: bool,
    terms_separate_purchase: bool,
    tie_break: str,
    contact_email: str,
    question_deadline,
    submission_deadline,
    now,
    thresholds: Thresholds,
    publication_date: datetime.date | None = None,
) -> list[Problem]:
    problems: list[Problem] = []

    def need(ok: bool, field: str, message: str) -> None:
        if not ok:
            problems.append(Problem(field, message))

    need(bool(title.strip()), "title", "Give the challenge a title.")
    need(bool(problem_statement.strip()), "problem_statement", "State the problem: 'The Challenge' is missing.")
    if budget_cap is None:
        problems.append(Problem("budget_cap", "Set the budget cap."))
    else:
        need(
            currency == thresholds.currency,
            "currency",
            f"The budget must be in {thresholds.currency} under these rules, not {currency}.",
        )
        need(
            budget_cap <= thresholds.max_budget,
            "budget_cap",
            f"The budget cap is {budget_cap:,.0f} {currency}; these rules allow at most "
            f"{thresholds.max_budget:,.0f} {thresholds.currency}.",
        )
    if codesign_weeks is None:
        problems.append(Problem("codesign_weeks", "Set how many weeks the co-design takes."))
    else:
        need(
            thresholds.min_weeks <= codesign_weeks <= thresholds.max_weeks,
            "codesign_weeks",
            f"The co-design takes {codesign_weeks} weeks; it must take {thresholds.min_weeks} to "
            f"{thresholds.max_weeks} weeks.",
        )
    if not criteria:
        problems.append(Problem("criteria", "Add the evaluation criteria."))
    else:
        total = sum(c.weight for c in criteria)
        need(
            total == thresholds.weights_total,
            "criteria",
            f"The criteria's weights add up to {total}; they must add up to {thresholds.weights_total}.",
        )
        for c in criteria:
            problem = weight_problem(c.weight)
            need(problem is None, "criteria", f"Criterion '{c.name}' {problem}.")
            if thresholds.require_scale_texts:
                texts = list(c.level_texts or [])
                missing = [
                    str(level) for level in range(c.scale_max + 1)
                    if level >= len(texts) or not str(texts[level]).strip()
                ]
                need(
                    not missing,
                    "criteria",
                    f"Criterion '{c.name}' needs a text for score {', '.join(missing)} of its 0–{c.scale_max} scale.",
                )
    need(
        eligibility_count >= thresholds.min_eligibility_criteria,
        "eligibility_criteria",
        f"Add at least {thresholds.min_eligibility_criteria} pass/fail eligibility criteria.",
    )
    if thresholds.require_terms:
        need(terms_non_binding, "terms_non_binding", "State that the partnership is non-binding.")
        need(terms_vendor_owns_prototype, "terms_vendor_owns_prototype", "State that the vendor owns the prototype.")
        need(
            terms_separate_purchase,
            "terms_separate_purchase",
            "State that any later purchase needs a separate contract.",
        )
    need(tie_break in TIE_BREAKS, "tie_break", "Choose how equal totals are separated (the tie-break rules).")
    need(bool(contact_email.strip()), "contact_email", "Give a contact e-mail address.")
    if question_deadline is None:
        problems.append(Problem("question_deadline", "Set the question deadline."))
    if submission_deadline is None:
        problems.append(Problem("submission_deadline", "Set the submission deadline."))
    if question_deadline is not None and submission_deadline is not None:
        need(
            question_deadline < submission_deadline,
            "question_deadline",
            "The question deadline must come before the submission deadline.",
        )
    if question_deadline is not None and now is not None:
        need(question_deadline > now, "question_deadline", "The question deadline has already passed.")
    opens = publication_opens(now, publication_date)
    if submission_deadline is not None and opens is not None:
        days = thresholds.min_submission_days
        need(
            submission_deadline - opens >= datetime.timedelta(days=days),
            "submission_deadline",
            f"Applicants would have {window(submission_deadline - opens)} from publication to the submission "
            f"deadline; these rules give them at least {plural(days, 'day')}.",
        )
    if question_deadline is not None and submission_deadline is not None and question_deadline < submission_deadline:
        days = thresholds.min_question_days
        need(
            submission_deadline - question_deadline >= datetime.timedelta(days=days),
            "question_deadline",
            f"Questions would close {window(submission_deadline - question_deadline)} before the submission "
            f"deadline; these rules close them at least {plural(days, 'day')} before, so that applicants read "
            f"the answers.",
        )
    return problems


def publication_opens(now: datetime.datetime | None, publication_date: datetime.date | None):
    """When applicants can start: now, or the start of a later planned publication day."""
    if now is None:
        return None
    if publication_date is not None and publication_date > now.date():
        return datetime.datetime.combine(publication_date, datetime.time.min, tzinfo=now.tzinfo)
    return now


def plural(count: int, unit: str) -> str:
    return f"{count} {unit}" if count == 1 else f"{count} {unit}s"


def window(span: datetime.timedelta) -> str:
    """A short span in the largest whole unit that reads naturally: '3 days', '15 minutes'."""
    seconds = max(int(span.total_seconds()), 0)
    if seconds >= 86400:
        return plural(seconds // 86400, "day")
    if seconds >= 3600:
        return plural(seconds // 3600, "hour")
    return plural(seconds // 60, "minute")

"""Process metrics of Invitations to Partner: does the process attract small firms and new
vendors, how fast does it find a partner, and how did applicants find it?

The seed's benchmarks, per challenge and across challenges:

- applicants: suppliers that submitted a proposal;
- SME share: of those, the micro, small and medium-sized ones (the scale each declared);
- first-time vendors: applicants that had not been a vendor to any owning organisation when
  the challenge was published: no contract with it that started before, and not the partner
  of an earlier challenge of it (a firm that only applied before still counts as new);
- questions asked;
- days from publication to partner (sign-off of the selection);
- applicants' mean satisfaction with the process (1–5, with the number of answers).

The arithmetic (`challenge_metrics`, `across`) is pure: it works on `ChallengeFacts`, which
`load_facts` reads from the database in a fixed number of queries whatever the number of
challenges. Only published challenges are measured.
"""

import datetime
from dataclasses import dataclass, field
from statistics import mean, median

from django.db.models import Count, Q

from citytools.contracts.models import Contract
from citytools.partnering.models import SME_SCALES, Challenge, Proposal, Question, SurveyResponse

SME = frozenset(str(s) for s in SME_SCALES)


@dataclass(frozen=True)
class Applicant:
    supplier_id: int
    scale: str
    first_time: bool


@dataclass(frozen=True)
class ChallengeFacts:
    """What the metrics need to know of one published challenge."""

    slug: str
    reference: str
    title: str
    state: str
    published_at: datetime.datetime
    partnered_at: datetime.datetime | None
    applicants: tuple[Applicant, ...] = ()
    questions: int = 0
    satisfaction: tuple[int, ...] = ()  # answers of applicants and the partner, 1–5
    # Before submissions close, proposals are sealed: who applied, and their sizes, are not
    # counted (a share of SMEs would tell something about sealed proposals).
    sealed: bool = False


@dataclass(frozen=True)
class ChallengeMetrics:
    slug: str
    reference: str
    title: str
    state: str
    applicants: int
    sme: int
    first_time: int
    questions: int
    days_to_partner: int | None
    satisfaction: float | None
    satisfaction_n: int
    sealed: bool = False

    @property
    def sme_share(self) -> float | None:
        return share(self.sme, self.applicants)

    @property
    def first_time_share(self) -> float | None:
        return share(self.first_time, self.applicants)


def share(part: int, whole: int) -> float | None:
    """A percentage to one decimal, or None of nothing."""
    return round(100 * part / whole, 1) if whole else None


def first_time_suppliers(applicants, *, earlier_contracts, earlier_partners) -> set[int]:
    """Applicant suppliers that had neither a contract with an owner nor been the partner of
    an earlier challenge of the owners (sets of supplier ids)."""
    return set(applicants) - set(earlier_contracts) - set(earlier_partners)


def days_between(start: datetime.datetime | None, end: datetime.datetime | None) -> int | None:
    if start is None or end is None:
        return None
    return (end - start).days


def challenge_metrics(facts: ChallengeFacts) -> ChallengeMetrics:
    answers = list(facts.satisfaction)
    return ChallengeMetrics(
        slug=facts.slug,
        reference=facts.reference,
        title=facts.title,
        state=facts.state,
        applicants=len(facts.applicants),
        sme=sum(1 for a in facts.applicants if a.scale in SME),
        first_time=sum(1 for a in facts.applicants if a.first_time),
        questions=facts.questions,
        days_to_partner=days_between(facts.published_at, facts.partnered_at),
        satisfaction=round(mean(answers), 2) if answers else None,
        satisfaction_n=len(answers),
        sealed=facts.sealed,
    )


@dataclass(frozen=True)
class Across:
    """The same measures over many challenges."""

    challenges: int
    applicants: int
    sme: int
    first_time: int
    questions: int
    partnered: int
    mean_applicants: float | None
    median_days_to_partner: float | None
    mean_days_to_partner: float | None
    satisfaction: float | None
    satisfaction_n: int
    rows: list[ChallengeMetrics] = field(default_factory=list)

    @property
    def sme_share(self) -> float | None:
        return share(self.sme, self.applicants)

    @property
    def first_time_share(self) -> float | None:
        return share(self.first_time, self.applicants)


def across(facts: list[ChallengeFacts]) -> Across:
    """Totals pool every applicant (an SME share of all applicants, not a mean of shares);
    satisfaction is the mean of every answer, so a challenge with more answers weighs more."""
    rows = [challenge_metrics(f) for f in facts]
    days = [r.days_to_partner for r in rows if r.days_to_partner is not None]
    answers = [a for f in facts for a in f.satisfaction]
    applicants = sum(r.applicants for r in rows)
    return Across(
        challenges=len(rows),
        applicants=applicants,
        sme=sum(r.sme for r in rows),
        first_time=sum(r.first_time for r in rows),
        questions=sum(r.questions for r in rows),
        partnered=len(days),
        # Challenges still open are not counted: their applicants are not known yet.
        mean_applicants=round(applicants / len(closed), 1) if (closed := [r for r in rows if not r.sealed]) else None,
        median_days_to_partner=median(days) if days else None,
        mean_days_to_partner=round(mean(days), 1) if days else None,
        satisfaction=round(mean(answers), 2) if answers else None,
        satisfaction_n=len(answers),
        rows=rows,
    )


def benchmarks(summary: Across) -> list[tuple[str, str]]:
    """The seed's questions, answered in plain words from the figures."""
    s = summary
    if not s.challenges:
        return [("Is there anything to measure yet?", "No challenge has been published yet.")]
    out = []
    if s.applicants:
        out.append((
            "Does the Invitation to Partner attract small and medium-sized firms?",
            f"{s.sme} of {s.applicants} applicants ({s.sme_share}%) were micro, small or medium-sized.",
        ))
        out.append((
            "Does it reach firms that never worked for these organisations?",
            f"{s.first_time} of {s.applicants} applicants ({s.first_time_share}%) were first-time vendors "
            "to the organisations that owned the challenge.",
        ))
    else:
        out.append(("How many firms applied?", "No proposal has been submitted yet."))
    closed = sum(1 for r in s.rows if not r.sealed)
    if closed:
        out.append((
            "How many firms apply to each challenge?",
            f"{s.applicants} applicants to the {closed} challenge{'s' if closed != 1 else ''} whose submissions "
            f"have closed, {s.mean_applicants:g} on average.",
        ))
    else:
        out.append(("How many firms apply to each challenge?", "No challenge has closed its submissions yet."))
    if s.partnered:
        out.append((
            "How long does it take to find a partner?",
            f"{s.partnered} challenge{'s' if s.partnered != 1 else ''} found a partner, a median of "
            f"{s.median_days_to_partner:g} days after publication.",
        ))
    else:
        out.append(("How long does it take to find a partner?", "No challenge has found a partner yet."))
    if s.satisfaction_n:
        out.append((
            "Are applicants satisfied with the process?",
            f"Their mean satisfaction was {s.satisfaction} out of 5 ({s.satisfaction_n} answers).",
        ))
    else:
        out.append(("Are applicants satisfied with the process?", "No applicant has answered the survey yet."))
    return out


# Loading the facts -------------------------------------------------------------------------------


def load_facts(challenges) -> list[ChallengeFacts]:
    """Facts of the published challenges among `challenges` (a queryset or list), in a fixed
    number of queries."""
    challenges = list(Challenge.objects.filter(pk__in=[c.pk for c in challenges]).public().prefetch_related("ownerships"))
    if not challenges:
        return []
    ids = [c.pk for c in challenges]
    owners = {c.pk: {o.organisation_id for o in c.ownerships.all()} for c in challenges}
    all_owners = set().union(*owners.values())
    submitted = list(
        Proposal.objects.filter(challenge_id__in=ids, status=Proposal.Status.SUBMITTED).values_list(
            "challenge_id", "supplier_id", "scale"
        )
    )
    suppliers = {s for _, s, _ in submitted}
    contracts = list(
        Contract.objects.active()
        .filter(organisation_id__in=all_owners, supplier_id__in=suppliers)
        .values_list("organisation_id", "supplier_id", "start_date")
    )
    # Every challenge of any of these owners in which one of these suppliers became the partner.
    partnerships = list(
        Challenge.objects.filter(
            partnered_at__isnull=False, selected_proposal__supplier_id__in=suppliers,
            ownerships__organisation_id__in=all_owners,
        )
        .values_list("selected_proposal__supplier_id", "partnered_at", "ownerships__organisation_id")
        .distinct()
    )
    questions = dict(
        Question.objects.filter(challenge_id__in=ids).values("challenge_id").annotate(n=Count("pk")).values_list("challenge_id", "n")
    )
    answers: dict[int, list[int]] = {}
    for challenge_id, value in SurveyResponse.objects.filter(
        Q(challenge_id__in=ids) & ~Q(respondent=SurveyResponse.Respondent.OWNER)
    ).values_list("challenge_id", "satisfaction"):
        answers.setdefault(challenge_id, []).append(value)

    facts = []
    for c in challenges:
        mine = owners[c.pk]
        published_day = c.published_at.date()
        sealed = c.submissions_closed_at is None
        rows = [] if sealed else [(s, scale) for cid, s, scale in submitted if cid == c.pk]
        applicant_ids = {s for s, _ in rows}
        earlier_contracts = {s for org, s, start in contracts if org in mine and start < published_day}
        earlier_partners = {s for s, when, org in partnerships if org in mine and when < c.published_at}
        new = first_time_suppliers(applicant_ids, earlier_contracts=earlier_contracts, earlier_partners=earlier_partners)
        facts.append(
            ChallengeFacts(
                slug=c.slug,
                reference=c.reference,
                title=c.title,
                state=c.get_state_display(),
                published_at=c.published_at,
                partnered_at=c.partnered_at,
                applicants=tuple(Applicant(s, scale, s in new) for s, scale in sorted(rows)),
                questions=questions.get(c.pk, 0),
                satisfaction=tuple(answers.get(c.pk, ())),
                sealed=sealed,
            )
        )
    facts.sort(key=lambda f: f.published_at, reverse=True)
    return facts

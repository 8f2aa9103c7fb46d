"""What happens after selection: notifications, the award notice, debriefs, co-design,
close-out surveys, lessons for the next challenge and the link to a later purchase.

Reads that depend on who is asking take `viewer=` and return only what that person may see
(NotFound for what they may not see at all, Forbidden for what they see but may not do).
Writes take `actor=` and `viewer=`, are atomic and raise DomainError on refusal.

`on_challenge_moved` is connected to lifecycle.challenge_moved in PartneringConfig.ready():
the steward hears of a review request, the owners of the steward's decision, the evaluators
that the evaluation opened (citytools.partnering.services.notices); when a partner is chosen
every applicant hears, and when a challenge is cancelled or closed unsuccessful everyone
engaged with it hears the published reason.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from statistics import mean

from django.db import IntegrityError, transaction
from django.utils import timezone

from citytools.accounts.models import Role
from citytools.contracts.models import Contract
from citytools.core.errors import Conflict, DomainError, Forbidden, NotFound
from citytools.partnering import rules, scoring
from citytools.partnering.access import roles_for, visible_challenges
from citytools.partnering.models import (
    Challenge,
    CheckIn,
    ConsensusScore,
    FollowOnPurchase,
    Interest,
    Milestone,
    Notification,
    Proposal,
    Score,
    State,
    SurveyResponse,
)
from citytools.partnering.notify import notify, site_url
from citytools.partnering.services import notices

# Reading a challenge -----------------------------------------------------------------------


def challenge_for(viewer, slug: str) -> Challenge:
    """The challenge with this slug if this person may read it; NotFound otherwise."""
    challenge = visible_challenges(viewer).filter(slug=slug).select_related("rules", "steward").first()
    if challenge is None:
        raise NotFound("No such challenge.")
    return challenge


def partner_proposal(challenge: Challenge) -> Proposal | None:
    """The selected proposal, once the selection is signed off."""
    if challenge.state not in rules.AWARDED or challenge.selected_proposal_id is None:
        return None
    return Proposal.objects.select_related("supplier").get(pk=challenge.selected_proposal_id)


def partner_supplier_id(challenge: Challenge) -> int | None:
    if challenge.state not in rules.AWARDED:
        return None
    proposal = partner_proposal(challenge)
    return proposal.supplier_id if proposal else None


def supplier_users(supplier_ids) -> list:
    """The active vendor users of these suppliers."""
    roles_ = Role.objects.filter(kind=Role.Kind.VENDOR, supplier_id__in=list(supplier_ids), user__is_active=True)
    return [role.user for role in roles_.select_related("user").order_by("user_id")]


def _submitted(challenge: Challenge):
    return challenge.proposals.filter(status=Proposal.Status.SUBMITTED).select_related("supplier", "created_by")


# Notifications on moves -----------------------------------------------------------------------


def on_challenge_moved(sender, *, challenge, from_state, to_state, actor=None, **kwargs) -> None:
    """Receiver of lifecycle.challenge_moved (sent after the move commits)."""
    from_state, to_state = State(from_state), State(to_state)
    if to_state == State.IN_REVIEW:
        notices.review_requested(challenge)
    elif from_state == State.IN_REVIEW and to_state in (State.PUBLISHED, State.DRAFT):
        reason = challenge.transitions.order_by("-at", "-pk").values_list("reason", flat=True).first() or ""
        notices.review_decided(challenge, approved=to_state == State.PUBLISHED, reason=reason)
    elif to_state == State.EVALUATION:
        notices.evaluation_opened(challenge)
    if to_state == State.PARTNERED:
        notify_award(challenge)
    elif to_state in (State.CANCELLED, State.UNSUCCESSFUL):
        notify_closed(challenge)


def notify_award(challenge: Challenge) -> list[Notification]:
    """Tell every applicant who submitted a proposal whether they were selected. Each message
    names only the reader's own result and links to the public notice or their debrief."""
    challenge = Challenge.objects.get(pk=challenge.pk)
    partner = partner_proposal(challenge)
    if partner is None:
        return []
    award_url = site_url("partnering:award", slug=challenge.slug)
    sent = []
    with transaction.atomic():
        for proposal in _submitted(challenge):
            users = [proposal.created_by, *supplier_users([proposal.supplier_id])]
            if proposal.pk == partner.pk:
                sent += notify(
                    challenge, users, kind="selected",
                    subject=f"Your proposal was selected: {challenge.title}",
                    body=(
                        f"{proposal.supplier.name} was selected as the partner for “{challenge.title}” "
                        f"({challenge.reference}).\n\nThe owners will contact you about the co-design. "
                        f"The public award notice: {award_url}\n"
                        f"Your scores: {site_url('partnering:debrief_proposal', slug=challenge.slug, pk=proposal.pk)}\n"
                        f"The panel's feedback on each criterion follows there once the owners have reviewed it; "
                        f"you will be told.\n"
                    ),
                )
            else:
                sent += notify(
                    challenge, users, kind="not_selected",
                    subject=f"Your proposal was not selected: {challenge.title}",
                    body=(
                        f"Thank you for applying to “{challenge.title}” ({challenge.reference}). "
                        f"The owners chose another proposal.\n\n"
                        f"Your debrief, with your scores against each criterion: "
                        f"{site_url('partnering:debrief_proposal', slug=challenge.slug, pk=proposal.pk)}\n"
                        f"The panel's feedback on each criterion follows there once the owners have reviewed it; "
                        f"you will be told.\n"
                        f"The public award notice: {award_url}\n"
                    ),
                )
    return sent


def engaged_users(challenge: Challenge) -> list:
    """People who registered interest or started a proposal."""
    users = [interest.user for interest in Interest.objects.filter(challenge=challenge).select_related("user")]
    users += [p.created_by for p in challenge.proposals.select_related("created_by") if p.created_by]
    return users


def notify_closed(challenge: Challenge) -> list[Notification]:
    """Cancelled or unsuccessful: everyone engaged hears the published reason."""
    challenge = Challenge.objects.get(pk=challenge.pk)
    what = "cancelled" if challenge.state == State.CANCELLED else "closed without a partner"
    return notify(
        challenge, engaged_users(challenge), kind=str(challenge.state),
        subject=f"Challenge {what}: {challenge.title}",
        body=(
            f"“{challenge.title}” ({challenge.reference}) was {what}.\n\n"
            f"The reason, as published: {challenge.closing_reason}\n\n"
            f"{site_url('partnering:challenge', slug=challenge.slug)}\n"
        ),
    )


def notifications_for(user) -> list[Notification]:
    """A person's own partnering notifications, newest first."""
    if user is None:
        return []
    return list(Notification.objects.filter(user=user).select_related("challenge"))


# The award notice -------------------------------------------------------------------------------


@dataclass
class AwardNotice:
    """What the public learns once a partner is chosen. No scores: those go to each
    applicant in their own debrief."""

    challenge: Challenge
    partner_name: str
    partner_scale: str
    partner_scale_label: str
    proposals_received: int
    awarded_at: datetime.datetime | None
    awarded_value: Decimal | None
    awarded_currency: str
    budget_cap: Decimal | None
    currency: str
    purchases: list = field(default_factory=list)


def award_notice(challenge: Challenge, *, viewer) -> AwardNotice:
    roles = roles_for(viewer, challenge)
    if not rules.can_view(roles, published=challenge.is_published) or challenge.state not in rules.AWARDED:
        raise NotFound("No award has been made for this challenge.")
    partner = partner_proposal(challenge)
    if partner is None:
        raise NotFound("No award has been made for this challenge.")
    return AwardNotice(
        challenge=challenge,
        partner_name=partner.supplier.name,
        partner_scale=partner.scale,
        partner_scale_label=partner.get_scale_display(),
        proposals_received=_submitted(challenge).count(),
        awarded_at=challenge.partnered_at,
        awarded_value=challenge.awarded_value,
        awarded_currency=challenge.awarded_currency or challenge.currency,
        budget_cap=challenge.budget_cap,
        currency=challenge.currency,
        purchases=purchases(challenge, viewer=viewer),
    )


# Debriefs --------------------------------------------------------------------------------------------


@dataclass
class DebriefLine:
    criterion: str
    weight: int
    scale_max: int
    score: Decimal
    # The panel's feedback on this criterion, as the owners reviewed and released it (empty for
    # the applicant until then).
    feedback: str
    # The evaluators' own comments, ("Evaluator 1", comment): for the owners and the steward,
    # to write the feedback from; never for the applicant.
    comments: list[tuple[str, str]]
    criterion_id: int = 0


@dataclass
class Debrief:
    challenge: Challenge
    proposal: Proposal
    supplier_name: str
    selected: bool
    total: Decimal | None  # None when the proposal was not scored (found ineligible)
    rank: int | None
    of: int
    lines: list[DebriefLine]
    # The eligibility screening: (criterion, passed, the screener's note), in the criteria's order.
    eligibility: list[tuple[str, bool, str]] = field(default_factory=list)
    # Whether the owners released the feedback to the applicant, and whether this reader
    # reviews it (an owner) or reads what was released (the applicant).
    released: bool = False
    reviews: bool = False

    @property
    def scored(self) -> bool:
        return self.rank is not None


def debriefs_open(challenge: Challenge) -> bool:
    """Debriefs exist once a partner is chosen, or once a challenge closed as unsuccessful
    after submissions closed (with scores if they were locked, with the screening otherwise)."""
    if challenge.state == State.UNSUCCESSFUL:
        return challenge.submissions_closed_at is not None
    return challenge.consensus_locked_at is not None and challenge.state in rules.AWARDED


def may_read_debrief(roles: rules.ChallengeRoles, *, supplier_id: int) -> bool:
    """The applicant's own users, the owners and the steward; never other applicants."""
    return supplier_id in roles.suppliers or roles.manages or roles.is_steward


def reads_raw_comments(roles: rules.ChallengeRoles) -> bool:
    """The evaluators' own comments reach the owners and the steward, never an applicant (a
    vendor user who is also an owner is an owner here), nor an owner recused by a conflict."""
    return (roles.manages and not roles.recused) or roles.is_steward


def may_release_debrief(roles: rules.ChallengeRoles) -> bool:
    """The owners review the feedback and release it to the applicant (not one recused by a
    declared conflict of interest)."""
    return roles.manages and not roles.recused


def _ranking(challenge: Challenge):
    criteria = list(challenge.criteria.all())
    specs = [scoring.CriterionSpec(key=c.pk, weight=c.weight, scale_max=c.scale_max, name=c.name) for c in criteria]
    proposals = list(
        challenge.proposals.filter(status=Proposal.Status.SUBMITTED, eligible=True).select_related("supplier")
    )
    consensus: dict[int, dict[int, ConsensusScore]] = {}
    for row in ConsensusScore.objects.filter(proposal__in=proposals):
        consensus.setdefault(row.proposal_id, {})[row.criterion_id] = row
    entries = [
        scoring.Entry(
            key=p.pk,
            scores={k: row.score for k, row in consensus.get(p.pk, {}).items()},
            price=p.price,
            submitted_at=p.submitted_at,
        )
        for p in proposals
    ]
    ranked = {r.key: r for r in scoring.rank(entries, specs, challenge.tie_break)}
    return criteria, specs, proposals, consensus, ranked


def debrief(challenge: Challenge, *, viewer, proposal_id: int) -> Debrief:
    """One applicant's debrief: their consensus score on each criterion with its weight and
    scale, their normalised total, their rank out of the proposals ranked, and the panel's
    feedback on each criterion once the owners reviewed and released it. The evaluators' own
    comments (as "Evaluator N") are for the owners and the steward, to write that feedback
    from; an applicant never reads them."""
    roles = roles_for(viewer, challenge)
    proposal = (
        challenge.proposals.filter(pk=proposal_id, status=Proposal.Status.SUBMITTED).select_related("supplier").first()
    )
    if proposal is None or not may_read_debrief(roles, supplier_id=proposal.supplier_id):
        raise NotFound("No such debrief.")
    if not debriefs_open(challenge):
        raise NotFound("Debriefs are published once the selection is signed off.")
    criteria, _specs, _proposals, consensus, ranked = _ranking(challenge)
    eligibility = [
        (d.criterion.text, d.passed, d.note)
        for d in proposal.eligibility.select_related("criterion").order_by("criterion__position", "criterion_id")
    ]
    if proposal.pk not in ranked or challenge.consensus_locked_at is None:  # screened out, or never scored
        return Debrief(
            challenge=challenge, proposal=proposal, supplier_name=proposal.supplier.name, selected=False,
            total=None, rank=None, of=len(ranked) if challenge.consensus_locked_at else 0, lines=[],
            eligibility=eligibility, released=proposal.debrief_released_at is not None,
        )
    # Evaluators are numbered in the panel's order, the same in every applicant's debrief.
    panel = list(challenge.evaluators.filter(has_conflict=False).order_by("pk").values_list("pk", flat=True))
    number = {pk: index for index, pk in enumerate(panel, start=1)}
    comments: dict[int, list[tuple[str, str]]] = {}
    for score in Score.objects.filter(proposal=proposal, evaluator_id__in=panel).order_by("evaluator_id"):
        if score.comment.strip():
            comments.setdefault(score.criterion_id, []).append((f"Evaluator {number[score.evaluator_id]}", score.comment))
    mine = consensus.get(proposal.pk, {})
    raw = reads_raw_comments(roles)
    released = proposal.debrief_released_at is not None
    lines = [
        DebriefLine(
            criterion=c.name,
            weight=c.weight,
            scale_max=c.scale_max,
            score=mine[c.pk].score if c.pk in mine else Decimal(0),
            feedback=(mine[c.pk].feedback if c.pk in mine else "") if (released or raw) else "",
            comments=comments.get(c.pk, []) if raw else [],
            criterion_id=c.pk,
        )
        for c in criteria
    ]
    place = ranked[proposal.pk]
    return Debrief(
        challenge=challenge,
        proposal=proposal,
        supplier_name=proposal.supplier.name,
        selected=challenge.selected_proposal_id == proposal.pk and challenge.state in rules.AWARDED,
        total=place.total,
        rank=place.rank,
        of=len(ranked),
        lines=lines,
        eligibility=eligibility,
        released=released,
        reviews=may_release_debrief(roles),
    )


def draft_feedback(line: DebriefLine) -> str:
    """What the owners start from: the panel's feedback if written, else the evaluators'
    comments, one paragraph each and unattributed. Nothing reaches the applicant until an
    owner has reviewed it and released it."""
    if line.feedback.strip():
        return line.feedback
    return "\n\n".join(comment.strip() for _, comment in line.comments if comment.strip())


def release_debrief(
    challenge: Challenge, *, actor, viewer, proposal_id: int, feedback: dict, now=None
) -> Debrief:
    """The owners' review of one applicant's debrief: the feedback on each criterion (by
    criterion id; at most 5,000 characters each), saved and released to the applicant, who is
    told. Released feedback can be corrected the same way. Nothing is written on refusal."""
    roles = roles_for(viewer, challenge)
    current = debrief(challenge, viewer=viewer, proposal_id=proposal_id)  # NotFound for who may not read it
    if not may_release_debrief(roles):
        raise Forbidden("The challenge's owners review and release the feedback.")
    if not current.scored:
        raise DomainError("This proposal was not scored: its debrief has no feedback on criteria to release.")
    known = {line.criterion_id: line for line in current.lines}
    clean: dict[int, str] = {}
    for key, text in (feedback or {}).items():
        try:
            criterion_id = int(key)
        except (TypeError, ValueError):
            raise DomainError(f"There is no criterion {key!r} in this challenge.", field="feedback") from None
        if criterion_id not in known:
            raise DomainError(f"There is no criterion {key!r} in this challenge.", field="feedback")
        text = (text or "").strip()
        if len(text) > 5000:
            raise DomainError(f"Keep the feedback on “{known[criterion_id].criterion}” under 5,000 characters.",
                              field=f"feedback_{criterion_id}")
        clean[criterion_id] = text
    missing = [line.criterion for line in current.lines if not clean.get(line.criterion_id)]
    if missing:
        raise DomainError(
            f"Write the feedback on every criterion before releasing it; missing: {', '.join(missing)}.",
            field=f"feedback_{next(line.criterion_id for line in current.lines if not clean.get(line.criterion_id))}",
        )
    now = now or timezone.now()
    proposal = current.proposal
    first = proposal.debrief_released_at is None
    with transaction.atomic():
        for row in ConsensusScore.objects.select_for_update().filter(proposal=proposal, criterion_id__in=clean):
            if row.feedback != clean[row.criterion_id]:
                row.feedback = clean[row.criterion_id]
                row._change_reason = "Debrief feedback reviewed"
                row.save(update_fields=["feedback"])
        Proposal.objects.filter(pk=proposal.pk).update(debrief_released_at=now, debrief_released_by=actor)
        link = site_url("partnering:debrief_proposal", slug=challenge.slug, pk=proposal.pk)
        notify(
            challenge, [proposal.created_by, *supplier_users([proposal.supplier_id])], kind="debrief_released",
            subject=f"{'Your debrief' if first else 'Your debrief was corrected'}: {challenge.title}",
            body=(
                f"The panel's feedback on each criterion of your proposal for “{challenge.title}” "
                f"({challenge.reference}) is ready to read with your scores: {link}\n"
            ),
            now=now,
        )
    return debrief(challenge, viewer=viewer, proposal_id=proposal_id)


def debrief_proposals(challenge: Challenge, *, viewer) -> list[Proposal]:
    """The proposals whose debriefs this person may open: all of them for the owners and the
    steward, their own supplier's for an applicant."""
    if not debriefs_open(challenge):
        return []
    roles = roles_for(viewer, challenge)
    proposals = challenge.proposals.filter(status=Proposal.Status.SUBMITTED).select_related("supplier")
    return [p for p in proposals if may_read_debrief(roles, supplier_id=p.supplier_id)]


# Co-design ----------------------------------------------------------------------------------------------


def may_follow_codesign(roles: rules.ChallengeRoles, *, challenge: Challenge) -> bool:
    """Progress is read by the challenge's panel and the partner's users."""
    if challenge.state not in rules.AWARDED:
        return False
    partner = partner_supplier_id(challenge)
    return roles.is_panel or (partner is not None and partner in roles.suppliers)


def _codesign_roles(challenge, viewer):
    roles = roles_for(viewer, challenge)
    if not may_follow_codesign(roles, challenge=challenge):
        raise NotFound("No co-design to show.")
    return roles


def _require_codesign(challenge, viewer):
    roles = _codesign_roles(challenge, viewer)
    if not rules.can_run_codesign(roles, state=State(challenge.state), partner_supplier=partner_supplier_id(challenge)):
        raise Forbidden("Only the owners and the partner record the co-design.")
    return roles


@dataclass
class Progress:
    milestones: list[Milestone]
    check_ins: list[CheckIn]
    done: int
    overdue: int
    latest_status: str


def progress(challenge: Challenge, *, viewer, today=None) -> Progress:
    _codesign_roles(challenge, viewer)
    today = today or timezone.localdate()
    milestones = list(challenge.milestones.all())
    check_ins = list(challenge.check_ins.select_related("author"))
    return Progress(
        milestones=milestones,
        check_ins=check_ins,
        done=sum(1 for m in milestones if m.done_at),
        overdue=sum(1 for m in milestones if not m.done_at and m.due_date < today),
        latest_status=check_ins[0].get_status_display() if check_ins else "",
    )


def add_milestone(challenge: Challenge, *, actor, viewer, title: str, due_date: datetime.date) -> Milestone:
    _require_codesign(challenge, viewer)
    title = (title or "").strip()
    if not title:
        raise DomainError("Name the milestone.", field="title")
    if due_date is None:
        raise DomainError("Give the date the milestone is due.", field="due_date")
    with transaction.atomic():
        position = challenge.milestones.count()
        return Milestone.objects.create(challenge=challenge, title=title[:200], due_date=due_date, position=position)


def mark_milestone_done(challenge: Challenge, *, actor, viewer, milestone_id: int, today=None) -> Milestone:
    _require_codesign(challenge, viewer)
    with transaction.atomic():
        milestone = Milestone.objects.select_for_update().filter(challenge=challenge, pk=milestone_id).first()
        if milestone is None:
            raise NotFound("No such milestone.")
        if milestone.done_at is None:
            milestone.done_at = today or timezone.localdate()
            milestone.save(update_fields=["done_at"])
        return milestone


def add_check_in(challenge: Challenge, *, actor, viewer, status: str, note: str, now=None) -> CheckIn:
    _require_codesign(challenge, viewer)
    if status not in CheckIn.Status.values:
        raise DomainError("Choose on track, at risk or off track.", field="status")
    note = (note or "").strip()
    if not note:
        raise DomainError("Write a short note on how it is going.", field="note")
    return CheckIn.objects.create(challenge=challenge, author=actor, status=status, note=note, at=now or timezone.now())


# Close-out surveys ----------------------------------------------------------------------------------


SURVEY_STATES = (State.DEMO, State.CLOSED_OUT)


def respondent_kind(challenge: Challenge, roles: rules.ChallengeRoles) -> str | None:
    """How this person may answer the survey: as the partner, as an applicant (a user of a
    supplier that submitted a proposal), as an owner, or not at all."""
    partner = partner_supplier_id(challenge)
    if partner is not None and partner in roles.suppliers:
        return SurveyResponse.Respondent.PARTNER
    if roles.suppliers and _submitted(challenge).filter(supplier_id__in=roles.suppliers).exists():
        return SurveyResponse.Respondent.APPLICANT
    if roles.manages:
        return SurveyResponse.Respondent.OWNER
    return None


def survey_open(challenge: Challenge) -> bool:
    return challenge.state in SURVEY_STATES


def my_response(challenge: Challenge, *, viewer) -> SurveyResponse | None:
    if viewer.user is None:
        return None
    return SurveyResponse.objects.filter(challenge=challenge, user=viewer.user).first()


def _score_1_to_5(value, field_name: str, label: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if not 1 <= number <= 5:
        raise DomainError(f"Choose how {label}, from 1 to 5.", field=field_name)
    return number


def respond_to_survey(
    challenge: Challenge,
    *,
    actor,
    viewer,
    satisfaction: int,
    clarity: int,
    effort_hours: int | None = None,
    would_apply_again: bool | None = None,
    keep: str = "",
    change: str = "",
    now=None,
) -> SurveyResponse:
    """One answer per person, from applicants, the partner and (optionally) the owners."""
    roles = roles_for(viewer, challenge)
    if not rules.can_view(roles, published=challenge.is_published):
        raise NotFound("No such challenge.")
    kind = respondent_kind(challenge, roles)
    if kind is None:
        raise Forbidden("Only applicants, the partner and the owners answer this survey.")
    if not survey_open(challenge):
        raise Forbidden("The survey opens at the demo and close-out.")
    satisfaction = _score_1_to_5(satisfaction, "satisfaction", "satisfied you are with the process")
    clarity = _score_1_to_5(clarity, "clarity", "clear the challenge document was")
    if effort_hours is not None and (effort_hours < 0 or effort_hours > 10000):
        raise DomainError("Give the hours as a whole number from 0 to 10,000.", field="effort_hours")
    supplier = None
    if kind != SurveyResponse.Respondent.OWNER:
        proposal = _submitted(challenge).filter(supplier_id__in=roles.suppliers).first()
        supplier = proposal.supplier if proposal else None
    try:
        with transaction.atomic():
            return SurveyResponse.objects.create(
                challenge=challenge, user=actor, supplier=supplier, respondent=kind,
                satisfaction=satisfaction, clarity=clarity, effort_hours=effort_hours,
                would_apply_again=would_apply_again, keep=(keep or "").strip(), change=(change or "").strip(),
                submitted_at=now or timezone.now(),
            )
    except IntegrityError:
        raise Conflict("You have already answered this survey. Thank you.") from None


def may_read_survey(roles: rules.ChallengeRoles) -> bool:
    """Aggregates: the owners, the steward and the owners' network coordinators."""
    return roles.manages or roles.is_steward or roles.is_coordinator


def may_read_survey_comments(roles: rules.ChallengeRoles) -> bool:
    """Individual comments: the owners only."""
    return roles.manages


@dataclass
class SurveySummary:
    responses: int
    by_respondent: dict[str, int]
    satisfaction: float | None
    clarity: float | None
    effort_hours: float | None
    would_apply_again: int
    answered_apply_again: int
    comments: list[dict] | None  # None when the reader may not see individual comments
    # How many answered each score, 1–5.
    satisfaction_counts: dict[int, int] = field(default_factory=dict)
    clarity_counts: dict[int, int] = field(default_factory=dict)


def summarise(responses: list[SurveyResponse], *, with_comments: bool) -> SurveySummary:
    """Pure: aggregates of the answers, and the comments for those who may read them."""

    def avg(values):
        values = [v for v in values if v is not None]
        return round(mean(values), 2) if values else None

    counts: dict[str, int] = {}
    for r in responses:
        counts[r.respondent] = counts.get(r.respondent, 0) + 1
    answered = [r for r in responses if r.would_apply_again is not None]

    def spread(values) -> dict[int, int]:
        out = dict.fromkeys(range(1, 6), 0)
        for value in values:
            if value in out:
                out[value] += 1
        return out

    return SurveySummary(
        satisfaction_counts=spread(r.satisfaction for r in responses),
        clarity_counts=spread(r.clarity for r in responses),
        responses=len(responses),
        by_respondent=counts,
        satisfaction=avg(r.satisfaction for r in responses),
        clarity=avg(r.clarity for r in responses),
        effort_hours=avg(r.effort_hours for r in responses),
        would_apply_again=sum(1 for r in answered if r.would_apply_again),
        answered_apply_again=len(answered),
        comments=[
            {"respondent": r.get_respondent_display(), "keep": r.keep, "change": r.change}
            for r in responses if r.keep or r.change
        ]
        if with_comments
        else None,
    )


def survey_summary(challenge: Challenge, *, viewer) -> SurveySummary:
    roles = roles_for(viewer, challenge)
    if challenge.state not in rules.AWARDED or not may_read_survey(roles):
        raise NotFound("No survey results to show.")
    responses = list(challenge.survey_responses.all())
    return summarise(responses, with_comments=may_read_survey_comments(roles))


@dataclass
class Lessons:
    """What applicants said about earlier challenges, for whoever writes the next one."""

    challenges: int
    responses: int
    satisfaction: float | None
    clarity: float | None
    changes: list[tuple[str, str]]  # (challenge title, "what should change")
    keeps: list[tuple[str, str]]


def lessons(organisation=None, *, viewer) -> Lessons:
    """Aggregated feedback of closed-out challenges (of `organisation`, or all). Means come
    from every such challenge; the individual "keep" and "change" texts only from challenges
    the viewer runs (survey comments are the owners' to read)."""
    closed = Challenge.objects.filter(state=State.CLOSED_OUT)
    if organisation is not None:
        closed = closed.filter(ownerships__organisation=organisation)
    closed = list(closed.distinct().prefetch_related("owners", "evaluators"))
    responses = list(
        SurveyResponse.objects.filter(challenge__in=closed)
        .exclude(respondent=SurveyResponse.Respondent.OWNER)
        .select_related("challenge")
        .order_by("-submitted_at")
    )
    runs = {c.pk for c in closed if viewer is not None and roles_for(viewer, c).manages}
    summary = summarise(responses, with_comments=False)
    return Lessons(
        challenges=len(closed),
        responses=len(responses),
        satisfaction=summary.satisfaction,
        clarity=summary.clarity,
        changes=[(r.challenge.title, r.change) for r in responses if r.change and r.challenge_id in runs],
        keeps=[(r.challenge.title, r.keep) for r in responses if r.keep and r.challenge_id in runs],
    )


# Follow-on purchases ---------------------------------------------------------------------------------


def purchases(challenge: Challenge, *, viewer) -> list[FollowOnPurchase]:
    """Later purchases linked to the challenge, whose contracts this person may see."""
    visible = Contract.objects.visible_to(viewer).values("pk")
    return list(
        challenge.purchases.filter(contract__in=visible).select_related("contract", "contract__organisation", "contract__supplier")
    )


def purchasable_contracts(challenge: Challenge, *, viewer):
    """Contracts the owners could link: an owning organisation's, with the partner."""
    partner = partner_supplier_id(challenge)
    if partner is None:
        return Contract.objects.none()
    return (
        Contract.objects.visible_to(viewer)
        .filter(organisation__in=list(challenge.owner_ids), supplier_id=partner)
        .exclude(pk__in=challenge.purchases.values("contract"))
        .select_related("organisation")
        .order_by("-start_date", "pk")
    )


def record_purchase(challenge: Challenge, *, actor, viewer, contract, note: str = "", now=None) -> FollowOnPurchase:
    """Link a contract for the partner's product: the purchase stays a separate contract of an
    owning organisation (the Invitation to Partner itself buys nothing)."""
    roles = roles_for(viewer, challenge)
    partner = partner_supplier_id(challenge)
    if not rules.can_view(roles, published=challenge.is_published) or partner is None:
        raise NotFound("No award has been made for this challenge.")
    if not roles.manages:
        raise Forbidden("Only the challenge's owners record a follow-on purchase.")

    if contract is None or not Contract.objects.visible_to(viewer).filter(pk=contract.pk).exists():
        raise DomainError("Choose a contract.", field="contract")
    if contract.organisation_id not in challenge.owner_ids:
        raise DomainError("The contract must belong to an organisation that owns the challenge.", field="contract")
    if contract.supplier_id != partner:
        raise DomainError("The contract must be with the partner.", field="contract")
    try:
        with transaction.atomic():
            return FollowOnPurchase.objects.create(
                challenge=challenge, contract=contract, note=(note or "").strip(), recorded_by=actor,
                recorded_at=now or timezone.now(),
            )
    except IntegrityError:
        raise Conflict("This contract is already linked to the challenge.") from None

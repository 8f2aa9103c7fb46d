"""API: what happens after selection. The same services as the pages
(citytools.partnering.services.outcome); reads answer only what the person may see (404
otherwise), writes need a signed-in session and its CSRF token (`django_auth`).
"""

import datetime
from decimal import Decimal

from django.http import HttpResponse
from ninja import Field, Router, Schema, Status
from pydantic import StrictBool

from citytools.contracts.models import Contract
from citytools.core.api_input import django_auth
from citytools.core.dates import DateIn
from citytools.core.errors import NotFound
from citytools.partnering import metrics as process_metrics
from citytools.partnering import ocds
from citytools.partnering.access import visible_challenges
from citytools.partnering.services import outcome as services

router = Router(tags=["invitations to partner"])


def _challenge(request, slug: str):
    return services.challenge_for(request.viewer, slug)


# Schemas -------------------------------------------------------------------------------------


class PurchaseOut(Schema):
    contract_id: int
    contract_title: str
    organisation: str
    start_date: datetime.date
    note: str


class AwardOut(Schema):
    challenge: str = Field(description="The challenge's slug.")
    reference: str
    title: str
    partner: str = Field(description="The partner supplier's name.")
    partner_scale: str = Field(description="The partner's size (OCDS partyScale): micro, small, medium or large.")
    proposals_received: int
    awarded_at: datetime.datetime | None
    awarded_value: Decimal | None = Field(description="The value of the award (also the OCDS award's value).")
    awarded_currency: str = Field(description="The currency of the awarded value (ISO 4217).")
    budget_cap: Decimal | None
    currency: str
    purchases: list[PurchaseOut] = Field(description="Follow-on purchases whose contracts you may see.")


class DebriefLineOut(Schema):
    criterion_id: int
    criterion: str
    weight: int
    scale_max: int = Field(description="Scores run from 0 to this.")
    score: Decimal = Field(description="The panel's consensus score.")
    feedback: str = Field(
        description="The panel's feedback on this criterion; empty for the applicant until the owners release it."
    )
    comments: list[list[str]] = Field(
        description='The evaluators\' own comments, pairs of ["Evaluator N", comment], for the owners and the '
        "steward to write the feedback from; always empty for the applicant."
    )


class ScreeningOut(Schema):
    criterion: str
    passed: bool
    note: str = Field(description="Why it failed, as the screener wrote it; empty when it passed.")


class DebriefOut(Schema):
    proposal_id: int
    supplier: str
    selected: bool
    total: Decimal | None = Field(description="Normalised weighted total, 0–100; null when not scored.")
    rank: int | None
    of: int = Field(description="How many proposals were ranked.")
    lines: list[DebriefLineOut]
    eligibility: list[ScreeningOut] = Field(description="The eligibility screening, criterion by criterion.")
    released: bool = Field(description="Whether the owners reviewed the feedback and released it to the applicant.")


class DebriefFeedbackIn(Schema):
    feedback: dict[int, str] = Field(
        description="The feedback on every criterion, by criterion id, as the applicant will read it."
    )


class MilestoneOut(Schema):
    id: int
    title: str
    due_date: datetime.date
    done_at: datetime.date | None


class CheckInOut(Schema):
    at: datetime.datetime
    status: str = Field(description="on_track, at_risk or off_track.")
    note: str


class DeliveryProgressOut(Schema):
    milestones: list[MilestoneOut]
    check_ins: list[CheckInOut] = Field(description="Newest first.")
    done: int
    overdue: int


class MilestoneIn(Schema):
    title: str = Field(min_length=1, max_length=200)
    due_date: DateIn


class CheckInIn(Schema):
    status: str = Field(description="on_track, at_risk or off_track.")
    note: str = Field(min_length=1, max_length=5000)


class SurveyIn(Schema):
    satisfaction: int = Field(ge=1, le=5, description="Satisfaction with the process, 1–5.")
    clarity: int = Field(ge=1, le=5, description="Clarity of the challenge document, 1–5.")
    effort_hours: int | None = Field(None, ge=0, le=10000)
    would_apply_again: StrictBool | None = None
    keep: str = Field("", max_length=5000)
    change: str = Field("", max_length=5000)


class SurveyResponseOut(Schema):
    respondent: str = Field(description="applicant, partner or owner.")
    submitted_at: datetime.datetime


class SurveyCommentOut(Schema):
    respondent: str
    keep: str
    change: str


class SurveySummaryOut(Schema):
    responses: int
    by_respondent: dict[str, int]
    satisfaction: float | None
    clarity: float | None
    effort_hours: float | None
    would_apply_again: int
    answered_apply_again: int
    comments: list[SurveyCommentOut] | None = Field(description="Individual comments: the owners only; null for others.")


class PurchaseIn(Schema):
    contract_id: int
    note: str = Field("", max_length=5000)


class MetricsOut(Schema):
    slug: str
    reference: str
    title: str
    state: str
    sealed: bool = Field(description="Submissions still open: applicants are not counted yet.")
    applicants: int
    sme: int
    sme_share: float | None = Field(description="Percentage of applicants that are micro, small or medium-sized.")
    first_time: int
    first_time_share: float | None
    questions: int
    days_to_partner: int | None
    satisfaction: float | None = Field(description="Mean satisfaction of applicants and the partner, 1–5.")
    satisfaction_n: int


class BenchmarkOut(Schema):
    question: str
    answer: str


class LessonOut(Schema):
    challenge: str = Field(description="The title of the challenge the answer is about.")
    text: str


class LessonsOut(Schema):
    challenges: int = Field(description="Closed-out challenges counted.")
    responses: int = Field(description="Applicants' and partners' answers to the close-out survey.")
    satisfaction: float | None = Field(description="Mean satisfaction with the process, 1–5.")
    clarity: float | None = Field(description="Mean clarity of the challenge document, 1–5.")
    changes: list[LessonOut] = Field(description="What should change: only from challenges you run.")
    keeps: list[LessonOut] = Field(description="What should be kept: only from challenges you run.")


class AcrossOut(Schema):
    challenges: int
    applicants: int
    sme: int
    sme_share: float | None
    first_time: int
    first_time_share: float | None
    questions: int
    partnered: int
    mean_applicants: float | None
    median_days_to_partner: float | None
    mean_days_to_partner: float | None
    satisfaction: float | None
    satisfaction_n: int
    benchmarks: list[BenchmarkOut]
    rows: list[MetricsOut]


def _metrics_out(row) -> dict:
    return {
        **{name: getattr(row, name) for name in (
            "slug", "reference", "title", "state", "sealed", "applicants", "sme", "first_time", "questions",
            "days_to_partner", "satisfaction", "satisfaction_n",
        )},
        "sme_share": row.sme_share,
        "first_time_share": row.first_time_share,
    }


def _progress_out(progress) -> dict:
    return {
        "milestones": [
            {"id": m.pk, "title": m.title, "due_date": m.due_date, "done_at": m.done_at} for m in progress.milestones
        ],
        "check_ins": [{"at": c.at, "status": c.status, "note": c.note} for c in progress.check_ins],
        "done": progress.done,
        "overdue": progress.overdue,
    }


# Across challenges (registered before "/{slug}/…" paths) ------------------------------------------


@router.get("/all/metrics", response=AcrossOut, url_name="challenges_metrics", summary="Process metrics across published challenges")
def all_metrics(request):
    summary = process_metrics.across(process_metrics.load_facts(visible_challenges(request.viewer).public()))
    return {
        **{name: getattr(summary, name) for name in (
            "challenges", "applicants", "sme", "first_time", "questions", "partnered", "mean_applicants",
            "median_days_to_partner", "mean_days_to_partner", "satisfaction", "satisfaction_n",
        )},
        "sme_share": summary.sme_share,
        "first_time_share": summary.first_time_share,
        "benchmarks": [{"question": q, "answer": a} for q, a in process_metrics.benchmarks(summary)],
        "rows": [_metrics_out(r) for r in summary.rows],
    }


@router.get(
    "/all/ocds", url_name="challenges_ocds", response={200: dict},
    summary="OCDS release package of every published challenge (bulk open data)",
)
def get_every_ocds(request):
    return _json(ocds.every_release_package(list(visible_challenges(request.viewer).public().order_by("published_at", "pk"))))


@router.get(
    "/all/ocds/record", url_name="challenges_ocds_record", response={200: dict},
    summary="OCDS record package of every published challenge",
)
def get_every_ocds_record(request):
    return _json(ocds.every_record_package(list(visible_challenges(request.viewer).public().order_by("published_at", "pk"))))


@router.get(
    "/all/lessons", response=LessonsOut, auth=django_auth, url_name="challenges_lessons",
    summary="Lessons from the close-out surveys of earlier challenges, for whoever writes the next one",
)
def all_lessons(request):
    lessons = services.lessons(None, viewer=request.viewer)
    return {
        "challenges": lessons.challenges, "responses": lessons.responses,
        "satisfaction": lessons.satisfaction, "clarity": lessons.clarity,
        "changes": [{"challenge": title, "text": text} for title, text in lessons.changes],
        "keeps": [{"challenge": title, "text": text} for title, text in lessons.keeps],
    }


# One challenge ----------------------------------------------------------------------------------


@router.get("/{slug}/award", response=AwardOut, url_name="challenge_award", summary="The public award notice (no scores)")
def get_award(request, slug: str):
    challenge = _challenge(request, slug)
    notice = services.award_notice(challenge, viewer=request.viewer)
    return {
        "challenge": challenge.slug, "reference": challenge.reference, "title": challenge.title,
        "partner": notice.partner_name, "partner_scale": notice.partner_scale,
        "proposals_received": notice.proposals_received, "awarded_at": notice.awarded_at,
        "awarded_value": notice.awarded_value, "awarded_currency": notice.awarded_currency,
        "budget_cap": notice.budget_cap, "currency": notice.currency,
        "purchases": [
            {
                "contract_id": p.contract_id, "contract_title": p.contract.title,
                "organisation": str(p.contract.organisation), "start_date": p.contract.start_date, "note": p.note,
            }
            for p in notice.purchases
        ],
    }


@router.get(
    "/{slug}/debriefs/{proposal_id}", response=DebriefOut, url_name="challenge_debrief",
    summary="One applicant's debrief: their own supplier's users, the owners and the steward",
)
def get_debrief(request, slug: str, proposal_id: int):
    challenge = _challenge(request, slug)
    return _debrief_out(services.debrief(challenge, viewer=request.viewer, proposal_id=proposal_id))


@router.post(
    "/{slug}/debriefs/{proposal_id}/release", response=DebriefOut, auth=django_auth, url_name="challenge_debrief_release",
    summary="Review the feedback on each criterion and release it to the applicant (the owners), who is told",
)
def release_debrief(request, slug: str, proposal_id: int, payload: DebriefFeedbackIn):
    challenge = _challenge(request, slug)
    return _debrief_out(
        services.release_debrief(
            challenge, actor=request.user, viewer=request.viewer, proposal_id=proposal_id, feedback=payload.feedback
        )
    )


def _debrief_out(debrief) -> dict:
    return {
        "proposal_id": debrief.proposal.pk, "supplier": debrief.supplier_name, "selected": debrief.selected,
        "total": debrief.total, "rank": debrief.rank, "of": debrief.of,
        "lines": [
            {
                "criterion_id": line.criterion_id, "criterion": line.criterion, "weight": line.weight,
                "scale_max": line.scale_max, "score": line.score,
                "feedback": line.feedback, "comments": [list(pair) for pair in line.comments],
            }
            for line in debrief.lines
        ],
        "eligibility": [{"criterion": text, "passed": passed, "note": note} for text, passed, note in debrief.eligibility],
        "released": debrief.released,
    }


@router.get(
    "/{slug}/codesign", response=DeliveryProgressOut, url_name="challenge_codesign",
    summary="Co-design milestones and check-ins (the panel and the partner)",
)
def get_codesign(request, slug: str):
    challenge = _challenge(request, slug)
    return _progress_out(services.progress(challenge, viewer=request.viewer))


@router.post(
    "/{slug}/codesign/milestones", response={201: MilestoneOut}, auth=django_auth, url_name="challenge_milestone_add",
    summary="Add a co-design milestone (the owners and the partner)",
)
def post_milestone(request, slug: str, payload: MilestoneIn):
    challenge = _challenge(request, slug)
    m = services.add_milestone(challenge, actor=request.user, viewer=request.viewer, title=payload.title, due_date=payload.due_date)
    return Status(201, {"id": m.pk, "title": m.title, "due_date": m.due_date, "done_at": m.done_at})


@router.post(
    "/{slug}/codesign/milestones/{milestone_id}/done", response=MilestoneOut, auth=django_auth,
    url_name="challenge_milestone_done", summary="Mark a milestone done (the owners and the partner)",
)
def post_milestone_done(request, slug: str, milestone_id: int):
    challenge = _challenge(request, slug)
    m = services.mark_milestone_done(challenge, actor=request.user, viewer=request.viewer, milestone_id=milestone_id)
    return {"id": m.pk, "title": m.title, "due_date": m.due_date, "done_at": m.done_at}


@router.post(
    "/{slug}/codesign/check-ins", response={201: CheckInOut}, auth=django_auth, url_name="challenge_checkin_add",
    summary="Record a co-design check-in (the owners and the partner)",
)
def post_check_in(request, slug: str, payload: CheckInIn):
    challenge = _challenge(request, slug)
    c = services.add_check_in(challenge, actor=request.user, viewer=request.viewer, status=payload.status, note=payload.note)
    return Status(201, {"at": c.at, "status": c.status, "note": c.note})


@router.post(
    "/{slug}/survey/responses", response={201: SurveyResponseOut}, auth=django_auth, url_name="challenge_survey_respond",
    summary="Answer the close-out survey, once (applicants, the partner, the owners)",
)
def post_survey(request, slug: str, payload: SurveyIn):
    challenge = _challenge(request, slug)
    r = services.respond_to_survey(challenge, actor=request.user, viewer=request.viewer, **payload.dict())
    return Status(201, {"respondent": r.respondent, "submitted_at": r.submitted_at})


@router.get(
    "/{slug}/survey/results", response=SurveySummaryOut, url_name="challenge_survey_results",
    summary="Survey aggregates (owners, steward, coordinators); comments for the owners only",
)
def get_survey_results(request, slug: str):
    challenge = _challenge(request, slug)
    summary = services.survey_summary(challenge, viewer=request.viewer)
    return summary.__dict__


@router.post(
    "/{slug}/purchases", response={201: PurchaseOut}, auth=django_auth, url_name="challenge_purchase_add",
    summary="Link a follow-on purchase: a contract of an owner with the partner (the owners)",
)
def post_purchase(request, slug: str, payload: PurchaseIn):
    challenge = _challenge(request, slug)
    contract = Contract.objects.visible_to(request.viewer).filter(pk=payload.contract_id).select_related("organisation").first()
    p = services.record_purchase(challenge, actor=request.user, viewer=request.viewer, contract=contract, note=payload.note)
    return Status(201, {
        "contract_id": contract.pk, "contract_title": contract.title, "organisation": str(contract.organisation),
        "start_date": contract.start_date, "note": p.note,
    })


@router.get("/{slug}/metrics", response=MetricsOut, url_name="challenge_metrics", summary="Process metrics of one published challenge")
def get_metrics(request, slug: str):
    challenge = _challenge(request, slug)
    facts = process_metrics.load_facts([challenge])
    if not facts:
        raise NotFound("Only published challenges are measured.")
    return _metrics_out(process_metrics.challenge_metrics(facts[0]))


def _json(package: dict) -> HttpResponse:
    return HttpResponse(ocds.dumps(package), content_type="application/json")


@router.get(
    "/{slug}/ocds", url_name="challenge_ocds", response={200: dict},
    summary="The challenge as an OCDS 1.1 release package (published challenges)",
)
def get_ocds(request, slug: str):
    return _json(ocds.release_package(_challenge(request, slug)))


@router.get(
    "/{slug}/ocds/record", url_name="challenge_ocds_record", response={200: dict},
    summary="The OCDS record package compiled from the releases (published challenges)",
)
def get_ocds_record(request, slug: str):
    return _json(ocds.record_package(_challenge(request, slug)))



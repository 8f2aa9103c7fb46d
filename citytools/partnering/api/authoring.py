"""API: the challenge, its criteria, panel, moves, questions, addenda and interest.

The same service functions as the pages (citytools.partnering.services.authoring). Reads are
open to whoever may see the challenge (404 otherwise); writes need a signed-in session
(`django_auth`, which checks CSRF). Changes to the challenge document state the version they
are based on with `If-Match: "<version>"` (the ETag of GET /{slug}): 428 without it, 412 when
stale.
"""

import datetime
from decimal import Decimal
from typing import Literal

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import StrictBool

from citytools.accounts.models import User
from citytools.core import history
from citytools.core.api import MONEY_IN, MoneyIn, Pagination
from citytools.core.api_input import django_auth
from citytools.core.dates import DateIn, DateTimeIn
from citytools.core.errors import DomainError
from citytools.core.preconditions import IfMatch, based_on, if_match, precondition
from citytools.directory.models import Organisation
from citytools.partnering import documents, rules
from citytools.partnering.access import roles_for, visible_challenges
from citytools.partnering.models import Challenge, Question
from citytools.partnering.scoring import DEFAULT_TIE_BREAK, TIE_BREAKS
from citytools.partnering.services import authoring as services

TieBreak = Literal[tuple(TIE_BREAKS)]  # type: ignore[valid-type]
TIE_BREAK_HELP = "How equal totals are separated: " + " ".join(f"{key}: {text}" for key, (_, text) in TIE_BREAKS.items())

router = Router(tags=["invitations to partner"])

IF_MATCH = 'Send `If-Match` with the ETag of your last read of the challenge, like `"3"`: 428 without it, 412 if stale.'


# Schemas ------------------------------------------------------------------------------------


class OwnerOut(Schema):
    slug: str
    name: str
    lead: bool = Field(description="The lead owner of a joint Invitation to Partner.")


class CriterionIO(Schema):
    name: str = Field(max_length=200)
    description: str = ""
    weight: int = Field(description="A whole number of 1 or more; the weights add up to 100 by default.")
    scale_max: int = Field(
        rules.DEFAULT_SCALE_MAX, description=f"Scores run from 0 to this (1 to {rules.MAX_SCALE})."
    )
    level_texts: list[str] = Field(description="What each score from 0 to scale_max means: scale_max + 1 texts.")


class CriterionOut(CriterionIO):
    id: int = Field(description="Names the criterion when scoring (PUT …/proposals/{id}/scores).")


class EligibilityOut(Schema):
    id: int = Field(description="Names the criterion when screening (PUT …/proposals/{id}/eligibility).")
    text: str


class ChallengeSummaryOut(Schema):
    slug: str
    reference: str
    title: str
    state: str = Field(description="draft, in_review, published, questions_closed, submissions_closed, evaluation, "
                                    "selection, partnered, co_design, demo, closed_out, cancelled or unsuccessful.")
    owners: list[OwnerOut]
    budget_cap: Decimal | None
    currency: str
    submission_deadline: datetime.datetime | None
    published_at: datetime.datetime | None


class ChallengeOut(ChallengeSummaryOut):
    version: int = Field(description="Also sent as the ETag header.")
    problem_statement: str = Field(description="The Challenge.")
    background: str
    affected: str
    outcomes: str
    out_of_scope: str
    how_to_apply: str
    tie_break: TieBreak = Field(description="Which tie-break rules apply (tie_break_text says them).")
    tie_break_text: str
    codesign_weeks: int | None
    blind_scoring: bool
    terms_non_binding: bool
    terms_vendor_owns_prototype: bool
    terms_separate_purchase: bool
    terms_text: str
    contact_name: str
    contact_email: str
    publication_date: datetime.date | None
    question_deadline: datetime.datetime | None
    evaluation_date: datetime.date | None
    expected_start: datetime.date | None
    criteria_frozen_at: datetime.datetime | None
    closing_reason: str
    rules: str = Field(description="Slug of the publication rules of the lead organisation's jurisdiction (/api/v1/publication-rules).")
    criteria: list[CriterionOut]
    eligibility: list[EligibilityOut] = Field(description="Pass/fail eligibility criteria.")


class DocumentFields(Schema):
    problem_statement: str = ""
    background: str = ""
    affected: str = ""
    outcomes: str = ""
    out_of_scope: str = ""
    how_to_apply: str = ""
    tie_break: TieBreak = Field(DEFAULT_TIE_BREAK, description=TIE_BREAK_HELP)
    budget_cap: MoneyIn | None = Field(None, description=MONEY_IN)
    currency: str = Field("CAD", min_length=3, max_length=3)
    codesign_weeks: int | None = Field(None, ge=1, le=520)
    blind_scoring: StrictBool = False
    terms_non_binding: StrictBool = False
    terms_vendor_owns_prototype: StrictBool = False
    terms_separate_purchase: bool = False
    terms_text: str = ""
    contact_name: str = Field("", max_length=200)
    contact_email: str = ""
    publication_date: DateIn | None = None
    question_deadline: DateTimeIn | None = None
    submission_deadline: DateTimeIn | None = None
    evaluation_date: DateIn | None = None
    expected_start: DateIn | None = None


class ChallengeIn(DocumentFields):
    title: str = Field(min_length=1, max_length=200)


class ChallengeCreateIn(ChallengeIn):
    owners: list[str] = Field(min_length=1, description="Slugs of the owning organisations; the first leads.")
    currency: str | None = Field(
        None, min_length=3, max_length=3,
        description="ISO 4217 code of the budget; by default the currency of the lead organisation's publication rules.",
    )
    template: str | None = Field(
        None, description="Slug of an earlier challenge to start from: its evaluation and eligibility criteria are copied."
    )


class ChallengePatch(Schema):
    title: str | None = Field(None, min_length=1, max_length=200)
    problem_statement: str | None = None
    background: str | None = None
    affected: str | None = None
    outcomes: str | None = None
    out_of_scope: str | None = None
    how_to_apply: str | None = None
    tie_break: TieBreak | None = Field(None, description=TIE_BREAK_HELP)
    budget_cap: MoneyIn | None = Field(None, description=MONEY_IN)
    currency: str | None = Field(None, min_length=3, max_length=3)
    codesign_weeks: int | None = Field(None, ge=1, le=520)
    blind_scoring: StrictBool | None = None
    terms_non_binding: StrictBool | None = None
    terms_vendor_owns_prototype: StrictBool | None = None
    terms_separate_purchase: StrictBool | None = None
    terms_text: str | None = None
    contact_name: str | None = Field(None, max_length=200)
    contact_email: str | None = None
    publication_date: DateIn | None = None
    question_deadline: DateTimeIn | None = None
    submission_deadline: DateTimeIn | None = None
    evaluation_date: DateIn | None = None
    expected_start: DateIn | None = None


class CriteriaIn(Schema):
    criteria: list[CriterionIO] = Field(max_length=40)
    eligibility: list[str] = Field([], max_length=40)


class MoveIn(Schema):
    to: str = Field(description="The state to move to; see GET /{slug} for the current one.")
    reason: str = Field("", description="Required for returning to draft, cancelling and closing as unsuccessful.")


class TransitionOut(Schema):
    from_state: str
    to_state: str
    at: datetime.datetime
    by: str = Field(
        description=f"Who made the move, as the challenge's log page says it: '{rules.BY_CLOCK}' for a deadline "
        f"closing; the person's name for the challenge's panel; otherwise '{rules.BY_TEAM}'."
    )
    reason: str


class ProblemOut(Schema):
    field: str
    message: str


class ChecksOut(Schema):
    ready: bool = Field(description="True when nothing stops publication.")
    problems: list[ProblemOut]


class QuestionOut(Schema):
    id: int
    text: str
    asked_at: datetime.datetime
    answer: str
    answered_at: datetime.datetime | None


class QuestionIn(Schema):
    text: str = Field(min_length=1, max_length=4000)


class AnswerIn(Schema):
    answer: str = Field(min_length=1)


class AddendumOut(Schema):
    number: int
    title: str
    body: str
    material: bool
    new_submission_deadline: datetime.datetime | None
    issued_at: datetime.datetime


class AddendumIn(Schema):
    title: str = Field(min_length=1, max_length=200)
    body: str = Field(min_length=1)
    material: StrictBool = False
    new_submission_deadline: DateTimeIn | None = None


class InterestOut(Schema):
    registered_at: datetime.datetime
    supplier: str


class PanelIO(Schema):
    steward: str | None = Field(None, description="E-mail address of the procurement steward.")
    evaluators: list[str] = Field([], description="E-mail addresses of the evaluators.")


# Helpers ------------------------------------------------------------------------------------------


def _challenge(request, slug: str) -> tuple[Challenge, rules.ChallengeRoles]:
    challenge = get_object_or_404(Challenge.objects.select_related("rules", "steward"), slug=slug)
    roles = roles_for(request.viewer, challenge)
    if not rules.can_view(roles, published=challenge.is_published):
        raise Http404("No such challenge.")
    return challenge, roles


def _owners(challenge: Challenge) -> list[dict]:
    return [
        {"slug": o.organisation.slug, "name": str(o.organisation), "lead": o.lead}
        for o in challenge.ownerships.select_related("organisation").order_by("-lead", "organisation__name")
    ]


def _summary(challenge: Challenge) -> dict:
    return {
        "slug": challenge.slug,
        "reference": challenge.reference,
        "title": challenge.title,
        "state": challenge.state,
        "owners": _owners(challenge),
        "budget_cap": challenge.budget_cap,
        "currency": challenge.currency,
        "submission_deadline": challenge.submission_deadline,
        "published_at": challenge.published_at,
    }


def _out(challenge: Challenge) -> dict:
    challenge = Challenge.objects.select_related("rules").get(pk=challenge.pk)
    data = _summary(challenge)
    for name in (
        "version", "problem_statement", "background", "affected", "outcomes", "out_of_scope", "how_to_apply",
        "tie_break", "codesign_weeks", "blind_scoring", "terms_non_binding", "terms_vendor_owns_prototype",
        "terms_separate_purchase", "terms_text", "contact_name", "contact_email", "publication_date",
        "question_deadline", "evaluation_date", "expected_start", "criteria_frozen_at", "closing_reason",
    ):
        data[name] = getattr(challenge, name)
    data["tie_break_text"] = challenge.tie_break_text
    data["rules"] = challenge.rules.slug
    data["criteria"] = [
        {"id": c.pk, "name": c.name, "description": c.description, "weight": c.weight, "scale_max": c.scale_max,
         "level_texts": list(c.level_texts or [])}
        for c in challenge.criteria.all()
    ]
    data["eligibility"] = [{"id": e.pk, "text": e.text} for e in challenge.eligibility_criteria.all()]
    return data


def _tag(response: HttpResponse, challenge: Challenge) -> None:
    response["ETag"] = history.etag(Challenge.objects.values_list("version", flat=True).get(pk=challenge.pk))


def _user(email: str | None) -> User | None:
    if not email:
        return None
    user = User.objects.filter(email__iexact=email.strip()).first()
    if user is None:
        raise DomainError(f"Nobody has the e-mail address {email}.", field="evaluators")
    return user


# The challenge ----------------------------------------------------------------------------------


@router.get("/", response=list[ChallengeSummaryOut], url_name="challenges", summary="Challenges you may see")
@paginate(Pagination)
def list_challenges(request, state: str | None = None, owner: str | None = None):
    challenges = visible_challenges(request.viewer).prefetch_related("ownerships__organisation")
    if state:
        challenges = challenges.filter(state=state)
    if owner:
        challenges = challenges.filter(ownerships__organisation__slug=owner).distinct()
    return [_summary(c) for c in challenges.order_by("-published_at", "-created_at", "pk")]


@router.post(
    "/", response={201: ChallengeOut}, auth=django_auth, url_name="challenge_create",
    summary="Open a draft challenge (editors for their organisation, coordinators for their network's)",
)
def create_challenge(request, payload: ChallengeCreateIn, response: HttpResponse):
    data = payload.dict()
    if data.get("currency") is None:
        data.pop("currency", None)  # the lead's jurisdiction's currency
    slugs = data.pop("owners")
    owners = []
    for slug in slugs:
        organisation = Organisation.objects.filter(slug=slug).first()
        if organisation is None:
            raise DomainError(f"No organisation has the slug {slug!r}.", field="owners")
        owners.append(organisation)
    template = None
    template_slug = data.pop("template")
    if template_slug:
        template = Challenge.objects.filter(slug=template_slug).first()
        if template is None:
            raise DomainError(f"No challenge has the slug {template_slug!r}.", field="template")
    challenge = services.create_challenge(actor=request.user, viewer=request.viewer, owners=owners, template=template, **data)
    _tag(response, challenge)
    return Status(201, _out(challenge))


@router.get("/{slug}", response=ChallengeOut, url_name="challenge", summary="One challenge, with its version as the ETag")
def get_challenge(request, slug: str, response: HttpResponse):
    challenge, _ = _challenge(request, slug)
    _tag(response, challenge)
    return _out(challenge)


def _update(request, slug: str, changes: dict, response: HttpResponse) -> dict:
    challenge, _ = _challenge(request, slug)
    roles = services.visible_roles(challenge, request.viewer)
    services.require_editable(roles, challenge)
    version = based_on(request, challenge)
    challenge = precondition(
        lambda: services.update_challenge(challenge, actor=request.user, viewer=request.viewer, version=version, changes=changes)
    )
    _tag(response, challenge)
    return _out(challenge)


@router.put(
    "/{slug}", response=ChallengeOut, auth=django_auth, url_name="challenge_replace",
    summary="Replace a draft challenge's document (owners; If-Match required)", description=IF_MATCH,
)
@if_match(IfMatch.REQUIRED)
def replace_challenge(request, slug: str, payload: ChallengeIn, response: HttpResponse):
    return _update(request, slug, payload.dict(), response)


@router.patch(
    "/{slug}", response=ChallengeOut, auth=django_auth, url_name="challenge_patch",
    summary="Change some fields of a draft challenge (owners; If-Match required)", description=IF_MATCH,
)
@if_match(IfMatch.REQUIRED)
def patch_challenge(request, slug: str, payload: ChallengePatch, response: HttpResponse):
    return _update(request, slug, payload.dict(exclude_unset=True), response)


@router.put(
    "/{slug}/criteria", response=ChallengeOut, auth=django_auth, url_name="challenge_criteria",
    summary="Replace the evaluation and eligibility criteria (owners, draft only; frozen once published)",
    description=IF_MATCH,
)
@if_match(IfMatch.REQUIRED)
def put_criteria(request, slug: str, payload: CriteriaIn, response: HttpResponse):
    challenge, roles = _challenge(request, slug)
    if challenge.criteria_frozen_at is None:
        services.require_editable(roles, challenge)
    version = based_on(request, challenge)
    challenge = precondition(
        lambda: services.set_criteria(
            challenge, actor=request.user, viewer=request.viewer, version=version,
            criteria=[c.dict() for c in payload.criteria], eligibility=payload.eligibility,
        )
    )
    _tag(response, challenge)
    return _out(challenge)


@router.post(
    "/{slug}/moves", response=ChallengeOut, auth=django_auth, url_name="challenge_moves",
    summary="Move the challenge through its lifecycle (who may make which move: see the docs)",
    description="If-Match is optional here; when sent, a stale one is refused with 412.",
)
@if_match(IfMatch.OPTIONAL)
def post_move(request, slug: str, payload: MoveIn, response: HttpResponse):
    challenge, _roles = _challenge(request, slug)
    version = based_on(request, challenge)
    challenge = precondition(
        lambda: services.move_challenge(
            challenge, payload.to, actor=request.user, viewer=request.viewer, reason=payload.reason, version=version
        )
    )
    _tag(response, challenge)
    return _out(challenge)


@router.get(
    "/{slug}/transitions", response=list[TransitionOut], url_name="challenge_transitions",
    summary="Every move of the challenge, oldest first",
)
def get_transitions(request, slug: str):
    challenge, roles = _challenge(request, slug)
    return services.challenge_moves(challenge, roles)


@router.get(
    "/{slug}/publication-checks", response=ChecksOut, url_name="challenge_publication_checks",
    summary="What still stops publication (the challenge's panel)",
)
def get_checks(request, slug: str):
    challenge, roles = _challenge(request, slug)
    if not roles.is_panel:
        raise Http404("No such challenge.")
    problems = services.publication_report(challenge)
    return {"ready": not problems, "problems": [{"field": p.field, "message": p.message} for p in problems]}


@router.put(
    "/{slug}/panel", response=PanelIO, auth=django_auth, url_name="challenge_panel",
    summary="Set the steward and the evaluators (owners, until the scores are locked)",
)
def put_panel(request, slug: str, payload: PanelIO):
    challenge, _ = _challenge(request, slug)
    services.require_panel_manager(challenge, request.viewer)
    steward = _user(payload.steward)
    evaluators = [_user(email) for email in payload.evaluators]
    challenge = services.set_panel(
        challenge, actor=request.user, viewer=request.viewer, steward=steward, evaluators=evaluators
    )
    return {
        "steward": challenge.steward.email if challenge.steward else None,
        "evaluators": [e.user.email for e in challenge.evaluators.select_related("user")],
    }


@router.get(
    "/{slug}/document.pdf", url_name="challenge_document_pdf", response={200: None},
    summary="The challenge document as a PDF",
    openapi_extra={"responses": {200: {"description": "The PDF.", "content": {"application/pdf": {}}}}},
)
def get_document_pdf(request, slug: str):
    challenge, _ = _challenge(request, slug)
    response = HttpResponse(documents.challenge_pdf(challenge), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{challenge.reference or challenge.slug}.pdf"'
    return response


# Questions, addenda, interest --------------------------------------------------------------------


def _question_out(q: Question) -> dict:
    return {"id": q.pk, "text": q.text, "asked_at": q.asked_at, "answer": q.answer, "answered_at": q.answered_at}


@router.get(
    "/{slug}/questions", response=list[QuestionOut], url_name="challenge_questions",
    summary="Answered questions (the owners also see unanswered ones; an applicant their own). Never the asker.",
)
def get_questions(request, slug: str):
    challenge, roles = _challenge(request, slug)
    return [_question_out(q) for q in services.public_questions(challenge, request.viewer, roles)]


@router.post(
    "/{slug}/questions", response={201: QuestionOut}, auth=django_auth, url_name="challenge_ask",
    summary="Ask a clarification question (vendor users, while questions are open)",
)
def post_question(request, slug: str, payload: QuestionIn):
    challenge, _ = _challenge(request, slug)
    question = services.ask_question(challenge, actor=request.user, viewer=request.viewer, text=payload.text)
    return Status(201, _question_out(question))


@router.post(
    "/{slug}/questions/{question_id}/answer", response=QuestionOut, auth=django_auth, url_name="question_answer",
    summary="Publish the answer to a question (owners); the asker is never named",
)
def post_answer(request, slug: str, question_id: int, payload: AnswerIn):
    challenge, _ = _challenge(request, slug)
    question = get_object_or_404(Question, challenge=challenge, pk=question_id)
    question = services.answer_question(challenge, question, actor=request.user, viewer=request.viewer, answer=payload.answer)
    return _question_out(question)


def _addendum_out(a) -> dict:
    return {
        "number": a.number, "title": a.title, "body": a.body, "material": a.material,
        "new_submission_deadline": a.new_submission_deadline, "issued_at": a.issued_at,
    }


@router.get("/{slug}/addenda", response=list[AddendumOut], url_name="challenge_addenda", summary="The addenda, in order")
def get_addenda(request, slug: str):
    challenge, _ = _challenge(request, slug)
    return [_addendum_out(a) for a in challenge.addenda.all()]


@router.post(
    "/{slug}/addenda", response={201: AddendumOut}, auth=django_auth, url_name="challenge_addendum_issue",
    summary="Issue a numbered addendum (owners, while open); every engaged applicant is told",
)
def post_addendum(request, slug: str, payload: AddendumIn):
    challenge, _ = _challenge(request, slug)
    addendum = services.issue_addendum(challenge, actor=request.user, viewer=request.viewer, **payload.dict())
    return Status(201, _addendum_out(addendum))


@router.post(
    "/{slug}/interest", response={201: InterestOut}, auth=django_auth, url_name="challenge_interest",
    summary="Register interest, to hear of every addendum (vendor users, while open)",
)
def post_interest(request, slug: str):
    challenge, _ = _challenge(request, slug)
    interest = services.register_interest(challenge, actor=request.user, viewer=request.viewer)
    return Status(201, {"registered_at": interest.registered_at, "supplier": interest.supplier.slug})

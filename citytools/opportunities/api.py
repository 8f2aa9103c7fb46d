"""The opportunities API: the finder's ranked opportunities, and joint procurement
initiatives (start, read, answer, note, plan, outcome, launch an Invitation to Partner).

Reads go through citytools.opportunities.queries and writes through .services with the
request's Viewer, as the pages do; values and satisfaction a person may not see count as
unknown. Plan and outcome changes need If-Match with the initiative's version (428 without,
412 when stale).
"""

import datetime
from collections.abc import Sequence
from typing import Literal

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from citytools.contracts.models import Contract
from citytools.core.api import MAX_OFFSET, MONEY_IN, MoneyIn, Pagination, tag
from citytools.core.api_input import django_auth
from citytools.core.dates import DateIn
from citytools.core.preconditions import IfMatch, based_on, if_match, precondition
from citytools.directory.models import Network, Organisation, Supplier
from citytools.inventory.models import Product, ServiceArea
from citytools.opportunities import queries, services
from citytools.opportunities.models import InitiativeStatus

router = Router(tags=["joint procurement opportunities"])


class OpportunityReasonOut(Schema):
    label: str
    points: float
    explanation: str


class OpportunityContractOut(Schema):
    id: int
    organisation: str
    supplier: str
    title: str
    end_date: datetime.date
    extension_end_date: datetime.date | None
    annual_value: float | None = Field(description="Null where the value is not shown to you.")


class OpportunityOut(Schema):
    service_area: str = Field(description="The service area whose lead time and ratings the figures use.")
    service_areas: list[str] = Field(
        description="Every service area in which these same contracts end together (a contract often covers several), by name."
    )
    window_start: datetime.date
    window_end: datetime.date
    organisations: int
    annual_value: float | None = Field(description="The sum of the values you may see; null when none.")
    values_known: int
    dissatisfaction: float | None = Field(description="Mean of 5 − overall rating (0–4) of the ratings you may see.")
    same_supplier_share: float
    act_by: datetime.date
    months_left: int
    score: float
    reasons: list[OpportunityReasonOut]
    contracts: list[OpportunityContractOut]


class FinderQuery(Schema):
    months: int = Field(12, ge=1, le=36, description="Contracts ending within this many months of each other.")
    area: str | None = Field(None, description="A service area's or group's slug.")
    product: str | None = None
    supplier: str | None = None
    network: str | None = None
    organisation: str | None = Field(None, description="Only opportunities that include this organisation.")


class OpportunityPage(Schema):
    limit: int = Field(20, ge=1, le=queries.MAX_RANKED, description=f"At most {queries.MAX_RANKED} opportunities a page.")
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


class OpportunityPagination(Pagination):
    """The API's limit and offset over the best opportunities (at most MAX_RANKED), ranked,
    20 a page by default: each holds hundreds of contracts at scale. (Its input has a name of
    its own: the OpenAPI document holds one schema per name.)"""

    Input = OpportunityPage


def _found_out(found: queries.Found) -> dict:
    o = found.opportunity
    return {
        "service_area": found.area.slug, "service_areas": [a.slug for a in found.areas], "window_start": o.start, "window_end": o.end, "organisations": o.organisations,
        "annual_value": o.annual_value, "values_known": o.values_known, "dissatisfaction": o.dissatisfaction,
        "same_supplier_share": o.same_supplier_share, "act_by": o.act_by, "months_left": o.months_left,
        "score": round(o.score, 2),
        "reasons": [{"label": r.label, "points": round(r.points, 2), "explanation": r.explanation} for r in o.reasons],
        "contracts": [
            {
                "id": c.pk, "organisation": c.organisation.slug, "supplier": c.supplier.slug, "title": c.title,
                "end_date": c.end_date, "extension_end_date": c.extension_end_date,
                "annual_value": None if c.values_hidden or c.annual_value is None else float(c.annual_value),
            }
            for c in found.members
        ],
    }


class FoundPage(Sequence):
    """The ranked opportunities as the API sends them: a slice loads and shapes only its own."""

    def __init__(self, ranked: queries.Ranked):
        self.ranked = ranked

    def __len__(self) -> int:
        return len(self.ranked)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return [_found_out(f) for f in self.ranked[index]]
        return _found_out(self.ranked[index])


@router.get(
    "/opportunities", response=list[OpportunityOut], url_name="opportunities",
    summary=f"Ranked joint procurement opportunities (the best {queries.MAX_RANKED}, a page at a time)",
)
@paginate(OpportunityPagination)
def list_opportunities(request, query: Query[FinderQuery]):
    def find(model, slug):
        return get_object_or_404(model, slug=slug) if slug else None

    return FoundPage(queries.rank_opportunities(
        request.viewer, window_months=query.months, area=find(ServiceArea, query.area),
        product=find(Product, query.product), supplier=find(Supplier, query.supplier),
        network=find(Network, query.network), organisation=find(Organisation, query.organisation),
    ))


# Initiatives ----------------------------------------------------------------------------------


class InitiativeInvitationOut(Schema):
    organisation: str
    answer: str
    note: str
    answered_at: datetime.datetime | None


class InitiativeNoteOut(Schema):
    author: str
    body: str
    created_at: datetime.datetime


class InitiativeOut(Schema):
    id: int
    title: str
    service_area: str
    lead: str
    window_start: datetime.date
    window_end: datetime.date
    contracts: list[int]
    decision_date: datetime.date | None
    target_date: datetime.date | None
    status: str
    outcome: str
    savings: float | None
    savings_currency: str
    evidence: str
    challenge: str | None
    invitations: list[InitiativeInvitationOut]
    notes: list[InitiativeNoteOut]
    version: int


def _initiative_out(request, initiative) -> dict:
    return {
        "id": initiative.pk, "title": initiative.title, "service_area": initiative.service_area.slug,
        "lead": initiative.lead.slug, "window_start": initiative.window_start, "window_end": initiative.window_end,
        "contracts": list(Contract.objects.visible_to(request.viewer).filter(initiatives=initiative).values_list("pk", flat=True)),
        "decision_date": initiative.decision_date, "target_date": initiative.target_date, "status": initiative.status,
        "outcome": initiative.outcome, "savings": float(initiative.savings) if initiative.savings is not None else None,
        "savings_currency": initiative.savings_currency, "evidence": initiative.evidence,
        "challenge": initiative.challenge.slug if initiative.challenge_id else None,
        "invitations": [
            {"organisation": i.organisation.slug, "answer": i.answer, "note": i.note, "answered_at": i.answered_at}
            for i in initiative.invitations.select_related("organisation")
        ],
        "notes": [
            {"author": str(n.author) if n.author else "", "body": n.body, "created_at": n.created_at}
            for n in initiative.notes.select_related("author")
        ],
        "version": initiative.version,
    }


class InitiativeIn(Schema):
    service_area: str
    contracts: list[int] = Field(min_length=2, max_length=500)
    window_start: DateIn
    window_end: DateIn
    title: str = Field("", max_length=200)
    product: str | None = Field(None, description="The product the opportunity was narrowed to, by slug.")
    supplier: str | None = Field(None, description="The supplier the opportunity was narrowed to, by slug.")


@router.get("/initiatives", response=list[InitiativeOut], url_name="initiatives", summary="Initiatives you take part in")
def list_initiatives(request):
    return [_initiative_out(request, i) for i in services.visible_initiatives(request.viewer)]


@router.post("/initiatives", response={201: InitiativeOut}, auth=django_auth, url_name="initiative_create", summary="Start an initiative from an opportunity")
def create_initiative(request, payload: InitiativeIn, response: HttpResponse):
    area = get_object_or_404(ServiceArea, slug=payload.service_area)
    initiative = services.start_initiative(
        actor=request.user, viewer=request.viewer, area=area, contracts=payload.contracts,
        window_start=payload.window_start, window_end=payload.window_end, title=payload.title,
        product=get_object_or_404(Product, slug=payload.product) if payload.product else None,
        supplier=get_object_or_404(Supplier, slug=payload.supplier) if payload.supplier else None,
    )
    initiative = services.readable_initiative(request.viewer, initiative.pk)
    tag(response, initiative)
    return Status(201, _initiative_out(request, initiative))


@router.get("/initiatives/{initiative_id}", response=InitiativeOut, url_name="initiative", summary="One initiative")
def get_initiative(request, initiative_id: int, response: HttpResponse):
    initiative = services.readable_initiative(request.viewer, initiative_id)
    tag(response, initiative)
    return _initiative_out(request, initiative)


class InitiativeAnswerIn(Schema):
    answer: Literal["interested", "not_now", "declined"]
    note: str = Field("", max_length=10000)


@router.put(
    "/initiatives/{initiative_id}/answers/{slug}", response=InitiativeOut, auth=django_auth, url_name="initiative_answer",
    summary="An invited organisation's answer (its staff)",
)
def put_answer(request, initiative_id: int, slug: str, payload: InitiativeAnswerIn):
    initiative = services.readable_initiative(request.viewer, initiative_id)
    organisation = get_object_or_404(Organisation, slug=slug)
    services.answer(initiative, actor=request.user, viewer=request.viewer, organisation=organisation, answer=payload.answer, note=payload.note)
    return _initiative_out(request, services.readable_initiative(request.viewer, initiative_id))


class NoteIn(Schema):
    body: str = Field(max_length=10000)


@router.post("/initiatives/{initiative_id}/notes", response={201: InitiativeOut}, auth=django_auth, url_name="initiative_note", summary="Add a note")
def post_note(request, initiative_id: int, payload: NoteIn):
    initiative = services.readable_initiative(request.viewer, initiative_id)
    services.add_note(initiative, actor=request.user, viewer=request.viewer, body=payload.body)
    return Status(201, _initiative_out(request, services.readable_initiative(request.viewer, initiative_id)))


class InviteIn(Schema):
    organisation: str


@router.post("/initiatives/{initiative_id}/invitations", response={201: InitiativeOut}, auth=django_auth, url_name="initiative_invite", summary="Invite another organisation")
def post_invitation(request, initiative_id: int, payload: InviteIn):
    initiative = services.readable_initiative(request.viewer, initiative_id)
    services.require_run(initiative, request.viewer)
    organisation = get_object_or_404(Organisation, slug=payload.organisation)
    services.invite(initiative, actor=request.user, viewer=request.viewer, organisation=organisation)
    return Status(201, _initiative_out(request, services.readable_initiative(request.viewer, initiative_id)))


class PlanIn(Schema):
    decision_date: DateIn | None = None
    target_date: DateIn | None = None


@router.put("/initiatives/{initiative_id}/plan", response=InitiativeOut, auth=django_auth, url_name="initiative_plan", summary="Set the target dates (If-Match)")
@if_match(IfMatch.REQUIRED)
def put_plan(request, initiative_id: int, payload: PlanIn, response: HttpResponse):
    initiative = services.readable_initiative(request.viewer, initiative_id)
    services.require_run(initiative, request.viewer)
    version = based_on(request, initiative)
    saved = precondition(lambda: services.update_plan(
        initiative, actor=request.user, viewer=request.viewer, version=version,
        decision_date=payload.decision_date, target_date=payload.target_date,
    ))
    tag(response, saved)
    return _initiative_out(request, saved)


class OutcomeIn(Schema):
    status: InitiativeStatus
    outcome: str = Field("", max_length=10000)
    savings: MoneyIn | None = Field(None, description=MONEY_IN)
    savings_currency: str = Field("GBP", min_length=3, max_length=3)
    evidence: str = Field("", max_length=10000)


@router.put("/initiatives/{initiative_id}/outcome", response=InitiativeOut, auth=django_auth, url_name="initiative_outcome", summary="Record the outcome (If-Match)")
@if_match(IfMatch.REQUIRED)
def put_outcome(request, initiative_id: int, payload: OutcomeIn, response: HttpResponse):
    initiative = services.readable_initiative(request.viewer, initiative_id)
    services.require_run(initiative, request.viewer)
    version = based_on(request, initiative)
    saved = precondition(lambda: services.record_outcome(
        initiative, actor=request.user, viewer=request.viewer, version=version, status=payload.status,
        outcome=payload.outcome, savings=payload.savings, savings_currency=payload.savings_currency, evidence=payload.evidence,
    ))
    tag(response, saved)
    return _initiative_out(request, saved)


class InitiativeChallengeOut(Schema):
    slug: str
    url: str


@router.post(
    "/initiatives/{initiative_id}/invitation-to-partner", response={201: InitiativeChallengeOut}, auth=django_auth,
    url_name="initiative_challenge", summary="Launch a draft joint Invitation to Partner",
)
def post_challenge(request, initiative_id: int):
    initiative = services.readable_initiative(request.viewer, initiative_id)
    challenge = services.launch_challenge(initiative, actor=request.user, viewer=request.viewer)
    return Status(201, {"slug": challenge.slug, "url": reverse("partnering:challenge", args=[challenge.slug])})

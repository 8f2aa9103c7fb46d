"""The satisfaction API: the report, ratings, shared pain points and the conversation pack.

Reads go through citytools.satisfaction.queries and writes through .services, with the
request's Viewer, as the pages do. A rating's or pain point's version is its ETag; changing
an existing rating or a pain point's status needs `If-Match` (428 without, 412 when stale).
Which organisation raised or shares a pain point, and members' notes, are null for those who
may not see them; individual ratings are for members only (citytools.satisfaction.rules).
"""

import datetime

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from citytools.core.api import Pagination, tag
from citytools.core.api_input import django_auth
from citytools.core.errors import NotFound
from citytools.core.preconditions import IfMatch, based_on, if_match, precondition
from citytools.directory.models import Organisation, Supplier
from citytools.inventory.models import Product, ServiceArea, System
from citytools.satisfaction import pack as packs
from citytools.satisfaction import queries, services, stats
from citytools.satisfaction.models import DIMENSION_NAMES, PainPointStatus

router = Router(tags=["satisfaction and pain points"])


# The report ----------------------------------------------------------------------------------


class SummaryOut(Schema):
    n: int = Field(description="How many ratings the figure comes from.")
    mean: float | None = Field(description="The observed mean, 1–5; null without ratings.")
    estimate: float = Field(description="The posterior mean, shrunk toward the service-area mean.")
    low: float = Field(description="95% credible interval, lower end.")
    high: float
    counts: list[int] = Field(description="How many ratings gave 1, 2, 3, 4 and 5.")


def summary_out(s: stats.Summary) -> dict:
    return {"n": s.n, "mean": s.mean, "estimate": round(s.estimate, 4), "low": round(s.low, 4), "high": round(s.high, 4), "counts": list(s.counts)}


class DimensionOut(Schema):
    dimension: str
    label: str
    summary: SummaryOut


class RankedOut(Schema):
    name: str
    url: str
    rank: int | None = Field(description=f"Null with fewer than {stats.MIN_RANKED} ratings: not ranked.")
    summary: SummaryOut


class QuarterOut(Schema):
    quarter: str
    summary: SummaryOut


class OrganisationPointOut(Schema):
    organisation: str
    suppliers: int = Field(description="Different suppliers of its current systems.")
    mean: float
    n: int


class ReportOut(Schema):
    scope: str
    visible: bool = Field(description="False: no satisfaction scores may be shown to you.")
    overall: SummaryOut
    dimensions: list[DimensionOut]
    over_time: list[QuarterOut]
    suppliers: list[RankedOut]
    products: list[RankedOut]
    organisations: list[OrganisationPointOut]
    correlation: float | None = Field(description="Spearman's rank correlation of suppliers run and mean score.")
    method: str


METHOD = (
    f"Bayesian: a Dirichlet prior worth {stats.PRIOR_WEIGHT} ratings spread like the other ratings of the same "
    "service areas (the figure's own left out; else every other rating; else even), each pool's spread counted "
    f"from {stats.PRIOR_WEIGHT} ratings spread evenly; "
    "estimate = posterior mean; 95% interval = estimate ± 1.96 posterior SD, within 1–5; "
    f"ranked only with at least {stats.MIN_RANKED} ratings."
)


def report_out(result: queries.Report) -> dict:
    def ranked(rows):
        return [{"name": r.name, "url": r.url, "rank": r.place.rank, "summary": summary_out(r.place.summary)} for r in rows]

    return {
        "scope": result.scope,
        "visible": result.may_see,
        "overall": summary_out(result.overall),
        "dimensions": [{"dimension": n, "label": label, "summary": summary_out(s)} for n, label, s in result.dimensions],
        "over_time": [{"quarter": q, "summary": summary_out(s)} for q, s in result.over_time],
        "suppliers": ranked(result.suppliers),
        "products": ranked(result.products),
        "organisations": [{"organisation": o, "suppliers": p, "mean": m, "n": n} for o, p, m, n in result.organisations],
        "correlation": result.correlation,
        "method": METHOD,
    }


class SatisfactionFilters(Schema):
    supplier: str | None = Field(None, description="A supplier's slug: systems it makes or supplies.")
    product: str | None = Field(None, description="A product's slug.")
    area: str | None = Field(None, description="A service area's or group's slug.")


@router.get("/satisfaction", response=ReportOut, url_name="satisfaction_report", summary="Satisfaction, with n and intervals")
def satisfaction_report(request, filters: Query[SatisfactionFilters]):
    def find(model, slug):
        return get_object_or_404(model, slug=slug) if slug else None

    result = queries.report(
        request.viewer, supplier=find(Supplier, filters.supplier), product=find(Product, filters.product),
        area=find(ServiceArea, filters.area),
    )
    return report_out(result)


# Ratings ---------------------------------------------------------------------------------------


class RatingOut(Schema):
    system: int
    organisation: str
    product: str
    overall: int
    dimensions: dict[str, int | None]
    comment: str | None = Field(description="Null where comments are not shown to you.")
    rated_at: datetime.datetime
    due: bool = Field(description="Older than a year, of a system in use: due for renewal.")
    version: int = Field(description="Also sent as the ETag header.")


class RatingIn(Schema):
    overall: int = Field(ge=1, le=5)
    dimensions: dict[str, int | None] = Field(
        default_factory=dict, description=f"Any of {', '.join(DIMENSION_NAMES)}: 1–5, or null for not rated."
    )
    comment: str = Field("", max_length=5000)


def _rating_out(request, system: System, rating) -> dict:
    return {
        "system": system.pk,
        "organisation": system.organisation.slug,
        "product": system.product.slug,
        "overall": rating.overall,
        "dimensions": {name: getattr(rating, name) for name in DIMENSION_NAMES},
        "comment": rating.comment if queries.sees_comments_of(request.viewer, system.organisation_id) else None,
        "rated_at": rating.rated_at,
        "due": services.is_due(rating, system=system),
        "version": rating.version,
    }


def _rated_system(request, system_id: int) -> System:
    system = System.objects.visible_to(request.viewer).select_related("organisation", "product").filter(pk=system_id).first()
    if system is None or not queries.sees_ratings_of(request.viewer, system.organisation_id):
        raise NotFound("No such system.")
    return system


@router.get("/systems/{system_id}/rating", response=RatingOut, url_name="rating", summary="A system's current rating (members)")
def get_rating(request, system_id: int, response: HttpResponse):
    system = _rated_system(request, system_id)
    rating = getattr(system, "rating", None)  # no rating yet: the related lookup raises an AttributeError
    if rating is None:
        raise NotFound("This system has no rating yet.")
    tag(response, rating)
    return _rating_out(request, system, rating)


@router.put(
    "/systems/{system_id}/rating", response={200: RatingOut, 201: RatingOut}, auth=django_auth, url_name="rating_put",
    summary="Rate a system, or change its rating (the organisation's staff; If-Match to change)",
)
@if_match(IfMatch.TO_REPLACE)
def put_rating(request, system_id: int, payload: RatingIn, response: HttpResponse):
    system = services.rateable_system(request.viewer, system_id)
    rating = getattr(system, "rating", None)  # no rating yet: the related lookup raises an AttributeError
    version = based_on(request, rating) if rating is not None else None
    saved = precondition(
        lambda: services.rate_system(
            system, actor=request.user, viewer=request.viewer, overall=payload.overall, dimensions=payload.dimensions,
            comment=payload.comment, version=version,
        )
    )
    tag(response, saved)
    return Status(201 if rating is None else 200, _rating_out(request, system, saved))


class RatingLineOut(Schema):
    system: int
    product: str
    rating: RatingOut | None
    due: bool = Field(description="In use and never rated, or rated over a year ago: due for renewal.")
    in_use: bool = Field(description="False: planned, so it cannot be rated yet, and any rating is not counted.")


@router.get(
    "/organisations/{slug}/ratings", response=list[RatingLineOut], url_name="organisation_ratings",
    summary="An organisation's systems and their ratings (members)",
)
def organisation_ratings(request, slug: str):
    organisation = get_object_or_404(Organisation, slug=slug)
    if not queries.sees_ratings_of(request.viewer, organisation.pk):
        raise NotFound("No such organisation's ratings.")
    return [
        {
            "system": line.system.pk, "product": line.system.product.slug, "due": line.due, "in_use": line.in_use,
            "rating": _rating_out(request, line.system, line.rating) if line.rating else None,
        }
        for line in queries.organisation_ratings(organisation, viewer=request.viewer)
    ]


# Pain points ----------------------------------------------------------------------------------


class PainPointShareOut(Schema):
    organisation: str | None = Field(description="Null where you may not see which organisation.")
    note: str | None
    created_at: datetime.datetime
    counted: bool = Field(
        description="False: the organisation no longer uses what the pain point is about, so it is kept but not "
        "counted (listed so only to those who may see which organisation)."
    )


class ReplyOut(Schema):
    supplier: str
    body: str
    created_at: datetime.datetime


class PainPointOut(Schema):
    id: int
    title: str
    description: str
    severity: int = Field(description="1 low, 2 medium, 3 high, 4 critical.")
    tags: list[str]
    supplier: str
    product: str | None
    status: str
    status_changed_at: datetime.datetime
    organisations: int = Field(
        description="How many organisations have it and use what it is about (a system in use of the supplier, and "
        "of the product if it names one)."
    )
    raised_by: str | None = Field(description="The organisation that raised it; null where you may not see it.")
    raiser_counted: bool | None = Field(
        description="False: the raising organisation no longer uses it, so is not counted; null where you may not "
        "see which organisation raised it."
    )
    shares: list[PainPointShareOut]
    replies: list[ReplyOut]
    challenge: str | None = Field(description="The joint Invitation to Partner it started, by slug.")
    version: int

    # A pain point is read with its counts (citytools.satisfaction.queries.with_counts); which
    # organisation raised or shares it, and notes, are told only to those who may see them.

    @staticmethod
    def resolve_supplier(point) -> str:
        return point.supplier.slug

    @staticmethod
    def resolve_product(point) -> str | None:
        return point.product.slug if point.product_id else None

    @staticmethod
    def resolve_organisations(point) -> int:
        return point.affected_count

    @staticmethod
    def resolve_raised_by(point, context) -> str | None:
        return point.organisation.slug if _raiser_shown(context, point) else None

    @staticmethod
    def resolve_raiser_counted(point, context) -> bool | None:
        return point.raiser_counted if _raiser_shown(context, point) else None

    @staticmethod
    def resolve_shares(point, context) -> list[dict]:
        """A "we have this too" no longer counted is listed, as such, only to those who may
        see whose it is."""
        viewer = context["request"].viewer
        shares = []
        for s in queries.shares_of(point):
            shown = queries.sees_organisations_of(viewer, point, s.organisation_id)
            if s.counted or shown:
                shares.append(
                    {
                        "organisation": s.organisation.slug if shown else None,
                        "note": s.note if queries.sees_notes_of(viewer, s.organisation_id) else None,
                        "created_at": s.created_at,
                        "counted": s.counted,
                    }
                )
        return shares

    @staticmethod
    def resolve_replies(point) -> list[dict]:
        return [{"supplier": r.supplier.slug, "body": r.body, "created_at": r.created_at} for r in point.replies.all()]

    @staticmethod
    def resolve_challenge(point) -> str | None:
        return point.challenge.slug if point.challenge_id else None


def _raiser_shown(context, point) -> bool:
    return queries.sees_organisations_of(context["request"].viewer, point, point.organisation_id)


class PainPointQuery(Schema):
    supplier: str | None = None
    status: PainPointStatus | None = None
    tag: str | None = Field(None, max_length=40)


@router.get("/pain-points", response=list[PainPointOut], url_name="pain_points", summary="Shared pain points you may read")
@paginate(Pagination)
def list_pain_points(request, filters: Query[PainPointQuery]):
    supplier = get_object_or_404(Supplier, slug=filters.supplier) if filters.supplier else None
    points = queries.pain_points(request.viewer, supplier=supplier, status=filters.status, tag=(filters.tag or "").lower() or None)
    return queries.with_shares(points)


class PainPointIn(Schema):
    supplier: str = Field(description="The supplier's slug.")
    product: str | None = Field(None, description="A product's slug, or null.")
    title: str = Field(max_length=200)
    description: str = Field(max_length=10000)
    severity: int = Field(2, ge=1, le=4)
    tags: list[str] = Field(default_factory=list, max_length=10)
    organisation: str | None = Field(None, description="The organisation you speak for, if you are staff of several.")


@router.post("/pain-points", response={201: PainPointOut}, auth=django_auth, url_name="pain_point_create", summary="Share a pain point")
def create_pain_point(request, payload: PainPointIn, response: HttpResponse):
    point = services.raise_pain_point(actor=request.user, viewer=request.viewer, **payload.dict())
    point = services.readable_pain_point(request.viewer, point.pk)
    tag(response, point)
    return Status(201, point)


@router.get("/pain-points/{point_id}", response=PainPointOut, url_name="pain_point", summary="One pain point")
def get_pain_point(request, point_id: int, response: HttpResponse):
    point = services.readable_pain_point(request.viewer, point_id)
    tag(response, point)
    return point


class ShareIn(Schema):
    organisation: str | None = None
    note: str = Field("", max_length=5000)


@router.post(
    "/pain-points/{point_id}/shares", response={201: PainPointOut}, auth=django_auth, url_name="pain_point_share",
    summary="Say your organisation has this pain point too",
)
def share_pain_point(request, point_id: int, payload: ShareIn):
    point = services.readable_pain_point(request.viewer, point_id)
    services.share_pain_point(point, actor=request.user, viewer=request.viewer, organisation=payload.organisation, note=payload.note)
    return Status(201, services.readable_pain_point(request.viewer, point_id))


class StatusIn(Schema):
    status: PainPointStatus


@router.put(
    "/pain-points/{point_id}/status", response=PainPointOut, auth=django_auth, url_name="pain_point_status",
    summary="Move a pain point on (If-Match)",
)
@if_match(IfMatch.REQUIRED)
def move_pain_point(request, point_id: int, payload: StatusIn, response: HttpResponse):
    point = services.readable_pain_point(request.viewer, point_id)
    services.require_move(point, request.viewer)  # before If-Match: 403 rather than 428
    version = based_on(request, point)
    moved = precondition(
        lambda: services.move_pain_point(point, actor=request.user, viewer=request.viewer, status=payload.status, version=version)
    )
    point = services.readable_pain_point(request.viewer, moved.pk)
    tag(response, point)
    return point


class ReplyIn(Schema):
    body: str = Field(max_length=10000)


@router.post(
    "/pain-points/{point_id}/replies", response={201: PainPointOut}, auth=django_auth, url_name="pain_point_reply",
    summary="The supplier's public right of reply",
)
def reply_to_pain_point(request, point_id: int, payload: ReplyIn):
    point = services.readable_pain_point(request.viewer, point_id)
    services.reply_to_pain_point(point, actor=request.user, viewer=request.viewer, body=payload.body)
    return Status(201, services.readable_pain_point(request.viewer, point_id))


class ChallengeRef(Schema):
    slug: str
    url: str


@router.post(
    "/pain-points/{point_id}/invitation", response={201: ChallengeRef}, auth=django_auth, url_name="pain_point_challenge",
    summary="Start a draft joint Invitation to Partner from a shared pain point",
)
def start_challenge(request, point_id: int):
    point = services.readable_pain_point(request.viewer, point_id)
    challenge = services.start_joint_challenge(point, actor=request.user, viewer=request.viewer)
    return Status(201, {"slug": challenge.slug, "url": reverse("partnering:challenge", args=[challenge.slug])})


# The conversation pack -----------------------------------------------------------------------


class PackUseOut(Schema):
    organisation: str
    products: list[str]
    areas: list[str]


class PackContractOut(Schema):
    organisation: str
    title: str
    end_date: datetime.date
    annual_value: float | None = Field(description="Null where values are for members only.")
    currency: str


class ValueRangeOut(Schema):
    currency: str
    low: float
    high: float
    contracts: int


class PainPointBrief(Schema):
    id: int
    title: str
    organisations: int
    severity: int
    status: str


class PackOut(Schema):
    supplier: str
    generated: datetime.date
    organisations: int = Field(description="Every organisation you may see using the supplier.")
    uses: list[PackUseOut] = Field(
        description=f"At most {packs.TABLE_ROWS} of them: those using the most of its products first."
    )
    contracts_total: int = Field(description="Every current contract you may see.")
    contracts: list[PackContractOut] = Field(description=f"At most {packs.TABLE_ROWS} of them: the soonest to end.")
    value_ranges: list[ValueRangeOut] | None = Field(description="Null: no contract value may be shown to you.")
    satisfaction: ReportOut
    pain_points: list[PainPointBrief]
    questions: list[str]


def pack_out(result: packs.Pack) -> dict:
    return {
        "supplier": result.supplier.slug,
        "generated": result.generated,
        "organisations": result.organisations,
        "uses": [u.__dict__ for u in result.uses],
        "contracts_total": result.contracts_total,
        "contracts": [
            {
                "organisation": c.organisation.slug, "title": c.title, "end_date": c.end_date,
                "annual_value": None if c.values_hidden or c.annual_value is None else float(c.annual_value),
                "currency": c.currency,
            }
            for c in result.contracts
        ],
        "value_ranges": [
            {"currency": v.currency, "low": float(v.low), "high": float(v.high), "contracts": v.contracts} for v in result.values
        ] if result.values is not None else None,
        "satisfaction": report_out(result.report),
        "pain_points": [
            {"id": p.pk, "title": p.title, "organisations": p.affected_count, "severity": p.severity, "status": p.status}
            for p in result.pain_points
        ],
        "questions": result.questions,
    }


@router.get("/suppliers/{slug}/pack", response=PackOut, url_name="supplier_pack", summary="The supplier conversation pack")
def supplier_pack(request, slug: str):
    supplier = get_object_or_404(Supplier, slug=slug)
    return pack_out(packs.conversation_pack(supplier, viewer=request.viewer))

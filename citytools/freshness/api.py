"""The freshness API: data quality of a network and of an organisation, confirming records,
naming responsible editors, the review period, and attestation campaigns.

The same services and queries as the pages, with the request's Viewer. A record is named by
its key, "system:12:3" (kind, id, the version you read); a confirmation of a version that
has moved on is skipped and listed, never applied.
"""

import datetime
from typing import Literal

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from citytools.core.api import tag
from citytools.core.api_input import django_auth
from citytools.core.dates import DateIn
from citytools.core.preconditions import IfMatch, based_on, if_match, precondition
from citytools.directory.models import Network, Organisation
from citytools.freshness import queries, services
from citytools.freshness.models import Campaign

router = Router(tags=["data quality and campaigns"])


class QualityScoreOut(Schema):
    organisation: str
    name: str
    review_months: int
    records: int
    systems: int
    contracts: int
    freshness: int | None = Field(description="Per cent of records confirmed within the review period.")
    completeness: int | None = Field(description="Per cent of the weighted expected fields filled in (values only where you may see them).")
    stale: int
    check_needed: int
    never_confirmed: int
    changed_by_other: int
    missing: dict[str, int]


def _score_out(score) -> dict:
    return {
        "organisation": score.organisation.slug, "name": str(score.organisation), "review_months": score.review_months,
        "records": score.records, "systems": score.systems, "contracts": score.contracts, "freshness": score.freshness,
        "completeness": score.completeness, "stale": score.stale, "check_needed": score.check_needed,
        "never_confirmed": score.never_confirmed, "changed_by_other": score.changed_by_other, "missing": dict(score.top_missing),
    }


class QualityRecordOut(Schema):
    key: str = Field(description="kind:id:version, what a confirmation sends.")
    kind: str
    id: int
    version: int
    title: str
    seal: Literal["sealed", "check_needed"]
    reasons: list[str]
    confirmed_at: datetime.datetime | None
    due: datetime.datetime | None
    missing: list[str]
    done: bool = Field(False, description="In a campaign: confirmed since it was launched.")


def _record_out(row) -> dict:
    return {
        "key": row.key, "kind": row.kind, "id": row.pk, "version": row.record.version, "title": row.title,
        "seal": row.seal.state, "reasons": list(row.seal.reasons), "confirmed_at": row.seal.confirmed_at,
        "due": row.seal.due, "missing": row.missing, "done": row.done,
    }


class OrganisationQualityOut(Schema):
    score: QualityScoreOut
    records: list[QualityRecordOut]


# A column of the table, a leading "-" reversing it: the keys network_scores sorts by.
SORT = Literal[tuple(queries.SORTS) + tuple(f"-{key}" for key in queries.SORTS)]


@router.get("/networks/{slug}/data-quality", response=list[QualityScoreOut], auth=django_auth, url_name="network_quality",
            summary="Each organisation's freshness and completeness (coordinators)")
def network_quality(request, slug: str, sort: SORT = queries.DEFAULT_SORT):
    network = get_object_or_404(Network, slug=slug)
    services.require_run(request.viewer, network.pk)
    return [_score_out(s) for s in queries.network_scores(request.viewer, network, sort=sort)]


class ReviewPeriodIn(Schema):
    review_months: int


class ReviewPeriodOut(Schema):
    network: str
    review_months: int


@router.put("/networks/{slug}/review-period", response=ReviewPeriodOut, auth=django_auth, url_name="review_period",
            summary="Set how often records must be confirmed (coordinators)")
def put_review_period(request, slug: str, payload: ReviewPeriodIn):
    network = get_object_or_404(Network, slug=slug)
    services.require_run(request.viewer, network.pk)
    network = services.set_review_period(network, months=payload.review_months, actor=request.user)
    return {"network": network.slug, "review_months": network.review_months}


@router.get("/organisations/{slug}/data-quality", response=OrganisationQualityOut, auth=django_auth, url_name="organisation_quality",
            summary="An organisation's scores and every record's seal (its staff, coordinators)")
def organisation_quality(request, slug: str):
    organisation = get_object_or_404(Organisation, slug=slug)
    services.require_read_quality(request.viewer, organisation.pk)
    return {
        "score": _score_out(queries.organisation_score(request.viewer, organisation)),
        "records": [_record_out(r) for r in queries.record_rows(request.viewer, [organisation.pk])],
    }


class ConfirmIn(Schema):
    records: list[str] = Field(min_length=1, max_length=services.MAX_KEYS, description='Keys such as "system:12:3".')
    campaign: int | None = None


class ConfirmOut(Schema):
    confirmed: list[str]
    skipped: list[str] = Field(description="Records changed since the version you sent: read them again.")
    message: str


@router.post("/organisations/{slug}/confirmations", response={201: ConfirmOut}, auth=django_auth, url_name="confirm",
             summary="Confirm records are true as they stand (editors)")
def post_confirmations(request, slug: str, payload: ConfirmIn):
    organisation = get_object_or_404(Organisation, slug=slug)
    campaign = services.readable_campaign(request.viewer, payload.campaign) if payload.campaign else None
    result = services.confirm_records(organisation=organisation, keys=payload.records, actor=request.user, campaign=campaign)
    return Status(201, {"confirmed": result.confirmed, "skipped": result.skipped, "message": result.message})


class ResponsibleIn(Schema):
    record: str = Field(description='"system:12" or "contract:7".')
    responsible: str | None = Field(None, description="An editor's e-mail address; null for nobody.")


class ResponsibleOut(Schema):
    record: str
    responsible: str | None


@router.put("/organisations/{slug}/responsible", response=ResponsibleOut, auth=django_auth, url_name="responsible",
            summary="Name the editor who answers for a record (editors)")
def put_responsible(request, slug: str, payload: ResponsibleIn):
    organisation = get_object_or_404(Organisation, slug=slug)
    record = services.record_by_key(request.viewer, organisation, payload.record)
    user = services.editor_named(organisation.pk, payload.responsible)
    services.set_responsible(record, user=user, actor=request.user)
    return {"record": f"{payload.record.split(':')[0]}:{record.pk}", "responsible": user.email if user else None}


# Campaigns ------------------------------------------------------------------------------


class CampaignProgressOut(Schema):
    organisation: str
    name: str
    records: int
    unchanged: int
    corrected: int
    outstanding: int
    freshness_at_launch: int | None
    freshness_now: int | None


class CampaignOut(Schema):
    id: int
    version: int = Field(description="Also sent as the ETag header; a change or deletion of a draft names it in If-Match.")
    network: str
    title: str
    message: str
    status: str
    kinds: str
    service_areas: list[str]
    deadline: datetime.date
    reminder_days: list[int]
    launched_at: datetime.datetime | None
    closed_at: datetime.datetime | None
    records: int
    done: int
    outstanding: int
    progress: list[CampaignProgressOut] = Field(description="Every organisation for those who run it; your own organisations otherwise.")
    report: list[dict] | None = Field(None, description="Each organisation's figures when it closed (those who run it).")


def _campaign_out(request, campaign: Campaign) -> dict:
    runs = services.may_run(request.viewer, campaign.network_id)
    rows = queries.progress_for(request.viewer, campaign).organisations
    return {
        "id": campaign.pk, "version": campaign.version, "network": campaign.network.slug, "title": campaign.title, "message": campaign.message,
        "status": campaign.status, "kinds": campaign.kinds, "service_areas": [a.slug for a in campaign.service_areas.all()],
        "deadline": campaign.deadline, "reminder_days": campaign.reminder_days, "launched_at": campaign.launched_at,
        "closed_at": campaign.closed_at, "records": sum(p.records for p in rows), "done": sum(p.done for p in rows),
        "outstanding": sum(p.outstanding for p in rows),
        "progress": [{**p.as_report(), "freshness_now": p.freshness_now} for p in rows],
        "report": campaign.report if runs else None,
    }


LISTED = 20


@router.get("/campaigns", response=list[CampaignOut], auth=django_auth, url_name="campaigns",
            summary=f"The {LISTED} latest campaigns you run or are asked in")
def list_campaigns(request):
    # Each carries its progress, worked out over every record asked: a few, not all of them.
    return [_campaign_out(request, c) for c in queries.campaigns_visible_to(request.viewer).select_related("network")[:LISTED]]


class CampaignIn(Schema):
    title: str = Field(max_length=200)
    deadline: DateIn
    message: str = Field("", max_length=10000)
    kinds: Literal["both", "systems", "contracts"] = "both"
    service_areas: list[str] = Field(default_factory=list, max_length=500)
    organisations: list[str] = Field(default_factory=list, max_length=1000, description="Slugs; empty for the whole network.")
    reminder_days: list[int] = Field(default_factory=lambda: [7, 1], max_length=20)


@router.post("/networks/{slug}/campaigns", response={201: CampaignOut}, auth=django_auth, url_name="campaign_create",
             summary="Draft a campaign (coordinators)")
def create_campaign(request, slug: str, payload: CampaignIn):
    network = get_object_or_404(Network, slug=slug)
    campaign = services.create_campaign(
        network=network, title=payload.title, deadline=payload.deadline, message=payload.message, kinds=payload.kinds,
        service_areas=payload.service_areas, organisations=payload.organisations, reminder_days=payload.reminder_days,
        actor=request.user,
    )
    return Status(201, _campaign_out(request, campaign))


@router.get("/campaigns/{campaign_id}", response=CampaignOut, auth=django_auth, url_name="campaign",
            summary="One campaign and its progress, with its version as the ETag")
def get_campaign(request, campaign_id: int, response: HttpResponse):
    campaign = services.readable_campaign(request.viewer, campaign_id)
    tag(response, campaign)
    return _campaign_out(request, campaign)


class CampaignPatch(Schema):
    title: str | None = Field(None, max_length=200)
    deadline: DateIn | None = None
    message: str | None = Field(None, max_length=10000)
    kinds: Literal["both", "systems", "contracts"] | None = None
    service_areas: list[str] | None = Field(None, max_length=500)
    organisations: list[str] | None = Field(None, max_length=1000, description="Slugs; empty for the whole network.")
    reminder_days: list[int] | None = Field(None, max_length=20)


DRAFT_IF_MATCH = (
    'Only a draft can be changed or deleted (400 otherwise). Send `If-Match` with the ETag of your last read, like `"3"`: '
    "428 without it, 412 if the campaign has changed, been launched or deleted since."
)


def _draft_fields(campaign: Campaign) -> dict:
    return {
        "title": campaign.title, "deadline": campaign.deadline, "message": campaign.message, "kinds": campaign.kinds,
        "service_areas": [a.slug for a in campaign.service_areas.all()],
        "organisations": list(campaign.participants.values_list("organisation__slug", flat=True)),
        "reminder_days": campaign.reminder_days,
    }


def _change(request, campaign_id: int, fields: dict, response: HttpResponse) -> dict:
    campaign = services.readable_campaign(request.viewer, campaign_id)
    services.require_run(request.viewer, campaign.network_id)
    version = based_on(request, campaign)
    campaign = precondition(lambda: services.update_campaign(campaign, version=version, actor=request.user, **fields))
    tag(response, campaign)
    return _campaign_out(request, campaign)


@router.put("/campaigns/{campaign_id}", response=CampaignOut, auth=django_auth, url_name="campaign_replace",
            summary="Replace what a draft campaign says and whom it asks (coordinators; If-Match required)",
            description=DRAFT_IF_MATCH)
@if_match(IfMatch.REQUIRED)
def replace_campaign(request, campaign_id: int, payload: CampaignIn, response: HttpResponse):
    return _change(request, campaign_id, payload.dict(), response)


@router.patch("/campaigns/{campaign_id}", response=CampaignOut, auth=django_auth, url_name="campaign_patch",
              summary="Change some of a draft campaign (coordinators; If-Match required)", description=DRAFT_IF_MATCH)
@if_match(IfMatch.REQUIRED)
def patch_campaign(request, campaign_id: int, payload: CampaignPatch, response: HttpResponse):
    campaign = services.readable_campaign(request.viewer, campaign_id)
    changes = {key: value for key, value in payload.dict(exclude_unset=True).items() if value is not None}
    return _change(request, campaign_id, {**_draft_fields(campaign), **changes}, response)


@router.delete("/campaigns/{campaign_id}", response={204: None}, auth=django_auth, url_name="campaign_delete",
               summary="Delete a draft campaign (coordinators; If-Match required)", description=DRAFT_IF_MATCH)
@if_match(IfMatch.REQUIRED)
def delete_campaign(request, campaign_id: int):
    campaign = services.readable_campaign(request.viewer, campaign_id)
    services.require_run(request.viewer, campaign.network_id)
    version = based_on(request, campaign)
    precondition(lambda: services.delete_campaign(campaign, version=version, actor=request.user))
    return Status(204, None)


@router.post("/campaigns/{campaign_id}/launch", response=CampaignOut, auth=django_auth, url_name="campaign_launch",
             summary="Launch a draft campaign (coordinators)")
def launch(request, campaign_id: int):
    campaign = services.launch_campaign(services.readable_campaign(request.viewer, campaign_id), actor=request.user)
    return _campaign_out(request, campaign)


@router.post("/campaigns/{campaign_id}/close", response=CampaignOut, auth=django_auth, url_name="campaign_close",
             summary="Close a running campaign and keep its report (coordinators)")
def close(request, campaign_id: int):
    campaign = services.close_campaign(services.readable_campaign(request.viewer, campaign_id), actor=request.user)
    return _campaign_out(request, campaign)


@router.get("/campaigns/{campaign_id}/organisations/{slug}", response=list[QualityRecordOut], auth=django_auth,
            url_name="campaign_organisation", summary="The records a campaign asks one organisation to confirm")
def campaign_records(request, campaign_id: int, slug: str):
    campaign = services.readable_campaign(request.viewer, campaign_id)
    organisation = get_object_or_404(Organisation, slug=slug)
    services.require_campaign_organisation(request.viewer, campaign, organisation)
    return [_record_out(r) for r in queries.campaign_rows(campaign, request.viewer, [organisation.pk], now=timezone.now())]

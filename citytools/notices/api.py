"""The API of public notices: an organisation's review queue and its suggestions (accept,
reject), the buyer names waiting to be recognised (link, dismiss), a network's trusted
sources, imports of a file of notices and harvests of a publisher's API, which the worker
runs, where each publisher's harvest stands, and the hints that suggest a service area
(list, add, remove).

The same queries and services as the pages, with the request's Viewer, behind a signed-in
session. A suggestion, buyer name or import the person may not see is 404; an organisation's
queue or a network's sources they may not read is 403; deciding what someone already decided
is 409; the hints are network coordinators' and admins' (403 for anyone else). citytools.core.api
turns each refusal into problem+json.
"""

import dataclasses
import datetime
from decimal import Decimal
from typing import Literal

from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Field, File, Query, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate

from citytools.contracts.models import Contract
from citytools.core.api import MONEY, MONEY_IN, MoneyIn, Pagination, Ref, money_description
from citytools.core.api_input import django_auth
from citytools.core.dates import DateIn
from citytools.core.errors import NotFound
from citytools.directory.models import Network, Organisation
from citytools.inventory.models import ServiceArea
from citytools.notices import queries, rules, services
from citytools.notices.models import Buyer, Import, Suggestion

router = Router(tags=["public notices"], auth=django_auth)

StatusName = Literal["pending", "accepted", "applied", "rejected"]
SourceName = Literal["contracts_finder", "find_a_tender"]
HarvestSourceName = Literal[rules.HARVEST_SOURCES]
Compared = Literal[rules.COMPARED]


# Suggestions -------------------------------------------------------------------------------


class NoticePartyOut(Schema):
    name: str
    company_number: str | None = Field(description="Its Companies House number, where the notice gives one.")


class CpvCodeOut(Schema):
    code: str
    label: str = Field(description="Empty where the code is not in the CPV list.")


class NoticeOut(Schema):
    ocid: str = Field(description="The contracting process the notice is about.")
    source: str = Field(description="contracts_finder, find_a_tender or other.")
    title: str
    description: str
    buyer_name: str = Field(description="The buyer as the notice names it.")
    suppliers: list[NoticePartyOut]
    cpv_codes: list[CpvCodeOut]
    value: Decimal | None = Field(description=money_description("the notice gives no value"))
    currency: str
    start_date: datetime.date | None
    end_date: datetime.date | None
    extension_end_date: datetime.date | None
    route: str
    service_area: Ref | None = Field(description="The service area the notice's words or codes suggest.")
    area_reason: str = Field(description="Why that service area, for a person to judge.")
    released: datetime.date | None = Field(description="The date of the latest release read.")
    release_ids: list[str]
    url: str = Field(description="Where the notice is published, where known.")


class OfferedOut(Schema):
    title: str
    total_value: Decimal | None = Field(description=money_description("the notice gives no value"))
    currency: str
    start_date: datetime.date | None
    end_date: datetime.date | None
    extension_end_date: datetime.date | None
    route: str
    reference: str = Field(description="The contract's reference: the notice's ocid.")
    source_url: str
    supplier_name: str = Field(description="The notice's first supplier, as the notice names it.")
    supplier_number: str = Field(description="Its Companies House number, or empty.")
    service_area: str | None = Field(description="The suggested service area's slug.")


class SuggestedChangeOut(Schema):
    field: str
    label: str
    map: str | None = Field(description=f"The map's value, as text. {MONEY}")
    notice: str | None = Field(description="The notice's value, as text.")


class OfferedRatingOut(Schema):
    score: int = Field(description="The overall score, 1 to 5.")
    comment: str = Field(description="Members-only, like every rating's comment.")


class OfferedSystemOut(Schema):
    product: Ref | None = Field(description="The product on the map (null if it has gone since).")
    product_slug: str = Field(description="The product as the source named it.")
    supplier: Ref | None
    service_areas: list[Ref]
    hosting: str
    go_live: datetime.date | None
    rating: OfferedRatingOut | None = Field(description="The satisfaction rating the source gives, if any.")


class SuggestionOut(Schema):
    id: int
    url: str = Field(description="Its page on the site.")
    organisation: Ref
    kind: Literal["new", "change", "system"] = Field(
        description="new: a contract the map lacks; change: changes to a contract on the map; "
        "system: a system the map lacks, from a survey or a register, with its contract and rating where given."
    )
    status: StatusName
    offered: OfferedOut = Field(description="The contract as the notice (or, for a system, the source) offers it; empty values where none.")
    supplier: Ref | None = Field(description="The supplier on the map the notice's supplier was recognised as, if any.")
    changes: list[SuggestedChangeOut] = Field(description="For a change: each field with the map's value beside the notice's.")
    notice: NoticeOut | None = Field(description="The notice it comes from; null for a suggestion from a survey or a register.")
    origin_key: str = Field(description="For a suggestion from a survey or a register: its key within that source.")
    origin_label: str = Field(description='For a suggestion from a survey or a register: the source, like "London survey 2026".')
    system: OfferedSystemOut | None = Field(description="For a suggested system: the system offered.")
    contract_id: int | None = Field(description="The contract it changes, or (once accepted) the contract it became.")
    system_id: int | None = Field(description="The system accepting it added, if any.")
    decided_by: str = Field(description="Who decided: a name for those who may see the organisation's people.")
    decided_at: datetime.datetime | None
    reason: str = Field(description="Why it was rejected.")
    created_at: datetime.datetime


def _ref(thing) -> dict | None:
    return {"slug": thing.slug, "name": str(thing.name)} if thing else None


def _notice_out(notice) -> dict:
    return {
        "ocid": notice.ocid, "source": notice.source, "title": notice.title, "description": notice.description,
        "buyer_name": notice.buyer_name,
        "suppliers": [{"name": party.get("name") or "", "company_number": party.get("identifier")} for party in notice.suppliers],
        "cpv_codes": [{"code": code, "label": label} for code, label in queries.cpv_codes(notice)],
        "value": notice.value, "currency": notice.currency, "start_date": notice.start_date, "end_date": notice.end_date,
        "extension_end_date": notice.extension_end_date, "route": notice.route, "service_area": _ref(notice.service_area),
        "area_reason": notice.area_reason, "released": notice.released, "release_ids": [str(i) for i in notice.release_ids],
        "url": notice.url,
    }


def _system_out(offered: queries.OfferedSystem | None) -> dict | None:
    if offered is None:
        return None
    return {
        "product": _ref(offered.product), "product_slug": offered.product_slug, "supplier": _ref(offered.supplier),
        "service_areas": [_ref(area) for area in offered.service_areas], "hosting": offered.hosting, "go_live": offered.go_live,
        "rating": {"score": offered.rating_score, "comment": offered.rating_comment} if offered.rating_score else None,
    }


def _suggestion_out(request, suggestion: Suggestion) -> dict:
    offered = queries.offer(suggestion)
    return {
        "id": suggestion.pk, "url": suggestion.get_absolute_url(),
        "organisation": {"slug": suggestion.organisation.slug, "name": str(suggestion.organisation)},
        "kind": suggestion.kind, "status": suggestion.status,
        "offered": {
            name: getattr(offered, name) for name in (
                "title", "total_value", "currency", "start_date", "end_date", "extension_end_date", "route", "reference",
                "source_url", "supplier_name", "supplier_number", "service_area",
            )
        },
        "supplier": _ref(suggestion.supplier),
        # As text, as the suggestion keeps them (queries.changes reads them as values for pages).
        "changes": [
            {"field": change.field, "label": change.label, **{side: suggestion.changes[change.field].get(side) for side in ("map", "notice")}}
            for change in queries.changes(suggestion)
        ],
        "notice": _notice_out(suggestion.notice) if suggestion.notice else None,
        "origin_key": suggestion.origin_key, "origin_label": suggestion.origin_label,
        "system": _system_out(queries.offered_system(suggestion)),
        "contract_id": suggestion.contract_id, "system_id": suggestion.system_id,
        "decided_by": queries.decided_by(request.viewer, suggestion), "decided_at": suggestion.decided_at,
        "reason": suggestion.reason, "created_at": suggestion.created_at,
    }


@router.get(
    "/organisations/{slug}/suggestions", response=list[SuggestionOut], url_name="notice_suggestions",
    summary="An organisation's suggestions from public notices, those waiting for review first (its editors, its networks' coordinators)",
)
@paginate(Pagination)
def list_suggestions(request, slug: str, status: StatusName | None = None):
    organisation = get_object_or_404(Organisation, slug=slug)
    return [_suggestion_out(request, s) for s in queries.queue(request.viewer, organisation, status=status)]


@router.get("/suggestions/{suggestion_id}", response=SuggestionOut, url_name="notice_suggestion", summary="One suggestion from a public notice")
def get_suggestion(request, suggestion_id: int):
    return _suggestion_out(request, queries.suggestion_for(request.viewer, suggestion_id))


class AcceptIn(Schema):
    title: str | None = Field(None, description="New contract (or a suggested system's contract): the title, if not the source's.")
    total_value: MoneyIn | None = Field(None, description=f"New contract: the total value, if not the notice's. {MONEY_IN}")
    currency: str | None = Field(None, description="New contract: ISO 4217 code, if not the notice's.")
    start_date: DateIn | None = None
    end_date: DateIn | None = None
    extension_end_date: DateIn | None = None
    route: Literal[tuple(Contract.Route.values)] | None = None
    supplier: str | None = Field(
        None,
        description=f'New contract: a supplier\'s slug, or "{rules.NEW_SUPPLIER}" to add the notice\'s company to the catalogue; '
        "by default the supplier recognised on the map, otherwise the notice's company.",
    )
    product: str | None = Field(
        None, description="New contract: a product's slug, to add a system of it too; a suggested system: its product, if not the source's."
    )
    service_area: str | None = Field(None, description="The new system's service area (a slug); by default the suggested one.")
    service_areas: list[str] | None = Field(
        None, description="A suggested system: its service areas (slugs), if not the source's; overrides service_area."
    )
    fields: list[Compared] | None = Field(None, description="A change: the fields to take; by default every one suggested.")


@router.post(
    "/suggestions/{suggestion_id}/accept", response=SuggestionOut, url_name="notice_suggestion_accept",
    summary="Accept a suggestion: add the contract (and a system), the suggested system, or take the suggested changes",
    description=(
        "Only the fields sent change what the notice offers; a field sent as null is left empty. The record keeps the notice "
        "as its provenance and starts unconfirmed. 409 when the suggestion was already decided, or the contract changed since."
    ),
)
def accept(request, suggestion_id: int, payload: AcceptIn):
    suggestion = queries.suggestion_for(request.viewer, suggestion_id)
    suggestion = services.accept(suggestion, actor=request.user, edits=payload.dict(exclude_unset=True))
    return _suggestion_out(request, queries.suggestion_for(request.viewer, suggestion.pk))


class RejectIn(Schema):
    reason: str = Field("", description=f"Why, kept with the decision; at most {rules.REASON_LIMIT} characters.")


@router.post(
    "/suggestions/{suggestion_id}/reject", response=SuggestionOut, url_name="notice_suggestion_reject",
    summary="Reject a suggestion; importing the notice again does not suggest it again",
    description="409 when the suggestion was already decided.",
)
def reject(request, suggestion_id: int, payload: RejectIn):
    suggestion = queries.suggestion_for(request.viewer, suggestion_id)
    services.reject(suggestion, actor=request.user, reason=payload.reason)
    return _suggestion_out(request, queries.suggestion_for(request.viewer, suggestion.pk))


# Buyer names ---------------------------------------------------------------------------------


class BuyerOut(Schema):
    id: int
    name: str = Field(description="The buyer as the notices name it.")
    notices: int = Field(description="How many notices named it.")
    status: Literal["open", "linked", "dismissed"]
    candidates: list[Ref] = Field(description="Organisations the name could mean, where it meant more than one.")
    organisation: Ref | None = Field(description="Once linked, the organisation it means.")


def _buyer_out(buyer: Buyer) -> dict:
    return {
        "id": buyer.pk, "name": buyer.name, "notices": buyer.notices, "status": buyer.status,
        "candidates": [_ref(o) for o in buyer.candidates.all()], "organisation": _ref(buyer.organisation),
    }


@router.get(
    "/notices/buyers", response=list[BuyerOut], url_name="notice_buyers",
    summary="Buyer names waiting to be recognised (network coordinators, admins)",
)
@paginate(Pagination)
def list_buyers(request):
    return [_buyer_out(buyer) for buyer in queries.buyers(request.viewer)]


class LinkIn(Schema):
    organisation: str = Field(description="The slug of the organisation the name means: one in a network you coordinate.")


@router.post(
    "/notices/buyers/{buyer_id}/link", response=BuyerOut, url_name="notice_buyer_link",
    summary="Say which organisation a buyer name means; its notices then make their suggestions",
    description="409 when the name was already linked or set aside.",
)
def link_buyer(request, buyer_id: int, payload: LinkIn):
    buyer = queries.buyer_for(request.viewer, buyer_id)
    organisation = get_object_or_404(Organisation, slug=payload.organisation)
    return _buyer_out(services.link_buyer(buyer, organisation=organisation, actor=request.user))


@router.post(
    "/notices/buyers/{buyer_id}/dismiss", response=BuyerOut, url_name="notice_buyer_dismiss",
    summary="Set a buyer name aside: no organisation on the map", description="409 when the name was already decided.",
)
def dismiss_buyer(request, buyer_id: int):
    buyer = queries.buyer_for(request.viewer, buyer_id)
    return _buyer_out(services.dismiss_buyer(buyer, actor=request.user))


# Trusted sources ------------------------------------------------------------------------------


class TrustOut(Schema):
    source: SourceName
    label: str
    trusted: bool = Field(description="True: its notices go on the members' maps at once, unconfirmed, instead of waiting for review.")


class TrustIn(Schema):
    trusted: bool


@router.get(
    "/networks/{slug}/trusted-sources", response=list[TrustOut], url_name="notice_trusted_sources",
    summary="Which publishers a network trusts (its coordinators)",
)
def trusted_sources(request, slug: str):
    network = get_object_or_404(Network, slug=slug)
    return [trust.__dict__ for trust in queries.trusted_sources(request.viewer, network)]


@router.put(
    "/networks/{slug}/trusted-sources/{source}", response=TrustOut, url_name="notice_trusted_source",
    summary="Trust a publisher for a network's members, or stop trusting it (its coordinators)",
)
def set_trust(request, slug: str, source: SourceName, payload: TrustIn):
    network = get_object_or_404(Network, slug=slug)
    services.set_trust(network, source=source, trusted=payload.trusted, actor=request.user)
    return next(trust.__dict__ for trust in queries.trusted_sources(request.viewer, network) if trust.source == source)


# Imports -------------------------------------------------------------------------------------


class ImportStartedOut(Schema):
    id: int
    url: str = Field(description="Where to follow it: GET it until `status` is done or failed.")


class ImportOut(Schema):
    id: int
    network: Ref
    filename: str = Field(description="The uploaded file's name; empty for a harvest.")
    harvest: str = Field(description="For a harvest, the publisher (contracts-finder or find-a-tender); empty for an upload.")
    since: datetime.date | None = Field(description="For a harvest started afresh, the first day asked for; null when it resumes.")
    status: Literal["queued", "running", "done", "failed"]
    summary: dict = Field(
        description=(
            'While it runs, {"stage": "reading", "checking" or "writing", "count": n}; once done, how many releases, ocids, '
            "matched, unmatched, it, suggested, applied, unchanged and skipped. A harvest runs with "
            '{"stage": "harvesting", "count": releases so far}, and once done also gives the pages read and whether it '
            "reached the publisher's last page (finished)."
        )
    )
    errors: list[str] = Field(description="Where the file (or the harvested pages) went wrong (at most 200).")
    error: str = Field(description="Why it failed, if it did.")
    created_at: datetime.datetime
    started_at: datetime.datetime | None
    finished_at: datetime.datetime | None


def _import_out(job: Import) -> dict:
    return {
        "id": job.pk, "network": _ref(job.network), "filename": job.filename, "harvest": job.harvest, "since": job.since,
        "status": job.status,
        "summary": job.summary, "errors": job.errors, "error": job.error, "created_at": job.created_at,
        "started_at": job.started_at, "finished_at": job.finished_at,
    }


@router.post(
    "/networks/{slug}/notice-imports", response={202: ImportStartedOut}, url_name="notice_import_create",
    summary="Import a file of public notices for a network's members (multipart/form-data, field `file`; its coordinators)",
    description=(
        f"OCDS JSON or JSON Lines, gzip-compressed or not, up to {rules.MAX_UPLOAD_BYTES // (1024 * 1024)} MB. The worker runs "
        "it: 202 with where to follow it."
    ),
)
def create_import(request, slug: str, file: UploadedFile | None = File(None)):
    # The file is optional in the schema so that who may import is decided before the upload
    # is looked at; the service answers 400 when it is missing.
    network = get_object_or_404(Network, slug=slug)
    queries.require_import(request.viewer, network)
    content = file.read(rules.MAX_UPLOAD_BYTES + 1) if file else b""
    job = services.start_import(network, actor=request.user, filename=file.name if file else "", content=content)
    return Status(202, {"id": job.pk, "url": reverse("api:notice_import", args=[job.pk])})


@router.get("/notice-imports/{import_id}", response=ImportOut, url_name="notice_import", summary="An import of public notices, and how far it has got")
def get_import(request, import_id: int):
    return _import_out(queries.import_for(request.viewer, import_id))


# Harvests --------------------------------------------------------------------------------------


class HarvestIn(Schema):
    source: HarvestSourceName = Field(description="The publisher whose API to harvest.")
    since: DateIn | None = Field(
        None, description="Start afresh from this day (today or earlier); by default the harvest resumes where the last one stopped.",
    )


@router.post(
    "/networks/{slug}/notice-harvests", response={202: ImportStartedOut}, url_name="notice_harvest_create",
    summary="Harvest a publisher's API for every organisation on the map (a network's coordinators start it)",
    description=(
        "The worker pages through Contracts Finder's or Find a Tender's public API, importing each page as it comes, up to "
        "the pages one harvest reads (CITYTOOLS_OCDS_HARVEST_PAGES); the next resumes there. 202 with where to follow it, "
        "as an import."
    ),
)
def create_harvest(request, slug: str, payload: HarvestIn):
    network = get_object_or_404(Network, slug=slug)
    job = services.start_import(network, actor=request.user, harvest=payload.source, since=payload.since)
    return Status(202, {"id": job.pk, "url": reverse("api:notice_import", args=[job.pk])})


class HarvestOut(Schema):
    source: HarvestSourceName
    label: str
    last_run: datetime.datetime | None = Field(description="When a page was last harvested (or a harvest failed); null if never.")
    pages: int = Field(description="Pages harvested so far, every harvest together.")
    releases: int = Field(description="Releases harvested so far, every harvest together.")
    resumes: bool = Field(description="True: the next harvest resumes where the last stopped (next_url).")
    next_url: str = Field(description="The page the next harvest asks for first, when it resumes.")
    since: datetime.date | None = Field(description="When it does not resume: the first day the next harvest asks for.")
    last_error: str = Field(description="Why the last harvest stopped, if it failed.")
    running: bool = Field(description="An import from the web is harvesting it now.")
    every_hours: float | None = Field(description="The worker's schedule (CITYTOOLS_OCDS_HARVEST_SCHEDULE); null when not scheduled.")
    next_run: datetime.datetime | None = Field(
        description="When the schedule harvests it next; null when not scheduled, or when it never ran (at the worker's next run)."
    )


@router.get(
    "/notice-harvests", response=list[HarvestOut], url_name="notice_harvests",
    summary="Where each publisher's harvest stands, and when the schedule runs it next (network coordinators, admins)",
)
def list_harvests(request):
    return [dataclasses.asdict(state) for state in queries.harvests(request.viewer)]


# How notices suggest a service area ------------------------------------------------------------

HintKind = Literal["words", "cpv"]


class HintOut(Schema):
    area: Ref = Field(description="The service area the hint suggests.")
    kind: HintKind = Field(description="words: found whole in a notice's title or description; cpv: a CPV code and those under it.")
    hint: str = Field(description="The words, in lower case, or the CPV code's eight digits without its check digit.")
    label: str = Field(description="A CPV code's label in the CPV list; empty for words, or a code not in the list.")
    shipped: bool = Field(description="True for a hint that ships with City Tools, false for one a coordinator added.")


class HintMappingOut(Schema):
    edited: bool = Field(
        description="False while the mapping in force is the one that ships with City Tools; true once a coordinator has added or removed a hint."
    )
    hints: list[HintOut] = Field(description="Every hint in force, in the order of the service-area taxonomy, each area's words first.")


def _hint_out(found: queries.HintInForce) -> dict:
    return {"area": _ref(found.area), "kind": found.kind, "hint": found.hint, "label": found.label, "shipped": found.shipped}


@router.get(
    "/notice-hints", response=HintMappingOut, url_name="notice_hints",
    summary="The words and CPV codes that suggest a service area for a public notice (network coordinators, admins)",
)
def list_hints(request):
    mapping = queries.hint_mapping(request.viewer)
    return {"edited": mapping.edited, "hints": [_hint_out(found) for found in mapping.hints]}


class HintIn(Schema):
    area: str = Field(description="The slug of a service area (an area, not a group of them).")
    kind: HintKind
    hint: str = Field(
        description=f"Words (at most {rules.HINT_LIMIT} characters, compared in lower case) or a CPV code of two to eight digits, "
        "with or without its check digit: 48 is division 48."
    )


def _hint_area(slug: str):
    # Called once who may edit has been asked (queries.require_hints): nobody else learns which slugs exist.
    area = ServiceArea.objects.filter(slug=slug).first()
    if area is None:
        raise NotFound("No such service area.")
    return area


@router.post(
    "/notice-hints", response={201: HintOut}, url_name="notice_hint_create",
    summary="Add a hint: these words or this CPV code suggest this service area in every later import",
    description="400 for a hint the classifier cannot use, or one already there; 404 for a service area that does not exist.",
)
def add_hint(request, payload: HintIn):
    queries.require_hints(request.viewer)
    added = services.add_hint(area=_hint_area(payload.area), kind=payload.kind, hint=payload.hint, actor=request.user)
    return Status(201, _hint_out(queries.hint_in_force(added.area, added.kind, added.hint)))


@router.delete(
    "/notice-hints", response={204: None}, url_name="notice_hint_delete",
    summary="Remove a hint, named by its service area, kind and words or code, from every later import",
    description="404 when the service area has no such hint.",
)
def remove_hint(
    request,
    area: str = Query(..., description="The service area's slug."),
    kind: HintKind = Query(...),
    hint: str = Query(..., description="The words, or the CPV code, as the list gives them."),
):
    queries.require_hints(request.viewer)
    services.remove_hint(area=_hint_area(area), kind=kind, hint=hint, actor=request.user)
    return Status(204, None)

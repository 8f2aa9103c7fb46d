"""The API of the public registers: the registers City Tools ships and their facts, public;
and loading one onto the map, for platform admins (403 for anyone else, 401 without a
session). The same queries and service as the pages; an unknown register is 404
(citytools.core.api turns each refusal into problem+json).

It is also the API door of a network's survey (citytools.registers.surveys): upload a file
(multipart/form-data, since a survey may be larger than a JSON body may be), follow its
preview, choose its columns, decide its joint services and import it. Only the network's
coordinators and platform admins: the network's imports answer 403 to anyone else, as its
notice imports do, and one import 404, as if it did not exist.
"""

import datetime
from typing import Literal

from django.conf import settings
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Field, File, Form, Query, Router, Schema, Status, UploadedFile

from citytools.core.api import Ref
from citytools.core.api_input import django_auth
from citytools.core.errors import NotFound
from citytools.core.text import check_text
from citytools.directory.models import Network
from citytools.registers import queries, services, surveys
from citytools.registers.models import SurveyImport

router = Router(tags=["public registers"])


class RegisterOut(Schema):
    name: str = Field(description="The register's name in addresses, e.g. `libraries`.")
    title: str
    summary: str
    service_area: str = Field(description="The slug of the service area its systems go in.")
    label: str = Field(description="The source as the records it puts on the map name it (their provenance's label).")
    published: str = Field(description="When the source was published, in words.")
    source: str
    source_url: str
    licence: str
    licence_url: str
    attribution: str
    url: str = Field(description="Where its facts are, row by row.")


class PlaceOut(Schema):
    gss_code: str = Field(description="The organisation's code: a GSS code, or the register's own for a body that is not a local authority.")
    organisation: Ref | None = Field(description="The organisation, where it is on the map.")
    on_the_map: bool = Field(description="Whether a system of the product is on its map (as far as you may see).")
    other_products: list[str] = Field(description="Other products its map has in the register's service area.")


class FactOut(Schema):
    register_code: str = Field(description="The code the register gives the service.")
    library_service: str = Field(description="The service as the register names it.")
    code_change: str = Field(description="Empty, `former code`, `successor` or `not a local authority`: how `organisations` differ from the register's code.")
    organisations: list[PlaceOut] = Field(description="The organisations that run the service today.")
    system: str = Field(description="The system as the register names it, e.g. `ArenaV7`.")
    product: str
    version: str = Field(description="The version the register's name carries, or empty.")
    maker: str | None = Field(description="Who makes the product; null where the register does not say, and the row is not put on the map.")
    catalogue_url: str
    on_the_map: bool


class RegisterFactsOut(RegisterOut):
    facts: list[FactOut]


class LoadIn(Schema):
    dry_run: bool = Field(False, description="Only say what loading would do, and change nothing.")


class DifferenceOut(Schema):
    organisation: Ref
    register_product: str = Field(description="The register's product.")
    on_the_map: list[str] = Field(description="The products the map has in that service area, which were kept.")


class LoadOut(Schema):
    name: str = Field(description="The register's name.")
    dry_run: bool
    rows: int
    organisations: int = Field(description="Organisations created.")
    suppliers: int = Field(description="Suppliers (makers) created.")
    products: int = Field(description="Products created.")
    systems: int = Field(description="Systems created, unconfirmed, with the register as their provenance.")
    unchanged: int = Field(description="Organisations that had the register's product already.")
    differences: list[DifferenceOut]
    left_off: list[str] = Field(description="Rows not put on the map, and why.")


def _register_out(register) -> dict:
    fields = {name: getattr(register, name) for name in RegisterOut.model_fields if name != "url"}
    return {**fields, "url": reverse("api:register", args=[register.name])}


def _fact_out(fact) -> dict:
    row = fact.row
    return {
        "register_code": row.register_code, "library_service": row.library_service, "code_change": row.code_change,
        "organisations": [
            {
                "gss_code": place.code, "on_the_map": place.on_the_map, "other_products": list(place.others),
                "organisation": {"slug": place.organisation.slug, "name": place.organisation.name} if place.organisation else None,
            }
            for place in fact.places
        ],
        "system": row.system, "product": row.product, "version": row.version, "maker": row.maker or None,
        "catalogue_url": row.catalogue_url, "on_the_map": fact.on_the_map,
    }


@router.get("/registers", response=list[RegisterOut], url_name="registers", summary="The public registers City Tools ships")
def list_registers(request):
    return [_register_out(register) for register in queries.registers()]


@router.get("/registers/{name}", response=RegisterFactsOut, url_name="register", summary="A public register's facts, and whether each is on the map")
def get_register(request, name: str):
    register = queries.register(name)
    return {**_register_out(register), "facts": [_fact_out(fact) for fact in queries.facts(name, viewer=request.viewer)]}


@router.post(
    "/registers/{name}/load", response=LoadOut, auth=django_auth, url_name="register_load",
    summary="Put a public register on the map (platform admins)",
    description=(
        "Adds the organisations, makers and products that are missing, and a system for each organisation that has none of "
        "the register's product, unconfirmed, with the register as its provenance. Loading again changes nothing; another "
        "product on an organisation's map is kept and listed in `differences`. One transaction: a bad row writes nothing."
    ),
)
def load(request, name: str, payload: LoadIn):
    summary = services.load_register(name, actor=request.user, dry_run=payload.dry_run)
    return {
        "name": summary.register, "dry_run": summary.dry_run, "rows": summary.rows,
        "organisations": summary.organisations, "suppliers": summary.suppliers, "products": summary.products,
        "systems": summary.systems, "unchanged": summary.unchanged, "left_off": summary.left_off,
        "differences": [
            {"organisation": {"slug": d.slug, "name": d.organisation}, "register_product": d.register, "on_the_map": list(d.on_the_map)}
            for d in summary.differences
        ],
    }


# A network's survey -----------------------------------------------------------------------

RowStatus = Literal[surveys.STATUSES]
ROWS_LIMIT = 5000


class SurveyRowsQuery(Schema):
    row_status: RowStatus | None = Field(None, description="Only the rows of this status, e.g. `error`.")
    rows_offset: int = Field(0, ge=0, le=10_000_000, description="Skip this many of the (chosen) rows.")
    rows_limit: int = Field(500, ge=0, le=ROWS_LIMIT, description=f"Give at most this many rows (at most {ROWS_LIMIT}).")


class SurveyCandidateOut(Schema):
    pk: int = Field(description="What `organisations` in a decision names it by.")
    name: str
    gss_code: str | None


class SurveyRowOut(Schema):
    row: int = Field(description="The row number in the spreadsheet. A joint service decided for several organisations gives one entry per organisation.")
    status: RowStatus = Field(description=(
        "suggested: to the organisation's review queue; applied: onto its map (a trusted source); unchanged: as it is "
        "already, or rejected before; decision: a joint service to decide; error: see `error`."
    ))
    organisation: str | None = Field(description="The organisation's GSS code, or null.")
    organisation_name: str
    organisation_slug: str
    matched_by: str | None = Field(description="How the organisation was found: identifier, name, alias or decision.")
    product: str
    supplier: str
    service_areas: list[str]
    error: str | None = Field(description="Every fault of the row at once, each naming its column.")
    note: str
    candidates: list[SurveyCandidateOut] = Field(description="For a joint service or an ambiguous name: the organisations to choose from.")


class SurveyOrganisationOut(Schema):
    slug: str
    name: str
    gss_code: str | None
    suggested: int
    applied: int
    unchanged: int
    decision: int
    error: int


class SurveyDisappearedOut(Schema):
    organisation: str
    slug: str
    product: str = Field(description="The product's normalised name, as the earlier edition gave it.")
    status: str = Field(description="Its suggestion's status: pending, accepted, applied or rejected.")
    system: int | None


class SurveyColumnOut(Schema):
    header: str
    field: str = Field(description="The field the column is read as; empty when it is left out.")


class SurveyCountsOut(Schema):
    suggested: int
    applied: int
    unchanged: int
    decision: int
    error: int


class SurveyImportSummaryOut(Schema):
    id: int
    network: Ref
    label: str = Field(description="The source's name, kept in every record's provenance.")
    trusted: bool = Field(description="True: its rows go onto the members' maps at once (unconfirmed) instead of their review queues.")
    filename: str
    status: Literal["previewed", "committed"]
    created_at: datetime.datetime
    expires_at: datetime.datetime
    committed_at: datetime.datetime | None
    job: Literal["", "preview", "commit"] = Field(description="What the worker is doing with a large file: previewing or importing it; empty when nothing.")
    job_done: int = Field(description="Rows done so far.")
    job_total: int
    job_error: str = Field(description="Why the worker's last job stopped, if it did.")
    counts: SurveyCountsOut | None = Field(description="Rows by status in the last preview (or the import); null until the first preview.")
    can_commit: bool = Field(description="Whether POST …/commit would be accepted now: previewed, no row blocking, no job running.")
    url: str


class SurveyImportOut(SurveyImportSummaryOut):
    header_row: int | None
    columns: list[SurveyColumnOut]
    decisions: dict[str, list[int]] = Field(description="Row number → the organisations (pks) a joint-service row was decided for.")
    organisations: list[SurveyOrganisationOut] = Field(description="Per organisation, its rows by status.")
    rows_total: int = Field(description="How many rows (of `row_status`, if given) there are; `rows` gives a page of them.")
    rows_offset: int
    rows: list[SurveyRowOut]
    disappeared: list[SurveyDisappearedOut] = Field(description="What an earlier edition under the same name had and this file lacks (nothing is retired).")
    new_products: list[str] = Field(description="Products the file adds to the catalogue.")
    new_suppliers: list[str]


class SurveyColumnsIn(Schema):
    mapping: list[str] = Field(description="The field of each column, left to right; an empty string leaves a column out.")


class SurveyDecisionIn(Schema):
    row: int = Field(description="The row number of a joint-service row.")
    organisations: list[int] = Field(description="The pks of the row's candidates it is for: one, several or all.")


def _survey_summary(survey: SurveyImport, counts: dict | None) -> dict:
    return {
        "id": survey.pk, "network": {"slug": survey.network.slug, "name": survey.network.name}, "label": survey.label,
        "trusted": survey.trusted, "filename": survey.filename, "status": survey.status, "created_at": survey.created_at,
        "expires_at": survey.expires_at, "committed_at": survey.committed_at,
        "job": survey.job, "job_done": survey.job_done, "job_total": survey.job_total, "job_error": survey.job_error,
        "counts": counts,
        "can_commit": bool(
            counts and not (counts.get("error") or counts.get("decision"))
            and survey.status == SurveyImport.Status.PREVIEWED and not survey.job
        ),
        "url": reverse("api:survey_import", args=[survey.network.slug, survey.pk]),
    }


def _survey_out(survey: SurveyImport, report: surveys.Report | None, rows: SurveyRowsQuery) -> dict:
    chosen = [row for row in (report.rows if report else []) if rows.row_status in (None, row.status)]
    page = chosen[rows.rows_offset:rows.rows_offset + rows.rows_limit]
    return {
        **_survey_summary(survey, report.counts if report else None),
        "header_row": report.header_row if report else None,
        "columns": [{"header": h, "field": f} for h, f in zip(report.header, report.mapping)] if report else [],
        "decisions": survey.decisions, "organisations": report.organisations if report else [],
        "rows_total": len(chosen), "rows_offset": rows.rows_offset, "rows": [row.__dict__ for row in page],
        "disappeared": report.disappeared if report else [], "new_products": report.new_products if report else [],
        "new_suppliers": report.new_suppliers if report else [],
    }


def _survey(request, slug: str, import_id: int) -> SurveyImport:
    survey = surveys.survey_for(import_id, viewer=request.viewer)
    if survey.network.slug != slug:  # the address names another network: as if it did not exist
        raise NotFound("No such survey import.")
    return survey


SURVEY_ROWS = (
    "The rows come a page at a time (`rows_offset`, `rows_limit`), of one status if `row_status` is given; `counts` "
    "and `organisations` cover them all."
)


@router.get(
    "/networks/{slug}/imports", response=list[SurveyImportSummaryOut], auth=django_auth, url_name="survey_imports",
    summary="A network's survey imports, newest first (its coordinators)",
)
def list_surveys(request, slug: str):
    network = get_object_or_404(Network, slug=slug)
    return [_survey_summary(survey, survey.counts) for survey in queries.surveys_of(network, viewer=request.viewer)]


@router.post(
    "/networks/{slug}/imports", response={201: SurveyImportOut, 202: SurveyImportOut}, auth=django_auth,
    url_name="survey_import_create",
    summary="Upload a survey of the network's members' systems and preview it (multipart/form-data, field `file`; its coordinators)",
    description=(
        f"A CSV or XLSX file, up to {settings.NETWORK_IMPORT_MAX_BYTES // (1024 * 1024)} MB and "
        f"{settings.NETWORK_IMPORT_MAX_ROWS:,} rows, with the form fields `label` (the source's name, kept in every "
        "record's provenance) and `trusted` (true: onto the maps at once, unconfirmed; false: to the review queues). "
        "201 with the preview, which writes nothing; 202 when the file is large and the worker previews it: GET the "
        "import to follow `job_done` of `job_total`. 400 for a file that cannot be read. " + SURVEY_ROWS
    ),
)
def create_survey(
    request, slug: str, rows: Query[SurveyRowsQuery], file: UploadedFile | None = File(None),
    label: str = Form("", description="The source's name, e.g. `London survey 2026`."),
    trusted: bool = Form(False, description="Put its rows on the members' maps at once, unconfirmed."),
):
    # The file is optional in the schema so that who may import is decided before the upload
    # is read; the service refuses a missing (empty) file with 400.
    network = get_object_or_404(Network, slug=slug)
    surveys.require_import(request.viewer, network)
    check_text(label, field="label")  # a form field, which the JSON body's check does not see
    content = file.read(settings.NETWORK_IMPORT_MAX_BYTES + 1) if file else b""
    survey = surveys.start_survey(
        network, filename=file.name if file else "", content=content, label=label, trusted=trusted, actor=request.user,
    )
    return Status(202 if survey.job else 201, _survey_out(survey, surveys.shown(survey), rows))


@router.get(
    "/networks/{slug}/imports/{import_id}", response=SurveyImportOut, auth=django_auth, url_name="survey_import",
    summary="A survey import: its last preview (or the import's report), and how far the worker has got",
    description=SURVEY_ROWS,
)
def get_survey(request, slug: str, import_id: int, rows: Query[SurveyRowsQuery]):
    survey = _survey(request, slug, import_id)
    return _survey_out(survey, surveys.shown(survey), rows)


@router.put(
    "/networks/{slug}/imports/{import_id}/columns", response={200: SurveyImportOut, 202: SurveyImportOut}, auth=django_auth,
    url_name="survey_import_columns", summary="Choose which field each column of a survey holds, and preview again",
    description="200 with the new preview; 202 when the worker previews a large file.",
)
def set_survey_columns(request, slug: str, import_id: int, payload: SurveyColumnsIn, rows: Query[SurveyRowsQuery]):
    survey = _survey(request, slug, import_id)
    report = surveys.set_columns(survey, mapping=payload.mapping, actor=request.user)
    return Status(200 if report is not None else 202, _survey_out(survey, report, rows))


@router.post(
    "/networks/{slug}/imports/{import_id}/decisions", response={200: SurveyImportOut, 202: SurveyImportOut}, auth=django_auth,
    url_name="survey_import_decide", summary="Say which organisations a joint-service row of a survey is for, and preview again",
    description=(
        "`organisations` names some or all of the row's `candidates` by pk. 200 with the new preview; 202 when the worker "
        "previews a large file. 400 for a row that names no joint service, or an organisation it does not name."
    ),
)
def decide_survey_row(request, slug: str, import_id: int, payload: SurveyDecisionIn, rows: Query[SurveyRowsQuery]):
    survey = _survey(request, slug, import_id)
    report = surveys.decide(survey, row=payload.row, organisations=payload.organisations, actor=request.user)
    return Status(200 if report is not None else 202, _survey_out(survey, report, rows))


@router.post(
    "/networks/{slug}/imports/{import_id}/commit", response={200: SurveyImportOut, 202: SurveyImportOut}, auth=django_auth,
    url_name="survey_import_commit", summary="Import every row of a survey, all or nothing",
    description=(
        "Refused (400, code `row_errors`) while any row has an error or names a joint service not yet decided: nothing is "
        "written. 200 with the import's report; 202 when the worker imports a large file: GET the import until `job` is "
        "empty, then see `status` and `job_error`."
    ),
)
def commit_survey(request, slug: str, import_id: int, rows: Query[SurveyRowsQuery]):
    survey = _survey(request, slug, import_id)
    report = surveys.request_commit(survey, actor=request.user)
    survey.refresh_from_db(fields=["status", "committed_at", "job", "job_done", "job_total", "job_error"])
    return Status(200 if report is not None else 202, _survey_out(survey, report if report is not None else surveys.shown(survey), rows))

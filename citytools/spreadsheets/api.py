"""The spreadsheet API: exports as CSV, XLSX or JSON, the import template, and imports (upload,
columns, preview, commit). Exports read through citytools.spreadsheets.queries with the
request's Viewer; imports go through citytools.spreadsheets.services, as the pages do.

An upload is sent as JSON with the file's bytes in base64, so the same body works from any
client; DomainErrors become problem+json (citytools.core.api).
"""

import base64
import binascii
import datetime
from typing import Literal

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status

from citytools.contracts.queries import ContractFilters
from citytools.core.api_input import django_auth
from citytools.core.dates import DateIn
from citytools.core.errors import DomainError, Forbidden
from citytools.directory.models import Network, Organisation
from citytools.inventory.models import Product, ServiceArea
from citytools.spreadsheets import queries, services
from citytools.spreadsheets.models import Upload
from citytools.spreadsheets.views import download

router = Router(tags=["spreadsheet import and export"])

Format = Literal["csv", "xlsx", "json"]
KindName = Literal["systems", "contracts"]


class ExportQuery(Schema):
    kind: KindName = "systems"
    format: Format = "csv"


class ContractExportQuery(Schema):
    format: Format = "csv"
    network: str | None = None
    organisation: str | None = None
    supplier: str | None = None
    service_area: str | None = None
    ending_within: int | None = Field(None, ge=0, le=36500)
    end_from: DateIn | None = None
    end_to: DateIn | None = None


class SystemExportQuery(Schema):
    format: Format = "csv"
    product: str | None = None
    service_area: str | None = Field(None, description="An area's slug, or a group's for each of its areas.")
    network: str | None = None


class TemplateQuery(Schema):
    kind: KindName = "systems"
    format: Literal["csv", "xlsx"] = "csv"


EXPORT_RESPONSES = {200: None}
EXPORT_DESCRIPTION = (
    "Answers a file: CSV, XLSX or JSON with the import template's columns. Only records you may see; "
    "values and notes you may not see are left out (or blank where you may see some)."
)


@router.get("/exports/contracts", url_name="contracts_export", summary="Export the filtered contract list",
            description=EXPORT_DESCRIPTION, response=EXPORT_RESPONSES)
def export_contracts(request, query: Query[ContractExportQuery]):
    filters = ContractFilters(**query.dict(exclude={"format"}))
    export = queries.filtered_contracts_export(request.viewer, filters)
    return download(export.render(query.format), query.format, export.filename)


@router.get("/exports/systems", url_name="systems_export", summary="Export the systems of a product, a service area or a network",
            description=EXPORT_DESCRIPTION, response=EXPORT_RESPONSES)
def export_systems(request, query: Query[SystemExportQuery]):
    chosen = {
        name: get_object_or_404(model, slug=getattr(query, name))
        for name, model in (("product", Product), ("service_area", ServiceArea), ("network", Network))
        if getattr(query, name)
    }
    export = queries.filtered_systems_export(
        request.viewer, product=chosen.get("product"), area=chosen.get("service_area"), network=chosen.get("network")
    )
    return download(export.render(query.format), query.format, export.filename)


@router.get("/organisations/{slug}/export", url_name="organisation_export", summary="Export an organisation's systems or contracts",
            description=EXPORT_DESCRIPTION, response=EXPORT_RESPONSES)
def export_organisation(request, slug: str, query: Query[ExportQuery]):
    organisation = get_object_or_404(Organisation, slug=slug)
    export = queries.organisation_export(request.viewer, organisation, query.kind)
    return download(export.render(query.format), query.format, export.filename)


@router.get("/networks/{slug}/export", url_name="network_export", summary="Export a whole network's systems or contracts",
            description=EXPORT_DESCRIPTION, response=EXPORT_RESPONSES)
def export_network(request, slug: str, query: Query[ExportQuery]):
    network = get_object_or_404(Network, slug=slug)
    export = queries.network_export(request.viewer, network, query.kind)
    return download(export.render(query.format), query.format, export.filename)


@router.get("/imports/template", url_name="import_template", summary="The empty import template",
            description="A CSV or XLSX file with the header row; the XLSX has a second sheet explaining each column.",
            response=EXPORT_RESPONSES)
def import_template(request, query: Query[TemplateQuery]):
    return download(queries.template(query.kind, query.format), query.format, f"citytools-{query.kind}-template")


# Imports ------------------------------------------------------------------------------------


class ImportStartIn(Schema):
    kind: KindName
    filename: str = Field(description="The file's name, ending .csv or .xlsx.", max_length=255)
    content_base64: str = Field(description="The file's bytes, base64-encoded.")


class ImportMappingIn(Schema):
    mapping: list[str] = Field(description="The field of each column, left to right; an empty string leaves a column out.")


class ImportChangeOut(Schema):
    field: str
    label: str
    old: str
    new: str


class ImportRowOut(Schema):
    row: int = Field(description="The row number in the spreadsheet.")
    action: Literal["new", "changed", "unchanged", "duplicate", "error"]
    record_id: int | None
    title: str
    changes: list[ImportChangeOut]
    errors: list[str]
    note: str


class ImportColumnOut(Schema):
    header: str
    field: str


class ImportPreviewOut(Schema):
    id: int
    organisation: str
    kind: KindName
    filename: str
    status: Literal["previewed", "committed"]
    expires_at: datetime.datetime
    header_row: int | None
    columns: list[ImportColumnOut]
    counts: dict[str, int]
    can_commit: bool
    rows: list[ImportRowOut]
    job: Literal["", "preview", "commit"] = Field(description="What the worker is doing with a large file: previewing or importing it; empty when nothing.")
    job_done: int = Field(description="Rows checked so far in a preview.")
    job_total: int
    job_error: str = Field(description="Why the worker's last job stopped, if it did.")


class ImportResultOut(Schema):
    id: int
    created: int
    changed: int
    unchanged: int
    skipped: int


def _preview_out(upload: Upload, preview: services.Preview | None) -> dict:
    return {
        "id": upload.pk, "organisation": upload.organisation.slug, "kind": upload.kind, "filename": upload.filename,
        "status": upload.status, "expires_at": upload.expires_at,
        "header_row": preview.header_row if preview else None,
        "columns": [{"header": h, "field": f} for h, f in zip(preview.header, preview.mapping)] if preview else [],
        "counts": preview.counts if preview else upload.summary,
        "can_commit": bool(preview and not preview.has_errors and upload.status == Upload.Status.PREVIEWED and not upload.job),
        "job": upload.job, "job_done": upload.job_done, "job_total": upload.job_total, "job_error": upload.job_error,
        "rows": [
            {"row": r.number, "action": r.action, "record_id": r.record_id, "title": r.title,
             "changes": [c.__dict__ for c in r.changes], "errors": r.errors, "note": r.note}
            for r in (preview.rows if preview else [])
        ],
    }


@router.post("/organisations/{slug}/imports", response={201: ImportPreviewOut, 202: ImportPreviewOut}, auth=django_auth,
             url_name="import_create", summary="Upload a spreadsheet for import and preview it (the organisation's editors)",
             description="201 with the preview; 202 when the file is large and the worker previews it: GET the import to follow `job_done` of `job_total`.")
def create_import(request, slug: str, payload: ImportStartIn):
    organisation = get_object_or_404(Organisation, slug=slug)
    if not request.viewer.can_edit(organisation.pk):
        raise Forbidden("Only the organisation's own editors can import its records.")
    try:
        content = base64.b64decode(payload.content_base64, validate=True)
    except (binascii.Error, ValueError):
        raise DomainError("content_base64 is not valid base64.", code="invalid", field="content_base64") from None
    upload = services.start_import(organisation=organisation, kind=payload.kind, filename=payload.filename, content=content,
                                   actor=request.user)
    return Status(201 if upload.preview is not None else 202, _preview_out(upload, upload.preview))


@router.get("/imports/{import_id}", response=ImportPreviewOut, auth=django_auth, url_name="import",
            summary="An upload's last preview (PUT its mapping to preview it again)")
def get_import(request, import_id: int):
    upload = services.upload_for(import_id, viewer=request.viewer)
    preview = services.shown_preview(upload) if not upload.job else None
    if preview is None and upload.status == Upload.Status.PREVIEWED and not upload.job and not upload.job_error:
        preview = services.preview_import(upload, actor=request.user)
    return _preview_out(upload, preview)


@router.put("/imports/{import_id}/mapping", response={200: ImportPreviewOut, 202: ImportPreviewOut}, auth=django_auth,
            url_name="import_mapping", summary="Choose which field each column holds, and preview again",
            description="200 with the new preview; 202 when the worker previews a large file.")
def set_import_mapping(request, import_id: int, payload: ImportMappingIn):
    upload = services.upload_for(import_id, viewer=request.viewer)
    preview = services.set_mapping(upload, mapping=payload.mapping, actor=request.user)
    return Status(200 if preview is not None else 202, _preview_out(upload, preview))


@router.post("/imports/{import_id}/commit", response={200: ImportResultOut, 202: ImportPreviewOut}, auth=django_auth,
             url_name="import_commit", summary="Import every row, all or nothing",
             description=(
                 "Refused (400) while any row has an error, and (409) when a record changed since the preview. 202 when "
                 "the worker imports a large file: GET the import until `job` is empty, then see `status` and `job_error`."
             ))
def commit_import(request, import_id: int):
    upload = services.upload_for(import_id, viewer=request.viewer)
    result = services.request_commit(upload, actor=request.user)
    if result is None:
        return Status(202, _preview_out(upload, None))
    return {"id": upload.pk, **result.__dict__}

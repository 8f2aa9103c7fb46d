"""Pages for spreadsheet import (upload, columns and preview, commit), the template and its
instructions, and the exports. Thin doors over citytools.spreadsheets.services and .queries."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from citytools.contracts import queries as contract_queries
from citytools.contracts.views import ContractFilterForm
from citytools.core.doors import domain_errors, forbid_unless, refusals
from citytools.directory.models import Network, Organisation
from citytools.inventory.models import Product, ServiceArea
from citytools.spreadsheets import queries, rules, services, sheets
from citytools.spreadsheets.forms import MappingForm, UploadForm, column_letter
from citytools.spreadsheets.models import Kind, Upload


def download(content: bytes, fmt: str, filename: str) -> HttpResponse:
    """A file to save, for the pages and the API alike (nosniff comes from the security
    middleware, for every response)."""
    response = HttpResponse(content, content_type=sheets.CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response


def _choice(request, name: str, allowed, default: str) -> str | None:
    value = request.GET.get(name) or default
    return value if value in allowed else None


# Exports -----------------------------------------------------------------------------------


def _export(request, build) -> HttpResponse:
    fmt = _choice(request, "format", sheets.FORMATS, "csv")
    kind = _choice(request, "kind", Kind.values, Kind.SYSTEMS)
    if fmt is None or kind is None:
        return HttpResponseBadRequest("Choose format csv, xlsx or json, and kind systems or contracts.")
    export = build(kind)
    return download(export.render(fmt), fmt, export.filename)


@require_safe
def contracts_export(request):
    """The contract list's filtered view (every page of it) as a file."""
    viewer = request.viewer
    form = ContractFilterForm(request.GET or None, options=contract_queries.filter_options(viewer=viewer))
    if form.is_bound and not form.is_valid():
        return HttpResponseBadRequest("The filters were not understood: go back to the contract list.")
    filters = form.filters() if form.is_bound else contract_queries.ContractFilters()
    fmt = _choice(request, "format", sheets.FORMATS, "csv")
    if fmt is None:
        return HttpResponseBadRequest("Choose format csv, xlsx or json.")
    export = queries.filtered_contracts_export(viewer, filters)
    return download(export.render(fmt), fmt, export.filename)


@require_safe
def systems_export(request):
    """The systems behind a product's, a service area's or the matrix's page, as a file."""
    fmt = _choice(request, "format", sheets.FORMATS, "csv")
    chosen = {}
    for name, model in (("product", Product), ("service_area", ServiceArea), ("network", Network)):
        slug = request.GET.get(name)
        if slug:
            chosen[name] = model.objects.filter(slug=slug).first()
            if chosen[name] is None:
                return HttpResponseBadRequest(f"No {name.replace('_', ' ')} is called {slug!r}.")
    if fmt is None:
        return HttpResponseBadRequest("Choose format csv, xlsx or json.")
    export = queries.filtered_systems_export(
        request.viewer, product=chosen.get("product"), area=chosen.get("service_area"), network=chosen.get("network")
    )
    return download(export.render(fmt), fmt, export.filename)


@require_safe
def organisation_export(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug)
    return _export(request, lambda kind: queries.organisation_export(request.viewer, organisation, kind))


@require_safe
def network_export(request, slug):
    network = get_object_or_404(Network, slug=slug)
    return _export(request, lambda kind: queries.network_export(request.viewer, network, kind))


# The template and its instructions --------------------------------------------------------


@require_safe
def template(request):
    fmt = _choice(request, "format", ("csv", "xlsx"), "csv")
    kind = _choice(request, "kind", Kind.values, Kind.SYSTEMS)
    if fmt is None or kind is None:
        return HttpResponseBadRequest("Choose format csv or xlsx, and kind systems or contracts.")
    return download(queries.template(kind, fmt), fmt, f"citytools-{kind}-template")


@require_safe
def instructions(request):
    kinds = [(label, value, rules.columns(value)) for value, label in Kind.choices]
    return render(request, "spreadsheets/instructions.html", {
        "kinds": kinds, "max_bytes": settings.IMPORT_MAX_BYTES, "max_rows": settings.IMPORT_MAX_ROWS,
        "max_unzipped": settings.IMPORT_MAX_UNZIPPED_BYTES, "hours": settings.IMPORT_HOURS,
    })


# Import ------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def import_start(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug)
    forbid_unless(request.viewer.can_edit(organisation.pk))
    form = UploadForm(request.POST or None, request.FILES or None, initial={"kind": request.GET.get("kind") or Kind.SYSTEMS})
    if request.method == "POST" and form.is_valid():
        filename, content = form.upload()
        with domain_errors() as refusal:
            upload = services.start_import(
                organisation=organisation, kind=form.cleaned_data["kind"], filename=filename, content=content, actor=request.user
            )
            return HttpResponseRedirect(reverse("spreadsheets:upload", args=[upload.pk]), status=303)
        form.add_error("file", refusal.message)  # whatever is wrong, it is wrong with the file
    recent = Upload.objects.filter(organisation=organisation).order_by("-created_at", "-pk")[:5]
    status = 400 if form.is_bound else 200
    return render(request, "spreadsheets/import_start.html", {"form": form, "organisation": organisation, "recent": recent}, status=status)


def _upload(request, pk) -> Upload:
    with refusals():
        return services.upload_for(pk, viewer=request.viewer)


def _preview_page(request, upload: Upload, *, error: str = "", status: int = 200, form: MappingForm | None = None):
    """The upload's last preview as it was shown (services.shown_preview); only an upload
    that has none yet is previewed now. While the worker previews or imports it, how far it
    has got; and why it stopped, if it did."""
    error = error or upload.job_error
    preview = services.shown_preview(upload) if not upload.job else None
    if preview is None and upload.status == Upload.Status.PREVIEWED and not error and not upload.job:
        with domain_errors() as refusal:
            preview = services.preview_import(upload, actor=request.user)
        error = refusal.message or error
    if preview is not None and form is None:
        form = MappingForm(kind=upload.kind, header=preview.header, mapping=preview.mapping)
    columns = []
    if preview is not None:
        columns = [(column_letter(i), text, services._label(upload.kind, name)) for i, (text, name) in enumerate(zip(preview.header, preview.mapping))]
    return render(request, "spreadsheets/upload.html", {
        "upload": upload, "organisation": upload.organisation, "preview": preview, "form": form, "error": error,
        "columns": columns,
    }, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def upload(request, pk):
    upload = _upload(request, pk)
    if request.method == "GET" and request.GET.get("progress") and request.htmx:
        if upload.job:
            return render(request, "spreadsheets/_job.html", {"upload": upload})
        return HttpResponse(headers={"HX-Refresh": "true"})  # done: the whole page changes
    if request.method == "GET":
        return _preview_page(request, upload)
    with domain_errors() as refusal:
        table = services._table(upload)
        _, header = rules.find_header(upload.kind, table)
    if refusal:
        return _preview_page(request, upload, error=refusal.message, status=400)
    form = MappingForm(request.POST, kind=upload.kind, header=header, mapping=upload.mapping)
    if form.is_valid():
        with domain_errors() as refusal:
            preview = services.set_mapping(upload, mapping=form.mapping(), actor=request.user)
        if refusal:
            return _preview_page(request, upload, error=refusal.message, status=400, form=form)
        messages.success(
            request,
            "Your column choices were saved, and the preview below uses them." if preview is not None
            else "Your column choices were saved. The file is being checked again: this page shows how far it has got.",
        )
        return HttpResponseRedirect(reverse("spreadsheets:upload", args=[upload.pk]), status=303)
    return _preview_page(request, upload, error="Choose a field for each column, or leave it out.", status=400, form=form)


@login_required
@require_POST
def commit(request, pk):
    upload = _upload(request, pk)
    with domain_errors(conflicts=True) as refusal:
        result = services.request_commit(upload, actor=request.user)
    if refusal.conflict:
        # Show what importing would do now, not the preview that went stale.
        with domain_errors() as again:
            services.preview_again(upload, actor=request.user)
        if again:
            return _preview_page(request, upload, error=refusal.conflict, status=409)
        upload.refresh_from_db()
        return _preview_page(request, upload, error=services.PREVIEWED_AGAIN, status=409)
    if refusal:
        return _preview_page(request, upload, error=refusal.message, status=400)
    if result is None:
        messages.success(request, f"Importing {upload.filename}: this page shows how far it has got.")
        return HttpResponseRedirect(reverse("spreadsheets:upload", args=[upload.pk]), status=303)
    messages.success(
        request,
        f"Imported {upload.filename}: {result.created} added, {result.changed} changed, {result.unchanged} unchanged"
        + (f", {result.skipped} duplicate rows skipped." if result.skipped else "."),
    )
    return HttpResponseRedirect(upload.organisation.get_absolute_url(), status=303)

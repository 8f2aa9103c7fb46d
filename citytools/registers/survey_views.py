"""Pages of a network's survey import, for its coordinators and platform admins: the upload
(with the template, the columns and the network's recent surveys), and each survey's page:
the preview by organisation and by row, the columns, a decision for each joint-service row,
the import, and its report. Thin doors over citytools.registers.surveys; every form is a
plain POST that works without JavaScript, and a long preview or import shows how far the
worker has got (refreshed by HTMX, or by a link)."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from citytools.core.doors import bounced, domain_errors, finished, forbid_unless, refusals
from citytools.directory.models import Network
from citytools.registers import queries, surveys
from citytools.registers.forms import DecideForm, SurveyForm
from citytools.registers.models import SurveyImport
from citytools.spreadsheets import queries as sheet_queries
from citytools.spreadsheets import rules as sheet_rules
from citytools.spreadsheets.forms import MappingForm, column_letter
from citytools.spreadsheets.views import download

# A survey may have 50,000 rows: the page shows this many of each status, and says how many more.
ROWS_SHOWN = 50
RECENT = 10


@require_safe
def survey_template(request):
    """The survey template: its header row names every column (public, like the spreadsheets' templates)."""
    fmt = request.GET.get("format") or "csv"
    if fmt not in ("csv", "xlsx"):
        return HttpResponseBadRequest("Choose format csv or xlsx.")
    return download(sheet_queries.template(surveys.KIND, fmt), fmt, "citytools-survey-template")


def _recent(network: Network, viewer) -> list[tuple[SurveyImport, list]]:
    """The network's latest surveys with their counts in the order of surveys.STATUSES; only the
    counts are read, since a survey's file and its rows' report may be large."""
    recent = queries.surveys_of(network, viewer=viewer)
    return [(item, [(item.counts or {}).get(status, "—") if item.counts else "—" for status in surveys.STATUSES]) for item in recent[:RECENT]]


def _upload_page(request, network: Network, *, form=None, status: int = 200):
    return render(request, "registers/surveys.html", {
        "network": network, "form": form or SurveyForm(), "columns": sheet_rules.columns(surveys.KIND),
        "recent": _recent(network, request.viewer),
        "max_bytes": settings.NETWORK_IMPORT_MAX_BYTES, "max_rows": settings.NETWORK_IMPORT_MAX_ROWS,
        "hours": settings.IMPORT_HOURS, "background_rows": settings.IMPORT_BACKGROUND_ROWS,
    }, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def survey_upload(request, slug):
    network = get_object_or_404(Network, slug=slug)
    forbid_unless(surveys.may_import(request.viewer, network))
    if request.method == "GET":
        return _upload_page(request, network)
    form = SurveyForm(request.POST, request.FILES)
    if form.is_valid():
        filename, content = form.upload()
        with domain_errors(form):
            survey = surveys.start_survey(
                network, filename=filename, content=content, label=form.cleaned_data["label"],
                trusted=form.cleaned_data["trusted"], actor=request.user,
            )
            message = (f"{survey.filename} is being checked: this page shows how far it has got." if survey.job
                       else f"{survey.filename} was checked. Nothing is imported until you choose to.")
            return finished(request, _url(survey), message)
    return _upload_page(request, network, form=form, status=400)


def _url(survey: SurveyImport) -> str:
    return reverse("registers:survey", args=[survey.network.slug, survey.pk])


def _survey(request, slug, pk) -> SurveyImport:
    with refusals():
        survey = surveys.survey_for(pk, viewer=request.viewer)
    if survey.network.slug != slug:
        raise Http404("No such survey import.")
    return survey


def _sections(report: surveys.Report) -> list[dict]:
    """The rows by status, blocking ones first, each cut to ROWS_SHOWN."""
    order = ("error", "decision", "suggested", "applied", "unchanged")
    sections = []
    for status in order:
        rows = [row for row in report.rows if row.status == status]
        if rows:
            sections.append({"status": status, "rows": rows[:ROWS_SHOWN], "count": len(rows), "hidden": max(len(rows) - ROWS_SHOWN, 0)})
    return sections


def _survey_page(request, survey: SurveyImport, *, form: MappingForm | None = None, error: str = "", status: int = 200):
    report = surveys.shown(survey) if not survey.job else None
    decisions = []
    columns = []
    if report is not None:
        if form is None:
            form = MappingForm(kind=surveys.KIND, header=report.header, mapping=report.mapping, auto_id="column-%s")
        columns = [(column_letter(i), text, name) for i, (text, name) in enumerate(zip(report.header, report.mapping))]
        decisions = [
            (row, DecideForm(initial={"row": row.row}, candidates=row.candidates, auto_id=f"row-{row.row}-%s"))
            for row in report.rows if row.status == "decision"
        ][:ROWS_SHOWN]
    return render(request, "registers/survey.html", {
        "survey": survey, "network": survey.network, "report": report, "form": form, "decisions": decisions,
        "sections": _sections(report) if report else [], "columns": columns, "error": error or survey.job_error,
        "committed": survey.status == SurveyImport.Status.COMMITTED, "rows_shown": ROWS_SHOWN,
    }, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def survey(request, slug, pk):
    """The survey's preview (or its import's report); a POST chooses the columns again."""
    survey = _survey(request, slug, pk)
    if request.method == "GET" and request.GET.get("progress") and request.htmx:
        if survey.job:
            return render(request, "spreadsheets/_job.html", {"upload": survey})
        return HttpResponse(headers={"HX-Refresh": "true"})  # done: the whole page changes
    if request.method == "GET":
        return _survey_page(request, survey)
    report = surveys.shown(survey)
    if report is None:
        return bounced(request, _url(survey), "Wait until the file has been checked before you change its columns.")
    form = MappingForm(request.POST, kind=surveys.KIND, header=report.header, mapping=report.mapping, auto_id="column-%s")
    if not form.is_valid():
        return _survey_page(request, survey, form=form, error="Choose a field for each column, or leave it out.", status=400)
    with domain_errors() as refusal:
        again = surveys.set_columns(survey, mapping=form.mapping(), actor=request.user)
        return finished(request, _url(survey), "Your column choices were saved, and the preview below uses them." if again is not None
                        else "Your column choices were saved. The file is being checked again: this page shows how far it has got.")
    return bounced(request, _url(survey), refusal.message)


@login_required
@require_POST
def survey_decide(request, slug, pk):
    """Which organisations a joint-service row is for; the preview runs again."""
    survey = _survey(request, slug, pk)
    report = surveys.shown(survey)
    row = request.POST.get("row", "")
    candidates = next((r.candidates for r in (report.rows if report else []) if str(r.row) == row), [])
    form = DecideForm(request.POST, candidates=candidates)
    if not form.is_valid():
        problem = form.errors.get("organisations") or ["Choose among the organisations the row names."]
        return bounced(request, _url(survey) + (f"#decide-{row}" if row.isdigit() else ""), f"Row {row}: {problem[0]}")
    number = form.cleaned_data["row"]
    with domain_errors() as refusal:
        again = surveys.decide(survey, row=number, organisations=form.cleaned_data["organisations"], actor=request.user)
        chosen = " and ".join(name for pk, name in form.fields["organisations"].choices if pk in form.cleaned_data["organisations"])
        return finished(request, _url(survey) + "#rows", f"Row {number} is for {chosen}." + (
            "" if again is not None else " The file is being checked again: this page shows how far it has got."))
    return bounced(request, _url(survey), f"Row {number}: {refusal.message}")


@login_required
@require_POST
def survey_commit(request, slug, pk):
    """Import the survey: all of it or nothing; refused while any row blocks."""
    survey = _survey(request, slug, pk)
    with domain_errors() as refusal:
        report = surveys.request_commit(survey, actor=request.user)
        if report is None:
            return finished(request, _url(survey), f"Importing {survey.filename}: this page shows how far it has got.")
        return finished(request, _url(survey), f"Imported {survey.filename}: the report below says what went where.")
    return bounced(request, _url(survey), refusal.message)

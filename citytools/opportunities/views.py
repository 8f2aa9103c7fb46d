"""Pages: the opportunity finder, and joint procurement initiatives started from it.

Thin doors over citytools.opportunities.queries (reads) and .services (writes), with the
request's Viewer. Every form is a plain POST that works without JavaScript; a DomainError
shows against the field it names, a refusal is 403 or 404.
"""


from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from citytools.contracts.models import Contract
from citytools.core.charts import bar_chart, score
from citytools.core.dates import DateOutOfRange, parse_iso_date
from citytools.core.doors import domain_errors, finished, refusals
from citytools.core.errors import Conflict
from citytools.core.prose import possessive
from citytools.directory.models import Network, Organisation, Supplier
from citytools.inventory.models import Product, ServiceArea
from citytools.opportunities import queries, rules, services
from citytools.opportunities.forms import (
    AnswerForm,
    FinderFilters,
    InviteForm,
    NoteForm,
    OutcomeForm,
    PlanForm,
)
from citytools.opportunities.models import Answer

# Opportunities a page: each holds hundreds of contracts at scale.
PAGE_SIZE = 10
# The contracts listed under each opportunity, soonest ending first; the rest are counted.
MEMBERS_SHOWN = 20


def _one(model, slug):
    return model.objects.filter(slug=slug).first() if slug else None


@require_safe
def finder(request):
    filters = FinderFilters(request.GET or None)
    chosen = {}
    months = 12
    if filters.is_valid():
        data = filters.cleaned_data
        months = data["months"] or 12
        chosen = {
            "network": _one(Network, data["network"]), "area": _one(ServiceArea, data["area"]),
            "product": _one(Product, data["product"]), "supplier": _one(Supplier, data["supplier"]),
        }
    ranked = queries.rank_opportunities(request.viewer, window_months=months, **chosen).showing(MEMBERS_SHOWN)
    page = Paginator(ranked, PAGE_SIZE).get_page(request.GET.get("page"))
    found = list(page.object_list)
    # Written out here once rather than by template filters and {% url %} for each of a few
    # hundred rows: Django's date formatting and URL reversing dominated the page's time.
    contract_url = reverse("contracts:contract", args=[0]).removesuffix("0/")
    for rank, item in enumerate(found, start=page.start_index()):
        item.rank = rank
        item.may_start = request.user.is_authenticated and services.may_start(request.viewer, {o.pk for o in item.organisations})
        item.contracts_field = ",".join(map(str, item.contract_ids))
        for c in item.members:
            c.url = f"{contract_url}{c.pk}/"
            c.ends = f"{c.end_date.day} {c.end_date:%b %Y}"
            c.options = f"{c.extension_end_date.day} {c.extension_end_date:%b %Y}" if c.extension_end_date else "None"
    chart = bar_chart(
        "opportunity-scores", title="The opportunities on this page by score" if page.paginator.num_pages > 1 else "The opportunities by score",
        rows=[{"opportunity": f"{f.rank}. {f.area_names}, {f.opportunity.start:%b %Y}", "score": round(f.opportunity.score, 1)}
              for f in found],
        label="opportunity", value="score", label_title="Opportunity", value_title="Score (out of 125)",
        measure=score(0, 125),
    ) if found else None
    return render(
        request, "opportunities/finder.html",
        {"filters": filters, "found": found, "page": page, "months": months, "chart": chart},
    )


# Initiatives ---------------------------------------------------------------------------------


@login_required
@require_POST
def initiative_start(request):
    area = _one(ServiceArea, request.POST.get("area"))
    if area is None:
        raise PermissionDenied("Start an initiative from an opportunity.")
    try:
        window_start = parse_iso_date(request.POST.get("window_start", ""))
        window_end = parse_iso_date(request.POST.get("window_end", ""))
        # One field of comma-separated numbers from the finder (an opportunity can hold
        # hundreds), or the field repeated.
        contracts = [int(c) for value in request.POST.getlist("contracts") for c in value.split(",") if c.strip()]
    except (ValueError, DateOutOfRange):
        return render(request, "opportunities/start_error.html",
                      {"error": "The opportunity's dates or contracts were not understood: start again from the list."}, status=400)
    with domain_errors() as refusal:
        initiative = services.start_initiative(
            actor=request.user, viewer=request.viewer, area=area, contracts=contracts,
            window_start=window_start, window_end=window_end,
            product=_one(Product, request.POST.get("product")), supplier=_one(Supplier, request.POST.get("supplier")),
        )
        return finished(request, initiative.get_absolute_url(), "The initiative is open: the organisations are invited.")
    return render(request, "opportunities/start_error.html", {"error": refusal.message}, status=400)


@login_required
@require_safe
def initiatives(request):
    return render(
        request, "opportunities/initiatives.html",
        {"initiatives": list(services.visible_initiatives(request.viewer).prefetch_related("invitations__organisation"))},
    )


def _initiative(request, pk):
    with refusals():
        return services.readable_initiative(request.viewer, pk)


def _context(request, initiative, **forms) -> dict:
    viewer = request.viewer
    may_run = rules.can_run(viewer.grants, lead=initiative.lead_id, networks=viewer.networks_of(initiative.lead_id))
    invitations = list(initiative.invitations.select_related("organisation", "answered_by"))
    for invitation in invitations:
        invitation.may_answer = rules.can_answer(viewer.grants, organisation=invitation.organisation_id)

    contracts = viewer.redact_contracts(list(
        Contract.objects.visible_to(viewer).filter(initiatives=initiative).select_related("organisation", "supplier").order_by("end_date")
    ))
    others = services.invitable_organisations(initiative, viewer)
    context = {
        "initiative": initiative, "invitations": invitations, "contracts": contracts,
        "notes": list(initiative.notes.select_related("author")), "may_run": may_run,
        "answer_form": AnswerForm(), "note_form": NoteForm(),
        "invite_form": InviteForm(organisations=others) if may_run and others.exists() else None,
        "plan_form": PlanForm(initial={"decision_date": initiative.decision_date, "target_date": initiative.target_date, "version": initiative.version}) if may_run else None,
        "outcome_form": OutcomeForm(initial={"status": initiative.status, "outcome": initiative.outcome, "savings": initiative.savings, "savings_currency": initiative.savings_currency, "evidence": initiative.evidence, "version": initiative.version}) if may_run else None,
        "interested": sum(1 for i in invitations if i.answer == Answer.INTERESTED),
        "challenge_url": reverse("partnering:challenge", args=[initiative.challenge.slug]) if initiative.challenge_id else None,
    }
    context.update(forms)
    return context


@login_required
@require_safe
def initiative(request, pk):
    item = _initiative(request, pk)
    return render(request, "opportunities/initiative.html", _context(request, item))


def _act(request, item, form, call, message, form_name):
    if not form.is_valid():
        return render(request, "opportunities/initiative.html", _context(request, item, **{form_name: form}), status=400)
    with domain_errors(form) as refusal:
        call(form.cleaned_data)
        return finished(request, item.get_absolute_url(), message)
    status = 409 if isinstance(refusal.error, Conflict) else 400
    return render(request, "opportunities/initiative.html", _context(request, item, **{form_name: form}), status=status)


@login_required
@require_POST
def initiative_answer(request, pk, slug):
    item = _initiative(request, pk)
    organisation = get_object_or_404(Organisation, slug=slug)
    if not rules.can_answer(request.viewer.grants, organisation=organisation.pk):
        raise PermissionDenied("Only an organisation's own staff answer for it.")
    return _act(
        request, item, AnswerForm(request.POST),
        lambda d: services.answer(item, actor=request.user, viewer=request.viewer, organisation=organisation, answer=d["answer"], note=d["note"]),
        f"{possessive(organisation)} answer is recorded.", "answer_form",
    )


@login_required
@require_POST
def initiative_note(request, pk):
    item = _initiative(request, pk)
    return _act(
        request, item, NoteForm(request.POST),
        lambda d: services.add_note(item, actor=request.user, viewer=request.viewer, body=d["body"]),
        "Your note is added.", "note_form",
    )


def _require_run(request, item):
    with refusals():
        services.require_run(item, request.viewer)


@login_required
@require_POST
def initiative_invite(request, pk):
    item = _initiative(request, pk)
    _require_run(request, item)
    form = InviteForm(request.POST, organisations=services.invitable_organisations(item, request.viewer))
    organisation = Organisation.objects.filter(slug=request.POST.get("organisation", "")).first()
    return _act(
        request, item, form,
        lambda d: services.invite(item, actor=request.user, viewer=request.viewer, organisation=organisation),
        f"{organisation} is invited.", "invite_form",
    )


@login_required
@require_POST
def initiative_plan(request, pk):
    item = _initiative(request, pk)
    _require_run(request, item)
    return _act(
        request, item, PlanForm(request.POST),
        lambda d: services.update_plan(item, actor=request.user, viewer=request.viewer, version=d["version"],
                                       decision_date=d["decision_date"], target_date=d["target_date"]),
        "The dates are saved.", "plan_form",
    )


@login_required
@require_POST
def initiative_outcome(request, pk):
    item = _initiative(request, pk)
    _require_run(request, item)
    return _act(
        request, item, OutcomeForm(request.POST),
        lambda d: services.record_outcome(item, actor=request.user, viewer=request.viewer, version=d["version"], status=d["status"],
                                          outcome=d["outcome"], savings=d["savings"], savings_currency=d["savings_currency"],
                                          evidence=d["evidence"]),
        "The outcome is recorded.", "outcome_form",
    )


@login_required
@require_POST
def initiative_challenge(request, pk):
    item = _initiative(request, pk)
    with domain_errors() as refusal:
        challenge = services.launch_challenge(item, actor=request.user, viewer=request.viewer)
        return finished(request, reverse("partnering:challenge_edit", args=[challenge.slug]),
                        "A draft joint Invitation to Partner is open. Complete it, then send it for review.")
    return render(request, "opportunities/initiative.html", _context(request, item, launch_error=refusal.message), status=400)

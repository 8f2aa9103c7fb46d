"""Pages of public notices: an organisation's review queue, one suggestion with its accept
and reject forms, the buyer names to recognise, a network's imports, harvests and trusted
sources, one import's progress (an uploaded file, or a harvest of a publisher's API), and
the hints that suggest a service area. Thin doors over citytools.notices.queries (reads)
and .services (writes), with the request's Viewer; every form is a plain POST that works
without JavaScript, and an import's page follows the worker with HTMX where it can.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from citytools.core.doors import domain_errors, finished, form_status, refusals
from citytools.directory.models import Network, Organisation
from citytools.notices import queries, services
from citytools.notices.forms import (
    HarvestForm,
    HintForm,
    LinkBuyerForm,
    RejectForm,
    RemoveHintForm,
    TrustForm,
    UploadForm,
    accept_form,
)
from citytools.notices.models import Import, Suggestion

# The review queue ------------------------------------------------------------------------------


@login_required
@require_safe
def queue(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug)
    with refusals():
        suggestions = queries.queue(request.viewer, organisation)
    pending = [s for s in suggestions if s.status == Suggestion.Status.PENDING]
    decided = [(s, queries.decided_by(request.viewer, s)) for s in suggestions if s.status != Suggestion.Status.PENDING]
    return render(request, "notices/queue.html", {
        "organisation": organisation, "pending": [(s, queries.offer(s), queries.offered_system(s)) for s in pending],
        "decided": [(s, who, queries.title(s)) for s, who in decided],
    })


def _suggestion(request, pk) -> Suggestion:
    with refusals():
        return queries.suggestion_for(request.viewer, pk)


def _suggestion_page(request, suggestion, *, accept=None, reject=None, conflict: str = "", status: int = 200):
    pending = suggestion.status == Suggestion.Status.PENDING
    return render(request, "notices/suggestion.html", {
        "suggestion": suggestion, "notice": suggestion.notice, "organisation": suggestion.organisation,
        "title": queries.title(suggestion), "offer": queries.offer(suggestion), "changes": queries.changes(suggestion),
        "system": queries.offered_system(suggestion),
        "cpv_codes": queries.cpv_codes(suggestion.notice), "decided_by": queries.decided_by(request.viewer, suggestion),
        "provenance": suggestion.provenance or services.provenance(suggestion.notice),
        "accept_form": (accept or accept_form(suggestion)) if pending else None,
        "reject_form": (reject or RejectForm()) if pending else None,
        "conflict": conflict,
    }, status=status)


@login_required
@require_safe
def suggestion(request, pk):
    return _suggestion_page(request, _suggestion(request, pk))


@login_required
@require_POST
def accept(request, pk):
    suggestion = _suggestion(request, pk)
    form = accept_form(suggestion, request.POST)
    conflict = ""
    if form.is_valid():
        with domain_errors(form, conflicts=True) as refusal:
            decided = services.accept(suggestion, actor=request.user, edits=form.edits())
            if decided.kind == Suggestion.Kind.SYSTEM:
                message = f"The suggestion from {decided.origin_label} was accepted: {decided.system.product.name} is on the map, waiting to be confirmed."
                return finished(request, reverse("inventory:system", args=[decided.system.pk]), message)
            message = f"The suggestion from the notice was accepted: {decided.contract.title} is on the map, waiting to be confirmed."
            return finished(request, decided.contract.get_absolute_url(), message)
        conflict = refusal.conflict
        suggestion.refresh_from_db()
    return _suggestion_page(request, suggestion, accept=form, conflict=conflict, status=form_status(form, conflict))


@login_required
@require_POST
def reject(request, pk):
    suggestion = _suggestion(request, pk)
    form = RejectForm(request.POST)
    conflict = ""
    if form.is_valid():
        with domain_errors(form, conflicts=True) as refusal:
            services.reject(suggestion, actor=request.user, reason=form.cleaned_data["reason"])
            url = reverse("notices:queue", args=[suggestion.organisation.slug])
            again = "the notice" if suggestion.notice_id else suggestion.origin_label
            return finished(request, url, f"The suggestion was rejected; importing {again} again will not suggest it again.")
        conflict = refusal.conflict
        suggestion.refresh_from_db()
    return _suggestion_page(request, suggestion, reject=form, conflict=conflict, status=form_status(form, conflict))


# Buyer names -----------------------------------------------------------------------------------


def _buyers_page(request, *, forms: dict | None = None, message: str = "", status: int = 200):
    with refusals():
        buyers = queries.buyers(request.viewer)
    forms = forms or {}
    rows = [(buyer, forms.get(buyer.pk) or _link_form(request, buyer)) for buyer in buyers]
    return render(request, "notices/buyers.html", {"rows": rows, "message": message}, status=status)


def _link_form(request, buyer, data=None) -> LinkBuyerForm:
    # One form a buyer on one page: each needs its own ids.
    return LinkBuyerForm(data, groups=queries.linkable(request.viewer, buyer), auto_id=f"buyer-{buyer.pk}-%s")


@login_required
@require_safe
def buyers(request):
    return _buyers_page(request)


@login_required
@require_POST
def buyer_link(request, pk):
    with refusals():
        buyer = queries.buyer_for(request.viewer, pk)
    form = _link_form(request, buyer, request.POST)
    status = 400
    if form.is_valid():
        organisation = form.cleaned_data["organisation"]
        with domain_errors(form) as refusal:
            services.link_buyer(buyer, organisation=organisation, actor=request.user)
            message = f"{buyer.name} is now recognised as {organisation}; its notices are in {organisation}’s review queue."
            return finished(request, reverse("notices:buyers"), message)
        status = refusal.error.status
    first = next(str(error) for errors in form.errors.values() for error in errors)
    return _buyers_page(request, forms={buyer.pk: form}, message=f"{buyer.name}: {first}", status=status)


@login_required
@require_POST
def buyer_dismiss(request, pk):
    with refusals():
        buyer = queries.buyer_for(request.viewer, pk)
    with domain_errors() as refusal:
        services.dismiss_buyer(buyer, actor=request.user)
        return finished(request, reverse("notices:buyers"), f"{buyer.name} is set aside: no organisation on the map.")
    return _buyers_page(request, message=f"{buyer.name}: {refusal.message}", status=refusal.error.status)


# A network's public notices ----------------------------------------------------------------------


def _network_page(request, network, *, form=None, harvest_form=None, message: str = "", status: int = 200):
    viewer = request.viewer
    with refusals():
        context = {
            "network": network, "form": form or UploadForm(), "message": message, "imports": queries.imports(viewer, network),
            "sources": queries.trusted_sources(viewer, network), "members": queries.members(viewer, network),
            "harvest_form": harvest_form or HarvestForm(), "harvests": queries.harvests(viewer, network),
            "harvest_pages": settings.CITYTOOLS_OCDS_HARVEST_PAGES,
        }
    return render(request, "notices/network.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def network(request, slug):
    network = get_object_or_404(Network, slug=slug)
    if request.method == "GET":
        return _network_page(request, network)
    form = UploadForm(request.POST, request.FILES)
    if form.is_valid():
        filename, content = form.upload()
        with domain_errors(form):
            job = services.start_import(network, actor=request.user, filename=filename, content=content)
            return finished(request, job.get_absolute_url(), f"{job.filename} is waiting for the worker: this page shows how far it has got.")
    return _network_page(request, network, form=form, status=400)


@login_required
@require_POST
def trust(request, slug):
    network = get_object_or_404(Network, slug=slug)
    form = TrustForm(request.POST)
    if form.is_valid():
        source, trusted = form.cleaned_data["source"], form.cleaned_data["trusted"]
        with domain_errors(form):
            services.set_trust(network, source=source, trusted=trusted, actor=request.user)
            label = dict(form.fields["source"].choices)[source]
            message = f"{network.name} trusts {label}." if trusted else f"{network.name} no longer trusts {label}."
            return finished(request, reverse("notices:network", args=[network.slug]) + "#trust", message)
    return _network_page(request, network, message="Choose Contracts Finder or Find a Tender, and whether to trust it.", status=400)


@login_required
@require_POST
def harvest(request, slug):
    network = get_object_or_404(Network, slug=slug)
    form = HarvestForm(request.POST)
    if form.is_valid():
        with domain_errors(form):
            job = services.start_import(network, actor=request.user, harvest=form.cleaned_data["source"], since=form.cleaned_data["since"])
            return finished(request, job.get_absolute_url(), f"The harvest of {job.harvest_name} is waiting for the worker: this page shows how far it has got.")
    return _network_page(request, network, harvest_form=form, status=400)


@login_required
@require_safe
def import_detail(request, pk):
    with refusals():
        job = queries.import_for(request.viewer, pk)
    waiting = job.status in (Import.Status.QUEUED, Import.Status.RUNNING)
    if request.htmx and request.GET.get("progress"):
        if waiting:
            return render(request, "notices/_progress.html", {"job": job})
        return HttpResponse(headers={"HX-Refresh": "true"})  # finished: the whole page changes
    return render(request, "notices/import.html", {"job": job, "network": job.network, "waiting": waiting})


# How notices suggest a service area -----------------------------------------------------------


def _hints_page(request, *, form=None, message: str = "", status: int = 200):
    with refusals():
        mapping = queries.hint_mapping(request.viewer)
    return render(request, "notices/hints.html", {"mapping": mapping, "form": form or HintForm(), "message": message}, status=status)


def _hint_words(kind: str, hint: str) -> str:
    return f"the CPV code {hint}" if kind == "cpv" else f"“{hint}”"


@login_required
@require_http_methods(["GET", "POST"])
def hints(request):
    """The mapping in force, with a form to add a hint (a POST here) and a button to remove each."""
    if request.method == "GET":
        return _hints_page(request)
    with refusals():
        queries.require_hints(request.viewer)
    form = HintForm(request.POST)
    status = 400
    if form.is_valid():
        with domain_errors(form) as refusal:
            added = services.add_hint(**form.cleaned_data, actor=request.user)
            message = f"Notices that give {_hint_words(added.kind, added.hint)} now suggest {added.area.name}."
            return finished(request, reverse("notices:hints") + f"#area-{added.area.slug}", message)
        status = refusal.error.status
    return _hints_page(request, form=form, status=status)


@login_required
@require_POST
def hint_remove(request):
    with refusals():
        queries.require_hints(request.viewer)
    form = RemoveHintForm(request.POST)
    if form.is_valid():
        area, kind, hint = (form.cleaned_data[name] for name in ("area", "kind", "hint"))
        with domain_errors() as refusal:
            services.remove_hint(area=area, kind=kind, hint=hint, actor=request.user)
            message = f"Notices that give {_hint_words(kind, hint)} no longer suggest {area.name}."
            return finished(request, reverse("notices:hints") + f"#area-{area.slug}", message)
        return _hints_page(request, message=refusal.message, status=refusal.error.status)
    return _hints_page(request, message="That hint could not be read: open the page again and remove it from there.", status=400)

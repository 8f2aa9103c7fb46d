"""Pages of the catalogue's proposals: propose a missing supplier or product (from an
organisation, linked from the system and contract forms and the spreadsheet import preview),
the list of proposals with the review queue, and one proposal with its decision.

Thin doors to citytools.inventory.catalogue_services. Proposals are never public: a person
who may not read one gets 404, as if it did not exist.
"""

from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from citytools.core.doors import domain_errors, finished, forbid_unless, refusals
from citytools.core.views import next_url
from citytools.directory.models import Organisation
from citytools.inventory import catalogue_services as catalogue
from citytools.inventory.catalogue_forms import DecideForm, ProposeForm


def propose_url(organisation, *, kind: str = "", name: str = "", next: str = "") -> str:
    """The link "not in the list? propose it" of a form or an import preview."""
    query = {key: value for key, value in (("kind", kind), ("name", name), ("next", next)) if value}
    url = reverse("inventory:catalogue_propose", args=[organisation.slug])
    return f"{url}?{urlencode(query)}" if query else url


@login_required
@require_http_methods(["GET", "POST"])
def propose(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug)
    forbid_unless(catalogue.may_propose(request.viewer, organisation.pk))
    offered = None
    if request.method == "POST":
        form = ProposeForm(request.POST, organisation=organisation)
        if form.is_valid():
            with domain_errors(form) as refusal:
                proposal = catalogue.propose(organisation=organisation, actor=request.user, **form.fields_for_service())
                message = f"{proposal.name} is proposed. {organisation} can use it now; others will see it once it is accepted."
                return finished(request, next_url(request) or proposal.get_absolute_url(), message)
            if isinstance(refusal.error, catalogue.AlreadyThere):
                offered = refusal.error.entry
    else:
        form = ProposeForm(
            organisation=organisation,
            initial={"kind": request.GET.get("kind", ""), "name": request.GET.get("name", "")[:200]},
        )
    return render(
        request,
        "inventory/catalogue/propose.html",
        {"form": form, "organisation": organisation, "offered": offered, "next": next_url(request)},
        status=400 if form.is_bound else 200,
    )


@login_required
@require_safe
def proposal_list(request):
    viewer = request.viewer
    return render(
        request,
        "inventory/catalogue/proposals.html",
        {
            "queue": list(catalogue.review_queue(viewer)),
            "proposals": list(catalogue.proposals_visible_to(viewer)[:200]),
            "organisations": list(Organisation.objects.filter(pk__in=viewer.grants.editor_organisations)),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def proposal_detail(request, pk):
    with refusals():
        proposal = catalogue.readable_proposal(request.viewer, pk)
    may_review = catalogue.may_review(request.viewer, proposal) and proposal.status == catalogue.Status.PENDING
    form = DecideForm(request.POST or None, proposal=proposal) if may_review else None
    if request.method == "POST":
        forbid_unless(may_review)
        if form.is_valid():
            data = form.cleaned_data
            with domain_errors(form):
                if data["decision"] == "accept":
                    catalogue.accept(proposal, actor=request.user)
                elif data["decision"] == "merge":
                    catalogue.merge(proposal, into=data["into"], actor=request.user)
                else:
                    catalogue.reject(proposal, reason=data["reason"], actor=request.user)
                proposal.refresh_from_db()
                message = f"{proposal.name}: {proposal.get_status_display().lower()}. The proposer is told by e-mail."
                return finished(request, reverse("inventory:catalogue_proposals"), message)
    history = proposal.history.select_related("history_user").order_by("history_date", "history_id")
    return render(
        request,
        "inventory/catalogue/proposal.html",
        {"proposal": proposal, "form": form, "history": history},
        status=400 if form is not None and form.is_bound else 200,
    )

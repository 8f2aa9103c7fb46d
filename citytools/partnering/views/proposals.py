"""Pages: the applicant's proposal (form, attachments, submit, withdraw, re-confirm, receipt),
and the panel's proposals (the count before the close, the list after), one proposal, an
attachment's download and eligibility screening.

Thin doors over citytools.partnering.services.proposals, which holds every rule, the seal
included: a proposal the person may not read is a 404, as if it did not exist. Buttons that
only act (submit, withdraw, upload …) post and come back to the applicant's page with a
message, so the whole process works without JavaScript.
"""

import json

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from citytools.partnering import rules
from citytools.partnering.forms_proposals import AttachmentForm, ProposalForm, ScreeningForm
from citytools.partnering.models import EligibilityCriterion, Proposal, State
from citytools.partnering.services import evaluation
from citytools.partnering.services import proposals as services
from citytools.partnering.views.doors import (
    bounced,
    challenge_for,
    domain_errors,
    finished,
    refusals,
    status_of,
)


def nav_links(challenge, roles, viewer) -> list[tuple[str, str]]:
    """This part's pages that this person may use now (see citytools.partnering.views.challenge)."""
    slug = challenge.slug
    links = []
    if rules.can_apply(roles) and challenge.is_published:
        links.append(("Your proposal", reverse("partnering:my_proposal", args=[slug])))
    if roles.is_panel and challenge.is_published:
        links.append(("Proposals", reverse("partnering:proposals", args=[slug])))
    return links


# The applicant's proposal ------------------------------------------------------------------


def _supplier_param(request) -> str:
    return (request.POST.get("supplier") or request.GET.get("supplier") or "").strip()


def _mine(request, challenge) -> tuple[Proposal | None, str]:
    """The applicant's proposal and the supplier chosen; 403 for those who may not apply."""
    supplier = _supplier_param(request)
    with refusals():
        return services.my_proposal(challenge, viewer=request.viewer, supplier=supplier or None), supplier


def _my_url(challenge, supplier: str = "") -> str:
    url = reverse("partnering:my_proposal", args=[challenge.slug])
    return f"{url}?supplier={supplier}" if supplier else url


@login_required
@require_http_methods(["GET", "POST"])
def my_proposal(request, slug):
    challenge, _roles = challenge_for(request, slug)
    suppliers = services.applicant_suppliers(request.viewer, challenge)
    if not suppliers:
        raise PermissionDenied("Only vendor users apply, for their own supplier.")
    if len(suppliers) > 1 and not _supplier_param(request):
        return render(request, "partnering/proposal_choose.html", {"challenge": challenge, "suppliers": suppliers})
    proposal, supplier = _mine(request, challenge)
    open_now = services.submissions_open(challenge)
    conflict = ""
    if request.method == "POST":
        form = ProposalForm(request.POST, currency=challenge.currency)
        if form.is_valid():
            with domain_errors(form, conflicts=True) as refusal:
                proposal = services.save_proposal(
                    challenge, actor=request.user, viewer=request.viewer, version=form.cleaned_data["version"],
                    supplier=supplier or None, **form.changes(),
                )
                return finished(request, _my_url(challenge, supplier), "Your draft is saved. Submit it before the deadline.")
            conflict = refusal.conflict
    elif proposal is not None:
        form = ProposalForm(
            initial={
                "supplier": supplier, "version": proposal.version, "scale": proposal.scale, "summary": proposal.summary,
                "approach": proposal.approach, "team": proposal.team, "plan": proposal.plan,
                "price": proposal.price,
            },
            currency=challenge.currency,
        )
    else:
        form = ProposalForm(initial={"supplier": supplier, "version": 0}, currency=challenge.currency)
    context = {
        "challenge": challenge,
        "proposal": proposal,
        "supplier_name": proposal.supplier.name if proposal else (suppliers[0].name if len(suppliers) == 1 else supplier),
        "supplier": supplier,
        "form": form,
        "attachment_form": AttachmentForm(),
        "open": open_now,
        "conflict": conflict,
        "submitted_count": services.submitted_count(challenge),
        "max_files": settings.ATTACHMENTS_PER_PROPOSAL,
    }
    return render(request, "partnering/proposal_mine.html", context, status=status_of(form, conflict))


def _act(request, slug, act, done: str, *, to_receipt: bool = False):
    challenge, _roles = challenge_for(request, slug)
    proposal, supplier = _mine(request, challenge)
    if proposal is None:
        raise Http404("You have not started a proposal.")
    back = _my_url(challenge, supplier)
    with domain_errors() as refusal:
        act(proposal, actor=request.user, viewer=request.viewer)
        if to_receipt:
            url = reverse("partnering:proposal_receipt", args=[challenge.slug])
            back = f"{url}?supplier={supplier}" if supplier else url
        return finished(request, back, done)
    return bounced(request, back, refusal.message)


@login_required
@require_POST
def proposal_submit(request, slug):
    return _act(request, slug, services.submit_proposal, "Your proposal is submitted. Keep your receipt.", to_receipt=True)


@login_required
@require_POST
def proposal_withdraw(request, slug):
    return _act(
        request, slug, services.withdraw_proposal,
        "Your proposal is withdrawn. You can change it and submit it again until the deadline.",
    )


@login_required
@require_POST
def proposal_reconfirm(request, slug):
    return _act(request, slug, services.reconfirm_proposal, "Your proposal is re-confirmed. Here is your new receipt.", to_receipt=True)


@login_required
@require_POST
def attachment_add(request, slug):
    challenge, _roles = challenge_for(request, slug)
    proposal, supplier = _mine(request, challenge)
    if proposal is None:
        raise Http404("Save your draft before attaching files.")
    form = AttachmentForm(request.POST, request.FILES)
    form.is_valid()
    with domain_errors() as refusal:
        attachment = services.add_attachment(
            proposal, actor=request.user, viewer=request.viewer, upload=form.cleaned_data.get("file")
        )
        return finished(request, _my_url(challenge, supplier), f"{attachment.name} is attached.")
    return bounced(request, _my_url(challenge, supplier), refusal.message)


@login_required
@require_POST
def attachment_remove(request, slug, pk):
    challenge, _roles = challenge_for(request, slug)
    proposal, supplier = _mine(request, challenge)
    if proposal is None:
        raise Http404("No such file.")
    with domain_errors() as refusal:
        attachment = services.own_attachment(proposal, pk, viewer=request.viewer)
        services.remove_attachment(attachment, actor=request.user, viewer=request.viewer)
        return finished(request, _my_url(challenge, supplier), f"{attachment.name} is removed.")
    return bounced(request, _my_url(challenge, supplier), refusal.message)


def _receipt(request, slug):
    challenge, _roles = challenge_for(request, slug)
    proposal, supplier = _mine(request, challenge)
    if proposal is None:
        raise Http404("You have not started a proposal.")
    with refusals():
        return challenge, proposal, supplier, services.receipt(proposal, viewer=request.viewer)


@login_required
@require_safe
def proposal_receipt(request, slug):
    challenge, proposal, supplier, receipt = _receipt(request, slug)
    download = reverse("partnering:proposal_receipt_download", args=[challenge.slug])
    return render(
        request,
        "partnering/proposal_receipt.html",
        {
            "challenge": challenge, "proposal": proposal, "receipt": receipt, "document": receipt["document"],
            "download_url": f"{download}?supplier={supplier}" if supplier else download,
            "back_url": _my_url(challenge, supplier),
        },
    )


@login_required
@require_safe
def proposal_receipt_download(request, slug):
    challenge, _proposal, _supplier, receipt = _receipt(request, slug)
    body = json.dumps(receipt, indent=2, sort_keys=True, ensure_ascii=False)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="receipt-{challenge.slug}.json"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


# Attachments for whoever may read the proposal ------------------------------------------------


@login_required
@require_safe
def attachment_download(request, slug, pk):
    challenge, roles = challenge_for(request, slug)
    with refusals():
        attachment = services.readable_attachment(request.viewer, pk)
    if attachment.proposal.challenge_id != challenge.pk:
        raise Http404("No such file.")
    name = attachment.name
    if evaluation.hides_identity(roles, challenge) and attachment.proposal.supplier_id not in roles.suppliers:
        name = f"attachment-{attachment.pk}{('.' + name.rsplit('.', 1)[-1]) if '.' in name else ''}"
    response = FileResponse(
        attachment.file.open("rb"), as_attachment=True, filename=name, content_type=attachment.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# The panel's pages ----------------------------------------------------------------------------


@login_required
@require_safe
def proposals(request, slug):
    challenge, roles = challenge_for(request, slug)
    if not roles.is_panel:
        raise PermissionDenied("The proposals are for the challenge's panel.")
    listed = services.panel_proposals(request.viewer, challenge)
    names = evaluation.Names(roles, challenge)
    rows = [{"proposal": p, "name": names(p)} for p in listed] if listed is not None else None
    return render(
        request,
        "partnering/proposal_list.html",
        {
            "challenge": challenge,
            "count": services.submitted_count(challenge),
            "rows": rows,
            "unsealed": services.is_unsealed(challenge),
            "blind": names.blind,
            "can_screen": rules.can_screen(roles, state=State(challenge.state)),
        },
    )


def _readable(request, challenge, pk) -> Proposal:
    with refusals():
        return services.readable_proposal(request.viewer, challenge, pk)


@login_required
@require_safe
def proposal_detail(request, slug, pk):
    challenge, roles = challenge_for(request, slug)
    proposal = _readable(request, challenge, pk)
    names = evaluation.Names(roles, challenge)
    own = proposal.supplier_id in roles.suppliers
    decisions = list(proposal.eligibility.select_related("criterion").order_by("criterion__position", "criterion__pk"))
    return render(
        request,
        "partnering/proposal_detail.html",
        {
            "challenge": challenge,
            "proposal": proposal,
            "name": proposal.supplier.name if own else names(proposal),
            "blind": names.blind and not own,
            "attachments": list(proposal.attachments.all()),
            "decisions": decisions if not own or services.is_unsealed(challenge) else [],
            "can_screen": rules.can_screen(roles, state=State(challenge.state)) and not own,
            "can_score": rules.can_score(roles, state=State(challenge.state), locked=challenge.consensus_locked_at is not None)
            and proposal.eligible is True,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def proposal_screen(request, slug, pk):
    challenge, roles = challenge_for(request, slug)
    proposal = _readable(request, challenge, pk)
    state = State(challenge.state)
    may_screen = rules.can_screen(roles, state=state)
    may_read = rules.can_read_screening(roles, state=state, submissions_closed=challenge.submissions_closed_at is not None)
    if proposal.supplier_id in roles.suppliers or not (may_screen or (may_read and request.method == "GET")):
        raise PermissionDenied("Eligibility is decided by the owners or the steward, after submissions close.")
    criteria = list(EligibilityCriterion.objects.filter(challenge=challenge))
    decided = {d.criterion_id: d for d in proposal.eligibility.all()}
    if not may_screen:
        # After evaluation starts the screening is a record: shown, no longer changed.
        return render(request, "partnering/proposal_screening.html", {
            "challenge": challenge, "proposal": proposal,
            "decisions": [(c, decided.get(c.pk)) for c in criteria],
        })
    if request.method == "POST":
        form = ScreeningForm(request.POST, criteria=criteria)
        if form.is_valid():
            with domain_errors(form):
                services.screen_proposal(proposal, actor=request.user, viewer=request.viewer, decisions=form.decisions())
                verdict = "eligible" if proposal.eligible else "not eligible"
                return finished(request, reverse("partnering:proposals", args=[challenge.slug]), f"Screened: {proposal.supplier.name} is {verdict}.")
    else:
        form = ScreeningForm(criteria=criteria, decided=decided)
    return render(
        request,
        "partnering/proposal_screen.html",
        {"challenge": challenge, "proposal": proposal, "form": form},
        status=status_of(form),
    )


urlpatterns = [
    path("<slug:slug>/proposal/", my_proposal, name="my_proposal"),
    path("<slug:slug>/proposal/submit/", proposal_submit, name="proposal_submit"),
    path("<slug:slug>/proposal/withdraw/", proposal_withdraw, name="proposal_withdraw"),
    path("<slug:slug>/proposal/reconfirm/", proposal_reconfirm, name="proposal_reconfirm"),
    path("<slug:slug>/proposal/attachments/", attachment_add, name="attachment_add"),
    path("<slug:slug>/proposal/attachments/<int:pk>/remove/", attachment_remove, name="attachment_remove"),
    path("<slug:slug>/proposal/receipt/", proposal_receipt, name="proposal_receipt"),
    path("<slug:slug>/proposal/receipt.json", proposal_receipt_download, name="proposal_receipt_download"),
    path("<slug:slug>/proposals/", proposals, name="proposals"),
    path("<slug:slug>/proposals/<int:pk>/", proposal_detail, name="proposal_detail"),
    path("<slug:slug>/proposals/<int:pk>/screen/", proposal_screen, name="proposal_screen"),
    path("<slug:slug>/attachments/<int:pk>/", attachment_download, name="attachment_download"),
]

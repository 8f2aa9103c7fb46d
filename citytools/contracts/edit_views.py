"""Pages to add, change, retire and restore contracts, and a contract's history.

Thin doors over citytools.contracts.services, built like the system pages
(citytools.inventory.edit_views, whose door helpers they share): records are found through
`Contract.objects.visible_to(request.viewer)`, changing another organisation's contract is a
403, and a stale edit re-renders the form with the person's input and a link to the current
version.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from citytools.accounts.rules import Kind
from citytools.contracts import services
from citytools.contracts.edit_forms import ContractForm
from citytools.contracts.models import Contract
from citytools.core import history
from citytools.core.errors import Conflict, DomainError
from citytools.core.views import next_url
from citytools.directory.models import Organisation, Supplier
from citytools.inventory.edit_views import (
    restore_page,
    confirm_page,
    finished,
    forbid_unless,
    history_page,
    history_record,
    refuse,
    render_form,
    show_people,
)
from citytools.inventory.models import System

PAGE = "contracts/edit/contract_form.html"
PARTIAL = "contracts/edit/_contract_form.html"


def _contract_for_edit(request, pk: int) -> Contract:
    contract = get_object_or_404(
        Contract.objects.visible_to(request.viewer).select_related("organisation", "supplier"), pk=pk
    )
    forbid_unless(request.viewer.can_edit(contract.organisation_id))
    return contract


@login_required
@require_http_methods(["GET", "POST"])
def contract_add(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug)
    forbid_unless(request.viewer.can_edit(organisation.pk))
    if request.method == "POST":
        form = ContractForm(request.POST, organisation=organisation)
    else:
        form = ContractForm(organisation=organisation, initial={"currency": "GBP", "source": Contract.Source.ORGANISATION})
    if request.method == "POST" and form.is_valid():
        try:
            contract = services.create_contract(organisation=organisation, actor=request.user, **form.changes())
        except DomainError as error:
            refuse(error)
            form.add_domain_error(error)
        else:
            return finished(request, contract.get_absolute_url(), f"{contract.title} added.")
    context = {"form": form, "organisation": organisation, "contract": None, "conflict": False}
    return render_form(request, PAGE, PARTIAL, context, status=400 if form.is_bound else 200)


@login_required
@require_http_methods(["GET", "POST"])
def contract_edit(request, pk):
    contract = _contract_for_edit(request, pk)
    conflict = ""
    if request.method == "POST":
        form = ContractForm(request.POST, organisation=contract.organisation)
        form.fields["version"].required = True
        if form.is_valid():
            try:
                services.update_contract(
                    contract, version=form.cleaned_data["version"], changes=form.changes(), actor=request.user
                )
            except Conflict as error:
                conflict = error.message
            except DomainError as error:
                refuse(error)
                form.add_domain_error(error)
            else:
                return finished(request, next_url(request) or contract.get_absolute_url(), "Your changes were saved.")
    else:
        form = ContractForm(organisation=contract.organisation, initial=ContractForm.initial_from(contract))
    context = {
        "form": form, "organisation": contract.organisation, "contract": contract, "conflict": conflict,
        "next": next_url(request),
    }
    status = 409 if conflict else 400 if form.is_bound else 200
    return render_form(request, PAGE, PARTIAL, context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def contract_retire(request, pk):
    contract = _contract_for_edit(request, pk)
    return confirm_page(
        request,
        version=contract.version,
        act=lambda version: services.retire_contract(contract, version=version, actor=request.user),
        done_url=contract.organisation.get_absolute_url(),
        done_message=f"{contract.title} was retired. Its history is kept.",
        context={
            "title": f"Retire the contract “{contract.title}”?",
            "caption": f"Retire a contract of {contract.organisation}",
            "explanation": (
                "The contract leaves the organisation’s pages, the contract lists and the market figures. "
                "It is not deleted: its history is kept, and an editor or network coordinator can restore it."
            ),
            "button": "Retire this contract",
            "warning": True,
            "back_url": contract.get_absolute_url(),
            "reload_url": reverse("contracts:contract_retire", args=[contract.pk]),
        },
    )


def contracts_for_history(viewer):
    """Contracts whose history this viewer may read: those they may see, retired ones too."""
    return Contract.objects.filter(viewer.contracts_q()).select_related("organisation")


def contract_history_entries(contract: Contract, viewer) -> list[history.Entry]:
    """A contract's history as this viewer may read it (the page and the API show the same):
    values only for those who may see the organisation's values."""
    hidden = set() if viewer.can_see(Kind.VALUES, contract.organisation_id) else {"total_value", "annual_value"}
    return history.history_entries(
        contract,
        versions=viewer.versions(contract),
        hidden=hidden,
        show_people=show_people(viewer, contract.organisation_id),
        related={
            # So does a proposed supplier the viewer may not see (another organisation's).
            "supplier": Supplier.entries.visible_to(viewer),
            # A linked system the viewer may not see (someone's confidential one) stays unnamed.
            "systems": System.objects.filter(viewer.systems_q()).select_related("product", "organisation"),
        },
    )


def _contract_for_history(request, pk: int) -> Contract:
    return history_record(contracts_for_history(request.viewer), pk, request.viewer)


@require_safe
def contract_history(request, pk):
    contract = _contract_for_history(request, pk)
    return history_page(
        request,
        record=contract,
        entries=contract_history_entries(contract, request.viewer),
        title=f"History of “{contract.title}”",
        caption="Contract",
        record_url=contract.get_absolute_url() if contract.retired_at is None else "",
        restore_url_name="contracts:contract_restore",
    )


@login_required
@require_http_methods(["GET", "POST"])
def contract_restore(request, pk, history_id):
    contract = _contract_for_history(request, pk)
    return restore_page(
        request,
        contract,
        history_id,
        restore=lambda version: services.restore_version(
            contract, history_id=history_id, actor=request.user, version=version
        ),
        label=f"“{contract.title}”",
        history_url=reverse("contracts:contract_history", args=[contract.pk]),
    )

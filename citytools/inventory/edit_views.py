"""Pages to add, change, retire and restore systems, the system page and its history.

Thin doors: each view finds the record through `System.objects.visible_to(request.viewer)`
(so nobody can open what they may not see: 404), asks the Viewer whether the person may
change it (403 otherwise), parses the form and calls citytools.inventory.services. A
DomainError becomes an error against the field it names; a Conflict (someone saved first)
re-renders the form with the person's input kept and a link to the current version.
Every form works without JavaScript; with HTMX, errors re-render the form in place.

The door helpers at the top are shared with citytools.contracts.edit_views.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.views.decorators.http import require_http_methods, require_safe
from django_htmx.http import HttpResponseClientRedirect

from citytools.accounts.rules import Kind
from citytools.core import history
from citytools.core.errors import Conflict, DomainError
from citytools.core.views import next_url
from citytools.directory.models import Organisation, Supplier
from citytools.inventory import services
from citytools.inventory.edit_forms import ConfirmForm, SystemForm
from citytools.inventory.models import Product, System

# Door helpers, shared with the contracts pages -------------------------------------------


def refuse(error: DomainError) -> None:
    """A DomainError that is about who may act, not about what they typed."""
    if error.status == 403:
        raise PermissionDenied(error.message)
    if error.status == 404:
        raise Http404(error.message)


def render_form(request, template: str, partial: str, context: dict, *, status: int = 200):
    """The whole page, or with HTMX only the form, which the page swaps in place. HTMX
    leaves error statuses unswapped, so its answers keep 200."""
    if request.htmx:
        return render(request, partial, context)
    return render(request, template, context, status=status)


def finished(request, url: str, message: str):
    """After a successful POST: see the result at `url` (303, so a reload does not resend)."""
    messages.success(request, message)
    if request.htmx:
        return HttpResponseClientRedirect(url)
    return HttpResponseRedirect(url, status=303)


def forbid_unless(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied("Only the organisation's own editors can change its records.")


def history_record(queryset, pk: int, viewer):
    """A record for its history or a restore: visible to this viewer, and if retired, only
    to those who could restore it (others lose sight of a retired record)."""
    record = get_object_or_404(queryset, pk=pk)
    if record.retired_at is not None and not viewer.can_restore(record.organisation_id):
        raise Http404("No such record.")
    return record


def show_people(viewer, organisation_id: int) -> bool:
    """Names in a record's history reach those who could see the organisation's confidential
    records: its own staff, its networks' coordinators and admins. Others see a role."""
    return viewer.can_see(Kind.USAGE, organisation_id, confidential=True)


def history_page(request, *, record, entries, title: str, caption: str, record_url: str, restore_url_name: str):
    return render(
        request,
        "core/history.html",
        {
            "record": record,
            "entries": entries,
            "title": title,
            "caption": caption,
            "record_url": record_url,
            "restore_url_name": restore_url_name,
            "can_restore": request.viewer.can_restore(record.organisation_id),
        },
    )


def confirm_page(request, *, version: int, act, done_url: str, done_message: str, context: dict):
    """The confirmation page of one action on a versioned record (retire, restore, delete):
    a POST runs `act(version=...)` with the version the person saw and goes to `done_url`; a
    record changed meanwhile shows the page again with the conflict (409), and a refusal as
    a form error (400)."""
    conflict = ""
    if request.method == "POST":
        form = ConfirmForm(request.POST)
        if form.is_valid():
            try:
                act(version=form.cleaned_data["version"])
            except Conflict as error:
                conflict = error.message
            except DomainError as error:
                refuse(error)
                form.add_error(None, error.message)
            else:
                return finished(request, done_url, done_message)
    else:
        form = ConfirmForm(initial={"version": version})
    return render(
        request, "inventory/edit/confirm.html", {**context, "form": form, "conflict": conflict},
        status=409 if conflict else 400 if form.is_bound else 200,
    )


# Systems ----------------------------------------------------------------------------------


def _systems(viewer):
    return System.objects.visible_to(viewer).select_related(
        "organisation", "product__manufacturer", "supplier"
    )


def _system_for_edit(request, pk: int) -> System:
    system = get_object_or_404(_systems(request.viewer), pk=pk)
    forbid_unless(request.viewer.can_edit(system.organisation_id))
    return system


def _form_context(form, *, organisation, system=None, conflict: str = "") -> dict:
    return {"form": form, "organisation": organisation, "system": system, "conflict": conflict}


@login_required
@require_http_methods(["GET", "POST"])
def system_add(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug)
    forbid_unless(request.viewer.can_edit(organisation.pk))
    form = (
        SystemForm(request.POST, organisation=organisation)
        if request.method == "POST"
        else SystemForm(organisation=organisation, initial={"status": System.Status.LIVE})
    )
    if request.method == "POST" and form.is_valid():
        try:
            system = services.create_system(organisation=organisation, actor=request.user, **form.changes())
        except DomainError as error:
            refuse(error)
            form.add_domain_error(error)
        else:
            return finished(request, reverse("inventory:system", args=[system.pk]), f"{system.product.name} added.")
    status = 400 if form.is_bound else 200
    return render_form(
        request, "inventory/edit/system_form.html", "inventory/edit/_system_form.html",
        _form_context(form, organisation=organisation), status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def system_edit(request, pk):
    system = _system_for_edit(request, pk)
    conflict = ""
    if request.method == "POST":
        form = SystemForm(request.POST, organisation=system.organisation)
        form.fields["version"].required = True
        if form.is_valid():
            try:
                services.update_system(
                    system, version=form.cleaned_data["version"], changes=form.changes(), actor=request.user
                )
            except Conflict as error:
                conflict = error.message
            except DomainError as error:
                refuse(error)
                form.add_domain_error(error)
            else:
                return finished(
                    request, next_url(request) or reverse("inventory:system", args=[system.pk]), "Your changes were saved."
                )
    else:
        form = SystemForm(organisation=system.organisation, initial=SystemForm.initial_from(system))
    status = 409 if conflict else 400 if form.is_bound else 200
    return render_form(
        request, "inventory/edit/system_form.html", "inventory/edit/_system_form.html",
        {**_form_context(form, organisation=system.organisation, system=system, conflict=conflict), "next": next_url(request)},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def system_retire(request, pk):
    system = _system_for_edit(request, pk)
    return confirm_page(
        request,
        version=system.version,
        act=lambda version: services.retire_system(system, version=version, actor=request.user),
        done_url=system.organisation.get_absolute_url(),
        done_message=f"{system.product.name} was retired. Its history is kept.",
        context={
            "title": f"Retire {system.product.name} at {system.organisation}?",
            "caption": "Retire a system",
            "explanation": (
                "The system leaves the organisation’s inventory, the matrix and the market figures. "
                "It is not deleted: its history is kept, and an editor or network coordinator can restore it."
            ),
            "button": "Retire this system",
            "warning": True,
            "back_url": reverse("inventory:system", args=[system.pk]),
            "reload_url": reverse("inventory:system_retire", args=[system.pk]),
        },
    )


@require_safe
def system_detail(request, pk):
    system = get_object_or_404(_systems(request.viewer).prefetch_related("service_areas__parent"), pk=pk)
    request.viewer.redact_systems([system])
    contracts = request.viewer.redact_contracts(
        list(system.contracts.visible_to(request.viewer).select_related("supplier"))
    )
    return render(
        request,
        "inventory/edit/system.html",
        {
            "system": system,
            "contracts": contracts,
            "can_edit": request.viewer.can_edit(system.organisation_id),
            "can_restore": request.viewer.can_restore(system.organisation_id),
        },
    )


def _system_for_history(request, pk: int) -> System:
    return history_record(systems_for_history(request.viewer), pk, request.viewer)


def systems_for_history(viewer):
    """Systems whose history this viewer may read: those they may see, retired ones too."""
    return System.objects.filter(viewer.systems_q()).select_related("organisation", "product")


def system_history_entries(system: System, viewer) -> list[history.Entry]:
    """A system's history as this viewer may read it (the page and the API show the same):
    notes follow the organisation's setting for comments."""
    hidden = set() if viewer.can_see(Kind.COMMENTS, system.organisation_id) else {"notes"}
    return history.history_entries(
        system,
        versions=viewer.versions(system),
        hidden=hidden,
        show_people=show_people(viewer, system.organisation_id),
        # A proposed entry the viewer may not see (another organisation's) stays unnamed.
        related={"product": Product.entries.visible_to(viewer), "supplier": Supplier.entries.visible_to(viewer)},
    )


@require_safe
def system_history(request, pk):
    system = _system_for_history(request, pk)
    return history_page(
        request,
        record=system,
        entries=system_history_entries(system, request.viewer),
        title=f"History of {system.product.name} at {system.organisation}",
        caption="System",
        record_url=reverse("inventory:system", args=[system.pk]) if system.retired_at is None else "",
        restore_url_name="inventory:system_restore",
    )


def restore_page(request, record, history_id, *, restore, label: str, history_url: str):
    """The restore door for any record with history: confirm, then `restore(version=...)`.

    Systems and contracts share it; each passes its service's restore and how to name it.
    """
    forbid_unless(request.viewer.can_restore(record.organisation_id))
    old = request.viewer.versions(record).filter(history_id=history_id).first()
    if old is None:
        raise Http404("No such version.")
    return confirm_page(
        request,
        version=record.version,
        act=restore,
        done_url=history_url,
        done_message=f"Version {old.version} was restored as a new version.",
        context={
            "title": f"Restore version {old.version} of {label}?",
            "caption": "Restore a version",
            "explanation": (
                f"This makes a new version with the values version {old.version} had, "
                f"saved on {format_date(timezone.localtime(old.history_date), 'j F Y')}. "
                "The current version stays in the history, "
                "so this can be undone the same way."
            ),
            "button": f"Restore version {old.version}",
            "warning": False,
            "back_url": history_url,
            "reload_url": request.path,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def system_restore(request, pk, history_id):
    system = _system_for_history(request, pk)
    return restore_page(
        request,
        system,
        history_id,
        restore=lambda version: services.restore_version(
            system, history_id=history_id, actor=request.user, version=version
        ),
        label=f"{system.product.name} at {system.organisation}",
        history_url=reverse("inventory:system_history", args=[system.pk]),
    )

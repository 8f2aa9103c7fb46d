"""One editing path for every versioned record an organisation keeps: add, change, retire, history, restore.

An app describes its record type once as a `RecordKind` (its model, form, service functions,
how to find and name a record) and gets the five pages from `record_urls(kind)`; the API
side is citytools.core.records_api. Systems (citytools.inventory.edit_views) and contracts
(citytools.contracts.edit_views) are the two kinds today.

Thin doors: each page finds the record through the kind's `visible(viewer)` queryset (so
nobody can open what they may not see: 404), asks the Viewer whether the person may change it
(403 otherwise), parses the form and calls the kind's service. A DomainError becomes an error
against the field it names; a Conflict (someone saved first) re-renders the form with the
person's input kept and a link to the current version. Every form works without JavaScript;
with HTMX, errors re-render the form in place.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.views.decorators.http import require_http_methods, require_safe

from citytools.core import history
from citytools.core.doors import (
    confirm_page,
    domain_errors,
    finished,
    forbid_unless,
    form_status,
    history_page,
    history_record,
    render_form,
    restore_page,
)
from citytools.core.views import next_url

PAGE = "core/edit/record_form.html"
PARTIAL = "core/edit/_record_form.html"


@dataclass
class RecordKind:
    """An editable, versioned record type of an organisation, as the editing doors need it."""

    name: str  # "system": the url names (`system_edit`), the form's id, the buttons
    app: str  # the url namespace: "inventory"
    plural: str  # the url path: "systems"
    form: type  # takes `organisation=`, has `initial_from(record)` and `changes()`
    owners: Any  # the organisations' queryset: a record is added to one found by slug
    # The services: create(organisation=, actor=, **changes), update(record, version=,
    # changes=, actor=), retire(record, version=, actor=), restore(record, history_id=, actor=, version=).
    create: Callable
    update: Callable
    retire: Callable
    restore: Callable
    visible: Callable  # viewer -> the records they may see, loaded for the pages
    readable: Callable  # viewer -> the records whose history they may read, retired ones too
    entries: Callable  # (record, viewer) -> its history as this viewer may read it
    url: Callable  # record -> its page
    title: Callable  # record -> its short name: "Payroll"
    label: Callable  # record -> its full name in a sentence: "Payroll at Camden"
    retire_title: Callable  # record -> the retire page's question
    retire_caption: Callable  # record -> the retire page's caption
    leaves: str  # where a retired record disappears from: "the organisation’s inventory, ..."
    add_initial: dict = field(default_factory=dict)
    change_heading: Callable | None = None  # record -> the change page's heading, if not "Change <title>"

    def change_title(self, record) -> str:
        return self.change_heading(record) if self.change_heading else f"Change {self.title(record)}"

    def url_name(self, action: str) -> str:
        return f"{self.app}:{self.name}_{action}"

    def fields_template(self) -> str:
        return f"{self.app}/edit/_{self.name}_fields.html"


def _form_page(request, kind: RecordKind, form, *, organisation, record=None, conflict: str = "", **extra):
    context = {
        "form": form, "organisation": organisation, "record": record, kind.name: record, "conflict": conflict,
        "kind": kind, "fields_template": kind.fields_template(),
        "record_url": kind.url(record) if record else "",
        "record_title": kind.title(record) if record else "",
        "change_heading": kind.change_title(record) if record else "",
        **extra,
    }
    return render_form(request, PAGE, PARTIAL, context, status=form_status(form, conflict))


def _for_edit(request, kind: RecordKind, pk: int):
    record = get_object_or_404(kind.visible(request.viewer), pk=pk)
    forbid_unless(request.viewer.can_edit(record.organisation_id))
    return record


def _for_history(request, kind: RecordKind, pk: int):
    return history_record(kind.readable(request.viewer), pk, request.viewer)


def add_view(kind: RecordKind):
    @login_required
    @require_http_methods(["GET", "POST"])
    def add(request, slug):
        organisation = get_object_or_404(kind.owners, slug=slug)
        forbid_unless(request.viewer.can_edit(organisation.pk))
        if request.method == "POST":
            form = kind.form(request.POST, organisation=organisation)
            if form.is_valid():
                with domain_errors(form):
                    record = kind.create(organisation=organisation, actor=request.user, **form.changes())
                    return finished(request, kind.url(record), f"{kind.title(record)} added.")
        else:
            form = kind.form(organisation=organisation, initial=kind.add_initial)
        return _form_page(request, kind, form, organisation=organisation)

    return add


def edit_view(kind: RecordKind):
    @login_required
    @require_http_methods(["GET", "POST"])
    def edit(request, pk):
        record = _for_edit(request, kind, pk)
        conflict = ""
        if request.method == "POST":
            form = kind.form(request.POST, organisation=record.organisation)
            form.fields["version"].required = True
            if form.is_valid():
                with domain_errors(form, conflicts=True) as refusal:
                    kind.update(record, version=form.cleaned_data["version"], changes=form.changes(), actor=request.user)
                    return finished(request, next_url(request) or kind.url(record), "Your changes were saved.")
                conflict = refusal.conflict
        else:
            form = kind.form(organisation=record.organisation, initial=kind.form.initial_from(record))
        return _form_page(
            request, kind, form, organisation=record.organisation, record=record, conflict=conflict, next=next_url(request)
        )

    return edit


def retire_view(kind: RecordKind):
    @login_required
    @require_http_methods(["GET", "POST"])
    def retire(request, pk):
        record = _for_edit(request, kind, pk)
        return confirm_page(
            request,
            version=record.version,
            act=lambda version: kind.retire(record, version=version, actor=request.user),
            done_url=record.organisation.get_absolute_url(),
            done_message=f"{kind.title(record)} was retired. Its history is kept.",
            context={
                "title": kind.retire_title(record),
                "caption": kind.retire_caption(record),
                "explanation": (
                    f"The {kind.name} leaves {kind.leaves}. "
                    "It is not deleted: its history is kept, and an editor or network coordinator can restore it."
                ),
                "button": f"Retire this {kind.name}",
                "warning": True,
                "back_url": kind.url(record),
                "reload_url": reverse(kind.url_name("retire"), args=[record.pk]),
            },
        )

    return retire


def history_view(kind: RecordKind):
    @require_safe
    def record_history(request, pk):
        record = _for_history(request, kind, pk)
        return history_page(
            request,
            record=record,
            entries=kind.entries(record, request.viewer),
            title=f"History of {kind.label(record)}",
            caption=kind.name.capitalize(),
            record_url=kind.url(record) if record.retired_at is None else "",
            restore_url_name=kind.url_name("restore"),
        )

    return record_history


def restore_view(kind: RecordKind):
    @login_required
    @require_http_methods(["GET", "POST"])
    def restore(request, pk, history_id):
        record = _for_history(request, kind, pk)
        return restore_page(
            request,
            record,
            history_id,
            restore=lambda version: kind.restore(record, history_id=history_id, actor=request.user, version=version),
            label=kind.label(record),
            history_url=reverse(kind.url_name("history"), args=[record.pk]),
        )

    return restore


def record_urls(kind: RecordKind) -> list:
    """The five editing pages of a kind, at `organisations/<slug>/<plural>/add/` and
    `<plural>/<pk>/edit/`, `retire/`, `history/` and `history/<history_id>/restore/`."""
    return [
        path(f"organisations/<slug:slug>/{kind.plural}/add/", add_view(kind), name=f"{kind.name}_add"),
        path(f"{kind.plural}/<int:pk>/edit/", edit_view(kind), name=f"{kind.name}_edit"),
        path(f"{kind.plural}/<int:pk>/retire/", retire_view(kind), name=f"{kind.name}_retire"),
        path(f"{kind.plural}/<int:pk>/history/", history_view(kind), name=f"{kind.name}_history"),
        path(
            f"{kind.plural}/<int:pk>/history/<int:history_id>/restore/", restore_view(kind), name=f"{kind.name}_restore"
        ),
    ]


def history_entries(record, viewer, *, hidden: set[str], related: dict) -> list[history.Entry]:
    """A record's history as this viewer may read it (the page and the API show the same):
    `hidden` fields left out, names only for those who may see the organisation's people."""
    return history.history_entries(
        record,
        versions=viewer.versions(record),
        hidden=hidden,
        show_people=viewer.sees_people(record.organisation_id),
        related=related,
    )

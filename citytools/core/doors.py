"""The page doors' toolkit: what every app's views do the same way around a service call.

A view parses a form, calls a service and either shows the result or shows the form again.
The pieces here say how, once for the site:

- `domain_errors(form)`: the one place a view turns a DomainError into what the person sees.
  A refusal about who may act (403, 404) becomes the site's error page (`refuse`); any other
  is caught and shown against the field it names, and the view renders the form again.
- `refusals()`: the same for a read that can only be refused (no form to show an error on).
- `finished`: after a successful POST, a 303 to the result (an HTMX redirect with HTMX);
  `bounced`: after a button that could not act, a 303 back with the reason.
- `render_form`: the whole page, or with HTMX only the form.
- `confirm_page`, `history_page`, `restore_page`: the confirmation, history and restore pages
  of any versioned record (citytools.core.history).
"""

import contextlib
from collections.abc import Iterator

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django_htmx.http import HttpResponseClientRedirect

from citytools.core.api import FORBIDDEN
from citytools.core.errors import Conflict, DomainError
from citytools.core.forms import ConfirmForm, add_domain_error


def refuse(error: DomainError) -> None:
    """A DomainError that is about who may act, not about what they typed."""
    if error.status == 403:
        raise PermissionDenied(error.message)
    if error.status == 404:
        raise Http404(error.message)


class Refusal:
    """What `domain_errors` caught: the error (None when the call went through) and, for a
    stale edit caught as one, its message in `conflict`."""

    def __init__(self):
        self.error: DomainError | None = None
        self.conflict = ""

    def __bool__(self) -> bool:
        return self.error is not None

    @property
    def message(self) -> str:
        return self.error.message if self.error else ""


@contextlib.contextmanager
def domain_errors(form=None, *, conflicts: bool = False) -> Iterator[Refusal]:
    """Run a service call on a view's behalf; the view goes on after the block when it failed:

        with domain_errors(form):
            record = services.create_record(...)
            return finished(request, record.get_absolute_url(), "Added.")
        return render(request, ..., status=400)

    403 and 404 refusals become the site's error pages (`refuse`). Any other DomainError is
    recorded against the field it names on `form` (when given) and kept on the yielded
    Refusal. With `conflicts=True` a Conflict (someone saved first) is kept as
    `refusal.conflict` instead, for the page's "someone else changed this" summary.
    """
    refusal = Refusal()
    try:
        yield refusal
    except DomainError as error:
        refuse(error)
        refusal.error = error
        if conflicts and isinstance(error, Conflict):
            refusal.conflict = error.message
        elif form is not None:
            add_domain_error(form, error)


@contextlib.contextmanager
def refusals() -> Iterator[None]:
    """For a read that a service may refuse: 403 and 404 become the site's error pages, and
    any other DomainError goes on up."""
    try:
        yield
    except DomainError as error:
        refuse(error)
        raise


def bounced(request, url: str, message: str):
    """A button that could not act: back to its page (`url`) with the reason as an error message."""
    messages.error(request, message)
    return HttpResponseRedirect(url, status=303)


def form_status(form, conflict: str = "") -> int:
    """A form page's status: 409 for a stale edit, 400 for a form sent with errors, else 200."""
    return 409 if conflict else 400 if form.is_bound else 200


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


def forbid_unless(allowed: bool, message: str = FORBIDDEN) -> None:
    if not allowed:
        raise PermissionDenied(message)


def history_record(queryset, pk: int, viewer):
    """A record for its history or a restore: visible to this viewer, and if retired, only
    to those who could restore it (others lose sight of a retired record)."""
    record = get_object_or_404(queryset, pk=pk)
    if record.retired_at is not None and not viewer.can_restore(record.organisation_id):
        raise Http404("No such record.")
    return record


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
            with domain_errors(conflicts=True) as refusal:
                act(version=form.cleaned_data["version"])
                return finished(request, done_url, done_message)
            conflict = refusal.conflict
            if not conflict:
                form.add_error(None, refusal.message)  # a confirmation has no field to blame
    else:
        form = ConfirmForm(initial={"version": version})
    return render(
        request, "core/edit/confirm.html", {**context, "form": form, "conflict": conflict},
        status=form_status(form, conflict),
    )


def restore_page(request, record, history_id, *, restore, label: str, history_url: str):
    """The restore door for any record with history: confirm, then `restore(version=...)`."""
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

"""How a page door turns a DomainError into what the person sees (citytools.core.doors): the
one translation every view uses, tested once here; each view's own tests check its pages."""

import pytest
from django import forms
from django.core.exceptions import PermissionDenied
from django.http import Http404

from citytools.core.doors import domain_errors, form_status, refusals
from citytools.core.errors import Conflict, DomainError, Forbidden, NotFound


class NameForm(forms.Form):
    name = forms.CharField()


def bound() -> NameForm:
    form = NameForm({"name": "Payroll"})
    assert form.is_valid()
    return form


def test_a_call_that_goes_through_leaves_nothing_behind():
    form = bound()
    with domain_errors(form) as refusal:
        pass
    assert not refusal and refusal.message == "" and refusal.conflict == ""
    assert not form.errors


@pytest.mark.parametrize(
    "field, errors",
    [("name", {"name": ["Taken."]}), ("nothing_here", {"__all__": ["Taken."]}), (None, {"__all__": ["Taken."]})],
)
def test_a_refusal_is_shown_against_the_field_it_names_or_the_whole_form(field, errors):
    form = bound()
    with domain_errors(form) as refusal:
        raise DomainError("Taken.", field=field)
    assert refusal and refusal.message == "Taken."
    assert form.errors == errors


@pytest.mark.parametrize("error, page", [(Forbidden("Not yours."), PermissionDenied), (NotFound("No such thing."), Http404)])
def test_refusals_about_who_may_act_are_the_sites_error_pages(error, page):
    form = bound()
    with pytest.raises(page, match=error.message), domain_errors(form):
        raise error
    assert not form.errors
    with pytest.raises(page, match=error.message), refusals():
        raise error


def test_a_stale_edit_is_a_conflict_only_when_the_page_shows_one():
    form = bound()
    with domain_errors(form, conflicts=True) as refusal:
        raise Conflict("Someone saved first.")
    assert refusal.conflict == "Someone saved first." and not form.errors
    assert form_status(form, refusal.conflict) == 409
    with domain_errors(form) as refusal:
        raise Conflict("Someone saved first.")
    assert refusal.conflict == "" and form.errors == {"__all__": ["Someone saved first."]}
    assert form_status(form, refusal.conflict) == 400


def test_a_refused_read_that_is_not_about_access_goes_on_up():
    with pytest.raises(DomainError, match="Broken."), refusals():
        raise DomainError("Broken.")


def test_other_exceptions_are_not_caught():
    with pytest.raises(ZeroDivisionError), domain_errors(bound()):
        raise ZeroDivisionError

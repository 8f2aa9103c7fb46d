"""The one date widget every form uses (citytools.core.forms.DateField / DateInput)."""

import datetime
import importlib
import pkgutil

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.utils import translation

import citytools
from citytools.core.forms import DateField, DateInput, GovukForm


class Dated(GovukForm):
    day = DateField(required=False, label="Day")


@pytest.mark.parametrize("language", ["en-gb", "en-us", "fr", "de"])
def test_a_saved_date_is_rendered_as_an_iso_date_whatever_the_locale(language):
    with translation.override(language):
        html = str(Dated(initial={"day": datetime.date(2020, 4, 1)})["day"])
    assert 'type="date"' in html
    assert 'value="2020-04-01"' in html


def test_a_date_typed_back_is_shown_as_typed_when_the_form_is_refused():
    form = Dated(data={"day": "2020-02-30"})
    assert not form.is_valid()
    assert 'value="2020-02-30"' in str(form["day"])


@pytest.mark.parametrize("typed, day", [("2020-04-01", datetime.date(2020, 4, 1)), ("01/04/2020", datetime.date(2020, 4, 1)), ("", None)])
def test_iso_dates_are_read_and_so_are_day_first_ones(typed, day):
    form = Dated(data={"day": typed})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["day"] == day


def test_an_impossible_date_is_refused():
    assert not Dated(data={"day": "2020-13-01"}).is_valid()


def _form_classes():
    for module in pkgutil.walk_packages(citytools.__path__, "citytools."):
        if ".migrations" in module.name or module.name.endswith((".settings", ".wsgi", "__main__")) or ".management" in module.name:
            continue
        loaded = importlib.import_module(module.name)
        for value in vars(loaded).values():
            if isinstance(value, type) and issubclass(value, forms.BaseForm) and value.__module__ == loaded.__name__:
                yield value


def test_every_date_field_of_every_form_uses_the_one_date_widget():
    """A date field with Django's own DateInput renders the locale's "01/04/2020", which a
    browser's date input shows as empty: saving the form then wipes the date."""
    found = []
    for form_class in _form_classes():
        for name, field in form_class.base_fields.items():
            if isinstance(field, forms.DateField) and not isinstance(field, forms.DateTimeField):
                found.append(f"{form_class.__module__}.{form_class.__name__}.{name}")
                assert isinstance(field.widget, DateInput), f"{found[-1]} does not use citytools.core.forms.DateInput"
            if isinstance(field, forms.DateTimeField) and not field.widget.is_hidden:
                # A datetime-local input only takes YYYY-MM-DDTHH:MM.
                assert field.widget.format and field.widget.format.startswith("%Y-%m-%d"), f"{form_class.__name__}.{name}"
            if isinstance(field, forms.DateField | forms.DateTimeField):
                # Issue 14, item 4: the one range of dates (citytools.core.dates) holds in every form.
                for typed in ("9999-12-31", "1899-12-31"):
                    with pytest.raises(ValidationError, match="between 1 January 1900 and 31 December 2200"):
                        field.clean(typed if isinstance(field, DateField) else f"{typed}T09:00")
    assert len(found) >= 8  # systems, contracts, initiatives, challenges, milestones, campaigns, filters


class Noted(GovukForm):
    notes = forms.CharField(required=False, widget=forms.Textarea)


def test_a_textarea_sent_with_a_browsers_crlf_line_breaks_is_read_with_plain_ones():
    """Text saved with "\\n" and sent back unchanged by a browser (as "\\r\\n") is the same text."""
    form = Noted(data={"notes": "First line\r\nSecond line\rThird"})
    assert form.is_valid() and form.cleaned_data["notes"] == "First line\nSecond line\nThird"


class Named(GovukForm):
    name = forms.CharField(label="Name")
    tags = forms.MultipleChoiceField(choices=[("a", "a")], required=False)


@pytest.mark.parametrize(("typed", "problem"), [("bell\x07", "a control character (U+0007)"), ("esc\x1b", "a control character (U+001B)")])
def test_a_form_refuses_what_the_text_rule_refuses(typed, problem):
    """The same rule as the API's and the imports' (citytools.core.text), as a field error."""
    form = Named(data={"name": typed})
    assert not form.is_valid()
    assert form.errors["name"] == [f"This field contains {problem}, which no field accepts. Remove it and try again."]


def test_a_form_refuses_nul_characters():
    form = Named(data={"name": "nul\x00byte"})
    assert not form.is_valid() and "name" in form.errors


def test_a_form_keeps_line_breaks_and_tabs():
    form = Named(data={"name": "one\ttwo\r\nthree"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["name"] == "one\ttwo\nthree"

"""Form pieces every app's pages share."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from citytools.core.dates import EARLIEST, LATEST, in_range, out_of_range_message
from citytools.core.money import DEFAULT_LIMIT, MoneyError, parse_money
from citytools.core.text import refusal_message, text_problem


class GovukForm(forms.Form):
    """Gives each widget the GOV.UK Frontend class for its kind, and the error variant."""

    classes = {"select": "govuk-select", "text": "govuk-input", "number": "govuk-input govuk-input--width-5", "date": "govuk-input govuk-input--width-10"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = self.classes.get(getattr(field.widget, "input_type", "select"))
            if css and not field.widget.is_hidden:
                field.widget.attrs["class"] = css

    def full_clean(self):
        super().full_clean()
        # The site's one text rule (citytools.core.text), as for the API and the imports.
        for name, value in list(getattr(self, "cleaned_data", {}).items()):
            texts = value if isinstance(value, list | tuple) else [value]
            problem = next((p for text in texts if isinstance(text, str) and (p := text_problem(text))), None)
            if problem:
                self.add_error(name, refusal_message(problem, subject="This field"))
        # Browsers send a textarea's line breaks as CRLF (the HTML standard says so), so text
        # saved with "\n" would come back different from a form submitted unchanged.
        for name, value in getattr(self, "cleaned_data", {}).items():
            if isinstance(value, str) and "\r" in value:
                self.cleaned_data[name] = value.replace("\r\n", "\n").replace("\r", "\n")
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                base = widget.attrs.get("class", "").split(" ")[0]
                if base:
                    widget.attrs["class"] += f" {base}--error"


def add_domain_error(form, error) -> None:
    """Show a DomainError from a service against the field it names, or the whole form."""
    form.add_error(error.field if error.field in form.fields else None, error.message)


class EditForm(GovukForm):
    """GOV.UK markup for edit forms: textareas, checkboxes and error descriptions."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, forms.Textarea):
                field.widget.attrs["class"] = "govuk-textarea"
            elif isinstance(field.widget, forms.CheckboxInput):
                field.widget.attrs["class"] = "govuk-checkboxes__input"

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                bound = self[name]
                described = [f"{bound.auto_id}-error"]
                if self.fields[name].help_text:
                    described.insert(0, f"{bound.auto_id}_helptext")
                self.fields[name].widget.attrs["aria-describedby"] = " ".join(described)

    def add_domain_error(self, error) -> None:
        add_domain_error(self, error)


class ConfirmForm(forms.Form):
    """The confirmation of an action on a versioned record (retire, restore): the version the person saw."""

    version = forms.IntegerField(widget=forms.HiddenInput)


ISO_DATE = "%Y-%m-%d"


class DateInput(forms.DateInput):
    """The one date widget of every form: `<input type="date">`, whose value a browser only
    accepts as an ISO date (YYYY-MM-DD). Django's own DateInput writes the first of the
    locale's input formats ("01/04/2020" in en-GB), which a browser shows as an empty field,
    so saving the form unchanged would wipe the date. Its picker offers only the days every
    door accepts (citytools.core.dates)."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs={"min": EARLIEST.isoformat(), "max": LATEST.isoformat(), **(attrs or {})}, format=ISO_DATE)


class _InRange:
    """Refuses a date (or a date and time) outside the range every door accepts."""

    def validate(self, value):
        super().validate(value)
        if value is not None and not in_range(value):
            raise ValidationError(out_of_range_message(), code="out_of_range")


class DateField(_InRange, forms.DateField):
    """A date typed or picked as YYYY-MM-DD, shown back in the same form. The locale's day-first
    forms ("31/03/2027") are still read, for someone typing into a browser with no date picker.
    Only days from citytools.core.dates.EARLIEST to LATEST are accepted."""

    widget = DateInput
    input_formats = [ISO_DATE, "%d/%m/%Y"]


DATETIME_FORMAT = "%Y-%m-%dT%H:%M"


class DateTimeField(_InRange, forms.DateTimeField):
    """A date and time, picked in `<input type="datetime-local">` (its value is
    YYYY-MM-DDTHH:MM) or typed like 2026-03-31 17:00, on a day the doors accept."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.DateTimeInput(
            attrs={"type": "datetime-local", "min": f"{EARLIEST.isoformat()}T00:00", "max": f"{LATEST.isoformat()}T23:59"},
            format=DATETIME_FORMAT,
        ))
        super().__init__(**kwargs)


class MoneyField(forms.CharField):
    """An amount as people type it ("42,000", "£1,234.50", "CAD 50,000"), read by the one
    money parser (citytools.core.money.parse_money); the cleaned value is a Decimal or None.

    A text box, not type=number: GOV.UK advises against number inputs (they change the value
    on scroll and refuse "120,000" without saying why)."""

    def __init__(self, *, limit=None, **kwargs):
        self.limit = limit
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        # A saved amount shows as it is typed: 42000.50 rather than 42000.5000.
        if isinstance(value, Decimal):
            return f"{value:,.2f}".removesuffix(".00")
        return value

    def to_python(self, value):
        text = super().to_python(value)
        try:
            return parse_money(text, label=str(self.label or "The amount"), limit=self.limit or DEFAULT_LIMIT)
        except MoneyError as error:
            raise ValidationError(error.message, code="invalid") from None

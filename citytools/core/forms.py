"""Form pieces every app's pages share."""

from django import forms


class GovukForm(forms.Form):
    """Gives each widget the GOV.UK Frontend class for its kind, and the error variant."""

    classes = {"select": "govuk-select", "text": "govuk-input", "number": "govuk-input govuk-input--width-5", "date": "govuk-input govuk-input--width-10"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            css = self.classes.get(getattr(field.widget, "input_type", "select"))
            if css and not field.widget.is_hidden:
                field.widget.attrs["class"] = css

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                base = widget.attrs.get("class", "").split(" ")[0]
                if base:
                    widget.attrs["class"] += f" {base}--error"


ISO_DATE = "%Y-%m-%d"


class DateInput(forms.DateInput):
    """The one date widget of every form: `<input type="date">`, whose value a browser only
    accepts as an ISO date (YYYY-MM-DD). Django's own DateInput writes the first of the
    locale's input formats ("01/04/2020" in en-GB), which a browser shows as an empty field,
    so saving the form unchanged would wipe the date."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, format=ISO_DATE)


class DateField(forms.DateField):
    """A date typed or picked as YYYY-MM-DD, shown back in the same form. The locale's day-first
    forms ("31/03/2027") are still read, for someone typing into a browser with no date picker."""

    widget = DateInput
    input_formats = [ISO_DATE, "%d/%m/%Y"]

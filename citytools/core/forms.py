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

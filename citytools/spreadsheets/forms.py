"""Forms of the import pages: the upload (a file, or text pasted in) and the column mapping."""

from django import forms
from django.conf import settings

from citytools.core.forms import GovukForm
from citytools.spreadsheets import rules, sheets
from citytools.spreadsheets.models import Kind


class UploadForm(GovukForm):
    kind = forms.ChoiceField(label="What does the file hold?", choices=Kind.choices, widget=forms.RadioSelect)
    file = forms.FileField(label="Spreadsheet (CSV or XLSX)", required=False)
    text = forms.CharField(
        label="Or paste CSV text", required=False, widget=forms.Textarea(attrs={"rows": 6, "class": "govuk-textarea"}),
        help_text="Rows copied from a spreadsheet, with the header row first.",
    )

    def clean_file(self):
        # Refused here, from the size the upload declares: upload() reads no further than one
        # byte past the limit, so the import would only know that many bytes.
        file = self.cleaned_data.get("file")
        if file and file.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(sheets.too_large_message(file.size, settings.IMPORT_MAX_BYTES))
        return file

    def clean(self):
        data = super().clean()
        if not data.get("file") and not (data.get("text") or "").strip():
            self.add_error("file", "Choose a CSV or XLSX file, or paste CSV text.")
        return data

    def upload(self) -> tuple[str, bytes]:
        """The file's name and bytes, read no further than one byte past the limit."""
        file = self.cleaned_data.get("file")
        if file:
            return file.name, file.read(settings.IMPORT_MAX_BYTES + 1)
        return "pasted.csv", self.cleaned_data["text"].encode("utf-8")


class MappingForm(forms.Form):
    """One choice per column of the file: which field it holds, or none."""

    def __init__(self, *args, kind: str, header: list[str], mapping: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", "Leave this column out")] + [(c.name, c.label) for c in rules.columns(kind)]
        for position, text in enumerate(header):
            letter = column_letter(position)
            self.fields[f"column_{position}"] = forms.ChoiceField(
                label=f"Column {letter}: {text}" if text else f"Column {letter} (no header)",
                choices=choices, required=False, initial=mapping[position] if position < len(mapping) else "",
                widget=forms.Select(attrs={"class": "govuk-select"}),
            )

    def mapping(self) -> list[str]:
        return [self.cleaned_data.get(name) or "" for name in self.fields]


def column_letter(position: int) -> str:
    letters = ""
    position += 1
    while position:
        position, remainder = divmod(position - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters

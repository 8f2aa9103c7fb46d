from django import forms
from django.conf import settings

from citytools.core.forms import EditForm, GovukForm
from citytools.spreadsheets import sheets


class LoadForm(EditForm):
    dry_run = forms.BooleanField(required=False, label="Dry run: only say what loading would do, and change nothing")


class SurveyForm(GovukForm):
    """A network's survey file, the source's name every record keeps, and whether the
    coordinator vouches for the source (citytools.registers.surveys.start_survey)."""

    file = forms.FileField(
        label="Survey file (CSV or XLSX)",
        help_text="The first sheet of an XLSX file is read. The header row may have title rows above it.",
        error_messages={"required": "Choose the survey’s CSV or XLSX file."},
    )
    label = forms.CharField(
        label="Name of the source", max_length=200,
        help_text="Such as “London survey 2026”. Every record keeps it; import a later edition under the same name.",
        error_messages={"required": "Name the source, such as “London survey 2026”: every record keeps it."},
    )
    trusted = forms.BooleanField(
        required=False, label="Trusted source: put its systems on the members’ maps at once, without their review",
    )

    def clean_file(self):
        # Refused from the size the upload declares, before it is read (as the service would).
        file = self.cleaned_data.get("file")
        if file and file.size > settings.NETWORK_IMPORT_MAX_BYTES:
            raise forms.ValidationError(sheets.too_large_message(file.size, settings.NETWORK_IMPORT_MAX_BYTES))
        return file

    def upload(self) -> tuple[str, bytes]:
        """The file's name and bytes, read no further than one byte past the limit."""
        file = self.cleaned_data["file"]
        return file.name, file.read(settings.NETWORK_IMPORT_MAX_BYTES + 1)


class DecideForm(forms.Form):
    """Which of the organisations a joint-service row names it is for: one, several or all."""

    row = forms.IntegerField(widget=forms.HiddenInput)
    organisations = forms.TypedMultipleChoiceField(
        label="Which of them is this row for?", coerce=int, widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one organisation."},
    )

    def __init__(self, *args, candidates: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisations"].choices = [(c["pk"], c["name"]) for c in candidates]

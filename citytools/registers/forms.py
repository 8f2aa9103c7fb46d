from django import forms

from citytools.core.forms import EditForm


class LoadForm(EditForm):
    dry_run = forms.BooleanField(required=False, label="Dry run: only say what loading would do, and change nothing")

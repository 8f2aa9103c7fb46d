"""Forms of the proposal pages: the applicant's short structured form, an attachment, and
the eligibility screening. They parse what a person typed; the services apply the rules."""

from decimal import Decimal

from django import forms

from citytools.core.forms import EditForm, MoneyField
from citytools.partnering.models import Scale


class ProposalForm(EditForm):
    supplier = forms.CharField(required=False, widget=forms.HiddenInput)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    scale = forms.ChoiceField(
        label="Size of your organisation",
        choices=Scale.choices,
        widget=forms.RadioSelect,
        help_text="Counted as the OCDS party scale; it helps the owners see whether small firms apply.",
        error_messages={"required": "Choose the size of your organisation."},
    )
    summary = forms.CharField(
        required=False, label="Your idea", help_text="In a few sentences: what would you try, and why?",
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    approach = forms.CharField(
        required=False, label="Your approach", help_text="How you would work with residents and staff during co-design.",
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    team = forms.CharField(
        required=False, label="Your team", help_text="Who would do the work, and what they have done before.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    plan = forms.CharField(
        required=False, label="Your plan (optional)", help_text="What happens in each part of the co-design.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    price = MoneyField(
        required=False, limit=Decimal("1e10"), label="Your price",
        help_text="The whole price of the co-design, at most the budget cap, like 45,000.",
    )

    def __init__(self, *args, currency: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["price"].widget.attrs.update({"class": "govuk-input govuk-input--width-10", "inputmode": "decimal"})
        if currency:
            self.fields["price"].label = f"Your price ({currency})"

    def changes(self) -> dict:
        data = self.cleaned_data
        return {name: data[name] for name in ("scale", "summary", "approach", "team", "plan", "price")}


class AttachmentForm(EditForm):
    file = forms.FileField(
        required=False,
        label="Attach a file",
        help_text="PDF, Word, Excel, PowerPoint, OpenDocument, PNG, JPEG, plain text or CSV.",
    )


DECISIONS = [("pass", "Meets it"), ("fail", "Does not meet it")]


class ScreeningForm(EditForm):
    """Pass or fail on each eligibility criterion, with a note (required for a fail)."""

    def __init__(self, *args, criteria=(), decided=None, **kwargs):
        super().__init__(*args, **kwargs)
        decided = decided or {}
        self.criteria = list(criteria)
        for criterion in self.criteria:
            earlier = decided.get(criterion.pk)
            self.fields[f"criterion_{criterion.pk}"] = forms.ChoiceField(
                label=criterion.text, choices=DECISIONS, widget=forms.RadioSelect,
                initial=None if earlier is None else ("pass" if earlier.passed else "fail"),
                error_messages={"required": f"Decide on “{criterion.text}”."},
            )
            self.fields[f"note_{criterion.pk}"] = forms.CharField(
                required=False, label="Note", help_text="Required when it does not meet the criterion: the applicant is told.",
                initial="" if earlier is None else earlier.note, widget=forms.Textarea(attrs={"rows": 2}),
            )

    def rows(self):
        return [(c, self[f"criterion_{c.pk}"], self[f"note_{c.pk}"]) for c in self.criteria]

    def decisions(self) -> dict:
        return {
            c.pk: (self.cleaned_data[f"criterion_{c.pk}"] == "pass", self.cleaned_data[f"note_{c.pk}"])
            for c in self.criteria
        }

    def add_domain_error(self, error) -> None:
        self.add_error(error.field if error.field in self.fields else None, error.message)

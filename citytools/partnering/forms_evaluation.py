"""Forms of the evaluation pages: the conflict declaration, one proposal's scores, a
consensus score and the nomination. The services apply the rules."""

from django import forms

from citytools.core.forms import EditForm

CONFLICT = [("no", "I have no conflict of interest with any of these applicants"), ("yes", "I have a conflict of interest")]


class DeclarationForm(EditForm):
    conflict = forms.ChoiceField(
        label="Your declaration", choices=CONFLICT, widget=forms.RadioSelect,
        error_messages={"required": "Choose whether you have a conflict of interest."},
    )
    note = forms.CharField(
        required=False, label="Details",
        help_text="With a conflict: which applicant, and why (for example, you advised them in the last three years).",
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ScoreForm(EditForm):
    """A radio group per criterion (each level with its text) and a comment box."""

    def __init__(self, *args, criteria=(), mine=None, **kwargs):
        super().__init__(*args, **kwargs)
        mine = mine or {}
        self.criteria = list(criteria)
        for criterion in self.criteria:
            texts = list(criterion.level_texts or [])
            choices = [
                (str(level), f"{level} – {texts[level]}" if level < len(texts) and texts[level] else str(level))
                for level in range(criterion.scale_max + 1)
            ]
            earlier = mine.get(criterion.pk)
            self.fields[f"score_{criterion.pk}"] = forms.ChoiceField(
                required=False, label=criterion.name, choices=choices, widget=forms.RadioSelect,
                initial=None if earlier is None else str(earlier.score),
            )
            self.fields[f"comment_{criterion.pk}"] = forms.CharField(
                required=False, label=f"Why this score for “{criterion.name}”",
                initial="" if earlier is None else earlier.comment, widget=forms.Textarea(attrs={"rows": 3}),
            )

    def rows(self):
        return [(c, self[f"score_{c.pk}"], self[f"comment_{c.pk}"]) for c in self.criteria]

    def scores(self) -> dict:
        """The criteria given a score or a comment: {criterion id: (score, comment)}."""
        out = {}
        for c in self.criteria:
            score, comment = self.cleaned_data[f"score_{c.pk}"], self.cleaned_data[f"comment_{c.pk}"]
            if score or comment:
                out[c.pk] = (score, comment)
        return out

    def add_domain_error(self, error) -> None:
        field = error.field if error.field in self.fields else None
        if field is None:
            for c in self.criteria:
                if f"“{c.name}”" in error.message:
                    field = f"score_{c.pk}" if "score" in error.message.lower().split("“")[0] else f"comment_{c.pk}"
                    break
        self.add_error(field, error.message)


class ConsensusForm(EditForm):
    score = forms.CharField(label="Consensus score", help_text="On the criterion's scale; decimals allowed, like 2.5.")
    rationale = forms.CharField(
        required=False, label="Rationale", help_text="Required when the score differs from the mean. It is recorded.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    feedback = forms.CharField(
        required=False, label="Feedback to the applicant on this criterion", widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["score"].widget.attrs.update({"class": "govuk-input govuk-input--width-5", "inputmode": "decimal"})


class SelectionForm(EditForm):
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    proposal = forms.ChoiceField(
        label="Proposal to partner with", widget=forms.RadioSelect,
        error_messages={"required": "Choose the proposal to partner with."},
    )
    rationale = forms.CharField(
        required=False, label="Rationale", help_text="Why this proposal; it is recorded and the steward reads it.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    awarded_value = forms.CharField(
        required=False, label="Awarded value",
        help_text="Leave empty to award the partner's price. Published on the award notice once signed off.",
    )

    def __init__(self, *args, choices=(), currency: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["proposal"].choices = list(choices)
        self.fields["awarded_value"].widget.attrs.update({"class": "govuk-input govuk-input--width-10", "inputmode": "decimal"})
        if currency:
            self.fields["awarded_value"].label = f"Awarded value ({currency})"

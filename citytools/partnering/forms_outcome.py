"""Forms of the outcome pages: co-design milestones and check-ins, the close-out survey and
a follow-on purchase. They parse input; citytools.partnering.services.outcome decides."""

from django import forms

from citytools.core.forms import DateField
from citytools.partnering.forms import PartneringForm, text_field
from citytools.partnering.models import CheckIn

ONE_TO_FIVE = [("", "Choose"), *[(str(n), label) for n, label in (
    (1, "1 – very poor"), (2, "2 – poor"), (3, "3 – fair"), (4, "4 – good"), (5, "5 – very good"),
)]]


class MilestoneForm(PartneringForm):
    title = forms.CharField(max_length=200, label="Milestone", error_messages={"required": "Name the milestone."})
    due_date = DateField(
        label="Due date",
        help_text="Like 2026-06-30.",
        error_messages={"required": "Give the date the milestone is due.", "invalid": "Enter a real date, like 2026-06-30."},
    )


class CheckInForm(PartneringForm):
    status = forms.ChoiceField(
        label="How is the co-design going?",
        choices=[("", "Choose"), *CheckIn.Status.choices],
        error_messages={"required": "Choose on track, at risk or off track."},
    )
    note = text_field("Note", "A few sentences: what happened, and what is next.", required=True, rows=3)
    note.error_messages["required"] = "Write a short note on how it is going."


class SurveyForm(PartneringForm):
    satisfaction = forms.TypedChoiceField(
        coerce=int, choices=ONE_TO_FIVE, label="How satisfied are you with the process?",
        error_messages={"required": "Choose how satisfied you are, from 1 to 5."},
    )
    clarity = forms.TypedChoiceField(
        coerce=int, choices=ONE_TO_FIVE, label="How clear was the challenge document?",
        error_messages={"required": "Choose how clear the document was, from 1 to 5."},
    )
    effort_hours = forms.IntegerField(
        required=False, min_value=0, max_value=10000, label="Hours spent on your proposal",
        help_text="Roughly, in whole hours. Leave empty if you did not apply.",
        error_messages={"invalid": "Enter a whole number of hours."},
    )
    would_apply_again = forms.TypedChoiceField(
        required=False, label="Would you apply to an Invitation to Partner again?",
        choices=[("", "Prefer not to say"), ("yes", "Yes"), ("no", "No")],
        coerce=lambda v: {"yes": True, "no": False}.get(v), empty_value=None,
    )
    keep = text_field("What worked and should be kept?", rows=3)
    change = text_field("What should change next time?", rows=3)


class PurchaseForm(PartneringForm):
    contract = forms.ChoiceField(label="Contract", error_messages={"required": "Choose a contract."})
    note = text_field("Note", "What was bought, and how it relates to the prototype.", rows=3)

    def __init__(self, *args, contracts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contract"].choices = [("", "Choose a contract"), *[
            (str(c.pk), f"{c.title} ({c.organisation}, from {c.start_date:%-d %B %Y})") for c in contracts
        ]]
        self.contracts = {str(c.pk): c for c in contracts}

    def chosen(self):
        return self.contracts.get(self.cleaned_data.get("contract"))


class DebriefFeedbackForm(PartneringForm):
    """The owners' review of one debrief: the feedback on each criterion, one textarea each
    (`feedback_<criterion id>`), started from the panel's feedback or the evaluators'
    comments. The service checks and releases it."""

    def __init__(self, *args, lines=(), drafts=None, **kwargs):
        super().__init__(*args, **kwargs)
        drafts = drafts or {}
        for line in lines:
            name = f"feedback_{line.criterion_id}"
            self.fields[name] = text_field(
                f"Feedback on “{line.criterion}”", f"Scored {line.score.normalize():f} of {line.scale_max}.", rows=6
            )
            self.fields[name].widget.attrs["class"] = "govuk-textarea"
            self.initial.setdefault(name, drafts.get(line.criterion_id, ""))
        self.lines = list(lines)

    def feedback(self) -> dict[int, str]:
        return {line.criterion_id: self.cleaned_data.get(f"feedback_{line.criterion_id}", "") for line in self.lines}

    def pairs(self):
        """(line, bound field) for the template."""
        return [(line, self[f"feedback_{line.criterion_id}"]) for line in self.lines]

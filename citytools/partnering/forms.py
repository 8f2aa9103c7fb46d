"""Forms of the Invitation-to-Partner pages. They parse what a person typed; the rules live in
citytools.partnering.rules and .checks and are applied by the services, whose DomainError the
view shows against the field it names (`add_domain_error`).

`PartneringForm` is the shared base (GOV.UK classes, error descriptions); each part's views
may define their own forms on it.
"""

from decimal import Decimal

from django import forms

from citytools.core.forms import DateField, DateTimeField, EditForm, MoneyField
from citytools.partnering import rules
from citytools.partnering.scoring import DEFAULT_TIE_BREAK, TIE_BREAKS


def datetime_field(label: str, help_text: str = "", required: bool = False) -> DateTimeField:
    return DateTimeField(
        required=required,
        label=label,
        help_text=help_text or "Date and time, like 2026-03-31 17:00.",
        error_messages={"invalid": "Enter a real date and time, like 2026-03-31 17:00."},
    )


def date_field(label: str, help_text: str = "") -> DateField:
    return DateField(
        required=False,
        label=label,
        help_text=help_text,
        error_messages={"invalid": "Enter a real date, like 2026-04-01."},
    )


def text_field(label: str, help_text: str = "", *, required: bool = False, rows: int = 4) -> forms.CharField:
    return forms.CharField(
        required=required, label=label, help_text=help_text, widget=forms.Textarea(attrs={"rows": rows})
    )


class PartneringForm(EditForm):
    """The site's edit form (textareas, checkboxes, error descriptions), with date-times and e-mail addresses too."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if getattr(widget, "input_type", "") == "datetime-local":
                widget.attrs["class"] = "govuk-input govuk-input--width-20"
            elif getattr(widget, "input_type", "") == "email":
                widget.attrs["class"] = "govuk-input"


class ChallengeForm(PartneringForm):
    """The challenge document. `owners` only when creating one."""

    owners = forms.MultipleChoiceField(
        label="Owning organisations",
        help_text="Choose several for a joint Invitation to Partner; the first ticked in this list leads.",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one owning organisation."},
    )
    title = forms.CharField(max_length=200, label="Title", error_messages={"required": "Give the challenge a title."})
    problem_statement = text_field(
        "The Challenge", "The problem in plain language. Describe the problem, not a solution.", required=True, rows=6
    )
    problem_statement.error_messages["required"] = "State the problem: 'The Challenge' is missing."
    background = text_field("Background")
    affected = text_field("Who is affected", "Who lives with the problem, and how many people.")
    outcomes = text_field("Desired outcomes", "What should be different when the partnership succeeds.")
    out_of_scope = text_field("Out of scope")
    budget_cap = MoneyField(
        required=False, limit=Decimal("1e10"), label="Budget cap",
        help_text="The most the owners will pay for the co-design, like 50,000.",
    )
    currency = forms.CharField(max_length=3, initial="CAD", label="Currency", help_text="Three letters, like CAD.")
    codesign_weeks = forms.IntegerField(
        required=False, min_value=1, max_value=520, label="Co-design length in weeks",
        error_messages={"invalid": "Enter a whole number of weeks."},
    )
    publication_date = date_field("Planned publication date")
    question_deadline = datetime_field("Question deadline", "Questions close at this instant. Like 2026-03-31 17:00.")
    submission_deadline = datetime_field("Submission deadline", "Proposals close at this instant. Like 2026-04-30 17:00.")
    evaluation_date = date_field("Evaluation")
    expected_start = date_field("Expected start of the co-design")
    how_to_apply = text_field("How to apply")
    tie_break = forms.ChoiceField(
        label="Tie-break rules",
        help_text="How equal totals are separated. Published with the challenge, and the ranking applies exactly these.",
        choices=[(key, text) for key, (_, text) in TIE_BREAKS.items()],
        initial=DEFAULT_TIE_BREAK,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the tie-break rules.", "invalid_choice": "Choose one of the tie-break rules."},
    )
    terms_non_binding = forms.BooleanField(required=False, label="The partnership is non-binding")
    terms_vendor_owns_prototype = forms.BooleanField(required=False, label="The vendor owns the prototype")
    terms_separate_purchase = forms.BooleanField(
        required=False, label="Any later purchase needs a separate contract"
    )
    terms_text = text_field("Other terms")
    blind_scoring = forms.BooleanField(
        required=False, label="Blind scoring: evaluators do not see who wrote a proposal while they score"
    )
    contact_name = forms.CharField(required=False, max_length=200, label="Contact name")
    contact_email = forms.EmailField(
        required=False, label="Contact e-mail", error_messages={"invalid": "Enter an e-mail address like name@example.org."}
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    SERVICE_FIELDS = (
        "title", "problem_statement", "background", "affected", "outcomes", "out_of_scope", "budget_cap", "currency",
        "codesign_weeks", "publication_date", "question_deadline", "submission_deadline", "evaluation_date",
        "expected_start", "how_to_apply", "tie_break", "terms_non_binding", "terms_vendor_owns_prototype",
        "terms_separate_purchase", "terms_text", "blind_scoring", "contact_name", "contact_email",
    )

    def __init__(self, *args, organisations=None, creating: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if creating:
            self.fields["owners"].choices = [(o.slug, str(o)) for o in organisations or []]
        else:
            del self.fields["owners"]

    @classmethod
    def initial_from(cls, challenge) -> dict:
        initial = {name: getattr(challenge, name) for name in cls.SERVICE_FIELDS}
        initial["version"] = challenge.version
        return initial

    def changes(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in self.SERVICE_FIELDS}


class CriterionForm(PartneringForm):
    """One row of the criteria form; a row with no name is left out."""

    name = forms.CharField(required=False, max_length=200, label="Name")
    description = forms.CharField(required=False, label="What it looks for", widget=forms.Textarea(attrs={"rows": 2}))
    # The limits are checked by rules.weight_problem and rules.scale_problem, as the service
    # checks them; the widget only tells the browser.
    weight = forms.IntegerField(
        required=False, label="Weight",
        widget=forms.NumberInput(attrs={"min": 1, "max": rules.MAX_WEIGHT}),
        error_messages={"invalid": "Enter the weight as a whole number."},
    )
    scale_max = forms.IntegerField(
        required=False, label="Top score", initial=rules.DEFAULT_SCALE_MAX,
        widget=forms.NumberInput(attrs={"min": 1, "max": rules.MAX_SCALE}),
        help_text=f"Scores run from 0 to this (at most {rules.MAX_SCALE}).",
        error_messages={"invalid": f"Enter a whole number from 1 to {rules.MAX_SCALE}."},
    )
    level_texts = forms.CharField(
        required=False,
        label="What each score means",
        help_text="One line per score, from 0 up: a scale from 0 to 4 needs 5 lines.",
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def clean(self):
        data = super().clean()
        if data.get("name"):
            if data.get("weight") is None and "weight" not in self.errors:
                self.add_error("weight", "Give this criterion a weight.")
            if data.get("scale_max") is None and "scale_max" not in self.errors:
                self.add_error("scale_max", "Give this criterion its top score.")
        for name, problem in (("weight", rules.weight_problem), ("scale_max", rules.scale_problem)):
            if data.get(name) is not None and problem(data[name]):
                self.add_error(name, f"This criterion {problem(data[name])}.")
        return data

    def row(self) -> dict | None:
        data = self.cleaned_data
        if not data.get("name"):
            return None
        return {
            "name": data["name"],
            "description": data.get("description") or "",
            "weight": data["weight"],
            "scale_max": data["scale_max"],
            "level_texts": [line.strip() for line in (data.get("level_texts") or "").splitlines() if line.strip()],
        }


CriterionFormSet = forms.formset_factory(CriterionForm, extra=2, max_num=20, absolute_max=40)


class EligibilityForm(PartneringForm):
    eligibility = forms.CharField(
        required=False,
        label="Pass/fail eligibility criteria",
        help_text="One per line. A proposal that fails one is not scored.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def lines(self) -> list[str]:
        return [line.strip() for line in (self.cleaned_data.get("eligibility") or "").splitlines() if line.strip()]


class MoveForm(PartneringForm):
    to = forms.CharField(widget=forms.HiddenInput)
    reason = forms.CharField(
        required=False,
        label="Reason",
        help_text="Recorded with the move; for a cancellation it is published.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class PanelForm(PartneringForm):
    steward = forms.ChoiceField(
        required=False,
        label="Procurement steward",
        help_text="Approves publication and signs off the selection; never scores.",
    )
    evaluators = forms.MultipleChoiceField(
        required=False, label="Evaluators", widget=forms.CheckboxSelectMultiple,
        help_text="Each signs a conflict-of-interest declaration before reading any proposal.",
    )

    def __init__(self, *args, candidates=(), **kwargs):
        super().__init__(*args, **kwargs)
        people = [(str(u.pk), f"{u} ({u.email})") for u in candidates]
        self.fields["steward"].choices = [("", "Not chosen yet"), *people]
        self.fields["evaluators"].choices = people


class QuestionForm(PartneringForm):
    text = forms.CharField(
        max_length=4000,
        label="Your question",
        help_text="The question and its answer are published to everyone, without your name or your company's.",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Write your question."},
    )


class AnswerForm(PartneringForm):
    answer = forms.CharField(
        label="Answer", widget=forms.Textarea(attrs={"rows": 3}), error_messages={"required": "Write the answer."}
    )


class AddendumForm(PartneringForm):
    title = forms.CharField(max_length=200, label="Title", error_messages={"required": "Give the addendum a title."})
    body = forms.CharField(
        label="What changes", widget=forms.Textarea(attrs={"rows": 6}), error_messages={"required": "Say what changes."}
    )
    material = forms.BooleanField(
        required=False,
        label="Material: it changes what applicants would propose (submitted proposals must be re-confirmed)",
    )
    new_submission_deadline = datetime_field(
        "New submission deadline", "Only to move it later. Needed for a material addendum if the deadline is near."
    )

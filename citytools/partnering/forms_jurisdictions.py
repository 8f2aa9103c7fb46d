"""The form of one jurisdiction's publication rules (platform admins only)."""

from decimal import Decimal

from django import forms

from citytools.core.forms import MoneyField
from citytools.partnering.forms import PartneringForm

YES_NO = [("yes", "Required"), ("no", "Not required")]


class PublicationRulesForm(PartneringForm):
    slug = forms.SlugField(
        label="Short name for addresses", help_text="Letters, numbers and hyphens, like city-of-toronto.",
        error_messages={"required": "Give the rules a short name, like city-of-toronto.",
                        "invalid": "Use only letters, numbers and hyphens, like city-of-toronto."},
    )
    name = forms.CharField(max_length=200, label="Name", error_messages={"required": "Give the rules a name."})
    currency = forms.CharField(max_length=3, label="Currency of the budget cap", help_text="Three letters, like CAD.")
    max_budget = MoneyField(
        limit=Decimal("1e10"), label="Highest budget cap", help_text="Like 50,000.",
        error_messages={"required": "Give the highest budget cap, like 50,000."},
    )
    min_weeks = forms.IntegerField(min_value=1, max_value=520, label="Shortest co-design, in weeks")
    max_weeks = forms.IntegerField(min_value=1, max_value=520, label="Longest co-design, in weeks")
    weights_total = forms.IntegerField(min_value=1, max_value=1000, label="The criteria's weights must add up to")
    min_eligibility_criteria = forms.IntegerField(min_value=0, max_value=50, label="Fewest pass/fail eligibility criteria")
    addendum_notice_days = forms.IntegerField(
        min_value=0, max_value=365, label="Days' notice a material addendum needs before the submission deadline"
    )
    min_submission_days = forms.IntegerField(
        min_value=0, max_value=365, label="Fewest days from publication to the submission deadline",
        help_text="A challenge whose applicants would have less time is not published.",
    )
    min_question_days = forms.IntegerField(
        min_value=0, max_value=365, label="Fewest days from the question deadline to the submission deadline",
        help_text="So that applicants read the answers before they submit.",
    )
    require_scale_texts = forms.TypedChoiceField(
        label="A text for every score level", choices=YES_NO, coerce=lambda v: v == "yes", widget=forms.RadioSelect
    )
    require_terms = forms.TypedChoiceField(
        label="The non-binding terms stated", choices=YES_NO, coerce=lambda v: v == "yes", widget=forms.RadioSelect
    )
    organisations = forms.MultipleChoiceField(
        required=False, label="Organisations under these rules",
        help_text="A challenge takes the rules of its lead organisation. Ticking one here moves it from any other rules.",
        widget=forms.CheckboxSelectMultiple,
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    VALUE_FIELDS = (
        "name", "currency", "max_budget", "min_weeks", "max_weeks", "weights_total", "min_eligibility_criteria",
        "addendum_notice_days", "min_submission_days", "min_question_days", "require_scale_texts", "require_terms",
    )

    def __init__(self, *args, organisations=(), creating: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisations"].choices = [(o.slug, str(o)) for o in organisations]
        if not creating:
            del self.fields["slug"]

    @classmethod
    def initial_for(cls, rules_, organisation_slugs) -> dict:
        initial = {name: getattr(rules_, name) for name in cls.VALUE_FIELDS}
        for name in ("require_scale_texts", "require_terms"):
            initial[name] = "yes" if initial[name] else "no"
        initial["organisations"] = list(organisation_slugs)
        return initial

    def values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.VALUE_FIELDS}

"""Forms of the opportunity finder and of joint procurement initiatives. They parse input;
the rules are in citytools.opportunities.rules and .services."""

from django import forms

from citytools.core.forms import DateField, EditForm, GovukForm, MoneyField
from citytools.core.widgets import QuickSelect
from citytools.directory.models import Network, Supplier
from citytools.inventory.models import Product, ServiceArea
from citytools.opportunities.models import Answer, InitiativeStatus
from citytools.opportunities.queries import WINDOW_MONTHS


class FinderFilters(GovukForm):
    months = forms.TypedChoiceField(
        label="Contracts ending within", coerce=int, required=False, widget=forms.RadioSelect,
        choices=[(m, f"{m} months of each other") for m in WINDOW_MONTHS],
    )
    network = forms.ChoiceField(label="Network", required=False, widget=QuickSelect)
    area = forms.ChoiceField(label="Service area", required=False, widget=QuickSelect)
    product = forms.ChoiceField(label="Product", required=False, widget=QuickSelect)
    supplier = forms.ChoiceField(label="Supplier", required=False, widget=QuickSelect)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["network"].choices = [("", "Any network"), *Network.objects.order_by("name").values_list("slug", "name")]
        areas = ServiceArea.objects.select_related("parent").order_by("parent__position", "position")
        self.fields["area"].choices = [("", "Every service area")] + [
            (a.slug, a.name if a.is_group else f"{a.parent.name}: {a.name}") for a in areas
        ]
        self.fields["product"].choices = [("", "Any product"), *Product.objects.order_by("name").values_list("slug", "name")]
        self.fields["supplier"].choices = [("", "Any supplier"), *Supplier.objects.order_by("name").values_list("slug", "name")]


class AnswerForm(EditForm):
    answer = forms.ChoiceField(
        label="Your organisation’s answer", widget=forms.RadioSelect,
        choices=[(a, label) for a, label in Answer.choices if a != Answer.PENDING],
        error_messages={"required": "Choose interested, not now or declined."},
    )
    note = forms.CharField(label="Note (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=10000)


class NoteForm(EditForm):
    body = forms.CharField(label="Add a note", widget=forms.Textarea(attrs={"rows": 3}), max_length=10000,
                           error_messages={"required": "Write the note."})


class InviteForm(EditForm):
    organisation = forms.ChoiceField(label="Invite another organisation", widget=QuickSelect)

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [(o.slug, o.name) for o in organisations]


class PlanForm(EditForm):
    decision_date = DateField(label="Decide by", required=False)
    target_date = DateField(label="Joint contract in place by", required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


class OutcomeForm(EditForm):
    status = forms.ChoiceField(label="Status", choices=InitiativeStatus.choices)
    outcome = forms.CharField(label="What was procured, or why not", required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=10000)
    savings = MoneyField(label="Reported savings (optional)", required=False, help_text="Like 120,000.")
    savings_currency = forms.CharField(label="Currency", initial="GBP", max_length=3)
    evidence = forms.CharField(label="Evidence of the savings", required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=10000,
                               help_text="A report, a decision record or a link where the figures can be checked.")
    version = forms.IntegerField(widget=forms.HiddenInput)

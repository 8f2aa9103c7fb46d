"""The form for adding and changing contracts. It parses what a person typed; the rules a
contract must follow live in citytools.contracts.rules and are applied by the services."""

from django import forms

from citytools.contracts.models import Contract
from citytools.core.forms import DateField, EditForm, MoneyField
from citytools.directory.models import Supplier
from citytools.inventory.models import System


def _date(label: str, help_text: str = "", required: bool = True):
    return DateField(
        required=required,
        label=label,
        help_text=help_text,
        error_messages={
            "required": f"Enter the {label[:1].lower()}{label[1:]}.",
            "invalid": f"The {label[:1].lower()}{label[1:]} must be a real date, like 2027-03-31.",
        },
    )


def _money(label: str):
    return MoneyField(
        required=False,
        label=label,
        help_text="In the contract’s currency, for example 120,000 or £120,000.50.",
    )


class ContractForm(EditForm):
    classes = {**EditForm.classes, "url": "govuk-input"}

    title = forms.CharField(label="Title", max_length=300, error_messages={"required": "Enter the contract’s title."})
    supplier = forms.ChoiceField(
        label="Supplier", help_text="The company the contract is with.", error_messages={"required": "Choose the supplier."}
    )
    systems = forms.MultipleChoiceField(
        required=False,
        label="Systems covered",
        help_text="Select the systems this contract pays for, if any.",
        widget=forms.CheckboxSelectMultiple,
    )
    start_date = _date("Start date")
    end_date = _date("End date", "The end of the current term, without extensions.")
    extension_end_date = _date(
        "Latest end with every extension", "Leave empty if the contract has no extension options.", required=False
    )
    annual_value = _money("Annual value")
    total_value = _money("Total value")
    currency = forms.CharField(
        label="Currency",
        max_length=3,
        initial="GBP",
        help_text="A three-letter ISO 4217 code, like GBP or EUR.",
        error_messages={"required": "Enter the currency as a three-letter code, like GBP."},
    )
    route = forms.ChoiceField(label="Procurement route", choices=Contract.Route.choices)
    framework = forms.CharField(required=False, max_length=200, label="Framework", help_text="Its name, if the contract was called off a framework.")
    source = forms.ChoiceField(label="Where this information comes from", choices=Contract.Source.choices)
    reference = forms.CharField(required=False, max_length=100, label="Reference", help_text="A notice or register reference, unique within your organisation.")
    source_url = forms.URLField(required=False, max_length=200, label="Source document", help_text="The web address of the notice or register entry.", assume_scheme="https")
    confidential = forms.BooleanField(
        required=False,
        label="Confidential: only our own staff and our networks’ coordinators may see this contract",
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        # The catalogue, and what this organisation proposed itself (citytools.inventory.catalogue_services).
        suppliers = Supplier.entries.usable_by(organisation.pk).values_list("slug", "name")
        self.fields["supplier"].choices = [("", "Choose a supplier"), *suppliers]
        self.fields["systems"].choices = [
            (str(system.pk), system.product.name)
            for system in System.objects.active().filter(organisation=organisation).select_related("product")
        ]
        self.fields["currency"].widget.attrs["class"] = "govuk-input govuk-input--width-4"
        for name in ("annual_value", "total_value"):
            self.fields[name].widget.attrs["class"] = "govuk-input govuk-input--width-10"
        for name in ("reference",):
            self.fields[name].widget.attrs["class"] = "govuk-input govuk-input--width-20"

    def system_groups(self):
        """The systems as one group of checkboxes, for the shared grouped-checkbox template."""
        boxes = list(self["systems"].subwidgets)
        return [("Systems of this organisation", boxes)] if boxes else []

    @staticmethod
    def initial_from(contract: Contract) -> dict:
        initial = {name: getattr(contract, name) for name in (
            "title", "start_date", "end_date", "extension_end_date", "annual_value", "total_value", "currency",
            "route", "framework", "source", "reference", "source_url", "confidential", "version",
        )}
        initial["supplier"] = contract.supplier.slug
        initial["systems"] = [str(pk) for pk in contract.systems.values_list("pk", flat=True)]
        return initial

    def changes(self) -> dict:
        data = {name: self.cleaned_data[name] for name in self.fields if name != "version"}
        data["systems"] = [int(pk) for pk in data["systems"]]
        return data

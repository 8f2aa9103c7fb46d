"""Forms of the catalogue pages: proposing a supplier or product, and deciding on a proposal."""

from django import forms

from citytools.core.forms import EditForm
from citytools.directory.models import Supplier
from citytools.inventory.models import CatalogueProposal


class ProposeForm(EditForm):
    kind = forms.ChoiceField(
        label="What is missing",
        choices=CatalogueProposal.Kind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Say whether a supplier or a product is missing."},
    )
    name = forms.CharField(
        max_length=200,
        label="Its name",
        help_text="As the company or product calls itself, e.g. ‘Acme Digital Ltd’.",
        error_messages={"required": "Give its name."},
    )
    manufacturer = forms.ChoiceField(
        required=False,
        label="For a product: who makes it",
        help_text="If the maker is missing too, propose the maker first.",
    )
    website = forms.URLField(required=False, max_length=200, label="Website (optional)", assume_scheme="https")
    note = forms.CharField(
        required=False,
        label="Anything that helps the reviewer (optional)",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        makers = Supplier.entries.usable_by(organisation.pk).values_list("slug", "name")
        self.fields["manufacturer"].choices = [("", "Choose the maker"), *makers]
        self.fields["kind"].widget.attrs["class"] = "govuk-radios__input"

    def fields_for_service(self) -> dict:
        return {name: self.cleaned_data[name] for name in ("kind", "name", "manufacturer", "website", "note")}


class DecideForm(EditForm):
    decision = forms.ChoiceField(
        label="Your decision",
        choices=[
            ("accept", "Accept it into the catalogue"),
            ("merge", "Merge it into an entry already in the catalogue"),
            ("reject", "Reject it"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose accept, merge or reject."},
    )
    into = forms.ChoiceField(required=False, label="To merge: the entry in the catalogue")
    reason = forms.CharField(
        required=False,
        label="To reject: why (the proposer is told)",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, proposal, **kwargs):
        super().__init__(*args, **kwargs)
        model = type(proposal.entry) if proposal.entry is not None else Supplier
        self.fields["into"].choices = [("", "Choose the entry"), *model.objects.values_list("slug", "name")]
        self.fields["decision"].widget.attrs["class"] = "govuk-radios__input"

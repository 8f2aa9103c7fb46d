"""Forms for adding and changing systems. They parse what a person typed; the rules a system
must follow live in citytools.inventory.rules and are applied by the services, whose
DomainError the view shows against the field it names."""

from django import forms

from citytools.core.forms import DateField, EditForm
from citytools.directory.models import Supplier
from citytools.inventory.models import Product, ServiceArea, System


class SystemForm(EditForm):
    product = forms.ChoiceField(label="Product", error_messages={"required": "Choose the product."})
    supplier = forms.ChoiceField(
        required=False,
        label="Supplier, if not the maker",
        help_text="The company that sells or runs the product for you, when that is not its maker.",
    )
    service_areas = forms.MultipleChoiceField(
        label="Service areas",
        help_text="Select every service area the system is used for.",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one service area."},
    )
    hosting = forms.ChoiceField(required=False, label="Hosting", choices=[("", "Not recorded"), *System.Hosting.choices])
    status = forms.ChoiceField(
        label="Status", choices=System.Status.choices, error_messages={"required": "Choose the system’s status."}
    )
    go_live = DateField(
        required=False,
        label="Go-live date",
        help_text="The day it went live, or for a planned system the day it is planned to, if known.",
        error_messages={"invalid": "Enter a real date, like 2024-04-01."},
    )
    notes = forms.CharField(
        required=False,
        label="Notes",
        help_text="Who may read notes follows your networks’ setting for comments: members only, unless a network shares them more widely.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    confidential = forms.BooleanField(
        required=False,
        label="Confidential: only our own staff and our networks’ coordinators may see this system",
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        # The catalogue, and what this organisation proposed itself (citytools.inventory.catalogue_services).
        products = Product.entries.usable_by(organisation.pk).select_related("manufacturer")
        self.fields["product"].choices = [
            ("", "Choose a product"),
            *((p.slug, f"{p.name} ({p.manufacturer.name})") for p in products),
        ]
        suppliers = Supplier.entries.usable_by(organisation.pk).values_list("slug", "name")
        self.fields["supplier"].choices = [("", "The maker"), *suppliers]
        grouped = ServiceArea.objects.choices_by_group()
        self.area_group_names = {slug: group for group, areas in grouped for slug, _ in areas}
        self.fields["service_areas"].choices = [choice for _, areas in grouped for choice in areas]

    def area_groups(self):
        """The service-area checkboxes, grouped for one fieldset per group."""
        groups: dict[str, list] = {}
        for checkbox in self["service_areas"].subwidgets:
            groups.setdefault(self.area_group_names[checkbox.data["value"]], []).append(checkbox)
        return list(groups.items())

    @staticmethod
    def initial_from(system: System) -> dict:
        return {
            "product": system.product.slug,
            "supplier": system.supplier.slug if system.supplier else "",
            "service_areas": [area.slug for area in system.service_areas.all()],
            "hosting": system.hosting,
            "status": system.status,
            "go_live": system.go_live,
            "notes": system.notes,
            "confidential": system.confidential,
            "version": system.version,
        }

    def changes(self) -> dict:
        """What the service takes, from the cleaned data."""
        return {name: self.cleaned_data[name] for name in self.fields if name != "version"}

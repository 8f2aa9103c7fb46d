"""Forms of the public notices' pages: accepting a suggestion (a new contract with the
editor's corrections, a suggested system with its product, area, supplier and contract, or
the changes to take), rejecting it, linking or dismissing a buyer
name, trusting a source, uploading a file of notices, starting a harvest of a publisher's
API, and adding or removing a hint that suggests a service area. They parse what a person sent;
what it may be is decided by citytools.notices.services."""

from django import forms

from citytools.contracts.models import Contract
from citytools.core.forms import DateField, EditForm, GovukForm, MoneyField
from citytools.directory.models import Organisation, Supplier
from citytools.inventory.models import Product, ServiceArea
from citytools.notices import queries, rules
from citytools.notices.models import AreaHint, Suggestion


class UploadForm(GovukForm):
    file = forms.FileField(
        label="File of public notices",
        help_text="OCDS release or record packages from Contracts Finder or Find a Tender: JSON or JSON Lines, gzip-compressed or not.",
    )

    def clean_file(self):
        # Refused from the size the upload declares, before it is read (as the service would).
        file = self.cleaned_data.get("file")
        if file and file.size > rules.MAX_UPLOAD_BYTES:
            raise forms.ValidationError(
                f"The file is larger than {rules.MAX_UPLOAD_BYTES // (1024 * 1024)} MB; import it with `citytools import_ocds` instead."
            )
        return file

    def upload(self) -> tuple[str, bytes]:
        file = self.cleaned_data["file"]
        return file.name, file.read(rules.MAX_UPLOAD_BYTES + 1)


class HarvestForm(GovukForm):
    """Which publisher to harvest, and optionally the day to start afresh from."""

    source = forms.ChoiceField(
        label="Publisher", choices=list(rules.HARVEST_NAMES.items()), widget=forms.RadioSelect,
        error_messages={"required": "Choose Contracts Finder or Find a Tender.", "invalid_choice": "Choose Contracts Finder or Find a Tender."},
    )
    since = DateField(
        required=False, label="Notices published since (optional)",
        help_text="Leave it empty to carry on where the last harvest of this publisher stopped. "
        "A date starts afresh from that day, for example 2026-01-01.",
        error_messages={"invalid": "The date must be a real date, like 2026-01-01."},
    )

    def __init__(self, *args, **kwargs):
        # Its ids must not meet the upload form's on the same page.
        kwargs.setdefault("auto_id", "harvest-%s")
        super().__init__(*args, **kwargs)


def _date(label: str, required: bool = False):
    return DateField(
        required=required, label=label,
        error_messages={"required": f"Enter the {label.lower()}.", "invalid": f"The {label.lower()} must be a real date, like 2027-03-31."},
    )


class AcceptNewForm(EditForm):
    """A new contract from a suggestion: the notice's facts to correct, the supplier, and a
    product (with its service area) to add a system too."""

    title = forms.CharField(label="Title", max_length=300, error_messages={"required": "Enter the contract’s title."})
    supplier = forms.ChoiceField(label="Supplier", error_messages={"required": "Choose the supplier."})
    total_value = MoneyField(required=False, label="Total value", help_text="In the contract’s currency, for example 120,000.")
    currency = forms.CharField(label="Currency", max_length=3, help_text="A three-letter ISO 4217 code, like GBP.")
    start_date = _date("Start date", required=True)
    end_date = _date("End date", required=True)
    extension_end_date = _date("Latest end with every extension")
    route = forms.ChoiceField(label="Procurement route", choices=Contract.Route.choices)
    product = forms.ChoiceField(
        required=False, label="Product (optional)",
        help_text="Choose the product the contract is for to add it as a system of the organisation too.",
    )
    service_area = forms.ChoiceField(required=False, label="Service area of the new system")

    def __init__(self, *args, suggestion: Suggestion, **kwargs):
        offered = queries.offer(suggestion)
        organisation = suggestion.organisation
        self.suppliers = Supplier.entries.usable_by(organisation.pk)
        self.products = Product.entries.usable_by(organisation.pk)
        kwargs.setdefault("initial", {
            "title": offered.title, "total_value": offered.total_value, "currency": offered.currency,
            "start_date": offered.start_date, "end_date": offered.end_date, "extension_end_date": offered.extension_end_date,
            "route": offered.route, "service_area": offered.service_area or "",
            "supplier": suggestion.supplier.slug if suggestion.supplier else rules.NEW_SUPPLIER,
        })
        super().__init__(*args, **kwargs)
        number = f" (company number {offered.supplier_number})" if offered.supplier_number else ""
        new = [(rules.NEW_SUPPLIER, f"Add {offered.supplier_name or 'the notice’s supplier'}{number} to the catalogue")]
        recognised = [(suggestion.supplier.slug, suggestion.supplier.name)] if suggestion.supplier else []
        catalogue = list(self.suppliers.exclude(pk=suggestion.supplier_id).values_list("slug", "name"))
        self.fields["supplier"].choices = [
            *([("Recognised on the map", recognised)] if recognised else []),
            ("From the notice", new),
            ("The catalogue", catalogue),
        ]
        self.fields["product"].choices = [("", "No system: only the contract"), *self.products.values_list("slug", "name")]
        self.fields["service_area"].choices = [("", "Choose a service area"), *ServiceArea.objects.choices_by_group()]
        self.fields["currency"].widget.attrs["class"] = "govuk-input govuk-input--width-4"
        self.fields["total_value"].widget.attrs["class"] = "govuk-input govuk-input--width-10"

    def edits(self) -> dict:
        """The edits as citytools.notices.services.accept takes them."""
        data = self.cleaned_data
        edits = {name: data[name] for name in ("title", "total_value", "currency", "start_date", "end_date", "extension_end_date", "route")}
        slug = data["supplier"]
        edits["supplier"] = slug if slug == rules.NEW_SUPPLIER else self.suppliers.get(slug=slug)
        if data["product"]:
            edits["product"] = self.products.get(slug=data["product"])
        if data["service_area"]:
            edits["service_area"] = data["service_area"]
        return edits


class AcceptChangeForm(EditForm):
    """The changes of a suggestion to take, all ticked to start with."""

    fields = forms.MultipleChoiceField(
        required=False, label="Changes to take", widget=forms.CheckboxSelectMultiple,
        help_text="Untick a change to keep the map’s value.",
    )

    def __init__(self, *args, suggestion: Suggestion, **kwargs):
        choices = [(change.field, change.label) for change in queries.changes(suggestion)]
        kwargs.setdefault("initial", {"fields": [field for field, _ in choices]})
        super().__init__(*args, **kwargs)
        self.fields["fields"].choices = choices

    def edits(self) -> dict:
        return {"fields": self.cleaned_data["fields"]}


class AcceptSystemForm(EditForm):
    """A suggested system from a survey or a register: its product, service area and
    supplier, and its contract's fields (leave the title empty for no contract)."""

    product = forms.ChoiceField(label="Product", error_messages={"required": "Choose the product."})
    service_area = forms.ChoiceField(label="Service area", error_messages={"required": "Choose the service area."})
    supplier = forms.ChoiceField(required=False, label="Supplier")
    title = forms.CharField(
        required=False, label="Contract title", max_length=300,
        help_text="Leave it empty to add the system without a contract.",
    )
    total_value = MoneyField(required=False, label="Total value", help_text="In the contract’s currency, for example 120,000.")
    currency = forms.CharField(required=False, label="Currency", max_length=3, help_text="A three-letter ISO 4217 code, like GBP.")
    start_date = _date("Start date")
    end_date = _date("End date")
    extension_end_date = _date("Latest end with every extension")

    CONTRACT = ("title", "total_value", "currency", "start_date", "end_date", "extension_end_date")

    def __init__(self, *args, suggestion: Suggestion, **kwargs):
        organisation = suggestion.organisation
        facts = suggestion.facts
        contract = queries.offer(suggestion)
        self.areas = list(facts.get("service_areas") or [])
        self.suppliers = Supplier.entries.usable_by(organisation.pk)
        self.products = Product.entries.usable_by(organisation.pk)
        kwargs.setdefault("initial", {
            "product": facts.get("product") or "", "service_area": self.areas[0] if self.areas else "",
            "supplier": facts.get("supplier") or "",
            "title": contract.title, "total_value": contract.total_value, "currency": contract.currency,
            "start_date": contract.start_date, "end_date": contract.end_date, "extension_end_date": contract.extension_end_date,
        })
        super().__init__(*args, **kwargs)
        self.fields["product"].choices = [("", "Choose the product"), *self.products.values_list("slug", "name")]
        self.fields["service_area"].choices = [("", "Choose a service area"), *ServiceArea.objects.choices_by_group()]
        self.fields["supplier"].choices = [("", "No supplier"), *self.suppliers.values_list("slug", "name")]
        self.fields["currency"].widget.attrs["class"] = "govuk-input govuk-input--width-4"
        self.fields["total_value"].widget.attrs["class"] = "govuk-input govuk-input--width-10"

    def edits(self) -> dict:
        """The edits as citytools.notices.services.accept takes them. The source's other
        service areas stay when the first one is kept."""
        data = self.cleaned_data
        edits = {"product": self.products.get(slug=data["product"])}
        if data["service_area"] not in self.areas:
            edits["service_areas"] = [data["service_area"]]
        edits["supplier"] = self.suppliers.get(slug=data["supplier"]) if data["supplier"] else None
        if data["title"]:
            edits.update({name: data[name] for name in self.CONTRACT})
            edits["currency"] = edits["currency"] or "GBP"
        else:
            edits["title"] = ""  # no contract
        return edits


def accept_form(suggestion: Suggestion, data=None) -> EditForm:
    """The accept form a suggestion's kind needs."""
    form = {Suggestion.Kind.CHANGE: AcceptChangeForm, Suggestion.Kind.SYSTEM: AcceptSystemForm}.get(suggestion.kind, AcceptNewForm)
    return form(data, suggestion=suggestion)


class RejectForm(EditForm):
    reason = forms.CharField(
        required=False, max_length=rules.REASON_LIMIT, label="Why (optional)",
        help_text="Kept with the decision: importing the notice (or the survey or register) again will not suggest it again.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class LinkBuyerForm(GovukForm):
    """Which organisation a buyer name means. Any organisation on the map is read here; the
    service says whether this person may link to it."""

    organisation = forms.CharField(label="Organisation", widget=forms.Select, error_messages={"required": "Choose the organisation."})

    def __init__(self, *args, groups: list[tuple[str, list[Organisation]]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].widget.choices = [
            ("", "Choose the organisation"),
            *((label, [(o.slug, o.name) for o in organisations]) for label, organisations in groups),
        ]

    def clean_organisation(self) -> Organisation:
        organisation = Organisation.objects.filter(slug=self.cleaned_data["organisation"]).first()
        if organisation is None:
            raise forms.ValidationError("Choose the organisation.")
        return organisation


class TrustForm(forms.Form):
    source = forms.ChoiceField(choices=[(source.value, source.label) for source in queries.TRUSTABLE], widget=forms.HiddenInput)
    trusted = forms.TypedChoiceField(choices=[("1", "Trust"), ("0", "Stop trusting")], coerce=lambda value: value == "1", widget=forms.HiddenInput)


def _service_area(slug) -> ServiceArea:
    area = ServiceArea.objects.filter(slug=slug).first()
    if area is None:
        raise forms.ValidationError("Choose the service area.")
    return area


HINT_KINDS = [(kind.value, kind.label) for kind in AreaHint.Kind]


class HintForm(GovukForm):
    """A hint to add: the service area, and the words or CPV code that suggest it. Whether
    it is a hint the classifier can use is citytools.notices.rules.check_hint's to say."""

    area = forms.ChoiceField(label="Service area", error_messages={"required": "Choose the service area.", "invalid_choice": "Choose the service area."})
    kind = forms.ChoiceField(
        label="Suggested by", choices=HINT_KINDS, widget=forms.RadioSelect, initial=AreaHint.Kind.WORDS,
        error_messages={"required": "Choose words or a CPV code.", "invalid_choice": "Choose words or a CPV code."},
    )
    hint = forms.CharField(
        label="Words or CPV code", max_length=rules.HINT_LIMIT,
        help_text="Words are found whole, in any case, in a notice’s title or description (like “parking permit”). "
        "A CPV code suggests the area for that code and every code under it (48 is all of division 48).",
        error_messages={
            "required": "Enter the words or the CPV code.",
            "max_length": f"Keep the words to {rules.HINT_LIMIT} characters or fewer.",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [("", "Choose a service area"), *ServiceArea.objects.choices_by_group()]

    def clean_area(self) -> ServiceArea:
        return _service_area(self.cleaned_data["area"])


class RemoveHintForm(GovukForm):
    """A hint's remove button: which hint, as the page wrote it in hidden fields."""

    area = forms.CharField(max_length=100)
    kind = forms.ChoiceField(choices=HINT_KINDS)
    hint = forms.CharField(max_length=rules.HINT_LIMIT)

    def clean_area(self) -> ServiceArea:
        return _service_area(self.cleaned_data["area"])

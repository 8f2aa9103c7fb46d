"""GET forms that turn query strings into the filters the inventory queries take."""

from html import escape

from django import forms
from django.forms.utils import flatatt
from django.utils.safestring import mark_safe

from citytools.core.forms import DateField, DateInput
from citytools.directory.models import Network, Supplier
from citytools.inventory.models import Product, ServiceArea
from citytools.inventory.queries import (
    AREA_SORT_PREFIX,
    COLOUR_MODES,
    PRODUCT_SORTS,
    MatrixFilters,
)

MATRIX_SORTS = {
    "name": "Organisation name (A to Z)",
    "-name": "Organisation name (Z to A)",
    "-population": "Population (largest first)",
    "population": "Population (smallest first)",
    "-suppliers": "Number of suppliers (most first)",
    "suppliers": "Number of suppliers (fewest first)",
}


class QuickSelect(forms.Select):
    """A select written in Python. Django renders each option through a template include,
    which costs about ten milliseconds for the few hundred options of the matrix filters."""

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        chosen = set(self.format_value(value))

        def option(key, label):
            selected = " selected" if str(key) in chosen else ""
            return f'<option value="{escape(str(key))}"{selected}>{escape(str(label))}</option>'

        parts = [f'<select name="{escape(name)}"{flatatt(attrs)}>']
        for key, label in self.choices:
            if isinstance(label, list | tuple):
                options = "".join(option(*pair) for pair in label)
                parts.append(f'<optgroup label="{escape(str(key))}">{options}</optgroup>')
            else:
                parts.append(option(key, label))
        parts.append("</select>")
        return mark_safe("".join(parts))  # noqa: S308  (every value above is escaped)


def _select(**kwargs):
    return forms.ChoiceField(required=False, widget=QuickSelect(attrs={"class": "govuk-select"}), **kwargs)


def _date(label):
    return DateField(required=False, label=label, widget=DateInput(attrs={"class": "govuk-input govuk-input--width-10"}))


class MatrixForm(forms.Form):
    network = _select(label="Network")
    group = _select(label="Service-area group")
    supplier = _select(label="Supplier (seller or maker)")
    product = _select(label="Product")
    ends_from = _date("Contract ends on or after")
    ends_to = _date("Contract ends on or before")
    search = forms.CharField(
        required=False,
        label="Organisation or GSS code",
        max_length=100,
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-20", "type": "search"}),
    )
    colour = forms.ChoiceField(
        required=False,
        label="Colour by",
        choices=list(COLOUR_MODES.items()),
        widget=forms.RadioSelect(attrs={"class": "govuk-radios__input"}),
    )
    sort = forms.CharField(required=False, widget=forms.HiddenInput)
    show_empty = forms.BooleanField(
        required=False,
        label="Show organisations and service areas with no matching system",
        widget=forms.CheckboxInput(attrs={"class": "govuk-checkboxes__input"}),
    )

    def __init__(self, data=None, **kwargs):
        networks = list(Network.objects.values_list("slug", "name"))
        if data is not None and "network" not in data and len(networks) == 1:
            # With a single network, "all" and "the network" are the same people; say which.
            data = data.copy()
            data["network"] = networks[0][0]
        super().__init__(data, **kwargs)
        self.fields["network"].choices = [("", "All networks"), *networks]
        self.fields["group"].choices = [
            ("", "All groups"),
            *ServiceArea.objects.groups().order_by("position", "name").values_list("slug", "name"),
        ]
        self.fields["supplier"].choices = [("", "All suppliers"), *Supplier.objects.values_list("slug", "name")]
        self.fields["product"].choices = [("", "All products"), *Product.objects.values_list("slug", "name")]

    def clean_sort(self):
        value = self.cleaned_data["sort"] or "name"
        key = value.removeprefix("-")
        if value in MATRIX_SORTS or (key.startswith(AREA_SORT_PREFIX) and len(key) > len(AREA_SORT_PREFIX)):
            return value
        raise forms.ValidationError("Choose how to sort the rows.")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("ends_from"), cleaned.get("ends_to")
        if start and end and start > end:
            self.add_error("ends_to", "The end of the range must be on or after its start.")
        return cleaned

    def filters(self) -> MatrixFilters:
        """The filters from the fields that are valid; a field in error is left out."""
        self.is_valid()
        data = {name: value for name, value in self.cleaned_data.items() if name not in self.errors}
        defaults = MatrixFilters()
        return MatrixFilters(
            network=data.get("network") or "",
            group=data.get("group") or "",
            supplier=data.get("supplier") or "",
            product=data.get("product") or "",
            ends_from=data.get("ends_from") if "ends_to" not in self.errors else None,
            ends_to=data.get("ends_to"),
            search=(data.get("search") or "").strip(),
            colour=data.get("colour") or defaults.colour,
            sort=data.get("sort") or defaults.sort,
            show_empty=bool(data.get("show_empty")),
        )


class ProductListForm(forms.Form):
    service_area = _select(label="Service area")
    manufacturer = _select(label="Manufacturer")
    search = forms.CharField(
        required=False,
        label="Product or manufacturer name",
        max_length=100,
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-20", "type": "search"}),
    )
    sort = _select(label="Sort by", choices=list(PRODUCT_SORTS.items()))

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        choices = [("", "All service areas")]
        areas = list(ServiceArea.objects.order_by("position", "name"))
        groups = [area for area in areas if area.is_group]
        for group in groups:
            choices.append((group.name, [(group.slug, f"All of {group.name}")] + [
                (area.slug, area.name) for area in areas if area.parent_id == group.pk
            ]))
        self.fields["service_area"].choices = choices
        self.fields["manufacturer"].choices = [
            ("", "All manufacturers"),
            *Supplier.objects.filter(products_made__isnull=False).distinct().values_list("slug", "name"),
        ]

    def filters(self) -> dict:
        self.is_valid()
        data = {name: value for name, value in self.cleaned_data.items() if name not in self.errors}
        return {
            "service_area": data.get("service_area") or "",
            "manufacturer": data.get("manufacturer") or "",
            "search": (data.get("search") or "").strip(),
            "sort": data.get("sort") or "name",
        }

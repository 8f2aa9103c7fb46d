"""The contract list and contract pages. Each view parses the request and calls contracts.queries."""

from django import forms
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_safe

from citytools.contracts import queries
from citytools.core.charts import gantt_chart
from citytools.core.dates import today
from citytools.core.forms import DateField, GovukForm
from citytools.core.regions import render_region
from citytools.core.tables import sort_columns
from citytools.core.widgets import QuickSelect

PAGE_SIZE = 25


class ContractFilterForm(GovukForm):
    network = forms.ChoiceField(required=False, label="Network")
    organisation = forms.ChoiceField(required=False, label="Organisation")
    supplier = forms.ChoiceField(required=False, label="Supplier")
    service_area = forms.ChoiceField(required=False, label="Service area")
    ending_within = forms.IntegerField(
        required=False, min_value=0, max_value=36500, label="Ending within (days from today)"
    )
    end_from = DateField(required=False, label="Ending on or after")
    end_to = DateField(required=False, label="Ending on or before")
    sort = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, options: queries.FilterOptions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["network"].choices = [("", "Any network")] + [(n.slug, n.name) for n in options.networks]
        self.fields["organisation"].choices = [("", "Any organisation")] + [
            (o.slug, str(o)) for o in options.organisations
        ]
        self.fields["supplier"].choices = [("", "Any supplier")] + [(s.slug, s.name) for s in options.suppliers]
        # A group is a choice of its own (all its areas) followed by its areas.
        self.fields["service_area"].choices = [("", "Any service area")] + [
            (group.name, [(group.slug, f"All of {group.name}")] + [(a.slug, a.name) for a in areas])
            for group, areas in options.service_areas
        ]

    def clean(self):
        data = super().clean()
        if data.get("end_from") and data.get("end_to") and data["end_from"] > data["end_to"]:
            self.add_error("end_to", "The latest end date must be on or after the earliest.")
        return data

    def filters(self) -> queries.ContractFilters:
        data = self.cleaned_data
        return queries.ContractFilters(
            network=data.get("network") or None,
            organisation=data.get("organisation") or None,
            supplier=data.get("supplier") or None,
            service_area=data.get("service_area") or None,
            ending_within=data.get("ending_within"),
            end_from=data.get("end_from"),
            end_to=data.get("end_to"),
            sort=data.get("sort") or "end_date",
        )


CONTRACT_COLUMNS = [
    ("organisation", "Organisation", False),
    ("supplier", "Supplier", None),
    ("title", "Contract", None),
    ("systems", "Systems", None),
    ("end_date", "End date", True),
    ("extension", "Extension to", None),
    ("value", "Annual value", True),
]


@require_safe
def contract_list(request):
    viewer = request.viewer
    form = ContractFilterForm(request.GET or None, options=queries.filter_options(viewer=viewer))
    filters = form.filters() if form.is_valid() else queries.ContractFilters()
    contracts = queries.filter_contracts(filters, viewer=viewer)
    page = Paginator(contracts, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = viewer.redact_contracts(list(page.object_list))
    sortable = [column for column in CONTRACT_COLUMNS if column[2] is not None]
    header = {cell["key"]: cell for cell in sort_columns(sortable, filters.sort)}
    # The end date reads best soonest first, even though it is a date.
    if "end_date" in header and header["end_date"]["aria_sort"] is None:
        header["end_date"]["next"] = "end_date"
    columns = [header.get(key) or {"key": key, "label": label, "numeric": False} for key, label, _ in CONTRACT_COLUMNS]
    context = {
        "form": form,
        "page": page,
        "columns": columns,
        "filters": filters,
        "values_hidden": any(contract.values_hidden for contract in page.object_list),
    }
    return render_region(
        request, "contracts/contract_list.html", context,
        region="results", region_template="contracts/_contract_results.html",
    )


class TimelineForm(ContractFilterForm):
    """The contract filters without their own dates: the timeline's range replaces them."""

    months = forms.TypedChoiceField(
        label="Ending within", coerce=int, required=False, initial=12, widget=forms.RadioSelect,
        choices=[(m, f"{m} months") for m in queries.TIMELINE_MONTHS],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("ending_within", "end_from", "end_to", "sort"):
            del self.fields[name]
        # Selects written in Python: Django's per-option templates cost tens of milliseconds.
        for name in ("network", "organisation", "supplier", "service_area"):
            field = self.fields[name]
            field.widget = QuickSelect(attrs=field.widget.attrs, choices=field.choices)

    def filters(self) -> queries.ContractFilters:
        data = self.cleaned_data
        return queries.ContractFilters(
            network=data.get("network") or None, organisation=data.get("organisation") or None,
            supplier=data.get("supplier") or None, service_area=data.get("service_area") or None,
        )


# The timeline shows this many contracts a page, soonest first: the chart draws them and its
# table lists the same ones, so the chart and its accessible alternative say the same thing.
TIMELINE_PAGE_SIZE = 80


@require_safe
def contract_timeline(request):
    viewer = request.viewer
    form = TimelineForm(request.GET or None, options=queries.filter_options(viewer=viewer))
    valid = form.is_valid()
    filters = form.filters() if valid else queries.ContractFilters()
    months = (form.cleaned_data.get("months") if valid else None) or 12
    start = today()
    contracts = queries.timeline(filters, months=months, viewer=viewer, today=start)
    total, extensions = queries.timeline_counts(contracts)
    paginator = Paginator(contracts, TIMELINE_PAGE_SIZE)
    paginator.count = total  # counted above with the extensions, in the same query
    page = paginator.get_page(request.GET.get("page"))
    shown = viewer.redact_contracts(list(page.object_list))
    rows = []
    for contract in shown:
        label = f"{contract.organisation.short_name or contract.organisation.name}: {contract.title} ({contract.pk})"
        begins = max(contract.start_date, start)
        rows.append({"contract": label, "from": begins.isoformat(), "to": contract.end_date.isoformat(), "part": "Current term"})
        if contract.extension_end_date and contract.extension_end_date > contract.end_date:
            rows.append({
                "contract": label, "from": contract.end_date.isoformat(), "to": contract.extension_end_date.isoformat(),
                "part": "Extension option",
            })
    chart = gantt_chart(
        "timeline", title=f"Contracts ending in the next {months} months", rows=rows, label="contract",
        start="from", end="to", part="part", parts=["Current term", "Extension option"],
        empty="No contract you may see ends in this range.",
        description=(
            "Each bar runs from today (or the contract's start) to its end date; a second colour shows how far its"
            " extension options could take it."
            + (f" The chart and its table show contracts {page.start_index():,} to {page.end_index():,} of {total:,},"
               " soonest first; the pages below go through the rest." if paginator.num_pages > 1 else "")
        ),
        columns=["Contract", "Organisation", "Supplier", "Ends", "Extension option to"],
        table_rows=[
            [c.title, c.organisation.short_name or c.organisation.name, c.supplier.name, c.end_date.strftime("%d %b %Y"),
             c.extension_end_date.strftime("%d %b %Y") if c.extension_end_date else "None"]
            for c in shown
        ],
    )
    return render(
        request, "contracts/timeline.html",
        {"form": form, "page": page, "total": total, "chart": chart, "months": months, "start": start,
         "extensions": extensions},
    )


@require_safe
def contract_detail(request, pk):
    return render(request, "contracts/contract_detail.html", {"contract": queries.contract(pk, viewer=request.viewer)})

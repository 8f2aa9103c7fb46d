"""Organisation and supplier pages. Each view parses the request and calls directory.queries."""

from django import forms
from django.shortcuts import render

from citytools.core.charts import bar_chart
from citytools.core.forms import GovukForm
from citytools.core.tables import sort_columns
from citytools.core.templatetags.citytools import money, percent
from citytools.directory import queries
from citytools.directory.models import Network


class OrganisationFilterForm(GovukForm):
    name = forms.CharField(required=False, label="Name contains", max_length=100)
    network = forms.ModelChoiceField(
        queryset=Network.objects.order_by("name"),
        to_field_name="slug",
        required=False,
        empty_label="Any network",
        label="Network",
    )
    everyone = forms.ChoiceField(
        choices=[("", "Organisations in a network"), ("1", "All UK local authorities")],
        required=False,
        label="Show",
    )
    sort = forms.CharField(required=False, widget=forms.HiddenInput)


ORGANISATION_COLUMNS = [
    ("name", "Name", False),
    ("kind", "Kind", False),
    ("region", "Region", False),
    ("population", "Population", True),
    ("systems", "Systems", True),
    ("suppliers", "Suppliers", True),
    ("next_end", "Next contract end", True),
]


def organisation_list(request):
    form = OrganisationFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    sort = data.get("sort") or "name"
    organisations = queries.organisation_table(
        network=data["network"].slug if data.get("network") else None,
        everyone=data.get("everyone") == "1",
        name=data.get("name") or None,
        sort=sort,
    )
    context = {
        "form": form,
        "organisations": organisations,
        "columns": sort_columns(ORGANISATION_COLUMNS, sort),
    }
    template = "directory/_organisation_results.html" if request.htmx else "directory/organisation_list.html"
    return render(request, template, context)


def organisation_detail(request, slug):
    org = queries.organisation(slug)
    systems = queries.organisation_systems(org)
    shares, share = queries.provider_shares(org, systems)
    share_chart = bar_chart(
        "supplier-share",
        title=f"Suppliers' share of annual contract value at {org}",
        description="Each contract's annual value is split evenly over the systems it covers. The table adds the number of systems.",
        rows=[{"supplier": row.name, "share": row.value_share} for row in shares],
        label="supplier",
        value="share",
        label_title="Supplier",
        value_title="Share of annual value",
        value_format=".0%",
        columns=["Supplier", "Systems", "Share of systems", "Annual value", "Share of value"],
        table_rows=[
            [
                row.name,
                row.systems,
                percent(row.system_share),
                money(row.annual_value, share.currency),
                percent(row.value_share),
            ]
            for row in shares
        ],
    )
    context = {
        "organisation": org,
        "groups": queries.systems_by_group(systems),
        "system_count": len(systems),
        "shares": shares,
        "share": share,
        "share_chart": share_chart,
        "ending": list(queries.contracts_ending_for(org.contracts.all())),
        "peers": queries.peers(org, systems),
        "networks": list(org.networks.all()),
    }
    return render(request, "directory/organisation_detail.html", context)


class SupplierFilterForm(GovukForm):
    name = forms.CharField(required=False, label="Name contains", max_length=100)
    sme = forms.ChoiceField(
        choices=[
            ("", "Any size"),
            ("yes", "Small or medium-sized (SME)"),
            ("no", "Large"),
            ("unknown", "Size not known"),
        ],
        required=False,
        label="Size",
    )
    sort = forms.CharField(required=False, widget=forms.HiddenInput)


SUPPLIER_COLUMNS = [
    ("name", "Name", False),
    ("parent", "Parent group", False),
    ("products", "Products made", True),
    ("organisations", "Organisations served", True),
    ("contracts", "Contracts", True),
    ("next_end", "Next contract end", True),
]


def supplier_list(request):
    form = SupplierFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    sort = data.get("sort") or "name"
    suppliers = queries.supplier_table(name=data.get("name") or None, sme=data.get("sme") or None, sort=sort)
    context = {"form": form, "suppliers": suppliers, "columns": sort_columns(SUPPLIER_COLUMNS, sort)}
    template = "directory/_supplier_results.html" if request.htmx else "directory/supplier_list.html"
    return render(request, template, context)


def supplier_detail(request, slug):
    company = queries.supplier(slug)
    shares = queries.area_shares(company)
    area_chart = bar_chart(
        "supplier-area-share",
        title=f"Share of organisations in each service area supplied by {company}",
        description=(
            "Of the organisations with a system in the area, the share that get one from "
            f"{company}. The table adds the share of annual contract value."
        ),
        rows=[{"area": row.area.name, "share": row.organisation_share} for row in shares],
        label="area",
        value="share",
        label_title="Service area",
        value_title="Share of organisations",
        value_format=".0%",
        columns=["Service area", "Organisations", "Of organisations in area", "Share", "Annual value", "Value share"],
        table_rows=[
            [
                row.area.name,
                row.organisations,
                row.organisations_in_area,
                percent(row.organisation_share),
                money(row.annual_value, row.currency),
                percent(row.value_share),
            ]
            for row in shares
        ],
    )
    context = {
        "supplier": company,
        "subsidiaries": list(company.subsidiaries.all()),
        "made": queries.products_made(company),
        "supplied": queries.products_supplied(company),
        "systems": queries.supplier_systems(company),
        "shares": shares,
        "area_chart": area_chart,
        "ending": list(queries.contracts_ending_for(company.contracts.all())),
    }
    return render(request, "directory/supplier_detail.html", context)

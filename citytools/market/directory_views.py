"""Organisation, supplier and network pages (URL names "directory:..."). Each view parses the request and calls market.directory_queries."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from citytools.accounts import queries as accounts_queries
from citytools.accounts import services as accounts_services
from citytools.accounts.rules import DEFAULTS, LABELS, Kind, Level
from citytools.core.charts import SHARE, bar_chart
from citytools.core.doors import domain_errors
from citytools.core.forms import GovukForm
from citytools.core.prose import possessive
from citytools.core.regions import render_region
from citytools.core.tables import sort_columns
from citytools.core.templatetags.citytools import money, percent
from citytools.directory.models import Network
from citytools.freshness.access import may_run
from citytools.freshness.queries import campaigns_visible_to
from citytools.market import directory_queries as queries

# Rows a page of the organisations or suppliers table shows; `?page=` picks the page.
PAGE_SIZE = 50
# A supplier's two lists, paged apart (`page` and `ending_page`): a large supplier's systems
# and contracts run to hundreds.
SUPPLIER_SYSTEMS_PAGE_SIZE = 50
SUPPLIER_ENDING_PAGE_SIZE = 25


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


@require_safe
def organisation_list(request):
    form = OrganisationFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    sort = data.get("sort") or "name"
    organisations = queries.organisation_table(
        viewer=request.viewer,
        network=data["network"].slug if data.get("network") else None,
        everyone=data.get("everyone") == "1",
        name=data.get("name") or None,
        sort=sort,
    )
    context = {
        "form": form,
        "page": Paginator(organisations, PAGE_SIZE).get_page(request.GET.get("page")),
        "columns": sort_columns(ORGANISATION_COLUMNS, sort),
    }
    return render_region(
        request, "directory/organisation_list.html", context,
        region="results", region_template="directory/_organisation_results.html",
    )


def _system_share_chart(org, shares) -> object:
    """The suppliers' share by number of systems, for a viewer who may see no values."""
    return bar_chart(
        "supplier-share",
        title=f"Suppliers' share of the systems at {org}",
        rows=[{"supplier": row.name, "share": row.system_share} for row in shares],
        label="supplier",
        value="share",
        label_title="Supplier",
        value_title="Share of systems",
        measure=SHARE,
        columns=["Supplier", "Systems", "Share of systems"],
        table_rows=[[row.name, row.systems, percent(row.system_share)] for row in shares],
    )


@require_safe
def organisation_detail(request, slug):
    viewer = request.viewer
    org = queries.organisation(slug)
    systems = queries.organisation_systems(org, viewer=viewer)
    shares, share = queries.provider_shares(org, systems, viewer=viewer)
    if share.coverage == "none":
        shares.sort(key=lambda row: (-row.systems, row.name))
        share_chart = _system_share_chart(org, shares)
    else:
        share_chart = _value_share_chart(org, shares, share)
    context = {
        "organisation": org,
        "groups": queries.systems_by_group(systems),
        "system_count": len(systems),
        "notes_hidden": any(system.notes_hidden for system in systems),
        "shares": shares,
        "share": share,
        "share_chart": share_chart,
        "ending": queries.ending_for(org.contracts.all(), viewer=viewer),
        "peers": queries.peers(org, systems, viewer=viewer),
        "networks": list(org.networks.all()),
    }
    return render(request, "directory/organisation_detail.html", context)


def _value_share_chart(org, shares, share) -> object:
    return bar_chart(
        "supplier-share",
        title=f"Suppliers' share of annual contract value at {org}",
        description="Each contract's annual value is split evenly over the systems it covers. The table adds the number of systems.",
        rows=[{"supplier": row.name, "share": row.value_share} for row in shares],
        label="supplier",
        value="share",
        label_title="Supplier",
        value_title="Share of annual value",
        measure=SHARE,
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


@require_safe
def supplier_list(request):
    form = SupplierFilterForm(request.GET or None)
    data = form.cleaned_data if form.is_valid() else {}
    sort = data.get("sort") or "name"
    suppliers = queries.supplier_table(
        viewer=request.viewer, name=data.get("name") or None, sme=data.get("sme") or None, sort=sort
    )
    context = {
        "form": form,
        "page": Paginator(suppliers, PAGE_SIZE).get_page(request.GET.get("page")),
        "columns": sort_columns(SUPPLIER_COLUMNS, sort),
    }
    return render_region(
        request, "directory/supplier_list.html", context,
        region="results", region_template="directory/_supplier_results.html",
    )


@require_safe
def supplier_detail(request, slug):
    viewer = request.viewer
    company = queries.supplier(slug)
    shares = queries.area_shares(company, viewer=viewer)
    coverage = queries.area_value_coverage(shares)
    with_values = coverage.coverage != "none"
    columns = ["Service area", "Organisations", "Of organisations in area", "Share"]
    if with_values:
        columns += ["Annual value", "Value share"]
    area_chart = bar_chart(
        "supplier-area-share",
        title=f"Share of organisations in each service area supplied by {company}",
        description=(
            "Of the organisations with a system in the area, the share that get one from "
            f"{company}." + (" The table adds the share of annual contract value." if with_values else "")
        ),
        rows=[{"area": row.area.name, "share": row.organisation_share} for row in shares],
        label="area",
        value="share",
        label_title="Service area",
        value_title="Share of organisations",
        measure=SHARE,
        columns=columns,
        table_rows=[
            [
                row.area.name,
                row.organisations,
                row.organisations_in_area,
                percent(row.organisation_share),
                *([money(row.annual_value, row.currency), percent(row.value_share)] if with_values else []),
            ]
            for row in shares
        ],
    )
    context = {
        "supplier": company,
        "subsidiaries": list(company.subsidiaries.all()),
        "made": queries.products_made(company, viewer=viewer),
        "supplied": queries.products_supplied(company, viewer=viewer),
        "systems": Paginator(queries.supplier_systems(company, viewer=viewer), SUPPLIER_SYSTEMS_PAGE_SIZE).get_page(
            request.GET.get("page")
        ),
        "shares": shares,
        "coverage": coverage,
        "area_chart": area_chart,
        "ending": Paginator(queries.supplier_ending(company, viewer=viewer), SUPPLIER_ENDING_PAGE_SIZE).get_page(
            request.GET.get("ending_page")
        ),
    }
    return render(request, "directory/supplier_detail.html", context)


# Networks -----------------------------------------------------------------------------


@require_safe
def network_detail(request, slug):
    # The data quality pages and campaigns build on the directory, so they are imported here.

    network = queries.network(slug)
    context = {
        "network": network,
        "organisations": queries.network_organisations(network),
        "settings": accounts_queries.network_visibility(network),
        "can_coordinate": request.viewer.can_coordinate(network.pk),
        # Its data quality and campaigns, for those who run them (and the campaigns that
        # asked a person's own organisation).
        "runs_quality": may_run(request.viewer, network.pk),
        "campaigns": list(campaigns_visible_to(request.viewer).filter(network=network).order_by("-deadline", "pk")),
    }
    return render(request, "directory/network_detail.html", context)


LEVEL_CHOICES = [
    (Level.PUBLIC.value, "Everyone, including the public"),
    (Level.MEMBERS.value, "Members of the network only"),
]


class VisibilityForm(GovukForm):
    """One choice of level per kind of information."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind in Kind:
            self.fields[kind.value] = forms.ChoiceField(
                choices=LEVEL_CHOICES,
                label=LABELS[kind],
                help_text=f"Default: {dict(LEVEL_CHOICES)[DEFAULTS[kind].value].lower()}.",
                widget=forms.RadioSelect,
            )


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def network_visibility(request, slug):
    """Coordinators (and admins) choose who sees each kind of information about the network's
    members. The same rule refuses everyone else in the service; asking first here spares
    them a form they cannot send."""
    network = queries.network(slug)
    if not request.viewer.can_coordinate(network.pk):
        raise PermissionDenied
    current = {setting.kind.value: setting.level.value for setting in accounts_queries.network_visibility(network)}
    form = VisibilityForm(request.POST or None, initial=current)
    if request.method == "POST" and form.is_valid():
        with domain_errors(form):
            accounts_services.set_network_visibility(network=network, policy=form.cleaned_data, actor=request.user, replace=True)
            messages.success(request, f"Saved who may see information about {possessive(network.name)} members.")
            return redirect("directory:network", slug=network.slug)
    return render(request, "directory/network_visibility.html", {"network": network, "form": form})

"""Pages for the inventory: the matrix (and its CSV), products and service areas.

They live in market, the read side of the map, because they combine inventory with contracts
and market shares; their URL names stay "inventory:..." (citytools.urls). Each view parses
the query string with a form, calls one function in market.inventory_queries and renders.
With HTMX the filter forms swap only their results region; without it they are plain GETs.
"""

import csv
from urllib.parse import urlencode

from django.conf import settings
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from citytools.core.charts import COUNT, MONEY, bar_chart
from citytools.core.regions import render_region
from citytools.core.templatetags.citytools import money, percent
from citytools.market import inventory_queries as queries
from citytools.market.inventory_forms import MatrixForm, ProductListForm
from citytools.market.queries import MarketShare

# The quick sort links above the matrix; column headers add "by product in this area".
ROW_SORTS = [
    ("name", "Organisation name"),
    ("-population", "Population, largest first"),
    ("-suppliers", "Number of suppliers, most first"),
]


PRODUCT_PAGE_SIZE = 50
# A service area's two lists, paged apart (`page` and `ending_page`): at the uk tier an area
# has hundreds of systems and of contracts ending.
AREA_USES_PAGE_SIZE = 50
AREA_ENDING_PAGE_SIZE = 25


def _query_string(params: dict) -> str:
    return f"?{urlencode(params)}" if params else "?"


def _sort_link(filters: queries.MatrixFilters, key: str) -> dict:
    """A header's sort link: ascending first, then the other way on a second click."""
    if filters.sort_key == key:
        state = "descending" if filters.descending else "ascending"
        target = key if filters.descending else f"-{key}"
    else:
        state, target = "none", key
    return {"aria_sort": state, "query": _query_string(filters.query(sort=target))}


def _matrix_context(form: MatrixForm, matrix: queries.Matrix) -> dict:
    filters = matrix.filters
    columns = [
        {
            "column": column,
            "group_start": column.group_start,
            **_sort_link(filters, f"{queries.AREA_SORT_PREFIX}{column.slug}"),
        }
        for column in matrix.columns
    ]
    sorts = [
        {"label": label, "query": _query_string(filters.query(sort=value)), "current": filters.sort == value}
        for value, label in ROW_SORTS
    ]
    return {
        "form": form,
        "matrix": matrix,
        "filters": filters,
        "columns": columns,
        "name_sort": _sort_link(filters, "name"),
        "sorts": sorts,
        "sort_area": next((c for c in matrix.columns if c.slug == filters.sort_area), None),
        "by_end": filters.colour == "end",
        "query": _query_string(filters.query()),
        "show_empty_query": _query_string(filters.query(show_empty=not filters.show_empty)),
    }


@require_safe
def matrix(request):
    """One page of organisations (rows); the sort and filters apply across every page."""
    form = MatrixForm(request.GET)
    plan = queries.plan_matrix(form.filters(), viewer=request.viewer)
    page = Paginator(plan.organisation_ids, queries.MATRIX_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {**_matrix_context(form, plan.matrix(page.object_list)), "page": page}
    return render_region(
        request, "inventory/matrix.html", context,
        region="matrix-region", region_template="inventory/_matrix_region.html",
    )


@require_safe
def matrix_csv(request):
    """The matrix as shown, same filters and order, as CSV: every row, not one page."""
    form = MatrixForm(request.GET)
    filters = form.filters()
    matrix = queries.plan_matrix(filters, viewer=request.viewer).matrix(end_dates=False)
    name = "-".join(part for part in ("citytools-matrix", filters.network, filters.group) if part)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    # The byte-order mark lets spreadsheet programs read the "›" and accented names as UTF-8.
    response.write("\ufeff")
    csv.writer(response).writerows(matrix.table())
    return response


@require_safe
def product_list(request):
    form = ProductListForm(request.GET)
    filters = form.filters()
    products = queries.product_summaries(viewer=request.viewer, **filters)
    page = Paginator(products, PRODUCT_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"form": form, "page": page, "filters": filters}
    return render_region(
        request, "inventory/product_list.html", context,
        region="products-region", region_template="inventory/_product_list_region.html",
    )


def share_charts(prefix: str, share: MarketShare, *, label_title: str, scope: str) -> list:
    """Two charts of one share: by organisations, and by annual contract value; only the
    first when the viewer may see none of the values (the page says why)."""
    by_organisations = bar_chart(
        f"{prefix}-organisations",
        title=f"{label_title}s by number of organisations, {scope}",
        rows=[{"name": row.name, "organisations": row.organisations} for row in share.rows],
        label="name",
        value="organisations",
        label_title=label_title,
        value_title="Organisations",
        measure=COUNT,
        columns=[label_title, "Organisations", "Share of organisations"],
        table_rows=[[row.name, row.organisations, percent(row.organisation_share)] for row in share.rows],
    )
    if share.coverage == "none":
        return [by_organisations]
    by_value = sorted(share.rows, key=lambda row: (-row.annual_value, row.name))
    by_value_chart = bar_chart(
        f"{prefix}-value",
        title=f"{label_title}s by annual contract value, {scope}",
        rows=[{"name": row.name, "value": float(row.annual_value)} for row in by_value],
        label="name",
        value="value",
        label_title=label_title,
        value_title=f"Annual value ({share.currency})",
        measure=MONEY,
        columns=[label_title, "Annual value", "Share of value"],
        table_rows=[
            [row.name, money(row.annual_value, share.currency), percent(row.value_share)] for row in by_value
        ],
        description="Each contract's annual value is split evenly between the systems it covers.",
        empty=f"No contract {scope} has an annual value you may see.",
    )
    return [by_organisations, by_value_chart]


@require_safe
def product_detail(request, slug):
    detail = queries.product_detail(slug, viewer=request.viewer)
    charts = []
    if detail.share.rows:
        charts = share_charts("product-share", detail.share, label_title="Product", scope="in the same service areas")
    return render(
        request,
        "inventory/product_detail.html",
        {
            "detail": detail,
            "product": detail.product,
            "charts": charts,
            "ending_days": settings.CITYTOOLS_ENDING_SOON_DAYS,
        },
    )


@require_safe
def service_area_list(request):
    return render(request, "inventory/service_area_list.html", {"groups": queries.service_area_tree(viewer=request.viewer)})


@require_safe
def service_area_detail(request, slug):
    detail = queries.service_area_detail(slug, viewer=request.viewer)
    area = detail.area
    scope = f"in {area.name}"
    charts = []
    if detail.provider_share.rows:
        charts = [
            *share_charts("supplier-share", detail.provider_share, label_title="Supplier", scope=scope),
            *share_charts("product-share", detail.product_share, label_title="Product", scope=scope),
        ]
    group = area if area.is_group else area.parent
    matrix_query = {"group": group.slug}
    if not area.is_group:
        matrix_query["sort"] = f"{queries.AREA_SORT_PREFIX}{area.slug}"
    return render(
        request,
        "inventory/service_area_detail.html",
        {
            "detail": detail,
            "area": area,
            "uses": Paginator(detail.uses, AREA_USES_PAGE_SIZE).get_page(request.GET.get("page")),
            "ending": Paginator(detail.ending, AREA_ENDING_PAGE_SIZE).get_page(request.GET.get("ending_page")),
            "charts": charts,
            "matrix_query": _query_string(matrix_query),
            "ending_days": settings.CITYTOOLS_ENDING_SOON_DAYS,
        },
    )

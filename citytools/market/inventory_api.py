"""The inventory API: products, service areas, systems and the matrix.

Every endpoint reads through citytools.market.inventory_queries, the functions the pages call, and the
matrix endpoint validates its query string with the page's own form, so both accept the same
filters and answer the same rows.
"""

import datetime
from decimal import Decimal
from typing import Literal

from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from pydantic import BaseModel

from citytools.core.api import (
    MAX_LIMIT,
    MAX_OFFSET,
    PROVENANCE,
    Pagination,
    ProvenanceOut,
    Ref,
    provenance_out,
    values_hidden_description,
)
from citytools.core.dates import DateIn
from citytools.core.errors import DomainError
from citytools.market import inventory_queries as queries
from citytools.market.inventory_forms import MATRIX_SORTS, MatrixForm, ProductListForm
from citytools.market.queries import MarketShare

router = Router(tags=["inventory"])

class AreaRefOut(Schema):
    slug: str
    name: str
    group: str = Field(description="Name of the group the area belongs to.")


class ProductOut(Schema):
    slug: str
    name: str
    manufacturer: Ref
    organisations: int = Field(description="Organisations with a system using this product.")
    service_areas: list[AreaRefOut]

    @staticmethod
    def resolve_manufacturer(summary: queries.ProductSummary) -> dict:
        return _ref(summary.manufacturer_slug, summary.manufacturer_name)

    @staticmethod
    def resolve_service_areas(summary: queries.ProductSummary) -> list[dict]:
        return [{"slug": a.slug, "name": a.name, "group": a.group_name} for a in summary.service_areas]


VALUES_HIDDEN = values_hidden_description("some contracts behind these figures", "value figures")


class ShareRowOut(Schema):
    slug: str
    name: str
    organisations: int
    organisation_share: float = Field(description="Fraction (0 to 1) of the organisations in scope.")
    annual_value: Decimal | None = Field(description="Null when you may see none of the values.")
    value_share: float | None = Field(
        description="Fraction (0 to 1) of the annual contract value in scope; null when you may see none of the values."
    )


class ShareOut(Schema):
    organisations: int
    annual_value: Decimal | None = Field(description="Null when you may see none of the values.")
    currency: str
    values_hidden: bool = Field(description=VALUES_HIDDEN)
    rows: list[ShareRowOut]


class UseOut(Schema):
    system_id: int
    organisation: Ref
    product: Ref
    service_areas: list[str] = Field(description="Slugs of the service areas it is used for.")
    supplier: Ref | None = Field(description="Who supplies it, when that is not the manufacturer.")
    hosting: str
    status: str
    contract_end: datetime.date | None


class SupplyRouteOut(Schema):
    supplier: Ref
    organisations: int
    is_manufacturer: bool


class ProductDetailOut(Schema):
    slug: str
    name: str
    description: str
    website: str
    manufacturer: Ref
    organisations: int
    service_areas: list[AreaRefOut]
    supplied_by: list[SupplyRouteOut]
    users: list[UseOut]
    share: ShareOut = Field(description="Share by product among systems in this product's service areas.")


class ServiceAreaOut(Schema):
    slug: str
    name: str
    kind: str
    group: str | None = Field(description="Slug of the group; null for a group itself.")
    organisations: int
    products: int


class ServiceAreaDetailOut(ServiceAreaOut):
    description: str
    areas: list[ServiceAreaOut] = Field(description="A group's areas; empty for an area.")
    count: int = Field(description="Systems in `users` on every page: who uses what in the whole area; 0 for a group.")
    limit: int = Field(description="Systems asked for from `offset`: `users` holds at most this many.")
    offset: int = Field(description="Systems of the whole list skipped before the first in `users`.")
    users: list[UseOut] = Field(
        description="Who uses what, for an area, one page of it (`limit` and `offset`); empty for a group."
    )
    provider_share: ShareOut
    product_share: ShareOut


class ServiceAreaPage(Schema):
    # The page of `users` a service area's answer holds; a name of its own, since the
    # OpenAPI document holds one schema per name.
    limit: int = Field(100, ge=1, le=MAX_LIMIT, description=f"Systems (users) a page, at most {MAX_LIMIT}.")
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="Systems to skip, in the order of the list.")


class SystemOut(Schema):
    id: int
    organisation: Ref
    product: Ref
    manufacturer: Ref
    supplier: Ref | None
    provider: Ref = Field(description="Who the organisation deals with: the supplier, else the manufacturer.")
    service_areas: list[Ref]
    hosting: str
    status: str
    contract_end: datetime.date | None = Field(description="End date of its latest contract.")
    provenance: ProvenanceOut | None = Field(description=PROVENANCE)

    @staticmethod
    def resolve_provenance(system):
        return provenance_out(system)

    @staticmethod
    def resolve_organisation(system):
        return _ref(system.organisation.slug, str(system.organisation))

    @staticmethod
    def resolve_manufacturer(system):
        return system.product.manufacturer

    @staticmethod
    def resolve_service_areas(system):
        return list(system.service_areas.all())


class MatrixSystemOut(BaseModel):
    system_id: int
    product: Ref
    provider: Ref
    manufacturer: Ref
    contract_end: datetime.date | None
    band: str = Field(description="Time to contract end: ended, lt6m, lt12m, lt2y, later or unknown.")


class MatrixCellOut(BaseModel):
    service_area: str
    systems: list[MatrixSystemOut]


class MatrixRowOut(BaseModel):
    organisation: Ref
    identifier: str
    population: int | None
    cells: list[MatrixCellOut] = Field(
        description="The cells that hold a system, in column order; `service_area` names the column."
    )


class MatrixColumnOut(BaseModel):
    slug: str
    name: str
    group: Ref


class MatrixOut(BaseModel):
    count: int = Field(description="Organisations (rows) in the whole matrix, on every page.")
    limit: int = Field(description="Rows asked for from `offset`: `rows` holds at most this many.")
    offset: int = Field(description="Rows of the whole matrix skipped before the first in `rows`.")
    organisations: int = Field(description="The same as `count`, kept for older clients.")
    service_areas: int = Field(description="Columns of the whole matrix.")
    systems: int = Field(description="Systems in the whole matrix, on every page.")
    columns: list[MatrixColumnOut]
    rows: list[MatrixRowOut] = Field(description="One page of organisations, in the order `sort` asks for.")


class ProductFilters(Schema):
    service_area: str = Field("", description="Slug of a service area or group.")
    manufacturer: str = Field("", description="Slug of the manufacturer.")
    search: str = Field("", max_length=100, description="Part of the product's or manufacturer's name.")
    sort: Literal[tuple(queries.PRODUCT_SORTS)] = Field("name", description="name, -users (most used first) or users.")


class SystemFilters(Schema):
    organisation: str = Field("", description="Slug of the organisation.")
    product: str = Field("", description="Slug of the product.")
    supplier: str = Field("", description="Slug of a supplier: matches who sells it or who makes it.")
    service_area: str = Field("", description="Slug of a service area or group.")
    network: str = Field("", description="Slug of a network.")


class MatrixFiltersIn(Schema):
    network: str | None = Field(
        None, description="Slug of a network; empty for all. Left out, the only network if there is one."
    )
    group: str = Field("", description="Slug of a service-area group: only its columns.")
    supplier: str = Field("", description="Slug of a supplier: who sells it or who makes it.")
    product: str = Field("", description="Slug of a product.")
    ends_from: DateIn | None = Field(None, description="Latest contract ends on or after.")
    ends_to: DateIn | None = Field(None, description="Latest contract ends on or before.")
    search: str = Field("", max_length=100, description="Organisation name or GSS code.")
    sort: str = Field(
        "name",
        # The sorts MatrixForm accepts: one of MATRIX_SORTS, or a column by its service area's slug.
        pattern=rf"^(?:{'|'.join(MATRIX_SORTS)}|-?{queries.AREA_SORT_PREFIX}[-\w]+)$",
        description="name, population, suppliers or area:<slug>; a leading '-' reverses.",
    )
    show_empty: bool = Field(False, description="Keep rows and columns with no matching system.")
    limit: int = Field(
        queries.MATRIX_PAGE_SIZE,
        ge=1,
        le=queries.MATRIX_MAX_LIMIT,
        description=f"Organisations (rows) a page, at most {queries.MATRIX_MAX_LIMIT}.",
    )
    offset: int = Field(0, ge=0, le=MAX_OFFSET, description="Organisations to skip, in the order of `sort`.")


def _ref(slug: str, name: str) -> dict:
    return {"slug": slug, "name": name}


def _share(share: MarketShare) -> dict:
    hidden = share.coverage == "none"
    return {
        "organisations": share.organisations,
        "annual_value": None if hidden else share.annual_value,
        "currency": share.currency,
        "values_hidden": bool(share.values_hidden),
        "rows": [
            {
                "slug": row.slug,
                "name": row.name,
                "organisations": row.organisations,
                "organisation_share": row.organisation_share,
                "annual_value": None if hidden else row.annual_value,
                "value_share": None if hidden else row.value_share,
            }
            for row in share.rows
        ],
    }


def _use(use: queries.Use) -> dict:
    system = use.system
    return {
        "system_id": system.pk,
        "organisation": _ref(system.organisation.slug, str(system.organisation)),
        "product": _ref(system.product.slug, system.product.name),
        "service_areas": [area.slug for area in use.service_areas],
        "supplier": _ref(system.supplier.slug, system.supplier.name) if use.resold else None,
        "hosting": system.hosting,
        "status": system.status,
        "contract_end": use.contract_end,
    }


def _refuse_invalid(form) -> None:
    if form.errors:
        detail = "; ".join(f"{name}: {' '.join(errors)}" for name, errors in form.errors.items())
        raise DomainError(detail, code="invalid_filter")


@router.get(
    "/products",
    response=list[ProductOut],
    url_name="products",
    summary="List products, with how many organisations use each and where",
)
@paginate(Pagination)
def list_products(request, filters: Query[ProductFilters]):
    form = ProductListForm(filters.dict())
    _refuse_invalid(form)
    # A lazy sequence: the pagination reads only the page it returns.
    return queries.product_summaries(viewer=request.viewer, **form.filters())


@router.get(
    "/products/{slug}",
    response=ProductDetailOut,
    url_name="product",
    summary="One product: who uses it for what, who supplies it, and its market share",
)
def get_product(request, slug: str):
    detail = queries.product_detail(slug, viewer=request.viewer)
    product = detail.product
    return {
        "slug": product.slug,
        "name": product.name,
        "description": product.description,
        "website": product.website,
        "manufacturer": _ref(product.manufacturer.slug, product.manufacturer.name),
        "organisations": detail.organisations,
        "service_areas": [
            {"slug": a.slug, "name": a.name, "group": a.parent.name if a.parent_id else ""}
            for a in detail.service_areas
        ],
        "supplied_by": [
            {"supplier": _ref(r.slug, r.name), "organisations": r.organisations, "is_manufacturer": r.is_manufacturer}
            for r in detail.routes
        ],
        "users": [_use(use) for use in detail.uses],
        "share": _share(detail.share),
    }


def _area(summary, group_slug: str | None) -> dict:
    area = summary.area if hasattr(summary, "area") else summary.group
    return {
        "slug": area.slug,
        "name": area.name,
        "kind": area.kind,
        "group": group_slug,
        "organisations": summary.organisations,
        "products": summary.products,
    }


@router.get(
    "/service-areas",
    response=list[ServiceAreaOut],
    url_name="service_areas",
    summary="List the service-area taxonomy: each group followed by its areas",
)
@paginate(Pagination)
def list_service_areas(request):
    rows = []
    for group in queries.service_area_tree(viewer=request.viewer):
        rows.append(_area(group, None))
        rows.extend(_area(item, group.group.slug) for item in group.areas)
    return rows


@router.get(
    "/service-areas/{slug}",
    response=ServiceAreaDetailOut,
    url_name="service_area",
    summary="One service area or group: who uses what, and market shares by supplier and product",
)
def get_service_area(request, slug: str, page: Query[ServiceAreaPage]):
    detail = queries.service_area_detail(slug, viewer=request.viewer)
    area = detail.area
    products = len(detail.product_share.rows)
    users = detail.uses[page.offset : page.offset + page.limit]
    return {
        "slug": area.slug,
        "name": area.name,
        "kind": area.kind,
        "group": area.parent.slug if area.parent_id else None,
        "description": area.description,
        "organisations": detail.organisations,
        "products": products,
        "areas": [_area(item, area.slug) for item in detail.summary.areas] if detail.summary else [],
        "count": len(detail.uses),
        "limit": page.limit,
        "offset": page.offset,
        "users": [_use(use) for use in users],
        "provider_share": _share(detail.provider_share),
        "product_share": _share(detail.product_share),
    }


@router.get(
    "/systems",
    response=list[SystemOut],
    url_name="systems",
    summary="List systems: which organisation uses which product, for what, from whom",
)
@paginate(Pagination)
def list_systems(request, filters: Query[SystemFilters]):
    return queries.systems_for_api(viewer=request.viewer, **filters.dict())


@router.get(
    "/matrix",
    response=MatrixOut,
    url_name="matrix",
    summary="The matrix: organisations by service areas, with the systems in each cell, a page of organisations at a time",
)
def get_matrix(request, filters: Query[MatrixFiltersIn]):
    data = filters.dict()
    limit, offset = data.pop("limit"), data.pop("offset")
    form = MatrixForm({key: value for key, value in data.items() if value is not None})
    _refuse_invalid(form)
    matrix = queries.build_matrix(form.filters(), viewer=request.viewer, offset=offset, limit=limit)
    return MatrixOut.model_validate({
        "count": matrix.organisations,
        "limit": limit,
        "offset": offset,
        "organisations": matrix.organisations,
        "service_areas": len(matrix.columns),
        "systems": matrix.systems,
        "columns": [
            {"slug": c.slug, "name": c.name, "group": _ref(c.group_slug, c.group_name)} for c in matrix.columns
        ],
        "rows": [
            {
                "organisation": _ref(row.slug, row.name),
                "identifier": row.identifier,
                "population": row.population,
                "cells": [
                    {
                        "service_area": cell.column.slug,
                        "systems": [
                            {
                                "system_id": item.system_id,
                                "product": _ref(item.product_slug, item.product_name),
                                "provider": _ref(item.provider_slug, item.provider_name),
                                "manufacturer": _ref(item.manufacturer_slug, item.manufacturer_name),
                                "contract_end": item.contract_end,
                                "band": item.band.key,
                            }
                            for item in cell.items
                        ],
                    }
                    for cell in row.cells
                    if cell.items
                ],
            }
            for row in matrix.rows
        ],
    })

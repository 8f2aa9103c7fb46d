"""Networks, organisations and suppliers, read through market.directory_queries like the pages."""

import datetime
from decimal import Decimal
from typing import Literal

from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from pydantic import ConfigDict

from citytools.accounts import queries as accounts_queries
from citytools.accounts import services as accounts_services
from citytools.accounts.rules import DEFAULTS, LABELS, Kind
from citytools.core.api import Pagination, Ref, money_description, values_hidden_description
from citytools.core.api_input import django_auth
from citytools.market import directory_queries as queries

router = Router(tags=["directory"])

MONEY = money_description("`values_hidden` says you may see none of the values")
VALUES_HIDDEN = values_hidden_description("some contracts behind these figures", "sums and value shares")


class NetworkOut(Schema):
    slug: str
    name: str
    description: str
    organisations: int = Field(alias="organisation_count")


@router.get("/networks", response=list[NetworkOut], url_name="networks", summary="List networks")
@paginate(Pagination)
def network_list(request):
    return queries.networks()


Level = Literal["public", "members"]
LEVELS = "\"public\" (everyone) or \"members\" (staff of the network's organisations and its coordinators)."


class VisibilityOut(Schema):
    kind: str = Field(description=f"One of: {', '.join(Kind)}.")
    label: str
    level: Level = Field(description=LEVELS)
    is_default: bool = Field(description="True when the network keeps the platform's default.")


class NetworkDetailOut(Schema):
    slug: str
    name: str
    description: str
    organisations: list[Ref]
    visibility: list[VisibilityOut] = Field(
        description="Who may see each kind of information about the network's members. An organisation in "
        "several networks gets the strictest of their settings."
    )


def _network(network) -> dict:
    return {
        "slug": network.slug,
        "name": network.name,
        "description": network.description,
        "organisations": [_ref(o) for o in queries.network_organisations(network)],
        "visibility": [
            {"kind": v.kind.value, "label": v.label, "level": v.level.value, "is_default": v.is_default}
            for v in accounts_queries.network_visibility(network)
        ],
    }


@router.get(
    "/networks/{slug}",
    response=NetworkDetailOut,
    url_name="network",
    summary="One network: its organisations and who may see what about them",
)
def network_detail(request, slug: str):
    return _network(queries.network(slug))


# Built from Kind, so a new kind of information reaches the API without another edit.
VisibilityIn = type(
    "VisibilityIn",
    (Schema,),
    {
        "__doc__": "A level for each kind of information; null returns a kind to its default. A kind left out "
        "returns to its default too with PUT, and keeps its setting with PATCH.",
        "model_config": ConfigDict(extra="forbid"),
        "__annotations__": {kind.value: Level | None for kind in Kind},
        **{
            kind.value: Field(None, description=f"{LABELS[kind]}. Default: {DEFAULTS[kind].value}.")
            for kind in Kind
        },
    },
)


@router.put(
    "/networks/{slug}/visibility",
    response=NetworkDetailOut,
    url_name="network_visibility",
    auth=django_auth,
    summary="Set who may see each kind of information about a network's members",
)
def set_network_visibility(request, slug: str, policy: VisibilityIn):
    """For the network's coordinators and platform admins, signed in (session cookie and
    CSRF token); anyone else gets a 403 problem. The body replaces the network's settings: a
    kind left out or null returns to its default (PATCH changes only the kinds it names)."""
    network = queries.network(slug)
    accounts_services.set_network_visibility(network=network, policy=policy.model_dump(), actor=request.user, replace=True)
    network.refresh_from_db()
    return _network(network)


@router.patch(
    "/networks/{slug}/visibility",
    response=NetworkDetailOut,
    url_name="network_visibility_patch",
    auth=django_auth,
    summary="Change who may see some kinds of information about a network's members",
)
def change_network_visibility(request, slug: str, policy: VisibilityIn):
    """As PUT, for the same people, but only the kinds the body names change: a kind left out
    keeps its setting, and null returns a kind to its default. `citytools set_visibility`
    does the same."""
    network = queries.network(slug)
    accounts_services.set_network_visibility(
        network=network, policy=policy.model_dump(exclude_unset=True), actor=request.user, replace=False
    )
    network.refresh_from_db()
    return _network(network)


# Organisations ------------------------------------------------------------------------


class OrganisationFilters(Schema):
    network: str | None = Field(None, description="Slug of a network: only its members.")
    everyone: bool = Field(False, description="Include organisations in no network (all UK local authorities).")
    name: str | None = Field(None, description="Part of the official, short or alternative name.")
    sort: Literal[tuple(queries.ORGANISATION_SORTS) + tuple(f"-{k}" for k in queries.ORGANISATION_SORTS)] = Field(
        "name", description="Column to sort by; a leading '-' reverses. Empty values sort last."
    )


class OrganisationRow(Schema):
    slug: str
    name: str
    short_name: str
    identifier_scheme: str
    identifier: str
    kind: str
    region: str
    population: int | None
    systems: int = Field(alias="system_count")
    suppliers: int = Field(alias="supplier_count", description="Distinct suppliers of its systems.")
    next_contract_end: datetime.date | None


@router.get(
    "/organisations",
    response=list[OrganisationRow],
    url_name="organisations",
    summary="List organisations with their systems, suppliers and next contract end",
)
@paginate(Pagination)
def organisation_list(request, filters: Query[OrganisationFilters]):
    return queries.organisation_table(
        viewer=request.viewer,
        network=filters.network, everyone=filters.everyone, name=filters.name, sort=filters.sort
    )


class AreaOut(Schema):
    slug: str
    name: str
    group: str | None = Field(description="Slug of the service-area group.")


class OrganisationSystemOut(Schema):
    id: int
    product: Ref
    manufacturer: Ref
    supplier: Ref | None = Field(description="The company that sells or runs it, when not the manufacturer.")
    service_areas: list[AreaOut]
    hosting: str
    status: str
    go_live: datetime.date | None
    contract_end: datetime.date | None = Field(description="End of the first of its contracts to end, among those not ended.")
    confidential: bool = Field(description="Marked confidential: seen only by the organisation's staff and its networks' coordinators.")
    notes: str | None = Field(description="Comments on the system; null when `notes_hidden`.")
    notes_hidden: bool = Field(description="True when you may not see the notes: comments are shared with members of the network by default.")


class ProviderShareOut(Schema):
    slug: str
    name: str
    systems: int
    system_share: float = Field(description="From 0 to 1.")
    annual_value: Decimal | None = Field(description=MONEY)
    value_share: float | None = Field(description="From 0 to 1; null when `values_hidden` says you may see none of the values.")


class PeerOut(Schema):
    product: Ref
    organisations: int = Field(description="Other members of its networks using the product.")


class OrganisationOut(Schema):
    slug: str
    name: str
    short_name: str
    identifier_scheme: str
    identifier: str
    kind: str
    region: str
    nation: str
    population: int | None
    networks: list[Ref]
    systems: list[OrganisationSystemOut]
    currency: str = Field(description="Currency of the value shares.")
    values_hidden: bool = Field(description=VALUES_HIDDEN)
    supplier_share: list[ProviderShareOut]
    peers: list[PeerOut]


def _ref(obj) -> dict | None:
    return {"slug": obj.slug, "name": str(obj)} if obj else None


def _system(system) -> dict:
    areas = system.service_areas.all()
    return {
        "id": system.pk,
        "product": _ref(system.product),
        "manufacturer": _ref(system.product.manufacturer),
        "supplier": _ref(system.supplier) if system.supplier_id != system.product.manufacturer_id else None,
        "service_areas": [
            {"slug": a.slug, "name": a.name, "group": a.parent.slug if a.parent_id else None} for a in areas
        ],
        "hosting": system.hosting,
        "status": system.status,
        "go_live": system.go_live,
        "contract_end": system.live_contracts[0].end_date if system.live_contracts else None,
        "confidential": system.confidential,
        "notes": None if system.notes_hidden else system.notes,
        "notes_hidden": system.notes_hidden,
    }


def _without_values(row, hidden: bool, *fields) -> dict:
    values = {name: getattr(row, name) for name in row.__dataclass_fields__}
    if hidden:
        values.update(dict.fromkeys(fields))
    return values


@router.get(
    "/organisations/{slug}",
    response=OrganisationOut,
    url_name="organisation",
    summary="One organisation with its systems and its suppliers' share",
)
def organisation_detail(request, slug: str):
    viewer = request.viewer
    org = queries.organisation(slug)
    systems = queries.organisation_systems(org, viewer=viewer)
    shares, share = queries.provider_shares(org, systems, viewer=viewer)
    hidden = share.coverage == "none"
    return {
        "slug": org.slug,
        "name": org.name,
        "short_name": org.short_name,
        "identifier_scheme": org.identifier_scheme,
        "identifier": org.identifier,
        "kind": org.kind,
        "region": org.region,
        "nation": org.nation,
        "population": org.population,
        "networks": [_ref(n) for n in org.networks.all()],
        "systems": [_system(s) for s in systems],
        "currency": share.currency,
        "values_hidden": bool(share.values_hidden),
        "supplier_share": [_without_values(row, hidden, "annual_value", "value_share") for row in shares],
        "peers": [
            {"product": _ref(p.product), "organisations": p.organisations}
            for p in queries.peers(org, systems, viewer=viewer)
        ],
    }


# Suppliers ----------------------------------------------------------------------------


class SupplierFilters(Schema):
    name: str | None = Field(None, description="Part of the name.")
    sme: Literal["yes", "no", "unknown"] | None = Field(None, description="Small or medium-sized enterprise.")
    sort: Literal[tuple(queries.SUPPLIER_SORTS) + tuple(f"-{k}" for k in queries.SUPPLIER_SORTS)] = Field(
        "name", description="Column to sort by; a leading '-' reverses. Empty values sort last."
    )


class SupplierRow(Schema):
    slug: str
    name: str
    parent: Ref | None
    is_sme: bool | None
    company_number: str
    products_made: int = Field(alias="product_count")
    organisations_served: int = Field(alias="organisation_count", description="As manufacturer or supplier.")
    contracts: int = Field(alias="contract_count")
    next_contract_end: datetime.date | None


@router.get(
    "/suppliers",
    response=list[SupplierRow],
    url_name="suppliers",
    summary="List suppliers with products made, organisations served and contracts",
)
@paginate(Pagination)
def supplier_list(request, filters: Query[SupplierFilters]):
    return queries.supplier_table(viewer=request.viewer, name=filters.name, sme=filters.sme, sort=filters.sort)


class ProductMadeOut(Schema):
    slug: str
    name: str
    organisations: int
    also_supplied_by: list[Ref]


class ProductSuppliedOut(Schema):
    slug: str
    name: str
    manufacturer: Ref
    organisations: int = Field(description="Organisations this supplier supplies it to.")


class AreaShareOut(Schema):
    service_area: AreaOut
    organisations: int
    organisations_in_area: int
    organisation_share: float = Field(description="From 0 to 1.")
    annual_value: Decimal | None = Field(description=MONEY)
    area_value: Decimal | None = Field(description=MONEY)
    value_share: float | None = Field(description="From 0 to 1; null with the values.")
    currency: str
    values_hidden: bool = Field(description=VALUES_HIDDEN)


class SupplierOut(Schema):
    slug: str
    name: str
    parent: Ref | None
    subsidiaries: list[Ref]
    is_sme: bool | None
    company_number: str
    website: str
    description: str
    products_made: list[ProductMadeOut]
    products_supplied: list[ProductSuppliedOut] = Field(description="Other manufacturers' products it sells or runs.")
    share_by_service_area: list[AreaShareOut] = Field(description="Where it provides at least one system.")


@router.get(
    "/suppliers/{slug}",
    response=SupplierOut,
    url_name="supplier",
    summary="One supplier with products made and supplied, and its share by service area",
)
def supplier_detail(request, slug: str):
    viewer = request.viewer
    company = queries.supplier(slug)
    return {
        "slug": company.slug,
        "name": company.name,
        "parent": _ref(company.parent),
        "subsidiaries": [_ref(s) for s in company.subsidiaries.all()],
        "is_sme": company.is_sme,
        "company_number": company.company_number,
        "website": company.website,
        "description": company.description,
        "products_made": [
            {
                "slug": p.slug,
                "name": p.name,
                "organisations": p.organisation_count,
                "also_supplied_by": [_ref(s) for s in p.resellers],
            }
            for p in queries.products_made(company, viewer=viewer)
        ],
        "products_supplied": [
            {"slug": p.slug, "name": p.name, "manufacturer": _ref(p.manufacturer), "organisations": p.organisation_count}
            for p in queries.products_supplied(company, viewer=viewer)
        ],
        "share_by_service_area": [
            {
                "service_area": {
                    "slug": row.area.slug,
                    "name": row.area.name,
                    "group": row.area.parent.slug if row.area.parent_id else None,
                },
                "organisations": row.organisations,
                "organisations_in_area": row.organisations_in_area,
                "organisation_share": row.organisation_share,
                **(
                    {"annual_value": None, "area_value": None, "value_share": None}
                    if row.values_hidden and not row.values_shown
                    else {"annual_value": row.annual_value, "area_value": row.area_value, "value_share": row.value_share}
                ),
                "currency": row.currency,
                "values_hidden": bool(row.values_hidden),
            }
            for row in queries.area_shares(company, viewer=viewer)
        ],
    }

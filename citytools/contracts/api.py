"""Contracts, filtered like the contract list page and read through contracts.queries."""

import datetime
from decimal import Decimal
from typing import Literal

from django.http import HttpResponse
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from citytools.contracts import queries
from citytools.core.api import (
    PROVENANCE,
    VALUES_HIDDEN_RECORD,
    Pagination,
    ProvenanceOut,
    Ref,
    money_description,
    provenance_out,
)
from citytools.core.dates import DateIn
from citytools.core.errors import DomainError
from citytools.core.history import etag

router = Router(tags=["contracts"])

MONEY = money_description("not known or when `values_hidden` is true")


class ContractQuery(Schema):
    network: str | None = Field(None, description="Slug of a network: contracts of its members.")
    organisation: str | None = Field(None, description="Slug of an organisation.")
    supplier: str | None = Field(None, description="Slug of the supplier holding the contract.")
    service_area: str | None = Field(
        None, description="Slug of a service area, or of a group for all its areas: contracts covering a system there."
    )
    ending_within: int | None = Field(None, ge=0, le=36500, description="Ending between today and this many days ahead.")
    end_from: DateIn | None = Field(None, description="Ending on or after this date.")
    end_to: DateIn | None = Field(None, description="Ending on or before this date.")
    sort: Literal[tuple(queries.CONTRACT_SORTS) + tuple(f"-{k}" for k in queries.CONTRACT_SORTS)] = Field(
        "end_date", description="end_date, value or organisation; a leading '-' reverses. Unknown values sort last."
    )


class SystemRef(Schema):
    id: int
    product: Ref


class ContractOut(Schema):
    id: int
    title: str
    organisation: Ref
    supplier: Ref
    systems: list[SystemRef]
    start_date: datetime.date
    end_date: datetime.date
    extension_end_date: datetime.date | None = Field(description="Latest end if every extension option is taken.")
    annual_value: Decimal | None = Field(description=MONEY)
    total_value: Decimal | None = Field(description=MONEY)
    values_hidden: bool = Field(description=VALUES_HIDDEN_RECORD)
    currency: str = Field(description="ISO 4217 code.")
    route: str
    framework: str
    source: str
    reference: str
    source_url: str
    provenance: ProvenanceOut | None = Field(description=PROVENANCE)

    # A paginated list hands the serializer rows straight from the database, so each value
    # goes through the viewer's redaction here, the one place the API reads it.
    @staticmethod
    def resolve_annual_value(contract, context):
        return _redacted(contract, context).annual_value

    @staticmethod
    def resolve_total_value(contract, context):
        return _redacted(contract, context).total_value

    @staticmethod
    def resolve_values_hidden(contract, context):
        return _redacted(contract, context).values_hidden

    @staticmethod
    def resolve_organisation(contract):
        return {"slug": contract.organisation.slug, "name": str(contract.organisation)}

    @staticmethod
    def resolve_provenance(contract):
        return provenance_out(contract)

    @staticmethod
    def resolve_systems(contract):
        return [
            {"id": s.pk, "product": {"slug": s.product.slug, "name": s.product.name}}
            for s in contract.systems.all()
        ]


def _redacted(contract, context):
    if not hasattr(contract, "values_hidden"):
        context["request"].viewer.redact_contracts([contract])
    return contract


@router.get(
    "/contracts",
    response=list[ContractOut],
    url_name="contracts",
    summary="List contracts, filtered and sorted like the contracts page",
)
@paginate(Pagination)
def contract_list(request, filters: Query[ContractQuery]):
    if filters.end_from and filters.end_to and filters.end_from > filters.end_to:
        raise DomainError("end_to must be on or after end_from.", code="invalid_range", field="end_to")
    return queries.filter_contracts(queries.ContractFilters(**filters.dict()), viewer=request.viewer)


@router.get(
    "/contracts/{contract_id}",
    response=ContractOut,
    url_name="contract",
    summary="One contract, with its version as the ETag (send it back as If-Match to change it)",
)
def contract_detail(request, contract_id: int, response: HttpResponse):
    contract = queries.contract(contract_id, viewer=request.viewer)
    response["ETag"] = etag(contract.version)
    return contract

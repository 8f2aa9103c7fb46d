"""The API for changing contracts: add, replace, patch, retire, history, restore.

The operations are the generic ones of a versioned record (citytools.core.records_api), given
the contract's kind (citytools.contracts.edit_views.CONTRACT) and its schemas below.
`GET /contracts/{id}` belongs to citytools.contracts.api; the writes on the same path are
added to that router here, because one path is one URL and so one router.
"""


from ninja import Field, Router, Schema
from pydantic import StrictBool

from citytools.contracts.api import ContractOut
from citytools.contracts.api import router as contracts_router
from citytools.contracts.edit_views import CONTRACT
from citytools.contracts.models import Contract
from citytools.core.api import MONEY_IN, MoneyIn
from citytools.core.dates import DateIn
from citytools.core.records_api import RecordApi

router = Router(tags=["editing contracts"])


class ContractRecordOut(ContractOut):
    version: int = Field(description="Also sent as the ETag header.")
    confidential: bool


class ContractIn(Schema):
    supplier: str = Field(description="Slug of the supplier.")
    systems: list[int] = Field([], description="Ids of the organisation's systems the contract covers.")
    title: str
    total_value: MoneyIn | None = Field(None, description=MONEY_IN)
    annual_value: MoneyIn | None = Field(None, description=MONEY_IN)
    currency: str = Field("GBP", description="ISO 4217 code.")
    start_date: DateIn
    end_date: DateIn
    extension_end_date: DateIn | None = None
    route: str = Contract.Route.UNKNOWN
    framework: str = ""
    source: str = Contract.Source.ORGANISATION
    reference: str = ""
    source_url: str = ""
    confidential: StrictBool = False


class ContractPatch(Schema):
    supplier: str | None = None
    systems: list[int] | None = None
    title: str | None = None
    total_value: MoneyIn | None = Field(None, description=MONEY_IN)
    annual_value: MoneyIn | None = Field(None, description=MONEY_IN)
    currency: str | None = None
    start_date: DateIn | None = None
    end_date: DateIn | None = None
    extension_end_date: DateIn | None = None
    route: str | None = None
    framework: str | None = None
    source: str | None = None
    reference: str | None = None
    source_url: str | None = None
    confidential: StrictBool | None = None


RecordApi(
    kind=CONTRACT,
    module=__name__,
    record_in=ContractIn,
    record_patch=ContractPatch,
    record_out=ContractRecordOut,
    load=lambda contracts: contracts.select_related("organisation", "supplier").prefetch_related("systems__product"),
    out=lambda request, contract: contract,
    leaves="the lists",
).register(router, record_router=contracts_router, with_get=False)

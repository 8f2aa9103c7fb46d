"""The API for changing contracts: add, replace, patch, retire, history, restore.

Built like the systems door (citytools.inventory.edit_api, whose helpers it shares): writes
need a signed-in session with its CSRF token, every change states its base version with
If-Match (428 without, 412 when stale), invisible records are 404 and other organisations'
records 403. `GET /contracts/{id}` belongs to citytools.contracts.api; the writes on the same
path are added to that router here, because one path is one URL and so one router.
"""


from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from pydantic import StrictBool

from citytools.contracts import services
from citytools.contracts.api import ContractOut
from citytools.contracts.api import router as contracts_router
from citytools.contracts.edit_views import contract_history_entries, contracts_for_history
from citytools.contracts.models import Contract
from citytools.core.api import MONEY_IN, MoneyIn
from citytools.core.api_input import django_auth
from citytools.core.dates import DateIn
from citytools.directory.models import Organisation
from citytools.core.preconditions import IfMatch, based_on, if_match, precondition
from citytools.inventory.edit_api import IF_MATCH, HistoryEntryOut, history_out, require, tag
from citytools.inventory.edit_views import history_record

router = Router(tags=["editing contracts"])
TAGS = ["editing contracts"]


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


def _loaded(queryset):
    return queryset.select_related("organisation", "supplier").prefetch_related("systems__product")


def _visible(request, contract_id: int) -> Contract:
    return get_object_or_404(_loaded(Contract.objects.visible_to(request.viewer)), pk=contract_id)


def _answer(response: HttpResponse, contract: Contract) -> Contract:
    contract = _loaded(Contract.objects.all()).get(pk=contract.pk)
    tag(response, contract)
    return contract


@router.post(
    "/organisations/{slug}/contracts",
    response={201: ContractRecordOut},
    auth=django_auth,
    url_name="contract_create",
    summary="Add a contract to an organisation (its editors only)",
)
def create_contract(request, slug: str, payload: ContractIn, response: HttpResponse):
    organisation = get_object_or_404(Organisation, slug=slug)
    require(request.viewer.can_edit(organisation.pk))
    contract = services.create_contract(organisation=organisation, actor=request.user, **payload.dict())
    return Status(201, _answer(response, contract))


def _update(request, contract_id: int, changes: dict, response: HttpResponse) -> Contract:
    contract = _visible(request, contract_id)
    require(request.viewer.can_edit(contract.organisation_id))
    version = based_on(request, contract)
    contract = precondition(
        lambda: services.update_contract(contract, version=version, changes=changes, actor=request.user)
    )
    return _answer(response, contract)


@contracts_router.put(
    "/contracts/{contract_id}",
    response=ContractRecordOut,
    auth=django_auth,
    url_name="contract_replace",
    tags=TAGS,
    summary="Replace a contract's fields (If-Match required)",
    description=IF_MATCH,
)
@if_match(IfMatch.REQUIRED)
def replace_contract(request, contract_id: int, payload: ContractIn, response: HttpResponse):
    return _update(request, contract_id, payload.dict(), response)


@contracts_router.patch(
    "/contracts/{contract_id}",
    response=ContractRecordOut,
    auth=django_auth,
    url_name="contract_patch",
    tags=TAGS,
    summary="Change some of a contract's fields (If-Match required)",
    description=IF_MATCH,
)
@if_match(IfMatch.REQUIRED)
def patch_contract(request, contract_id: int, payload: ContractPatch, response: HttpResponse):
    return _update(request, contract_id, payload.dict(exclude_unset=True), response)


@contracts_router.delete(
    "/contracts/{contract_id}",
    response={204: None},
    auth=django_auth,
    url_name="contract_retire",
    tags=TAGS,
    summary="Retire a contract: it leaves the lists, its history stays (If-Match required)",
    description=IF_MATCH,
)
@if_match(IfMatch.REQUIRED)
def retire_contract(request, contract_id: int):
    contract = _visible(request, contract_id)
    require(request.viewer.can_edit(contract.organisation_id))
    version = based_on(request, contract)
    precondition(lambda: services.retire_contract(contract, version=version, actor=request.user))
    return Status(204, None)


def _for_history(request, contract_id: int) -> Contract:
    return history_record(contracts_for_history(request.viewer), contract_id, request.viewer)


@router.get(
    "/contracts/{contract_id}/history",
    response=list[HistoryEntryOut],
    url_name="contract_history",
    summary="Every version of a contract, newest first, with what changed",
)
def contract_history(request, contract_id: int):
    contract = _for_history(request, contract_id)
    return history_out(contract_history_entries(contract, request.viewer))


@router.post(
    "/contracts/{contract_id}/history/{history_id}/restore",
    response=ContractRecordOut,
    auth=django_auth,
    url_name="contract_restore",
    summary="Restore an earlier version as a new version (editors and network coordinators)",
    description="If-Match is optional here; when sent, a stale one is refused with 412.",
)
@if_match(IfMatch.OPTIONAL)
def restore_contract(request, contract_id: int, history_id: int, response: HttpResponse):
    contract = _for_history(request, contract_id)
    require(
        request.viewer.can_restore(contract.organisation_id),
        "Only the organisation's editors or its network coordinators can restore a version.",
    )
    version = based_on(request, contract)
    contract = precondition(
        lambda: services.restore_version(contract, history_id=history_id, actor=request.user, version=version)
    )
    return _answer(response, contract)

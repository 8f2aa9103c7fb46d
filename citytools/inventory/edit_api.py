"""The API for changing systems: add, read with an ETag, replace, patch, retire, history, restore.

Reads are open to anyone who may see the system; writes need a signed-in session
(`django_auth`, which also checks the CSRF token on unsafe methods). Every change states the
version it was based on with `If-Match: "<version>"` (the ETag of the last read): without it
the answer is 428, with an old one 412, and nothing is written. The door finds the record
through `System.objects.visible_to(request.viewer)` (404 for what the person may not see),
asks the Viewer whether they may change it (403), and calls citytools.inventory.services.

The schemas and helpers for history and preconditions are shared with
citytools.contracts.edit_api.
"""

import datetime

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status
from pydantic import StrictBool

from citytools.core import history
from citytools.core.api_input import django_auth
from citytools.core.dates import DateIn
from citytools.core.errors import Forbidden
from citytools.core.preconditions import IfMatch, based_on, if_match, precondition
from citytools.directory.models import Organisation
from citytools.inventory import services
from citytools.inventory.edit_views import history_record, system_history_entries, systems_for_history
from citytools.inventory.models import System

router = Router(tags=["editing systems"])

IF_MATCH = 'The ETag of the version your change is based on, as returned by GET: `"3"`.'


# Shared with the contracts door -------------------------------------------------------------


class ChangeOut(Schema):
    field: str
    label: str
    old: str = Field(
        description="Empty for a version that created the record, or the first version shown to you."
    )
    new: str


class HistoryEntryOut(Schema):
    history_id: int = Field(description="Pass it to the restore operation.")
    version: int
    when: datetime.datetime
    who: str = Field(description="The person's name for those who may see it, otherwise their role.")
    action: str = Field(description="Created, Changed, Retired or Restored version N.")
    current: bool
    after_hidden: bool = Field(
        description=(
            "The versions just before this one are not shown to you (you could not see the record as "
            "it was then, e.g. confidential); its changes compare with the last version you may see, "
            "or, if there is none, give its values."
        )
    )
    changes: list[ChangeOut] = Field(description="Fields whose values you may not see are left out.")


def history_out(entries: list[history.Entry]) -> list[dict]:
    return [
        {
            "history_id": e.history_id,
            "version": e.version,
            "when": e.when,
            "who": e.who,
            "action": e.action,
            "current": e.is_current,
            "after_hidden": e.after_hidden,
            "changes": [c.__dict__ for c in e.changes],
        }
        for e in entries
    ]


def require(allowed: bool, message: str = "Only the organisation's own editors can change its records.") -> None:
    if not allowed:
        raise Forbidden(message)


def tag(response: HttpResponse, record) -> None:
    response["ETag"] = history.etag(record.version)


# Systems ------------------------------------------------------------------------------------


class Ref(Schema):
    slug: str
    name: str


class AreaRef(Schema):
    slug: str
    name: str
    group: str


class SystemRecordOut(Schema):
    id: int
    version: int = Field(description="Also sent as the ETag header.")
    organisation: Ref
    product: Ref
    supplier: Ref | None = Field(description="Who sells or runs it, when that is not the maker.")
    service_areas: list[AreaRef]
    hosting: str
    status: str
    go_live: datetime.date | None
    notes: str | None = Field(description="Null when you may not see notes of this organisation.")
    confidential: bool
    updated_at: datetime.datetime


class SystemIn(Schema):
    product: str = Field(description="Slug of the product.")
    supplier: str | None = Field(None, description="Slug of the supplier, when not the maker.")
    service_areas: list[str] = Field(description="Slugs of service areas (not groups).")
    hosting: str = Field("", description="on_premises, hosted, saas, or empty when not known.")
    status: str = Field(System.Status.LIVE, description="live, being_replaced or planned.")
    go_live: DateIn | None = None
    notes: str = ""
    confidential: StrictBool = False


class SystemPatch(Schema):
    product: str | None = None
    supplier: str | None = None
    service_areas: list[str] | None = None
    hosting: str | None = None
    status: str | None = None
    go_live: DateIn | None = None
    notes: str | None = None
    confidential: StrictBool | None = None


def _system_out(request, system: System) -> dict:
    request.viewer.redact_systems([system])
    return {
        "id": system.pk,
        "version": system.version,
        "organisation": {"slug": system.organisation.slug, "name": str(system.organisation)},
        "product": {"slug": system.product.slug, "name": system.product.name},
        "supplier": {"slug": system.supplier.slug, "name": system.supplier.name} if system.supplier else None,
        "service_areas": [
            {"slug": a.slug, "name": a.name, "group": a.parent.name if a.parent_id else ""}
            for a in system.service_areas.all()
        ],
        "hosting": system.hosting,
        "status": system.status,
        "go_live": system.go_live,
        "notes": None if system.notes_hidden else system.notes,
        "confidential": system.confidential,
        "updated_at": system.updated_at,
    }


def _visible(request, system_id: int) -> System:
    return get_object_or_404(
        System.objects.visible_to(request.viewer)
        .select_related("organisation", "product", "supplier")
        .prefetch_related("service_areas__parent"),
        pk=system_id,
    )


def _reloaded(system: System) -> System:
    return (
        System.objects.select_related("organisation", "product", "supplier")
        .prefetch_related("service_areas__parent")
        .get(pk=system.pk)
    )


@router.post(
    "/organisations/{slug}/systems",
    response={201: SystemRecordOut},
    auth=django_auth,
    url_name="system_create",
    summary="Add a system to an organisation (its editors only)",
)
def create_system(request, slug: str, payload: SystemIn, response: HttpResponse):
    organisation = get_object_or_404(Organisation, slug=slug)
    require(request.viewer.can_edit(organisation.pk))
    system = services.create_system(organisation=organisation, actor=request.user, **payload.dict())
    system = _reloaded(system)
    tag(response, system)
    return Status(201, _system_out(request, system))


@router.get(
    "/systems/{system_id}",
    response=SystemRecordOut,
    url_name="system",
    summary="One system, with its version as the ETag",
)
def get_system(request, system_id: int, response: HttpResponse):
    system = _visible(request, system_id)
    tag(response, system)
    return _system_out(request, system)


def _update(request, system_id: int, changes: dict, response: HttpResponse) -> dict:
    system = _visible(request, system_id)
    require(request.viewer.can_edit(system.organisation_id))
    version = based_on(request, system)
    system = precondition(
        lambda: services.update_system(system, version=version, changes=changes, actor=request.user)
    )
    system = _reloaded(system)
    tag(response, system)
    return _system_out(request, system)


@router.put(
    "/systems/{system_id}",
    response=SystemRecordOut,
    auth=django_auth,
    url_name="system_replace",
    summary="Replace a system's fields (If-Match required)",
    description=IF_MATCH,
)
@if_match(IfMatch.REQUIRED)
def replace_system(request, system_id: int, payload: SystemIn, response: HttpResponse):
    return _update(request, system_id, payload.dict(), response)


@router.patch(
    "/systems/{system_id}",
    response=SystemRecordOut,
    auth=django_auth,
    url_name="system_patch",
    summary="Change some of a system's fields (If-Match required)",
    description=IF_MATCH,
)
@if_match(IfMatch.REQUIRED)
def patch_system(request, system_id: int, payload: SystemPatch, response: HttpResponse):
    return _update(request, system_id, payload.dict(exclude_unset=True), response)


@router.delete(
    "/systems/{system_id}",
    response={204: None},
    auth=django_auth,
    url_name="system_retire",
    summary="Retire a system: it leaves the inventory, its history stays (If-Match required)",
    description=IF_MATCH,
)
@if_match(IfMatch.REQUIRED)
def retire_system(request, system_id: int):
    system = _visible(request, system_id)
    require(request.viewer.can_edit(system.organisation_id))
    version = based_on(request, system)
    precondition(lambda: services.retire_system(system, version=version, actor=request.user))
    return Status(204, None)


def _for_history(request, system_id: int) -> System:
    return history_record(systems_for_history(request.viewer), system_id, request.viewer)


@router.get(
    "/systems/{system_id}/history",
    response=list[HistoryEntryOut],
    url_name="system_history",
    summary="Every version of a system, newest first, with what changed",
)
def system_history(request, system_id: int):
    system = _for_history(request, system_id)
    return history_out(system_history_entries(system, request.viewer))


@router.post(
    "/systems/{system_id}/history/{history_id}/restore",
    response=SystemRecordOut,
    auth=django_auth,
    url_name="system_restore",
    summary="Restore an earlier version as a new version (editors and network coordinators)",
    description="If-Match is optional here; when sent, a stale one is refused with 412.",
)
@if_match(IfMatch.OPTIONAL)
def restore_system(request, system_id: int, history_id: int, response: HttpResponse):
    system = _for_history(request, system_id)
    require(
        request.viewer.can_restore(system.organisation_id),
        "Only the organisation's editors or its network coordinators can restore a version.",
    )
    version = based_on(request, system)
    system = precondition(
        lambda: services.restore_version(system, history_id=history_id, actor=request.user, version=version)
    )
    system = _reloaded(system)
    tag(response, system)
    return _system_out(request, system)

"""The API for changing systems: add, read with an ETag, replace, patch, retire, history, restore.

The operations are the generic ones of a versioned record (citytools.core.records_api), given
the system's kind (citytools.inventory.edit_views.SYSTEM) and its schemas below.
"""

import datetime

from ninja import Field, Router, Schema
from pydantic import StrictBool

from citytools.core.api import PROVENANCE, ProvenanceOut, Ref, provenance_out
from citytools.core.dates import DateIn
from citytools.core.records_api import RecordApi
from citytools.inventory.edit_views import SYSTEM
from citytools.inventory.models import System

router = Router(tags=["editing systems"])


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
    provenance: ProvenanceOut | None = Field(description=PROVENANCE)


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
        "provenance": provenance_out(system),
        "updated_at": system.updated_at,
    }


def _load(systems):
    return systems.select_related("organisation", "product", "supplier").prefetch_related("service_areas__parent")


RecordApi(
    kind=SYSTEM,
    module=__name__,
    record_in=SystemIn,
    record_patch=SystemPatch,
    record_out=SystemRecordOut,
    load=_load,
    out=_system_out,
    leaves="the inventory",
).register(router)

"""The API of the public registers: the registers City Tools ships and their facts, public;
and loading one onto the map, for platform admins (403 for anyone else, 401 without a
session). The same queries and service as the pages; an unknown register is 404
(citytools.core.api turns each refusal into problem+json)."""

from django.urls import reverse
from ninja import Field, Router, Schema

from citytools.core.api import Ref
from citytools.core.api_input import django_auth
from citytools.registers import queries, services

router = Router(tags=["public registers"])


class RegisterOut(Schema):
    name: str = Field(description="The register's name in addresses, e.g. `libraries`.")
    title: str
    summary: str
    service_area: str = Field(description="The slug of the service area its systems go in.")
    label: str = Field(description="The source as the records it puts on the map name it (their provenance's label).")
    published: str = Field(description="When the source was published, in words.")
    source: str
    source_url: str
    licence: str
    licence_url: str
    attribution: str
    url: str = Field(description="Where its facts are, row by row.")


class PlaceOut(Schema):
    gss_code: str = Field(description="The organisation's code: a GSS code, or the register's own for a body that is not a local authority.")
    organisation: Ref | None = Field(description="The organisation, where it is on the map.")
    on_the_map: bool = Field(description="Whether a system of the product is on its map (as far as you may see).")
    other_products: list[str] = Field(description="Other products its map has in the register's service area.")


class FactOut(Schema):
    register_code: str = Field(description="The code the register gives the service.")
    library_service: str = Field(description="The service as the register names it.")
    code_change: str = Field(description="Empty, `former code`, `successor` or `not a local authority`: how `organisations` differ from the register's code.")
    organisations: list[PlaceOut] = Field(description="The organisations that run the service today.")
    system: str = Field(description="The system as the register names it, e.g. `ArenaV7`.")
    product: str
    version: str = Field(description="The version the register's name carries, or empty.")
    maker: str | None = Field(description="Who makes the product; null where the register does not say, and the row is not put on the map.")
    catalogue_url: str
    on_the_map: bool


class RegisterFactsOut(RegisterOut):
    facts: list[FactOut]


class LoadIn(Schema):
    dry_run: bool = Field(False, description="Only say what loading would do, and change nothing.")


class DifferenceOut(Schema):
    organisation: Ref
    register_product: str = Field(description="The register's product.")
    on_the_map: list[str] = Field(description="The products the map has in that service area, which were kept.")


class LoadOut(Schema):
    name: str = Field(description="The register's name.")
    dry_run: bool
    rows: int
    organisations: int = Field(description="Organisations created.")
    suppliers: int = Field(description="Suppliers (makers) created.")
    products: int = Field(description="Products created.")
    systems: int = Field(description="Systems created, unconfirmed, with the register as their provenance.")
    unchanged: int = Field(description="Organisations that had the register's product already.")
    differences: list[DifferenceOut]
    left_off: list[str] = Field(description="Rows not put on the map, and why.")


def _register_out(register) -> dict:
    fields = {name: getattr(register, name) for name in RegisterOut.model_fields if name != "url"}
    return {**fields, "url": reverse("api:register", args=[register.name])}


def _fact_out(fact) -> dict:
    row = fact.row
    return {
        "register_code": row.register_code, "library_service": row.library_service, "code_change": row.code_change,
        "organisations": [
            {
                "gss_code": place.code, "on_the_map": place.on_the_map, "other_products": list(place.others),
                "organisation": {"slug": place.organisation.slug, "name": place.organisation.name} if place.organisation else None,
            }
            for place in fact.places
        ],
        "system": row.system, "product": row.product, "version": row.version, "maker": row.maker or None,
        "catalogue_url": row.catalogue_url, "on_the_map": fact.on_the_map,
    }


@router.get("/registers", response=list[RegisterOut], url_name="registers", summary="The public registers City Tools ships")
def list_registers(request):
    return [_register_out(register) for register in queries.registers()]


@router.get("/registers/{name}", response=RegisterFactsOut, url_name="register", summary="A public register's facts, and whether each is on the map")
def get_register(request, name: str):
    register = queries.register(name)
    return {**_register_out(register), "facts": [_fact_out(fact) for fact in queries.facts(name, viewer=request.viewer)]}


@router.post(
    "/registers/{name}/load", response=LoadOut, auth=django_auth, url_name="register_load",
    summary="Put a public register on the map (platform admins)",
    description=(
        "Adds the organisations, makers and products that are missing, and a system for each organisation that has none of "
        "the register's product, unconfirmed, with the register as its provenance. Loading again changes nothing; another "
        "product on an organisation's map is kept and listed in `differences`. One transaction: a bad row writes nothing."
    ),
)
def load(request, name: str, payload: LoadIn):
    summary = services.load_register(name, actor=request.user, dry_run=payload.dry_run)
    return {
        "name": summary.register, "dry_run": summary.dry_run, "rows": summary.rows,
        "organisations": summary.organisations, "suppliers": summary.suppliers, "products": summary.products,
        "systems": summary.systems, "unchanged": summary.unchanged, "left_off": summary.left_off,
        "differences": [
            {"organisation": {"slug": d.slug, "name": d.organisation}, "register_product": d.register, "on_the_map": list(d.on_the_map)}
            for d in summary.differences
        ],
    }

"""Reads of the registers: what each says, row by row, and whether the map agrees, as the
person asking may see it. The facts of a register are public; whether an organisation's
system is on the map follows the same visibility as the map's own pages."""

from dataclasses import dataclass

from django.db.models.fields.json import KeyTransform

from citytools.accounts.viewer import Viewer
from citytools.directory.models import Network, Organisation
from citytools.inventory.models import Product, System
from citytools.inventory.rules import normalise_name
from citytools.registers import shipped
from citytools.registers.models import SurveyImport
from citytools.registers.services import may_load
from citytools.registers.surveys import require_import


@dataclass(frozen=True)
class Place:
    """One organisation that runs a row's service today, and whether its map has the product."""

    code: str
    organisation: Organisation | None
    on_the_map: bool
    others: tuple[str, ...] = ()  # other products the map has in the register's service area


@dataclass(frozen=True)
class Fact:
    row: shipped.Row
    places: tuple[Place, ...]

    @property
    def on_the_map(self) -> bool:
        return all(place.on_the_map for place in self.places)


def registers() -> list[shipped.Register]:
    return list(shipped.REGISTERS.values())


def register(name: str) -> shipped.Register:
    return shipped.register(name)


def facts(name: str, *, viewer: Viewer) -> list[Fact]:
    """Every row of the register with the organisations it names and, for each, whether a
    system of the row's product is on the map where this person can see it."""
    rows = shipped.rows(name)
    codes = {code for row in rows for code in row.gss_codes}
    organisations = Organisation.objects.in_bulk(codes, field_name="identifier")
    wanted = {normalise_name(row.product) for row in rows}
    products = {
        normalise_name(product.name): product.pk
        for product in Product.objects.only("pk", "name")
        if normalise_name(product.name) in wanted
    }
    area = shipped.register(name).service_area
    systems = System.objects.visible_to(viewer).filter(organisation__in=[o.pk for o in organisations.values()])
    with_product = set(systems.filter(product__in=products.values()).values_list("organisation_id", "product_id"))
    in_area: dict[int, dict[int, str]] = {}
    for organisation, product, product_name in systems.filter(service_areas__slug=area).values_list(
        "organisation_id", "product_id", "product__name"
    ):
        in_area.setdefault(organisation, {})[product] = product_name
    found = []
    for row in rows:
        product = products.get(normalise_name(row.product))
        places = []
        for code in row.gss_codes:
            organisation = organisations.get(code)
            there = in_area.get(organisation.pk, {}) if organisation else {}
            others = tuple(sorted(name for pk, name in there.items() if pk != product))
            on_map = organisation is not None and (organisation.pk, product) in with_product
            places.append(Place(code, organisation, on_map, others))
        found.append(Fact(row, tuple(places)))
    return found


def can_load(viewer: Viewer) -> bool:
    return may_load(viewer)


def surveys_of(network: Network, *, viewer: Viewer):
    """The network's survey imports, newest first, for its coordinators and admins (Forbidden
    for anyone else): without their files or their rows, which may be large, each with only
    its `counts` by status (None until its first preview)."""
    require_import(viewer, network)
    return (
        SurveyImport.objects.filter(network=network).select_related("network").defer("content", "report")
        .annotate(counts=KeyTransform("counts", "report"))
    )

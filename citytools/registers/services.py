"""Loading a public register onto the map: the one write of this app, which the page, the API
and `citytools load_register` all call.

For each row of the register (citytools.registers.shipped) and each organisation that runs
its service today, the load finds the organisation by its code (adding the local authorities
the deployment has not loaded, from the directory's reference list, and the register's other
public bodies from the register itself), the product's maker and the product (once each,
reused across rows and from what the catalogue already holds, by normalised name), and adds
a system of that product in the register's service area, with the register as its provenance
and unconfirmed, so that each organisation's editors are asked to confirm it. What is on the
map already is never changed: the same product is left alone, and another product in that
service area is kept and reported as a difference. A product whose maker the register does
not give is left off the map. Loading again changes nothing.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils.text import slugify

from citytools.accounts.viewer import Viewer
from citytools.core.errors import DomainError, Forbidden
from citytools.directory.models import Organisation, Supplier
from citytools.directory.services import add_local_authorities
from citytools.inventory import catalogue_services
from citytools.inventory.models import Product, ServiceArea, System
from citytools.inventory.services import create_system, load_service_areas
from citytools.registers import rules, shipped

# The identifier scheme of a body the register names by its own code (not a GSS code).
REGISTER_SCHEME = "register"


@dataclass(frozen=True)
class Difference:
    """An organisation whose map names another product where the register names one."""

    organisation: str
    slug: str
    register: str  # the register's product
    on_the_map: tuple[str, ...]  # the products in that service area on the map

    def __str__(self) -> str:
        return f"{self.organisation}: the register says {self.register}; the map says {', '.join(self.on_the_map)}."


@dataclass
class Summary:
    """What a load did (or, for a dry run, would do)."""

    register: str
    dry_run: bool = False
    rows: int = 0
    organisations: int = 0  # created
    suppliers: int = 0
    products: int = 0
    systems: int = 0
    unchanged: int = 0  # an organisation that had the register's product already
    differences: list[Difference] = field(default_factory=list)
    left_off: list[str] = field(default_factory=list)  # rows not put on the map, with why

    def __str__(self) -> str:
        verb = "would be created" if self.dry_run else "created"
        return (
            f"{self.rows} rows of the register read. Organisations {verb}: {self.organisations}; suppliers: "
            f"{self.suppliers}; products: {self.products}; systems: {self.systems}. Unchanged: {self.unchanged}. "
            f"Differences: {len(self.differences)}. Left off the map: {len(self.left_off)}."
        )


def _quiet(*args) -> None:
    return None


def may_load(viewer: Viewer) -> bool:
    """A register covers organisations in no network, which no coordinator speaks for."""
    return viewer.is_admin


def load_register(
    name: str,
    *,
    actor,
    dry_run: bool = False,
    progress: Callable[[str, int], None] | None = None,
    path: Path | None = None,
) -> Summary:
    """Put the register `name` on the map as `actor`, a platform admin, in one transaction:
    a bad row writes nothing. A dry run does the same and then undoes it, so its summary
    says exactly what a load would do. `progress` is called with a stage ("organisations",
    "catalogue", "systems") and a count; `path` reads another edition of the register's file
    instead of the shipped one."""
    register = shipped.register(name)
    if actor is None or not may_load(Viewer.for_user(actor)):
        raise Forbidden("Only platform admins may load a register: it covers organisations in no network.")
    rows = shipped.rows(name, path=path)
    with transaction.atomic(), Viewer.for_batch(actor):
        summary = _load(register, rows, actor=actor, progress=progress or _quiet)
        summary.dry_run = dry_run
        if dry_run:
            transaction.set_rollback(True)
    return summary


def _load(register: shipped.Register, rows, *, actor, progress) -> Summary:
    summary = Summary(register=register.name, rows=len(rows))
    area = _service_area(register, actor=actor)
    organisations = _organisations(rows, summary, actor=actor)
    progress("organisations", len(organisations))
    products = _products(rows, summary, actor=actor)
    progress("catalogue", len(products))
    on_the_map = _systems_on_the_map(organisations.values(), area, register)
    done = 0
    for row in rows:
        product = products.get((row.product, row.maker))
        if product is None:
            summary.left_off.append(f"{row.library_service}: the register names {row.system} and not who makes it.")
            continue
        for code in row.gss_codes:
            organisation = organisations[code]
            products_there, in_area = on_the_map.setdefault(organisation.pk, (set(), {}))
            others = sorted(name for pk, name in in_area.items() if pk != product.pk)
            outcome = rules.outcome(maker=row.maker, has_product=product.pk in products_there, other_products=others)
            if outcome == rules.UNCHANGED:
                summary.unchanged += 1
            elif outcome == rules.DIFFERENT:
                summary.differences.append(Difference(str(organisation), organisation.slug, product.name, tuple(others)))
            else:
                create_system(
                    organisation=organisation, product=product, service_areas=[area], actor=actor,
                    provenance=register.provenance(row.catalogue_url),
                )
                products_there.add(product.pk)
                in_area[product.pk] = product.name
                summary.systems += 1
        done += 1
        progress("systems", done)
    return summary


def _service_area(register: shipped.Register, *, actor) -> ServiceArea:
    """The register's service area; a deployment that never loaded the taxonomy loads it now."""
    area = ServiceArea.objects.leaves().filter(slug=register.service_area).first()
    if area is None:
        load_service_areas(actor=actor)
        area = ServiceArea.objects.leaves().filter(slug=register.service_area).first()
    if area is None:
        raise DomainError(f"The service area {register.service_area!r} is not in the taxonomy.", code="not_found")
    return area


def _organisations(rows, summary: Summary, *, actor) -> dict[str, Organisation]:
    """Every organisation the rows name, by code: found on the map, or created."""
    authorities = {code for row in rows if row.is_authority for code in row.gss_codes}
    summary.organisations += len(add_local_authorities(authorities, actor=actor))
    for row in rows:
        if not row.is_authority and not Organisation.objects.filter(identifier=row.register_code).exists():
            Organisation.objects.create(
                identifier=row.register_code, identifier_scheme=REGISTER_SCHEME, slug=_free_slug(row.organisation_name),
                name=row.organisation_name, short_name=row.organisation_name, kind=row.organisation_kind,
            )
            summary.organisations += 1
    codes = {code for row in rows for code in row.gss_codes}
    return Organisation.objects.in_bulk(codes, field_name="identifier")


def _free_slug(name: str) -> str:
    base = slugify(name)[:90] or "organisation"
    slug, number = base, 1
    while Organisation.objects.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


def _products(rows, summary: Summary, *, actor) -> dict[tuple[str, str], Product]:
    """Each product the rows name with its maker, from the catalogue or added to it once."""
    suppliers, products = Supplier.objects.count(), Product.objects.count()
    makers: dict[str, Supplier] = {}
    found: dict[tuple[str, str], Product] = {}
    for row in rows:
        if not row.maker or (row.product, row.maker) in found:
            continue
        if row.maker not in makers:
            makers[row.maker] = catalogue_services.supplier_from_public_record(name=row.maker, actor=actor)
        found[(row.product, row.maker)] = catalogue_services.product_from_public_record(
            name=row.product, manufacturer=makers[row.maker], actor=actor
        )
    summary.suppliers += Supplier.objects.count() - suppliers
    summary.products += Product.objects.count() - products
    return found


def _systems_on_the_map(organisations, area: ServiceArea, register: shipped.Register) -> dict[int, tuple[set, dict]]:
    """For each organisation: the products of its current systems (and of those an earlier
    load of this register put there and a person has since retired, which stay retired), and
    the products of its current systems in the register's area, by pk."""
    ids = [organisation.pk for organisation in organisations]
    state: dict[int, tuple[set, dict]] = {}
    systems = System.objects.filter(organisation_id__in=ids).values_list(
        "pk", "organisation_id", "product_id", "product__name", "retired_at", "provenance"
    )
    in_area = set(System.objects.filter(organisation_id__in=ids, service_areas=area).values_list("pk", flat=True))
    for pk, organisation, product, name, retired_at, provenance in systems:
        products, area_products = state.setdefault(organisation, (set(), {}))
        from_register = (provenance or {}).get("source") == f"register:{register.name}"
        if retired_at is None or from_register:
            products.add(product)
        if retired_at is None and pk in in_area:
            area_products[product] = name
    return state

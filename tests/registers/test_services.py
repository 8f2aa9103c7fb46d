"""Loading the library register onto the map (citytools.registers.services.load_register), with
the real file the product ships: every service lands, nothing is guessed, nothing a person
entered is changed, and loading again changes nothing."""

import csv
import shutil

import pytest

from citytools.core.errors import DomainError, Forbidden
from citytools.directory.models import Organisation, Supplier
from citytools.inventory.models import Product, ServiceArea, System
from citytools.inventory.services import create_system, load_service_areas, retire_system
from citytools.registers import shipped
from citytools.registers.services import load_register
from tests.factories import OrganisationFactory, ProductFactory, SupplierFactory

ROWS = shipped.rows("libraries")
CODES = {code for row in ROWS for code in row.gss_codes}
PLACED = {code for row in ROWS if row.maker for code in row.gss_codes}


def libraries():
    return System.objects.active().filter(service_areas__slug="libraries")


def products_at(identifier: str) -> list[str]:
    return sorted(libraries().filter(organisation__identifier=identifier).values_list("product__name", flat=True))


def tables() -> dict:
    return {model.__name__: model.objects.count() for model in (Organisation, Supplier, Product, System, System.history.model)}


def test_every_library_service_lands_in_a_fresh_deployment(people):
    # No reference list of authorities and no taxonomy: the load brings what it needs.
    summary = load_register("libraries", actor=people.admin)

    assert summary.rows == len(ROWS) == 208
    assert set(Organisation.objects.values_list("identifier", flat=True)) >= CODES
    assert summary.organisations == len(CODES) == Organisation.objects.count()
    # London's 33 authorities: the City of London and the 32 boroughs.
    london = Organisation.objects.filter(identifier__startswith="E09")
    assert london.count() == 33
    assert all(products_at(o.identifier) for o in london)
    assert products_at("E09000007") == ["Spydus"]  # Camden
    # Every organisation of a row whose maker is known has the row's product, once.
    assert libraries().values("organisation").distinct().count() == len(PLACED) == summary.systems
    assert summary.unchanged == 1  # Bournemouth and Poole are one council now: its second row finds it placed
    assert summary.left_off == [
        "Durham: the register names Durham and not who makes it.",
        "South Ayrshire: the register names Vega and not who makes it.",
    ]
    assert not summary.differences


def test_products_and_makers_are_created_once_each(people):
    load_register("libraries", actor=people.admin)

    makers = dict(Product.objects.values_list("name", "manufacturer__name"))
    assert makers == {
        "Arena": "Axiell", "Enterprise": "SirsiDynix", "Iguana": "Infor", "Koha": "Koha Community",
        "Luci": "Solus", "Prism": "Capita", "Spydus": "Civica",
    }
    assert Supplier.objects.count() == 7
    # 33 rows name ArenaV6 or ArenaV7: Bournemouth and Poole are one council now, and
    # Northamptonshire two, so 33 organisations run it.
    arena = {code for row in ROWS if row.product == "Arena" for code in row.gss_codes}
    assert sum(row.system.startswith("Arena") for row in ROWS) == len(arena) == 33
    assert libraries().filter(product__name="Arena").count() == 33


def test_the_register_reuses_the_suppliers_and_products_on_the_map(people):
    civica = SupplierFactory(name="Civica UK Ltd", slug="civica-uk")
    spydus = ProductFactory(name="spydus ", slug="spydus-lms", manufacturer=civica)

    summary = load_register("libraries", actor=people.admin)

    assert Supplier.objects.filter(name__icontains="civica").get() == civica
    assert libraries().filter(product__name="Arena").exists()
    assert set(libraries().filter(product__manufacturer=civica).values_list("product", flat=True)) == {spydus.pk}
    assert (summary.suppliers, summary.products) == (6, 6)


def test_each_system_says_where_it_came_from_and_waits_to_be_confirmed(people):
    load_register("libraries", actor=people.admin)

    system = libraries().get(organisation__identifier="S12000047")  # Fife, by the code it has had since 2018
    assert system.product.name == "Spydus"
    assert system.provenance == {
        "label": "public register: library catalogues, June 2024",
        "source": "register:libraries",
        "register": "libraries",
        "url": "https://onfife.spydus.co.uk/",
        "attribution": shipped.register("libraries").attribution,
        "licence": "MIT",
    }
    assert system.confirmed_at is None and system.supplier is None
    assert system.history.get().history_user == people.admin


def test_successors_and_bodies_that_are_not_councils_are_placed(people):
    load_register("libraries", actor=people.admin)

    # Cumbria was split in 2023: both successors run the service the register lists.
    assert products_at("E06000063") == products_at("E06000064") == ["Koha"]
    libraries_ni = Organisation.objects.get(identifier="X000000NI")
    assert (libraries_ni.name, libraries_ni.kind, libraries_ni.identifier_scheme) == ("Libraries NI", "Public body", "register")
    assert products_at("X000000GN") == ["Arena"] and products_at("X000000JR") == ["Prism"]


def test_a_second_load_changes_nothing(people):
    first = load_register("libraries", actor=people.admin)
    before = tables()

    second = load_register("libraries", actor=people.admin)

    assert tables() == before
    assert (second.organisations, second.suppliers, second.products, second.systems) == (0, 0, 0, 0)
    assert second.unchanged == first.systems + first.unchanged


def test_a_product_a_person_entered_is_kept_and_reported(people):
    load_service_areas()
    camden = OrganisationFactory(identifier="E09000007", slug="camden", name="London Borough of Camden", short_name="Camden")
    other = ProductFactory(name="Soprano")
    create_system(organisation=camden, product=other, service_areas=["libraries"], actor=people.admin)
    aberdeen = OrganisationFactory(identifier="S12000033", slug="aberdeen", short_name="Aberdeen City")
    spydus = ProductFactory(name="Spydus", manufacturer=SupplierFactory(name="Civica"))
    own = create_system(organisation=aberdeen, product=spydus, service_areas=["libraries"], actor=people.admin, notes="Ours")

    summary = load_register("libraries", actor=people.admin)

    assert products_at("E09000007") == ["Soprano"]
    assert [(d.organisation, d.register, d.on_the_map) for d in summary.differences] == [("Camden", "Spydus", ("Soprano",))]
    # The same product, entered by a person, is left as it is.
    assert libraries().filter(organisation=aberdeen).get() == own
    own.refresh_from_db()
    assert own.provenance == {} and own.version == 1 and own.notes == "Ours"


def test_a_system_retired_after_a_load_stays_retired(people):
    load_register("libraries", actor=people.admin)
    system = libraries().get(organisation__identifier="E09000007")
    retire_system(system, version=system.version, actor=people.admin)

    summary = load_register("libraries", actor=people.admin)

    assert products_at("E09000007") == [] and summary.systems == 0


def test_only_platform_admins_may_load_a_register(people):
    before = tables()
    with pytest.raises(Forbidden, match="Only platform admins"):
        load_register("libraries", actor=people.coordinator)
    with pytest.raises(Forbidden):
        load_register("libraries", actor=None)
    assert tables() == before


def test_an_unknown_register_is_not_found(people):
    with pytest.raises(DomainError, match="No register called 'books'") as error:
        load_register("books", actor=people.admin)
    assert error.value.status == 404


def test_a_dry_run_says_what_a_load_would_do_and_writes_nothing(people):
    before = tables()

    dry = load_register("libraries", actor=people.admin, dry_run=True)

    assert tables() == before
    assert not ServiceArea.objects.exists()
    real = load_register("libraries", actor=people.admin)
    assert (dry.dry_run, real.dry_run) == (True, False)
    assert (dry.organisations, dry.suppliers, dry.products, dry.systems) == (real.organisations, real.suppliers, real.products, real.systems)


def test_a_conflict_halfway_writes_nothing(people):
    # The catalogue's Prism is another company's: the load stops there, after it has
    # created authorities and makers, and all of it is undone.
    ProductFactory(name="Prism", manufacturer=SupplierFactory(name="Prism Software Ltd"))
    before = tables()

    with pytest.raises(DomainError, match="The catalogue's Prism is made by Prism Software Ltd, not Capita"):
        load_register("libraries", actor=people.admin)

    assert tables() == before


def test_a_damaged_file_is_refused_whole(people, tmp_path):
    path = tmp_path / "libraries.csv"
    shutil.copy(shipped.register("libraries").path, path)
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    rows[100]["catalogue_url"] = "not an address"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    before = tables()

    with pytest.raises(DomainError, match="Line 102, column catalogue_url"):
        load_register("libraries", actor=people.admin, path=path)

    assert tables() == before

"""The migration that grows the taxonomy (inventory 0008: "Culture, leisure and libraries" and
"Fleet and passenger transport") adds the new areas to a database whose taxonomy was loaded,
adds nothing to one that has none, and leaves every existing area and system where it was."""

import importlib

import pytest
from django.apps import apps as global_apps
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from citytools.inventory.models import ServiceArea, System
from citytools.inventory.services import SERVICE_AREAS_CSV, load_service_areas
from tests.factories import SystemFactory

BEFORE = [("inventory", "0007_provenance")]
AFTER = [("inventory", "0008_culture_leisure_and_libraries")]
NEW = {"culture-leisure-and-libraries", "libraries", "leisure-and-culture-bookings", "registrars", "bereavement-services", "fleet-and-passenger-transport"}
migration = importlib.import_module("citytools.inventory.migrations.0008_culture_leisure_and_libraries")


def old_taxonomy(tmp_path):
    """The shipped file without the rows this migration adds: the taxonomy as deployments had it."""
    lines = SERVICE_AREAS_CSV.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if "Culture, leisure and libraries" not in line and "Fleet and passenger" not in line]
    path = tmp_path / "service_areas.csv"
    path.write_text("".join(kept), encoding="utf-8")
    return path


@pytest.mark.django_db(transaction=True)
def test_migrating_adds_the_new_areas_and_keeps_every_system_in_its_areas(tmp_path):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        old = executor.loader.project_state(BEFORE).apps
        Area = old.get_model("inventory", "ServiceArea")
        assert not Area.objects.filter(slug__in=NEW).exists()
        load_service_areas(path=old_taxonomy(tmp_path))
        areas_before = {a["slug"]: a for a in ServiceArea.objects.values("pk", "slug", "name", "parent_id", "position", "description")}
        system = SystemFactory(service_areas=list(ServiceArea.objects.filter(slug__in=["council-tax", "hr-and-payroll"])))
        links = set(system.service_areas.values_list("pk", flat=True))
        assert len(links) == 2

        executor = MigrationExecutor(connection)
        executor.migrate(AFTER)

        after = {a["slug"]: a for a in ServiceArea.objects.values("pk", "slug", "name", "parent_id", "position", "description")}
        assert set(after) - set(areas_before) == NEW
        assert {slug: after[slug] for slug in areas_before} == areas_before  # nothing renamed, renumbered or moved
        assert set(System.objects.get(pk=system.pk).service_areas.values_list("pk", flat=True)) == links
        libraries = ServiceArea.objects.get(slug="libraries")
        assert libraries.parent.name == "Culture, leisure and libraries" and libraries.kind == "frontline"
        assert ServiceArea.objects.get(slug="fleet-and-passenger-transport").parent.slug == "environment-and-streets"
        # The loader agrees with the migration: loading the shipped file now changes nothing.
        result = load_service_areas()
        assert (result.created, result.updated) == (0, 0)
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db
def test_a_database_with_no_taxonomy_gets_nothing_from_the_migration():
    migration.add_areas(global_apps, None)
    assert not ServiceArea.objects.exists()


@pytest.mark.django_db
def test_running_it_again_adds_nothing_and_keeps_an_edited_area(tmp_path):
    load_service_areas(path=old_taxonomy(tmp_path))
    migration.add_areas(global_apps, None)
    ServiceArea.objects.filter(slug="libraries").update(description="Edited here")
    count = ServiceArea.objects.count()

    migration.add_areas(global_apps, None)

    assert ServiceArea.objects.count() == count
    assert ServiceArea.objects.get(slug="libraries").description == "Edited here"

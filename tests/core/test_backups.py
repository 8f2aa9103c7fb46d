"""Backup and restore (citytools.core.backups, `citytools backup` and `citytools restore`):
a database with data in it, backed up and restored into an empty database, holds the same
rows in every table, on SQLite (its backup API) and on PostgreSQL (pg_dump's custom format),
and through the dumpdata fallback on either."""

import copy
import hashlib
import io
import sqlite3
import threading
import time

import psycopg
import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connections
from django.db.utils import load_backend

from citytools.core import backups
from citytools.core.errors import DomainError
from citytools.core.models import MapVersion
from citytools.inventory.models import System
from tests.factories import ContractFactory, SystemFactory
from tests.people import people

pytestmark = pytest.mark.django_db(transaction=True)

RESTORED = "restored"


# The tables Django makes for many-to-many fields, each row a link with an id of its own.
LINKS = {
    field.remote_field.through._meta.db_table
    for model in apps.get_models()
    for field in model._meta.local_many_to_many
    if field.remote_field.through._meta.auto_created
}


def fingerprint(alias: str, without_ids: set[str] = frozenset()) -> dict[str, tuple[int, str]]:
    """Every table's row count and a hash of all its rows, in a fixed order (for the tables
    in `without_ids`, of all their columns but the id). All but the map's version, which a
    restore raises on purpose (test_a_restore_raises_the_maps_version)."""
    connection = connections[alias]
    found = {}
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            if table == MapVersion._meta.db_table:
                continue
            columns = "*"
            if table in without_ids:
                names = [column.name for column in connection.introspection.get_table_description(cursor, table)]
                columns = ", ".join(connection.ops.quote_name(name) for name in names if name != "id")
            cursor.execute(f"SELECT {columns} FROM {connection.ops.quote_name(table)}")
            rows = sorted(repr(tuple(row)) for row in cursor.fetchall())
            found[table] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
    return found


def admin_connection(settings: dict):
    return psycopg.connect(
        dbname="postgres", host=settings["HOST"] or None, port=settings["PORT"] or None,
        user=settings["USER"] or None, password=settings["PASSWORD"] or None, autocommit=True,
    )


@pytest.fixture
def empty_database(tmp_path):
    """A second database alias, `restored`, over a database with nothing in it: a new SQLite
    file, or a new PostgreSQL database on the same server."""
    default = connections["default"].settings_dict
    settings = copy.deepcopy(default)
    if connections["default"].vendor == "sqlite":
        settings["NAME"] = str(tmp_path / "restored.sqlite3")
    else:
        settings["NAME"] = f"{default['NAME']}_restored"
        with admin_connection(default) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{settings["NAME"]}"')
            admin.execute(f'CREATE DATABASE "{settings["NAME"]}"')
    # Made by hand rather than added to settings.DATABASES, which the test case has checked:
    # Django lets a test use a connection created while it runs.
    connections[RESTORED] = load_backend(settings["ENGINE"]).DatabaseWrapper(settings, RESTORED)
    try:
        yield RESTORED
    finally:
        connections[RESTORED].close()
        del connections[RESTORED]
        if settings["NAME"] != str(tmp_path / "restored.sqlite3"):
            with admin_connection(default) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{settings["NAME"]}" WITH (FORCE)')


@pytest.fixture
def filled():
    """The access world (networks, organisations, people and their roles) and records of each
    kind, history included."""
    world = people()
    for organisation in (world.own, world.peer, world.stranger):
        systems = SystemFactory.create_batch(3, organisation=organisation)
        for system in systems:
            ContractFactory(organisation=organisation, systems=[system])
    return world


def test_a_backup_restored_into_an_empty_database_holds_every_row(filled, empty_database, tmp_path):
    file = tmp_path / "citytools.backup"
    method = backups.backup_database(path=file)
    assert method == ("sqlite" if connections["default"].vendor == "sqlite" else "pg_dump")
    assert backups.tables_holding_data(empty_database) == []

    assert backups.restore_database(path=file, using=empty_database) == method

    before, after = fingerprint("default"), fingerprint(empty_database)
    assert after == before
    assert before["inventory_system"][0] == 9 and before["contracts_contract"][0] == 9
    assert System.objects.using(empty_database).count() == 9  # and Django reads it as its own


def test_a_restore_raises_the_maps_version(filled, empty_database, tmp_path):
    """A running server remembers reads under the map's version (citytools.core.versions):
    the restored database's version is past the one it was backed up at, so nothing
    remembered from before is served over the restored data."""
    file = tmp_path / "citytools.backup"
    backups.backup_database(path=file)
    backed_up = MapVersion.objects.get().value
    backups.restore_database(path=file, using=empty_database)
    assert MapVersion.objects.using(empty_database).get().value > backed_up


def test_the_dumpdata_fallback_round_trips_too(filled, empty_database, tmp_path, monkeypatch):
    monkeypatch.setattr(backups, "backup_method", lambda vendor: backups.FIXTURE)
    file = tmp_path / "citytools.backup"
    assert backups.backup_database(path=file) == "dumpdata"
    with pytest.raises(DomainError, match="run it first"):
        backups.restore_database(path=file, using=empty_database)
    call_command("migrate", database=empty_database, verbosity=0)
    assert backups.tables_holding_data(empty_database) == []  # what migrate writes is not data

    assert backups.restore_database(path=file, using=empty_database) == "dumpdata"

    # Only what dumpdata cannot carry differs: the ids of many-to-many links' rows, and the
    # tables migrate wrote into the new database (when, and in which order it numbered content
    # types and permissions: the backup names them by natural key, so no row points astray).
    before, after = fingerprint("default", LINKS), fingerprint(empty_database, LINKS)
    differing = {table for table in before if before[table] != after[table]}
    assert differing <= {"django_migrations", "django_content_type", "auth_permission"}
    assert {table: count for table, (count, _) in after.items()} == {table: count for table, (count, _) in before.items()}


def test_restore_refuses_a_database_that_holds_data_unless_forced(filled, empty_database, tmp_path):
    file = tmp_path / "citytools.backup"
    out = io.StringIO()
    call_command("backup", str(file), stdout=out)
    assert out.getvalue().startswith(f"Backed up the database to {file}")
    before = fingerprint("default")
    with pytest.raises(CommandError, match="already holds data .*--force"):
        call_command("restore", str(file))
    assert fingerprint("default") == before

    backups.restore_database(path=file, using=empty_database)
    SystemFactory(organisation=filled.own)  # the live database moves on
    with pytest.raises(DomainError, match="already holds data"):
        backups.restore_database(path=file, using=empty_database)
    call_command("restore", str(file), "--database", empty_database, "--force", stdout=out)
    assert f"Restored the database from {file}" in out.getvalue()
    assert fingerprint(empty_database)["inventory_system"][0] == 9


def test_a_file_that_is_not_there_or_from_another_database_is_refused(empty_database, tmp_path):
    with pytest.raises(DomainError, match="no backup file"):
        backups.restore_database(path=tmp_path / "missing", using=empty_database)
    other = tmp_path / "other"
    if connections["default"].vendor == "sqlite":
        other.write_bytes(backups.PG_DUMP_MAGIC + b"\x01\x0e")
        message = "restores only into PostgreSQL"
    else:
        other.write_bytes(backups.SQLITE_MAGIC + b"\x00" * 84)
        message = "restores only into SQLite"
    with pytest.raises(DomainError, match=message):
        backups.restore_database(path=other, using=empty_database)


def test_a_sqlite_backup_is_one_snapshot_while_others_write(tmp_path):
    """A writer adds a row to two tables in each transaction while backups are taken: every
    backup is whole (integrity check) and holds both rows of each transaction or neither."""
    if connections["default"].vendor != "sqlite":
        pytest.skip("SQLite's backup API; pg_dump's snapshot is PostgreSQL's own.")
    settings = copy.deepcopy(connections["default"].settings_dict)
    settings["NAME"] = str(tmp_path / "live.sqlite3")
    live = load_backend(settings["ENGINE"]).DatabaseWrapper(settings, "live")
    connections["live"] = live
    try:
        with live.cursor() as cursor:
            cursor.execute("CREATE TABLE one (n INTEGER)")
            cursor.execute("CREATE TABLE other (n INTEGER)")
        stop = threading.Event()

        def write():
            writer = sqlite3.connect(settings["NAME"], timeout=30, isolation_level=None)
            number = 0
            while not stop.is_set():
                writer.execute("BEGIN IMMEDIATE")
                writer.execute("INSERT INTO one VALUES (?)", (number,))
                writer.execute("INSERT INTO other VALUES (?)", (number,))
                writer.execute("COMMIT")
                number += 1
            writer.close()

        writer = threading.Thread(target=write)
        writer.start()
        counts = []
        try:
            for attempt in range(5):
                time.sleep(0.1)
                file = tmp_path / f"backup-{attempt}"
                backups.backup_database(path=file, using="live")
                copy_ = sqlite3.connect(file)
                assert copy_.execute("PRAGMA integrity_check").fetchone() == ("ok",)
                one, other = (copy_.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in ("one", "other"))
                copy_.close()
                assert one == other
                counts.append(one)
        finally:
            stop.set()
            writer.join()
        assert counts == sorted(counts) and counts[-1] > counts[0] > 0  # taken while the writer wrote
    finally:
        live.close()
        del connections["live"]

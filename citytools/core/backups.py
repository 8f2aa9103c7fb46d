"""Backing up the database to one file, and restoring one into an empty database.

The file is whatever the database's own tools make best, and a restore reads it by its first
bytes, so a backup is restored the way it was made:

- SQLite: a copy of the database made with SQLite's backup API (a SQLite file, in rollback
  mode so it stands alone): one consistent snapshot, taken while others go on writing (WAL
  lets them), never a half-written file copy.
- PostgreSQL with `pg_dump` and `pg_restore` on PATH: pg_dump's custom format, which is one
  consistent snapshot too (one repeatable-read transaction) and keeps sequences.
- PostgreSQL without them (or any other database): Django's `dumpdata` with natural foreign
  keys (as XML, which keeps times to the microsecond), loaded with `loaddata` into a database
  `citytools migrate` has made. Rows of many-to-many links get new ids, and
  django_migrations the new database's own dates; every other row is the same.

A restore refuses a target that holds data (any row beyond what `citytools migrate` writes
itself) unless `force` is given: restoring replaces what is there, and the usual mistake is
to aim at the live database. Uploaded files (CITYTOOLS_MEDIA_ROOT) are not in the database
and are backed up beside it (docs/operations.md#backup-and-restore).
"""

import os
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.db import DEFAULT_DB_ALIAS, connections

from citytools.core import versions
from citytools.core.errors import DomainError

SQLITE = "sqlite"
PG_DUMP = "pg_dump"
FIXTURE = "dumpdata"

SQLITE_MAGIC = b"SQLite format 3\x00"
PG_DUMP_MAGIC = b"PGDMP"
# What `citytools migrate` writes into a new database, and the worker's heartbeat, which a
# worker may already be writing: a database holding only these is empty.
# With the map's version, which any write raises, migrate's own included (core.versions).
FILLED_BY_MIGRATE = {"django_migrations", "django_content_type", "auth_permission", "core_heartbeat", "core_mapversion"}
# Left out of a dumpdata backup: migrate makes them again, with the same natural keys (and a
# restore raises the map's version anyway).
NOT_DUMPED = ("contenttypes", "auth.permission", "core.heartbeat", "core.mapversion")


def backup_database(*, path: Path, using: str = DEFAULT_DB_ALIAS) -> str:
    """Writes the database `using` to `path` (replacing it only once the backup is whole) and
    returns how: "sqlite", "pg_dump" or "dumpdata"."""
    path = Path(path)
    connection = connections[using]
    method = backup_method(connection.vendor)
    partial = path.with_name(f".{path.name}.partial")
    try:
        if method == SQLITE:
            _sqlite_backup(connection, partial)
        elif method == PG_DUMP:
            _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={partial}"], connection)
        else:
            # XML, because Django's JSON cuts times to the millisecond.
            call_command("dumpdata", *[f"--exclude={name}" for name in NOT_DUMPED], natural_foreign=True,
                         format="xml", database=using, output=str(partial), verbosity=0)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return method


def restore_database(*, path: Path, using: str = DEFAULT_DB_ALIAS, force: bool = False) -> str:
    """Replaces the database `using` with the backup at `path`; refuses a target that holds
    data unless `force`. Returns how the backup was made."""
    path = Path(path)
    if not path.is_file():
        raise DomainError(f"There is no backup file at {path}.")
    connection = connections[using]
    method = format_of(path)
    if method == SQLITE and connection.vendor != "sqlite":
        raise DomainError("This backup is a SQLite database: it restores only into SQLite.")
    if method == PG_DUMP and (connection.vendor != "postgresql" or not shutil.which("pg_restore")):
        raise DomainError("This backup was made by pg_dump: it restores only into PostgreSQL, with pg_restore on the PATH.")
    holding = tables_holding_data(using)
    if holding and not force:
        shown = ", ".join(holding[:5]) + (" …" if len(holding) > 5 else "")
        raise DomainError(
            f"The database already holds data (in {shown}); restoring would replace it. "
            "Restore into an empty database, or add --force to replace it."
        )
    if method == SQLITE:
        _sqlite_restore(connection, path)
    elif method == PG_DUMP:
        connection.close()  # no lock of ours stands in the way of dropping the tables
        _run(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction",
              "--exit-on-error", str(path)], connection)
    else:
        _fixture_restore(using, path)
    # The restored version row is the backup's: raised past every number a running server may
    # have remembered a read under.
    versions.changed(using)
    return method


def backup_method(vendor: str) -> str:
    if vendor == "sqlite":
        return SQLITE
    if vendor == "postgresql" and shutil.which("pg_dump"):
        return PG_DUMP
    return FIXTURE


def format_of(path: Path) -> str:
    with path.open("rb") as file:
        start = file.read(len(SQLITE_MAGIC))
    if start.startswith(SQLITE_MAGIC):
        return SQLITE
    if start.startswith(PG_DUMP_MAGIC):
        return PG_DUMP
    return FIXTURE


def tables_holding_data(using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """The tables of `using` with at least one row, beyond those migrate fills itself."""
    connection = connections[using]
    holding = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            if table in FILLED_BY_MIGRATE:
                continue
            cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")
            if cursor.fetchone() is not None:
                holding.append(table)
    return holding


def _sqlite_backup(connection, path: Path) -> None:
    connection.ensure_connection()
    target = sqlite3.connect(path)
    try:
        # In one step (pages=-1): a read transaction for the whole copy, so one snapshot.
        connection.connection.backup(target)
        target.execute("PRAGMA journal_mode=DELETE")  # one file, without -wal and -shm beside it
    finally:
        target.close()


def _sqlite_restore(connection, path: Path) -> None:
    connection.ensure_connection()
    source = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        source.backup(connection.connection)
    finally:
        source.close()


def _fixture_restore(using: str, path: Path) -> None:
    connection = connections[using]
    with connection.cursor() as cursor:
        migrated = "django_migrations" in connection.introspection.table_names(cursor)
    if not migrated:
        raise DomainError("A dumpdata backup restores into a database `citytools migrate` has made: run it first.")
    with tempfile.TemporaryDirectory() as folder:
        # loaddata knows a file's format by its name alone.
        named = Path(folder) / "backup.xml"
        named.symlink_to(path.resolve())
        # The backup holds every version already: linking a contract to its systems again
        # must not write a new one (django-simple-history answers many-to-many changes).
        enabled = getattr(settings, "SIMPLE_HISTORY_ENABLED", True)
        settings.SIMPLE_HISTORY_ENABLED = False
        try:
            call_command("loaddata", str(named), database=using, verbosity=0)
        finally:
            settings.SIMPLE_HISTORY_ENABLED = enabled


def _run(command: list[str], connection) -> None:
    """Runs pg_dump or pg_restore against the connection's database, its password in the
    environment rather than on a command line others may read."""
    settings = connection.settings_dict
    env = {**os.environ}
    if settings.get("PASSWORD"):
        env["PGPASSWORD"] = str(settings["PASSWORD"])
    sslmode = settings.get("OPTIONS", {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = sslmode
    where = [f"--dbname={settings['NAME']}"]
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings.get(key):
            where.append(f"{option}={settings[key]}")
    finished = subprocess.run([*command, *where], env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if finished.returncode != 0:
        raise DomainError(f"{command[0]} failed: {finished.stderr.strip() or finished.returncode}")

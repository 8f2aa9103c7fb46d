"""The map's version, and reads kept between requests until it changes.

A few reads rank or summarise everything a person may see: the opportunity finder sweeps
every current contract, the satisfaction report every rating. At the uk tier (100,000
contracts) that is seconds of work, though the answer changes only when the map does.
`remembered(name, key, compute)` keeps such an answer in Django's cache under the map's
version, so a person who asks again, or another with the same roles, gets it at once.

The version is one row (`MapVersion`) whose number goes up after every transaction that
wrote to the map commits. Every database connection watches what it executes (an execute
wrapper, installed when it connects): any statement that is not a read, on any table but
those named in IGNORED (sessions, sign-in attempts, the job queue, the worker's heartbeat and
progress: nothing a read of the map shows), raises the version when its transaction commits,
or at once outside one. So bulk writes, raw SQL and restores count, not only saves; a writer
that bypasses Django entirely (the sqlite3 shell) does not, which operations.md says.

Why this is never stale:
- the version rises only after the write commits, and a reader reads the version before the
  data: a reader that read the old number may compute from old or new data, but stores it
  under the old number, which no one reads again; one that read the new number computes from
  committed new data;
- a transaction with writes of its own that have not committed yet never reads or fills the
  cache: it computes afresh, since what it sees is not what anyone else sees;
- the key holds everything the answer depends on besides the data (the person's roles as
  `Viewer.key`, the filters, the day).
"""

import hashlib
import logging
import re
import time
from collections.abc import Callable, Hashable
from typing import TypeVar

from django.core.cache import cache
from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, router
from django.db.backends.base.base import NO_DB_ALIAS
from django.db.backends.signals import connection_created
from django.dispatch import receiver

from citytools.core.models import MapVersion

logger = logging.getLogger(__name__)

T = TypeVar("T")

# Tables whose writes change nothing a remembered read shows.
IGNORED = frozenset({
    MapVersion._meta.db_table,
    "core_heartbeat",
    "django_session",
    "django_cache",
    "django_migrations",
})
IGNORED_PREFIXES = ("axes_", "django_tasks")

# Statements that never change data. Everything else is taken as a write.
_READ = re.compile(
    r"\s*(?:SELECT|PRAGMA|SAVEPOINT|RELEASE|ROLLBACK|BEGIN|COMMIT|SET|SHOW|EXPLAIN|ANALYZE|VACUUM)\b", re.IGNORECASE
)
_TABLE = re.compile(
    r"\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|REPLACE\s+INTO|UPDATE(?:\s+OR\s+\w+)?|DELETE\s+FROM)\s+\"?([\w.]+)\"?",
    re.IGNORECASE,
)

CACHE_SECONDS = 60 * 60
_MISSING = object()


def writes_map(sql: str) -> bool:
    """Whether executing `sql` may change what a remembered read shows."""
    if _READ.match(sql):
        return False
    table = _TABLE.match(sql)
    if table is None:  # DDL, TRUNCATE, a WITH ... UPDATE: taken as a change to anything
        return True
    name = table.group(1).lower().rsplit(".", 1)[-1]
    return name not in IGNORED and not name.startswith(IGNORED_PREFIXES)


def current() -> int | None:
    """The map's version now, read where the data would be read (a replica when there is one);
    None before anything was written."""
    return MapVersion.objects.filter(pk=1).values_list("value", flat=True).first()


def changed(alias: str = DEFAULT_DB_ALIAS) -> None:
    """Say the map changed where the watch cannot see it: a restore writes the database file or
    runs pg_restore, outside Django's connection."""
    _raise(connections[alias])


def _raise(connection) -> None:
    """Raise the version after a write commits: one more than before, and never less than the
    clock in microseconds, so that a table emptied (flushed) or put back from a backup never
    brings back a number that an earlier read was remembered under."""
    table = connection.ops.quote_name(MapVersion._meta.db_table)
    greatest = "MAX" if connection.vendor == "sqlite" else "GREATEST"
    now = time.time_ns() // 1000
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (id, value) VALUES (1, %s) "
                f"ON CONFLICT (id) DO UPDATE SET value = {greatest}({table}.value + 1, %s)",
                [now, now],
            )
    except DatabaseError:
        # Before the table exists (while migrating) nothing can be remembered yet.
        if MapVersion._meta.db_table in connection.introspection.table_names():
            logger.warning("The map's version could not be raised; remembered reads may be stale.", exc_info=True)


class _Watch:
    """A connection's execute wrapper: raises the version after each transaction that wrote."""

    def __init__(self, connection):
        self.connection = connection

    def __call__(self, execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if isinstance(sql, str) and writes_map(sql):
            connection = context["connection"]
            if not connection.in_atomic_block:
                _raise(connection)
            elif not self.pending(connection):
                # robust: a failure to count is logged, never turned into a failed commit.
                connection.on_commit(self.committed, robust=True)
        return result

    def committed(self) -> None:
        _raise(self.connection)

    def pending(self, connection) -> bool:
        """Whether this transaction has written and not committed yet. Read from the
        connection's own list of what runs on commit, so a rolled-back savepoint or
        transaction (which drops its callbacks) is never taken for a pending write."""
        return any(entry[1] == self.committed for entry in connection.run_on_commit)


@receiver(connection_created)
def watch(sender, connection, **kwargs) -> None:
    # Not the connection PostgreSQL's test set-up opens to the server to create a database.
    if connection.alias == NO_DB_ALIAS:
        return
    if not any(isinstance(wrapper, _Watch) for wrapper in connection.execute_wrappers):
        connection.execute_wrappers.append(_Watch(connection))


def _writing(alias: str) -> bool:
    connection = connections[alias]
    return connection.in_atomic_block and any(
        isinstance(wrapper, _Watch) and wrapper.pending(connection) for wrapper in connection.execute_wrappers
    )


def query_key(queryset) -> tuple:
    """A queryset as part of a key: its SQL and parameters, which say exactly what it reads."""
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:  # a filter that can match nothing (an empty list of ids)
        return ("nothing",)
    return sql, tuple(params)


def remembered(name: str, key: Hashable, compute: Callable[[], T], *, timeout: int = CACHE_SECONDS) -> T:
    """`compute()`, or what it answered before for the same `name` and `key` while the map's
    version has not changed. `key` holds everything but the data the answer depends on; its
    repr must be the same for the same key in any process (tuples of numbers and strings,
    sorted where a set would be)."""
    if any(_writing(alias) for alias in {DEFAULT_DB_ALIAS, router.db_for_read(MapVersion)}):
        return compute()
    version = current()
    if version is None:
        return compute()
    digest = hashlib.sha256(repr(key).encode()).hexdigest()
    cache_key = f"citytools:{name}:{version}:{digest}"
    value = cache.get(cache_key, _MISSING)
    if value is _MISSING:
        value = compute()
        cache.set(cache_key, value, timeout)
    return value

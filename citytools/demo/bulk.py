"""Rows written straight into tables, for data sets too large for the ORM (`citytools generate`).

`core.history.Batch` writes new records with their links and history through
`bulk_create`, which builds a model object per row and costs tens of microseconds each: right
for a survey's thousands of rows, far too slow for the scale tiers' millions. Here the caller
hands plain tuples in the table's own column order and this module writes them: with
`COPY ... FROM STDIN` on PostgreSQL (psycopg's `cursor.copy`) and `executemany` on SQLite,
inside the caller's transaction. Values arrive already in the database's own form
(`instant`, `day`, `json` below), so nothing is converted row by row.

It allocates primary keys itself, past the largest already in each table, its history or
its sequence (so no deleted record's id, and with it its history, is given again), and sets
PostgreSQL's sequences past them afterwards (`finish`), so the next record a person adds gets
the next id. History rows follow simple-history's tables as `core.history._insert` writes them
(one "+" row per record, one row per link of its many-to-many fields at that version); their
columns are checked against the historical models, so a field added to a model without being
given here fails at once instead of writing a row simple-history would not write.
"""

import datetime
import json
import operator

from django.core.management.color import no_style
from django.db import connection

HISTORY_EXTRAS = ("history_id", "history_date", "history_change_reason", "history_type", "history_user_id")


def _largest(table: str, column: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT COALESCE(MAX("{column}"), 0) FROM "{table}"')
        return cursor.fetchone()[0]


def _issued(table: str, column: str) -> int:
    """The last id the table's sequence (PostgreSQL) or AUTOINCREMENT (SQLite) gave, so that
    no id of a deleted row is given again: its history would become the new row's."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            found = cursor.fetchone()
            return found[0] if found else 0
        cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [f'"{table}"', column])
        sequence = cursor.fetchone()[0]
        if sequence is None:
            return 0
        cursor.execute(f"SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END FROM {sequence}")
        return cursor.fetchone()[0]


class Table:
    """One table's pending rows and its next primary key."""

    def __init__(self, writer: "Writer", model, columns: tuple[str, ...], pk: str = "id"):
        known = {f.column for f in model._meta.concrete_fields}
        unknown = set(columns) - known
        if unknown:
            raise ValueError(f"{model._meta.db_table} has no column {', '.join(sorted(unknown))}.")
        # Django keeps defaults in Python, not in the table: every NOT NULL column needs a value.
        missing = {f.column for f in model._meta.concrete_fields if not f.null} - set(columns)
        if missing:
            raise ValueError(f"{model._meta.db_table} needs a value for {', '.join(sorted(missing))}.")
        self.writer = writer
        self.model = model
        self.name = model._meta.db_table
        self.columns = columns
        self.rows: list[tuple] = []
        self.written = 0
        writer.unconstrain(self.name)
        self.last_id = max(_largest(self.name, pk), _issued(self.name, pk))

    def next_id(self) -> int:
        self.last_id += 1
        return self.last_id

    def add(self, row: tuple) -> None:
        self.rows.append(row)
        if len(self.rows) >= self.writer.chunk:
            self.writer.flush()

    def flush(self) -> None:
        if self.rows:
            rows, self.rows = self.rows, []
            self.writer.write(self.name, self.columns, rows)
            self.written += len(rows)


class History(Table):
    """The "+" history rows of a table's records: each is the record's row, less the
    fields simple-history leaves out, plus the history columns."""

    def __init__(self, writer: "Writer", source: Table, reason: str):
        history_model = source.model.history.model
        kept = tuple(c for c in source.columns if c in {f.column for f in history_model._meta.concrete_fields})
        super().__init__(writer, history_model, (*kept, *HISTORY_EXTRAS), pk="history_id")
        expected = {f.column for f in history_model._meta.concrete_fields}
        if expected != set(self.columns):
            raise ValueError(f"{self.name} also has {', '.join(sorted(expected - set(self.columns)))}.")
        self.project = operator.itemgetter(*(source.columns.index(c) for c in kept))
        # Ids of deleted records live on in their history; a new record must not take one.
        source.last_id = max(source.last_id, _largest(self.name, "id"))
        self.reason = reason

    def created(self, row: tuple, when) -> int:
        """Write the "+" row of the record `row` (as given to its table) and return its id."""
        history_id = self.next_id()
        self.add((*self.project(row), history_id, when, self.reason, "+", None))
        return history_id


class Links:
    """A many-to-many field's rows and the rows of its history (`core.history._insert`:
    each link of a record is copied onto the record's history row)."""

    def __init__(self, writer: "Writer", model, field_name: str, *, history: bool = True):
        field = model._meta.get_field(field_name)
        through = field.remote_field.through
        self.source, self.target = f"{field.m2m_field_name()}_id", f"{field.m2m_reverse_field_name()}_id"
        self.table = Table(writer, through, ("id", self.source, self.target))
        self.history = None
        if history:
            link_history = getattr(model.history.model, field_name).model
            self.history = Table(
                writer, link_history, ("m2m_history_id", "history_id", "id", self.source, self.target), pk="m2m_history_id"
            )
            self.table.last_id = max(self.table.last_id, _largest(self.history.name, "id"))

    def add(self, record_id: int, target_id: int, history_id: int | None) -> None:
        link_id = self.table.next_id()
        self.table.add((link_id, record_id, target_id))
        if self.history is not None:
            self.history.add((self.history.next_id(), history_id, link_id, record_id, target_id))

    @property
    def tables(self) -> list[Table]:
        return [self.table] + ([self.history] if self.history is not None else [])


class Writer:
    """Writes tables' rows in chunks through the fastest path the database has, and calls
    `progress(rows written so far)` after each chunk."""

    def __init__(self, *, chunk: int = 20_000, progress=None):
        connection.ensure_connection()
        self.vendor = connection.vendor
        self.chunk = chunk
        self.progress = progress
        self.tables: list[Table] = []
        self.rows = 0
        self._cache_size = None
        self._dropped: dict[str, tuple[list[str], list[tuple[str, str]]]] = {}
        if self.vendor == "sqlite":
            # A larger page cache for this connection only, for the indexes the inserts grow;
            # put back by `close`.
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA cache_size")
                self._cache_size = cursor.fetchone()[0]
                cursor.execute("PRAGMA cache_size = -262144")  # 256 MiB

    def table(self, model, columns, pk: str = "id") -> Table:
        table = Table(self, model, tuple(columns), pk=pk)
        self.tables.append(table)
        return table

    def history(self, source: Table, *, reason: str) -> History:
        table = History(self, source, reason)
        self.tables.append(table)
        return table

    def links(self, model, field_name: str, *, history: bool = True) -> Links:
        links = Links(self, model, field_name, history=history)
        self.tables += links.tables
        return links

    def unconstrain(self, table: str) -> None:
        """Drop the table's secondary indexes (and on PostgreSQL its foreign keys) until
        `finish` puts them back, as pg_restore does: building an index once and checking each
        foreign key with one join is several times faster than doing both row by row, and
        putting them back checks every row written (a broken key or a duplicate fails the
        whole transaction). Primary keys stay, and the transaction keeps other sessions out of
        the tables meanwhile.

        SQLite keeps its foreign keys in the table and checks Django's (deferred) ones at
        commit. While a row points at one not written yet, it also looks, for every row then
        written to the table pointed at, for the rows pointing at it, through the indexes
        this drops (the uk tier took 304 s instead of 5 when it did). `flush` therefore writes
        the tables in the order they were made, each before those that point at it, so that
        never happens."""
        if table in self._dropped:
            return
        with connection.cursor() as cursor:
            keys = []
            if self.vendor == "sqlite":
                cursor.execute(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s AND sql IS NOT NULL",
                    [table],
                )
                indexes = cursor.fetchall()
            else:
                if not self._dropped:
                    # A table with checks still pending (rows the ORM wrote earlier in this
                    # transaction) cannot lose a key: run those checks now. `_reconstrain`
                    # defers again, as Django's keys are by default.
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute(
                    "SELECT i.indexname, i.indexdef FROM pg_indexes i WHERE i.schemaname = current_schema() "
                    "AND i.tablename = %s AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
                    "WHERE c.conindid = (quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))::regclass)",
                    [table],
                )
                indexes = cursor.fetchall()
                cursor.execute(
                    "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass "
                    "AND contype = 'f'",
                    [f'"{table}"'],
                )
                keys = cursor.fetchall()
            for name, _ in keys:
                cursor.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{name}"')
            for name, _ in indexes:
                cursor.execute(f'DROP INDEX "{name}"')
        self._dropped[table] = ([definition for _, definition in indexes], keys)

    def _reconstrain(self) -> None:
        with connection.cursor() as cursor:
            for table, (indexes, keys) in self._dropped.items():
                for definition in indexes:
                    cursor.execute(definition)
                for name, definition in keys:
                    cursor.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
            if self._dropped and self.vendor == "postgresql":
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        self._dropped = {}

    # Values in the database's own form ------------------------------------------------

    def instant(self, value: datetime.datetime) -> str:
        """A DateTimeField's value: UTC, as Django stores it (naive text on SQLite)."""
        value = value.astimezone(datetime.UTC)
        if self.vendor == "sqlite":
            return value.replace(tzinfo=None).isoformat(" ")
        return value.isoformat()

    @staticmethod
    def day(value: datetime.date | None) -> str | None:
        return None if value is None else value.isoformat()

    @staticmethod
    def json(value) -> str:
        return json.dumps(value)

    # Writing -----------------------------------------------------------------------------

    def write(self, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
        names = ", ".join(f'"{c}"' for c in columns)
        raw = connection.connection
        if self.vendor == "postgresql":
            with raw.cursor() as cursor, cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join("?" * len(columns))
            raw.executemany(f'INSERT INTO "{table}" ({names}) VALUES ({marks})', rows)
        self.rows += len(rows)
        if self.progress is not None:
            self.progress(self.rows)

    def flush(self) -> None:
        """Write every table's pending rows, in the order the tables were made: the caller
        makes a table before those that point at it, and adds a row before those that point
        at it, so no row is ever written before the row it points at."""
        for table in self.tables:
            table.flush()

    def finish(self) -> None:
        """Write what is pending, put back what `unconstrain` dropped and set PostgreSQL's
        sequences past the ids given (SQLite's AUTOINCREMENT follows explicit ids by itself)."""
        self.flush()
        self._reconstrain()
        if self.vendor == "postgresql":
            models = list(dict.fromkeys(table.model for table in self.tables))
            with connection.cursor() as cursor:
                for statement in connection.ops.sequence_reset_sql(no_style(), models):
                    cursor.execute(statement)

    def close(self) -> None:
        """Put the connection's cache size back, whether the writing finished or failed."""
        if self._cache_size is not None:
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA cache_size = {int(self._cache_size)}")
            self._cache_size = None

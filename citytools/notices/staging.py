"""A scratch store for one import: every release read, and every process compiled, kept in a
temporary SQLite file rather than in memory, so that an import of millions of releases uses
as little memory as one of a hundred, and nothing reaches the map's database until the whole
batch has been read and checked.

It knows nothing of Django: rows go in and come out as plain values.
"""

import itertools
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path

import orjson

from citytools.notices.compiling import number

COMMIT_EVERY = 5000


def dumps(value) -> bytes:
    """JSON of a value read from a stream (numbers as Decimals): see compiling.number."""
    return orjson.dumps(value, default=number)


class Staging:
    def __init__(self):
        self._folder = tempfile.TemporaryDirectory(prefix="citytools-notices-")
        # Two files, so that the compiled processes can be written while the releases are read.
        self.db = self._open("releases.sqlite3", """
            CREATE TABLE releases (
                ocid TEXT NOT NULL, release_id TEXT NOT NULL, kind TEXT NOT NULL, digest TEXT NOT NULL,
                date TEXT NOT NULL, data BLOB NOT NULL, place TEXT NOT NULL,
                PRIMARY KEY (ocid, release_id)
            ) WITHOUT ROWID""")
        self.out = self._open("compiled.sqlite3", "CREATE TABLE compiled (ocid TEXT PRIMARY KEY, fields BLOB NOT NULL) WITHOUT ROWID")
        self._writes = 0

    def _open(self, name: str, table: str) -> sqlite3.Connection:
        db = sqlite3.connect(Path(self._folder.name) / name, isolation_level=None)
        db.executescript(f"PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; {table}; BEGIN;")
        return db

    def _written(self, db: sqlite3.Connection) -> None:
        self._writes += 1
        if self._writes % COMMIT_EVERY == 0:
            db.execute("COMMIT")
            db.execute("BEGIN")

    def add_release(self, *, ocid: str, release_id: str, kind: str, digest: str, date: str, data: bytes, place: str) -> str | None:
        """Keep a release (`data` as JSON); None, or where the same release id was first read
        with other content."""
        cursor = self.db.execute(
            "INSERT OR IGNORE INTO releases VALUES (?, ?, ?, ?, ?, ?, ?)",
            (ocid, release_id, kind, digest, date, data, place),
        )
        if cursor.rowcount:
            self._written(self.db)
            return None
        first_digest, first_place = self.db.execute(
            "SELECT digest, place FROM releases WHERE ocid = ? AND release_id = ?", (ocid, release_id)
        ).fetchone()
        return None if first_digest == digest else first_place

    def processes(self) -> Iterator[tuple[str, list[dict]]]:
        """Each ocid with its releases ({release_id, kind, digest, date, data, place}), in ocid order."""
        self.db.execute("COMMIT")
        rows = self.db.execute(
            "SELECT ocid, release_id, kind, digest, date, data, place FROM releases ORDER BY ocid, date, release_id"
        )
        names = ("release_id", "kind", "digest", "date", "data", "place")
        for ocid, group in itertools.groupby(rows, key=lambda row: row[0]):
            yield ocid, [{**dict(zip(names, row[1:])), "data": orjson.loads(row[5])} for row in group]

    def add_compiled(self, ocid: str, fields: dict) -> None:
        self.out.execute("INSERT OR REPLACE INTO compiled VALUES (?, ?)", (ocid, dumps(fields)))
        self._written(self.out)

    def compiled(self, size: int) -> Iterator[list[tuple[str, dict]]]:
        """The compiled processes, in ocid order, `size` at a time."""
        self.out.execute("COMMIT")
        rows = self.out.execute("SELECT ocid, fields FROM compiled ORDER BY ocid")
        while chunk := rows.fetchmany(size):
            yield [(ocid, orjson.loads(fields)) for ocid, fields in chunk]

    def close(self) -> None:
        self.db.close()
        self.out.close()
        self._folder.cleanup()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

"""Reading public notices (OCDS) as a stream, whatever the size or shape of the file.

`read(path)` yields the releases a file holds, one at a time, never holding the whole file:

- release packages and record packages, OCDS 1.0 or 1.1, alone or one after another (JSON
  Lines, or values simply written one after the other);
- a release, a record, a compiled release or a versioned release on its own, or a JSON array
  of them;
- gzip-compressed or not (told by the first bytes, not by the file name), from a file or from
  standard input (`-`); a folder is read file by file;
- in UTF-8, or in the Windows-1252/ISO-8859-1 some publishers still write: from the first
  byte that is not UTF-8 on, the rest is read as Windows-1252.

A record's releases are yielded as releases. A linked release (only a `url`: the release is
published elsewhere, and nothing is fetched) is skipped; when a record has nothing but linked
releases, its compiled release (or its versioned release) stands for them.

What cannot be read raises `Unreadable`, naming the file, the byte near which reading stopped
and the item, and ending the stream: what came before it was already yielded, and the caller
decides whether that counts (the import's batches are all or nothing).
"""

import codecs
import contextlib
import gzip
import io
import json
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import ijson
import orjson

from citytools.core.errors import DomainError

GZIP_MAGIC = b"\x1f\x8b"
CHUNK = 64 * 1024
# Files of a folder that are read (anything else there, a README, is left alone).
SUFFIXES = (".json", ".jsonl", ".ndjson", ".json.gz", ".jsonl.gz", ".ndjson.gz", ".gz")


class Unreadable(DomainError):
    def __init__(self, message: str):
        super().__init__(message, code="unreadable")


@dataclass(frozen=True)
class Item:
    """One release read from a file, with where it was found."""

    kind: str  # "release", "compiled" or "versioned"
    data: dict
    source: str  # the file's name, or "standard input"
    number: int  # its place among the file's items, from 1
    near_byte: int  # how far into the (uncompressed) file reading was when it ended

    @property
    def ocid(self) -> str | None:
        ocid = self.data.get("ocid")
        return ocid.strip() if isinstance(ocid, str) and ocid.strip() else None

    @property
    def where(self) -> str:
        return f"{self.source}, item {self.number} (near byte {self.near_byte:,})"


class _Utf8(io.RawIOBase):
    """The bytes of `raw` as UTF-8: as they are while they are UTF-8, and from the first
    byte that is not on, decoded as Windows-1252 (which ISO-8859-1 text also is) and
    re-encoded. Counts the bytes read, for positions in messages."""

    def __init__(self, raw):
        self.raw = raw
        self.decoder = codecs.getincrementaldecoder("utf-8")()
        self.legacy = False
        self.read_so_far = 0
        self.pending = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        while not self.pending:
            chunk = self.raw.read(CHUNK)
            final = not chunk
            self.read_so_far += len(chunk)
            self.pending = self._convert(chunk, final)
            if final:
                break
        size = min(len(buffer), len(self.pending))
        buffer[:size] = self.pending[:size]
        self.pending = self.pending[size:]
        return size

    def _convert(self, chunk: bytes, final: bool) -> bytes:
        if not self.legacy:
            held = self.decoder.getstate()[0]
            try:
                return self.decoder.decode(chunk, final).encode("utf-8")
            except UnicodeDecodeError:
                self.legacy = True
                chunk = held + chunk
        return chunk.decode("cp1252", errors="replace").encode("utf-8")


@contextlib.contextmanager
def _opened(path: str | Path):
    """The binary stream of `path` ("-" for standard input), gunzipped when it is gzip."""
    with contextlib.ExitStack() as stack:
        raw = sys.stdin.buffer if str(path) == "-" else stack.enter_context(Path(path).open("rb"))
        buffered = raw if hasattr(raw, "peek") else io.BufferedReader(raw)
        if buffered.peek(2)[:2] == GZIP_MAGIC:
            yield stack.enter_context(gzip.GzipFile(fileobj=buffered, mode="rb"))
        else:
            yield buffered


def _kind(release: dict) -> str:
    tags = release.get("tag")
    if isinstance(tags, list) and "compiled" in tags:
        return "compiled"
    if "id" not in release and any(
        isinstance(value, list) and value and isinstance(value[0], dict) and "releaseID" in value[0]
        for value in release.values()
    ):
        return "versioned"
    return "release"


def _is_linked(release: dict) -> bool:
    return "url" in release and "id" not in release and "ocid" not in release


def _from_record(record: dict) -> list[tuple[str, dict]]:
    """A record's releases; its compiled (or versioned) release when every one is linked."""
    releases = [r for r in record.get("releases") or [] if isinstance(r, dict) and not _is_linked(r)]
    if releases:
        return [(_kind(release), release) for release in releases]
    for key, kind in (("compiledRelease", "compiled"), ("versionedRelease", "versioned")):
        if isinstance(record.get(key), dict):
            stands_for = dict(record[key])
            stands_for.setdefault("ocid", record.get("ocid"))
            return [(kind, stands_for)]
    return []


def _classify(value) -> list[tuple[str, dict]]:
    """The releases in a value read whole: a record, a release, or anything else (none)."""
    if not isinstance(value, dict):
        return []
    if ("releases" in value and "ocid" in value) or "compiledRelease" in value or "versionedRelease" in value:
        return _from_record(value)
    if "ocid" in value and not _is_linked(value):
        return [(_kind(value), value)]
    return []


def _one_line(line: bytes):
    """A line of JSON Lines, read whole, its numbers as ijson gives them (whole numbers as
    int, others as Decimal), so a release reads the same from either kind of file."""
    return json.loads(line, parse_float=Decimal)


def _json_lines(buffered: io.BufferedReader) -> bool:
    """Whether the stream is JSON Lines of releases or records (its first line a whole one),
    which is read line by line, far faster than event by event."""
    head = buffered.peek(CHUNK)
    end = head.find(b"\n")
    if end < 0:
        return False
    try:
        first = orjson.loads(head[:end])
    except orjson.JSONDecodeError:
        return False
    return isinstance(first, dict) and "ocid" in first


def _read_lines(buffered: io.BufferedReader, counted, source: str) -> Iterator[Item]:
    number = 0
    for line_number, line in enumerate(buffered, 1):
        if not line.strip():
            continue
        try:
            value = _one_line(line)
        except ValueError as error:
            ended = "" if line.endswith(b"\n") else " (the file ends in the middle of it)"
            raise Unreadable(
                f"{source}: line {line_number} (near byte {counted.read_so_far:,}, after item {number}) is not valid JSON{ended}: "
                f"{str(error).splitlines()[0]}."
            ) from None
        found = _classify(value)
        if not found and not _looks_like_a_package(value):
            raise Unreadable(f"{source}: line {line_number} (near byte {counted.read_so_far:,}) is not OCDS (no release or record with an ocid).")
        for kind, release in found:
            number += 1
            yield Item(kind, release, source, number, counted.read_so_far)


def read_stream(stream, source: str) -> Iterator[Item]:
    """The releases in one binary stream (see the module's docstring)."""
    counted = _Utf8(stream)
    buffered = io.BufferedReader(counted, CHUNK)
    if _json_lines(buffered):
        yield from _read_lines(buffered, counted, source)
        return
    events = ijson.parse(buffered, multiple_values=True)
    number = 0
    seen_a_value = False
    top = item = None  # builders: the top-level value, and the package item being read
    item_prefix = ""
    yielded_here = 0

    def emit(found: list[tuple[str, dict]]):
        nonlocal number, yielded_here
        for kind, release in found:
            number += 1
            yielded_here += 1
            yield Item(kind, release, source, number, counted.read_so_far)

    try:
        for prefix, event, value in events:
            if item is not None:
                item.event(event, value)
                if prefix == item_prefix and event == "end_map":
                    if item_prefix == "releases.item":
                        release = item.value
                        if not _is_linked(release):
                            yield from emit([(_kind(release), release)])
                    else:
                        yield from emit(_from_record(item.value))
                    item = None
                continue
            if prefix in ("releases.item", "records.item") and event == "start_map" and top is not None:
                item, item_prefix = ijson.ObjectBuilder(), prefix
                item.event(event, value)
                continue
            if prefix == "" and event in ("start_map", "start_array"):
                top, yielded_here, seen_a_value = ijson.ObjectBuilder(), 0, True
            if top is None:
                # A bare number, string or null at the top level: not OCDS.
                raise Unreadable(f"{source}: near byte {counted.read_so_far:,}: {value!r} is not an OCDS package, record or release.")
            top.event(event, value)
            if prefix == "" and event in ("end_map", "end_array"):
                value = top.value
                top = None
                values = value if isinstance(value, list) else [value]
                # A record's releases were yielded as they were read; what is left of it (its
                # compiled release) stands for them only when none was.
                found = [] if yielded_here else [release for each in values for release in _classify(each)]
                if not found and not yielded_here and not _looks_like_a_package(value):
                    raise Unreadable(
                        f"{source}: near byte {counted.read_so_far:,}: this JSON is not OCDS "
                        "(no package, record or release with an ocid)."
                    )
                yield from emit(found)
    except ijson.JSONError as error:
        detail = str(error).splitlines()[0] if str(error) else type(error).__name__
        if "premature EOF" in detail:
            if not seen_a_value:
                raise Unreadable(f"{source}: the file is empty.") from None
            raise Unreadable(
                f"{source}: the file ends in the middle of a value at byte {counted.read_so_far:,}, after item {number}."
            ) from None
        raise Unreadable(
            f"{source}: not valid JSON near byte {counted.read_so_far:,}, after item {number}: {detail}."
        ) from None
    if top is not None or item is not None:
        raise Unreadable(
            f"{source}: the file ends in the middle of a value at byte {counted.read_so_far:,}, after item {number}."
        )
    if not seen_a_value:
        raise Unreadable(f"{source}: the file is empty.")


def _looks_like_a_package(value) -> bool:
    return isinstance(value, dict) and ("releases" in value or "records" in value)


def files(path: str | Path) -> list[str | Path]:
    """The files `path` names: itself, or a folder's files with a JSON-like suffix, sorted."""
    if str(path) == "-":
        return ["-"]
    path = Path(path)
    if not path.exists():
        raise Unreadable(f"{path}: no such file or folder.")
    if path.is_dir():
        return sorted(p for p in path.rglob("*") if p.is_file() and p.name.lower().endswith(SUFFIXES))
    return [path]


def read(path: str | Path) -> Iterator[Item]:
    """The releases of a file, of standard input ("-") or of every file of a folder."""
    for each in files(path):
        source = "standard input" if each == "-" else Path(each).name
        try:
            with _opened(each) as stream:
                yield from read_stream(stream, source)
        except (OSError, EOFError, gzip.BadGzipFile) as error:
            raise Unreadable(f"{source}: cannot be read: {error}.") from None

"""The snapshot in content/snapshot/: one NDJSON file per version and mode, plus metadata.

Layout:
    content/snapshot/snapshot.json              metadata: as_of, per-file source and fetch time
    content/snapshot/2.2.0/event.ndjson         one record per line, sorted by id
    content/snapshot/2.3.0/events.{list,normal,detailed}.ndjson

Each line is the record's JSON exactly as LL2 sent it (compact, as its `format=json` renders),
so a diff between two snapshots is one line per changed event.
"""

import mmap
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

from generator.api.times import parse_utc
from generator.api.versions import VERSIONS
from generator.errors import ContentError
from generator.load.recover import recover_snapshot

METADATA_NAME = "snapshot.json"


@dataclass(frozen=True)
class SnapshotFile:
    """One version/mode file of the snapshot."""

    version: str
    mode: str | None
    path: Path

    @property
    def label(self) -> str:
        """Name used in reports: the path relative to the working directory when under it."""
        return display_path(self.path)


@dataclass(frozen=True)
class Snapshot:
    """A snapshot folder: its files (in version/mode order) and its metadata."""

    root: Path
    files: tuple[SnapshotFile, ...]
    metadata: dict[str, Any]

    @property
    def as_of(self) -> datetime:
        """When the snapshot describes the world: the build's default 'now'."""
        return parse_utc(self.metadata["as_of"])


def display_path(path: Path) -> str:
    """A path as a person would type it: relative to the working directory when possible."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


#: The build's "now" must leave a day either side inside four-digit years (as record times do,
#: api/models/common.py's Stamp).
EARLIEST_NOW = datetime(1000, 1, 2, tzinfo=UTC)
LATEST_NOW = datetime(9998, 12, 30, tzinfo=UTC)


class TimeOutOfRange(ValueError):
    """A time outside the years the site can compute with."""


def parse_now(text: object) -> datetime:
    """A build's 'now' (`as_of`, `--now`): an ISO 8601 text with zone, years 1000 to 9998."""
    if not isinstance(text, str):
        raise ValueError(f'{text!r} is not a JSON string such as "2025-12-04T17:06:15Z"')
    value = parse_utc(text)
    if not EARLIEST_NOW <= value <= LATEST_NOW:
        raise TimeOutOfRange(f"{text!r} is outside the years 1000 to 9998 that the site can compute with")
    return value


def open_snapshot(root: Path) -> Snapshot:
    """Read the metadata and locate every version/mode file; raise ContentError if any is missing.
    A snapshot a fetch was killed while swapping in is put back first (load/recover.py)."""
    recover_snapshot(root)
    meta_path = root / METADATA_NAME
    try:
        metadata = orjson.loads(meta_path.read_bytes())
    except FileNotFoundError:
        raise ContentError(f"{meta_path}: snapshot metadata is missing") from None
    except orjson.JSONDecodeError as exc:
        raise ContentError(f"{meta_path}: not valid JSON: {exc}") from None
    if not isinstance(metadata, dict) or "as_of" not in metadata:
        raise ContentError(f"{meta_path}: metadata must be an object with 'as_of'")
    try:
        parse_now(metadata["as_of"])
    except ValueError as exc:
        raise ContentError(f"{meta_path}: 'as_of' is not an ISO 8601 UTC time: {exc}") from None
    files = []
    for spec in VERSIONS.values():
        for mode in spec.modes:
            path = root / spec.version / spec.snapshot_name(mode)
            if not path.is_file():
                raise ContentError(f"{path}: snapshot file is missing (an empty file means no events)")
            files.append(SnapshotFile(spec.version, mode, path))
    return Snapshot(root, tuple(files), metadata)


@dataclass(frozen=True)
class Line:
    """One line of a snapshot file: 1-based number, byte offset and the record's bytes."""

    number: int
    offset: int
    data: bytes


@contextmanager
def mapped(path: Path) -> Iterator["mmap.mmap | bytes"]:
    """A file's bytes, mapped into memory rather than read (b"" for an empty file, which
    cannot be mapped): a scan of the snapshot copies none of its 54 MB at 1,500 events."""
    with path.open("rb") as handle:
        if os.fstat(handle.fileno()).st_size == 0:
            yield b""
            return
        with mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as data:
            yield data


_BLANK = frozenset(b" \t\n\r\x0b\x0c")


def line_spans(data: "mmap.mmap | bytes") -> Iterator[tuple[int, int, int]]:
    """(1-based number, start, end) of each non-blank line of NDJSON bytes, its line ending
    left out: the lines `iter_lines` yields, as positions."""
    size, start, number = len(data), 0, 0
    while start < size:
        number += 1
        newline = data.find(b"\n", start)
        stop = size if newline < 0 else newline
        end = stop
        while end > start and data[end - 1] == 13:  # \r
            end -= 1
        if end > start and (data[start] not in _BLANK or not data[start:end].isspace()):
            yield number, start, end
        start = stop + 1


def iter_lines(path: Path) -> Iterator[Line]:
    """Yield the non-blank lines of an NDJSON file without their line ending."""
    offset = 0
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            data = raw.rstrip(b"\r\n")
            if data and not data.isspace():  # not blank (strip() would copy the line)
                yield Line(number, offset, data)
            offset += len(raw)

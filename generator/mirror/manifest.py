"""dist/manifest.json: every precomputed query -> its file, with size and sha256, streamed.

One entry per line inside a JSON object, so the manifest is written while the build runs and
its cost can be known before a file is written (the planner budgets it):

    {"format":1,"now":"...","entries":[
    {"query":"/2.3.0/events/?limit=100&mode=list","path":"2.3.0/events/limit-100/mode-list/index.json","bytes":1234,"sha256":"..."},
    ...
    ]}
"""

from collections.abc import Sequence
from datetime import datetime
from typing import BinaryIO, Protocol

import orjson

from generator.api.query import Query, query_path, query_url

MANIFEST_PATH = "manifest.json"
_FAKE_DIGEST = "0" * 64


def entry_line(query: Query, size: int, digest: str) -> bytes:
    """One manifest entry, as written (without the separator)."""
    return orjson.dumps(
        {"query": query_url(query), "path": query_path(query), "bytes": size, "sha256": digest}
    )


def entry_cost(query: Query, size: int) -> int:
    """Bytes the manifest spends on one entry (sha256 is fixed-width), separator included."""
    return len(entry_line(query, size, _FAKE_DIGEST)) + 2


class ManifestSink(Protocol):
    """Where a written answer's entry goes: the manifest, or entries kept for it."""

    def add(self, query: Query, size: int, sha256: str) -> None: ...


class ManifestWriter:
    """Appends entries to an open manifest file; `close()` ends the JSON document."""

    HEAD_RESERVE = 200  # bytes for the head and tail, counted before the file exists

    def __init__(self, handle: BinaryIO, now: datetime) -> None:
        self._handle = handle
        self._first = True
        head = b'{"format":1,"now":' + orjson.dumps(now.strftime("%Y-%m-%dT%H:%M:%SZ")) + b',"entries":[\n'
        self.bytes = len(head)
        self.entries = 0
        handle.write(head)

    def add(self, query: Query, size: int, sha256: str) -> None:
        """Record one written answer."""
        self.add_line(entry_line(query, size, sha256))

    def add_line(self, entry: bytes) -> None:
        """Record one answer by its entry line (`entry_line`), as an earlier build wrote it."""
        line = (b"" if self._first else b",\n") + entry
        self._first = False
        self._handle.write(line)
        self.bytes += len(line)
        self.entries += 1

    def add_lines(self, entries: Sequence[bytes]) -> None:
        """Record answers by their entry lines, in order: `add_line` each, in one write."""
        if not entries:
            return
        data = (b"" if self._first else b",\n") + b",\n".join(entries)
        self._first = False
        self._handle.write(data)
        self.bytes += len(data)
        self.entries += len(entries)

    def close(self) -> None:
        self._handle.write(b"\n]}\n")
        self.bytes += 4


class ManifestEntries:
    """Entries kept in order, for a manifest written later (by the process that owns it):
    each answer's path in dist/ and its entry line."""

    def __init__(self) -> None:
        self.paths: list[str] = []
        self.lines: list[bytes] = []

    def add(self, query: Query, size: int, sha256: str) -> None:
        self.paths.append(query_path(query))
        # A copy of its exact size: orjson's bytes keep the 4 KiB it wrote them into (7,800
        # kept lines held 30 MB more, tracemalloc).
        self.lines.append(bytes(memoryview(entry_line(query, size, sha256))))

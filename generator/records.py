"""Read validated records back as the exact bytes of their snapshot lines.

Reads with `os.pread` rather than mmap: mapped pages that have been read count towards the
build's resident memory, which would then grow with the size of the snapshot. A record is on
many pages, so records read are kept in memory up to a byte budget (oldest read dropped first):
the whole snapshot at today's size, a bounded part of a larger one.
"""

import os
from collections import deque
from collections.abc import Iterable
from contextlib import ExitStack
from types import TracebackType

from generator.fingerprint import digest
from generator.validate import SnapshotIndex

#: Bytes of records kept in memory (all four files of a 1,500-event snapshot hold ~55 MB).
DEFAULT_BUDGET = 96 << 20


class RecordSource:
    """Opens every snapshot file once; `get` returns a record's bytes by version, mode and id."""

    def __init__(self, index: SnapshotIndex, budget: int = DEFAULT_BUDGET) -> None:
        self._index = index
        self._stack = ExitStack()
        self._fds: dict[tuple[str, str | None], int] = {}
        self._kept: dict[tuple[str, str | None], dict[int, bytes]] = {}
        self._order: deque[tuple[dict[int, bytes], int]] = deque()  # what was kept, oldest first
        self._held = 0
        self._budget = budget

    def __enter__(self) -> "RecordSource":
        for version, vindex in self._index.versions.items():
            for mode, findex in vindex.files.items():
                handle = self._stack.enter_context(findex.file.path.open("rb"))
                self._fds[(version, mode)] = handle.fileno()
                self._kept[(version, mode)] = {}
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._stack.close()

    def get(self, version: str, mode: str | None, event_id: int) -> bytes:
        kept = self._kept[(version, mode)]
        found = kept.get(event_id)
        return found if found is not None else self._read(version, mode, event_id, kept)

    def _read(self, version: str, mode: str | None, event_id: int, kept: dict[int, bytes]) -> bytes:
        span = self._index.versions[version].files[mode].spans[event_id]
        data = os.pread(self._fds[(version, mode)], span.length, span.offset)
        kept[event_id] = data
        self._order.append((kept, event_id))
        self._held += len(data)
        while self._held > self._budget:
            oldest, oldest_id = self._order.popleft()
            self._held -= len(oldest.pop(oldest_id))
        return data

    def digests(self, version: str, mode: str | None, ids: Iterable[int]) -> list[bytes]:
        """Digests of records' bytes (what outputs built from them depend on)."""
        spans = self._index.versions[version].files[mode].spans
        return [spans[i].digest for i in ids]

    def refs_key(self, version: str, mode: str | None, ids: Iterable[int]) -> bytes:
        return refs_key(self._index, version, mode, ids)

    def many(self, version: str, mode: str | None, ids: Iterable[int]) -> list[bytes]:
        kept = self._kept[(version, mode)]
        return [kept.get(i) or self._read(version, mode, i, kept) for i in ids]


def refs_key(index: SnapshotIndex, version: str, mode: str | None, ids: Iterable[int]) -> bytes:
    """Digest of whether the mirror has each other event these records name (b"" if none)."""
    spans = index.versions[version].files[mode].spans
    refs = sorted(set().union(*(spans[i].refs for i in ids)))
    if not refs:
        return b""
    served = [f"{v}/{i}:{i in index.versions[v].facets}" for v, i in refs if v in index.versions]
    return digest(*(s.encode() for s in served))

"""Read validated records back as the exact bytes of their snapshot lines.

Reads with `os.pread` rather than mmap: mapped pages that have been read count towards the
build's resident memory, which would then grow with the size of the snapshot.
"""

import os
from collections.abc import Iterable
from contextlib import ExitStack
from types import TracebackType

from generator.load.validate import SnapshotIndex


class RecordSource:
    """Opens every snapshot file once; `get` returns a record's bytes by version, mode and id."""

    def __init__(self, index: SnapshotIndex) -> None:
        self._index = index
        self._stack = ExitStack()
        self._fds: dict[tuple[str, str | None], int] = {}

    def __enter__(self) -> "RecordSource":
        for version, vindex in self._index.versions.items():
            for mode, findex in vindex.files.items():
                handle = self._stack.enter_context(findex.file.path.open("rb"))
                self._fds[(version, mode)] = handle.fileno()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._stack.close()

    def get(self, version: str, mode: str | None, event_id: int) -> bytes:
        span = self._index.versions[version].files[mode].spans[event_id]
        return os.pread(self._fds[(version, mode)], span.length, span.offset)

    def digests(self, version: str, mode: str | None, ids: Iterable[int]) -> list[bytes]:
        """Digests of records' bytes (what outputs built from them depend on)."""
        spans = self._index.versions[version].files[mode].spans
        return [spans[i].digest for i in ids]

    def many(self, version: str, mode: str | None, ids: Iterable[int]) -> list[bytes]:
        return [self.get(version, mode, i) for i in ids]

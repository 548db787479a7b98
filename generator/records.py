"""Read validated records back as the exact bytes of their snapshot lines."""

import mmap
from collections.abc import Iterable
from contextlib import ExitStack
from types import TracebackType

from generator.validate import SnapshotIndex


class RecordSource:
    """Maps every snapshot file once; `get` returns a record's bytes by version, mode and id."""

    def __init__(self, index: SnapshotIndex) -> None:
        self._index = index
        self._stack = ExitStack()
        self._maps: dict[tuple[str, str | None], mmap.mmap | bytes] = {}

    def __enter__(self) -> "RecordSource":
        for version, vindex in self._index.versions.items():
            for mode, findex in vindex.files.items():
                handle = self._stack.enter_context(findex.file.path.open("rb"))
                if findex.file.path.stat().st_size == 0:
                    self._maps[(version, mode)] = b""
                else:
                    self._maps[(version, mode)] = self._stack.enter_context(
                        mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ)
                    )
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
        return self._maps[(version, mode)][span.offset : span.offset + span.length]

    def digests(self, version: str, mode: str | None, ids: Iterable[int]) -> list[bytes]:
        """Digests of records' bytes (what outputs built from them depend on)."""
        spans = self._index.versions[version].files[mode].spans
        return [spans[i].digest for i in ids]

    def many(self, version: str, mode: str | None, ids: Iterable[int]) -> list[bytes]:
        return [self.get(version, mode, i) for i in ids]

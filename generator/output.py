"""Atomic output: build into a staging folder beside dist/, swap it in only when complete.

A failed or interrupted build removes its staging folder and leaves dist/ as it was; a build
killed outright leaves a `.dist.staging-*` folder that the next build clears away.
"""

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

from generator.errors import LL2StaticError


class OutputError(LL2StaticError):
    """A path that would escape the output folder, or one written twice."""


class StagedOutput:
    """Write files under a staging folder; `commit()` swaps it in as `final`."""

    def __init__(self, final: Path) -> None:
        self.final = final
        self.root = final.parent / f".{final.name}.staging-{os.getpid()}"
        self._written: set[str] = set()
        self._made: set[Path] = set()
        self.bytes_written = 0

    def __enter__(self) -> "StagedOutput":
        for stale in self.final.parent.glob(f".{self.final.name}.staging-*"):
            shutil.rmtree(stale, ignore_errors=True)
        for stale in self.final.parent.glob(f".{self.final.name}.old-*"):
            shutil.rmtree(stale, ignore_errors=True)
        self.final.parent.mkdir(parents=True, exist_ok=True)
        self.root.mkdir()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if kind is None:
            self.commit()
        else:
            shutil.rmtree(self.root, ignore_errors=True)

    def path(self, relpath: str) -> Path:
        """Absolute staging path for `relpath`; refuses anything that leaves the folder."""
        parts = relpath.split("/")
        if relpath.startswith("/") or any(p in ("", ".", "..") or "\\" in p for p in parts):
            raise OutputError(f"refusing to write {relpath!r}: not a plain path inside dist/")
        return self.root.joinpath(*parts)

    def _claim(self, relpath: str) -> Path:
        """Register `relpath` as written by this build and make its folder."""
        if relpath in self._written:
            raise OutputError(f"{relpath} written twice in one build: two outputs claim one path")
        target = self.path(relpath)
        parent = target.parent
        if parent not in self._made:
            parent.mkdir(parents=True, exist_ok=True)
            self._made.add(parent)
        self._written.add(relpath)
        return target

    def write(self, relpath: str, data: bytes) -> None:
        """Write one file; writing the same path twice is a bug, so it is an error."""
        with open(self._claim(relpath), "wb") as handle:
            handle.write(data)
        self.bytes_written += len(data)

    @contextmanager
    def stream(self, relpath: str) -> Iterator[BinaryIO]:
        """Open one output file for streaming writes (large dumps); same rules as `write`."""
        target = self._claim(relpath)
        with open(target, "wb") as handle:
            yield handle
        self.bytes_written += target.stat().st_size

    @contextmanager
    def to_path(self, relpath: str) -> Iterator[Path]:
        """Claim `relpath` for a writer that creates the file itself (SQLite); same rules."""
        target = self._claim(relpath)
        yield target
        self.bytes_written += target.stat().st_size

    @property
    def files_written(self) -> int:
        return len(self._written)

    def commit(self) -> None:
        """Swap the staging folder in as the final folder."""
        old = self.final.parent / f".{self.final.name}.old-{os.getpid()}"
        if self.final.exists():
            os.rename(self.final, old)
        os.rename(self.root, self.final)
        shutil.rmtree(old, ignore_errors=True)

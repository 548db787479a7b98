"""Atomic output: nothing is written into dist/ until the whole build has succeeded.

Two ways to land a build, chosen by whether a previous build can be reused:
- **swap** (first or `--clean` build): every file goes into a staging folder beside dist/,
  which replaces dist/ by two renames at the end;
- **patch** (incremental build): only files whose bytes change go into the staging folder;
  at the end a journal listing them and the stale files is written, then they are moved into
  dist/ by atomic swaps or renames and the stale files deleted (journal.py). That apply step
  takes 20-90 ms at 1,500 events (`python -m bench.window`); if it is killed, the next
  build (or a reader of dist/, settle.py) finds the journal and finishes it first.

Either way a failed or interrupted build leaves dist/ as it was (its staging folder is removed,
or cleared by the next build), and no file in dist/ is ever partly written.

`write_keyed` takes a key (digest of everything a file's bytes depend on) and a function that
produces the bytes; when the previous build wrote that path with the same key, the bytes are
never produced and the file in dist/ is not touched (same bytes, same timestamps).
"""

import hashlib
import io
import os
import shutil
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import BinaryIO, TypeVar

from generator.errors import OutputError
from generator.output.journal import apply_journal, staging_folders, write_journal
from generator.output.parallel import both
from generator.output.swap import discard, recover_swap
from generator.output.writes import write_file, write_pieces

T = TypeVar("T")
U = TypeVar("U")

#: What the build cache keeps of each output: relpath -> [key hex or None, size, sha256 or None].
Outputs = dict[str, list[str | int | None]]


def file_facts(path: Path) -> tuple[int, str]:
    """Size in bytes and sha256 (hex) of a file, read in chunks."""
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
            size += len(chunk)
    return size, digest.hexdigest()


class _HashingWriter(io.BufferedIOBase):
    """A binary file for writing that also counts and hashes what goes through it."""

    def __init__(self, handle: BinaryIO) -> None:
        super().__init__()
        self._handle = handle
        self.sha256 = hashlib.sha256()
        self.size = 0

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self.sha256.update(data)
        self.size += len(data)
        write_pieces(self._handle, data)
        return len(data)

    def flush(self) -> None:
        self._handle.flush()


def finish_interrupted(final: Path) -> None:
    """Put dist/ back to one whole build after a build that was killed (the caller holds the
    build lock): undo a half-done swap, finish a journal that was written, drop the rest."""
    recover_swap(final)
    for stale in staging_folders(final):
        apply_journal(stale, final)  # a folder without a whole journal: nothing to apply
        shutil.rmtree(stale, ignore_errors=True)


def _make_parent(path: str, made: set[str]) -> None:
    """Create the folder `path` is in (and its parents) unless this build already has."""
    parent = path.rpartition("/")[0]
    if parent in made:
        return
    try:
        os.mkdir(parent)
    except FileExistsError:
        pass
    except FileNotFoundError:
        os.makedirs(parent, exist_ok=True)
    made.add(parent)


@dataclass
class OutputPart:
    """What one process wrote into a shared staging folder."""

    outputs: Outputs
    staged: list[str]
    site_bytes: int
    reused: int
    names: dict[str, str]  # staged relpath -> its name in the flat staging folder (patch)


class StagedOutput:
    """Collect a build's files in a staging folder; `commit()` lands them in `final`."""

    def __init__(self, final: Path, previous: Outputs | None = None) -> None:
        self.final = final
        self.root = final.parent / f".{final.name}.staging-{os.getpid()}"
        #: The previous build's outputs; None or empty means a full (swap) build.
        self.previous = previous or {}
        self.patch = bool(self.previous) and final.is_dir()
        self.outputs: Outputs = {}
        self._made: set[str] = set()
        self._staged: list[str] = []
        #: In a patch build, each staged file's name in the (flat) staging folder: no folder
        #: is made there, so none is deleted after the patch (on a busy ext4, removing a
        #: rebuild's thousand empty staging folders took seconds).
        self._names: dict[str, str] = {}
        self.site_bytes = 0  # bytes of every output, written or kept: the site's size
        self.reused = 0

    def __enter__(self) -> "StagedOutput":
        # The caller holds the build lock (output/lock.py): what is left here is a dead build's.
        finish_interrupted(self.final)
        self.final.parent.mkdir(parents=True, exist_ok=True)
        self.root.mkdir()
        self._root = str(self.root)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        try:
            if kind is None:
                self.commit()
        finally:
            if kind is not None:
                shutil.rmtree(self.root, ignore_errors=True)

    def current(self, relpath: str) -> Path:
        """Where an output of this build holds its bytes now: staged, or unchanged in dist/."""
        staged = self._staged_path(relpath)
        return staged if staged.exists() else self.final / relpath

    def size(self, relpath: str) -> int:
        """Size in bytes of an output this build has written (or kept)."""
        return int(self.outputs[relpath][1] or 0)

    def file_sizes(self) -> Iterator[tuple[str, int]]:
        """Every output of this build (written or kept) and its size in bytes."""
        for relpath, entry in self.outputs.items():
            yield relpath, int(entry[1] or 0)

    @staticmethod
    def check(relpath: str) -> None:
        """Refuse any relpath that could leave the output folder."""
        parts = relpath.split("/")
        if relpath.startswith("/") or any(p in ("", ".", "..") or "\\" in p for p in parts):
            raise OutputError(f"refusing to write {relpath!r}: not a plain path inside dist/")

    def path(self, relpath: str) -> Path:
        """Absolute staging path for `relpath`; refuses anything that leaves the folder."""
        self.check(relpath)
        return self.root.joinpath(*relpath.split("/"))

    def _claim(self, relpath: str, key: str | None) -> None:
        """Register `relpath` as an output of this build (once)."""
        if relpath in self.outputs:
            raise OutputError(f"{relpath} written twice in one build: two outputs claim one path")
        self.check(relpath)
        self.outputs[relpath] = [key, 0]

    def _stage(self, relpath: str) -> str:
        """The staging path of an output about to be written: in a patch build a flat name
        (this process's id and a count: two processes stage into one folder), else the path
        it will have in dist/ (its folder made), since the whole folder becomes dist/."""
        if self.patch:
            name = f"{os.getpid()}.{len(self._names)}"
            self._names[relpath] = name
            self._staged.append(relpath)
            return f"{self._root}/{name}"
        target = f"{self._root}/{relpath}"  # relpath was checked when claimed
        _make_parent(target, self._made)
        self._staged.append(relpath)
        return target

    def _staged_path(self, relpath: str) -> Path:
        """Where a staged output's bytes are in the staging folder."""
        name = self._names.get(relpath)
        return self.root / name if name is not None else self.path(relpath)

    def _write_now(self, relpath: str, data: bytes) -> None:
        """Stage `data` at relpath. Written here, not by a second thread: the thread's every
        step waits for the GIL, which cost more than the overlap won (5.7 s against 6.5 s for
        the 1,500-event corpus on a journaled ext4)."""
        write_file(self._stage(relpath), data)

    # -- two processes writing one staging folder (output/parallel.py) ---------------------

    def in_two(self, here: Callable[[], T], there: Callable[[bool], U], parallel: bool) -> tuple[T, U]:
        """`forked.both` for work that writes here: a forked `there` records only what it
        writes and hands that back, merged into this output when it is joined."""

        def their_part(in_child: bool) -> tuple[OutputPart | None, U]:
            if in_child:
                self.outputs, self._staged, self.site_bytes, self.reused = {}, [], 0, 0
                self._names = {}
            result = there(in_child)
            written = (
                OutputPart(self.outputs, self._staged, self.site_bytes, self.reused, self._names)
                if in_child
                else None
            )
            return written, result

        mine, (written, theirs) = both(here, their_part, parallel)
        if written is not None:
            self.merge(written)
        return mine, theirs

    def merge(self, part: "OutputPart") -> None:
        """Take in what a forked child wrote into the same staging folder."""
        for relpath in part.outputs:
            if relpath in self.outputs:
                raise OutputError(f"{relpath} written twice in one build: two outputs claim one path")
        self.outputs.update(part.outputs)
        self._staged.extend(part.staged)
        self._names.update(part.names)
        self.site_bytes += part.site_bytes
        self.reused += part.reused

    def _unchanged(self, relpath: str, data: bytes) -> bool:
        """In a patch build: does dist/ already hold exactly these bytes at relpath?"""
        if not self.patch or relpath not in self.previous:
            return False
        old = self.final / relpath
        try:
            return old.stat().st_size == len(data) and old.read_bytes() == data
        except OSError:
            return False

    def write(self, relpath: str, data: bytes) -> None:
        """Write one file (in a patch build, only if its bytes differ from dist/'s)."""
        self._claim(relpath, None)
        self.outputs[relpath][1] = len(data)
        self.site_bytes += len(data)
        if self._unchanged(relpath, data):
            self.reused += 1
            return
        self._write_now(relpath, data)

    def write_keyed(
        self, relpath: str, key: bytes, produce: Callable[[], bytes], *, hashed: bool = False
    ) -> tuple[int, str]:
        """Write `produce()` unless the previous build wrote this path with this key.

        Returns the size and (with `hashed`) the sha256 of the file's bytes, remembered with
        the key so that a reused file need not be read to know them.
        """
        hex_key = key.hex()
        before = self.previous.get(relpath)
        if (  # dist/ not asked whether it still has the file: see keep_all
            self.patch
            and before is not None
            and before[0] == hex_key
            and (not hashed or (len(before) > 2 and before[2]))
        ):
            self._claim(relpath, hex_key)
            self.outputs[relpath] = list(before)
            self.site_bytes += int(before[1] or 0)
            self.reused += 1
            return int(before[1] or 0), str(before[2]) if hashed else ""
        data = produce()
        self._claim(relpath, hex_key)
        sha256 = hashlib.sha256(data).hexdigest() if hashed else ""
        self.outputs[relpath] = [hex_key, len(data), sha256 or None]
        self.site_bytes += len(data)
        self._write_now(relpath, data)
        return len(data), sha256

    def keep_all(self, relpaths: Sequence[str]) -> list[int] | None:
        """In a patch build, keep dist/'s files at `relpaths` as this build's outputs, as the
        previous build recorded them: for a caller that knows their bytes are unchanged
        (variants/reuse.py). Their sizes; None, keeping none, unless the previous build wrote
        every one. dist/ is not asked (16,000 `stat`s were 0.05 s of a 1,500-event rebuild):
        it is this build's own folder, trusted as the up-to-date check trusts it; a file
        deleted or changed there by hand is `verify`'s to find and `--clean`'s to mend."""
        before = [self.previous.get(relpath) for relpath in relpaths]
        if not self.patch or any(entry is None for entry in before):
            return None
        outputs, sizes = self.outputs, []
        for relpath, entry in zip(relpaths, before, strict=True):
            assert entry is not None
            if relpath in outputs:
                raise OutputError(f"{relpath} written twice in one build: two outputs claim one path")
            # an output of the previous build: its path was checked when that build claimed it
            outputs[relpath] = list(entry)
            sizes.append(int(entry[1] or 0))
        self.site_bytes += sum(sizes)
        self.reused += len(sizes)
        return sizes

    @contextmanager
    def stream(self, relpath: str) -> Iterator[BinaryIO]:
        """Open one output file for streaming writes (large dumps); same rules as `write`.
        Its sha256 is computed as it is written (see `facts`)."""
        self._claim(relpath, None)
        target = self._stage(relpath)
        with open(target, "wb") as handle:
            writer = _HashingWriter(handle)
            yield writer  # type: ignore[misc]
        self._landed(relpath, Path(target), writer.size, writer.sha256.hexdigest())

    @contextmanager
    def to_path(self, relpath: str) -> Iterator[Path]:
        """Claim `relpath` for a writer that creates the file itself (SQLite); same rules."""
        self._claim(relpath, None)
        target = Path(self._stage(relpath))
        yield target
        self._landed(relpath, target, *file_facts(target))

    def _landed(self, relpath: str, target: Path, size: int, sha256: str) -> None:
        """Record a streamed file. In a patch build a file that comes out identical to dist/'s
        (same size and sha256 as the previous build recorded) is dropped from the patch, so
        dist/ keeps the old file and its timestamps."""
        self.outputs[relpath] = [None, size, sha256]
        self.site_bytes += size
        before = self.previous.get(relpath)
        if (
            self.patch
            and before is not None
            and before[1:3] == [size, sha256]
            and (self.final / relpath).is_file()
        ):
            target.unlink()
            self._staged.remove(relpath)
            self._names.pop(relpath, None)
            self.reused += 1

    def discard(self, relpath: str) -> None:
        """Take back an output of this build: it is not published (and a patch build deletes
        the previous build's copy)."""
        entry = self.outputs.pop(relpath)
        self.site_bytes -= int(entry[1] or 0)
        if relpath in self._staged:
            self._staged_path(relpath).unlink()
            self._staged.remove(relpath)
            self._names.pop(relpath, None)
        else:  # identical to dist/'s copy, which was kept
            self.reused -= 1

    def facts(self, relpath: str) -> tuple[int, str] | None:
        """Size and sha256 of an output, when this build knows them without reading it."""
        entry = self.outputs.get(relpath)
        if entry is None or len(entry) < 3 or not entry[2]:
            return None
        return int(entry[1] or 0), str(entry[2])

    @property
    def files_written(self) -> int:
        return len(self.outputs)

    def commit(self) -> None:
        """Land the build: swap the staging folder in, or apply the patch through a journal."""
        if self.patch:
            stale = sorted(set(self.previous) - set(self.outputs))
            write_journal(self.root, self._staged, stale, self._names)
            apply_journal(self.root, self.final, fresh=True)
            return
        old = self.final.parent / f".{self.final.name}.old-{os.getpid()}"
        if self.final.exists():
            os.rename(self.final, old)
        os.rename(self.root, self.final)
        discard(old, self.final)

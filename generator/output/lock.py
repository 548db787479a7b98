"""One build at a time per dist/: an exclusive lock held from the first read of the build
cache to its last write.

The lock is `flock` on `.{dist}.cache/build.lock` (beside dist/, in the cache folder every
build already keeps), so the kernel releases it when the holder exits or is killed: a lock
can never be left behind by a dead build. The file holds the holder's pid, for the message.
A second build does not wait: it stops at once, before reading or writing anything.

A forked process (the build's second process, output/parallel.py) closes its copy of the lock
at once: `flock` belongs to the open file, which a child shares, so a child outliving a killed
build would otherwise hold the lock under the dead build's pid.
"""

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from generator.errors import BuildLocked

LOCK = "build.lock"
_held: set[int] = set()  # this process's lock handles, closed in a forked child


def _close_in_child() -> None:
    for handle in _held:
        try:
            os.close(handle)
        except OSError:
            pass
    _held.clear()


os.register_at_fork(after_in_child=_close_in_child)


def lock_path(dist: Path) -> Path:
    """Where the lock of `dist` lives (in its build cache folder)."""
    return dist.parent / f".{dist.name}.cache" / LOCK


@contextmanager
def build_lock(dist: Path) -> Iterator[None]:
    """Hold the lock of `dist` for the block; raise BuildLocked if another build has it."""
    path = lock_path(dist)
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(handle, 32, 0).decode("ascii", "replace").strip() or "?"
            raise BuildLocked(
                f"another build (pid {holder}) is writing {dist}/; wait for it to finish, then run again"
            ) from None
        os.ftruncate(handle, 0)
        os.pwrite(handle, f"{os.getpid()}\n".encode(), 0)
        _held.add(handle)
        yield
    finally:
        _held.discard(handle)
        os.close(handle)  # releases the lock

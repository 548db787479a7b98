"""The snapshot's swap, made safe against a kill between its two renames.

A fetch lands a new snapshot as a build lands dist/ (output/staging.py): content/snapshot/
is renamed aside (`.snapshot.old-PID`), then the staged one renamed in. Killed between the
two, content/snapshot/ is missing and the old folder is the only whole snapshot. Every command
that reads the snapshot puts it back first (`recover_snapshot`, output/swap.py's
`recover_swap`), so no reader sees it missing and the next fetch starts from it.

A fetch holds `flock` on the content folder for its whole run (the kernel drops it when the
fetch exits or is killed): a second fetch stops at once, and a reader recovers only when no
fetch runs, so it never undoes the swap of a live one.
"""

import fcntl
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from generator.errors import FetchError
from generator.output.swap import recover_swap

#: How long a fetch waits for a reader's moment under the lock before it gives up.
READER_WAIT = 2.0


@contextmanager
def _content_lock(content: Path, wait: float) -> Iterator[bool]:
    """Hold the content folder's lock for the block if it can be had within `wait` seconds;
    yields whether it is held."""
    handle = os.open(content, os.O_RDONLY | os.O_DIRECTORY)
    try:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    yield False
                    return
                time.sleep(0.05)
        yield True
    finally:
        os.close(handle)  # releases the lock


def _put_back(snapshot: Path) -> None:
    """Under the lock (no fetch runs): the old snapshot back if the new one is not in place;
    a dead fetch's staging folder deleted."""
    recover_swap(snapshot)
    for staging in snapshot.parent.glob(f".{snapshot.name}.staging-*"):
        shutil.rmtree(staging, ignore_errors=True)


def recover_snapshot(snapshot: Path) -> None:
    """Put back the snapshot of a fetch killed during its swap (unless a fetch is running)."""
    if not snapshot.parent.is_dir():
        return
    with _content_lock(snapshot.parent, 0.0) as held:
        if held:
            _put_back(snapshot)


@contextmanager
def fetch_lock(snapshot: Path) -> Iterator[None]:
    """One fetch at a time per content folder, an interrupted swap put back first."""
    snapshot.parent.mkdir(parents=True, exist_ok=True)
    # A reader holds the lock for a moment while it recovers: wait that out.
    with _content_lock(snapshot.parent, READER_WAIT) as held:
        if not held:
            raise FetchError(f"another fetch is writing {snapshot}/; wait for it to finish, then run again")
        _put_back(snapshot)
        yield

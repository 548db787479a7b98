"""Each record's browsable JSON, rendered once per build however many pages show it.

A record is on dozens of pages (its detail page, every list, page size and variant it falls
in). Its pretty-printed, escaped and linked form is the same on all of them but for the
indentation, so it is rendered once and kept as UTF-8 at list depth (two tabs). Memory is
bounded: past `budget` bytes the least recently used fragments move to a scratch file (read
back with pread, never rendered again), so the build's memory does not grow with the corpus.
"""

import os
import tempfile
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

#: Indentation of a record inside a list envelope's "results" array.
LIST_DEPTH = b"\t\t"
#: Bytes of fragments kept in memory: every record of a 1,500-event snapshot, all modes.
DEFAULT_BUDGET = 128 << 20


def at_list_depth(fragment: bytes) -> bytes:
    """A depth-0 fragment as it sits in a list: two tabs deeper on every line."""
    return LIST_DEPTH + fragment.replace(b"\n", b"\n" + LIST_DEPTH)


def at_top(fragment: bytes) -> bytes:
    """A list-depth fragment back at depth 0 (a detail page): the inverse of at_list_depth."""
    return fragment[len(LIST_DEPTH) :].replace(b"\n" + LIST_DEPTH, b"\n")


class Fragments:
    """Rendered records by digest: in memory up to a byte budget, then in a scratch file."""

    def __init__(self, render: Callable[[bytes], bytes], scratch_dir: Path, budget: int = DEFAULT_BUDGET) -> None:
        self._render = render
        self._scratch_dir = scratch_dir
        self._budget = budget
        self._memory: OrderedDict[bytes, bytes] = OrderedDict()
        self._held = 0
        self._spilled: dict[bytes, tuple[int, int]] = {}
        self._scratch: int | None = None  # file descriptor, opened on the first spill
        self._scratch_end = 0
        self.rendered = 0

    def get(self, key: bytes, record: Callable[[], bytes]) -> bytes:
        """The record's fragment at list depth; `record` gives its JSON bytes on a miss."""
        found = self._memory.get(key)
        if found is not None:
            self._memory.move_to_end(key)
            return found
        where = self._spilled.get(key)
        if where is not None:
            assert self._scratch is not None
            return os.pread(self._scratch, where[1], where[0])
        fragment = at_list_depth(self._render(record()))
        self.rendered += 1
        self._memory[key] = fragment
        self._held += len(fragment)
        while self._held > self._budget and len(self._memory) > 1:
            self._spill(*self._memory.popitem(last=False))
        return fragment

    def _spill(self, key: bytes, fragment: bytes) -> None:
        if self._scratch is None:
            handle, name = tempfile.mkstemp(prefix=".fragments-", dir=self._scratch_dir)
            os.unlink(name)  # gone when closed, whatever happens to the build
            self._scratch = handle
        os.pwrite(self._scratch, fragment, self._scratch_end)
        self._spilled[key] = (self._scratch_end, len(fragment))
        self._scratch_end += len(fragment)
        self._held -= len(fragment)

    def close(self) -> None:
        if self._scratch is not None:
            os.close(self._scratch)
            self._scratch = None
        self._memory.clear()
        self._spilled.clear()
        self._held = 0

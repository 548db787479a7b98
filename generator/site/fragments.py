"""Each record's browsable JSON, rendered once however many pages show it, and kept between
builds.

A record is on dozens of pages (its detail page, every list, page size and variant it falls
in). Its pretty-printed, escaped and linked form is the same on all of them but for the
indentation, so it is rendered once and kept as UTF-8 at list depth (two tabs).

Rendered fragments are appended to a store file in the build cache, indexed by a durable key
(the record's bytes and what its links depend on), so the next build renders only records
that changed: a list page that must be rewritten because one of its hundred records changed
reads the other ninety-nine back. Memory holds a bounded, recently used part (`budget`
bytes). The index names its store file; a store is only ever appended to, except when it is
compacted into a new file (a new name) once it holds more dead bytes than live ones, so an
index never points into bytes that changed.
"""

import os
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

import orjson

#: Indentation of a record inside a list envelope's "results" array.
LIST_DEPTH = b"\t\t"
#: Bytes of fragments kept in memory: every record of a 1,500-event snapshot, all modes.
DEFAULT_BUDGET = 128 << 20
INDEX = "fragments.json"


def at_list_depth(fragment: bytes) -> bytes:
    """A depth-0 fragment as it sits in a list: two tabs deeper on every line."""
    return LIST_DEPTH + fragment.replace(b"\n", b"\n" + LIST_DEPTH)


def at_top(fragment: bytes) -> bytes:
    """A list-depth fragment back at depth 0 (a detail page): the inverse of at_list_depth."""
    return fragment[len(LIST_DEPTH) :].replace(b"\n" + LIST_DEPTH, b"\n")


class Fragments:
    """Rendered records: in memory up to a byte budget, all of them in a store under `folder`."""

    def __init__(self, render: Callable[[bytes], bytes], folder: Path, budget: int = DEFAULT_BUDGET) -> None:
        self._render = render
        self._folder = folder
        self._budget = budget
        self._memory: OrderedDict[bytes, bytes] = OrderedDict()
        self._held = 0
        folder.mkdir(parents=True, exist_ok=True)
        self._name, self._stored = self._load_index()
        self._fd = os.open(folder / self._name, os.O_RDWR | os.O_CREAT, 0o644)
        self._end = os.fstat(self._fd).st_size
        self._stored = {k: v for k, v in self._stored.items() if v[0] + v[1] <= self._end}
        self._used: dict[str, tuple[int, int]] = {}
        self._storing = True
        self.rendered = 0
        self.reused = 0

    def _load_index(self) -> tuple[str, dict[str, tuple[int, int]]]:
        try:
            index = orjson.loads((self._folder / INDEX).read_bytes())
            name = str(index["file"])
            if "/" in name or not (self._folder / name).is_file():
                raise ValueError(name)
            return name, {k: (int(v[0]), int(v[1])) for k, v in index["fragments"].items()}
        except (OSError, ValueError, KeyError, TypeError, orjson.JSONDecodeError):
            return "fragments.0.bin", {}

    def get(self, key: bytes, record: Callable[[], bytes], durable: Callable[[], bytes]) -> bytes:
        """The record's fragment at list depth. `key` names it within this build (its bytes'
        digest); `durable` gives its key between builds; `record` gives its JSON on a miss."""
        found = self._memory.get(key)
        if found is not None:
            self._memory.move_to_end(key)
            return found
        durable_key = durable().hex()
        where = self._used.get(durable_key) or self._stored.get(durable_key)
        if where is not None:
            fragment = os.pread(self._fd, where[1], where[0])
            self.reused += 1
        else:
            fragment = at_list_depth(self._render(record()))
            self.rendered += 1
            if self._storing:
                os.pwrite(self._fd, fragment, self._end)
                where = (self._end, len(fragment))
                self._end += len(fragment)
        if where is not None:
            self._used[durable_key] = where
        self._memory[key] = fragment
        self._held += len(fragment)
        while self._held > self._budget and len(self._memory) > 1:
            self._held -= len(self._memory.popitem(last=False)[1])
        return fragment

    def stop_storing(self) -> None:
        """In a forked child: render what is missing without adding it to the store, whose
        file the parent owns and appends to."""
        self._storing = False

    def save(self) -> None:
        """Keep the fragments this build used (compacting the store when mostly dead)."""
        live = sum(length for _, length in self._used.values())
        name, used = self._name, self._used
        if self._end > 2 * live + (16 << 20):
            name = _next_name(self._name)
            compacted: dict[str, tuple[int, int]] = {}
            with open(self._folder / name, "wb") as handle:
                offset = 0
                for key, (start, length) in sorted(used.items(), key=lambda item: item[1]):
                    handle.write(os.pread(self._fd, length, start))
                    compacted[key] = (offset, length)
                    offset += length
            used = compacted
        tmp = self._folder / f"{INDEX}.{os.getpid()}"
        tmp.write_bytes(orjson.dumps({"file": name, "fragments": used}))
        os.replace(tmp, self._folder / INDEX)
        if name != self._name:
            (self._folder / self._name).unlink(missing_ok=True)

    def close(self) -> None:
        os.close(self._fd)
        self._memory.clear()
        self._held = 0


def _next_name(name: str) -> str:
    """fragments.N.bin -> fragments.N+1.bin"""
    generation = int(name.split(".")[1]) if name.count(".") == 2 and name.split(".")[1].isdigit() else 0
    return f"fragments.{generation + 1}.bin"

"""Derived values kept between builds, keyed by a digest of what they are derived from.

Two kinds of entry, each under a name ("flat", "gz", ...):
- `value`: a small JSON-able value (a flattened event row), kept in one SQLite file
  (`values.sqlite`) and looked up one at a time, so memory does not grow with the number of
  values;
- `blob`: bytes (a compressed chunk of a dump), one file each.

An entry not used by a build is dropped when the build saves the memo, so the store holds
what the current dist/ was made from and no more. The memo lives in the build cache and
goes with it (`--clean`, or code that changed).
"""

import os
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson


class Memo:
    """A store of derived values under `root` (None: remember nothing, compute everything)."""

    def __init__(self, root: Path | None) -> None:
        self.root = root
        self._db: sqlite3.Connection | None = None
        self._used_values: dict[str, set[str]] = {}
        self._used_blobs: dict[str, set[str]] = {}
        self._read: dict[str, dict[str, bytes]] = {}  # name -> key -> stored value (`_stored`)
        self._pending: list[tuple[str, str, bytes]] = []  # made, not yet stored (`_flush`)
        self.hits = 0
        self.misses = 0

    def _values(self) -> sqlite3.Connection | None:
        if self._db is None and self.root is not None:
            self.root.mkdir(parents=True, exist_ok=True)
            # No transaction held open: two processes (output/parallel.py) read it at once, and
            # each writes what it made in one short transaction (`_flush`), waiting its turn.
            self._db = sqlite3.connect(self.root / "values.sqlite", isolation_level=None, timeout=60)
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA synchronous = OFF")
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS memo (name TEXT, key TEXT, value BLOB, PRIMARY KEY (name, key))"
            )
        return self._db

    def _flush(self) -> None:
        """Store the values made since the last flush, in one transaction."""
        if self._pending and self._db is not None:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.executemany("INSERT OR REPLACE INTO memo VALUES (?, ?, ?)", self._pending)
            self._db.execute("COMMIT")
        self._pending = []

    def value(self, name: str, key: bytes, make: Callable[[], Any]) -> Any:
        """The value stored under `key`, or `make()` (then stored)."""
        hex_key = key.hex()
        self._used_values.setdefault(name, set()).add(hex_key)
        stored = self._stored(name)
        if stored is not None:
            raw = stored.get(hex_key)
            if raw is not None:
                self.hits += 1
                return orjson.loads(raw)
        self.misses += 1
        found = make()
        if stored is not None:
            stored[hex_key] = data = orjson.dumps(found)
            self._pending.append((name, hex_key, data))  # stored by `_flush`
        return found

    def _stored(self, name: str) -> dict[str, bytes] | None:
        """Every value stored under `name`, read in one query on first use (a rebuild asks for
        nearly all of them: 3,000 queries of one row cost 0.04 s); None without a store."""
        stored = self._read.get(name)
        if stored is None:
            db = self._values()
            if db is None:
                return None
            rows = db.execute("SELECT key, value FROM memo WHERE name = ?", (name,))
            stored = self._read[name] = dict(rows.fetchall())
        return stored

    def blob(self, name: str, key: bytes, make: Callable[[], bytes]) -> bytes:
        """The bytes stored under `key`, or `make()` (then stored)."""
        hex_key = key.hex()
        self._used_blobs.setdefault(name, set()).add(hex_key)
        if self.root is None:
            self.misses += 1
            return make()
        path = self.root / name / hex_key
        try:
            data = path.read_bytes()
            self.hits += 1
            return data
        except FileNotFoundError:
            pass
        self.misses += 1
        data = make()
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f"{hex_key}.{os.getpid()}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)
        return data

    def release(self) -> None:
        """Store what was made and close the values' database (opened again when next
        needed): before a fork, since two processes must not share one connection. The
        database is made first if need be: two processes that both made it (in WAL mode) at
        once would find it locked."""
        if self._values() is not None:
            self._flush()
            assert self._db is not None
            self._db.close()
            self._db = None

    def detach(self) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
        """In a forked child: store what was made; return what was used, for `adopt`."""
        self.release()
        return self._used_values, self._used_blobs

    def adopt(self, used: tuple[dict[str, set[str]], dict[str, set[str]]]) -> None:
        """Count entries a forked child used as used by this build (kept by `save`)."""
        for mine, theirs in zip((self._used_values, self._used_blobs), used, strict=True):
            for name, keys in theirs.items():
                mine.setdefault(name, set()).update(keys)

    def save(self) -> None:
        """Keep exactly the entries this build used."""
        db = self._values()
        if db is not None:
            self._flush()
            db.execute("BEGIN IMMEDIATE")
            db.execute("CREATE TEMP TABLE used (name TEXT, key TEXT, PRIMARY KEY (name, key))")
            db.executemany(
                "INSERT INTO used VALUES (?, ?)",
                ((name, key) for name, keys in self._used_values.items() for key in keys),
            )
            db.execute("DELETE FROM memo WHERE (name, key) NOT IN (SELECT name, key FROM used)")
            db.execute("DROP TABLE used")
            db.execute("COMMIT")
            db.close()
            self._db = None
        if self.root is None:
            return
        for name, used_blobs in self._used_blobs.items():
            folder = self.root / name
            if folder.is_dir():
                for path in folder.iterdir():
                    if path.name not in used_blobs:
                        path.unlink()

    def clear(self) -> None:
        """Forget everything stored (the code that made it changed)."""
        self._read.clear()
        self._pending = []
        if self._db is not None:
            self._db.close()
            self._db = None
        if self.root is not None:
            shutil.rmtree(self.root, ignore_errors=True)

"""Derived values kept between builds, keyed by a digest of what they are derived from.

Two kinds of entry, each under a name ("flat", "gz", ...):
- `value`: a small JSON-able value (a flattened event row); all values of one name live in
  one file, loaded on first use;
- `blob`: bytes (a compressed chunk of a dump), one file each.

An entry not used by a build is dropped when the build saves the memo, so the store holds
what the current dist/ was made from and no more. The memo lives in the build cache and
goes with it (`--clean`, or code that changed).
"""

import os
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson


class Memo:
    """A store of derived values under `root` (None: remember nothing, compute everything)."""

    def __init__(self, root: Path | None) -> None:
        self.root = root
        self._values: dict[str, dict[str, Any]] = {}
        self._used_values: dict[str, dict[str, Any]] = {}
        self._used_blobs: dict[str, set[str]] = {}
        self.hits = 0
        self.misses = 0

    def _table(self, name: str) -> dict[str, Any]:
        if name not in self._values:
            table: dict[str, Any] = {}
            if self.root is not None:
                try:
                    table = orjson.loads((self.root / f"{name}.json").read_bytes())
                except (OSError, orjson.JSONDecodeError):
                    table = {}
            self._values[name] = table
        return self._values[name]

    def value(self, name: str, key: bytes, make: Callable[[], Any]) -> Any:
        """The value stored under `key`, or `make()` (then stored)."""
        hex_key = key.hex()
        table = self._table(name)
        if hex_key in table:
            self.hits += 1
            found = table[hex_key]
        else:
            self.misses += 1
            found = make()
        self._used_values.setdefault(name, {})[hex_key] = found
        return found

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

    def save(self) -> None:
        """Keep exactly the entries this build used."""
        if self.root is None:
            return
        self.root.mkdir(parents=True, exist_ok=True)
        for name, used in self._used_values.items():
            tmp = self.root / f"{name}.json.{os.getpid()}"
            tmp.write_bytes(orjson.dumps(used))
            os.replace(tmp, self.root / f"{name}.json")
        for name, used_blobs in self._used_blobs.items():
            folder = self.root / name
            if folder.is_dir():
                for path in folder.iterdir():
                    if path.name not in used_blobs:
                        path.unlink()

    def clear(self) -> None:
        """Forget everything stored (the code that made it changed)."""
        if self.root is not None:
            shutil.rmtree(self.root, ignore_errors=True)

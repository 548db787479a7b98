"""The build cache beside dist/: what earlier builds validated and wrote, for incremental builds.

    .{dist}.cache/state.json    {"salt", "inputs", "validated": {key: entry}, "outputs": {path: key}}

- `validated`: records (by digest of model and line bytes) that passed validation, with their
  id, drift and facets, so an unchanged record is not validated again;
- `outputs`: every file in dist/ with its key (a digest of everything its bytes depend on, or
  null) and size, so an output whose key is unchanged is left alone instead of rewritten, and
  files the new build no longer writes are deleted;
- `memo/`: values derived from records (flattened rows, compressed chunks of dumps), so a
  dump is rebuilt from mostly remembered pieces (memo.py);
- `variants.pickle`: each planned list's cost and what it was computed from, so a rebuild
  costs again only the lists a changed event is or was in, and the pages and manifest lines
  of the kept lists, so it rewrites only the pages that hold a changed event
  (variants/reuse.py);
- `inputs`: digest of the whole input (code, settings, snapshot files): equal means dist/ is
  already up to date and nothing is done at all.

The cache is only a shortcut: deleting it (or `--clean`) gives the same dist/ bytes.
"""

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from generator.incremental.memo import Memo
from generator.output.journal import replace_file
from generator.output.writes import write_file

STATE = "state.json"


@dataclass
class BuildCache:
    """Loaded cache state; empty when absent, unreadable or made by other code (salt)."""

    root: Path
    salt: str
    inputs: str | None = None
    validated: dict[str, Any] = field(default_factory=dict)
    outputs: dict[str, list[Any]] = field(default_factory=dict)
    memo: Memo = field(default_factory=lambda: Memo(None))

    @classmethod
    def load(cls, dist: Path, salt: str, *, enabled: bool = True) -> "BuildCache":
        root = dist.parent / f".{dist.name}.cache"
        cache = cls(root, salt, memo=Memo(root / "memo"))
        state: dict[str, Any] = {}
        if enabled and dist.is_dir():
            try:
                state = orjson.loads((root / STATE).read_bytes())
            except (OSError, orjson.JSONDecodeError):
                state = {}
        if state.get("salt") == salt:
            cache.inputs = state.get("inputs")
            cache.validated = state.get("validated", {})
            cache.outputs = state.get("outputs", {})
        else:
            cache.memo.clear()  # made by other code, or a clean build: start afresh
        return cache

    def last_written(self) -> list[str] | None:
        """Every file the last build wrote into dist/ (read even with `--clean`), or None
        when the cache does not say (absent, unreadable, or dropped by a killed build)."""
        if self.outputs:
            return list(self.outputs)
        try:
            state = orjson.loads((self.root / STATE).read_bytes())
        except (OSError, orjson.JSONDecodeError):
            return None
        outputs = state.get("outputs") if isinstance(state, dict) else None
        return list(outputs) if isinstance(outputs, dict) and outputs else None

    def forget(self) -> None:
        """Drop the saved state before dist/ changes, so a build killed mid-commit cannot
        leave a cache that describes files dist/ no longer holds."""
        try:
            (self.root / STATE).unlink()
        except FileNotFoundError:
            pass

    def save(
        self, inputs: str, validated: dict[str, Any], outputs: dict[str, list[Any]], *, memo: bool = True
    ) -> None:
        """Write the new state atomically (after dist/ was swapped in), and keep the memo's
        entries this build used (unless the caller saves the memo: `memo=False`)."""
        self.root.mkdir(parents=True, exist_ok=True)
        if memo:
            self.memo.save()
        state = {"salt": self.salt, "inputs": inputs, "validated": validated, "outputs": outputs}
        tmp = self.root / f"{STATE}.{os.getpid()}"
        write_file(str(tmp), orjson.dumps(state))
        replace_file(str(tmp), str(self.root / STATE))

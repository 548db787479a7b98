"""The build cache beside dist/: what earlier builds validated and wrote, for incremental builds.

    .{dist}.cache/state.json    {"salt", "inputs", "validated": {key: entry}, "outputs": {path: key}}

- `validated`: records (by digest of model and line bytes) that passed validation, with their
  id, drift and facets, so an unchanged record is not validated again;
- `outputs`: the key of every file in dist/ (a digest of everything its bytes depend on), so an
  output whose key is unchanged is hard-linked from the previous dist/ instead of rewritten;
- `inputs`: digest of the whole input (code, settings, snapshot files): equal means dist/ is
  already up to date and nothing is done at all.

The cache is only a shortcut: deleting it (or `--clean`) gives the same dist/ bytes.
"""

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

STATE = "state.json"


@dataclass
class BuildCache:
    """Loaded cache state; empty when absent, unreadable or made by other code (salt)."""

    root: Path
    salt: str
    inputs: str | None = None
    validated: dict[str, Any] = field(default_factory=dict)
    outputs: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, dist: Path, salt: str, *, enabled: bool = True) -> "BuildCache":
        root = dist.parent / f".{dist.name}.cache"
        cache = cls(root, salt)
        if not enabled or not dist.is_dir():
            return cache
        try:
            state = orjson.loads((root / STATE).read_bytes())
        except (OSError, orjson.JSONDecodeError):
            return cache
        if state.get("salt") == salt:
            cache.inputs = state.get("inputs")
            cache.validated = state.get("validated", {})
            cache.outputs = state.get("outputs", {})
        return cache

    def save(self, inputs: str, validated: dict[str, Any], outputs: dict[str, str]) -> None:
        """Write the new state atomically (after dist/ was swapped in)."""
        self.root.mkdir(parents=True, exist_ok=True)
        state = {"salt": self.salt, "inputs": inputs, "validated": validated, "outputs": outputs}
        tmp = self.root / f"{STATE}.{os.getpid()}"
        tmp.write_bytes(orjson.dumps(state))
        os.replace(tmp, self.root / STATE)

"""What a fetch reads from and writes to content/snapshot/: data files, metadata, progress.

snapshot.json gains a `fetch` object:

    high_water     {version: time}: every record updated before it is in the snapshot
    reconciled_at  when a stable listing of every id last checked for deletions
    clock_skew     seconds LL2's clock was ahead of this machine's in the last run (the
                   times above are LL2's: fetch/servertime.py)
    request_log    times of the requests of the last hour (the hourly budget spans runs)
    resume         the unfinished plan (its walks and where each stopped), or null
    throttled_until  when a run stopped by a 429 may ask again (its Retry-After), if one did
    last_run       what the last run did: counts, requests, whether it completed

Records of an unfinished plan wait in `progress/NN.ndjson.part` (NN = walk number), one
validated record per line as received, in arrival order (the `.part` ending keeps them apart
from the snapshot's sorted `*.ndjson` files). The whole folder is written through
StagedOutput: a run that fails leaves it byte-identical, a run that finishes or stops on its
budget swaps it in at once.
"""

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson

from generator.api.times import parse_utc
from generator.api.versions import VERSIONS
from generator.errors import ContentError
from generator.fetch.merge import record_id
from generator.fetch.plan import Plan
from generator.load.snapshot import METADATA_NAME, iter_lines
from generator.output.staging import StagedOutput

PROGRESS = "progress"
THROTTLED_UNTIL = "throttled_until"


def data_files() -> dict[str, str]:
    """Snapshot file name -> version, for every version/mode."""
    return {
        f"{spec.version}/{spec.snapshot_name(mode)}": spec.version
        for spec in VERSIONS.values()
        for mode in spec.modes
    }


def progress_name(index: int) -> str:
    return f"{PROGRESS}/{index:02d}.ndjson.part"


@dataclass
class SnapshotState:
    """The snapshot folder as the fetcher sees it."""

    root: Path
    metadata: dict[str, Any]
    files: dict[str, dict[int, bytes]]  # file name -> {id: record bytes}; missing files empty

    @property
    def fetch(self) -> dict[str, Any]:
        value = self.metadata.setdefault("fetch", {})
        assert isinstance(value, dict)
        return value

    def high_water(self) -> dict[str, str] | None:
        """High-water marks of every version, or None if any is missing (then: full fetch)."""
        marks = self.fetch.get("high_water") or {}
        if not all(isinstance(marks.get(v), str) for v in VERSIONS):
            return None
        return {v: marks[v] for v in VERSIONS}

    def request_log(self) -> list[datetime]:
        return [parse_utc(t) for t in self.fetch.get("request_log", [])]

    def throttled_until(self) -> datetime | None:
        """When LL2's last 429 Retry-After ends, if a run stopped on one (None if unreadable)."""
        value = self.fetch.get(THROTTLED_UNTIL)
        try:
            return parse_utc(value) if isinstance(value, str) else None
        except ValueError:
            return None

    def resume(self) -> Plan | None:
        saved = self.fetch.get("resume")
        return Plan.from_json(saved) if saved else None

    def progress(self, index: int) -> list[bytes]:
        """Records an unfinished walk has fetched so far."""
        path = self.root / progress_name(index)
        return [line.data for line in iter_lines(path)] if path.is_file() else []


def load_state(root: Path) -> SnapshotState:
    """Read metadata and every data file (a folder without a snapshot reads as empty)."""
    meta_path = root / METADATA_NAME
    metadata: dict[str, Any] = {"format": 1}
    if meta_path.is_file():
        try:
            metadata = orjson.loads(meta_path.read_bytes())
        except orjson.JSONDecodeError as exc:
            raise ContentError(f"{meta_path}: not valid JSON: {exc}") from None
        if not isinstance(metadata, dict):
            raise ContentError(f"{meta_path}: metadata must be a JSON object")
    files: dict[str, dict[int, bytes]] = {}
    for name in data_files():
        path = root / name
        records: dict[int, bytes] = {}
        if path.is_file():
            for line in iter_lines(path):
                try:
                    records[record_id(line.data)] = line.data
                except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
                    raise ContentError(
                        f"{path}:{line.number}: not a record with an id; fix or restore the "
                        "snapshot before fetching (python build.py validates it)"
                    ) from None
        files[name] = records
    return SnapshotState(root, metadata, files)


def write_state(
    root: Path,
    metadata: dict[str, Any],
    data: dict[str, bytes],
    progress: dict[str, list[bytes]],
) -> None:
    """Replace the snapshot folder at once: other files as they were, `data` and `progress` new.

    The old progress folder is dropped; `data` holds every data file to (re)write.
    """
    keep: dict[str, bytes] = {}
    if root.is_dir():
        for path in sorted(root.rglob("*")):
            rel = path.relative_to(root).as_posix()
            if (
                path.is_file()
                and rel != METADATA_NAME
                and rel not in data
                and not rel.startswith(f"{PROGRESS}/")
            ):
                keep[rel] = path.read_bytes()
    with StagedOutput(root) as out:
        for rel, body in keep.items():
            out.write(rel, body)
        for rel, body in data.items():
            out.write(rel, body)
        for rel, lines in progress.items():
            out.write(rel, b"".join(line + b"\n" for line in lines))
        out.write(METADATA_NAME, orjson.dumps(metadata, option=orjson.OPT_INDENT_2) + b"\n")

"""`python build.py backfill-history`: the schedule history, once, from the snapshot's git history.

Every commit that changed content/snapshot/ is replayed, oldest first, each seen at the `as_of`
of its snapshot.json; then the working tree's snapshot. An existing history file is merged in
(every date kept, the larger SEQUENCE: it never goes down). A shallow clone replays only the
commits it has, and says so. Only files whose blob changed between commits are read again.
"""

import os
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import orjson

from generator.api.times import parse_utc
from generator.errors import ContentError
from generator.load.git import GitUnavailable, run_git
from generator.load.history import (
    HISTORY_NAME,
    Observer,
    load_history,
    merge,
    render_history,
    shown_files,
    shown_records,
    utc_text,
)
from generator.load.recover import recover_snapshot
from generator.load.snapshot import METADATA_NAME, display_path


@dataclass
class BackfillReport:
    commits: int
    events: int
    date_changes: int
    shallow: bool
    path: Path

    def line(self) -> str:
        note = " (shallow clone: only the commits fetched)" if self.shallow else ""
        return (
            f"history: {self.events} events, {self.date_changes} date changes from {self.commits} "
            f"snapshot commits{note}; wrote {display_path(self.path)}"
        )


def _records(data: bytes) -> dict[int, bytes]:
    """id -> record bytes of one NDJSON file's content."""
    records = {}
    for line in data.splitlines():
        try:
            records[int(orjson.loads(line)["id"])] = line
        except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
            continue  # a blank or broken line in an old snapshot: not an event to replay
    return records


def _seen(metadata: bytes, label: str) -> str:
    try:
        return str(utc_text(parse_utc(orjson.loads(metadata)["as_of"])))
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError):
        raise ContentError(f"{label}: no readable as_of; cannot date this snapshot") from None


def _commit_snapshot(
    top: Path, commit: str, rel: str, cache: dict[str, tuple[str, dict[int, bytes]]]
) -> tuple[str, dict[int, bytes]] | None:
    """(as_of, shown records) of the snapshot at `commit`, or None when it had no snapshot.json.
    `cache`: file name -> (blob id, records) of the previous commit, reused when unchanged."""
    label = f"{commit[:12]}:{rel}/{METADATA_NAME}"
    try:
        metadata = run_git(top, "cat-file", "blob", f"{commit}:{rel}/{METADATA_NAME}")
    except GitUnavailable:
        return None
    files: dict[str, dict[int, bytes]] = {}
    for name in shown_files():
        try:
            blob = run_git(top, "rev-parse", f"{commit}:{rel}/{name}")
        except GitUnavailable:
            files[name] = {}
            continue
        if name not in cache or cache[name][0] != blob:
            data = _blob(top, blob)
            cache[name] = (blob, _records(data))
        files[name] = cache[name][1]
    return _seen(metadata.encode(), label), shown_records(files)


def _blob(top: Path, blob: str) -> bytes:
    return subprocess.run(
        ["git", "-C", str(top), "cat-file", "blob", blob], capture_output=True, check=True
    ).stdout


def _working_tree(root: Path) -> tuple[str, dict[int, bytes]]:
    """(as_of, shown records) of the snapshot as it is on disk."""
    files = {name: _records((root / name).read_bytes()) for name in shown_files() if (root / name).is_file()}
    meta = root / METADATA_NAME
    return _seen(meta.read_bytes(), str(meta)), shown_records(files)


def backfill(
    root: Path, on_commit: Callable[[str, str], None] = lambda commit, as_of: None
) -> BackfillReport:
    """Write `root`'s history.ndjson from the git history of the snapshot folder `root`."""
    recover_snapshot(root)  # a fetch killed mid-swap: its snapshot back first
    try:
        top = Path(run_git(root, "rev-parse", "--show-toplevel"))
        rel = root.resolve().relative_to(top.resolve()).as_posix()
        commits = run_git(top, "log", "--topo-order", "--reverse", "--format=%H", "--", rel).split()
        shallow = run_git(top, "rev-parse", "--is-shallow-repository") == "true"
    except GitUnavailable as exc:
        raise ContentError(f"{display_path(root)}: no git history to backfill from: {exc}") from None
    observer = Observer({})
    cache: dict[str, tuple[str, dict[int, bytes]]] = {}
    replayed = 0
    for commit in commits:
        found = _commit_snapshot(top, commit, rel, cache)
        if found is None:
            continue
        seen, records = found
        on_commit(commit, seen)
        observer.observe(records, seen)
        replayed += 1
    if (root / METADATA_NAME).is_file():  # uncommitted changes, if any (else a no-op)
        seen, records = _working_tree(root)
        observer.observe(records, seen)
    path = root / HISTORY_NAME
    entries = observer.entries
    for event_id, existing in load_history(path).items():
        entries[event_id] = merge(entries[event_id], existing) if event_id in entries else existing
    tmp = path.with_name(f".{HISTORY_NAME}.tmp")
    tmp.write_bytes(render_history(entries))
    os.replace(tmp, path)
    return BackfillReport(replayed, len(entries), observer.changed, shallow, path)

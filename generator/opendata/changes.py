"""What changed since the previous snapshot in git: dist/changes.json (and a Markdown summary).

The base to compare with:
- the snapshot has uncommitted changes (a local fetch): the committed snapshot, HEAD;
- otherwise: the commit before the last commit that changed the snapshot, so a build of
  any later commit still reports the latest refresh.
Each snapshot file is compared record by record (by id, then by bytes): events added,
updated (any byte of the record differs) and removed, per version and mode. Without git, a
repository, or the history (a shallow clone), `base` is null and `reason` says why; the build
goes on. Memory: one short digest per event of the base file.
"""

import hashlib
import html
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from generator.api.versions import VERSIONS
from generator.load.git import GitUnavailable, find_base, run_git
from generator.load.history import HISTORY_NAME, date_slips, load_history, utc_text
from generator.load.snapshot import Snapshot, iter_lines

if TYPE_CHECKING:  # validate imports pydantic, which a no-change build never needs
    from generator.load.validate import SnapshotIndex

FORMAT = 1


def _digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=12).digest()


def _base_lines(top: Path, commit: str, path: str) -> Iterator[bytes]:
    """The lines of `path` at `commit`, streamed from git (nothing when it did not exist)."""
    try:
        run_git(top, "cat-file", "-e", f"{commit}:{path}")
    except GitUnavailable:
        return
    with subprocess.Popen(
        ["git", "-C", str(top), "cat-file", "blob", f"{commit}:{path}"], stdout=subprocess.PIPE
    ) as proc:
        assert proc.stdout is not None
        for raw in proc.stdout:
            line = raw.rstrip(b"\r\n")
            if line.strip():
                yield line


def _base_digests(top: Path, commit: str, path: str) -> dict[int, bytes]:
    digests: dict[int, bytes] = {}
    for line in _base_lines(top, commit, path):
        try:
            record_id = orjson.loads(line).get("id")
        except (orjson.JSONDecodeError, AttributeError):
            continue  # a broken line in an old snapshot: not an event we can compare
        if type(record_id) is int:
            digests[record_id] = _digest(line)
    return digests


def compare_file(top: Path, commit: str, base_path: str, current: Path) -> dict[str, list[int]]:
    """Ids added, updated and removed in one snapshot file since `commit`."""
    before = _base_digests(top, commit, base_path)
    added: list[int] = []
    updated: list[int] = []
    for line in iter_lines(current):
        record_id = orjson.loads(line.data)["id"]
        old = before.pop(record_id, None)
        if old is None:
            added.append(record_id)
        elif old != _digest(line.data):
            updated.append(record_id)
    return {"added": added, "updated": updated, "removed": sorted(before)}


def latest_slips(snapshot: Snapshot) -> list[dict[str, Any]]:
    """The date changes the history file records at the snapshot's own time (its last fetch)."""
    return date_slips(load_history(snapshot.root / HISTORY_NAME).values(), utc_text(snapshot.as_of))


def snapshot_changes(
    snapshot: Snapshot, index: "SnapshotIndex", slips: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """The changes document: base commit, per version/mode the ids that changed, and the date
    slips of the latest fetch (from the schedule history: known without git history too)."""
    doc: dict[str, Any] = {"format": FORMAT, "as_of": snapshot.metadata["as_of"]}
    moved = {"slips": latest_slips(snapshot) if slips is None else slips}
    try:
        top, rel, base, dirty = find_base(snapshot.root)
    except GitUnavailable as exc:
        return (
            doc
            | {"base": None, "reason": str(exc), "uncommitted": None, "summary": None, "files": None}
            | moved
        )
    files = []
    summary: dict[str, dict[str, int]] = {}
    for version, vindex in index.versions.items():
        for mode, findex in vindex.files.items():
            name = f"{version}/{VERSIONS[version].snapshot_name(mode)}"
            changed = compare_file(top, base["commit"], f"{rel}/{name}", findex.file.path)
            files.append({"version": version, "mode": mode, "path": name} | changed)
            if mode == vindex.spec.facet_mode:
                summary[version] = {kind: len(ids) for kind, ids in changed.items()}
    return (
        doc | {"base": base, "reason": None, "uncommitted": dirty, "summary": summary, "files": files} | moved
    )


def changes_json(doc: dict[str, Any]) -> bytes:
    return orjson.dumps(doc, option=orjson.OPT_INDENT_2) + b"\n"


def changes_markdown(doc: dict[str, Any]) -> str:
    """A short Markdown section for the site: counts per version and the base commit."""
    lines = ["## Changes since the previous snapshot", ""]
    if doc["base"] is None:
        lines.append(f"Not available for this build: {doc['reason']}.")
        return "\n".join(lines) + "\n"
    base = doc["base"]
    against = (
        "the last commit (uncommitted snapshot)" if doc["uncommitted"] else f"commit `{base['commit'][:12]}`"
    )
    subject = html.escape(base["subject"])  # a commit subject is text, never markup
    lines.append(f"Compared with {against} of {base['committed_at']}: “{subject}”.")
    lines.append("")
    lines.append("| version | added | updated | removed |")
    lines.append("|---|---:|---:|---:|")
    for version, counts in doc["summary"].items():
        lines.append(f"| {version} | {counts['added']} | {counts['updated']} | {counts['removed']} |")
    lines.append("")
    lines.append("Event ids per version and mode: [changes.json](changes.json).")
    return "\n".join(lines) + "\n"

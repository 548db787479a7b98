"""dist/changes.json: events added, updated and removed since the previous snapshot in git."""

import subprocess
from pathlib import Path

import orjson
import pytest

from generator.load import git as load_git
from generator.load.git import GitUnavailable, find_base
from generator.opendata.changes import changes_markdown
from tests.conftest import git, run_build

FILES = [
    "2.2.0/event.ndjson",
    "2.3.0/events.list.ndjson",
    "2.3.0/events.normal.ndjson",
    "2.3.0/events.detailed.ndjson",
]


def ids(repo: Path) -> list[int]:
    lines = (repo / "content/snapshot/2.3.0/events.detailed.ndjson").read_bytes().splitlines()
    return [orjson.loads(line)["id"] for line in lines]


def refresh(repo: Path, remove: int, rename: int, add: int) -> None:
    """Edit every snapshot file as a fetch would: drop one event, rename one, add one."""
    for name in FILES:
        path = repo / "content/snapshot" / name
        out = []
        for line in path.read_bytes().splitlines():
            record = orjson.loads(line)
            if record["id"] == remove:
                continue
            if record["id"] == rename:
                line = orjson.dumps(record | {"name": record["name"] + " (postponed)"})
            out.append(line)
        out.append(orjson.dumps(orjson.loads(out[-1]) | {"id": add}))
        path.write_bytes(b"".join(line + b"\n" for line in out))


def build_changes(capsys, repo: Path, tmp_path: Path) -> dict:
    dist = tmp_path / "dist"
    code, _, err = run_build(capsys, "--content", str(repo / "content"), "--dist", str(dist))
    assert code == 0, err
    return orjson.loads((dist / "changes.json").read_bytes())


def test_changes_list_events_added_updated_and_removed_by_the_last_snapshot_commit(
    repo, tmp_path, capsys
) -> None:
    before = ids(repo)
    refresh(repo, remove=before[0], rename=before[3], add=before[-1] + 100)
    git(repo, "commit", "-q", "-am", "Snapshot: 1 added, 1 changed, 1 removed")
    git(repo, "commit", "-q", "--allow-empty", "-m", "A later code change")
    changes = build_changes(capsys, repo, tmp_path)
    first = git(repo, "rev-list", "--max-parents=0", "HEAD").strip()
    assert changes["base"]["commit"] == first and changes["base"]["subject"] == "First snapshot"
    assert changes["uncommitted"] is False and changes["reason"] is None
    by_path = {f["path"]: f for f in changes["files"]}
    assert set(by_path) == set(FILES)
    for name in FILES:
        entry = by_path[name]
        assert (entry["added"], entry["updated"], entry["removed"]) == (
            [before[-1] + 100],
            [before[3]],
            [before[0]],
        )
    assert changes["summary"] == {
        "2.2.0": {"added": 1, "updated": 1, "removed": 1},
        "2.3.0": {"added": 1, "updated": 1, "removed": 1},
    }
    markdown = changes_markdown(changes)
    assert "| 2.3.0 | 1 | 1 | 1 |" in markdown and first[:12] in markdown


def test_uncommitted_snapshot_changes_are_compared_with_head(repo, tmp_path, capsys) -> None:
    before = ids(repo)
    refresh(repo, remove=before[1], rename=before[2], add=before[-1] + 7)
    changes = build_changes(capsys, repo, tmp_path)
    assert changes["uncommitted"] is True
    assert changes["base"]["commit"] == git(repo, "rev-parse", "HEAD").strip()
    detailed = next(f for f in changes["files"] if f["mode"] == "detailed")
    assert (detailed["added"], detailed["updated"], detailed["removed"]) == (
        [before[-1] + 7],
        [before[2]],
        [before[1]],
    )


def test_without_a_repository_changes_say_why_there_is_no_base(corpus_content, tmp_path, capsys) -> None:
    changes = build_changes(capsys, corpus_content.parent, tmp_path)
    assert changes["base"] is None and changes["files"] is None
    # The published file names no path of the machine that built it.
    assert changes["reason"] == "the snapshot folder is not in a git repository"
    assert str(corpus_content) not in (tmp_path / "dist" / "changes.json").read_text()
    assert changes_markdown(changes).endswith(f"Not available for this build: {changes['reason']}.\n")


def test_a_shallow_clone_degrades_with_a_reason_naming_the_fix(repo, tmp_path, capsys) -> None:
    refresh(repo, remove=ids(repo)[0], rename=ids(repo)[1], add=10_000)
    git(repo, "commit", "-q", "-am", "Snapshot refresh")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", str(clone))
    changes = build_changes(capsys, clone, tmp_path)
    assert changes["base"] is None
    assert changes["reason"].startswith("shallow clone: the commit before ")
    assert "fetch-depth: 0" in changes["reason"]


def test_the_first_snapshot_commit_has_no_previous_snapshot(repo, tmp_path, capsys) -> None:
    changes = build_changes(capsys, repo, tmp_path)
    assert changes["base"] is None
    assert changes["reason"].endswith("is the first commit of content/snapshot: no previous snapshot")


def test_a_snapshot_on_a_mount_git_stops_at_is_not_in_a_repository(monkeypatch, tmp_path) -> None:
    """On a tmpfs or a container volume, git (without GIT_DISCOVERY_ACROSS_FILESYSTEM) ends
    its error with "Stopping at filesystem boundary": the reason is the same plain one."""
    boundary = (
        f"fatal: not a git repository (or any parent up to mount point {tmp_path})\n"
        "Stopping at filesystem boundary (GIT_DISCOVERY_ACROSS_FILESYSTEM not set).\n"
    )

    def git_on_a_mount(args: list[str], **kwargs: object) -> subprocess.CompletedProcess[str]:
        return subprocess.CompletedProcess(args, 128, "", boundary)

    monkeypatch.setattr(load_git.subprocess, "run", git_on_a_mount)
    with pytest.raises(GitUnavailable, match="^the snapshot folder is not in a git repository$"):
        find_base(tmp_path)

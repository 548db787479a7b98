"""The snapshot's git history, as the build and the fetch's backfill read it: `git` run in a
folder, and the base commit that changes.json compares the snapshot with (opendata/changes.py
says how it is chosen); the base is part of a build's inputs (incremental/inputs.py)."""

import subprocess
from pathlib import Path
from typing import Any


class GitUnavailable(Exception):
    """No usable history; the message is the reason written to changes.json."""


def run_git(root: Path, *args: str) -> str:
    """Run git in `root`; its stdout, or GitUnavailable."""
    try:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise GitUnavailable("git is not installed") from None
    if done.returncode != 0:
        raise GitUnavailable(_reason(done.stderr) or f"git {args[0]} failed")
    return done.stdout.strip()


def _reason(stderr: str) -> str:
    """git's own reason: its `fatal:` line (lines after it, such as "Stopping at filesystem
    boundary" on a tmpfs or a container volume, only explain it), else its last line."""
    lines = stderr.strip().splitlines()
    return next((line for line in lines if line.startswith("fatal: ")), lines[-1] if lines else "")


def _commit_info(top: Path, commit: str) -> dict[str, str]:
    sha, when, subject = run_git(top, "log", "-1", "--format=%H%x00%cI%x00%s", commit).split("\x00", 2)
    return {"commit": sha, "committed_at": when, "subject": subject}


def find_base(root: Path) -> tuple[Path, str, dict[str, Any], bool]:
    """(repository top, snapshot path in it, base commit info, uncommitted changes?)."""
    try:
        inside = run_git(root, "rev-parse", "--is-inside-work-tree") == "true"
    except GitUnavailable as exc:
        if "not a git repository" not in str(exc):
            raise
        inside = False
    if not inside:
        raise GitUnavailable("the snapshot folder is not in a git repository")
    top = Path(run_git(root, "rev-parse", "--show-toplevel"))
    rel = root.resolve().relative_to(top.resolve()).as_posix()
    try:
        run_git(top, "rev-parse", "--verify", "-q", "HEAD")
    except GitUnavailable:
        raise GitUnavailable("the repository has no commits yet") from None
    dirty = bool(run_git(top, "status", "--porcelain", "--", rel))
    if dirty:
        return top, rel, _commit_info(top, "HEAD"), True
    last = run_git(top, "log", "-1", "--format=%H", "--", rel)
    if not last:
        raise GitUnavailable(f"{rel} was never committed")
    try:
        parent = run_git(top, "rev-parse", "--verify", "-q", f"{last}^")
    except GitUnavailable:
        if run_git(top, "rev-parse", "--is-shallow-repository") == "true":
            raise GitUnavailable(
                f"shallow clone: the commit before {last[:12]}, which last changed {rel}, "
                "is not fetched (clone with the full history, e.g. fetch-depth: 0)"
            ) from None
        raise GitUnavailable(f"{last[:12]} is the first commit of {rel}: no previous snapshot") from None
    return top, rel, _commit_info(top, parent), False


def base_identity(root: Path) -> str:
    """What changes.json would compare with, as text: part of a build's inputs."""
    try:
        _, _, base, dirty = find_base(root)
    except GitUnavailable as exc:
        return f"none: {exc}"
    return f"{base['commit']} dirty={dirty}"

"""Readers of dist/ (`resolve`, `serve`, `verify`) never take a half-landed build for a build.

A patch build moves its files into dist/ one rename at a time, with its journal written
first (journal.py); a swap build moves dist/ aside for an instant (swap.py). In between,
dist/ is two builds mixed, or missing. `settle` looks: if no build holds dist/'s lock, what a
killed build left is finished now (the same repair the next build makes); if a live build
holds the lock and has started landing, the reader stops with one line.
"""

from pathlib import Path

from generator.errors import BuildLocked, DistInFlux, LL2StaticError
from generator.output.journal import applying
from generator.output.lock import build_lock, lock_path
from generator.output.staging import finish_interrupted


def _landing(dist: Path) -> bool:
    """Is dist/ a mix of two builds, or moved aside, at this moment?"""
    return bool(applying(dist)) or (not dist.exists() and any(dist.parent.glob(f".{dist.name}.old-*")))


def settle(dist: Path) -> None:
    """Leave dist/ one whole build, or raise DistInFlux if a live build is landing it."""
    if not _landing(dist):
        return
    try:
        with build_lock(dist):
            finish_interrupted(dist)  # a killed build's: finished as the next build would
    except BuildLocked:
        holder = lock_path(dist).read_text(encoding="ascii", errors="replace").strip() or "?"
        raise DistInFlux(
            f"a build (pid {holder}) is landing its files in {dist}/ right now; run again in a moment"
        ) from None


def verify(dist: Path) -> int:
    """`build.py verify`: settle dist/, then check that every answer its manifest.json lists
    is there with the bytes listed (the check before publishing). Returns how many."""
    import hashlib

    import orjson

    settle(dist)
    try:
        entries = orjson.loads((dist / "manifest.json").read_bytes())["entries"]
    except (OSError, orjson.JSONDecodeError, KeyError, TypeError) as exc:
        raise LL2StaticError(f"{dist}/manifest.json is missing or not a build's manifest ({exc})") from None
    for entry in entries:
        try:
            data = (dist / entry["path"]).read_bytes()
        except OSError:
            raise LL2StaticError(f"{dist}/{entry['path']}: listed in manifest.json but missing") from None
        if len(data) != entry["bytes"] or hashlib.sha256(data).hexdigest() != entry["sha256"]:
            raise LL2StaticError(f"{dist}/{entry['path']}: not the bytes manifest.json lists (a mixed build)")
    return len(entries)

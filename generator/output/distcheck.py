"""Refuse an output folder that a build must not replace.

A swap build replaces dist/ whole, so `--dist` must never name a folder holding anything
else: the content or templates folder (or a folder holding them), the project folder, the
working folder or a folder above either, or a non-empty folder that no build wrote. A
folder counts as a build's when it holds the `manifest.json` every build writes (checked by
its first bytes, `{"format":`). Where the build cache still lists what the last build wrote,
a swap build also refuses a dist/ holding any other file (`check_no_foreign_files`): a
patch build leaves such files alone, a swap would delete them.
"""

import os
from collections.abc import Iterable
from pathlib import Path

from generator.errors import SettingsError

#: The project folder (the one holding generator/).
PROJECT = Path(__file__).resolve().parent.parent
MANIFEST = "manifest.json"
_MANIFEST_HEAD = b'{"format":'


def _within(inner: Path, outer: Path) -> bool:
    """Is `inner` the folder `outer` or inside it?"""
    return inner == outer or outer in inner.parents


def built_by_us(folder: Path) -> bool:
    """Does `folder` hold a build's manifest.json?"""
    try:
        with (folder / MANIFEST).open("rb") as handle:
            return handle.read(len(_MANIFEST_HEAD)) == _MANIFEST_HEAD
    except OSError:
        return False


def check_dist(dist: Path, content: Path, templates: Path) -> None:
    """Raise SettingsError (one line, naming the folder) if dist/ may not be replaced."""
    try:
        target = dist.resolve()
    except (OSError, RuntimeError) as exc:
        raise SettingsError(f"--dist {dist}: cannot be resolved ({exc})") from None
    guarded = (
        (content.resolve(), "the content folder"),
        (templates.resolve(), "the templates folder"),
    )
    for folder, what in guarded:
        if _within(folder, target):
            raise SettingsError(
                f"--dist {dist}: refusing to replace a folder that is or holds {what} ({folder})"
            )
    for folder, what in ((PROJECT, "the project folder"), (Path.cwd().resolve(), "the working folder")):
        if _within(folder, target):
            raise SettingsError(f"--dist {dist}: refusing to replace {what} or a folder above it ({folder})")
    if target.exists() and not target.is_dir():
        raise SettingsError(f"--dist {dist}: is a file, not a folder")
    if target.is_dir() and not built_by_us(target):
        try:
            with os.scandir(target) as entries:
                has_files = next(entries, None) is not None
        except OSError as exc:
            raise SettingsError(f"--dist {dist}: cannot be read ({exc.strerror})") from None
        if has_files:
            raise SettingsError(
                f"--dist {dist}: refusing to replace a non-empty folder that no build wrote "
                f"(it has no {MANIFEST}); name an empty or new folder"
            )


def check_no_foreign_files(dist: Path, written: Iterable[str] | None) -> None:
    """Raise SettingsError if dist/ holds a file that is not among `written` (the relpaths
    the last build wrote; None when the cache does not know them: nothing to check)."""
    if written is None or not dist.is_dir():
        return
    known = set(written)
    root = str(dist)
    for folder, _, names in os.walk(root):
        prefix = folder[len(root) + 1 :]
        for name in names:
            relpath = f"{prefix}/{name}" if prefix else name
            if relpath not in known:
                raise SettingsError(
                    f"--dist {dist}: {relpath} was not written by a build, and this build would "
                    "replace the folder whole; move it out of the folder first"
                )

"""The swap's two renames, made safe against a kill between them.

A swap build moves dist/ aside (`.dist.old-PID`), renames its staging folder to dist/, then
deletes the old build. Killed after the first rename, dist/ is missing and the only complete
build is the `.old-` folder: `recover_swap`, run by the next build under the build lock,
puts it back before anything else.
"""

import os
import shutil
from pathlib import Path


def discard(folder: Path, final: Path) -> None:
    """Delete a folder beside `final` that is no longer needed: renamed to `.trash-*` first,
    so that a `.old-*` folder is always a whole build, never one half deleted."""
    if not folder.exists():
        return
    trash = final.parent / f".{final.name}.trash-{os.getpid()}"
    os.rename(folder, trash)
    shutil.rmtree(trash, ignore_errors=True)


def recover_swap(final: Path) -> None:
    """Undo what a build killed during its swap left: when dist/ is missing, its previous
    build (`.dist.old-PID`, moved aside by the swap's first rename) goes back in place; when
    dist/ is there, the swap finished and the old build is deleted. Half-deleted folders
    (`.dist.trash-*`) are deleted. The only complete build is never deleted."""
    parent, name = final.parent, final.name
    olds = sorted(parent.glob(f".{name}.old-*"), key=lambda p: p.stat().st_mtime_ns)
    if olds and not final.exists():
        os.rename(olds.pop(), final)  # the newest whole build
    for old in olds:
        discard(old, final)
    for trash in parent.glob(f".{name}.trash-*"):
        shutil.rmtree(trash, ignore_errors=True)

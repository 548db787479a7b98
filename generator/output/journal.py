"""A patch build's apply journal: written whole or not at all, applied once, finished by
whoever comes next.

A patch build lists the files it moves into dist/ and the stale files it deletes in
`.apply-journal.json` inside its staging folder, then applies it. The journal is written to a
temporary name, flushed to disk and renamed, so that a kill while it is written leaves no
journal (dist/ untouched; the staging folder is cleared later), never a torn one. A journal
that does not parse all the same (an older build's torn write) cannot have been applied, as
applying starts only once it is written: it is dropped with its staging folder.

While a journal is present dist/ may hold some new files and some old ones:
`finish_interrupted` (run under the build lock) completes it; readers check `applying`.
"""

import os
import shutil
from pathlib import Path

import orjson

JOURNAL = ".apply-journal.json"
_PART = ".apply-journal.part"
_ASIDE = ".replaced"  # in the staging folder: the files the journal replaces, until it is removed


def staging_folders(final: Path) -> list[Path]:
    """Every staging folder beside `final`, whoever's."""
    return sorted(final.parent.glob(f".{final.name}.staging-*"))


def applying(final: Path) -> list[Path]:
    """The staging folders whose journal is written: dist/ is being patched by them (or was,
    by a build killed since), and may be a mix of two builds until they are applied."""
    return [folder for folder in staging_folders(final) if (folder / JOURNAL).is_file()]


def write_journal(
    staging: Path, write: list[str], delete: list[str], names: dict[str, str] | None = None
) -> None:
    """Write the journal whole, then make it visible by a rename. `names`: each written file's
    name in the (flat) staging folder, where it is not its path in dist/."""
    part = staging / _PART
    handle = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        view = memoryview(orjson.dumps({"write": write, "delete": delete, "names": names or {}}))
        while view:
            view = view[os.write(handle, view) :]
        os.fsync(handle)
    finally:
        os.close(handle)
    os.replace(part, staging / JOURNAL)


def read_journal(staging: Path) -> tuple[list[str], list[str], dict[str, str]] | None:
    """(files to move in, files to delete, their names in the staging folder), or None for a
    journal that is missing or not a whole one (nothing of it was applied)."""
    try:
        journal = orjson.loads((staging / JOURNAL).read_bytes())
    except (OSError, orjson.JSONDecodeError):
        return None
    if not isinstance(journal, dict):
        return None
    write, delete = journal.get("write"), journal.get("delete")
    if not isinstance(write, list) or not isinstance(delete, list):
        return None
    if not all(_plain(p) for p in write) or not all(_plain(p) for p in delete):
        return None
    names = journal.get("names", {})
    if not isinstance(names, dict) or not all(_plain(n) for n in names.values()):
        return None
    return write, delete, names


def _plain(relpath: object) -> bool:
    """A path a build writes: relative, inside dist/ (see StagedOutput.check)."""
    if not isinstance(relpath, str):
        return False
    parts = relpath.split("/")
    return not relpath.startswith("/") and not any(p in ("", ".", "..") or "\\" in p for p in parts)


def _prune_empty_dirs(root: Path, relpath: str) -> None:
    """Remove the now-empty folders above a deleted file, up to (not including) root."""
    parent = (root / relpath).parent
    while parent != root:
        try:
            parent.rmdir()
        except OSError:
            return
        parent = parent.parent


def _keep_aside(final: Path, write: list[str], aside: Path) -> None:
    """Hard-link every file the journal replaces into `aside` before the first rename: a
    rename over a file then frees no data (freeing a dump of 100 MB takes ~50 ms), so dist/
    is mixed only for as long as the renames take. The data is freed with the staging folder."""
    aside.mkdir(exist_ok=True)
    for number, relpath in enumerate(write):
        try:
            os.link(f"{final}/{relpath}", f"{aside}/{number}")
        except OSError:  # a new file, a link from an apply that was interrupted, or no links here
            continue


def apply_journal(staging: Path, final: Path) -> None:
    """Move a finished patch build's files into place and delete its stale files; then the
    staging folder. A journal that is not whole is dropped, dist/ left as it is."""
    journal = read_journal(staging)
    write, delete, names = journal or ([], [], {})
    aside = staging / _ASIDE
    if write or delete:
        _keep_aside(final, write, aside)
    # dist/ is a mix of two builds from here ...
    for relpath in write:
        source, target = f"{staging}/{names.get(relpath, relpath)}", f"{final}/{relpath}"
        try:
            os.replace(source, target)
        except FileNotFoundError:
            if not os.path.exists(source):
                continue  # already moved by an apply that was interrupted
            os.makedirs(os.path.dirname(target), exist_ok=True)  # a new folder in dist/
            os.replace(source, target)
    for number, relpath in enumerate(delete):
        try:
            os.rename(final / relpath, aside / f"stale-{number}")  # freed with the staging folder
        except FileNotFoundError:
            continue
        _prune_empty_dirs(final, relpath)
    # ... to here. The journal goes first, so a kill while the folder is removed leaves no
    # journal to redo.
    (staging / JOURNAL).unlink(missing_ok=True)
    shutil.rmtree(staging, ignore_errors=True)

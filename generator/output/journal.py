"""A patch build's apply journal: written whole or not at all, applied once, finished by
whoever comes next.

A patch build lists the files it moves into dist/ and the stale files it deletes in
`.apply-journal.json` inside its staging folder, then applies it. The journal is written to a
temporary name and renamed, so that a kill while it is written leaves no journal (dist/
untouched; the staging folder is cleared later), never a torn one. It is not fsynced: it
guards against a killed build, and after a crash of the machine an fsynced journal would be
no better, as the files it moves in are not fsynced either (`verify` then refuses the dist/,
and `--clean` builds it again). A journal
that does not parse all the same (an older build's torn write) cannot have been applied, as
applying starts only once it is written: it is dropped with its staging folder.

While a journal is present dist/ may hold some new files and some old ones:
`finish_interrupted` (run under the build lock) completes it; readers check `applying`.

A file replacing one in dist/ is swapped in (Linux's `renameat2(RENAME_EXCHANGE)`): the name
in dist/ holds the new file at once, the old one takes the staged name and is freed with the
staging folder. A plain rename over an existing file would do the same for readers, but ext4
then writes the new file's data out before the rename returns (`auto_da_alloc`, its guard for
programs that rename without fsync): 0.1-0.5 s for the 748 files of a 1,500-event rebuild
(bench/timeline.py), against nothing for a swap. The journal records each staged file's inode,
so that an apply that was interrupted knows which names already hold their new file. Where
swapping is impossible (another system, a filesystem without it, a journal without inodes),
files are renamed into place as before.
"""

import ctypes
import errno
import functools
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import orjson

from generator.output.writes import write_file

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
    names = names or {}
    inodes = [os.stat(f"{staging}/{names.get(relpath, relpath)}").st_ino for relpath in write]
    part = staging / _PART
    write_file(str(part), orjson.dumps({"write": write, "delete": delete, "names": names, "inodes": inodes}))
    os.replace(part, staging / JOURNAL)


def read_journal(staging: Path) -> tuple[list[str], list[str], dict[str, str], list[int] | None] | None:
    """(files to move in, files to delete, their names in the staging folder, their inodes
    or None from an older build), or None for a journal that is missing or not a whole one
    (nothing of it was applied)."""
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
    inodes = journal.get("inodes")
    if inodes is not None and (
        not isinstance(inodes, list) or len(inodes) != len(write) or not all(type(i) is int for i in inodes)
    ):
        return None
    return write, delete, names, inodes


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


@functools.cache
def _renameat2() -> Callable[..., int] | None:
    """libc's renameat2, where there is one (glibc 2.28+)."""
    try:
        call: Callable[..., int] = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return None
    return call


_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def can_swap(folder: Path) -> bool:
    """Whether two names in `folder` can be swapped atomically (tried on two scratch files)."""
    if _renameat2() is None:
        return False
    first, second = folder / ".swap-a", folder / ".swap-b"
    try:
        first.touch()
        second.touch()
        return swap(str(first), str(second))
    finally:
        first.unlink(missing_ok=True)
        second.unlink(missing_ok=True)


def swap(source: str, target: str) -> bool:
    """Exchange two existing paths atomically; False where the system or filesystem cannot or
    `target` does not exist (the caller renames instead)."""
    call = _renameat2()
    if call is None:
        return False
    if call(_AT_FDCWD, os.fsencode(source), _AT_FDCWD, os.fsencode(target), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOENT, errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), target)


def land_file(source: str, target: str, swapping: bool) -> None:
    """Put one staged file at its path in dist/: swapped with the file there (`swapping`), or
    renamed into place (over it, or into a folder made for it)."""
    if swapping and swap(source, target):
        return
    try:
        os.replace(source, target)
    except FileNotFoundError:
        os.makedirs(os.path.dirname(target), exist_ok=True)  # a new folder in dist/
        os.replace(source, target)


def replace_file(source: str, target: str) -> None:
    """Put the file at `source` in place of `target` atomically, as `os.replace` does, but by a
    swap where one is possible, the old file then deleted: ext4 writes out a file renamed over
    another before the rename returns (14 ms for the 10 MB variant basis), not a swapped one."""
    if swap(source, target):
        os.unlink(source)  # now the old file
    else:
        os.replace(source, target)


def _moved_before(source: str, target: str, inode: int | None) -> bool:
    """Whether an apply that was interrupted already moved this staged file into place: its
    target holds the staged inode, or the staged name no longer does (without inodes, from an
    older build: the staged name is gone)."""
    if inode is None:
        return not os.path.exists(source)
    return _inode(target) == inode or _inode(source) != inode


def _inode(path: str) -> int | None:
    try:
        return os.stat(path).st_ino
    except FileNotFoundError:
        return None


def apply_journal(staging: Path, final: Path, *, fresh: bool = False) -> None:
    """Move a finished patch build's files into place and delete its stale files; then the
    staging folder. A journal that is not whole is dropped, dist/ left as it is. `fresh`: the
    journal was just written, nothing of it applied yet (no file's inode need be checked)."""
    journal = read_journal(staging)
    write, delete, names, inodes = journal or ([], [], {}, None)
    aside = staging / _ASIDE
    swapping = inodes is not None and bool(write) and can_swap(staging)
    if write and not swapping:
        _keep_aside(final, write, aside)
    elif delete:
        aside.mkdir(exist_ok=True)
    # dist/ is a mix of two builds from here ...
    for number, relpath in enumerate(write):
        source, target = f"{staging}/{names.get(relpath, relpath)}", f"{final}/{relpath}"
        if not fresh and _moved_before(source, target, None if inodes is None else inodes[number]):
            continue
        land_file(source, target, swapping)
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

"""Is dist/ already this build's output? A digest of everything a build reads (code, options,
the snapshot files' identities, the Markdown pages, the git base of changes.json, the schedule
history), compared with the one the build cache kept."""

from generator.common import digest
from generator.incremental.fingerprint import files_digest
from generator.load.git import base_identity
from generator.load.history import HISTORY_NAME
from generator.load.snapshot import Snapshot
from generator.settings import BuildSettings


def pages_digest(settings: BuildSettings) -> str:
    """Digest of the Markdown the site renders (content/pages/, content/api/)."""
    folders = [settings.content_dir / "pages", settings.content_dir / "api"]
    return files_digest(p for folder in folders if folder.is_dir() for p in folder.rglob("*") if p.is_file())


def inputs_digest(salt: str, settings: BuildSettings, snapshot: Snapshot, pages: str) -> str:
    """Digest of everything a build reads: code, options, and the snapshot files' identities.

    Files are identified by path, size, mtime and inode (not content: reading a large snapshot
    would cost more than the whole no-change build may). A file rewritten in place within the
    same nanosecond at the same size would go unnoticed: `--clean` covers that. The git commit
    that changes.json compares with is an input too, and so is the schedule history.
    """
    paths = [snapshot.root / "snapshot.json"] + [f.path for f in snapshot.files]
    history = snapshot.root / HISTORY_NAME
    if history.is_file():  # the schedule history (absent: the build shows the snapshot alone)
        paths.append(history)
    parts = [
        salt.encode(),
        settings.fingerprint().encode(),
        base_identity(snapshot.root).encode(),
        pages.encode(),
    ]
    for path in paths:
        st = path.stat()
        parts.append(f"{path.resolve()}:{st.st_size}:{st.st_mtime_ns}:{st.st_ino}".encode())
    return digest(*parts).hex()

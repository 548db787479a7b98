"""Files of dist/ by URL path, never anything outside it, and nothing that tells what is.

A path with `.`/`..` segments, a NUL or a folder outside dist/ is the same 404 as a missing
file; a folder inside dist/ asked without its slash is a 301 to the same site's folder (the
Location is root-relative with one leading slash, so `/%2Fabout` cannot point off-site).
"""

import mimetypes
from pathlib import Path

TYPES = {
    ".json": "application/json",
    ".ndjson": "application/x-ndjson",
    ".gz": "application/gzip",
    ".ics": "text/calendar; charset=utf-8",
    ".atom": "application/atom+xml",
    ".sqlite": "application/vnd.sqlite3",
    ".js": "text/javascript; charset=utf-8",
    ".md": "text/markdown; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
}


def content_type(path: Path) -> str:
    return TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"


def inside(dist: Path, relpath: str) -> Path | None:
    """dist/{relpath} resolved, or None when it is not inside dist/ or cannot be a path."""
    segments = relpath.split("/")
    if "\x00" in relpath or any(s in (".", "..") for s in segments):
        return None
    try:
        path = (dist / relpath).resolve()
    except (OSError, ValueError):
        return None
    return path if path.is_relative_to(dist) else None


def find_file(dist: Path, relpath: str) -> Path | None:
    """The file dist/{relpath} when it is one inside dist/."""
    path = inside(dist, relpath)
    try:
        return path if path is not None and path.is_file() else None
    except OSError:  # a name longer than the file system allows
        return None


def is_folder(dist: Path, relpath: str) -> bool:
    path = inside(dist, relpath)
    try:
        return path is not None and path.is_dir()
    except OSError:
        return False

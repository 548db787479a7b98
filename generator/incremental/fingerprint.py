"""Digests that decide what a build may reuse: of records, of code and of whole inputs."""

import hashlib
from collections.abc import Iterable
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent  # generator/


def files_digest(paths: Iterable[Path]) -> str:
    """Hex digest of the names and bytes of files, in sorted order."""
    h = hashlib.blake2b(digest_size=16)
    for path in sorted(paths):
        h.update(str(path).encode())
        h.update(b"\0")
        h.update(path.read_bytes())
    return h.hexdigest()


def code_fingerprint(templates_dir: Path | None = None) -> str:
    """Digest of the generator's own code and templates: a new version invalidates every cache."""
    kinds = (".py", ".js", ".json", ".css", ".html", ".md")  # .json: LL2's OpenAPI part (generator/api)
    files = [p for p in PACKAGE.rglob("*") if p.is_file() and p.suffix in kinds]
    if templates_dir is not None and templates_dir.is_dir():
        files += [p for p in templates_dir.rglob("*") if p.is_file()]
    return files_digest(files)

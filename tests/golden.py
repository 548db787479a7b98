"""The golden builds: frozen inputs whose every output file is listed, with its sha256, in
tests/data/golden/. A refactor that changes a byte of output shows up in tests/test_golden.py.

After a change of output that is meant, regenerate the lists and commit them with it:

    python -m tests.golden
"""

import hashlib
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # bench/ (the corpus generator), when run as a script

from bench.corpus import write_corpus  # noqa: E402
from generator.pipeline import build  # noqa: E402
from generator.settings import BuildSettings  # noqa: E402

GOLDEN_DIR = ROOT / "tests" / "data" / "golden"
SEED_SNAPSHOT = ROOT / "tests" / "data" / "seed-snapshot"
BASE_URL = "https://golden.test/ll2"


def _with_pages(content: Path) -> None:
    for folder in ("pages", "api"):
        shutil.copytree(ROOT / "content" / folder, content / folder)


def seed_content(content: Path) -> BuildSettings:
    """The real seed snapshot (events 1185 and 1304) with the repository's pages."""
    shutil.copytree(SEED_SNAPSHOT, content / "snapshot")
    _with_pages(content)
    return BuildSettings(content_dir=content, dist_dir=content.parent / "dist", base_url=BASE_URL)


def corpus_content(content: Path) -> BuildSettings:
    """A generated 57-event corpus (odd size: partial last pages) with requested variants."""
    write_corpus(content / "snapshot", 57, seed=3)
    _with_pages(content)
    return BuildSettings(
        content_dir=content,
        dist_dir=content.parent / "dist",
        base_url=BASE_URL,
        precompute=("/2.3.0/events/?type__ids=2,8&mode=list", "/2.2.0/event/?search=crew"),
    )


#: name -> how its content folder is made (and the options it is built with).
GOLDEN_BUILDS: dict[str, Callable[[Path], BuildSettings]] = {
    "seed": seed_content,
    "corpus57": corpus_content,
}


def tree_listing(dist: Path) -> str:
    """One line per file: sha256, size and path relative to dist/, sorted by path."""
    lines = []
    for path in sorted(p for p in dist.rglob("*") if p.is_file()):
        data = path.read_bytes()
        lines.append(f"{hashlib.sha256(data).hexdigest()} {len(data)} {path.relative_to(dist).as_posix()}")
    return "".join(line + "\n" for line in lines)


def golden_build(name: str, workdir: Path) -> str:
    """Build golden input `name` in `workdir` and return its listing."""
    settings = GOLDEN_BUILDS[name](workdir / "content")
    build(settings)
    return tree_listing(settings.dist_dir)


def golden_path(name: str) -> Path:
    return GOLDEN_DIR / f"{name}.txt"


def main() -> None:
    GOLDEN_DIR.mkdir(parents=True, exist_ok=True)
    for name in GOLDEN_BUILDS:
        with tempfile.TemporaryDirectory() as workdir:
            listing = golden_build(name, Path(workdir))
        golden_path(name).write_text(listing)
        print(f"{golden_path(name).relative_to(ROOT)}: {listing.count(chr(10))} files")


if __name__ == "__main__":
    main()

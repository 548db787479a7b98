"""The fixed corpus every answerer is run on: 241 generated events (bench/corpus.py, seed 7,
as_of 2025-06-01T00:00:00Z) with the repository's pages, built with a 90 MB budget so that
some planned families (type__ids-3, year-2024, ...) have files and others do not."""

import shutil
from pathlib import Path

from bench.corpus import write_corpus
from generator.pipeline import build
from generator.settings import BuildSettings

ROOT = Path(__file__).resolve().parents[2]
EVENTS, SEED, AS_OF = 241, 7, "2025-06-01T00:00:00Z"
MAX_BYTES = 90_000_000


def write_content(content: Path) -> Path:
    """content/ (snapshot, pages, API descriptions) of the fixed corpus."""
    write_corpus(content / "snapshot", EVENTS, seed=SEED, as_of=AS_OF)
    for folder in ("pages", "api"):
        shutil.copytree(ROOT / "content" / folder, content / folder)
    return content


def build_dist(content: Path, dist: Path) -> Path:
    """dist/ of the fixed corpus, served from the host's root."""
    build(BuildSettings(content_dir=content, dist_dir=dist, max_bytes=MAX_BYTES))
    return dist

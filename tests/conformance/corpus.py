"""The fixed corpus every answerer is run on: 241 generated events (bench/corpus.py, seed 7,
as_of 2025-06-01T00:00:00Z) and two more whose ids are 2^53 and 2^53 + 1 (which a float
cannot tell apart), with the repository's pages, built with a 90 MB budget so that some
planned families (type__ids-3, year-2024, ...) have files and others do not."""

import shutil
from pathlib import Path

import orjson

from bench.corpus import write_corpus
from generator.pipeline import build
from generator.settings import BuildSettings

ROOT = Path(__file__).resolve().parents[2]
EVENTS, SEED, AS_OF = 241, 7, "2025-06-01T00:00:00Z"
MAX_BYTES = 90_000_000
#: Ids past 2^53: JSON numbers a JavaScript number reads as the same float.
BIG_IDS = (2**53, 2**53 + 1)


def write_content(content: Path) -> Path:
    """content/ (snapshot, pages, API descriptions) of the fixed corpus."""
    write_corpus(content / "snapshot", EVENTS, seed=SEED, as_of=AS_OF)
    for path in sorted((content / "snapshot").glob("*/*.ndjson")):
        _add_big_ids(path)
    for folder in ("pages", "api"):
        shutil.copytree(ROOT / "content" / folder, content / folder)
    return content


def build_dist(content: Path, dist: Path) -> Path:
    """dist/ of the fixed corpus, served from the host's root."""
    build(BuildSettings(content_dir=content, dist_dir=dist, max_bytes=MAX_BYTES))
    return dist


def _add_big_ids(path: Path) -> None:
    """Append copies of the file's last record as events BIG_IDS (every mode alike)."""
    lines = path.read_bytes().splitlines()
    template = orjson.loads(lines[-1])
    old = template["id"]
    for n, big in enumerate(BIG_IDS):
        record = dict(template, id=big, name=f"Bignum {'AB'[n]} {template['name']}")
        record["url"] = template["url"].replace(f"/{old}/", f"/{big}/")
        if "slug" in record:
            record["slug"] = f"bignum-{'ab'[n]}-{template['slug']}"
        lines.append(orjson.dumps(record))
    path.write_bytes(b"".join(line + b"\n" for line in lines))

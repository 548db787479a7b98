"""Budget benchmark: build a generated corpus with the planner and report what it kept.

    python -m bench.budget [--events 1500] [--max-bytes 900M] [--max-files 20000] [--keep DIR]

Generates the corpus (bench/corpus.py), runs the build as the command line does, and prints
the planner's per-family report, the size of dist/ as measured on disk, the time taken and
the peak memory (ru_maxrss), so a change to the planner or the writer can be compared.
"""

import argparse
import resource
import tempfile
import time
from pathlib import Path

from bench.corpus import write_corpus
from generator.cli import main as build_main


def disk_usage(root: Path) -> tuple[int, int]:
    """Files and bytes under root (file contents, as GitHub Pages counts a site)."""
    files = [p for p in root.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--events", type=int, default=1500, help="events per version (default 1500)"
    )
    parser.add_argument("--seed", type=int, default=7, help="corpus seed (default 7)")
    parser.add_argument(
        "--max-bytes", default=None, help="passed to the build (default: its default)"
    )
    parser.add_argument(
        "--max-files", default=None, help="passed to the build (default: its default)"
    )
    parser.add_argument(
        "--keep", type=Path, default=None, help="build into this folder and keep it"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        content = Path(tmp) / "content"
        write_corpus(content / "snapshot", args.events, args.seed)
        dist = args.keep or Path(tmp) / "dist"
        argv = ["--content", str(content), "--dist", str(dist)]
        argv += ["--max-bytes", args.max_bytes] if args.max_bytes else []
        argv += ["--max-files", args.max_files] if args.max_files else []
        start = time.perf_counter()
        code = build_main(argv)
        elapsed = time.perf_counter() - start
        if code:
            raise SystemExit(code)
        files, size = disk_usage(dist)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"dist/ on disk: {files:,} files, {size:,} bytes ({size / 1e9:.3f} GB); "
            f"build {elapsed:.1f} s, peak RSS {peak:.0f} MiB"
        )


if __name__ == "__main__":
    main()

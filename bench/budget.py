"""Budget benchmark: build a generated corpus with the planner and report what it kept.

    python -m bench.budget [--events 1500] [--host github-pages] [--max-bytes SIZE]
                           [--max-files N] [--keep DIR] [--doc docs/precompute.md]

Generates the corpus (bench/corpus.py), runs the build as the command line does, and prints
the build's report (files and bytes per family; per planned family and share, the lists,
files and bytes kept and dropped), the size of dist/ as measured on disk, the browsable
pages' share of it, the time taken and the peak memory (ru_maxrss). With `--doc`, the same
text replaces the block between the markers in that Markdown file, so the figures
documented are the figures this command printed.
"""

import argparse
import contextlib
import io
import re
import resource
import tempfile
import time
from pathlib import Path

from bench.corpus import write_corpus
from generator.cli import main as build_main
from generator.settings import DEFAULT_HOST, HOSTS
from generator.site.browse import BROWSE_JS, shell_paths

BEGIN, END = "<!-- bench.budget: begin -->", "<!-- bench.budget: end -->"


def disk_usage(root: Path) -> tuple[int, int]:
    """Files and bytes under root (file contents, as GitHub Pages counts a site)."""
    files = [p for p in root.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def browsable_bytes(dist: Path) -> int:
    """Bytes of the browsable pages: the shells and their script (the engine is the client's)."""
    paths = [relpath for relpath, _ in shell_paths()] + [BROWSE_JS]
    return sum((dist / relpath).stat().st_size for relpath in paths if (dist / relpath).is_file())


def write_doc(doc: Path, command: str, text: str) -> None:
    """Replace the block between BEGIN and END in `doc` with the command and its output."""
    block = f"{BEGIN}\n```\n$ {command}\n{text.rstrip()}\n```\n{END}"
    old = doc.read_text(encoding="utf-8")
    pattern = re.compile(re.escape(BEGIN) + ".*?" + re.escape(END), re.S)
    if not pattern.search(old):
        raise SystemExit(f"Error: {doc} has no {BEGIN} ... {END} block to fill")
    doc.write_text(pattern.sub(lambda _: block, old), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=1500, help="events per version (default 1500)")
    parser.add_argument("--seed", type=int, default=7, help="corpus seed (default 7)")
    parser.add_argument("--host", choices=tuple(HOSTS), default=DEFAULT_HOST, help="passed to the build")
    parser.add_argument("--max-bytes", default=None, help="passed to the build (default: the host's)")
    parser.add_argument("--max-files", default=None, help="passed to the build (default: the host's)")
    parser.add_argument("--keep", type=Path, default=None, help="build into this folder and keep it")
    parser.add_argument(
        "--doc", type=Path, default=None, help="write the report into this Markdown file's block"
    )
    args = parser.parse_args()
    options = [f"--events {args.events}"] + ([f"--host {args.host}"] if args.host != DEFAULT_HOST else [])
    options += [f"--max-bytes {args.max_bytes}"] if args.max_bytes else []
    options += [f"--max-files {args.max_files}"] if args.max_files else []
    with tempfile.TemporaryDirectory() as tmp:
        content = Path(tmp) / "content"
        write_corpus(content / "snapshot", args.events, args.seed)
        dist = args.keep or Path(tmp) / "dist"
        argv = ["--content", str(content), "--dist", str(dist), "--host", args.host]
        argv += ["--max-bytes", args.max_bytes] if args.max_bytes else []
        argv += ["--max-files", args.max_files] if args.max_files else []
        report = io.StringIO()
        start = time.perf_counter()
        with contextlib.redirect_stdout(report):
            code = build_main(argv)
        elapsed = time.perf_counter() - start
        print(report.getvalue(), end="")
        if code:
            raise SystemExit(code)
        files, size = disk_usage(dist)
        html = browsable_bytes(dist)
        facts = (
            f"dist/ on disk: {files:,} files, {size:,} bytes ({size / 1e9:.3f} GB); browsable pages "
            f"(shells and browse.js): {html:,} bytes ({100 * html / size:.3f}% of dist/)"
        )
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(facts)
        print(f"build {elapsed:.1f} s, peak RSS {peak:.0f} MiB (timings vary with the machine's load)")
    if args.doc:
        text = report.getvalue().replace(str(dist), "dist").replace(str(content), "content")
        write_doc(args.doc, "python -m bench.budget " + " ".join(options), text + facts)


if __name__ == "__main__":
    main()

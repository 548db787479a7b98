"""Benchmark the whole build on generated corpora; write bench/results.md.

    python -m bench.run [--sizes 1500,15000] [--out bench/out]

For each corpus: files and bytes written, wall time of a full build, wall time of `cp -r` of
its output (the I/O floor, same run), their ratio, peak RSS of the build, and the wall times
of a rebuild with no change and of a rebuild after 10 events changed (in every mode).
"""

import argparse
import os
import platform
import shutil
import subprocess
import sys
import time
from pathlib import Path

import orjson


ROOT = Path(__file__).resolve().parent.parent
#: The default budget (900 MB, 20,000 files: GitHub Pages) cannot hold even the core site of
#: 15,000 events (7.5 GB, 161,000 files); larger corpora build with a budget that fits it.
BUDGETS = {15000: ["--max-bytes", "8G", "--max-files", "170000"]}


def timed(cmd: list[str]) -> tuple[float, int]:
    """Run a command; return wall seconds and the peak RSS of that process in bytes."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed: {proc.stderr.read().decode() if proc.stderr else ''}")
    return wall, usage.ru_maxrss * 1024


def tree_size(root: Path) -> tuple[int, int]:
    files = [p for p in root.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def change_events(snapshot: Path, count: int) -> None:
    """Rename `count` events (spread over the id range) in every snapshot file."""
    for path in sorted(snapshot.glob("*/*.ndjson")):
        lines = path.read_bytes().splitlines()
        step = max(len(lines) // count, 1)
        for i in range(0, step * count, step):
            record = orjson.loads(lines[i])
            record["name"] += " (changed)"
            lines[i] = orjson.dumps(record)
        path.write_bytes(b"".join(line + b"\n" for line in lines))


def bench(size: int, out: Path) -> dict[str, float | int]:
    content = out / f"corpus-{size}"
    shutil.rmtree(content, ignore_errors=True)
    # In a child process: a child's peak RSS (ru_maxrss) counts the memory of the process it
    # was started from, so this one must stay small.
    subprocess.run([sys.executable, "-m", "bench.corpus", str(content), "--events", str(size), "--seed", "7"],
                   cwd=ROOT, check=True)
    dist, copy = out / f"dist-{size}", out / f"copy-{size}"
    for path in (dist, copy, out / f".dist-{size}.cache"):
        shutil.rmtree(path, ignore_errors=True)
    build = [sys.executable, "build.py", "--content", str(content), "--dist", str(dist), *BUDGETS.get(size, [])]
    full, rss = timed(build)
    files, size_bytes = tree_size(dist)
    copy_wall, _ = timed(["cp", "-r", str(dist), str(copy)])
    unchanged, _ = timed(build)
    change_events(content / "snapshot", 10)
    changed, _ = timed(build)
    shutil.rmtree(copy, ignore_errors=True)
    return {"events": size, "files": files, "bytes": size_bytes, "full": full, "cp": copy_wall,
            "rss": rss, "unchanged": unchanged, "changed10": changed}


def report(rows: list[dict[str, float | int]], command: str) -> str:
    cpu = "unknown"
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines() if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    lines = [
        "# Build benchmark",
        "",
        f"Machine: {os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, {platform.system()}.",
        f"Command: `{command}`",
        "",
        "Budget: the default (900 MB, 20,000 files) except " + ", ".join(f"{n:,} events: `{' '.join(a)}`" for n, a in BUDGETS.items()) + ".",
        "",
        "| events per version | files | bytes | full build s | cp -r s | full / cp | peak RSS MiB | no-change s (% of full) | 10 changed s (% of full) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['events']:,} | {r['files']:,} | {r['bytes']:,} | {r['full']:.2f} | {r['cp']:.2f} | "
            f"{r['full'] / r['cp']:.2f}x | {r['rss'] / 2**20:.0f} | {r['unchanged']:.2f} ({100 * r['unchanged'] / r['full']:.1f}%) | "
            f"{r['changed10']:.2f} ({100 * r['changed10'] / r['full']:.1f}%) |"
        )
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1500,15000", help="corpus sizes, comma-separated (default 1500,15000)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out", help="scratch folder (default bench/out)")
    parser.add_argument("--results", type=Path, default=ROOT / "bench" / "results.md", help="report file")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    rows = [bench(int(size), args.out) for size in args.sizes.split(",")]
    text = report(rows, "python -m bench.run " + " ".join(sys.argv[1:]))
    args.results.write_text(text)
    print(text)


if __name__ == "__main__":
    main()

"""Benchmark the whole build on generated corpora; write bench/results.md.

    python -m bench.run [--sizes 1500,15000] [--out bench/out]

For each corpus: files and bytes written, wall time of a full build, wall time of `cp -r` of
its output (the I/O floor, same run), their ratio, peak memory of the build, and the wall times
of a rebuild with no change and of rebuilds after 10 events changed (in every mode), and the
CPU seconds of the full builds and of those rebuilds (steadier than wall times on a busy
machine). The 10-changed rebuilds run `--repeat` times in a row, each after 10 events changed
since the build before: renamed, then renamed back, then renamed again...; the table gives
their median, as it does the full builds'.

Where to run it: on a filesystem like the one the site is built on (GitHub's runners: ext4
with a journal). This machine's root filesystem is ext4 *without* a journal, where creating a
file within minutes of deleting many others is slow: ext4 then skips every recently deleted
inode, scanning inode tables under the allocator's lock (`recently_deleted` in the kernel's
profile). A `cp -r` of 0.9 GB took 0.7-1.0 s there after a quiet minute and 3-9 s right after
deleting the previous copy: that, not the disk, was the "swinging" of earlier measurements.
A journaled scratch filesystem gives steady figures (root needed):

    truncate -s 22G /tmp/bench.img && mkfs.ext4 -q -F /tmp/bench.img
    mkdir -p /mnt/bench && mount -o loop,discard /tmp/bench.img /mnt/bench
    python -m bench.run --out /mnt/bench

The builds run with Python's bytecode cache allowed (`bench.BUILD_ENV`: this machine sets
PYTHONDONTWRITEBYTECODE, and compiling every module again cost each build 0.07-0.1 s).
Every timed step starts after `sync` and is waited for, unsampled; the peak memory comes from
one more full build, sampled but not timed (each sample walks the build's page tables on the
cores it uses). Full builds and copies alternate, each right after deleting its own previous
output, `--repeat` times: the table gives medians, every run is listed, and the report names
the filesystem the runs used.
"""

import argparse
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import orjson

from bench import BUILD_ENV

ROOT = Path(__file__).resolve().parent.parent
#: The default budget (GitHub Pages: 1 GB, no file limit) cannot hold even the core site of
#: 15,000 events; larger corpora build with a budget that fits it (8 GB: what the core site
#: and browsable pages needed before the pages became shells; the room they left now holds
#: list variants, so compare a 15,000-event build's bytes and files with that in mind).
BUDGETS = {15000: ["--max-bytes", "8G", "--max-files", "170000"]}


def _tree_pss(pid: int) -> int:
    """Proportional set size of a process and its children, in bytes (0 once it is gone).
    PSS splits shared pages between the processes sharing them, so the sum is their memory."""
    total = 0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            for line in Path(f"/proc/{current}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1]) * 1024
            for task in Path(f"/proc/{current}/task").iterdir():
                pending.extend(int(c) for c in (task / "children").read_text().split())
        except (OSError, ValueError):
            continue
    return total


def timed(cmd: list[str], *, memory: bool = False) -> tuple[float, int, str]:
    """Run a command after `sync`; return wall seconds, the peak memory of the command's
    processes (with `memory`: the sum of their PSS, sampled every 50 ms; else 0) and its
    output. A sampled run's time is not a figure: each sample walks the processes' page tables
    on the cores the build uses, and the end is seen to the nearest 50 ms; an unsampled run is
    waited for, its end seen at once."""
    os.sync()
    peak = 0
    with tempfile.TemporaryFile() as output:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, env=BUILD_ENV, stdout=output, stderr=subprocess.STDOUT)
        while memory and proc.poll() is None:
            peak = max(peak, _tree_pss(proc.pid))
            time.sleep(0.05)
        proc.wait()
        wall = time.perf_counter() - start
        output.seek(0)
        text = output.read().decode()
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed: {text}")
    return wall, peak, text


def cpu_timed(cmd: list[str]) -> tuple[float, float, str]:
    """`timed`, with the CPU seconds (user + system, all its processes) in place of memory:
    on a busy machine they vary far less than wall times."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall, _, text = timed(cmd)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), text


def median(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[len(ordered) // 2]


def rewritten(report: str) -> int:
    """Files a build wrote (its report: 'N files (M unchanged)')."""
    for line in report.splitlines():
        if line.startswith("built "):
            files, unchanged = line.split("): ", 1)[1].split(" files (", 1)
            return int(files) - int(unchanged.split(" ", 1)[0])
    raise SystemExit(f"no build report in: {report}")


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


def bench(size: int, out: Path, repeat: int) -> dict[str, object]:
    content = out / f"corpus-{size}"
    shutil.rmtree(content, ignore_errors=True)
    # In a child process: a child's peak RSS (ru_maxrss) counts the memory of the process it
    # was started from, so this one must stay small.
    subprocess.run(
        [sys.executable, "-m", "bench.corpus", str(content), "--events", str(size), "--seed", "7"],
        cwd=ROOT,
        check=True,
    )
    dist, copy = out / f"dist-{size}", out / f"copy-{size}"
    for path in (dist, copy, out / f".dist-{size}.cache"):
        shutil.rmtree(path, ignore_errors=True)
    build = [
        sys.executable,
        "build.py",
        "--content",
        str(content),
        "--dist",
        str(dist),
        *BUDGETS.get(size, []),
    ]
    fulls, copies, full_cpus = [], [], []
    for _ in range(repeat):
        # Alternating, so both see the disk in the same mood; each step right after deleting
        # its own previous output (on this disk, deleting a GB slows the writes that follow).
        for path in (dist, out / f".dist-{size}.cache"):
            shutil.rmtree(path, ignore_errors=True)
        wall, cpu, _ = cpu_timed(build)
        full_cpus.append(cpu)
        fulls.append(wall)
        shutil.rmtree(copy, ignore_errors=True)
        copies.append(timed(["cp", "-r", str(dist), str(copy)])[0])
    files, size_bytes = tree_size(dist)
    for path in (dist, out / f".dist-{size}.cache"):  # one more full build, for its memory
        shutil.rmtree(path, ignore_errors=True)
    rss = timed(build, memory=True)[1]
    unchanged = timed(build)[0]
    snapshot = content / "snapshot"
    original = {path: path.read_bytes() for path in sorted(snapshot.glob("*/*.ndjson"))}
    changes: list[tuple[float, float, int]] = []
    for run in range(repeat):  # each after 10 events changed since the build before
        if run % 2 == 0:
            change_events(snapshot, 10)  # from the original: renamed
        else:
            for path, data in original.items():  # the same 10 renamed back
                path.write_bytes(data)
        wall, cpu, report = cpu_timed(build)
        changes.append((wall, cpu, rewritten(report)))
    shutil.rmtree(copy, ignore_errors=True)
    return {
        "events": size,
        "files": files,
        "bytes": size_bytes,
        "full": median(fulls),
        "fulls": fulls,
        "cp": median(copies),
        "copies": copies,
        "rss": rss,
        "unchanged": unchanged,
        "changed10": median([wall for wall, _, _ in changes]),
        "changes": [wall for wall, _, _ in changes],
        "full_cpu": median(full_cpus),
        "changed10_cpu": median([cpu for _, cpu, _ in changes]),
        "rewritten": median([files for _, _, files in changes]),
    }


def filesystem(path: Path) -> str:
    """The mount that holds `path`, as /proc/mounts describes it (device, type, options)."""
    best = ("", "unknown")
    try:
        for line in Path("/proc/mounts").read_text().splitlines():
            device, point, kind, options = line.split()[:4]
            where = str(path.resolve())
            inside = where == point or where.startswith(point.rstrip("/") + "/")
            if inside and len(point) >= len(best[0]):
                best = (point, f"{kind} on {device} at {point} ({options}){_journal(kind, device)}")
    except OSError:
        pass
    return best[1]


def _journal(kind: str, device: str) -> str:
    """ ", with a journal" or ", no journal" for ext4 (the kernel names its journal thread)."""
    task = Path("/sys/fs/ext4") / Path(device).name / "journal_task"
    if kind != "ext4" or not task.is_file():
        return ""
    return ", no journal" if task.read_text().strip() == "<none>" else ", with a journal"


def report(rows: list[dict[str, Any]], command: str, scratch: Path) -> str:
    cpu = "unknown"
    try:
        cpu = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
    except (OSError, StopIteration):
        pass
    lines = [
        "# Build benchmark",
        "",
        f"Machine: {os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, {platform.system()}.",
        f"Command: `{command}`",
        "",
        f"Scratch filesystem: {filesystem(scratch)}.",
        "",
        "Peak memory: the most the build's processes held at once (sum of their PSS, sampled every 50 ms) "
        "in one more full build, not timed: the timed runs are not sampled.",
        "",
        "Budget: the default host's (github-pages: 1 GB, no file limit) except "
        + ", ".join(f"{n:,} events: `{' '.join(a)}`" for n, a in BUDGETS.items())
        + ".",
        "",
        "| events per version | files | bytes | full build s | cp -r s | full / cp (medians) | full / cp "
        "(fastest of each) | peak memory MiB | no-change s (% of full) | 10 changed s (% of full) | "
        "files rewritten by 10 changed |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['events']:,} | {r['files']:,} | {r['bytes']:,} | {r['full']:.2f} | {r['cp']:.2f} | "
            f"{r['full'] / r['cp']:.2f}x | {min(r['fulls']) / min(r['copies']):.2f}x | "
            f"{r['rss'] / 2**20:.0f} | {r['unchanged']:.2f} ({100 * r['unchanged'] / r['full']:.1f}%) | "
            f"{r['changed10']:.2f} ({100 * r['changed10'] / r['full']:.1f}%) | {r['rewritten']:,} |"
        )
    lines += [
        "",
        "CPU seconds (user + system of the build's processes; steadier than wall times on a busy machine):",
        "",
    ]
    lines += [
        f"- {r['events']:,} events: full build {r['full_cpu']:.2f} (median), 10 changed "
        f"{r['changed10_cpu']:.2f} (median; {100 * r['changed10_cpu'] / r['full_cpu']:.1f}% of full)"
        for r in rows
    ]
    lines += ["", "Every run (seconds, in order):", ""]
    lines += [
        every_run(f"{r['events']:,} events: full builds", r["fulls"], r["copies"], r["changes"]) for r in rows
    ]
    return "\n".join(lines) + "\n"


def every_run(
    label: str, builds: list[float], copies: list[float], changes: list[float] | None = None
) -> str:
    """A report's line listing each build's and each copy's time (and each 10-changed
    rebuild's), in run order."""
    times = [f"- {label} {_listed(builds)}", f"`cp -r` {_listed(copies)}"]
    return "; ".join(times + ([f"10 changed {_listed(changes)}"] if changes is not None else []))


def _listed(seconds: list[float]) -> str:
    return ", ".join(f"{t:.2f}" for t in seconds)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--sizes", default="1500,15000", help="corpus sizes, comma-separated (default 1500,15000)"
    )
    parser.add_argument(
        "--out", type=Path, default=ROOT / "bench" / "out", help="scratch folder (default bench/out)"
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="full builds, copies and 10-changed rebuilds per corpus (default 3; medians reported)",
    )
    parser.add_argument("--results", type=Path, default=ROOT / "bench" / "results.md", help="report file")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    rows = [bench(int(size), args.out, args.repeat) for size in args.sizes.split(",")]
    text = report(rows, "python -m bench.run " + " ".join(sys.argv[1:]), args.out)
    args.results.write_text(text)
    print(text)


if __name__ == "__main__":
    main()

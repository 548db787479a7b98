"""How much of the full build's time each part of the product takes: the build of one corpus
with parts switched off, each against `cp -r` of its own output; writes bench/scope.md.

    python -m bench.scope --out /mnt/bench [--events 1500] [--repeat 3]

Scopes, each a subset of the one before:
1. everything: the product as `build.py` makes it;
2. no browsable pages: without the HTML page beside each JSON answer;
3. no human site: also without the events site (event pages, indexes, feeds, search);
4. JSON mirror only: also without the open data (dumps, CSV, SQLite, data package), leaving
   validation, the JSON mirror and its list variants.

A part is switched off by replacing its entry point with one that writes nothing, in the build's
own process (`python -m bench.scope --build SCOPE <build.py options>`); the rest of the build runs
unchanged, and the variants fill whatever budget the missing parts leave. Every scope runs through
that wrapper, so all pay the same imports. Builds and copies alternate, scope by scope, each after
deleting its own previous output and a pause (`SETTLE`), `--repeat` times; the table gives medians.
"""

import argparse
import os
import platform
import resource
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bench.run import ROOT, every_run, filesystem, median, timed, tree_size

#: Scope name -> the parts it switches off (see `_switch_off`).
SCOPES: dict[str, tuple[str, ...]] = {
    "everything": (),
    "no human site (nor browsable shells)": ("site",),
    "JSON mirror only": ("site", "open-data"),
}
#: Seconds to wait after deleting or writing a GB, before the next timed step: on a `discard`
#: mount the kernel frees the blocks in the background, which slowed a `cp -r` from 0.9 to 2.3 s.
SETTLE = 3.0


def _switch_off(parts: tuple[str, ...]) -> None:
    """Make the named parts of the build write nothing."""
    import generator.steps  # the stages are called by their names there

    nothing: Callable[..., None] = lambda *args, **kwargs: None  # noqa: E731

    if "site" in parts:  # the events are still gathered: the open data lists their slips
        generator.steps.write_site = nothing
    if "open-data" in parts:
        generator.steps.write_open_data = nothing  # type: ignore[assignment]


def _build(scope: str, argv: list[str]) -> int:
    _switch_off(SCOPES[scope])
    from generator.cli import main

    return main(argv)


def cpu_timed(cmd: list[str]) -> tuple[float, float]:
    """Wall seconds and CPU seconds (user + system, all its processes) of a command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = timed(cmd)[0]
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


@dataclass
class Runs:
    """One scope's measurements, in run order."""

    scope: str
    builds: list[float] = field(default_factory=list)
    cpus: list[float] = field(default_factory=list)
    copies: list[float] = field(default_factory=list)
    files: int = 0
    bytes: int = 0


def measure(content: Path, out: Path, repeat: int) -> list[Runs]:
    rows = [Runs(scope) for scope in SCOPES]
    for _ in range(repeat):
        for n, row in enumerate(rows):
            dist, copy = out / f"scope-{n}", out / f"scope-{n}-copy"
            for path in (dist, out / f".scope-{n}.cache", copy):
                shutil.rmtree(path, ignore_errors=True)
            os.sync()
            time.sleep(SETTLE)
            build = [
                sys.executable,
                "-m",
                "bench.scope",
                "--build",
                row.scope,
                "--content",
                str(content),
                "--dist",
                str(dist),
            ]
            wall, cpu = cpu_timed(build)
            row.builds.append(wall)
            row.cpus.append(cpu)
            time.sleep(SETTLE)
            row.copies.append(timed(["cp", "-r", str(dist), str(copy)])[0])
            row.files, row.bytes = tree_size(dist)
    for n in range(len(rows)):
        for path in (out / f"scope-{n}", out / f".scope-{n}.cache", out / f"scope-{n}-copy"):
            shutil.rmtree(path, ignore_errors=True)
    return rows


def report(rows: list[Runs], command: str, events: int, scratch: Path) -> str:
    lines = [
        "# What each part of the build costs",
        "",
        f"Machine: {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}.",
        f"Command: `{command}` ({events:,} events per version, corpus seed 7).",
        f"Scratch filesystem: {filesystem(scratch)}.",
        "",
        'Medians of every column; "fastest" divides the fastest build by the fastest copy. CPU: user',
        "and system seconds of all the build's processes (on 2 cores the build takes at least half).",
        "",
        "| scope | files | bytes | build s | build CPU s | cp -r s | build / cp | fastest / fastest | 3x cp "
        "s |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        build, copy = median(r.builds), median(r.copies)
        lines.append(
            f"| {r.scope} | {r.files:,} | {r.bytes:,} | {build:.2f} | {median(r.cpus):.2f} | {copy:.2f} | "
            f"{build / copy:.2f}x | {min(r.builds) / min(r.copies):.2f}x | {3 * copy:.2f} |"
        )
    lines += ["", "Every run (seconds, in order):", ""]
    lines += [every_run(f"{r.scope}: builds", r.builds, r.copies) for r in rows]
    return "\n".join(lines) + "\n"


def main() -> int:
    if len(sys.argv) > 2 and sys.argv[1] == "--build":
        return _build(sys.argv[2], sys.argv[3:])
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--out", type=Path, default=ROOT / "bench" / "out", help="scratch folder (default bench/out)"
    )
    parser.add_argument("--events", type=int, default=1500, help="events per version (default 1500)")
    parser.add_argument("--repeat", type=int, default=3, help="builds and copies per scope (default 3)")
    parser.add_argument("--results", type=Path, default=ROOT / "bench" / "scope.md", help="report file")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    content = args.out / f"corpus-{args.events}"
    shutil.rmtree(content, ignore_errors=True)
    subprocess.run(
        [sys.executable, "-m", "bench.corpus", str(content), "--events", str(args.events), "--seed", "7"],
        cwd=ROOT,
        check=True,
    )
    rows = measure(content, args.out, args.repeat)
    text = report(rows, "python -m bench.scope " + " ".join(sys.argv[1:]), args.events, args.out)
    args.results.write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())

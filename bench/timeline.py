"""Where a rebuild after 10 changed events spends its time, stage by stage and process by process.

    python -m bench.timeline [--events 1500] [--out /mnt/bench/timeline] [--repeat 3] [--jobs 2]

Generates the corpus (`bench.corpus`, seed 7) into OUT/corpus and a copy with `bench.run`'s
10 changed events into OUT/changed, builds OUT/corpus once with the current code (the base:
its dist/ and build cache kept aside), then `--repeat` times: puts the base back, `sync`, and
rebuilds from OUT/changed in a child process whose stages (every call of `steps.py`, and the
parts named in STAGES) are timed by wrappers. Prints each run's timeline (process, start, end,
seconds; process 1 is the build's first, later numbers its forks in order of appearance) and
the median wall time of the rebuild against the median of the full builds it made alongside.

The wrappers cost about a microsecond a call; `bench.run` stays the figure of record (it times
the plain command), this says where that time goes.
"""

import argparse
import functools
import importlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from bench import BUILD_ENV

ROOT = Path(__file__).resolve().parent.parent

#: module -> names timed in it (a class's method as Class.method), besides steps.py's own.
STAGES: dict[str, list[str]] = {
    "generator.cli": ["build", "_print_report"],
    "generator.pipeline": [
        "_build",
        "check_dist",
        "recover_swap",
        "open_snapshot",
        "BuildCache.load",
        "code_fingerprint",
        "inputs_digest",
        "pages_digest",
        "check_no_foreign_files",
    ],
    "generator.load.validate": [
        "validate_snapshot",
        "scan_file",
        "resolve",
        "index_file",
        "check_modes",
        "_cross_check",
    ],
    "generator.steps": [
        "run_steps",
        "write_and_land",
        "prepare",
        "load_basis",
        "CostReuse",
        "write_json_mirror",
        "variant_costs",
        "gather_events",
        "write_open_data",
        "write_site",
        "finish_site",
        "write_client_data",
        "choose_variants",
        "write_variants",
        "rules_for",
        "write_host_rules",
        "save_basis",
        "merge_costs",
    ],
    "generator.opendata.write": [
        "write_schemas",
        "write_record_dumps",
        "write_csv",
        "write_sqlite",
        "snapshot_changes",
        "data_package",
    ],
    "generator.site.pages": [
        "write_events",
        "write_home",
        "write_indexes",
        "write_feeds",
        "write_search",
        "write_data_page",
        "write_shells",
        "copy_assets",
        "write_plumbing",
    ],
    "generator.output.staging": [
        "StagedOutput.__enter__",
        "StagedOutput.commit",
        "StagedOutput.merge",
        "apply_journal",
        "write_journal",
    ],
    "generator.output.budget": ["DistBudget.settle", "DistBudget.count"],
    "generator.incremental.memo": ["Memo.adopt", "Memo.save"],
    "generator.incremental.cache": ["BuildCache.save"],
    "generator.mirror.manifest": ["ManifestWriter.close"],
}


def _instrument(start: float, log: list[str]) -> None:
    """Wrap every name in STAGES so that each call appends 'pid start end name' to `log`
    (written to stderr by the process that made the call, at its exit)."""

    def wrap(owner: Any, attr: str, label: str) -> None:
        original = getattr(owner, attr)

        @functools.wraps(original)
        def timed(*args: Any, **kwargs: Any) -> Any:
            begin = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                end = time.perf_counter()
                line = f"@ {os.getpid()} {begin - start:.3f} {end - start:.3f} {label}"
                print(line, file=sys.stderr, flush=True)

        setattr(owner, attr, timed)

    for module_name, names in STAGES.items():
        module = importlib.import_module(module_name)
        for name in names:
            owner: Any = module
            *classes, attr = name.split(".")
            for cls in classes:
                owner = getattr(owner, cls)
            if hasattr(owner, attr):
                wrap(owner, attr, name)


def child(argv: list[str]) -> int:
    """Run build.py's main with the stages timed (in the process `run_once` starts)."""
    start = float(os.environ["TIMELINE_START"])
    sys.path.insert(0, str(ROOT))
    _instrument(start, [])
    from generator.cli import main

    code = main(argv)
    print(f"@ {os.getpid()} {0:.3f} {time.perf_counter() - start:.3f} main", file=sys.stderr, flush=True)
    return code


def _build(content: Path, dist: Path, jobs: int) -> float:
    os.sync()
    begin = time.perf_counter()
    cmd = [sys.executable, "build.py", "--content", str(content), "--dist", str(dist), "--jobs", str(jobs)]
    subprocess.run(cmd, cwd=ROOT, env=BUILD_ENV, check=True, capture_output=True)
    return time.perf_counter() - begin


def _restore(out: Path) -> None:
    for name in ("dist", ".dist.cache"):
        shutil.rmtree(out / name, ignore_errors=True)
        shutil.copytree(out / "base" / name, out / name, symlinks=True)


def run_once(out: Path, jobs: int) -> tuple[float, list[tuple[str, float, float, str]]]:
    """One timed rebuild from OUT/changed over the base: wall seconds and the timeline."""
    _restore(out)
    os.sync()
    begin = time.perf_counter()
    env = {**BUILD_ENV, "TIMELINE_START": str(begin)}
    argv = ["--content", str(out / "changed"), "--dist", str(out / "dist"), "--jobs", str(jobs)]
    done = subprocess.run(
        [sys.executable, "-m", "bench.timeline", "--child", *argv],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - begin
    if done.returncode != 0:
        raise SystemExit(f"rebuild failed: {done.stderr[-2000:]}")
    rows = []
    for line in done.stderr.splitlines():
        if line.startswith("@ "):
            _, pid, begin_s, end_s, name = line.split(" ", 4)
            rows.append((pid, float(begin_s), float(end_s), name))
    return wall, rows


def show(rows: list[tuple[str, float, float, str]]) -> None:
    numbers: dict[str, int] = {}
    for pid, *_ in sorted(rows, key=lambda r: r[1]):
        numbers.setdefault(pid, len(numbers) + 1)
    for pid, begin, end, name in sorted(rows, key=lambda r: (r[1], -r[2])):
        print(f"  {numbers[pid]}  {begin:6.3f} - {end:6.3f}  {end - begin:6.3f}  {name}")


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        return child(sys.argv[2:])
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=1500)
    parser.add_argument("--out", type=Path, default=Path("/mnt/bench/timeline"))
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    from bench.run import change_events, median

    out: Path = args.out.resolve()
    corpus, changed = out / "corpus", out / "changed"
    if not (corpus / "snapshot").is_dir():
        shutil.rmtree(corpus, ignore_errors=True)
        cmd = [sys.executable, "-m", "bench.corpus", str(corpus), "--events", str(args.events), "--seed", "7"]
        subprocess.run(cmd, cwd=ROOT, check=True, capture_output=True)
    shutil.rmtree(changed, ignore_errors=True)
    shutil.copytree(corpus, changed)
    change_events(changed / "snapshot", 10)
    fulls = []
    for _ in range(2):
        for name in ("dist", ".dist.cache"):
            shutil.rmtree(out / name, ignore_errors=True)
        fulls.append(_build(corpus, out / "dist", args.jobs))
    shutil.rmtree(out / "base", ignore_errors=True)
    (out / "base").mkdir()
    for name in ("dist", ".dist.cache"):
        os.rename(out / name, out / "base" / name)
    walls = []
    for n in range(args.repeat):
        wall, rows = run_once(out, args.jobs)
        walls.append(wall)
        print(f"run {n + 1}: {wall:.3f} s")
        show(rows)
    full, rebuild = median(fulls), median(walls)
    print(f"full builds {', '.join(f'{f:.2f}' for f in fulls)} s")
    print(f"rebuilds {', '.join(f'{w:.2f}' for w in walls)} s")
    share = 100 * rebuild / full
    print(f"rebuild after 10 changed events: {rebuild:.2f} s, {share:.1f}% of a full build ({full:.2f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

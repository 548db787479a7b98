"""How long dist/ is two builds mixed while a patch build applies its journal.

    python -m bench.window [--events 1500] [--out DIR]

Builds a generated corpus in full (the default budget), then two incremental rebuilds: after
10 events changed in every mode (bench/run.py's rebuild), and the next day's build (`--now` a
day later, as the scheduled refresh moves it: every upcoming/previous list changes). For each
it times `apply_journal`, from its first file landed in dist/ to its last deletion: the window in
which a reader that does not check for the journal (output/settle.py) could see a mix.
Run it on a quiet machine: the figures are wall times.
"""

import argparse
import contextlib
import io
import shutil
import tempfile
import time
from pathlib import Path

from bench.corpus import write_corpus
from bench.run import change_events
from generator.cli import main as build
from generator.output import journal, staging

ROOT = Path(__file__).resolve().parent.parent


def timed_applies() -> list[tuple[int, int, float, float, float]]:
    """Patch `apply_journal` to record, for each call: files moved, files deleted, and the
    seconds of its three steps: before the first file lands (dist/ still whole: the files it
    replaces linked aside where they cannot be swapped in), landing the files and the
    deletions (dist/ mixed), removing the staging folder (dist/ whole again)."""
    runs: list[tuple[int, int, float, float, float]] = []
    real_apply, real_land, real_rmtree = journal.apply_journal, journal.land_file, shutil.rmtree

    def apply(stage: Path, final: Path) -> None:
        written = journal.read_journal(stage) or ([], [])
        marks: list[float] = []

        def land_file(source: str, target: str, swapping: bool) -> None:
            if not marks:
                marks.append(time.perf_counter())  # the first file lands: the mix begins
            real_land(source, target, swapping)

        def rmtree(path: Path, ignore_errors: bool = False) -> None:
            marks.append(time.perf_counter())  # every file is in place: the mix is over
            real_rmtree(path, ignore_errors=ignore_errors)

        journal.land_file, journal.shutil.rmtree = land_file, rmtree  # type: ignore[assignment]
        try:
            started = time.perf_counter()
            real_apply(stage, final)
            ended = time.perf_counter()
        finally:
            journal.land_file, journal.shutil.rmtree = real_land, real_rmtree  # type: ignore[assignment]
        linked, mixed = marks
        runs.append((len(written[0]), len(written[1]), linked - started, mixed - linked, ended - mixed))

    staging.apply_journal = apply  # type: ignore[assignment]
    return runs


def run(args: list[str]) -> None:
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()) as err:
        code = build(args)
    if code != 0:
        raise SystemExit(err.getvalue())


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=1500)
    parser.add_argument("--out", type=Path, default=None, help="scratch folder (default: a temp folder)")
    options = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="window-", dir=options.out))
    try:
        content = scratch / "content"
        for part in ("pages", "api"):  # the repository's pages, with a generated snapshot
            shutil.copytree(ROOT / "content" / part, content / part)
        write_corpus(content / "snapshot", options.events, seed=7)
        common = ["--content", str(content), "--dist", str(scratch / "dist")]
        run(common)
        runs = timed_applies()
        change_events(content / "snapshot", 10)
        run(common)
        run([*common, "--now", "2025-06-02T00:00:00Z"])
        for label, (moved, deleted, linking, mixed, cleanup) in zip(
            ("10 events changed", "the next day"), runs, strict=True
        ):
            print(
                f"{options.events} events, {label}: {moved:,} files moved in, {deleted:,} deleted; "
                f"dist/ mixed for {mixed * 1000:.0f} ms (before it {linking * 1000:.0f} ms: the swap "
                f"tried, or the files replaced linked aside; after it {cleanup * 1000:.0f} ms "
                "removing the staging folder)"
            )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()

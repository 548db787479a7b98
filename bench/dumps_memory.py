"""Peak memory of writing the open-data stage (dumps, schemas, changes, data package).

    python -m bench.dumps_memory --events 15000 [--events 1500 ...] [--keep]

For each size: generates the corpus once into bench/corpora/ (`python -m bench.corpus`), then
in a fresh child process validates it (as the build does) and writes only the open-data stage
into bench/out/. The child reports its resident memory before the stage, the stage's own peak
(Linux: the peak is reset before the stage via /proc/self/clear_refs, then read as VmHWM) and
the process' peak before the stage (`resource.getrusage`: imports and validation), with the
stage's time and bytes written.
"""

import argparse
import json
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT / "bench" / "corpora"
OUT = ROOT / "bench" / "out"


def _status_kib(field: str) -> int | None:
    """A `VmRSS`/`VmHWM` figure of this process in KiB (Linux), else None."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        return None
    return None


def _reset_peak() -> bool:
    """Reset this process' peak RSS (Linux >= 4.0); False where that is not possible."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def child(content: Path, dist: Path) -> dict[str, object]:
    """Validate `content`, then write the open-data stage into `dist`; measure it."""
    from generator.context import BuildContext
    from generator.load.records import RecordSource
    from generator.load.snapshot import open_snapshot
    from generator.load.validate import validate_snapshot
    from generator.opendata.write import write_open_data
    from generator.output.staging import StagedOutput
    from generator.output.tally import Tally
    from generator.settings import BuildSettings

    settings = BuildSettings(content_dir=content, dist_dir=dist)
    index = validate_snapshot(open_snapshot(settings.snapshot_dir))
    rss_before = _status_kib("VmRSS")
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    reset = _reset_peak()
    started = time.perf_counter()
    tally = Tally()
    with StagedOutput(dist) as out, RecordSource(index) as records:
        write_open_data(BuildContext(settings, index.snapshot.as_of, index, records, out), tally)
    seconds = time.perf_counter() - started
    return {
        "events_per_version": {v: len(vi.facets) for v, vi in index.versions.items()},
        "rss_before_stage_mib": None if rss_before is None else round(rss_before / 1024, 1),
        "stage_peak_rss_mib": round(_status_kib("VmHWM") / 1024, 1)
        if reset and _status_kib("VmHWM")
        else None,
        "peak_rss_before_stage_mib": round(peak_before / 1024, 1),  # imports + validation
        "stage_seconds": round(seconds, 1),
        "files": sum(tally.files.values()),
        "bytes": sum(tally.bytes.values()),
    }


def corpus(events: int) -> Path:
    """The content folder of a generated corpus of `events` events (made once)."""
    content = CORPORA / f"dumps-{events}"
    if not (content / "snapshot" / "snapshot.json").is_file():
        subprocess.run(
            [sys.executable, "-m", "bench.corpus", str(content), "--events", str(events)],
            check=True,
            cwd=ROOT,
        )
    return content


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, action="append", help="corpus size (repeatable; default 15000)")
    parser.add_argument("--keep", action="store_true", help="keep the written dumps in bench/out/")
    parser.add_argument("--child", nargs=2, type=Path, metavar=("CONTENT", "DIST"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(*args.child)))
        return
    for events in args.events or [15000]:
        content = corpus(events)
        dist = OUT / f"dumps-{events}"
        done = subprocess.run(
            [sys.executable, "-m", "bench.dumps_memory", "--child", str(content), str(dist)],
            check=True,
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        result = json.loads(done.stdout)
        print(json.dumps({"events": events} | result))
        if not args.keep:
            shutil.rmtree(dist, ignore_errors=True)


if __name__ == "__main__":
    main()

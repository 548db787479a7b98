"""How long the HTML stages take, beside the JSON mirror, on a generated corpus.

    python -m bench.site [--events 1500] [--seed 7]

Times two builds into bench/out/: JSON only, and the full build (+ human site with the
browsable pages' shells, feeds, plumbing); prints wall and CPU seconds (the machine may be shared),
files and bytes per family, and peak memory.
"""

import argparse
import resource
import time

from bench.corpus import ROOT, write_corpus
from generator.context import BuildContext
from generator.load.records import RecordSource
from generator.load.snapshot import open_snapshot
from generator.load.validate import validate_snapshot
from generator.mirror.answers import write_json_mirror
from generator.output.staging import StagedOutput
from generator.output.tally import Tally
from generator.settings import BuildSettings
from generator.site.gather import gather_events
from generator.site.pages import write_site


def cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run(settings: BuildSettings, site: bool) -> tuple[float, float, Tally]:
    """One build of the chosen stages; returns wall and CPU seconds (after validation), tally."""
    snapshot = open_snapshot(settings.snapshot_dir)
    index = validate_snapshot(snapshot)
    now = snapshot.as_of
    start, start_cpu = time.perf_counter(), cpu()
    with StagedOutput(settings.dist_dir) as out, RecordSource(index) as records:
        ctx = BuildContext(settings, now, index, records, out)
        tally = write_json_mirror(ctx)
        if site:
            write_site(ctx, tally, gather_events(ctx))
    return time.perf_counter() - start, cpu() - start_cpu, tally


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=1500, help="events per version (default 1500)")
    parser.add_argument("--seed", type=int, default=7, help="corpus seed (default 7)")
    args = parser.parse_args()
    out = ROOT / "bench" / "out" / f"site-{args.events}"
    content = out / "content"
    if not (content / "snapshot" / "snapshot.json").is_file():
        write_corpus(content / "snapshot", args.events, args.seed)
    for folder in ("pages", "api"):
        target = content / folder
        if not target.exists():
            target.symlink_to(ROOT / "content" / folder)
    settings = BuildSettings(content_dir=content, dist_dir=out / "dist")
    for label, site in (("json only", False), ("full build", True)):
        seconds, cpu_seconds, tally = run(settings, site)
        files, size = sum(tally.files.values()), sum(tally.bytes.values())
        print(
            f"{label:<18} {seconds:7.2f} s wall {cpu_seconds:7.2f} s CPU "
            f"{files:>8} files {size / 1e6:10.1f} MB"
        )
        for family in sorted(tally.files):
            print(f"    {family:<10} {tally.files[family]:>8} files {tally.bytes[family]:>14,} bytes")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory (whole run): {peak:.0f} MB")


if __name__ == "__main__":
    main()

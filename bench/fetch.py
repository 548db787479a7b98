"""Time and memory of a full fetch, then an incremental one, against the fake LL2 on loopback.

    python -m bench.fetch --events 1500

Prints requests, wall time and peak Python memory (tracemalloc) of each run. The fake server
runs in this process, so the times include serving the pages.
"""

import argparse
import shutil
import tempfile
import time
import tracemalloc
from pathlib import Path

import httpx

from bench.corpus import write_corpus
from generator.fetch import FetchSettings, run_fetch
from generator.fetch.clock import stamp
from tests.conftest import FakeClock
from tests.fake_ll2 import FakeLL2, start


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=1500, help="events per version (default 1500)")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="ll2-fetch-bench-"))
    try:
        write_corpus(work / "server", args.events, seed=7)
        fake = FakeLL2(work / "server")
        stop = start(fake)
        clock = FakeClock()
        settings = FetchSettings(
            content_dir=work / "content", api_url=fake.url, max_requests=10_000, per_hour=10_000
        )
        size = sum(len(b) for records in fake.records.values() for b in records.values())
        print(f"{args.events} events per version, {size:,} bytes of records")
        for label in ("full", "incremental (3 changed)"):
            if label.startswith("incremental"):
                clock.advance(3600)
                for event_id in sorted(fake.records["2.2.0/event.ndjson"])[:3]:
                    fake.edit(event_id, stamp(clock.now()), name="changed")
            tracemalloc.start()
            began = time.perf_counter()
            with httpx.Client() as http:
                report = run_fetch(settings, http, clock)
            took = time.perf_counter() - began
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            print(
                f"{label}: {report.requests} requests, {took:.2f} s, "
                f"peak {peak / 2**20:.1f} MiB; {report.line()}"
            )
        stop()
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

"""Refresh the snapshot in content/ from the live LL2 API, within its rate limits.

The story of one `python build.py fetch` run, one module per step:

    settings   FetchSettings: API host, token, budgets, overlap (built by the CLI)
    state      read snapshot.json: high-water marks, saved progress, the hourly request log
    plan       which walks to make: full (every version/mode, then a catch-up), incremental
               (`last_updated__gte` the high-water mark), and now and then a deletion check
    client     one page: budget, 429/Retry-After, bounded retries with backoff and jitter
    envelope   split LL2's envelope into each record's bytes exactly as received
    walk       follow `next` links, validate every record, keep them for the merge
    merge      new snapshot files: records by id, sorted; deletions; counts
    run        the whole run; writes the snapshot folder atomically at its end

Network and time are at the edges: `run_fetch` takes an `httpx.Client` and a `Clock`, so
tests use a fake LL2 server on loopback and never sleep for real.
"""

from generator.fetch.clock import Clock, SystemClock
from generator.fetch.run import FetchReport, run_fetch
from generator.fetch.settings import FetchSettings

__all__ = ["Clock", "FetchReport", "FetchSettings", "SystemClock", "run_fetch"]

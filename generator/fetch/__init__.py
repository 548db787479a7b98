"""Refresh the snapshot in content/ from the live LL2 API, within its rate limits.

The story of one `python build.py fetch` run, one module per step:

    cli        `build.py fetch`'s options -> FetchSettings, the real HTTP client and clock
    options    FetchSettings: API host, token, budgets, overlap (built by the CLI)
    state      read snapshot.json: high-water marks, saved progress, the hourly request log
    plan       which walks to make: full (every version/mode, then a catch-up), incremental
               (`last_updated__gte` the high-water mark), and now and then a deletion check
    quota      RequestQuota: requests per run and per hour (across runs)
    client     one page: budget, 429/Retry-After, bounded retries with backoff and jitter
    envelope   split LL2's envelope into each record's bytes exactly as received
    walk       follow `next` links, validate every record, keep them for the merge
    merge      new snapshot files: records by id, sorted; deletions; counts
    runner     the whole run; writes the snapshot folder atomically at its end
    backfill   `build.py backfill-history`: the schedule history from the snapshot's git history

Network and time are at the edges: `run_fetch` takes an `httpx.Client` and a `Clock`, so
tests use a fake LL2 server on loopback and never sleep for real.
"""

import importlib
from typing import Any

# Exported lazily (PEP 562): `build.py` imports the fetch command's options for every build,
# and importing httpx would add a tenth of a second to a build that finds nothing to do.
_EXPORTS = {
    "Clock": "generator.fetch.clock",
    "SystemClock": "generator.fetch.clock",
    "FetchReport": "generator.fetch.runner",
    "run_fetch": "generator.fetch.runner",
    "FetchSettings": "generator.fetch.options",
}


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["Clock", "FetchReport", "FetchSettings", "SystemClock", "run_fetch"]

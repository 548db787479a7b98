"""The times a fetch saves come from LL2's clock, never this machine's.

This machine's clock can be wrong by years (a dead RTC battery, faketime, a VM restored from
an old image). The marks the next runs ask from (`high_water`, `reconciled_at`) and the time
the site is built for (`as_of`) are taken from LL2's responses (their `Date` header), so a
wrong local clock can neither skip an edit nor move the site in time:

- a mark never moves back; one in the future by LL2's time (left by a run on a clock ahead,
  before this rule) is not believed: the run that finds it drops it, so the next run is a
  full one (what such a mark skipped cannot be known);
- a deletion listing is due by LL2's time, estimated from this machine's clock and how far
  it was from LL2's in the last run (`clock_skew`, seconds); a `reconciled_at` in the future
  by that estimate is due at once;
- a local clock more than `SKEW_WARNING` from LL2's is a warning on the run's summary line.
"""

from datetime import datetime, timedelta
from typing import Any

from generator.api.times import parse_utc
from generator.fetch.clock import stamp

SKEW = "clock_skew"
SKEW_WARNING = timedelta(minutes=5)
#: LL2's Date has whole seconds; a mark this little ahead of it is not "in the future".
SLACK = timedelta(minutes=1)


def estimated_server_now(local_now: datetime, fetch: dict[str, Any]) -> datetime:
    """LL2's time now, by this machine's clock and the skew the last run measured."""
    skew = fetch.get(SKEW)
    if isinstance(skew, int | float) and abs(skew) < 1e10:
        return local_now + timedelta(seconds=skew)
    return local_now


def reconcile_due(fetch: dict[str, Any], local_now: datetime, every: timedelta) -> bool:
    """Whether an incremental run also lists every id (LL2's time since the last listing)."""
    reconciled = fetch.get("reconciled_at")
    if not isinstance(reconciled, str):
        return True
    try:
        last = parse_utc(reconciled)
    except ValueError:
        return True
    now = estimated_server_now(local_now, fetch)
    return last > now + SLACK or now - last >= every


def advance_mark(old: str | None, candidate: datetime | None, server_now: datetime | None) -> str | None:
    """The new high-water mark: the candidate (LL2's time the walks started, less the
    overlap), never earlier than the old mark; None (no mark: the next run is a full one)
    when LL2 says the old one is in the future."""
    try:
        previous = parse_utc(old) if isinstance(old, str) else None
    except ValueError:
        return None
    if previous is not None and server_now is not None and previous > server_now + SLACK:
        return None  # stamped by a clock ahead of LL2's: what it skipped is unknown
    if candidate is None:
        return stamp(previous) if previous is not None else None
    return stamp(candidate if previous is None else max(previous, candidate))


def skew_warning(skew: float | None) -> str:
    """The summary line's warning when this machine's clock is far from LL2's, else ''."""
    if skew is None or abs(skew) <= SKEW_WARNING.total_seconds():
        return ""
    way = "ahead of" if skew < 0 else "behind"
    days = abs(skew) / 86400
    size = f"{days:.0f} days" if days >= 2 else f"{abs(skew) / 60:.0f} minutes"
    return (
        f"; warning: this machine's clock is {size} {way} LL2's (its Date header); "
        "the snapshot's times were taken from LL2's"
    )

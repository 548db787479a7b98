"""Commit message for a refreshed snapshot, from `python build.py fetch --summary-json PATH`.

python .github/scripts/commit_message.py summary.json
-> Snapshot: 3 added, 2 changed, 1 removed events (14 requests)
"""

import json
import sys


def _count(summary: dict[str, object], key: str) -> int:
    """A count from the summary; anything but a whole number is 0, so that no text the fetch
    (or a hostile upstream through it) put in the summary can reach the commit message."""
    value = summary.get(key, 0)
    return value if type(value) is int else 0


def message(summary: dict[str, object]) -> str:
    """One subject line counting the events the fetch added, changed and removed."""
    counts = ", ".join(f"{_count(summary, k)} {k}" for k in ("added", "changed", "removed"))
    moved = f", {_count(summary, 'rescheduled')} rescheduled" if _count(summary, "rescheduled") else ""
    line = f"Snapshot: {counts} events{moved} ({_count(summary, 'requests')} requests)"
    if summary.get("complete") is False:
        line += "; partial, the next run continues"
    return line


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as handle:
        print(message(json.load(handle)))

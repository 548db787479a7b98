"""Commit message for a refreshed snapshot, from `python build.py fetch --summary-json PATH`.

python .github/scripts/commit_message.py summary.json
-> Snapshot: 3 added, 2 changed, 1 removed events (14 requests)
"""

import json
import sys


def message(summary: dict[str, object]) -> str:
    """One subject line counting the events the fetch added, changed and removed."""
    counts = ", ".join(f"{summary.get(k, 0)} {k}" for k in ("added", "changed", "removed"))
    moved = f", {summary['rescheduled']} rescheduled" if summary.get("rescheduled") else ""
    line = f"Snapshot: {counts} events{moved} ({summary.get('requests', 0)} requests)"
    if summary.get("complete") is False:
        line += "; partial, the next run continues"
    return line


if __name__ == "__main__":
    with open(sys.argv[1], encoding="utf-8") as handle:
        print(message(json.load(handle)))

"""The schedule history as a build shows it: the history file advanced with the snapshot.

Each event's stored entry (content/snapshot/history.ndjson) is brought up to date with the
record the build shows, seen at the snapshot's `as_of` (a no-op after a fetch, which wrote
both): the same content always gives the same entries. From them: the event page's date
history, every calendar's SEQUENCE, changes.json's slips and the slips feed.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from generator.api.times import parse_utc
from generator.load.history import HISTORY_NAME, History, advance, date_slips, load_history, utc_text
from generator.load.snapshot import Snapshot
from generator.site.views import DateChange, EventSummary, readable_duration, when


@dataclass
class Schedule:
    stored: dict[int, History]
    seen: str  # the snapshot's as_of, as history writes times
    entries: dict[int, History] = field(default_factory=dict)  # the events of this build

    @classmethod
    def load(cls, snapshot: Snapshot) -> "Schedule":
        return cls(load_history(snapshot.root / HISTORY_NAME), str(utc_text(snapshot.as_of)))

    def see(self, summary: EventSummary) -> History:
        """The event's entry, brought up to date with its summary."""
        entry = advance(
            self.stored.get(summary.id),
            summary.id,
            utc_text(summary.date),
            summary.shown,
            self.seen,
        )
        self.entries[summary.id] = entry
        return entry

    def sequences(self) -> dict[int, int]:
        return {i: e.sequence for i, e in self.entries.items()}

    def slips(self, latest: bool = False) -> list[dict[str, Any]]:
        """Date changes of this build's events, newest first; `latest`: only the snapshot's own."""
        return date_slips(self.entries.values(), self.seen if latest else None)


def moved(seconds: int | None) -> str | None:
    """A slip for people: '2 days 3 h later', '45 min earlier' (None when a date is unknown)."""
    if seconds is None:
        return None
    if seconds == 0:
        return "same time"
    how = "later" if seconds > 0 else "earlier"
    return f"{readable_duration(timedelta(seconds=abs(seconds)))} {how}"


def date_changes(entry: History) -> list[DateChange]:
    """An entry's dates for the event page, oldest first, each with its slip from the one before."""
    shown: list[DateChange] = []
    previous: str | None = None
    for index, (date, seen) in enumerate(entry.dates):
        delta = None
        if index and previous and date:
            delta = int((parse_utc(date) - parse_utc(previous)).total_seconds())
        seen_text = f"{parse_utc(seen):%Y-%m-%d %H:%M} UTC"
        shown.append(DateChange(when(date, None), seen_text, moved(delta) if index else None))
        previous = date
    return shown

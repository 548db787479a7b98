"""The schedule's history: every date each event had, and its calendar SEQUENCE.

Kept in `content/snapshot/history.ndjson`, one line per event, sorted by id:

    {"id":1304,"sequence":1,"shown":"6f0c...","dates":[["2025-12-08T21:45:00Z","2025-12-04T17:06:15Z"],
                                                     ["2025-12-10T21:45:00Z","2028-01-01T00:00:00Z"]]}

- `dates`: each date the event had (UTC, `None` when LL2 gave none) with when it was first
  seen (the fetch's time, or the `as_of` of a commit when backfilled), oldest first;
- `shown`: a digest of what a calendar shows of the event (`shown_fields`);
- `sequence`: how many times `shown` changed; RFC 5545's SEQUENCE, which only grows.

The fetch updates it with the snapshot (same atomic swap: a failed fetch leaves it as it was);
`python build.py backfill-history` makes it once from the snapshot's git history. The build
reads it and `advance`s each entry with the snapshot it builds (a snapshot edited by hand still
gets a right SEQUENCE), so the same content always builds the same bytes.
"""

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from itertools import pairwise
from pathlib import Path
from typing import Any

import orjson

from generator.api.times import parse_utc
from generator.api.versions import VERSIONS, version_key
from generator.common import safe_url
from generator.errors import ContentError

HISTORY_NAME = "history.ndjson"

Record = dict[str, Any]


@dataclass(frozen=True)
class History:
    """One event's schedule history."""

    id: int
    dates: tuple[tuple[str | None, str], ...]  # (date, first seen), oldest first
    sequence: int = 0
    shown: str = ""

    @property
    def date(self) -> str | None:
        """The latest date known."""
        return self.dates[-1][0] if self.dates else None

    def to_json(self) -> bytes:
        return orjson.dumps(
            {"id": self.id, "sequence": self.sequence, "shown": self.shown, "dates": self.dates}
        )


def utc_text(value: datetime | None) -> str | None:
    """A time as history writes it: `YYYY-MM-DDTHH:MM:SSZ` (whole seconds, UTC)."""
    return None if value is None else value.strftime("%Y-%m-%dT%H:%M:%SZ")


def _date_of(record: Record) -> str | None:
    """The record's date as history writes it; None for one the calendar cannot hold (the
    build refuses such a record; its history line must stay readable, or no fetch could run)."""
    raw = record.get("date")
    if not raw:
        return None
    try:
        value = parse_utc(str(raw))
    except ValueError:
        return None
    return utc_text(value) if 1000 <= value.year <= 9998 else None


def first_webcast(record: Record) -> str | None:
    """The first of the event's webcasts with a safe (http(s)) URL."""
    for video in record.get("vid_urls") or ():
        url = safe_url(video.get("url")) if isinstance(video, dict) else None
        if url:
            return url
    return None


def shown_fields(record: Record) -> list[Any]:
    """What a calendar entry shows of an event: date (and its precision), end (the
    duration), name, location and URLs (its page's slug, its webcast)."""
    precision = record.get("date_precision")
    return [
        _date_of(record),
        precision.get("name") if isinstance(precision, dict) else None,
        record.get("duration"),
        record.get("name"),
        record.get("location"),
        record.get("slug"),
        first_webcast(record),
    ]


def shown_digest(record: Record) -> str:
    """A short digest of `shown_fields`: a change of it is a new SEQUENCE."""
    return hashlib.blake2b(orjson.dumps(shown_fields(record)), digest_size=8).hexdigest()


def advance(entry: History | None, event_id: int, date: str | None, shown: str, seen: str) -> History:
    """`entry` after the event was seen at `seen` with `date` and `shown` (a new entry if None)."""
    if entry is None:
        return History(event_id, ((date, seen),), 0, shown)
    if entry.shown == shown and entry.date == date:
        return entry
    dates = entry.dates if entry.date == date else (*entry.dates, (date, seen))
    return replace(entry, dates=dates, sequence=entry.sequence + (entry.shown != shown), shown=shown)


def merge(older: History, newer: History) -> History:
    """Two histories of one event (a backfill and the file it joins): every date once, in
    order of first sighting, and the larger sequence (it never goes down)."""
    dates: list[tuple[str | None, str]] = []
    for date, seen in sorted({*older.dates, *newer.dates}, key=lambda d: d[1]):
        if not dates or dates[-1][0] != date:
            dates.append((date, seen))
    return History(newer.id, tuple(dates), max(older.sequence, newer.sequence), newer.shown)


#: A calendar's SEQUENCE is an RFC 5545 INTEGER: at most 2,147,483,647.
MAX_SEQUENCE = 2**31 - 1
_MAX_ID = 2**63 - 1


def _entry(row: object) -> History:
    """One line's entry; ValueError saying what is wrong with it."""
    if not isinstance(row, dict):
        raise ValueError("not a JSON object")
    event_id, sequence, shown, dates = row.get("id"), row.get("sequence"), row.get("shown"), row.get("dates")
    if type(event_id) is not int or not 1 <= event_id <= _MAX_ID:
        raise ValueError(f"id {_shown(event_id)} is not an event id (1 to 2^63-1)")
    if type(sequence) is not int or not 0 <= sequence <= MAX_SEQUENCE:
        raise ValueError(f"sequence {_shown(sequence)} is not a calendar SEQUENCE (0 to {MAX_SEQUENCE:,})")
    if not isinstance(shown, str) or not isinstance(dates, list):
        raise ValueError("no 'shown' text or no 'dates' list")
    pairs: list[tuple[str | None, str]] = []
    for pair in dates:
        if not isinstance(pair, list) or len(pair) != 2:
            raise ValueError(f"{_shown(pair)} is not a [date, first seen] pair")
        date, seen = pair
        for stamp in (seen,) if date is None else (date, seen):
            _check_time(stamp)
        pairs.append((date, seen))
    return History(event_id, tuple(pairs), sequence, shown)


def _check_time(stamp: object) -> None:
    """A time as records hold them: ISO 8601 with zone, years 1000 to 9998; else ValueError."""
    try:
        if isinstance(stamp, str) and 1000 <= parse_utc(stamp).year <= 9998:
            return
    except ValueError:
        pass
    raise ValueError(f"{_shown(stamp)} is not a time with zone in the years 1000 to 9998")


def _shown(value: object) -> str:
    """A value for a message, cut short when it is hundreds of characters long."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def parse_history(data: bytes, label: str) -> dict[int, History]:
    """The entries of a history file's bytes; ContentError naming the line when broken."""
    entries: dict[int, History] = {}
    for number, line in enumerate(data.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            entry = _entry(orjson.loads(line))
        except orjson.JSONDecodeError as exc:
            reason = f"not JSON ({exc})"
        except ValueError as exc:
            reason = str(exc)
        else:
            entries[entry.id] = entry
            continue
        raise ContentError(
            f"{label}:{number}: not a history entry (id, sequence, shown, dates): {reason}; "
            "restore the file from git or run python build.py backfill-history"
        )
    return entries


def load_history(path: Path) -> dict[int, History]:
    """The history file's entries (none when the file does not exist)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return {}
    return parse_history(data, str(path))


def render_history(entries: Mapping[int, History]) -> bytes:
    """The file's bytes: one entry per line, by id."""
    return b"".join(entries[i].to_json() + b"\n" for i in sorted(entries))


def shown_files() -> list[str]:
    """Snapshot files whose record of an event the site shows, preferred first: the newest
    version's detail mode (as the site's event pages)."""
    newest = sorted(VERSIONS.values(), key=lambda v: version_key(v.version), reverse=True)
    return [f"{v.version}/{v.snapshot_name(v.default_detail_mode)}" for v in newest]


def shown_records(files: Mapping[str, Mapping[int, bytes]]) -> dict[int, bytes]:
    """Per event id, the bytes of the record the site shows, from the snapshot's files."""
    chosen: dict[int, bytes] = {}
    for name in reversed(shown_files()):  # preferred last: it overwrites
        chosen.update(files.get(name) or {})
    return chosen


@dataclass
class Observer:
    """Feeds successive snapshots into a history; only records whose bytes changed are read."""

    entries: dict[int, History]
    previous: dict[int, bytes] = field(default_factory=dict)
    changed: int = 0  # date changes seen

    def observe(self, records: Mapping[int, bytes], seen: str) -> None:
        """The snapshot `records` (id -> shown record bytes) seen at `seen`."""
        for event_id, data in records.items():
            entry = self.entries.get(event_id)
            if entry is not None and self.previous.get(event_id) == data:
                continue
            record = orjson.loads(data)
            new = advance(entry, event_id, _date_of(record), shown_digest(record), seen)
            if entry is not None and new.date != entry.date:
                self.changed += 1
            self.entries[event_id] = new
        self.previous = dict(records)


def date_slips(entries: Iterable[History], since: str | None = None) -> list[dict[str, Any]]:
    """Every date change, newest first (then by id): id, old, new, seen, delta in seconds
    (None when either date is unknown). `since`: only those seen at or after it."""
    found = []
    for entry in entries:
        for (old, _), (new, seen) in pairwise(entry.dates):
            if since is not None and seen < since:
                continue
            delta = None
            if old and new:
                delta = int((parse_utc(new) - parse_utc(old)).total_seconds())
            found.append(
                {
                    "id": entry.id,
                    "old": old,
                    "new": new,
                    "seen": seen,
                    "delta": None if delta is None else iso_duration(delta),
                    "delta_seconds": delta,
                }
            )
    return sorted(found, key=lambda s: (s["seen"], -s["id"]), reverse=True)


def iso_duration(seconds: int) -> str:
    """A signed ISO 8601 duration: 172800 -> "P2D", -5400 -> "-PT1H30M", 0 -> "PT0S"."""
    sign, left = ("-" if seconds < 0 else ""), abs(seconds)
    days, left = divmod(left, 86400)
    hours, left = divmod(left, 3600)
    minutes, secs = divmod(left, 60)
    clock = "".join(f"{n}{u}" for n, u in ((hours, "H"), (minutes, "M"), (secs, "S")) if n)
    text = (f"{days}D" if days else "") + (f"T{clock}" if clock else "")
    return f"{sign}P{text or 'T0S'}"

"""The SQLite dump: one database per version that `sqlite3` and Datasette open as is.

Tables: `events` (one row per event; dates as UTC text that sorts as time does, plus the UTC
`year`/`month`/`day` that LL2's filters use), the objects events link to (`event_types`,
`agencies`, `programs`, `launches`, `expeditions`, `spacestations`, `astronauts`), one link
table per relation (`event_agencies`, ...), `event_videos`, and `events_fts`, an FTS5 index of
name and description. Foreign keys are declared and checked while writing; the filter columns
are indexed. Rows go in BATCH events at a time, table by table, so memory does not grow with
the snapshot.
A related object seen in several events keeps the fields of its first (lowest event id) one.
"""

import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from generator.incremental.memo import Memo
from generator.load.validate import VersionIndex
from generator.opendata.dumps import DUMPS_DIR, Dump, iter_flat, table_mode, table_stem
from generator.opendata.rows import FlatEvent
from generator.output.staging import StagedOutput

SCHEMA = """
CREATE TABLE metadata (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE event_types (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    slug TEXT NOT NULL,
    type_id INTEGER NOT NULL REFERENCES event_types(id),
    date TEXT,
    year INTEGER,
    month INTEGER,
    day INTEGER,
    date_precision TEXT,
    last_updated TEXT,
    location TEXT,
    webcast_live INTEGER,
    duration TEXT,
    description TEXT,
    image_url TEXT,
    url TEXT NOT NULL
);
CREATE TABLE agencies (id INTEGER PRIMARY KEY, name TEXT NOT NULL, abbrev TEXT, type TEXT, url TEXT);
CREATE TABLE programs (id INTEGER PRIMARY KEY, name TEXT NOT NULL, type TEXT, url TEXT);
CREATE TABLE launches (id TEXT PRIMARY KEY, name TEXT NOT NULL, slug TEXT, net TEXT, status TEXT, url TEXT);
CREATE TABLE spacestations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, status TEXT, url TEXT);
CREATE TABLE expeditions (
    id INTEGER PRIMARY KEY, name TEXT NOT NULL, start TEXT, "end" TEXT,
    spacestation_id INTEGER REFERENCES spacestations(id), url TEXT
);
CREATE TABLE astronauts (id INTEGER PRIMARY KEY, name TEXT NOT NULL, status TEXT, url TEXT);
CREATE TABLE event_videos (
    event_id INTEGER NOT NULL REFERENCES events(id), position INTEGER NOT NULL,
    url TEXT NOT NULL, title TEXT, publisher TEXT, source TEXT, priority INTEGER,
    PRIMARY KEY (event_id, position)
);
"""
#: (link table, related table, related key type): one row per event and related object.
LINKS = (
    ("event_agencies", "agencies", "agency_id", "INTEGER"),
    ("event_programs", "programs", "program_id", "INTEGER"),
    ("event_launches", "launches", "launch_id", "TEXT"),
    ("event_expeditions", "expeditions", "expedition_id", "INTEGER"),
    ("event_spacestations", "spacestations", "spacestation_id", "INTEGER"),
    ("event_astronauts", "astronauts", "astronaut_id", "INTEGER"),
)
INDEXES = """
CREATE INDEX events_date ON events(date);
CREATE INDEX events_last_updated ON events(last_updated);
CREATE INDEX events_type_id ON events(type_id);
CREATE INDEX events_slug ON events(slug);
CREATE INDEX events_year_month_day ON events(year, month, day);
CREATE INDEX event_videos_url ON event_videos(url);
"""
# `content=[events]` is the spelling Datasette looks for to offer search on the events table.
FTS = """
CREATE VIRTUAL TABLE events_fts USING fts5(name, description, content=[events], content_rowid=id);
INSERT INTO events_fts(events_fts) VALUES ('rebuild');
"""


def _link_schema() -> str:
    parts = []
    for link, related, key, key_type in LINKS:
        parts.append(
            f"CREATE TABLE {link} (event_id INTEGER NOT NULL REFERENCES events(id), "
            f"{key} {key_type} NOT NULL REFERENCES {related}(id), position INTEGER NOT NULL, "
            f"PRIMARY KEY (event_id, {key}));\n"
            f"CREATE INDEX {link}_{key} ON {link}({key});\n"
        )
    return "".join(parts)


#: Events whose rows go in together, table by table: a few hundred SQL calls per build
#: instead of a dozen per event, and only one batch's rows in memory.
BATCH = 500


def _event_row(row: dict[str, Any]) -> tuple[Any, ...]:
    """The `events` columns of one flat row (the date also as UTC year, month and day)."""
    date = row["date"]
    return (
        row["id"],
        row["name"],
        row["slug"],
        row["type_id"],
        date,
        int(date[0:4]) if date else None,
        int(date[5:7]) if date else None,
        int(date[8:10]) if date else None,
        row["date_precision"],
        row["last_updated"],
        row["location"],
        None if row["webcast_live"] is None else int(row["webcast_live"]),
        row["duration"],
        row["description"],
        row["image_url"],
        row["url"],
    )


def _first_of_each(rows: Iterable[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
    """Rows of related objects, the first one of each id (column 0) only: what `INSERT OR
    IGNORE` would keep, without sending SQLite the thousands of repeats."""
    first: dict[Any, tuple[Any, ...]] = {}
    for row in rows:
        first.setdefault(row[0], row)
    return list(first.values())


def _insert_batch(db: sqlite3.Connection, batch: list[FlatEvent]) -> None:
    """A batch of events (in id order) and everything they link to, one table at a time:
    related objects first, then the events, then the rows that point at both (the foreign
    keys are checked on each insert). Within a table rows go in event by event, so `OR
    IGNORE` keeps each object's first (lowest event id) fields, as one event at a time would."""

    def related(sql: str, rows: Iterable[tuple[Any, ...]]) -> None:
        db.executemany(f"INSERT OR IGNORE INTO {sql}", _first_of_each(rows))

    related("event_types VALUES (?, ?)", ((f.row["type_id"], f.row["type_name"]) for f in batch))
    related("agencies VALUES (?,?,?,?,?)", (a for f in batch for a in f.agencies))
    related("programs VALUES (?,?,?,?)", (p for f in batch for p in f.programs))
    related("launches VALUES (?,?,?,?,?,?)", (x for f in batch for x in f.launches))
    related(
        "spacestations VALUES (?,?,?,?)",
        (s for f in batch for s in f.spacestations + [x[4] for x in f.expeditions if x[4] is not None]),
    )
    related(
        "expeditions VALUES (?,?,?,?,?,?)",
        ((x[0], x[1], x[2], x[3], x[4][0] if x[4] else None, x[5]) for f in batch for x in f.expeditions),
    )
    related("astronauts VALUES (?,?,?,?)", (x for f in batch for x in f.astronauts))
    db.executemany(
        "INSERT INTO events VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", [_event_row(f.row) for f in batch]
    )
    for link, objects, _key, _type in LINKS:
        # OR IGNORE: an event that lists one object twice gets one link, at its first position.
        db.executemany(
            f"INSERT OR IGNORE INTO {link} VALUES (?,?,?)",
            [(f.row["id"], item[0], n) for f in batch for n, item in enumerate(getattr(f, objects))],
        )
    db.executemany(
        "INSERT INTO event_videos VALUES (?,?,?,?,?,?,?)",
        [(f.row["id"], n, *video) for f in batch for n, video in enumerate(f.videos)],
    )


def write_database(path: Path, events: Iterable[FlatEvent], metadata: dict[str, str]) -> None:
    """Create the database at `path` from flat events (in id order)."""
    db = sqlite3.connect(path, isolation_level=None)
    try:
        # A fresh file in the staging folder: no journal needed, a failed build discards it.
        db.execute("PRAGMA journal_mode = OFF")
        db.execute("PRAGMA synchronous = OFF")
        db.execute("PRAGMA foreign_keys = ON")
        db.executescript(SCHEMA + _link_schema())
        db.execute("BEGIN")
        db.executemany("INSERT INTO metadata VALUES (?, ?)", sorted(metadata.items()))
        batch: list[FlatEvent] = []
        for flat in events:
            batch.append(flat)
            if len(batch) == BATCH:
                _insert_batch(db, batch)
                batch.clear()
        _insert_batch(db, batch)
        db.execute("COMMIT")
        # Indexes after the rows: one sort each instead of an update per insert.
        db.executescript(INDEXES + FTS)
    finally:
        db.close()


def write_sqlite(
    vindex: VersionIndex, out: StagedOutput, metadata: dict[str, str], memo: Memo | None = None
) -> Dump:
    """The SQLite dump of one version."""
    version = vindex.spec.version
    dump = Dump(f"{DUMPS_DIR}/{version}/{table_stem(vindex)}.sqlite", version, table_mode(vindex), "sqlite")
    with out.to_path(dump.relpath) as path:
        write_database(path, iter_flat(vindex, memo), {"api_version": version, **metadata})
    return dump

"""The SQLite dump: one database per version that `sqlite3` and Datasette open as is.

Tables: `events` (one row per event; dates as UTC text that sorts as time does, plus the UTC
`year`/`month`/`day` that LL2's filters use), the objects events link to (`event_types`,
`agencies`, `programs`, `launches`, `expeditions`, `spacestations`, `astronauts`), one link
table per relation (`event_agencies`, ...), `event_videos`, and `events_fts`, an FTS5 index of
name and description. Foreign keys are declared and checked while writing; the filter columns
are indexed. The flat rows of every event are kept in tables of the build memo's database
(a temporary one without a memo), and the dump is filled from them by SQL alone, table by
table, so memory does not grow with the snapshot and a rebuild flattens only the changed events.
A related object seen in several events keeps the fields of its first (lowest event id) one.
"""

import sqlite3
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
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


#: The flat rows the dump is filled from, in tables of their own (in the build memo's
#: database, which the dump attaches as `m`, or a temporary one): one row per event, one per
#: related object, link and video. `{m}` is the schema's prefix.
ROWS = """
CREATE TABLE IF NOT EXISTS {m}rows_sqlite_events (
    key TEXT PRIMARY KEY, type_name, id, name, slug, type_id, date, year, month, day,
    date_precision, last_updated, location, webcast_live, duration, description, image_url, url
);
CREATE TABLE IF NOT EXISTS {m}rows_sqlite_items (
    key TEXT, kind TEXT, position INTEGER, c0, c1, c2, c3, c4, c5, PRIMARY KEY (key, kind, position)
)
"""
#: The `events` table's columns as the rows table holds them.
EVENT_COLUMNS = (
    "id, name, slug, type_id, date, year, month, day, date_precision, last_updated, location, "
    "webcast_live, duration, description, image_url, url"
)
#: Events whose rows are stored at a time.
BATCH = 500


def _event_row(key: str, row: dict[str, Any]) -> tuple[Any, ...]:
    """One event's row of `rows_sqlite_events` (the date also as UTC year, month and day)."""
    date = row["date"]
    return (
        key,
        row["type_name"],
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


def _item_rows(key: str, flat: FlatEvent) -> Iterator[tuple[Any, ...]]:
    """One event's rows of `rows_sqlite_items`: each related object in the record's order,
    under its kind, padded to six values; `station_rows` are the `spacestations` rows the
    event brings (its stations, then its expeditions' stations)."""
    expeditions = [(x[0], x[1], x[2], x[3], x[4][0] if x[4] else None, x[5]) for x in flat.expeditions]
    kinds: dict[str, list[tuple[Any, ...]]] = {
        "agencies": flat.agencies,
        "programs": flat.programs,
        "launches": flat.launches,
        "expeditions": expeditions,
        "spacestations": flat.spacestations,
        "station_rows": flat.spacestations + [x[4] for x in flat.expeditions if x[4] is not None],
        "astronauts": flat.astronauts,
        "videos": flat.videos,
    }
    for kind, items in kinds.items():
        for n, item in enumerate(items):
            yield (key, kind, n, *item, *(None,) * (6 - len(item)))


def _store(
    insert: Callable[[str, list[tuple[Any, ...]]], None], keyed: Iterable[tuple[str, FlatEvent]]
) -> None:
    """Store events' flat rows, BATCH events at a time, through `insert(table, rows)`."""
    events: list[tuple[Any, ...]] = []
    items: list[tuple[Any, ...]] = []
    for key, flat in keyed:
        events.append(_event_row(key, flat.row))
        items.extend(_item_rows(key, flat))
        if len(events) == BATCH:
            insert("rows_sqlite_events", events)
            insert("rows_sqlite_items", items)
            events, items = [], []
    insert("rows_sqlite_events", events)
    insert("rows_sqlite_items", items)


def _fill(db: sqlite3.Connection, keys: list[str]) -> None:
    """Fill the dump from the rows of `keys` (in id order) in the attached `m`, in SQLite
    alone: related objects first, then the events, then the rows that point at both (the
    foreign keys are checked on each insert). Rows go in by event, then the record's order,
    so `OR IGNORE` keeps each object's first (lowest event id) fields and an event listing
    one object twice links it once, at its first position."""
    db.execute("CREATE TEMP TABLE wanted (pos INTEGER PRIMARY KEY, key TEXT NOT NULL)")
    db.executemany("INSERT INTO temp.wanted VALUES (?, ?)", enumerate(keys))
    events = "FROM temp.wanted w JOIN m.rows_sqlite_events e ON e.key = w.key"

    def items(kind: str) -> str:
        return f"JOIN m.rows_sqlite_items i ON i.key = w.key AND i.kind = '{kind}'"

    db.execute("BEGIN")
    db.execute(f"INSERT OR IGNORE INTO event_types SELECT e.type_id, e.type_name {events} ORDER BY w.pos")
    for table, kind, width in RELATED_TABLES:
        values = ", ".join(f"i.c{n}" for n in range(width))
        db.execute(
            f"INSERT OR IGNORE INTO {table} SELECT {values} FROM temp.wanted w {items(kind)} "
            "ORDER BY w.pos, i.position"
        )
    db.execute(f"INSERT INTO events SELECT {EVENT_COLUMNS} {events} ORDER BY w.pos")
    for link, related, _key, _type in LINKS:
        db.execute(
            f"INSERT OR IGNORE INTO {link} SELECT e.id, i.c0, i.position {events} {items(related)} "
            "ORDER BY w.pos, i.position"
        )
    db.execute(
        "INSERT INTO event_videos SELECT e.id, i.position, i.c0, i.c1, i.c2, i.c3, i.c4 "
        f"{events} {items('videos')} ORDER BY w.pos, i.position"
    )
    db.execute("COMMIT")
    db.execute("DROP TABLE temp.wanted")
    db.execute("DETACH DATABASE m")
    # Indexes after the rows: one sort each instead of an update per insert.
    db.executescript(INDEXES + FTS)


#: (table, kind of item rows, columns): the related objects, in the order they go in.
RELATED_TABLES = (
    ("agencies", "agencies", 5),
    ("programs", "programs", 4),
    ("launches", "launches", 6),
    ("spacestations", "station_rows", 4),
    ("expeditions", "expeditions", 6),
    ("astronauts", "astronauts", 4),
)


@contextmanager
def _database(path: Path, metadata: dict[str, str]) -> Iterator[sqlite3.Connection]:
    """A new dump at `path`: its tables created and its metadata in."""
    db = sqlite3.connect(path, isolation_level=None)
    try:
        # A fresh file in the staging folder: no journal needed, a failed build discards it.
        db.execute("PRAGMA journal_mode = OFF")
        db.execute("PRAGMA synchronous = OFF")
        db.execute("PRAGMA foreign_keys = ON")
        db.executescript(SCHEMA + _link_schema())
        db.executemany("INSERT INTO metadata VALUES (?, ?)", sorted(metadata.items()))
        yield db
    finally:
        db.close()


def write_database(path: Path, events: Iterable[FlatEvent], metadata: dict[str, str]) -> None:
    """Create the database at `path` from flat events (in id order), their rows stored in a
    temporary database first (on disk: memory does not grow with the events)."""
    with _database(path, metadata) as db:
        db.execute("ATTACH DATABASE '' AS m")
        db.executescript(ROWS.format(m="m."))
        keys: list[str] = []

        def numbered() -> Iterator[tuple[str, FlatEvent]]:
            for flat in events:
                keys.append(str(len(keys)))
                yield keys[-1], flat

        db.execute("BEGIN")
        _store(lambda table, rows: _insert(db, f"m.{table}", rows), numbered())
        db.execute("COMMIT")
        _fill(db, keys)


def _insert(db: sqlite3.Connection, table: str, rows: list[tuple[Any, ...]]) -> None:
    if rows:
        db.executemany(f"INSERT INTO {table} VALUES ({','.join('?' * len(rows[0]))})", rows)


def write_sqlite(
    vindex: VersionIndex, out: StagedOutput, metadata: dict[str, str], memo: Memo | None = None
) -> Dump:
    """The SQLite dump of one version, filled from flat rows kept in the build memo's
    database: a rebuild flattens and stores only the changed events' rows."""
    version = vindex.spec.version
    dump = Dump(f"{DUMPS_DIR}/{version}/{table_stem(vindex)}.sqlite", version, table_mode(vindex), "sqlite")
    metadata = {"api_version": version, **metadata}
    memo = memo or Memo(None)
    spans = list(vindex.files[table_mode(vindex)].spans.values())
    missing = memo.table_keys("rows_sqlite_events", ROWS.format(m=""), [span.digest for span in spans])
    source = None
    if missing is not None:
        chosen = [spans[i] for i in missing]
        _store(
            memo.store_rows,
            zip((s.digest.hex() for s in chosen), iter_flat(vindex, memo, chosen), strict=True),
        )
        source = memo.shared()
    with out.to_path(dump.relpath) as path:
        if source is None:  # no memo on disk: the rows go through a temporary database
            write_database(path, iter_flat(vindex, memo), metadata)
        else:
            with _database(path, metadata) as db:
                db.execute("ATTACH DATABASE ? AS m", (str(source),))
                _fill(db, [span.digest.hex() for span in spans])
    return dump

"""The SQLite dump answers LL2's list filters with the same events as the reference engine."""

import sqlite3
from pathlib import Path

import orjson
import pytest

from generator.api.engine import select
from generator.api.query import parse_request
from generator.api.times import parse_utc
from generator.load.snapshot import open_snapshot
from generator.load.validate import validate_snapshot
from generator.opendata.rows import FlatEvent

NOW = "2025-06-01T00:00:00Z"  # the corpus' as_of: the build's "now"
DATE = "ORDER BY date NULLS LAST, id"
DATE_DESC = "ORDER BY date DESC NULLS FIRST, id"

#: LL2 request -> the SQL a user would write against the dump (WHERE ..., ORDER BY ...).
QUERIES = [
    ("/2.3.0/events/", "1", DATE),
    ("/2.3.0/events/?type=2", "type_id = 2", DATE),
    ("/2.3.0/events/?type__ids=3,1", "type_id IN (1, 3)", DATE),
    (
        "/2.3.0/events/?agency__ids=44,121",
        "id IN (SELECT event_id FROM event_agencies WHERE agency_id IN (44, 121))",
        DATE,
    ),
    ("/2.3.0/events/?program=17", "id IN (SELECT event_id FROM event_programs WHERE program_id = 17)", DATE),
    (
        "/2.3.0/events/?program=17&program=5",
        "id IN (SELECT event_id FROM event_programs WHERE program_id IN (5, 17))",
        DATE,
    ),
    ("/2.3.0/events/?year=2020", "year = 2020", DATE),
    ("/2.3.0/events/?year=2021,2022&month=3,4,5", "year IN (2021, 2022) AND month IN (3, 4, 5)", DATE),
    ("/2.3.0/events/?day=1,15", "day IN (1, 15)", DATE),
    ("/2.3.0/events/?search=Dragon", "name LIKE '%dragon%'", DATE),
    ("/2.3.0/events/?search=docking,soyuz", "name LIKE '%docking%' AND name LIKE '%soyuz%'", DATE),
    (
        "/2.3.0/events/?date__gte=2020-01-01T00:00:00Z&date__lt=2021-06-01T00:00:00Z",
        "date >= '2020-01-01T00:00:00Z' AND date < '2021-06-01T00:00:00Z'",
        DATE,
    ),
    ("/2.3.0/events/?date__gt__lt=2019-01-01", "date < '2019-01-01T00:00:00Z'", DATE),
    (
        "/2.3.0/events/?last_updated__gte=2024-01-01T00:00:00Z&ordering=-last_updated",
        "last_updated >= '2024-01-01T00:00:00Z'",
        "ORDER BY last_updated DESC NULLS FIRST, id",
    ),
    ("/2.3.0/events/?ordering=-date", "1", DATE_DESC),
    ("/2.3.0/events/upcoming/", f"date >= datetime('{NOW}', '-1 day')", DATE),
    ("/2.3.0/events/upcoming/?hide_recent_previous=true", f"date >= '{NOW}'", DATE),
    ("/2.3.0/events/previous/?type=1", f"date < '{NOW}' AND type_id = 1", DATE_DESC),
    (
        "/2.3.0/events/previous/?agency__ids=27&year=2024",
        f"date < '{NOW}' AND year = 2024 "
        "AND id IN (SELECT event_id FROM event_agencies WHERE agency_id = 27)",
        DATE_DESC,
    ),
    (
        "/2.2.0/event/?type__ids=1,2&agency__ids=63",
        "type_id IN (1, 2) AND id IN (SELECT event_id FROM event_agencies WHERE agency_id = 63)",
        DATE,
    ),
    (
        "/2.2.0/event/previous/?program=8",
        f"date < '{NOW}' AND id IN (SELECT event_id FROM event_programs WHERE program_id = 8)",
        DATE_DESC,
    ),
]


def _sql_time(where: str) -> str:
    # SQLite's datetime() gives 'YYYY-MM-DD HH:MM:SS'; the dump stores ISO 8601 with T and Z.
    return where.replace("datetime(", "strftime('%Y-%m-%dT%H:%M:%SZ', ")


@pytest.fixture(scope="module")
def facets(dumps_dist):
    content, _ = dumps_dist
    index = validate_snapshot(open_snapshot(content / "snapshot"))
    return {v: vi.facets for v, vi in index.versions.items()}


@pytest.mark.parametrize(("url", "where", "order"), QUERIES, ids=[q[0] for q in QUERIES])
def test_sqlite_answers_a_filter_with_the_engines_ids(dumps_dist, facets, url, where, order) -> None:
    _, dist = dumps_dist
    query = parse_request(url)
    expected = select(facets[query.version].values(), query, parse_utc(NOW))
    assert expected, "the corpus should have events for every query in the table"
    name = "events" if query.version == "2.3.0" else "event"
    with sqlite3.connect(dist / "dumps" / query.version / f"{name}.sqlite") as db:
        got = [row[0] for row in db.execute(f"SELECT id FROM events WHERE {_sql_time(where)} {order}")]
    assert got == expected


def test_sqlite_holds_every_event_with_its_links_and_valid_foreign_keys(dumps_dist) -> None:
    content, dist = dumps_dist
    records = [
        orjson.loads(x) for x in (content / "snapshot/2.3.0/events.detailed.ndjson").read_bytes().splitlines()
    ]
    with sqlite3.connect(dist / "dumps/2.3.0/events.sqlite") as db:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
        assert db.execute("SELECT count(*) FROM events").fetchone()[0] == len(records)
        record = records[7]
        agencies = [
            r[0]
            for r in db.execute(
                "SELECT agency_id FROM event_agencies WHERE event_id = ? ORDER BY position", (record["id"],)
            )
        ]
        assert agencies == [a["id"] for a in record["agencies"]]
        launches = db.execute(
            "SELECT l.id, l.name FROM event_launches JOIN launches l ON l.id = launch_id WHERE event_id = ?",
            (record["id"],),
        ).fetchall()
        assert launches == [(x["id"], x["name"]) for x in record["launches"]]
        videos = [
            r[0]
            for r in db.execute(
                "SELECT url FROM event_videos WHERE event_id = ? ORDER BY position", (record["id"],)
            )
        ]
        assert videos == [v["url"] for v in record["vid_urls"]]
        indexed = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
        assert {"events_date", "events_type_id", "events_last_updated", "event_agencies_agency_id"} <= indexed


def test_full_text_search_finds_words_of_names_and_descriptions(dumps_dist) -> None:
    content, dist = dumps_dist
    records = [
        orjson.loads(x) for x in (content / "snapshot/2.3.0/events.detailed.ndjson").read_bytes().splitlines()
    ]
    word = records[0]["description"].split()[0].strip(".").lower()
    expected = sorted(
        r["id"]
        for r in records
        if word in r["description"].lower().replace(".", " ").split() or word in r["name"].lower().split()
    )
    with sqlite3.connect(dist / "dumps/2.3.0/events.sqlite") as db:
        got = sorted(
            r[0] for r in db.execute("SELECT rowid FROM events_fts WHERE events_fts MATCH ?", (word,))
        )
        # Datasette offers search on a table when an FTS table names it as its content.
        fts_sql = db.execute("SELECT sql FROM sqlite_master WHERE name = 'events_fts'").fetchone()[0]
    assert got == expected and got
    assert "content=[events]" in fts_sql


def test_sqlite_dump_opens_read_only_as_a_plain_file(dumps_dist, tmp_path: Path) -> None:
    _, dist = dumps_dist
    copy = tmp_path / "copy.sqlite"
    copy.write_bytes((dist / "dumps/2.2.0/event.sqlite").read_bytes())
    assert not list(dist.rglob("*.sqlite-journal")) and not list(dist.rglob("*.sqlite-wal"))
    with sqlite3.connect(f"file:{copy}?mode=ro", uri=True) as db:
        assert db.execute("SELECT value FROM metadata WHERE key = 'api_version'").fetchone() == ("2.2.0",)
        assert db.execute("SELECT count(*) FROM events").fetchone()[0] == 200


def test_the_seeds_sqlite_dump_holds_its_event_and_finds_it_by_a_word(seed_site: Path) -> None:
    """The same dump at the seed's size (the fast loop's test of this module)."""
    with sqlite3.connect(f"file:{seed_site / 'dumps/2.3.0/events.sqlite'}?mode=ro", uri=True) as db:
        assert db.execute("SELECT id FROM events").fetchall() == [(1304,)]
        found = db.execute(
            "SELECT events.id FROM events_fts JOIN events ON events.id = events_fts.rowid "
            "WHERE events_fts MATCH 'hatch'"
        ).fetchall()
        assert found == [(1304,)]


def _flat(event_id: int, agencies: list[tuple[int, str]]) -> FlatEvent:
    row = {
        "id": event_id,
        "url": f"https://ll.thespacedevs.com/2.3.0/events/{event_id}/",
        "name": f"Event {event_id}",
        "slug": f"event-{event_id}",
        "type_id": 1,
        "type_name": f"Type as event {event_id} names it",
        "date": "2024-03-05T06:07:08Z",
        "date_precision": None,
        "last_updated": None,
        "location": None,
        "webcast_live": False,
        "duration": None,
        "description": None,
        "image_url": None,
    }
    return FlatEvent(row, agencies=[(i, name, None, None, f"https://a/{i}/") for i, name in agencies])


def test_related_objects_keep_the_first_events_fields_across_batches(monkeypatch, tmp_path: Path) -> None:
    """Rows go in a batch at a time, table by table: an agency named differently by later
    events (in the same batch or a later one) keeps its lowest event id's name, and an event
    that lists an agency twice links it once, at its first position."""
    from generator.opendata import sqlite as dump

    monkeypatch.setattr(dump, "BATCH", 2)
    events = [
        _flat(1, [(7, "first name")]),
        _flat(2, [(7, "second name"), (8, "other"), (7, "again")]),
        _flat(3, [(7, "third name"), (9, "late")]),
    ]
    path = tmp_path / "x.sqlite"
    dump.write_database(path, events, {"as_of": "x"})
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT id, name FROM agencies ORDER BY id").fetchall() == [
            (7, "first name"),
            (8, "other"),
            (9, "late"),
        ]
        assert db.execute("SELECT name FROM event_types").fetchall() == [("Type as event 1 names it",)]
        assert db.execute("SELECT agency_id, position FROM event_agencies WHERE event_id = 2").fetchall() == [
            (7, 0),
            (8, 1),
        ]
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []

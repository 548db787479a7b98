"""The schedule's history: a date moved between two fetches (or two commits, backfilled) shows
in changes.json, on the event page, in the slips feed and as a calendar update."""

from datetime import timedelta
from pathlib import Path

import icalendar
import orjson
import pytest

from generator.api.times import parse_utc
from generator.errors import FetchError
from generator.fetch.clock import stamp
from tests.conftest import FakeClock, git, run_build, tree_digest
from tests.fake_ll2 import FakeLL2
from tests.test_fetch import fetch

ATOM = "{http://www.w3.org/2005/Atom}"
DETAILED = "2.3.0/events.detailed.ndjson"
SNAPSHOT_FILES = ["2.2.0/event.ndjson", "2.3.0/events.list.ndjson", "2.3.0/events.normal.ndjson", DETAILED]
MOVE = timedelta(days=2, hours=3)


def record(content: Path, event_id: int) -> dict:
    for line in (content / "snapshot" / DETAILED).read_bytes().splitlines():
        value = orjson.loads(line)
        if value["id"] == event_id:
            return value
    raise KeyError(event_id)


def timed_event(records: dict[int, bytes]) -> int:
    """An event with a date known to the minute or better."""
    return next(
        i
        for i, data in sorted(records.items())
        if (r := orjson.loads(data))["date"]
        and (r["date_precision"] or {}).get("name") in ("Minute", "Second")
    )


def vevent(dist: Path, event_id: int) -> icalendar.Event:
    """The one VEVENT of an event's own calendar file (parsed: a valid RFC 5545 object)."""
    calendar = icalendar.Calendar.from_ical((dist / f"calendar/events/{event_id}.ics").read_bytes())
    (event,) = calendar.walk("VEVENT")
    return event


def event_html(dist: Path, content: Path, event_id: int) -> str:
    slug = record(content, event_id)["slug"]
    return (dist / f"events/{event_id}-{slug}/index.html").read_text()


def utc_text(text: str) -> str:
    """How the site writes a time known to the minute."""
    return f"{parse_utc(text):%Y-%m-%d %H:%M} UTC"


def build(capsys, content: Path, dist: Path, *options: str) -> Path:
    """Build with a 200 MB budget: these tests read pages, feeds and changes.json, not list
    variants, and a 150-event site fills GitHub Pages' 1 GB (three of them at once would
    take 3 GB of a test run's disk)."""
    code, _, err = run_build(
        capsys, "--content", str(content), "--dist", str(dist), "--max-bytes", "200M", *options
    )
    assert code == 0, err
    return dist


def test_a_date_moved_between_two_fetches_is_a_slip_a_page_line_and_a_calendar_update(
    seed_content: Path, fake_ll2: FakeLL2, fake_clock: FakeClock, tmp_path: Path, capsys
) -> None:
    fetch(seed_content, fake_ll2, fake_clock)
    moved = timed_event(fake_ll2.records[DETAILED])
    other = next(i for i in sorted(fake_ll2.records[DETAILED]) if i != moved)
    before = build(capsys, seed_content, tmp_path / "before")
    old = record(seed_content, moved)["date"]
    new = stamp(parse_utc(old) + MOVE)
    fake_clock.advance(3600)
    fake_ll2.edit(moved, stamp(fake_clock.now()), date=new)

    report = fetch(seed_content, fake_ll2, fake_clock)
    assert report.rescheduled == 1 and ", 1 rescheduled;" in report.line()
    dist = build(capsys, seed_content, tmp_path / "dist")

    changes = orjson.loads((dist / "changes.json").read_bytes())
    assert changes["slips"] == [
        {
            "id": moved,
            "old": old,
            "new": new,
            "seen": "2028-01-01T01:00:00Z",
            "delta": "P2DT3H",
            "delta_seconds": int(MOVE.total_seconds()),
        }
    ]
    html = event_html(dist, seed_content, moved)
    history = html.split("<h2>Date history</h2>", 1)[1].split("</ol>", 1)[0]
    assert history.index(utc_text(old)) < history.index(utc_text(new))  # both, oldest first
    assert "2 days 3 h later" in history
    after_event, before_event = vevent(dist, moved), vevent(before, moved)
    assert int(after_event["SEQUENCE"]) == int(before_event["SEQUENCE"]) + 1
    assert after_event.decoded("DTSTART") == parse_utc(new)
    assert after_event.decoded("DTEND") > after_event.decoded("DTSTART")
    assert int(vevent(dist, other)["SEQUENCE"]) == int(vevent(before, other)["SEQUENCE"])
    # the slips feed names the move and links to the event's page
    from xml.etree import ElementTree

    (entry,) = ElementTree.parse(dist / "feeds/slips.atom").getroot().findall(f"{ATOM}entry")
    href = entry.find(f"{ATOM}link").get("href")
    assert (dist / href.lstrip("/") / "index.html").read_text() == html
    assert utc_text(old) in entry.findtext(f"{ATOM}summary")

    # A failed fetch leaves the history byte for byte as it was.
    history_file = seed_content / "snapshot/history.ndjson"
    kept = history_file.read_bytes()
    fake_ll2.always = "401"
    with pytest.raises(FetchError):
        fetch(seed_content, fake_ll2, fake_clock)
    assert history_file.read_bytes() == kept

    # The same content builds the same bytes: a clean rebuild changes no file.
    built = tree_digest(dist)
    build(capsys, seed_content, dist, "--clean")
    assert tree_digest(dist) == built


def move_in_git(repo: Path, event_id: int, new: str, as_of: str) -> None:
    """Commit a snapshot where `event_id` has date `new`, as of `as_of`."""
    snapshot = repo / "content/snapshot"
    for name in SNAPSHOT_FILES:
        lines = []
        for line in (snapshot / name).read_bytes().splitlines():
            value = orjson.loads(line)
            if value["id"] == event_id:
                line = orjson.dumps(value | {"date": new})
            lines.append(line)
        (snapshot / name).write_bytes(b"".join(line + b"\n" for line in lines))
    meta = orjson.loads((snapshot / "snapshot.json").read_bytes())
    (snapshot / "snapshot.json").write_bytes(orjson.dumps(meta | {"as_of": as_of}))
    git(repo, "commit", "-q", "-am", "Snapshot: 1 changed")


def test_the_backfill_replays_two_snapshot_commits_into_the_history(
    repo: Path, tmp_path: Path, capsys
) -> None:
    content = repo / "content"
    records = {
        orjson.loads(line)["id"]: line for line in (content / "snapshot" / DETAILED).read_bytes().splitlines()
    }
    moved = timed_event(records)
    old = record(content, moved)["date"]
    new = stamp(parse_utc(old) - timedelta(minutes=45))
    move_in_git(repo, moved, new, "2025-06-02T00:00:00Z")

    code, out, err = run_build(capsys, "backfill-history", "--content", str(content))
    assert code == 0, err
    assert out.startswith("history: 8 events, 1 date changes from 2 snapshot commits;")
    lines = (content / "snapshot/history.ndjson").read_bytes().splitlines()
    entries = {e["id"]: e for e in map(orjson.loads, lines)}
    assert sorted(entries) == sorted(records)
    assert entries[moved]["dates"] == [[old, "2025-06-01T00:00:00Z"], [new, "2025-06-02T00:00:00Z"]]
    assert entries[moved]["sequence"] == 1
    assert {e["sequence"] for i, e in entries.items() if i != moved} == {0}
    # Run again: merged with itself, the file is the same (the sequence never grows twice).
    written = (content / "snapshot/history.ndjson").read_bytes()
    assert run_build(capsys, "backfill-history", "--content", str(content))[0] == 0
    assert (content / "snapshot/history.ndjson").read_bytes() == written

    dist = build(capsys, content, tmp_path / "dist")
    changes = orjson.loads((dist / "changes.json").read_bytes())
    assert changes["slips"] == [
        {
            "id": moved,
            "old": old,
            "new": new,
            "seen": "2025-06-02T00:00:00Z",
            "delta": "-PT45M",
            "delta_seconds": -45 * 60,
        }
    ]
    html = event_html(dist, content, moved)
    assert utc_text(old) in html and utc_text(new) in html and "45 min earlier" in html
    event = vevent(dist, moved)
    assert int(event["SEQUENCE"]) == 1 and "DTEND" in event


def test_a_shallow_clone_keeps_the_committed_sequence(repo: Path, tmp_path: Path, capsys) -> None:
    """SEQUENCE lives in the history file: a depth-1 clone builds the same calendar."""
    content = repo / "content"
    records = {
        orjson.loads(line)["id"]: line for line in (content / "snapshot" / DETAILED).read_bytes().splitlines()
    }
    moved = timed_event(records)
    move_in_git(repo, moved, stamp(parse_utc(record(content, moved)["date"]) + MOVE), "2025-06-02T00:00:00Z")
    assert run_build(capsys, "backfill-history", "--content", str(content))[0] == 0
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "Schedule history backfilled")
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", str(clone))
    full = build(capsys, content, tmp_path / "full")
    shallow = build(capsys, clone / "content", tmp_path / "shallow")
    assert int(vevent(shallow, moved)["SEQUENCE"]) == 1
    assert (shallow / f"calendar/events/{moved}.ics").read_bytes() == (
        full / f"calendar/events/{moved}.ics"
    ).read_bytes()


@pytest.mark.parametrize(
    "seconds,readable,iso",
    [
        (5 * 3600 + 44 * 60, "5 h 44 min", "PT5H44M"),
        (86400 + 3600 + 45 * 60, "1 day 1 h 45 min", "P1DT1H45M"),
        (2 * 86400, "2 days", "P2D"),
        (30, "30 s", "PT30S"),
    ],
)
def test_durations_and_slips_read_as_people_and_iso_8601_write_them(
    seconds: int, readable: str, iso: str
) -> None:
    from generator.load.history import iso_duration
    from generator.site.schedule import moved
    from generator.site.views import readable_duration

    assert readable_duration(timedelta(seconds=seconds)) == readable
    assert iso_duration(seconds) == iso and iso_duration(-seconds) == "-" + iso
    assert moved(seconds) == f"{readable} later" and moved(-seconds) == f"{readable} earlier"

"""Feeds: iCalendar that calendar apps can read (RFC 5545) and a well-formed Atom feed."""

from pathlib import Path
from xml.etree import ElementTree

import icalendar
import orjson
from hypothesis import given
from hypothesis import strategies as st

from generator.api.query import parse_request, query_path
from generator.site.feeds import fold
from tests.conftest import build_site, edit_event

ATOM = "{http://www.w3.org/2005/Atom}"


def mirror_ids(dist: Path, first: str) -> set[int]:
    """Ids of every event of a mirror list, following its `next` links."""
    ids: set[int] = set()
    path: str | None = first
    while path:
        page = orjson.loads((dist / path).read_bytes())
        ids |= {r["id"] for r in page["results"]}
        path = page["next"] and query_path(parse_request(page["next"]))
    return ids


def vevents(path: Path) -> list[icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    return list(calendar.walk("VEVENT"))


def test_the_calendar_has_one_vevent_per_upcoming_event(corpus_site: Path):
    expected = mirror_ids(corpus_site, "2.3.0/events/upcoming/limit-100/index.json") | mirror_ids(
        corpus_site, "2.2.0/event/upcoming/limit-100/index.json"
    )
    assert expected  # the corpus has upcoming events
    events = vevents(corpus_site / "calendar/upcoming.ics")
    uids = [str(e["UID"]) for e in events]
    assert sorted(uids) == sorted(f"ll2-event-{i}@ll2-static" for i in expected)
    for event in events:
        assert event["SUMMARY"] and event["DTSTART"] and event["DTSTAMP"]


def test_calendars_per_type_and_agency_hold_exactly_their_events(corpus_site: Path):
    everything = {str(e["UID"]) for e in vevents(corpus_site / "calendar/upcoming.ics")}
    by_type: set[str] = set()
    for path in sorted((corpus_site / "calendar/types").glob("*.ics")):
        calendar = icalendar.Calendar.from_ical(path.read_bytes())
        name = str(calendar["X-WR-CALNAME"]).removesuffix(" events (LL2)")
        for event in calendar.walk("VEVENT"):
            assert [str(c) for c in event["CATEGORIES"].cats] == [name]
            by_type.add(str(event["UID"]))
    assert by_type == everything
    agency_uids = set()
    for path in (corpus_site / "calendar/agencies").glob("*.ics"):
        agency_uids |= {str(e["UID"]) for e in vevents(path)}
    assert agency_uids == everything  # every corpus event has at least one agency


def test_calendar_lines_are_crlf_and_folded(corpus_site: Path):
    data = (corpus_site / "calendar/upcoming.ics").read_bytes()
    assert data.endswith(b"END:VCALENDAR\r\n")
    lines = data.split(b"\r\n")
    assert b"\n" not in b"".join(lines)
    assert max(len(line) for line in lines) <= 75


def test_an_event_known_to_the_day_is_an_all_day_calendar_entry(seed_content: Path, tmp_path: Path):
    day = {
        "id": 5,
        "name": "Day",
        "abbrev": "DAY",
        "description": "The T-0 is accurate to the day.",
    }
    edit_event(seed_content, 1304, lambda r: r.update(date_precision=day, duration="PT2H"))
    dist = build_site(seed_content, tmp_path / "dist", base_url="https://user.github.io/repo")
    (event,) = vevents(dist / "calendar/upcoming.ics")
    assert event.decoded("DTSTART").isoformat() == "2025-12-08"
    assert event.decoded("DTEND").isoformat() == "2025-12-09"  # one whole day, DTEND exclusive
    assert (
        str(event["URL"])
        == "https://user.github.io/repo/events/1304-soyuz-ms-27-farewell-ceremony-hatch-closing/"
    )


def test_an_exact_event_has_its_time_and_duration(seed_content: Path, tmp_path: Path):
    edit_event(seed_content, 1304, lambda r: r.update(duration="PT1H15M"))
    dist = build_site(seed_content, tmp_path / "dist")
    (event,) = vevents(dist / "calendar/upcoming.ics")
    assert event.decoded("DTSTART").isoformat() == "2025-12-08T21:45:00+00:00"
    assert event.decoded("DTEND").isoformat() == "2025-12-08T23:00:00+00:00"
    assert str(event["LOCATION"]) == "International Space Station"


def test_the_atom_feed_is_well_formed_and_newest_change_first(corpus_site: Path, corpus_site_content: Path):
    feed = ElementTree.parse(corpus_site / "feeds/updated.atom").getroot()
    assert feed.tag == f"{ATOM}feed"
    entries = feed.findall(f"{ATOM}entry")
    assert len(entries) == 40  # every event (fewer than the feed's 50)
    updated = [e.findtext(f"{ATOM}updated") for e in entries]
    assert updated == sorted(updated, reverse=True)
    assert len({e.findtext(f"{ATOM}id") for e in entries}) == 40
    for entry in entries:
        href = entry.find(f"{ATOM}link").get("href")
        assert (corpus_site / href.lstrip("/") / "index.html").is_file()


# A content line holds no line break (ics_text escapes them), any other character may be in it.
@given(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\r\n"), max_size=400)
)
def test_a_folded_line_unfolds_to_itself_in_pieces_of_at_most_75_octets(line: str):
    folded = fold(line)
    assert folded.endswith(b"\r\n")
    pieces = folded[:-2].split(b"\r\n")
    assert all(len(piece) <= 75 for piece in pieces)
    assert all(piece.startswith(b" ") for piece in pieces[1:])
    assert all(len(piece) > 1 for piece in pieces[1:])  # no empty continuation line
    assert b"".join([pieces[0], *(piece[1:] for piece in pieces[1:])]).decode() == line
    # Each piece is as long as it can be: the next piece's first character would not fit.
    for piece, following in zip(pieces, pieces[1:], strict=False):
        first = following[1:].decode()[0].encode()
        assert len(piece) + len(first) > 75


def test_every_calendar_entry_has_what_rfc_5545_and_calendar_apps_need(corpus_site: Path):
    files = [corpus_site / "calendar/upcoming.ics", *sorted((corpus_site / "calendar").glob("*/*.ics"))]
    own = sorted((corpus_site / "calendar/events").glob("*.ics"))
    assert own and len(own) == len({p.name for p in own})
    for path in files:
        calendar = icalendar.Calendar.from_ical(path.read_bytes())
        assert str(calendar["VERSION"]) == "2.0" and calendar["PRODID"]
        for event in calendar.walk("VEVENT"):
            assert event["UID"] and event["DTSTAMP"] and event["SUMMARY"], path
            assert event.decoded("DTEND") > event.decoded("DTSTART"), path  # never zero-length
            assert int(event["SEQUENCE"]) >= 0
            assert str(event["STATUS"]) in ("CONFIRMED", "TENTATIVE")
    # An event's own file is its entry of the full calendar, byte for byte.
    upcoming = (corpus_site / "calendar/upcoming.ics").read_bytes()
    for path in own:
        body = path.read_bytes()
        entry = body[body.index(b"BEGIN:VEVENT") : body.index(b"END:VCALENDAR")]
        uid = f"UID:ll2-event-{path.stem}@ll2-static".encode()
        assert uid in entry
        if uid in upcoming:
            assert entry in upcoming


def test_an_event_page_links_its_own_calendar_file(seed_site: Path):
    html = (seed_site / "events/1304-soyuz-ms-27-farewell-ceremony-hatch-closing/index.html").read_text()
    assert '<a class="feed" href="/calendar/events/1304.ics" download>Add to calendar (iCalendar)</a>' in html
    (event,) = vevents(seed_site / "calendar/events/1304.ics")
    assert str(event["UID"]) == "ll2-event-1304@ll2-static"
    assert str(event["URL"]) == "https://www.youtube.com/watch?v=_ga47xnD5Bc"  # no --base-url: the webcast
    assert "Webcast: https://www.youtube.com/watch?v=_ga47xnD5Bc" in str(event["DESCRIPTION"])

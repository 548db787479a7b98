"""Feeds: iCalendar (RFC 5545) of upcoming events, Atom (RFC 4287) of recently updated events.

Both are built from event summaries only. Times come from the build's `now`, never the clock,
so a snapshot always yields the same bytes.
"""

import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from xml.etree import ElementTree

from generator.site.links import SiteLinks
from generator.site.views import EventSummary, excerpt, readable_duration

PRODID = "-//ll2-static//Launch Library 2 events mirror//EN"
#: What XML 1.0 forbids (its `Char` production: the C0 controls but tab, LF and CR, the
#: surrogates, U+FFFE and U+FFFF), and DEL, which iCalendar forbids.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_ATOM = "http://www.w3.org/2005/Atom"


def _clean(text: str) -> str:
    """Text without the characters that XML 1.0 and iCalendar forbid."""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def ics_text(text: str) -> str:
    """An iCalendar TEXT value (RFC 5545 3.3.11): backslash, ';', ',' and newlines escaped."""
    return _clean(text).replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def fold(line: str) -> bytes:
    """One content line folded at 75 octets (RFC 5545 3.1), never inside a UTF-8 character:
    each piece is cut at the last character start within its 75 octets (74 after the first,
    whose continuation lines begin with a space)."""
    data = line.encode()
    if len(data) <= 75:
        return data + b"\r\n"
    pieces: list[bytes] = []
    start, room = 0, 75
    while len(data) - start > room:
        cut = start + room
        while data[cut] & 0xC0 == 0x80:  # a UTF-8 continuation byte: the cut moves back
            cut -= 1
        pieces.append(data[start:cut])
        start, room = cut, 74
    pieces.append(data[start:])
    return b"\r\n ".join(pieces) + b"\r\n"


def _stamp(value: datetime) -> str:
    return value.strftime("%Y%m%dT%H%M%SZ")


#: The length given to a timed event LL2 gives no duration for, so that calendar apps do
#: not show it as a zero-length entry (docs/schedule-history.md).
DEFAULT_DURATION = timedelta(hours=1)


def _vevent(event: EventSummary, links: SiteLinks, now: datetime, sequence: int) -> list[str]:
    """One VEVENT. DTSTAMP is the event's `last_updated` (else `now`), so an unchanged event
    gives the same bytes in every build; SEQUENCE comes from the schedule history."""
    assert event.date is not None
    url = links.absolute(event.relpath)
    lines = [
        "BEGIN:VEVENT",
        f"UID:ll2-event-{event.id}@ll2-static",
        f"DTSTAMP:{_stamp(event.last_updated or now)}",
        f"SEQUENCE:{sequence}",
    ]
    details = [event.description, f"Type: {event.type.name}"]
    if event.when.timed:
        length = event.duration or DEFAULT_DURATION
        lines += [f"DTSTART:{_stamp(event.date)}", f"DTEND:{_stamp(event.date + length)}"]
        details.append(
            f"Duration: {readable_duration(event.duration)}"
            if event.duration
            else f"LL2 gives no duration: shown as {readable_duration(DEFAULT_DURATION)}"
        )
    else:  # known only to the day or worse: an all-day event on the date LL2 gives
        lines += [
            f"DTSTART;VALUE=DATE:{event.date:%Y%m%d}",
            f"DTEND;VALUE=DATE:{event.date + timedelta(days=1):%Y%m%d}",
        ]
    summary = event.name if event.when.exact else f"{event.name} (NET {event.when.text})"
    if event.agencies:
        details.append("Agencies: " + ", ".join(a.name for a in event.agencies))
    if event.webcast:
        details.append(f"Webcast: {event.webcast}")
    if url:
        details.append(url)
    lines += [
        f"SUMMARY:{ics_text(summary)}",
        f"DESCRIPTION:{ics_text(chr(10).join(details))}",
        f"CATEGORIES:{ics_text(event.type.name)}",
        # LL2 events have no status: a time known to the minute is confirmed, others tentative.
        f"STATUS:{'CONFIRMED' if event.when.exact else 'TENTATIVE'}",
    ]
    if event.location:
        lines.append(f"LOCATION:{ics_text(event.location)}")
    if url or event.webcast:
        lines.append(f"URL:{url or event.webcast}")
    if event.webcast:  # RFC 7986 CONFERENCE: apps show it as a link to join
        lines.append(f"CONFERENCE;VALUE=URI;FEATURE=VIDEO;LABEL=Webcast:{event.webcast}")
    if event.last_updated:
        lines.append(f"LAST-MODIFIED:{_stamp(event.last_updated)}")
    lines.append("END:VEVENT")
    return lines


def vevent(event: EventSummary, links: SiteLinks, now: datetime, sequence: int) -> bytes:
    """One dated event's VEVENT as calendar bytes (folded, CRLF line ends)."""
    return b"".join(fold(line) for line in _vevent(event, links, now, sequence))


def calendar_of(name: str, vevents: Iterable[bytes]) -> bytes:
    """An iCalendar feed named `name` around VEVENTs already made (`vevent`)."""
    head = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{ics_text(name)}",
        "REFRESH-INTERVAL;VALUE=DURATION:PT6H",
        "X-PUBLISHED-TTL:PT6H",
    ]
    return b"".join(fold(line) for line in head) + b"".join(vevents) + fold("END:VCALENDAR")


def entry_id(name: str) -> str:
    """A stable Atom id (a UUID 5 URN) for `name`, e.g. events/1304."""
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'https://ll2-static/{name}')}"


def _iso(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Entry:
    """One Atom entry: a stable id, what it says, when, and the page it links to."""

    id: str
    title: str
    updated: str  # RFC 3339, UTC
    relpath: str
    category: str
    summary: str


def atom_feed(
    title: str, feed_name: str, entries: list[Entry], links: SiteLinks, self_relpath: str, now: datetime
) -> bytes:
    """An Atom feed of `entries` in the order given; well-formed XML, UTF-8. `updated` is the
    newest entry's (else `now`): the same entries give the same bytes."""
    ElementTree.register_namespace("", _ATOM)

    def sub(
        parent: ElementTree.Element, tag: str, text: str | None = None, **attrs: str
    ) -> ElementTree.Element:
        element = ElementTree.SubElement(
            parent, f"{{{_ATOM}}}{tag}", {k: _clean(v) for k, v in attrs.items()}
        )
        if text is not None:
            element.text = _clean(text)
        return element

    def url(relpath: str) -> str:
        return links.absolute(relpath) or links.href(relpath)

    feed = ElementTree.Element(f"{{{_ATOM}}}feed")
    sub(feed, "id", entry_id(feed_name))
    sub(feed, "title", title)
    sub(feed, "updated", max((e.updated for e in entries), default=_iso(now)))
    sub(feed, "link", rel="self", href=url(self_relpath), type="application/atom+xml")
    sub(feed, "link", rel="alternate", href=url(""), type="text/html")
    sub(sub(feed, "author"), "name", "ll2-static (data: The Space Devs)")
    sub(feed, "rights", "Data: Launch Library 2 by The Space Devs")
    for item in entries:
        entry = sub(feed, "entry")
        sub(entry, "id", item.id)
        sub(entry, "title", item.title)
        sub(entry, "updated", item.updated)
        sub(entry, "link", rel="alternate", href=url(item.relpath), type="text/html")
        sub(entry, "category", term=item.category)
        sub(entry, "summary", item.summary)
    data: bytes = ElementTree.tostring(feed, encoding="utf-8", xml_declaration=True)
    return data + b"\n"


def atom(title: str, events: list[EventSummary], links: SiteLinks, self_relpath: str, now: datetime) -> bytes:
    """An Atom feed of `events`, newest change first as given."""
    entries = [
        Entry(
            entry_id(f"events/{e.id}"),
            e.name,
            _iso(e.last_updated or now),
            e.relpath,
            e.type.name,
            f"{e.when.text}. {excerpt(e.description)}",
        )
        for e in events
    ]
    return atom_feed(title, "feeds/updated", entries, links, self_relpath, now)

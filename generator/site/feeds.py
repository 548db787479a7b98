"""Feeds: iCalendar (RFC 5545) of upcoming events, Atom (RFC 4287) of recently updated events.

Both are built from event summaries only. Times come from the build's `now`, never the clock,
so a snapshot always yields the same bytes.
"""

import re
import uuid
from collections.abc import Iterable
from datetime import datetime
from xml.etree import ElementTree

from generator.site.links import SiteLinks
from generator.site.views import EventSummary, excerpt

PRODID = "-//ll2-static//Launch Library 2 events mirror//EN"
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_ATOM = "http://www.w3.org/2005/Atom"


def _clean(text: str) -> str:
    """Text without the control characters that XML 1.0 and iCalendar forbid."""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def ics_text(text: str) -> str:
    """An iCalendar TEXT value (RFC 5545 3.3.11): backslash, ';', ',' and newlines escaped."""
    return (
        _clean(text)
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\n", "\\n")
    )


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


def _vevent(event: EventSummary, links: SiteLinks, now: datetime) -> list[str]:
    assert event.date is not None
    url = links.absolute(event.relpath)
    lines = ["BEGIN:VEVENT", f"UID:ll2-event-{event.id}@ll2-static", f"DTSTAMP:{_stamp(now)}"]
    if event.when.timed:
        lines.append(f"DTSTART:{_stamp(event.date)}")
        if event.duration:
            lines.append(f"DTEND:{_stamp(event.date + event.duration)}")
    else:  # known only to the day or worse: an all-day event on the date LL2 gives
        lines.append(f"DTSTART;VALUE=DATE:{event.date:%Y%m%d}")
    summary = event.name if event.when.exact else f"{event.name} (NET {event.when.text})"
    details = [event.description, f"Type: {event.type.name}"]
    if event.agencies:
        details.append("Agencies: " + ", ".join(a.name for a in event.agencies))
    if url:
        details.append(url)
    lines += [
        f"SUMMARY:{ics_text(summary)}",
        f"DESCRIPTION:{ics_text(chr(10).join(details))}",
        f"CATEGORIES:{ics_text(event.type.name)}",
    ]
    if event.location:
        lines.append(f"LOCATION:{ics_text(event.location)}")
    if url:
        lines.append(f"URL:{url}")
    if event.last_updated:
        lines.append(f"LAST-MODIFIED:{_stamp(event.last_updated)}")
    lines.append("END:VEVENT")
    return lines


def calendar(name: str, events: Iterable[EventSummary], links: SiteLinks, now: datetime) -> bytes:
    """An iCalendar feed of `events` (those with a date), CRLF line ends, folded lines."""
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{ics_text(name)}",
        "REFRESH-INTERVAL;VALUE=DURATION:PT6H",
        "X-PUBLISHED-TTL:PT6H",
    ]
    for event in events:
        if event.date is not None:
            lines += _vevent(event, links, now)
    lines.append("END:VCALENDAR")
    return b"".join(fold(line) for line in lines)


def _event_uuid(event_id: int) -> str:
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'https://ll2-static/events/{event_id}')}"


def _iso(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def atom(
    title: str, events: list[EventSummary], links: SiteLinks, self_relpath: str, now: datetime
) -> bytes:
    """An Atom feed of `events`, newest change first as given; well-formed XML, UTF-8."""
    ElementTree.register_namespace("", _ATOM)

    def sub(
        parent: ElementTree.Element, tag: str, text: str | None = None, **attrs: str
    ) -> ElementTree.Element:
        element = ElementTree.SubElement(parent, f"{{{_ATOM}}}{tag}", attrs)
        if text is not None:
            element.text = _clean(text)
        return element

    def url(relpath: str) -> str:
        return links.absolute(relpath) or links.href(relpath)

    feed = ElementTree.Element(f"{{{_ATOM}}}feed")
    sub(
        feed, "id", f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'https://ll2-static/feeds/updated')}"
    )
    sub(feed, "title", title)
    stamps = [e.last_updated for e in events if e.last_updated]
    sub(feed, "updated", _iso(max(stamps) if stamps else now))
    sub(feed, "link", rel="self", href=url(self_relpath), type="application/atom+xml")
    sub(feed, "link", rel="alternate", href=url(""), type="text/html")
    sub(sub(feed, "author"), "name", "ll2-static (data: The Space Devs)")
    sub(feed, "rights", "Data: Launch Library 2 by The Space Devs")
    for event in events:
        entry = sub(feed, "entry")
        sub(entry, "id", _event_uuid(event.id))
        sub(entry, "title", event.name)
        sub(entry, "updated", _iso(event.last_updated or now))
        sub(entry, "link", rel="alternate", href=url(event.relpath), type="text/html")
        sub(entry, "category", term=_clean(event.type.name))
        sub(entry, "summary", f"{event.when.text}. {excerpt(event.description)}")
    data: bytes = ElementTree.tostring(feed, encoding="utf-8", xml_declaration=True)
    return data + b"\n"

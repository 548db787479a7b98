"""View models: what each page shows, computed from records in Python (templates hold no logic).

Records are untrusted. Text goes to templates as plain strings (autoescaped there); URLs only
through `safe_url` (http(s) or nothing); paths only through `slug_segment`.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from markupsafe import Markup

from generator.api.times import parse_utc
from generator.common import safe_url
from generator.load.history import first_webcast, shown_digest
from generator.site.safety import script_json, slug_segment

Record = dict[str, Any]


@dataclass(frozen=True)
class NavItem:
    label: str
    href: str


@dataclass(frozen=True)
class Chrome:
    """What the base layout shows on every page."""

    base: str  # the base path, for scripts (data-base)
    home_href: str
    css_href: str
    icon_href: str
    js_href: str
    search_href: str
    nav: tuple[NavItem, ...]
    atom_href: str
    ics_href: str
    pages: tuple[NavItem, ...]
    as_of: str
    as_of_iso: str = ""  # for the browser's banner when the data is old (site.js)


@dataclass(frozen=True)
class When:
    """A date as LL2 knows it: `text` says no more than its precision allows."""

    iso: str | None  # for <time datetime>; None when there is no date
    text: str
    exact: bool  # known to the minute or better: local time and countdown make sense
    timed: bool = False  # known to the hour or better: a time of day, not only a day


#: How to write a date known to a given precision (LL2's date_precision names).
_FORMATS = {
    "second": "%Y-%m-%d %H:%M:%S UTC",
    "minute": "%Y-%m-%d %H:%M UTC",
    "hour": "%Y-%m-%d around %H:00 UTC",
    "morning": "%-d %B %Y (morning)",
    "afternoon": "%-d %B %Y (afternoon)",
    "day": "%-d %B %Y",
    "week": "week of %-d %B %Y",
    "month": "%B %Y",
    "year": "%Y",
}


def when(stamp: str | None, precision: Record | None) -> When:
    """The display of `stamp` at `precision` (None means exact, as LL2 does for most events)."""
    if not stamp:
        return When(None, "date not yet known", False)
    value = parse_utc(stamp)
    name = str(precision.get("name", "")).lower() if precision else "minute"
    fmt = _FORMATS.get(name)
    if fmt is not None:
        text = value.strftime(fmt)
    elif precision:
        text = f"{value:%B %Y} (precision: {precision.get('name')})"  # quarters, halves, decades
    else:
        text = value.strftime(_FORMATS["minute"])
    exact = name in ("second", "minute")
    return When(value.strftime("%Y-%m-%dT%H:%M:%SZ"), text, exact, exact or name == "hour")


@dataclass(frozen=True)
class Ref:
    """A named thing of an event that has an index page (type, agency, program)."""

    id: int
    name: str
    href: str


@dataclass
class EventSummary:
    """The few facts of an event that lists, feeds and search need; small, kept for every event."""

    id: int
    version: str  # the version whose record is shown
    name: str
    relpath: str  # its page folder, e.g. events/1304-soyuz-ms-27/
    href: str
    date: datetime | None
    when: When
    last_updated: datetime | None
    type: Ref
    agencies: list[Ref]
    programs: list[Ref]
    location: str | None
    description: str
    duration: timedelta | None
    thumbnail: str | None
    webcast: str | None = None  # the first http(s) webcast, for calendars
    shown: str = ""  # digest of what a calendar shows (history.shown_digest)


def _stamp(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _unstamp(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


def summary_json(summary: EventSummary) -> list[Any]:
    """A summary as JSON (kept between builds by the memo); `summary_from_json` restores it
    exactly (datetimes keep their offsets, durations their microseconds)."""
    s = summary
    duration = None if s.duration is None else [s.duration.days, s.duration.seconds, s.duration.microseconds]
    return [
        s.id,
        s.version,
        s.name,
        s.relpath,
        s.href,
        _stamp(s.date),
        [s.when.iso, s.when.text, s.when.exact, s.when.timed],
        _stamp(s.last_updated),
        [s.type.id, s.type.name, s.type.href],
        [[r.id, r.name, r.href] for r in s.agencies],
        [[r.id, r.name, r.href] for r in s.programs],
        s.location,
        s.description,
        duration,
        s.thumbnail,
        s.webcast,
        s.shown,
    ]


def summary_from_json(row: list[Any]) -> EventSummary:
    (
        event_id,
        version,
        name,
        relpath,
        href,
        date,
        when_,
        last_updated,
        etype,
        agencies,
        programs,
        location,
        description,
        duration,
        thumbnail,
        webcast,
        shown,
    ) = row
    return EventSummary(
        id=event_id,
        version=version,
        name=name,
        relpath=relpath,
        href=href,
        date=_unstamp(date),
        when=When(*when_),
        last_updated=_unstamp(last_updated),
        type=Ref(*etype),
        agencies=[Ref(*r) for r in agencies],
        programs=[Ref(*r) for r in programs],
        location=location,
        description=description,
        duration=None if duration is None else timedelta(*duration),
        thumbnail=thumbnail,
        webcast=webcast,
        shown=shown,
    )


@dataclass(frozen=True)
class Image:
    url: str
    thumbnail: str
    alt: str
    credit: str | None
    licence: str | None
    licence_href: str | None


@dataclass(frozen=True)
class Webcast:
    title: str
    href: str | None
    publisher: str | None
    source: str | None
    kind: str | None
    language: str | None
    start: When | None
    live: bool
    official: bool

    @property
    def credits(self) -> str:
        return " · ".join(x for x in (self.publisher, self.source, self.language) if x)


@dataclass(frozen=True)
class Item:
    """A generic line of a related list: a title, details and an optional outside link."""

    title: str
    details: list[str]
    when: When | None = None
    href: str | None = None
    children: list["Item"] = field(default_factory=list)

    @property
    def external(self) -> bool:
        """Links out of the site get rel=nofollow."""
        return self.href is not None and not self.href.startswith("/")


@dataclass(frozen=True)
class DateChange:
    """One date an event had (schedule history): the date, when first seen, the slip."""

    when: When
    seen: str
    moved: str | None  # e.g. "2 days later"; None for the first date


@dataclass
class EventPage:
    """Everything event.html shows."""

    summary: EventSummary
    duration: str | None  # readable, e.g. 5 h 44 min
    history: list[DateChange]
    ics_href: str | None  # the event alone as iCalendar ("add to calendar")
    image: Image | None
    precision: str | None
    paragraphs: list[str]
    webcasts: list[Webcast]
    info_links: list[Item]
    launches: list[Item]
    expeditions: list[Item]
    spacestations: list[Item]
    programs: list[Item]
    updates: list[Item]
    api_links: list[NavItem]
    json_ld: Markup


def parse_duration(text: str | None) -> timedelta | None:
    """ISO 8601 durations as LL2 writes them (PT5H44M, P1DT2H); None if absent or odd."""
    if not text or not text.startswith("P"):
        return None
    days_part, _, time_part = text[1:].partition("T")
    total = timedelta()
    for part, units in (
        (days_part, {"D": "days", "W": "weeks"}),
        (time_part, {"H": "hours", "M": "minutes", "S": "seconds"}),
    ):
        number = ""
        for char in part:
            if char.isdigit() or char == ".":
                number += char
            elif char in units and number:
                total += timedelta(**{units[char]: float(number)})
                number = ""
            else:
                return None
        if number:
            return None
    return total


def readable_duration(value: timedelta) -> str:
    """A duration for people: 5 h 44 min, 2 days 3 h, 1 day 1 h 45 min, 30 s."""
    seconds = int(value.total_seconds())
    if seconds <= 0:
        return "0 min"
    days, rest = divmod(seconds, 86400)
    parts = [f"{days} day" + ("s" if days > 1 else "")] if days else []
    for size, unit in ((3600, "h"), (60, "min"), (1, "s")):
        count, rest = divmod(rest, size)
        if count:
            parts.append(f"{count} {unit}")
    return " ".join(parts)


def readable_iso_duration(text: str | None) -> str | None:
    """An ISO 8601 duration as LL2 writes it (PT5H44M) made readable; the text as it is
    when it is not one (None stays None)."""
    value = parse_duration(text)
    return text if value is None else readable_duration(value)


def event_relpath(record: Record) -> str:
    """The event's page folder: its id, then its slug made path-safe."""
    clean = slug_segment(str(record.get("slug") or ""))
    return f"events/{record['id']}-{clean}/" if clean else f"events/{record['id']}/"


def _image(record: Record) -> Image | None:
    image = record.get("image")
    if isinstance(image, dict):  # 2.3.0: an object with credit and licence
        url = safe_url(image.get("image_url"))
        if url is None:
            return None
        licence = image.get("license") or {}
        return Image(
            url,
            safe_url(image.get("thumbnail_url")) or url,
            str(image.get("name") or record["name"]),
            image.get("credit"),
            licence.get("name"),
            safe_url(licence.get("link")),
        )
    url = safe_url(record.get("feature_image"))  # 2.2.0: a bare URL
    return None if url is None else Image(url, url, record["name"], None, None, None)


def summarise(
    record: Record, version: str, type_href: str, agency_href: str, program_href: str, href: str
) -> EventSummary:
    """The summary of a 2.2.0 or 2.3.0 detailed record; `*_href` are folder patterns with {id}."""
    image = _image(record)
    etype = record["type"]
    return EventSummary(
        id=record["id"],
        version=version,
        name=record["name"],
        relpath=event_relpath(record),
        href=href,
        date=parse_utc(record["date"]) if record.get("date") else None,
        when=when(record.get("date"), record.get("date_precision")),
        last_updated=parse_utc(record["last_updated"]) if record.get("last_updated") else None,
        type=Ref(etype["id"], etype["name"], type_href.format(id=etype["id"])),
        agencies=[
            Ref(a["id"], a.get("abbrev") or a["name"], agency_href.format(id=a["id"]))
            for a in record.get("agencies") or ()
        ],
        programs=[
            Ref(p["id"], p["name"], program_href.format(id=p["id"])) for p in record.get("program") or ()
        ],
        location=record.get("location"),
        description=record.get("description") or "",
        duration=parse_duration(record.get("duration")),
        thumbnail=None if image is None else image.thumbnail,
        webcast=first_webcast(record),
        shown=shown_digest(record),
    )


def _webcast(video: Record) -> Webcast:
    kind = (video.get("type") or {}).get("name")
    start = video.get("start_time")
    return Webcast(
        title=video.get("title") or video.get("url") or "webcast",
        href=safe_url(video.get("url")),
        publisher=video.get("publisher"),
        source=video.get("source"),
        kind=kind,
        language=(video.get("language") or {}).get("name"),
        start=when(start, None) if start else None,
        live=video.get("live") is True,
        official=kind == "Official Webcast",
    )


def _status(obj: Record) -> str | None:
    status = obj.get("status")
    return status.get("name") if isinstance(status, dict) else None


def _launch(launch: Record) -> Item:
    details = [d for d in (_status(launch), launch.get("launch_designator")) if d]
    return Item(
        launch["name"],
        details,
        when(launch.get("net"), launch.get("net_precision")),
        href=safe_url(launch.get("url")),
    )


def _station(station: Record) -> Item:
    details = [
        d
        for d in (
            _status(station),
            station.get("orbit"),
            station.get("founded") and f"founded {station['founded']}",
        )
        if d
    ]
    return Item(station["name"], details, href=safe_url(station.get("url")))


def _expedition(exp: Record) -> Item:
    station = (exp.get("spacestation") or {}).get("name")
    end = exp.get("end")
    details = [d for d in (station, f"ended {end[:10]}" if end else "in progress") if d]
    walks = [
        Item(
            w["name"],
            [
                d
                for d in (
                    w.get("duration") and f"duration {readable_iso_duration(w['duration'])}",
                    w.get("location"),
                )
                if d
            ],
            when(w.get("start"), None),
        )
        for w in exp.get("spacewalks") or ()
    ]
    return Item(
        exp["name"], details, when(exp.get("start"), None), href=safe_url(exp.get("url")), children=walks
    )


def _program(program: Record, href: str) -> Item:
    details = [d for d in ((program.get("type") or {}).get("name"), program.get("description")) if d]
    return Item(program["name"], details, href=href)


def _update(update: Record) -> Item:
    details = [d for d in (update.get("created_by") and f"by {update['created_by']}",) if d]
    return Item(
        update.get("comment") or "(no comment)",
        details,
        when(update.get("created_on"), None),
        href=safe_url(update.get("info_url")),
    )


def json_ld(summary: EventSummary, image: Image | None, page_url: str | None) -> dict[str, Any]:
    """schema.org Event data of the page (embedded as JSON, escaped for <script>)."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": summary.name,
        "description": summary.description,
    }
    if summary.when.iso:
        data["startDate"] = summary.when.iso
    if summary.location:
        data["location"] = {"@type": "Place", "name": summary.location}
    if image is not None:
        data["image"] = image.url
    if page_url:
        data["url"] = page_url
    return data


def event_page(
    record: Record,
    summary: EventSummary,
    api_links: list[NavItem],
    page_url: str | None,
    history: list[DateChange],
    ics_href: str | None,
) -> EventPage:
    """The full view of one event's page (`page_url`: its absolute URL, when known)."""
    image = _image(record)
    precision = record.get("date_precision")
    info = [
        Item(
            i.get("title") or i.get("url") or "link",
            [d for d in (i.get("source"), i.get("description")) if d],
            href=safe_url(i.get("url")),
        )
        for i in record.get("info_urls") or ()
    ]
    program_refs = {p.id: p.href for p in summary.programs}
    return EventPage(
        summary=summary,
        duration=None if summary.duration is None else readable_duration(summary.duration),
        history=history,
        ics_href=ics_href,
        image=image,
        precision=precision.get("description") if isinstance(precision, dict) else None,
        paragraphs=[p.strip() for p in summary.description.split("\n\n") if p.strip()],
        webcasts=[_webcast(v) for v in record.get("vid_urls") or ()],
        info_links=info,
        launches=[_launch(x) for x in record.get("launches") or ()],
        expeditions=[_expedition(x) for x in record.get("expeditions") or ()],
        spacestations=[_station(x) for x in record.get("spacestations") or ()],
        programs=[_program(p, program_refs[p["id"]]) for p in record.get("program") or ()],
        updates=[_update(u) for u in record.get("updates") or ()],
        api_links=api_links,
        json_ld=Markup(script_json(json_ld(summary, image, page_url))),
    )


def excerpt(text: str, limit: int = 220) -> str:
    """The start of a description, cut at a word, for lists and feeds."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit].rsplit(" ", 1)[0] + "…"

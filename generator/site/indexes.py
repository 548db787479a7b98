"""Index pages: per event type, agency, program and year, their hubs, and the feeds page."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from generator.fingerprint import digest
from generator.site import chrome as shared
from generator.site.links import SiteLinks
from generator.site.views import EventSummary

if TYPE_CHECKING:  # pages imports this module; the writer is only a type here
    from generator.site.pages import PageWriter


@dataclass(frozen=True)
class Section:
    heading: str
    rows: list[EventSummary]


@dataclass(frozen=True)
class HubEntry:
    label: str
    href: str
    note: str
    feed: str | None = None


@dataclass(frozen=True)
class Group:
    """One index page: its folder, title, events and (for types and agencies) calendar."""

    folder: str
    title: str
    events: list[EventSummary]
    feed: str | None


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def sections(events: list[EventSummary], now: datetime) -> list[Section]:
    """Upcoming (soonest first), past (latest first) and undated events."""
    dated = sorted((e for e in events if e.date), key=lambda e: (e.date, e.id))
    out = [
        Section("Upcoming", [e for e in dated if e.date and e.date >= now]),
        Section("Past", [e for e in reversed(dated) if e.date and e.date < now]),
        Section("Date not yet known", [e for e in events if e.date is None]),
    ]
    return [s for s in out if s.rows]


def _groups(
    events: list[EventSummary],
    folder: str,
    keys: Callable[[EventSummary], Iterable[tuple[int, str]]],
    noun: str,
    feed: str | None,
) -> list[Group]:
    members: dict[int, tuple[str, list[EventSummary]]] = {}
    for event in events:
        for key, name in keys(event):
            members.setdefault(key, (name, []))[1].append(event)
    return [
        Group(
            f"{folder}/{key}/",
            f"{noun}: {name}",
            rows,
            None if feed is None else feed.format(id=key),
        )
        for key, (name, rows) in sorted(members.items(), key=lambda kv: kv[1][0].lower())
    ]


def _row_keys(events: list[EventSummary]) -> dict[int, bytes]:
    """Per event, a digest of what a listing's row shows of it (_rows.html, no countdown)."""
    return {
        e.id: digest(*(str(part).encode() for part in (e.href, e.name, e.type.name, e.when.iso, e.when.text, e.when.exact)))
        for e in events
    }


def _listing_key(group: Group, sections: list[Section], feed: str | None, hub: str, title: str, rows: dict[int, bytes]) -> bytes:
    """All a listing page shows besides the layout: unchanged, the page is not rendered again."""
    parts = [group.title, str(feed), hub, title]
    for section in sections:
        parts += [section.heading, str(len(section.rows))]
    return digest(*(p.encode() for p in parts), *(rows[e.id] for s in sections for e in s.rows))


def write_indexes(
    events: list[EventSummary], now: datetime, links: SiteLinks, writer: "PageWriter"
) -> None:
    """Every index page and hub, and the feeds page."""
    families = {
        "types": (
            "Event types",
            _groups(
                events,
                "types",
                lambda e: [(e.type.id, e.type.name)],
                "Type",
                "calendar/types/{id}.ics",
            ),
        ),
        "agencies": (
            "Agencies",
            _groups(
                events,
                "agencies",
                lambda e: [(a.id, a.name) for a in e.agencies],
                "Agency",
                "calendar/agencies/{id}.ics",
            ),
        ),
        "programs": (
            "Programs",
            _groups(
                events, "programs", lambda e: [(p.id, p.name) for p in e.programs], "Program", None
            ),
        ),
    }
    years = sorted({e.date.year for e in events if e.date}, reverse=True)
    families["years"] = (
        "Years",
        [
            Group(
                f"years/{y}/",
                f"Events of {y}",
                [e for e in events if e.date and e.date.year == y],
                None,
            )
            for y in years
        ],
    )
    rows = _row_keys(events)
    for folder, (title, groups) in families.items():
        hub = links.href(f"{folder}/")
        for group in groups:
            feed = None if group.feed is None else links.href(group.feed)
            shown = sections(group.events, now)
            writer.keyed_page(
                group.folder,
                "listing.html",
                _listing_key(group, shown, feed, hub, title, rows),
                lambda group=group, shown=shown, feed=feed, hub=hub, title=title: {
                    "title": group.title, "sections": shown, "feed": feed, "hub": hub, "hub_title": title,
                },
            )
        entries = [
            HubEntry(
                g.title.split(": ", 1)[-1],
                links.href(g.folder),
                _count(len(g.events), "event"),
                None if g.feed is None else links.href(g.feed),
            )
            for g in groups
        ]
        writer.page(f"{folder}/", "hub.html", title=title, entries=entries)
    browse = [
        HubEntry(title, links.href(f"{folder}/"), _count(len(groups), "page"))
        for folder, (title, groups) in families.items()
    ]
    writer.page("events/", "hub.html", title=f"All {len(events)} events", entries=browse)
    feeds = [
        HubEntry(g.title, links.href(g.feed), _count(len(g.events), "event"), links.href(g.folder))
        for key in ("types", "agencies")
        for g in families[key][1]
        if g.feed
    ]
    writer.page(
        "feeds/",
        "feeds.html",
        title="Feeds",
        atom=links.href(shared.ATOM),
        ics=links.href(shared.ICS_ALL),
        entries=feeds,
    )

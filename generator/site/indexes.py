"""Index pages: all events (upcoming, past), per event type, agency, program and year, their
hubs, and the feeds page. Every listing is paginated (`PAGE_ROWS` rows a page: the folder
itself, then `page/2/`, `page/3/`...), and links the API list that answers the same question."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from generator.api.query import Query, query_path
from generator.api.versions import NEWEST
from generator.common import digest
from generator.site import chrome
from generator.site.linked import LinkedLists
from generator.site.links import SiteLinks
from generator.site.views import EventSummary, NavItem
from generator.site.writer import PageWriter


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
    """One listing: its folder, title, events, (for types and agencies) calendar, and the
    API list with the same events (e.g. `?type__ids=2`; generator/site/linked.py)."""

    folder: str
    title: str
    events: list[EventSummary]
    feed: str | None
    api: Query | None = None


#: Rows of a listing page: 50 rows are about 20 KB of HTML.
PAGE_ROWS = 50


@dataclass(frozen=True)
class PageLink:
    label: str
    href: str | None  # None: the current page, or a gap ("…")


@dataclass(frozen=True)
class Pager:
    """Where a listing page is among its pages."""

    number: int
    count: int
    previous: str | None
    next: str | None
    links: tuple[PageLink, ...]


def page_folder(folder: str, number: int) -> str:
    """The folder of page `number` of a listing at `folder` (page 1 is the folder itself)."""
    return folder if number == 1 else f"{folder}page/{number}/"


def _pager(folder: str, number: int, count: int, links: SiteLinks) -> Pager:
    """Previous/next and the page numbers near this one (first and last always shown)."""

    def href(n: int) -> str:
        return links.href(page_folder(folder, n))

    shown = sorted({1, count, *range(max(1, number - 2), min(count, number + 2) + 1)})
    items: list[PageLink] = []
    for before, n in zip([0, *shown], shown, strict=False):
        if n > before + 1:
            items.append(PageLink("…", None))
        items.append(PageLink(str(n), None if n == number else href(n)))
    return Pager(
        number,
        count,
        href(number - 1) if number > 1 else None,
        href(number + 1) if number < count else None,
        tuple(items),
    )


def paginate(shown: list[Section]) -> list[list[Section]]:
    """Sections cut into pages of `PAGE_ROWS` rows; a section spread over pages keeps its
    heading on each (at least one page, even when empty)."""
    rows = [(s.heading, e) for s in shown for e in s.rows]
    pages: list[list[Section]] = []
    for start in range(0, max(len(rows), 1), PAGE_ROWS):
        page: list[Section] = []
        for heading, event in rows[start : start + PAGE_ROWS]:
            if not page or page[-1].heading != heading:
                page.append(Section(heading, []))
            page[-1].rows.append(event)
        pages.append(page)
    return pages


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
    linked: LinkedLists,
) -> list[Group]:
    """One group per key (`feed` is a pattern with {id}), by name."""
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
            linked.query(folder, key),
        )
        for key, (name, rows) in sorted(members.items(), key=lambda kv: kv[1][0].lower())
    ]


def _row_keys(events: list[EventSummary]) -> dict[int, bytes]:
    """Per event, a digest of what a listing's row shows of it (_rows.html, no countdown)."""
    return {
        e.id: digest(
            *(
                str(part).encode()
                for part in (e.href, e.name, e.type.name, e.when.iso, e.when.text, e.when.exact)
            )
        )
        for e in events
    }


def api_list_links(query: Query, links: SiteLinks) -> list[NavItem]:
    """Where the mirror serves the first page of a list: browsable and JSON."""
    return [
        NavItem(f"API {query.version} list (browsable)", links.api(query)),
        NavItem(f"API {query.version} list (JSON)", links.href(query_path(query))),
    ]


@dataclass(frozen=True)
class Listing:
    """What listing.html shows besides the rows: one page of a group."""

    title: str
    heading: str
    feed: str | None
    crumbs: tuple[NavItem, ...]
    tabs: tuple[NavItem, ...]  # the events' own lists: upcoming, past (the current one: href "")
    browse: tuple[NavItem, ...]  # the hubs (types, agencies...), on the events' own lists
    api: tuple[NavItem, ...]
    pager: Pager


def write_listing(
    writer: PageWriter,
    links: SiteLinks,
    group: Group,
    now: datetime,
    rows: dict[int, bytes],
    crumbs: tuple[NavItem, ...],
    tabs: tuple[NavItem, ...] = (),
    browse: tuple[NavItem, ...] = (),
) -> None:
    """Every page of one group's listing, each keyed by what it shows."""
    feed = None if group.feed is None else links.href(group.feed)
    pages = paginate(sections(group.events, now))
    api = () if group.api is None else tuple(api_list_links(group.api, links))
    for number, shown in enumerate(pages, start=1):
        pager = _pager(group.folder, number, len(pages), links)
        listing = Listing(
            group.title if number == 1 else f"{group.title} (page {number} of {len(pages)})",
            group.title,
            feed,
            crumbs,
            tabs,
            browse,
            api,
            pager,
        )
        parts = [repr(listing)] + [f"{s.heading}:{len(s.rows)}" for s in shown]
        key = digest(*(p.encode() for p in parts), *(rows[e.id] for s in shown for e in s.rows))
        writer.keyed_page(
            page_folder(group.folder, number),
            "listing.html",
            key,
            partial(dict, listing=listing, sections=shown),
        )


def write_indexes(
    events: list[EventSummary], now: datetime, links: SiteLinks, writer: PageWriter, linked: LinkedLists
) -> None:
    """Every index page and hub, and the feeds page; `linked` names the API lists they link."""
    families = {
        "types": (
            "Event types",
            _groups(
                events,
                "types",
                lambda e: [(e.type.id, e.type.name)],
                "Type",
                "calendar/types/{id}.ics",
                linked,
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
                linked,
            ),
        ),
        "programs": (
            "Programs",
            _groups(
                events, "programs", lambda e: [(p.id, p.name) for p in e.programs], "Program", None, linked
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
                linked.query("years", y),
            )
            for y in years
        ],
    )
    rows = _row_keys(events)
    events_crumb = NavItem("All events", links.href("events/"))
    for folder, (title, groups) in families.items():
        crumbs = (events_crumb, NavItem(title, links.href(f"{folder}/")))
        for group in groups:
            write_listing(writer, links, group, now, rows, crumbs)
        entries = [
            HubEntry(
                g.title.split(": ", 1)[-1],
                links.href(g.folder),
                _count(len(g.events), "event"),
                None if g.feed is None else links.href(g.feed),
            )
            for g in groups
        ]
        writer.page(f"{folder}/", "hub.html", title=title, entries=entries, crumbs=(events_crumb,))
    write_event_lists(events, now, links, writer, rows, families)
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
        atom=links.href(chrome.ATOM),
        slips=links.href(chrome.SLIPS_ATOM),
        ics=links.href(chrome.ICS_ALL),
        entries=feeds,
    )


def write_event_lists(
    events: list[EventSummary],
    now: datetime,
    links: SiteLinks,
    writer: PageWriter,
    rows: dict[int, bytes],
    families: dict[str, tuple[str, list[Group]]],
) -> None:
    """/events/: upcoming events (soonest first, then those without a date), and /events/past/
    (latest first), both paginated, with links to the hubs of every family."""
    coming = [e for e in events if e.date is None or e.date >= now]
    past = [e for e in events if e.date is not None and e.date < now]
    lists = (
        Group("events/", "Upcoming events", coming, chrome.ICS_ALL, Query(NEWEST, "upcoming")),
        Group("events/past/", "Past events", past, None, Query(NEWEST, "previous")),
    )
    browse = tuple(NavItem(title, links.href(f"{folder}/")) for folder, (title, _) in families.items())
    for group in lists:
        tabs = tuple(
            NavItem(f"{g.title.split()[0]} ({len(g.events)})", "" if g is group else links.href(g.folder))
            for g in lists
        )
        write_listing(writer, links, group, now, rows, (), tabs, browse)

"""The human site: home, one page per event, indexes, feeds, search, content pages and 404.

Written from the events gathered first (`site/gather.py`: each event's summary and history):
each event page is rendered from its record (read, rendered, dropped), every other page from
the summaries. Summaries are kept between builds and pages are keyed, so an unchanged record
is not even read again.
"""

from collections.abc import Callable, Iterator
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING, Any

import orjson
from markupsafe import Markup

from generator.api.engine import RECENT
from generator.api.openapi import OPENAPI_PATH, load_events_spec, mirror_document, server_url
from generator.api.query import Query, query_path
from generator.api.versions import NEWEST
from generator.common import digest
from generator.context import BuildContext
from generator.errors import ContentError, OutputError
from generator.incremental.memo import Memo
from generator.load.history import History
from generator.load.records import RecordSource
from generator.load.validate import SnapshotIndex
from generator.output.tally import Tally
from generator.site import chrome
from generator.site.browse import write_shells
from generator.site.feeds import Entry, atom, atom_feed, calendar_of, entry_id, vevent
from generator.site.gather import SiteEvents
from generator.site.indexes import api_list_links, write_indexes
from generator.site.linked import LinkedLists
from generator.site.links import SiteLinks
from generator.site.plumbing import copy_assets, write_plumbing
from generator.site.render import Blanks, Renderer, render_markdown
from generator.site.schedule import Schedule, date_changes, moved
from generator.site.views import (
    EventSummary,
    NavItem,
    event_page,
    summary_json,
    when,
)
from generator.site.writer import PageWriter

if TYPE_CHECKING:
    from generator.opendata.write import OpenData

HOME_ROWS = 12
ATOM_ENTRIES = 50


def api_links(index: SnapshotIndex, event_id: int, links: SiteLinks) -> list[NavItem]:
    """Where the mirror serves this event: each version's browsable page and raw JSON."""
    items = []
    for version, vindex in index.versions.items():
        if event_id in vindex.facets:
            query = Query(version, event_id=event_id)
            browsable = links.event_api(version, event_id)
            if browsable is not None:  # a version without an `id` filter: its JSON only
                items.append(NavItem(f"API {version} (browsable)", browsable))
            items.append(NavItem(f"API {version} (JSON)", links.href(query_path(query))))
    return items


def _event_context(
    record: Callable[[], dict[str, Any]],
    summary: EventSummary,
    api: Callable[[], list[NavItem]],
    absolute: str | None,
    history: History,
    ics: str | None,
) -> dict[str, Any]:
    """What event.html renders (the record and the API links are made only now: the page
    must be made)."""
    return {"event": event_page(record(), summary, api(), absolute, date_changes(history), ics)}


def write_events(index: SnapshotIndex, records: RecordSource, events: SiteEvents, writer: PageWriter) -> None:
    """One page per event, keyed: a page whose record, links and history did not change is
    not made again (nor its record read)."""
    links = events.links
    for event in events.shown:
        version, summary, history = event.version, event.summary, event.history

        def record(
            version: str = version, mode: str | None = event.mode, event_id: int = event.event_id
        ) -> dict[str, Any]:
            """The record, read and parsed only now: its page must be made."""
            parsed: dict[str, Any] = orjson.loads(records.get(version, mode, event_id))
            return parsed

        absolute = links.absolute(summary.relpath)
        ics = links.href(event_ics(summary.id)) if summary.date else None
        # The API links are made from the versions that have the event, its id and the base
        # path: those are keyed, the links made only for a page that is made.
        present = ",".join(v for v, vindex in index.versions.items() if summary.id in vindex.facets)
        key = digest(
            version.encode(),
            event.record_digest,
            f"{summary.id} {present} {links.base_path}".encode(),
            str(absolute).encode(),
            history.to_json(),
            str(ics).encode(),
        )
        writer.keyed_page(
            summary.relpath,
            "event.html",
            key,
            partial(
                _event_context,
                record,
                summary,
                partial(api_links, index, summary.id, links),
                absolute,
                history,
                ics,
            ),
        )


def by_date(events: list[EventSummary]) -> list[EventSummary]:
    """Dated events, soonest first, ties by id."""
    return sorted((e for e in events if e.date), key=lambda e: (e.date, e.id))


def upcoming(events: list[EventSummary], since: datetime) -> list[EventSummary]:
    return [e for e in by_date(events) if e.date and e.date >= since]


def is_seed(index: SnapshotIndex) -> bool:
    """Whether the snapshot is the embedded seed: files of LL2 records, none of them fetched
    (a fetch sets `fetched_at`; bench/corpus.py's generated corpora list no files)."""
    files = index.snapshot.metadata.get("files", {})
    return bool(files) and not any(meta.get("fetched_at") for meta in files.values())


def write_home(
    events: list[EventSummary],
    now: datetime,
    links: SiteLinks,
    writer: PageWriter,
    seed: bool = False,
    as_of: datetime | None = None,
) -> None:
    """Next events (with countdowns) and the latest past ones; `seed`: say the snapshot is
    the embedded seed, not a fetch; with the lists they start. "Next" is after the build's
    `now`, the snapshot's `as_of` unless built with --now: the page says so, since the
    countdowns run on the reader's clock."""
    dated = by_date(events)
    past = [e for e in reversed(dated) if e.date and e.date < now]
    writer.page(
        "",
        "home.html",
        next_events=upcoming(events, now)[:HOME_ROWS],
        recent=past[:HOME_ROWS],
        total=len(events),
        seed=seed,
        now_text=f"{now:%Y-%m-%d %H:%M} UTC",
        now_is_as_of=as_of is None or now == as_of,
        more_next=NavItem("All upcoming events", links.href("events/")),
        more_recent=NavItem("All past events", links.href("events/past/")),
        api=api_list_links(Query(NEWEST, "upcoming"), links),
    )


def event_ics(event_id: int) -> str:
    """Where one event's own calendar file is ("add to calendar")."""
    return f"calendar/events/{event_id}.ics"


def write_feeds(
    events: list[EventSummary], links: SiteLinks, now: datetime, writer: PageWriter, schedule: Schedule
) -> None:
    """The Atom feeds (recent changes, date slips) and the calendars: all upcoming, per type,
    per agency, and each dated event alone. Every calendar is keyed by its events' keys (all
    a VEVENT's bytes depend on), and each VEVENT made at most once: a rebuild makes those of
    the calendars an event changed in."""
    sequences = schedule.sequences()
    origin = str(links.absolute()).encode()
    keys = {
        # All its bytes depend on (DTSTAMP falls back to now without a last_updated).
        e.id: digest(
            orjson.dumps(summary_json(e)),
            str(sequences.get(e.id)).encode(),
            origin,
            b"" if e.last_updated else str(now).encode(),
        )
        for e in events
        if e.date is not None
    }
    made: dict[int, bytes] = {}

    def vevents(chosen: list[EventSummary]) -> Iterator[bytes]:
        for e in chosen:
            if e.id not in made:
                made[e.id] = vevent(e, links, now, sequences.get(e.id, 0))
            yield made[e.id]

    def write_calendar(relpath: str, name: str, chosen: list[EventSummary]) -> None:
        key = digest(b"calendar", name.encode(), *(keys[e.id] for e in chosen))
        writer.keyed_file(relpath, key, lambda: calendar_of(name, vevents(chosen)), "feeds")

    soon = upcoming(events, now - RECENT)
    write_calendar(chrome.ICS_ALL, "Upcoming space events (LL2)", soon)
    types = {e.type.id: e.type.name for e in events}
    agencies = {a.id: a.name for e in events for a in e.agencies}
    for type_id, name in sorted(types.items()):
        chosen = [e for e in soon if e.type.id == type_id]
        write_calendar(f"calendar/types/{type_id}.ics", f"{name} events (LL2)", chosen)
    for agency_id, name in sorted(agencies.items()):
        chosen = [e for e in soon if any(a.id == agency_id for a in e.agencies)]
        write_calendar(f"calendar/agencies/{agency_id}.ics", f"{name} events (LL2)", chosen)
    for event in events:
        if event.date is not None:
            write_calendar(event_ics(event.id), event.name, [event])
    changed = sorted(events, key=lambda e: (e.last_updated or now, e.id), reverse=True)[:ATOM_ENTRIES]
    writer.file(
        chrome.ATOM,
        atom("Recently updated space events (LL2)", changed, links, chrome.ATOM, now),
        "feeds",
    )
    writer.file(chrome.SLIPS_ATOM, slips_feed(events, schedule, links, now), "feeds")


def slips_feed(events: list[EventSummary], schedule: Schedule, links: SiteLinks, now: datetime) -> bytes:
    """Atom of the latest date slips: one entry per change of an event's date."""
    by_id = {e.id: e for e in events}
    entries = []
    for slip in schedule.slips()[:ATOM_ENTRIES]:
        event = by_id[slip["id"]]
        old = when(slip["old"], None).text
        new = when(slip["new"], None).text
        how = moved(slip["delta_seconds"])
        entries.append(
            Entry(
                entry_id(f"slips/{slip['id']}/{slip['seen']}"),
                f"{event.name}: moved to {new}",
                slip["seen"],
                event.relpath,
                event.type.name,
                f"Was {old}, now {new}" + (f" ({how})." if how else ".") + f" Seen {slip['seen']}.",
            )
        )
    return atom_feed(
        "Date changes of space events (LL2)", "feeds/slips", entries, links, chrome.SLIPS_ATOM, now
    )


def write_search(events: list[EventSummary], writer: PageWriter) -> None:
    """The compact search index (loaded by the search box on first use) and the results page."""
    rows = [[e.id, e.name, e.when.text, e.relpath, e.type.name] for e in events]
    writer.file(
        chrome.SEARCH_INDEX,
        orjson.dumps({"fields": ["id", "name", "when", "path", "type"], "events": rows}),
    )
    writer.page(chrome.SEARCH, "search.html", listed=False)


def write_data_page(
    data: "OpenData", index: SnapshotIndex, links: SiteLinks, writer: PageWriter, memo: Memo
) -> None:
    """/data/ (every download, with examples) and the README of dist/dumps/. The page's HTML
    is remembered without the values that change with the snapshot (sizes, sha256...), which
    are put back: a rebuild converts no Markdown unless the rest of the page changed."""
    from generator.site.datapage import DUMPS_README, PAGE, data_markdown, dumps_readme

    as_of = index.snapshot.metadata["as_of"]
    rows = {v: len(vi.facets) for v, vi in index.versions.items()}
    blanks = Blanks()
    text = data_markdown(data, rows, as_of, links, blanks)
    html = memo.value(
        "markdown",
        digest(text.encode(), links.base_path.encode()),
        lambda: str(render_markdown(text, links.base_path)),
    )
    filled = blanks.fill(html)
    body = (
        render_markdown(data_markdown(data, rows, as_of, links), links.base_path)
        if filled is None
        else Markup(filled)  # Markdown's own HTML, with plain values put back
    )
    writer.page(PAGE, "page.html", title="Open data", body=body)
    writer.file(DUMPS_README, dumps_readme(data, as_of), "dumps")


def _content_page(title: str, text: str, base_path: str) -> dict[str, Any]:
    return {"title": title, "body": render_markdown(text, base_path)}


def write_site(ctx: BuildContext, tally: Tally, shown: SiteEvents) -> PageWriter:
    """The human site and feeds into the staging folder (beside the JSON), from the events
    gathered (`site/gather.py`); `finish_site` adds what waits for the open data."""
    index, records, out, settings, now = ctx.index, ctx.records, ctx.out, ctx.settings, ctx.now
    links, schedule = shown.links, shown.schedule
    pages = chrome.content_pages(settings)
    compiled = None if ctx.memo is None or ctx.memo.root is None else ctx.memo.root / "jinja"
    renderer = Renderer(settings.templates_dir, compiled)
    writer = PageWriter(out, renderer, chrome.make_chrome(settings, links, pages, now), tally)
    write_events(index, records, shown, writer)
    events = shown.summaries
    write_home(events, now, links, writer, is_seed(index), index.snapshot.as_of)
    write_indexes(events, now, links, writer, LinkedLists(index))
    write_feeds(events, links, now, writer, schedule)
    write_search(events, writer)
    for page in pages:  # last: a name the site already uses is named as the page's fault
        try:
            # Keyed: an unchanged page is neither converted from Markdown nor rendered.
            writer.keyed_page(
                page.relpath,
                "page.html",
                digest(page.title.encode(), page.text.encode(), settings.base_path.encode()),
                partial(_content_page, page.title, page.text, settings.base_path),
            )
        except OutputError as exc:
            raise ContentError(
                f"{page.source}: the site already has a page at /{page.relpath} (the {page.name!r} "
                "index); give this Markdown page another file name"
            ) from exc
    write_shells(events, settings, links, renderer, writer.chrome, writer.file)
    copy_assets(settings.templates_dir / "static", out, tally)
    spec = mirror_document(load_events_spec(), server_url(links.absolute(""), settings.base_path))
    out.write(OPENAPI_PATH, spec)
    tally.add("site", len(spec))
    return writer


def finish_site(ctx: BuildContext, writer: PageWriter, data: "OpenData | None" = None) -> None:
    """The /data/ page, listing what the open data wrote (`data`; without it, no /data/
    page), then the plumbing: the sitemap lists every page written."""
    links = SiteLinks(ctx.settings)
    if data is not None:
        write_data_page(data, ctx.index, links, writer, ctx.memo or Memo(None))
    write_plumbing(ctx.out, links, ctx.settings.cname, writer.sitemap, writer.tally)

"""What the site shows of each event, gathered before anything is written: one summary per
event (from the newest version that has it), kept in the build memo by its record's digest,
and the schedule history brought up to date with each. The open data (`changes.json` lists
the latest slips) and the site's pages are then written from it."""

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import orjson

from generator.api.versions import version_key
from generator.common import digest
from generator.context import BuildContext
from generator.incremental.memo import Memo
from generator.load.history import History
from generator.load.validate import SnapshotIndex
from generator.site.links import SiteLinks
from generator.site.schedule import Schedule
from generator.site.views import EventSummary, summarise, summary_from_json, summary_json


@dataclass(frozen=True)
class ShownEvent:
    """One event as the site shows it: where its record is, its summary, its history."""

    version: str
    mode: str | None
    event_id: int
    record_digest: bytes
    summary: EventSummary
    history: History


@dataclass(frozen=True)
class SiteEvents:
    """Every event the site shows, in id order, with the links and schedule they were made with."""

    links: SiteLinks
    schedule: Schedule
    shown: list[ShownEvent]

    @property
    def summaries(self) -> list[EventSummary]:
        return [event.summary for event in self.shown]


def shown_records(index: SnapshotIndex) -> Iterator[tuple[str, str | None, int, bytes]]:
    """Each event once, by id: the version whose record shows it (the newest that has it),
    the mode of that record (detail), its id and the digest of its bytes."""
    newest_first = sorted(
        index.versions.values(),
        key=lambda v: version_key(v.spec.version),
        reverse=True,
    )
    ids = sorted({i for v in newest_first for i in v.facets})
    for event_id in ids:
        vindex = next(v for v in newest_first if event_id in v.facets)
        mode = vindex.spec.default_detail_mode
        yield vindex.spec.version, mode, event_id, vindex.files[mode].spans[event_id].digest


def gather_events(ctx: BuildContext) -> SiteEvents:
    """Every shown event's summary (a record is read only when its summary is not kept) and
    the schedule history brought up to date with each."""
    links = SiteLinks(ctx.settings)
    memo = ctx.memo or Memo(None)
    patterns = (links.href("types/{id}/"), links.href("agencies/{id}/"), links.href("programs/{id}/"))
    schedule = Schedule.load(ctx.index.snapshot)
    shown = []
    for version, mode, event_id, record_digest in shown_records(ctx.index):

        def summary_of(
            version: str = version, mode: str | None = mode, event_id: int = event_id
        ) -> list[Any]:
            record = orjson.loads(ctx.records.get(version, mode, event_id))
            summary = summarise(record, version, *patterns, "")
            summary.href = links.href(summary.relpath)
            return summary_json(summary)

        summary_key = digest(b"summary", version.encode(), record_digest, *(p.encode() for p in patterns))
        summary = summary_from_json(memo.value("summary", summary_key, summary_of))
        shown.append(ShownEvent(version, mode, event_id, record_digest, summary, schedule.see(summary)))
    return SiteEvents(links, schedule, shown)

"""Follow one walk's `next` links, validating every record before it is kept."""

from collections.abc import Callable
from pathlib import Path

import orjson

from generator.api.models import EVENT_MODELS
from generator.api.times import parse_utc
from generator.errors import FetchError
from generator.fetch.client import LL2Client
from generator.fetch.clock import Clock, stamp
from generator.fetch.envelope import Page
from generator.fetch.plan import Walk, page_key
from generator.load.snapshot import Line, SnapshotFile
from generator.load.validate import check_line

#: Called after each page: (walk, page).
OnPage = Callable[[Walk, Page], None]


def validate_page(walk: Walk, url: str, page: Page) -> None:
    """Raise FetchError naming every record of the page that fails its model.

    A walk with `since` also checks that LL2 applied `last_updated__gte`: were the filter
    ignored, the walk would page through every event and spend the budget on nothing.
    """
    model = EVENT_MODELS[(walk.version, walk.mode)]
    file = SnapshotFile(walk.version, walk.mode, Path(walk.file))
    since = parse_utc(walk.since) if walk.since else None
    problems = []
    for number, data in enumerate(page.records, start=1):
        checked = check_line(model, file, Line(number, 0, data))
        problems += [
            f"  result {number}: event {p.event_id if p.event_id is not None else '?'}: "
            f"{p.field}: {p.message}"
            for p in checked.problems
        ]
        updated = getattr(checked.model, "last_updated", None)
        if since is not None and updated is not None and updated < since:
            problems.append(
                f"  result {number}: event {checked.record_id}: last_updated: "
                f"{updated:%Y-%m-%dT%H:%M:%SZ} is before last_updated__gte={walk.since} "
                "(the filter was ignored; try --full)"
            )
    if problems:
        raise FetchError(
            f"GET {url}: {len(problems)} problem(s) in records LL2 sent; the snapshot was left "
            "as it was:\n" + "\n".join(problems)
        )


def _server_start(client: LL2Client, page: Page) -> str | None:
    """When the walk started by LL2's clock: the Date of its first page; without one, the
    newest `last_updated` on that page (sorted newest first: LL2's time was past it)."""
    if client.server_date is not None:
        return stamp(client.server_date)
    stamps = []
    for record in page.records:
        value = orjson.loads(record).get("last_updated")
        if isinstance(value, str):
            stamps.append(parse_utc(value))
    return stamp(max(stamps)) if stamps else None


def run_walk(walk: Walk, client: LL2Client, sink: list[bytes], clock: Clock, on_page: OnPage) -> None:
    """Fetch the walk's remaining pages into `sink`, updating the walk after every page.

    Raises QuotaSpent or RateLimited to stop cleanly (the walk then says where to resume)
    and FetchError when the run fails.
    """
    while walk.next is not None:
        url = client.url(walk.next)
        page = client.get_page(url)
        validate_page(walk, url, page)
        if walk.started_at is None:
            walk.started_at = _server_start(client, page)
        sink.extend(page.records)
        walk.pages += 1
        walk.records += len(page.records)
        walk.shrank |= bool(walk.counts) and page.count < walk.counts[-1]
        walk.counts = [walk.counts[0] if walk.counts else page.count, page.count]
        walk.read.append(page_key(url))
        if page.next is None:
            walk.next = None
        else:
            absolute = client.url(page.next)
            walk.next = absolute[len(client.settings.api_root) :]
            if page_key(walk.next) in walk.read:
                raise FetchError(
                    f"GET {url}: LL2's next link leads back to a page this walk already read "
                    f"({absolute}): stopped, so that the budget is not spent in a loop; the "
                    "snapshot was left as it was"
                )
            if not page.records:
                raise FetchError(
                    f"GET {url}: LL2 sent an empty page with a next link ({absolute}): "
                    "stopped, so that the budget is not spent on pages past the end; the "
                    "snapshot was left as it was"
                )
        on_page(walk, page)
        if walk.next is None and walk.shrank:
            walk.read_again()  # what it may have skipped is read again: no skip ends complete
            sink.clear()  # (and a record deleted since its first pass is not kept)

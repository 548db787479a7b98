"""The static JSON mirror: every event at its detail path, every planned list page by page.

Records are written as the bytes of their snapshot lines; list pages wrap them in LL2's
envelope `{"count","next","previous","results"}` with `next`/`previous` pointing at the
mirror's own page files. Pages are produced one at a time (streaming): memory holds one page.
"""

import functools
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import orjson

from generator.api.engine import select
from generator.api.query import Query, normalise, query_path
from generator.api.versions import PAGE_SIZES, SUBSETS
from generator.common import digest
from generator.context import BuildContext
from generator.load.validate import VersionIndex
from generator.mirror.manifest import ManifestEntries, ManifestSink, ManifestWriter, entry_cost
from generator.output.staging import StagedOutput
from generator.output.tally import Tally
from generator.settings import BuildSettings

#: What a build wrote of one list, or of one version's details in one mode: each file's path
#: in dist/ and its manifest line, in order.
Written = tuple[tuple[str, ...], tuple[bytes, ...]]


class PreviousPages(Protocol):
    """What the previous build wrote, where this build may keep part of it
    (variants/reuse.py): the pages of a list, or the details of a version in one mode, with
    the events whose files must be written again; None: write them all."""

    def pages(self, first: Query) -> tuple[Written, frozenset[int]] | None: ...

    def details(self, version: str, mode: str | None) -> tuple[Written, frozenset[int]] | None: ...


@dataclass
class MirrorPages:
    """What `write_json_mirror` wrote, for the next build's `PreviousPages`."""

    lists: dict[Query, Written] = field(default_factory=dict)
    details: dict[tuple[str, str | None], Written] = field(default_factory=dict)


def envelope(count: int, next_url: str | None, previous_url: str | None, results: list[bytes]) -> bytes:
    """LL2's paginated envelope around records that are already JSON bytes."""
    return b"".join(
        (
            b'{"count":',
            str(count).encode(),
            b',"next":',
            orjson.dumps(next_url),
            b',"previous":',
            orjson.dumps(previous_url),
            b',"results":[',
            b",".join(results),
            b"]}",
        )
    )


def core_list_queries(vindex: VersionIndex) -> Iterator[Query]:
    """First pages of the lists every build has: each subset x mode x page size."""
    spec = vindex.spec
    for subset in SUBSETS:
        for mode in spec.modes:
            for limit in PAGE_SIZES:
                pairs = [("limit", str(limit))] + ([("mode", mode)] if mode else [])
                yield normalise(spec.version, subset, None, pairs)


@dataclass(frozen=True)
class ListPage:
    """One page of a list: its query, the ids on it, and its neighbours' queries."""

    query: Query
    count: int
    ids: list[int]
    next: Query | None
    previous: Query | None


def paginate(first: Query, ids: list[int]) -> Iterator[ListPage]:
    """Every page of the list that `first` starts (offset 0); one empty page when no ids."""
    for offset in range(0, max(len(ids), 1), first.limit):
        yield page_at(first, ids, offset)


def page_at(first: Query, ids: list[int], offset: int) -> ListPage:
    """The page at `offset` of the list that `first` starts."""
    limit = first.limit
    return ListPage(
        first.with_offset(offset),
        len(ids),
        ids[offset : offset + limit],
        first.with_offset(offset + limit) if offset + limit < len(ids) else None,
        first.with_offset(max(offset - limit, 0)) if offset > 0 else None,
    )


def emit(
    out: StagedOutput,
    query: Query,
    body: Callable[[], bytes],
    tally: Tally,
    family: str,
    key: bytes,
    *,
    manifest: ManifestSink | None = None,
) -> None:
    """Write the JSON answer to one query: the single place every mirror file goes through.

    `body` produces the bytes and `key` is the digest of all they depend on: an answer whose
    key is unchanged since the previous build is not produced again (incremental builds).
    The manifest lists the answer.
    """
    size, sha256 = out.write_keyed(query_path(query), key, body, hashed=manifest is not None)
    tally.add(family, size)
    if manifest is not None:
        manifest.add(query, size, sha256)


def write_list(
    ctx: BuildContext,
    first: Query,
    ids: list[int],
    tally: Tally,
    family: str = "lists",
    *,
    manifest: ManifestSink | None = None,
) -> None:
    """Write every page of one list."""
    for page in paginate(first, ids):
        write_page(ctx, page, tally, family, manifest=manifest)


def write_page(
    ctx: BuildContext, page: ListPage, tally: Tally, family: str, *, manifest: ManifestSink | None = None
) -> None:
    """Write one page of a list."""
    records, settings = ctx.records, ctx.settings
    version, mode = page.query.version, page.query.mode
    next_url = None if page.next is None else settings.url(query_path(page.next))
    previous_url = None if page.previous is None else settings.url(query_path(page.previous))
    digests = records.digests(version, mode, page.ids)
    key = digest(
        b"list", str(page.count).encode(), str(next_url).encode(), str(previous_url).encode(), *digests
    )

    def body() -> bytes:
        return envelope(page.count, next_url, previous_url, records.many(version, mode, page.ids))

    emit(ctx.out, page.query, body, tally, family, key, manifest=manifest)


def write_list_again(
    ctx: BuildContext,
    first: Query,
    ids: list[int],
    tally: Tally,
    family: str,
    earlier: Written,
    changed: frozenset[int],
) -> Written:
    """Write the pages of a list that hold a changed event; keep the others as the previous
    build wrote them (the list selects the same events in the same order: `PreviousPages`)."""
    limit = first.limit
    offsets = range(0, max(len(ids), 1), limit)
    assert len(offsets) == len(earlier[0])  # the same selection: as many pages as before
    paths, lines = list(earlier[0]), list(earlier[1])
    unchanged = [n for n, offset in enumerate(offsets) if changed.isdisjoint(ids[offset : offset + limit])]
    sizes = ctx.out.keep_all([paths[n] for n in unchanged])
    for size in sizes or ():
        tally.add(family, size)
    kept = set(unchanged if sizes is not None else ())  # dist/ lacks one: write every page
    for n, offset in enumerate(offsets):
        if n not in kept:
            page = ManifestEntries()
            write_page(ctx, page_at(first, ids, offset), tally, family, manifest=page)
            paths[n], lines[n] = page.paths[0], page.lines[0]
    return tuple(paths), tuple(lines)


#: What an offset adds to a page's path ("/offset-" and its digits) and to its URL's query
#: string ("?offset=" or "&offset=" and its digits), less the digits: the first page has none.
_OFFSET_TEXT = len("/offset-")


class _OffsetCosts:
    """Lengths that depend on a page's offset, from the first page's: a later page's path and
    LL2 URL each hold its offset once more, as `offset-N` and `offset=N` (digits never need
    escaping in JSON or URLs). tests/test_planner.py checks the result against real writes."""

    def __init__(self, first: Query, settings: BuildSettings) -> None:
        self._url = len(orjson.dumps(settings.url(query_path(first))))
        self._entry = entry_cost(first, 0) - 1

    def url(self, offset: int) -> int:
        """Length of the JSON string of the page URL at `offset` (as next/previous)."""
        return self._url + (_OFFSET_TEXT + len(str(offset)) if offset else 0)

    def entry(self, offset: int, size: int) -> int:
        """manifest.entry_cost of the page at `offset` holding `size` bytes."""
        return self._entry + (2 * (_OFFSET_TEXT + len(str(offset))) if offset else 0) + len(str(size))


_NULL = len(b"null")


def list_pages(
    first: Query, ids: Sequence[int], vindex: VersionIndex, settings: BuildSettings
) -> tuple[int, list[int]]:
    """Bytes (pages plus manifest entries) that write_list would spend, exactly, computed from
    the records' lengths and the first page's URL; and each page's size, from which a rebuild
    costs the list again when only some records' lengths changed (variants/reuse.py)."""
    length = vindex.files[first.mode].lengths.__getitem__
    limit, count = first.limit, len(ids)
    costs = _OffsetCosts(first, settings)
    head = len(envelope(count, None, None, [])) - 2 * _NULL
    total, sizes = 0, []
    for offset in range(0, max(count, 1), limit):
        body = head + sum(map(length, ids[offset : offset + limit])) + max(min(limit, count - offset) - 1, 0)
        body += costs.url(offset + limit) if offset + limit < count else _NULL
        body += costs.url(max(offset - limit, 0)) if offset > 0 else _NULL
        sizes.append(body)
        total += body + costs.entry(offset, body)
    return total, sizes


def list_cost(
    first: Query, ids: Sequence[int], vindex: VersionIndex, settings: BuildSettings
) -> tuple[int, int]:
    """Files and bytes (pages plus manifest entries) that write_list would spend, exactly,
    computed from the records' lengths and the first page's URL."""
    size, pages = list_pages(first, ids, vindex, settings)
    return len(pages), size


def write_details(
    ctx: BuildContext,
    vindex: VersionIndex,
    tally: Tally,
    *,
    manifest: ManifestWriter | None = None,
    modes: tuple[str | None, ...] | None = None,
    previous: PreviousPages | None = None,
    pages: MirrorPages | None = None,
) -> None:
    """Each event at /{version}/{endpoint}/{id}/, in every mode (the default mode unprefixed).
    With `previous`, the details of unchanged records are kept, their manifest lines too;
    `pages` receives what was written (with `manifest` only: the lines are its)."""
    version = vindex.spec.version
    for mode, findex in vindex.files.items():
        if modes is not None and mode not in modes:
            continue
        if manifest is None:
            _write_details(ctx, version, mode, findex.spans, tally, None)
            continue
        earlier = previous.details(version, mode) if previous is not None else None
        written = None if earlier is None else _write_details_again(ctx, version, mode, tally, *earlier)
        if written is None:
            entries = ManifestEntries()
            _write_details(ctx, version, mode, findex.spans, tally, entries)
            written = (tuple(entries.paths), tuple(entries.lines))
        manifest.add_lines(written[1])
        if pages is not None:
            pages.details[(version, mode)] = written


def _write_details(
    ctx: BuildContext,
    version: str,
    mode: str | None,
    ids: Iterable[int],
    tally: Tally,
    manifest: ManifestSink | None,
) -> None:
    out, spans = ctx.out, ctx.index.versions[version].files[mode].spans
    read = functools.partial(ctx.records.get, version, mode)
    for event_id in ids:
        query = normalise(version, "all", event_id, [("mode", mode)] if mode else [])
        emit(
            out,
            query,
            functools.partial(read, event_id),
            tally,
            "details",
            spans[event_id].digest,
            manifest=manifest,
        )


def _write_details_again(
    ctx: BuildContext, version: str, mode: str | None, tally: Tally, earlier: Written, changed: frozenset[int]
) -> Written | None:
    """The details of one mode as the previous build wrote them (the same events, in the same
    order), those of the `changed` records written again; None when dist/ lacks one."""
    ids = list(ctx.index.versions[version].files[mode].spans)
    paths, lines = list(earlier[0]), list(earlier[1])
    sizes = ctx.out.keep_all(
        [path for path, event_id in zip(paths, ids, strict=True) if event_id not in changed]
    )
    if sizes is None:
        return None
    for size in sizes:
        tally.add("details", size)
    for n, event_id in enumerate(ids):
        if event_id in changed:
            entry = ManifestEntries()
            _write_details(ctx, version, mode, (event_id,), tally, entry)
            paths[n], lines[n] = entry.paths[0], entry.lines[0]
    return tuple(paths), tuple(lines)


def write_json_mirror(
    ctx: BuildContext,
    manifest: ManifestWriter | None = None,
    previous: PreviousPages | None = None,
    pages: MirrorPages | None = None,
) -> Tally:
    """Details and the core lists of every version; with `previous`, the files of the
    previous build that no changed record is in are kept as they are (and their manifest
    lines); `pages` receives what was written, for the next build.

    One mode at a time (its details, then its lists), so the records a page shows are the
    ones the pages before it showed: caches of rendered records stay small and warm."""
    index, now = ctx.index, ctx.now
    tally = Tally()
    for vindex in index.versions.values():
        selections: dict[tuple[str, tuple[tuple[str, str], ...], str], list[int]] = {}
        for mode in vindex.spec.modes:
            if ctx.settings.details_as_files:
                write_details(
                    ctx, vindex, tally, manifest=manifest, modes=(mode,), previous=previous, pages=pages
                )
            for first in core_list_queries(vindex):
                if first.mode != mode and vindex.spec.modes != (None,):
                    continue
                key = (first.subset, first.filters, first.ordering)
                if key not in selections:
                    selections[key] = select(vindex.facets.values(), first, now)
                if manifest is None:
                    write_list(ctx, first, selections[key], tally)
                    continue
                written = _write_core_list(ctx, first, selections[key], tally, previous)
                manifest.add_lines(written[1])
                if pages is not None:
                    pages.lists[first] = written
    return tally


def _write_core_list(
    ctx: BuildContext, first: Query, ids: list[int], tally: Tally, previous: PreviousPages | None
) -> Written:
    """One core list's pages, those the previous build wrote kept where no changed record is
    on them; their paths and manifest lines."""
    earlier = previous.pages(first) if previous is not None else None
    if earlier is not None and not earlier[1]:
        sizes = ctx.out.keep_all(earlier[0][0])
        if sizes is not None:
            for size in sizes:
                tally.add("lists", size)
            return earlier[0]
    elif earlier is not None:
        return write_list_again(ctx, first, ids, tally, "lists", *earlier)
    entries = ManifestEntries()
    write_list(ctx, first, ids, tally, manifest=entries)
    return tuple(entries.paths), tuple(entries.lines)

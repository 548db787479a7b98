"""Variants: cost every list the planner proposes (in chunks either process takes),
admit them in priority order within the budget, and write the kept ones in two halves.

Runs after the core mirror (details and core lists) inside the same staged output; every file
goes through `mirror.answers.emit`, so the manifest lists it.
"""

from generator.api.query import Query, parse_request
from generator.context import BuildContext
from generator.errors import QueryError
from generator.load.validate import SnapshotIndex
from generator.mirror.answers import core_list_queries, list_pages, page_at, write_list, write_page
from generator.mirror.manifest import ManifestEntries, ManifestWriter
from generator.output.budget import GROUPS, DistBudget
from generator.output.parallel import Shares, halves
from generator.output.tally import Tally
from generator.settings import BuildSettings
from generator.site.linked import LinkedLists
from generator.variants.planner import Selections, Variant, plan
from generator.variants.reuse import Costed, CostReuse, SelectionKey, Written, pack, unpack

#: The candidates are costed in this many contiguous chunks, shared between the processes.
COST_CHUNKS = 64
#: A list the budget keeps: its first page, bytes, and the ids it selects (`reuse.pack_ids`).
Kept = tuple[Query, int, bytes]


def candidates(index: SnapshotIndex, settings: BuildSettings) -> list[Variant]:
    """Every variant the planner proposes, in priority order: lists named by --precompute,
    then those the human site links (generator/site/linked.py), then the planned families."""
    requested = requested_lists(settings)
    core = {q for vindex in index.versions.values() for q in core_list_queries(vindex)}
    asked = [Variant("requested", q) for q in requested if q not in core]
    chosen = set(requested)
    linked = [Variant("site-links", q) for q in LinkedLists(index).all() if q not in core and q not in chosen]
    chosen |= {v.first for v in linked}
    planned = (v for v in plan(list(index.versions.values())) if v.first not in chosen)
    return [*asked, *linked, *planned]


def variant_costs(
    ctx: BuildContext, shares: Shares, reuse: CostReuse | None = None
) -> dict[int, list[Costed]]:
    """The exact cost of the JSON pages of each candidate, for the chunks of candidates this
    process takes from `shares` (chunk number -> costs). Needs no budget, so both processes
    take chunks once their own stages are done; `merge_costs` puts them back in order.
    `reuse` gives the previous build's candidates and costs where no changed event matters."""
    index, settings, now = ctx.index, ctx.settings, ctx.now
    costed: dict[int, list[Costed]] = {}
    proposed: list[Variant] = []
    selections: dict[str, Selections] = {}
    packed: dict[SelectionKey, bytes] = {}  # one per selection
    for chunk in shares.take():
        if not selections:
            known = reuse.candidates if reuse is not None else None
            proposed = known if known is not None else candidates(index, settings)
            selections = {v: Selections(vi, now) for v, vi in index.versions.items()}
        start, end = (len(proposed) * n // shares.count for n in (chunk, chunk + 1))
        costed[chunk] = []
        for variant in proposed[start:end]:
            version = variant.first.version
            found = reuse.cost(variant) if reuse is not None else None
            if found is None:
                first = variant.first
                ids = selections[version].ids(first)
                key = (version, first.subset, first.filters, first.ordering)
                if key not in packed:
                    packed[key] = pack(ids)
                size, sizes = list_pages(first, ids, index.versions[version], settings)
                found = (len(sizes), size, packed[key], pack(sizes))
            files, size, selected, sizes_packed = found
            groups: tuple[str, ...] = () if variant.family == "requested" else (variant.group,)
            groups += (variant.tier,) if groups == (GROUPS[0],) else ()
            costed[chunk].append(
                (f"{version} {variant.family}", groups, variant.first, files, size, selected, sizes_packed)
            )
    return costed


def merge_costs(*parts: dict[int, list[Costed]]) -> list[Costed]:
    """The costs taken by each process, in priority order."""
    chunks = {n: costs for part in parts for n, costs in part.items()}
    return [costed for n in sorted(chunks) for costed in chunks[n]]


def choose_variants(costed: list[Costed], budget: DistBudget) -> list[Kept]:
    """The variants the budget admits, in priority order: first page, bytes (exact: the
    browsable pages are shells that no variant adds to) and the ids it selects."""
    kept: list[Kept] = []
    for family, groups, first, files, size, ids, _ in costed:
        if budget.admit(family, files, size, *groups):
            kept.append((first, size, ids))
    return kept


def write_variants(
    ctx: BuildContext,
    kept: list[Kept],
    tally: Tally,
    manifest: ManifestWriter,
    reuse: CostReuse | None = None,
) -> dict[Query, Written]:
    """Write the chosen variants in two shares of about equal
    bytes, the second by a forked process where `settings.jobs` allows; manifest entries are
    added in priority order either way, so the bytes do not depend on the number of processes.
    Pages the previous build wrote with the same bytes (`reuse.pages`) are kept as they are.
    Returns every kept list's pages and manifest lines, for the next build's `reuse`."""
    out, settings = ctx.out, ctx.settings
    written: dict[int, Written] = {}
    earlier: dict[int, tuple[Written, frozenset[int]]] = {}  # lists with some pages to write again
    for n, (first, _, _) in enumerate(kept):
        found = reuse.pages(first) if reuse is not None else None
        if found is None:
            continue
        if found[1]:
            earlier[n] = found
            continue
        sizes = out.keep_all(found[0][0])
        if sizes is not None:
            written[n] = found[0]
            for size in sizes:
                tally.add("variants", size)
    shares = halves((n for n in range(len(kept)) if n not in written), lambda n: kept[n][1])

    def write_share(share: list[int], in_child: bool) -> tuple[Tally, dict[int, Written]]:
        own, entries = Tally(), {}
        for n in share:
            first, _, packed = kept[n]
            ids = unpack(packed).tolist()
            if n in earlier:
                entries[n] = _rewrite_changed_pages(ctx, first, ids, own, *earlier[n])
            else:
                pages = ManifestEntries()
                write_list(ctx, first, ids, own, "variants", manifest=pages)
                entries[n] = (tuple(pages.paths), tuple(pages.lines))
        return own, entries

    (mine, entries), (theirs, their_entries) = out.in_two(
        lambda: write_share(shares[0], False),
        lambda in_child: write_share(shares[1], in_child),
        settings.jobs > 1,
    )
    tally.merge(mine)
    tally.merge(theirs)
    written.update(entries)
    written.update(their_entries)
    for n in range(len(kept)):
        for line in written[n][1]:
            manifest.add_line(line)
    return {first: written[n] for n, (first, _, _) in enumerate(kept)}


def _rewrite_changed_pages(
    ctx: BuildContext, first: Query, ids: list[int], tally: Tally, earlier: Written, changed: frozenset[int]
) -> Written:
    """Write the pages of a list that hold a changed event; keep the others as the previous
    build wrote them (the list selects the same events in the same order: `reuse.pages`)."""
    offsets = range(0, max(len(ids), 1), first.limit)
    assert len(offsets) == len(earlier[0])  # the same selection: as many pages as before
    paths, lines = list(earlier[0]), list(earlier[1])
    for n, offset in enumerate(offsets):
        kept = (
            None
            if changed.intersection(ids[offset : offset + first.limit])
            else ctx.out.keep_all(paths[n : n + 1])
        )
        if kept is not None:
            tally.add("variants", kept[0])
            continue
        page = ManifestEntries()
        write_page(ctx, page_at(first, ids, offset), tally, "variants", manifest=page)
        paths[n], lines[n] = page.paths[0], page.lines[0]
    return tuple(paths), tuple(lines)


def requested_lists(settings: BuildSettings) -> list[Query]:
    """The first pages of the lists named by --precompute, in canonical form, each once."""
    out: list[Query] = []
    for url in settings.precompute:
        query = parse_request(url, settings.base_path)
        if query.is_detail:
            raise QueryError(f"--precompute {url}: every event is precomputed already; give a list URL")
        first = query.with_params(offset=None)
        if first not in out:
            out.append(first)
    return out

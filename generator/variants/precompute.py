"""Variants: cost every list the planner proposes (in chunks either process takes),
admit them in priority order within the budget, and write the kept ones in chunks either
process takes.

Runs after the core mirror (details and core lists) inside the same staged output; every file
goes through `mirror.answers.emit`, so the manifest lists it.
"""

from collections.abc import Callable
from functools import partial

from generator.api.query import Query, parse_request
from generator.context import BuildContext
from generator.errors import QueryError
from generator.load.validate import SnapshotIndex
from generator.mirror.answers import Written, core_list_queries, list_pages, write_list, write_list_again
from generator.mirror.manifest import ManifestEntries, ManifestWriter
from generator.output.budget import GROUPS, DistBudget
from generator.output.parallel import Shares
from generator.output.tally import Tally
from generator.settings import BuildSettings
from generator.site.linked import LinkedLists
from generator.variants.planner import Selections, Variant, plan
from generator.variants.reuse import Costed, CostReuse, SelectionKey, pack, unpack

#: The candidates are costed in this many contiguous chunks, shared between the processes.
COST_CHUNKS = 64
#: The kept lists still to write, in as many chunks, shared the same way (a rebuild writes only
#: the pages that hold a changed event: the lists' sizes say nothing of the work).
WRITE_CHUNKS = 64
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
    proposed: list[Variant] | list[Costed] = []
    selections: dict[str, Selections] = {}
    packed: dict[SelectionKey, bytes] = {}  # one per selection

    def cost(first: Query) -> tuple[int, int, bytes, bytes]:
        version = first.version
        ids = selections[version].ids(first)
        key = (version, first.subset, first.filters, first.ordering)
        if key not in packed:
            packed[key] = pack(ids)
        size, sizes = list_pages(first, ids, index.versions[version], settings)
        return len(sizes), size, packed[key], pack(sizes)

    for chunk in shares.take():
        if not selections:
            known = reuse.costed if reuse is not None else None
            proposed = known if known is not None else candidates(index, settings)
            selections = {v: Selections(vi, now) for v, vi in index.versions.items()}
        start, end = (len(proposed) * n // shares.count for n in (chunk, chunk + 1))
        mine = costed[chunk] = []
        if proposed and not isinstance(proposed[0], Variant):  # the previous build's candidates
            assert reuse is not None
            for n in range(start, end):
                again = reuse.again(n)
                mine.append(again if again is not None else (*proposed[n][:3], *cost(proposed[n][2])))
            continue
        for variant in proposed[start:end]:
            assert isinstance(variant, Variant)
            found = reuse.cost(variant) if reuse is not None else None
            groups: tuple[str, ...] = () if variant.family == "requested" else (variant.group,)
            groups += (variant.tier,) if groups == (GROUPS[0],) else ()
            label = f"{variant.first.version} {variant.family}"
            mine.append((label, groups, variant.first, *(found or cost(variant.first))))
    return costed


def merge_costs(*parts: dict[int, list[Costed]]) -> list[Costed]:
    """The costs taken by each process, in priority order."""
    chunks = {n: costs for part in parts for n, costs in part.items()}
    return [costed for n in sorted(chunks) for costed in chunks[n]]


def choose_variants(costed: list[Costed], budget: DistBudget) -> list[Kept]:
    """The variants the budget admits, in priority order: first page, bytes (exact: the
    browsable pages are shells that no variant adds to) and the ids it selects."""
    kept: list[Kept] = []
    admit = budget.admit
    for family, groups, first, files, size, ids, _ in costed:
        if admit(family, files, size, *groups):
            kept.append((first, size, ids))
    return kept


def write_variants(
    ctx: BuildContext,
    kept: list[Kept],
    tally: Tally,
    manifest: ManifestWriter,
    reuse: CostReuse | None = None,
    meanwhile: Callable[[], None] | None = None,
) -> dict[Query, Written]:
    """Write the chosen variants in chunks that this process and a forked one (where
    `settings.jobs` allows) take in turn, this one once `meanwhile` has run (other work of
    the build's, which the forked process's chunks make up for); manifest entries are
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
    todo = [n for n in range(len(kept)) if n not in written]
    chunks = max(min(WRITE_CHUNKS, len(todo)), 1)

    def write_share(shares: Shares, in_child: bool) -> tuple[Tally, dict[int, Written]]:
        own, entries = Tally(), {}
        for chunk in shares.take():
            for n in todo[len(todo) * chunk // chunks : len(todo) * (chunk + 1) // chunks]:
                first, _, packed = kept[n]
                ids = unpack(packed).tolist()
                if n in earlier:
                    entries[n] = write_list_again(ctx, first, ids, own, "variants", *earlier[n])
                else:
                    pages = ManifestEntries()
                    write_list(ctx, first, ids, own, "variants", manifest=pages)
                    entries[n] = (tuple(pages.paths), tuple(pages.lines))
        return own, entries

    def here_share() -> tuple[Tally, dict[int, Written]]:
        if meanwhile is not None:
            meanwhile()
        return write_share(shares, False)

    with Shares(chunks) as shares:  # the lists in chunks, each written by whichever process is free
        (mine, entries), (theirs, their_entries) = out.in_two(
            here_share,
            partial(write_share, shares),
            settings.jobs > 1,
        )
    tally.merge(mine)
    tally.merge(theirs)
    written.update(entries)
    written.update(their_entries)
    manifest.add_lines([line for n in range(len(kept)) for line in written[n][1]])
    return {first: written[n] for n, (first, _, _) in enumerate(kept)}


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

"""The build's stages once dist/ is known out of date and every record has validated
(`pipeline.py` validates while this module and the libraries it needs load), one call a line
(docs/layout.md maps the folders):

    core site    the JSON mirror (mirror/) beside open data and the human site (opendata/,
                 site/), in two processes where the machine has two cores (output/parallel.py)
    client       ll2-static.js and the compact data it answers from (client/)
    variants     filtered lists costed, admitted within the budget and written (variants/)
    host rules   nginx and Netlify rules for what no file can say (hosts/)
    land         the budget settled on the real files, then the staging folder swapped in
"""

import gc
from dataclasses import replace
from datetime import datetime
from functools import partial

from generator.client.edge import write_edge
from generator.client.write import write_client_data
from generator.context import BuildContext, BuildReport
from generator.hosts.write import rules_for, write_host_rules
from generator.incremental.cache import BuildCache
from generator.load.records import RecordSource
from generator.load.validate import SnapshotIndex
from generator.mirror.answers import write_json_mirror
from generator.mirror.manifest import MANIFEST_PATH, ManifestWriter
from generator.opendata.write import OpenData, write_changes, write_open_data
from generator.output.budget import DistBudget
from generator.output.parallel import Background, Shares
from generator.output.staging import StagedOutput
from generator.output.tally import Tally
from generator.progress import status
from generator.settings import BuildSettings
from generator.site.gather import SiteEvents, gather_events
from generator.site.pages import finish_site, write_site
from generator.site.writer import PageWriter
from generator.variants.precompute import (
    COST_CHUNKS,
    choose_variants,
    merge_costs,
    variant_costs,
    write_variants,
)
from generator.variants.reuse import Basis, Costed, CostReuse, load_basis, save_basis


def prepare(cache: BuildCache) -> Basis | None:
    """What the stages need before the snapshot has validated, done while a forked process
    works too: the previous build's variant costs (its basis, trusted beside its cache state:
    a patch build). Importing this module loaded the stages. Pydantic and the models load
    with the first record validated (a rebuild validates its changed records in the other
    process: `validate._read_for_rebuild`), Jinja and Markdown with the site's first page."""
    return load_basis(cache.root, cache.inputs) if cache.outputs else None


def run_steps(
    settings: BuildSettings,
    index: SnapshotIndex,
    now: datetime,
    cache: BuildCache,
    inputs: str,
    previous: Basis | None = None,
) -> BuildReport:
    """Write every output of the validated snapshot (`index`) to the staging folder, land it;
    `inputs` is this build's digest for the cache (incremental/inputs.py), `previous` what
    `prepare` read."""
    budget = DistBudget(settings.limits())
    reuse = CostReuse(previous, index, settings, now)
    # What the build holds from here (the index, the previous basis...) is never garbage:
    # frozen, no collection walks it again (one full collection in a rebuild cost ~0.08 s),
    # in this process and the ones it forks; thawed at the end, for a caller that goes on.
    gc.freeze()
    try:
        with Background(settings.jobs > 1) as background:  # joined once the cache is saved
            ctx, tally = write_and_land(settings, now, index, cache, budget, reuse, background, inputs)
            cache.save(inputs, index.validated, ctx.out.outputs, memo=False)  # the memo: in `background`
    finally:
        gc.unfreeze()
    events = {v: len(vi.facets) for v, vi in index.versions.items()}
    held = (ctx, reuse, cache)  # freed by the caller, or never (build.py)
    return BuildReport(now, events, index.drift, tally, budget, reused=ctx.out.reused, held=held)


def write_and_land(
    settings: BuildSettings,
    now: datetime,
    index: SnapshotIndex,
    cache: BuildCache,
    budget: DistBudget,
    reuse: CostReuse,
    background: Background,
    inputs: str,
) -> tuple[BuildContext, Tally]:
    """Write every output into the staging folder, then land it in dist/ (the swap or the
    patch); the next build's basis and the pruned memo are saved in `background` meanwhile."""
    with (
        StagedOutput(settings.dist_dir, cache.outputs) as out,
        RecordSource(index) as records,
        Shares(COST_CHUNKS) as shares,  # the variants' costs, in chunks either process takes
    ):
        ctx = BuildContext(settings, now, index, records, out, cache.memo)
        with out.stream(MANIFEST_PATH) as handle:
            manifest = ManifestWriter(handle, now)
            status("writing the mirror, the dumps and the site", lambda: out.files_written)
            tally, costed = write_core_site(ctx, manifest, shares, reuse)
            # Nothing after reads the memo: its entries this build used are kept, and the rest
            # dropped, by a second process meanwhile (trusted only beside the cache state saved
            # last: the memo is cleared without one).
            cache.memo.release()  # the second process opens the memo's database on its own
            background.start(cache.memo.save)
            if settings.edge:  # the Cloudflare worker and the data it reads (client/edge.py)
                write_edge(ctx, tally)
            budget.count(out.files_written, out.site_bytes + manifest.bytes + ManifestWriter.HEAD_RESERVE)
            budget.check("the core site (every event, the core lists, the dumps, the site)")
            status("choosing and writing the list variants")
            kept = choose_variants(costed, budget)

            def host_rules() -> None:  # here, while the other process writes lists
                # Cloudflare Pages reads `_redirects` in its own syntax, which matches no query
                # strings: with the worker there, the worker routes every query instead.
                netlify = not (settings.edge and settings.host == "cloudflare-pages")
                write_host_rules(ctx, rules_for(ctx, (first for first, *_ in kept)), netlify=netlify)

            written = write_variants(ctx, kept, tally, manifest, reuse, host_rules)
            # The next build's basis, saved by another process while this one lands dist/:
            # trusted only beside the cache state saved last (by its `inputs`), so a build that
            # fails from here loses neither dist/ nor its state, only the previous basis (the
            # next build costs every list again).
            background.start(partial(save_basis, cache.root, reuse.basis(inputs, costed, written)))
            manifest.close()
        # before the swap: an over-budget build leaves dist/ alone
        budget.settle(out.files_written, out.site_bytes, out.file_sizes())
        status("landing dist/")
        cache.forget()  # dist/ is about to change
    return ctx, tally


def write_core_site(
    ctx: BuildContext, manifest: ManifestWriter, shares: Shares, reuse: CostReuse | None = None
) -> tuple[Tally, list[Costed]]:
    """The JSON mirror, the client's data, the events the site shows (gathered: their
    summaries bring the schedule history up to date) and the human site here; the open data in
    a forked process where allowed (nothing either side writes is read by the other); then
    each costs variants until none are left. changes.json (it lists the latest slips, which
    this process gathered), the /data/ page and the sitemap last, from what both wrote.
    Returns the merged tally and every variant's cost in priority order."""
    if ctx.memo is not None:
        ctx.memo.release()  # each process opens the memo's database on its own
    (tally, writer, shown, my_costs), (side_tally, used, data, their_costs) = ctx.out.in_two(
        partial(_mirror_and_site, ctx, manifest, shares, reuse),
        partial(_open_data, ctx, shares, reuse),
        ctx.settings.jobs > 1,
    )
    if used is not None:
        assert ctx.memo is not None  # the child detached it: a build always has its memo
        ctx.memo.adopt(used)  # type: ignore[arg-type]
    tally.merge(side_tally)
    if data is not None:  # changes.json: the latest slips are what this process gathered
        data = replace(data, changes=write_changes(ctx, tally, shown.schedule.slips(latest=True)))
    finish_site(ctx, writer, data)
    return tally, merge_costs(my_costs, their_costs)


def _mirror_and_site(
    ctx: BuildContext, manifest: ManifestWriter, shares: Shares, reuse: CostReuse | None
) -> tuple[Tally, PageWriter, SiteEvents, dict[int, list[Costed]]]:
    tally = write_json_mirror(ctx, manifest, reuse, None if reuse is None else reuse.mirror)
    write_client_data(ctx)
    shown = gather_events(ctx)  # brings the schedule history up to date
    writer = write_site(ctx, tally, shown)
    return tally, writer, shown, variant_costs(ctx, shares, reuse)


def _open_data(
    ctx: BuildContext, shares: Shares, reuse: CostReuse | None, in_child: bool
) -> tuple[Tally, object, OpenData, dict[int, list[Costed]]]:
    tally = Tally()
    data = write_open_data(ctx, tally, changes=False)  # changes.json: after the join
    costed = variant_costs(ctx, shares, reuse)
    return tally, (ctx.memo.detach() if in_child and ctx.memo is not None else None), data, costed

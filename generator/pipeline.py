"""The build, read as its stages (docs/layout.md maps the folders):

    load         open the snapshot; up to date? (incremental/inputs.py) then nothing to do
    validate     every record against the models, before anything is written (load/)
    core site    the JSON mirror (mirror/) beside open data and the human site (opendata/,
                 site/), in two processes where the machine has two cores (output/parallel.py)
    client       ll2-static.js and the compact data it answers from (client/)
    variants     filtered lists costed, admitted within the budget and written (variants/)
    host rules   nginx and Netlify rules for what no file can say (hosts/)
    land         the budget settled on the real files, then the staging folder swapped in

Nothing touches dist/ until every record has validated; the writing goes to a staging folder
that replaces dist/ only when complete. The build cache (incremental/) lets an unchanged input
skip the build, and unchanged records skip validation and rewriting.
"""

from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import TYPE_CHECKING

from generator import stages
from generator.context import BuildContext
from generator.incremental.cache import BuildCache
from generator.incremental.fingerprint import code_fingerprint
from generator.incremental.inputs import inputs_digest, pages_digest
from generator.load.snapshot import open_snapshot
from generator.output.distcheck import check_dist, check_no_foreign_files
from generator.output.lock import build_lock
from generator.output.swap import recover_swap
from generator.progress import stage
from generator.settings import BuildSettings

if TYPE_CHECKING:
    from generator.load.validate import Drift
    from generator.mirror.answers import Tally
    from generator.mirror.manifest import ManifestWriter
    from generator.output.parallel import Shares
    from generator.variants.budget import SiteBudget
    from generator.variants.reuse import Costed, CostReuse


@dataclass
class BuildReport:
    now: datetime
    events: dict[str, int]  # version -> number of events
    drift: list["Drift"]
    tally: "Tally | None"  # None when up to date
    budget: "SiteBudget | None" = None
    up_to_date: bool = False  # nothing to do: dist/ already is this build's output
    reused: int = 0  # files left untouched in dist/ because their bytes did not change


def build(settings: BuildSettings) -> BuildReport:
    """Build dist/ from the snapshot in content/; raise LL2StaticError on bad input.

    Refuses a dist/ that must not be replaced (output/distcheck.py), and holds dist/'s build
    lock throughout (output/lock.py): two builds never write one dist/ at once."""
    check_dist(settings.dist_dir, settings.content_dir, settings.templates_dir)
    with build_lock(settings.dist_dir):
        recover_swap(settings.dist_dir)  # a build killed mid-swap: its previous build back first
        return _build(settings)


def _build(settings: BuildSettings) -> BuildReport:
    snapshot = open_snapshot(settings.snapshot_dir)
    now = settings.now or snapshot.as_of
    cache = BuildCache.load(
        settings.dist_dir, code_fingerprint(settings.templates_dir), enabled=not settings.clean
    )
    inputs = inputs_digest(cache.salt, settings, snapshot, pages_digest(settings))
    if cache.inputs == inputs:
        return BuildReport(now, {}, [], None, None, up_to_date=True)
    if settings.clean or not cache.outputs:  # a swap build: it replaces dist/ whole
        check_no_foreign_files(settings.dist_dir, cache.last_written())
    stage("validating the snapshot")
    index = stages.validate_snapshot(
        snapshot,
        strict=settings.strict,
        known=cache.validated,
        parallel=settings.jobs > 1,
        meanwhile=stages.load_all,
    )
    budget = stages.SiteBudget(stages.Limits(*settings.budget()))
    # The previous build's variant costs, trusted beside its cache state (a patch build).
    previous = stages.load_basis(cache.root, cache.inputs) if cache.outputs else None
    reuse = stages.CostReuse(previous, index, settings, now)
    with (
        stages.StagedOutput(settings.dist_dir, cache.outputs) as out,
        stages.RecordSource(index) as records,
        stages.Shares(stages.COST_CHUNKS) as shares,  # the variants' costs, in chunks either process takes
    ):
        ctx = BuildContext(settings, now, index, records, out, cache.memo)
        with out.stream(stages.MANIFEST_PATH) as handle:
            manifest = stages.ManifestWriter(handle, now)
            stage("writing the mirror, the dumps and the site", lambda: out.files_written)
            tally, costed = write_core_site(ctx, manifest, shares, reuse)
            budget.spend(
                out.files_written, out.site_bytes + manifest.bytes + stages.ManifestWriter.HEAD_RESERVE
            )
            stages.write_client_data(ctx, budget)
            if settings.edge:  # the Cloudflare worker and the data it reads (client/edge.py)
                stages.write_edge(ctx, budget, tally)
            budget.check("the core site (every event, the core lists, the dumps, the site)")
            stage("choosing and writing the list variants")
            rules = stages.rules_for(ctx)
            kept = stages.choose_variants(costed, budget, rules)
            written = stages.write_variants(ctx, kept, tally, manifest, reuse)
            # Cloudflare Pages reads `_redirects` in its own syntax, which matches no query
            # strings: with the worker there, the worker routes every query instead.
            stages.write_host_rules(
                ctx, rules, budget, netlify=not (settings.edge and settings.host == "cloudflare-pages")
            )
            manifest.close()
        # before the swap: an over-budget build leaves dist/ alone
        budget.settle(out.files_written, out.site_bytes, out.file_sizes())
        stage("landing dist/")
        cache.forget()  # dist/ is about to change
    cache.save(inputs, index.validated, out.outputs)
    stages.save_basis(cache.root, reuse.basis(inputs, costed, written))
    events = {v: len(vi.facets) for v, vi in index.versions.items()}
    return BuildReport(now, events, index.drift, tally, budget, reused=out.reused)


def write_core_site(
    ctx: BuildContext, manifest: "ManifestWriter", shares: "Shares", reuse: "CostReuse | None" = None
) -> "tuple[Tally, list[Costed]]":
    """The JSON mirror here; open data and the human site in a forked process where allowed
    (they read the snapshot, nothing the mirror writes); then each costs variants until none
    are left. Returns the merged tally and every variant's cost in priority order."""
    (tally, my_costs), (side_tally, used, their_costs) = ctx.out.in_two(
        partial(_mirror, ctx, manifest, shares, reuse),
        partial(_open_data_and_site, ctx, shares, reuse),
        ctx.settings.jobs > 1,
    )
    if used is not None:
        assert ctx.memo is not None  # the child detached it: a build always has its memo
        ctx.memo.adopt(used)  # type: ignore[arg-type]
    tally.merge(side_tally)
    return tally, stages.merge_costs(my_costs, their_costs)


def _mirror(
    ctx: BuildContext, manifest: "ManifestWriter", shares: "Shares", reuse: "CostReuse | None"
) -> "tuple[Tally, dict[int, list[Costed]]]":
    tally = stages.write_json_mirror(ctx, manifest)
    return tally, stages.variant_costs(ctx, shares, reuse)


def _open_data_and_site(
    ctx: BuildContext, shares: "Shares", reuse: "CostReuse | None", part: bool
) -> "tuple[Tally, object, dict[int, list[Costed]]]":
    """The site writes the open data once its event pages have brought the schedule history
    up to date (changes.json lists its slips; the /data/ page lists what open data wrote)."""
    tally = stages.Tally()
    stages.write_site(ctx, tally, open_data=partial(stages.write_open_data, ctx, tally))
    costed = stages.variant_costs(ctx, shares, reuse)
    return tally, (ctx.memo.detach() if part and ctx.memo is not None else None), costed

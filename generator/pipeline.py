"""The build, read as its stages: load -> up to date? -> validate -> write JSON and its
browsable pages (every event, the core lists) -> open data -> client data -> HTML site ->
plan and write list variants within the budget -> host rules -> swap in.

Nothing touches dist/ until every record has validated; the writing goes to a staging folder
that replaces dist/ only when complete. The build cache (cache.py) lets an unchanged input
skip the build, and unchanged records skip validation and rewriting.
"""

import importlib
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from generator.cache import BuildCache
from generator.changes import base_identity
from generator.distcheck import check_dist, check_no_foreign_files
from generator.distlock import build_lock
from generator.fingerprint import code_fingerprint, digest, files_digest
from generator.settings import BuildSettings
from generator.snapshot import Snapshot, open_snapshot
from generator.swap import recover_swap

if TYPE_CHECKING:
    from generator.mirror import Tally
    from generator.planner import Planner
    from generator.precompute import Costed
    from generator.validate import Drift


@dataclass
class BuildReport:
    now: datetime
    events: dict[str, int]  # version -> number of events
    drift: list["Drift"]
    tally: "Tally | None"  # None when up to date
    planner: "Planner | None" = None
    up_to_date: bool = False  # nothing to do: dist/ already is this build's output
    reused: int = 0  # files left untouched in dist/ because their bytes did not change


def pages_digest(settings: BuildSettings) -> str:
    """Digest of the Markdown the site renders (content/pages/, content/api/)."""
    folders = [settings.content_dir / "pages", settings.content_dir / "api"]
    return files_digest(p for folder in folders if folder.is_dir() for p in folder.rglob("*") if p.is_file())


def inputs_digest(salt: str, settings: BuildSettings, snapshot: Snapshot, pages: str) -> str:
    """Digest of everything a build reads: code, options, and the snapshot files' identities.

    Files are identified by path, size, mtime and inode (not content: reading a large snapshot
    would cost more than the whole no-change build may). A file rewritten in place within the
    same nanosecond at the same size would go unnoticed: `--clean` covers that. The git commit
    that changes.json compares with is an input too.
    """
    paths = [snapshot.root / "snapshot.json"] + [f.path for f in snapshot.files]
    parts = [
        salt.encode(),
        settings.fingerprint().encode(),
        base_identity(snapshot.root).encode(),
        pages.encode(),
    ]
    for path in paths:
        st = path.stat()
        parts.append(f"{path.resolve()}:{st.st_size}:{st.st_mtime_ns}:{st.st_ino}".encode())
    return digest(*parts).hex()


#: What the stages after validation import (the imports in `build`), loaded ahead of use.
_STAGE_MODULES = (
    "generator.hostrules", "generator.manifest", "generator.mirror", "generator.opendata", "generator.output",
    "generator.planner", "generator.precompute", "generator.forked", "generator.records", "generator.site",
)


def _import_stages() -> None:
    for name in _STAGE_MODULES:
        importlib.import_module(name)


def build(settings: BuildSettings) -> BuildReport:
    """Build dist/ from the snapshot in content/; raise LL2StaticError on bad input.

    Refuses a dist/ that must not be replaced (distcheck.py), and holds dist/'s build lock
    throughout (distlock.py): two builds never write one dist/ at once."""
    check_dist(settings.dist_dir, settings.content_dir, settings.templates_dir)
    with build_lock(settings.dist_dir):
        recover_swap(settings.dist_dir)  # a build killed mid-swap: its previous build back first
        return _build(settings)


def _build(settings: BuildSettings) -> BuildReport:
    snapshot = open_snapshot(settings.snapshot_dir)
    now = settings.now or snapshot.as_of
    cache = BuildCache.load(settings.dist_dir, code_fingerprint(settings.templates_dir), enabled=not settings.clean)
    markdown = pages_digest(settings)
    inputs = inputs_digest(cache.salt, settings, snapshot, markdown)
    if cache.inputs == inputs:
        return BuildReport(now, {}, [], None, None, up_to_date=True)
    if settings.clean or not cache.outputs:  # a swap build: it replaces dist/ whole
        check_no_foreign_files(settings.dist_dir, cache.last_written())
    # Imported here so that an up-to-date check stays cheap (pydantic and the models load slowly);
    # the later stages' modules load while a forked process validates its half of the files.
    from generator.validate import validate_snapshot

    index = validate_snapshot(
        snapshot, strict=settings.strict, known=cache.validated, parallel=settings.jobs > 1, meanwhile=_import_stages
    )
    from generator.forked import Shares
    from generator.hostrules import RuleSet
    from generator.manifest import MANIFEST_PATH, ManifestWriter
    from generator.mirror import Tally, write_json_mirror
    from generator.opendata import write_open_data
    from generator.output import StagedOutput
    from generator.planner import Budget, Planner
    from generator.precompute import (
        COST_CHUNKS,
        choose_variants,
        merge_costs,
        variant_costs,
        write_client_data,
        write_host_rules,
        write_variants,
    )
    from generator.records import RecordSource
    from generator.site import ApiPages, write_site

    planner = Planner(Budget(settings.max_bytes, settings.max_files))
    with (
        StagedOutput(settings.dist_dir, cache.outputs) as out,
        RecordSource(index) as records,
        Shares(COST_CHUNKS) as shares,  # the variants' costs, in chunks either process takes
    ):

        def mirror() -> "tuple[Tally, dict[int, list[Costed]]]":
            """The JSON mirror and its browsable pages, then a share of the variants' costs."""
            tally = write_json_mirror(index, records, out, settings, now, manifest=manifest, html=pages)
            return tally, variant_costs(index, settings, now, shares)

        def side_stages(part: bool) -> "tuple[Tally, object, dict[int, list[Costed]]]":
            """Open data and the human site (they read the snapshot, nothing the mirror
            writes), then a share of the variants' costs."""
            tally = Tally()
            write_open_data(index, out, settings, tally, cache.memo)
            write_site(index, records, out, settings, now, tally, cache.memo)
            costed = variant_costs(index, settings, now, shares)
            return tally, (cache.memo.detach() if part else None), costed

        with out.stream(MANIFEST_PATH) as handle:
            manifest = ManifestWriter(handle, now)
            pages = ApiPages.for_build(index, settings, now, cache.fragments_dir)
            # The side stages in a forked process where allowed (forked.both).
            (tally, my_costs), (side_tally, used, their_costs) = out.in_two(mirror, side_stages, settings.jobs > 1)
            costed = merge_costs(my_costs, their_costs)
            if used is not None:
                cache.memo.adopt(used)  # type: ignore[arg-type]
            tally.merge(side_tally)
            planner.spend(out.files_written, out.site_bytes + manifest.bytes + ManifestWriter.HEAD_RESERVE)
            write_client_data(index, records, out, now, planner)
            planner.check("the core site (every event and its pages, the core lists, the dumps, the site)")
            rules = RuleSet()
            kept = choose_variants(index, costed, planner, rules, tally, with_html=True)
            write_variants(index, records, out, settings, now, kept, tally, manifest, html=pages)
            pages.close()
            write_host_rules(out, rules, planner)
            manifest.close()
        planner.files, planner.bytes = out.files_written, out.site_bytes
        planner.check("the site")  # before the swap: an over-budget build leaves dist/ alone
        cache.forget()  # dist/ is about to change
    cache.save(inputs, index.validated, out.outputs)
    events = {v: len(vi.facets) for v, vi in index.versions.items()}
    return BuildReport(now, events, index.drift, tally, planner, reused=out.reused)

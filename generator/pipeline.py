"""The build: dist/ checked and locked, the snapshot opened, and "up to date?" asked
(incremental/inputs.py); only a build with work to do validates the snapshot while it loads its
stages (`steps.py`, the stages one call a line) and the libraries they need.

Nothing touches dist/ until every record has validated; the writing goes to a staging folder
that replaces dist/ only when complete. The build cache (incremental/) lets an unchanged input
skip the build, and unchanged records skip validation and rewriting.
"""

import gc
from typing import TYPE_CHECKING

from generator.common import gc_paused
from generator.context import BuildReport
from generator.incremental.cache import BuildCache
from generator.incremental.fingerprint import code_fingerprint
from generator.incremental.inputs import inputs_digest, pages_digest
from generator.load.snapshot import open_snapshot
from generator.output.distcheck import check_dist, check_no_foreign_files
from generator.output.lock import build_lock
from generator.output.swap import recover_swap
from generator.progress import status
from generator.settings import BuildSettings

if TYPE_CHECKING:
    from generator.variants.reuse import Basis

__all__ = ["BuildReport", "build"]


def build(settings: BuildSettings) -> BuildReport:
    """Build dist/ from the snapshot in content/; raise LL2StaticError on bad input.

    Refuses a dist/ that must not be replaced (output/distcheck.py), and holds dist/'s build
    lock throughout (output/lock.py): two builds never write one dist/ at once."""
    check_dist(settings.dist_dir, settings.content_dir, settings.templates_dir)
    with build_lock(settings.dist_dir):
        recover_swap(settings.dist_dir)  # a build killed mid-swap: its previous build back first
        return _build(settings)


def _build(settings: BuildSettings) -> BuildReport:
    # Reading makes many objects that live on (the cache state, the index, the basis) and no
    # garbage: no collection walks them (0.03 s of a rebuild); the stages thaw them at the end.
    with gc_paused():
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
        from generator.load.validate import validate_snapshot  # with the stages: a build with work

        status("validating the snapshot")
        prepared: list[Basis | None] = []  # what `prepare` read while a second process worked
        index = validate_snapshot(
            snapshot,
            strict=settings.strict,
            validated_before=cache.validated,
            parallel=settings.jobs > 1,
            meanwhile=lambda: prepared.append(_prepare(cache)),
        )
        gc.freeze()  # thawed by run_steps
    from generator.steps import run_steps

    return run_steps(settings, index, now, cache, inputs, prepared[0])


def _prepare(cache: BuildCache) -> "Basis | None":
    """Every stage and the libraries they need (imported only by a build with work to do),
    and the previous build's variant costs."""
    from generator.steps import prepare

    return prepare(cache)

"""The build, read as its stages: load -> up to date? -> validate -> write JSON -> swap in.

Nothing touches dist/ until every record has validated; the writing goes to a staging folder
that replaces dist/ only when complete. The build cache (cache.py) lets an unchanged input
skip the build, and unchanged records skip validation and rewriting.
"""

from dataclasses import dataclass
from datetime import datetime

from generator.cache import BuildCache
from generator.fingerprint import code_fingerprint, digest
from generator.mirror import Tally, write_json_mirror
from generator.output import StagedOutput
from generator.records import RecordSource
from generator.settings import BuildSettings
from generator.snapshot import Snapshot, open_snapshot
from generator.validate import Drift, validate_snapshot


@dataclass
class BuildReport:
    now: datetime
    events: dict[str, int]  # version -> number of events
    drift: list[Drift]
    tally: Tally
    up_to_date: bool = False  # nothing to do: dist/ already is this build's output
    reused: int = 0  # files hard-linked unchanged from the previous dist/


def inputs_digest(salt: str, settings: BuildSettings, snapshot: Snapshot) -> str:
    """Digest of everything a build reads: code, options, snapshot metadata and files."""
    paths = [snapshot.root / "snapshot.json"] + [f.path for f in snapshot.files]
    parts = [salt.encode(), settings.fingerprint().encode()]
    for path in paths:
        parts += [path.name.encode(), path.read_bytes()]
    return digest(*parts).hex()


def build(settings: BuildSettings) -> BuildReport:
    """Build dist/ from the snapshot in content/; raise LL2StaticError on bad input."""
    snapshot = open_snapshot(settings.snapshot_dir)
    now = settings.now or snapshot.as_of
    cache = BuildCache.load(settings.dist_dir, code_fingerprint(settings.templates_dir), enabled=not settings.clean)
    inputs = inputs_digest(cache.salt, settings, snapshot)
    if cache.inputs == inputs:
        return BuildReport(now, {}, [], Tally(), up_to_date=True)
    index = validate_snapshot(snapshot, strict=settings.strict, known=cache.validated)
    with StagedOutput(settings.dist_dir, cache.outputs) as out, RecordSource(index) as records:
        tally = write_json_mirror(index, records, out, settings, now)
    cache.save(inputs, index.validated, out.keys)
    events = {v: len(vi.facets) for v, vi in index.versions.items()}
    return BuildReport(now, events, index.drift, tally, reused=out.reused)

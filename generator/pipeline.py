"""The build, read as its stages: load -> validate -> write JSON (+ API pages) -> HTML site -> swap in.

Nothing touches dist/ until every record has validated; the writing goes to a staging folder
that replaces dist/ only when complete.
"""

from dataclasses import dataclass
from datetime import datetime

from generator.mirror import Tally, write_json_mirror
from generator.output import StagedOutput
from generator.records import RecordSource
from generator.settings import BuildSettings
from generator.site import ApiPages, write_site
from generator.snapshot import open_snapshot
from generator.validate import Drift, validate_snapshot


@dataclass
class BuildReport:
    now: datetime
    events: dict[str, int]  # version -> number of events
    drift: list[Drift]
    tally: Tally


def build(settings: BuildSettings) -> BuildReport:
    """Build dist/ from the snapshot in content/; raise LL2StaticError on bad input."""
    snapshot = open_snapshot(settings.snapshot_dir)
    index = validate_snapshot(snapshot, strict=settings.strict)
    now = settings.now or snapshot.as_of
    with StagedOutput(settings.dist_dir) as out, RecordSource(index) as records:
        tally = write_json_mirror(index, records, out, settings, now, html=ApiPages.for_build(index, settings, now))
        write_site(index, records, out, settings, now, tally)
    events = {v: len(vi.facets) for v, vi in index.versions.items()}
    return BuildReport(now, events, index.drift, tally)

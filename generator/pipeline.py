"""The build, read as its stages: load -> validate -> write JSON -> plan variants -> swap in.

Nothing touches dist/ until every record has validated; the writing goes to a staging folder
that replaces dist/ only when complete.
"""

from dataclasses import dataclass
from datetime import datetime

from generator.hostrules import RuleSet
from generator.manifest import MANIFEST_PATH, ManifestWriter
from generator.mirror import Tally, write_json_mirror
from generator.output import StagedOutput
from generator.planner import Budget, Planner
from generator.precompute import write_client_data, write_host_rules, write_variants
from generator.records import RecordSource
from generator.settings import BuildSettings
from generator.snapshot import open_snapshot
from generator.validate import Drift, validate_snapshot


@dataclass
class BuildReport:
    now: datetime
    events: dict[str, int]  # version -> number of events
    drift: list[Drift]
    tally: Tally
    planner: Planner | None = None


def build(settings: BuildSettings) -> BuildReport:
    """Build dist/ from the snapshot in content/; raise LL2StaticError on bad input."""
    snapshot = open_snapshot(settings.snapshot_dir)
    index = validate_snapshot(snapshot, strict=settings.strict)
    now = settings.now or snapshot.as_of
    planner = Planner(Budget(settings.max_bytes, settings.max_files))
    with StagedOutput(settings.dist_dir) as out, RecordSource(index) as records:
        with out.stream(MANIFEST_PATH) as handle:
            manifest = ManifestWriter(handle, now)
            tally = write_json_mirror(index, records, out, settings, now, manifest=manifest)
            planner.spend(out.files_written, out.bytes_written + manifest.bytes + ManifestWriter.HEAD_RESERVE)
            write_client_data(index, records, out, now, planner)
            planner.check("the core site (every event, the core lists, the client data)")
            rules = RuleSet()
            write_variants(index, records, out, settings, now, planner, tally, manifest, rules)
            write_host_rules(out, rules, planner)
            manifest.close()
        planner.files, planner.bytes = out.files_written, out.bytes_written
        planner.check("the site")  # before the swap: an over-budget build leaves dist/ alone
    events = {v: len(vi.facets) for v, vi in index.versions.items()}
    return BuildReport(now, events, index.drift, tally, planner)

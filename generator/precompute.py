"""Precompute stage: filtered list variants within the budget, then the client and host rules.

Runs after the core mirror (details and core lists) inside the same staged output; every file
goes through `mirror.emit`, so the manifest lists it.
"""

from datetime import datetime
from importlib import resources

from generator.compact import CLIENT_PATH, write_compact
from generator.hostrules import (
    NGINX_HTTP_PATH,
    NGINX_SERVER_PATH,
    REDIRECTS_PATH,
    RuleSet,
    netlify_redirects,
    nginx_include,
)
from generator.manifest import ManifestWriter
from generator.mirror import Tally, core_list_queries, list_cost, write_list
from generator.output import StagedOutput
from generator.planner import Planner, Selections, variants
from generator.records import RecordSource
from generator.settings import BuildSettings
from generator.validate import SnapshotIndex


def client_source() -> bytes:
    """The JS client, shipped in the package."""
    return resources.files("generator").joinpath("client", "ll2-static.js").read_bytes()


def write_client_data(
    index: SnapshotIndex, records: RecordSource, out: StagedOutput, now: datetime, planner: Planner
) -> None:
    """The JS client and the compact data its fallback answers from."""
    source = client_source()
    out.write(CLIENT_PATH, source)
    planner.spend(1, len(source))
    for vindex in index.versions.values():
        planner.spend(1, write_compact(vindex, records, out, now))


def write_variants(
    index: SnapshotIndex,
    records: RecordSource,
    out: StagedOutput,
    settings: BuildSettings,
    now: datetime,
    planner: Planner,
    tally: Tally,
    manifest: ManifestWriter,
    rules: RuleSet,
) -> None:
    """Every planned variant that fits the budget, in priority order, one at a time."""
    for vindex in index.versions.values():
        for first in core_list_queries(vindex):
            rules.add(first)
        selections = Selections(vindex, now)
        for variant in variants(vindex):
            ids = selections.ids(variant.first)
            files, size = list_cost(variant.first, ids, vindex, settings)
            if planner.admit(f"{vindex.spec.version} {variant.family}", files, size):
                write_list(variant.first, ids, records, out, settings, tally, "variants", manifest=manifest)
                rules.add(variant.first)


def write_host_rules(out: StagedOutput, rules: RuleSet, planner: Planner) -> None:
    """Netlify `_redirects` and the nginx include files."""
    http, server = nginx_include(rules)
    for path, body in ((REDIRECTS_PATH, netlify_redirects(rules)), (NGINX_HTTP_PATH, http), (NGINX_SERVER_PATH, server)):
        out.write(path, body)
        planner.spend(1, len(body))

"""Precompute stage: filtered list variants within the budget, then the client and host rules.

Runs after the core mirror (details and core lists) inside the same staged output; every file
goes through `mirror.emit`, so the manifest lists it.
"""

from datetime import datetime
from importlib import resources

from generator.compact import CLIENT_PATH, write_compact
from generator.errors import QueryError
from generator.hostrules import (
    NGINX_HTTP_PATH,
    NGINX_SERVER_PATH,
    REDIRECTS_PATH,
    RuleSet,
    netlify_redirects,
    nginx_include,
)
from generator.manifest import ManifestWriter
from generator.mirror import AnswerHook, Tally, core_list_queries, list_cost, write_list
from generator.output import StagedOutput
from generator.planner import Planner, Selections, Variant, plan
from generator.query import Query, parse_request
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
    *,
    html: AnswerHook | None = None,
) -> None:
    """Every planned variant that fits the budget, in priority order, one at a time.

    With `html`, each page also gets its browsable page: the cost of a list then counts twice
    the files, and its bytes grow by the ratio of HTML to JSON seen so far in this build
    (plus a tenth), so the budget holds; the final check before the swap is the backstop.
    """
    html_ratio = 0.0
    if html is not None:
        json_bytes = sum(tally.bytes.get(f, 0) for f in ("details", "lists"))
        html_ratio = 1.1 * tally.bytes.get("api-html", 0) / max(json_bytes, 1)
    requested = requested_lists(settings)
    selections = {v: Selections(vi, now) for v, vi in index.versions.items()}
    core: set[Query] = set()
    for vindex in index.versions.values():
        core.update(core_list_queries(vindex))
    for first in core:
        rules.add(first)
    asked = [Variant("requested", q) for q in requested if q not in core]
    planned = (v for v in plan(list(index.versions.values())) if v.first not in requested)
    for variant in (*asked, *planned):
        version = variant.first.version
        vindex = index.versions[version]
        ids = selections[version].ids(variant.first)
        files, size = list_cost(variant.first, ids, vindex, settings)
        if html is not None:
            files, size = 2 * files, size + int(size * html_ratio)
        if planner.admit(f"{version} {variant.family}", files, size):
            write_list(
                variant.first, ids, records, out, settings, tally, "variants",
                manifest=manifest, html=html,
            )
            rules.add(variant.first)


def requested_lists(settings: BuildSettings) -> list[Query]:
    """The first pages of the lists named by --precompute, in canonical form, each once."""
    out: list[Query] = []
    for url in settings.precompute:
        query = parse_request(url, settings.base_path)
        if query.is_detail:
            raise QueryError(
                f"--precompute {url}: every event is precomputed already; give a list URL"
            )
        first = query.with_params(offset=None)
        if first not in out:
            out.append(first)
    return out


def write_host_rules(out: StagedOutput, rules: RuleSet, planner: Planner) -> None:
    """Netlify `_redirects` and the nginx include files."""
    http, server = nginx_include(rules)
    for path, body in (
        (REDIRECTS_PATH, netlify_redirects(rules)),
        (NGINX_HTTP_PATH, http),
        (NGINX_SERVER_PATH, server),
    ):
        out.write(path, body)
        planner.spend(1, len(body))

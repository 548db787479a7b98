"""Precompute stage: filtered list variants within the budget, then the client and host rules.

Runs after the core mirror (details and core lists) inside the same staged output; every file
goes through `mirror.emit`, so the manifest lists it.
"""

from datetime import datetime
from importlib import resources

from generator.compact import CLIENT_PATH, write_compact
from generator.errors import QueryError
from generator.forked import Shares, halves
from generator.engine import select
from generator.hostrules import (
    NGINX_HTTP_PATH,
    NGINX_SERVER_PATH,
    NOT_FOUND,
    NOT_FOUND_PATH,
    REDIRECTS_PATH,
    RuleSet,
    netlify_redirects,
    nginx_include,
)
from generator.manifest import ManifestEntries, ManifestWriter
from generator.mirror import Tally, core_list_queries, list_cost, write_list
from generator.output import StagedOutput
from generator.planner import GROUPS, Planner, Selections, Variant, plan
from generator.query import Query, normalise, parse_request
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


#: One planned variant, costed without the budget: family label, the report's groups it
#: counts in (Variant.group, Variant.tier), first page, JSON files, bytes.
Costed = tuple[str, tuple[str, ...], Query, int, int]
#: The candidates are costed in this many contiguous chunks, shared between the processes.
COST_CHUNKS = 64


def candidates(index: SnapshotIndex, settings: BuildSettings) -> list[Variant]:
    """Every variant the planner proposes (lists named by --precompute first), in priority order."""
    requested = requested_lists(settings)
    core = {q for vindex in index.versions.values() for q in core_list_queries(vindex)}
    asked = [Variant("requested", q) for q in requested if q not in core]
    planned = (v for v in plan(list(index.versions.values())) if v.first not in requested)
    return [*asked, *planned]


def variant_costs(index: SnapshotIndex, settings: BuildSettings, now: datetime, shares: Shares) -> dict[int, list[Costed]]:
    """The exact cost of the JSON pages of each candidate, for the chunks of candidates this
    process takes from `shares` (chunk number -> costs). Needs no budget, so both processes
    take chunks once their own stages are done; `merge_costs` puts them back in order."""
    costed: dict[int, list[Costed]] = {}
    proposed: list[Variant] = []
    selections: dict[str, Selections] = {}
    for chunk in shares.take():
        if not selections:
            proposed = candidates(index, settings)
            selections = {v: Selections(vi, now) for v, vi in index.versions.items()}
        start, end = (len(proposed) * n // shares.count for n in (chunk, chunk + 1))
        costed[chunk] = []
        for variant in proposed[start:end]:
            version = variant.first.version
            ids = selections[version].ids(variant.first)
            files, size = list_cost(variant.first, ids, index.versions[version], settings)
            groups = () if variant.family == "requested" else (variant.group,)
            groups += (variant.tier,) if groups == (GROUPS[0],) else ()
            costed[chunk].append((f"{version} {variant.family}", groups, variant.first, files, size))
    return costed


def merge_costs(*parts: dict[int, list[Costed]]) -> list[Costed]:
    """The costs taken by each process, in priority order."""
    chunks = {n: costs for part in parts for n, costs in part.items()}
    return [costed for n in sorted(chunks) for costed in chunks[n]]


def choose_variants(
    index: SnapshotIndex, costed: list[Costed], planner: Planner, rules: RuleSet
) -> list[tuple[Query, int]]:
    """The variants the budget admits, in priority order: first page and bytes (exact: the
    browsable pages are shells that no variant adds to)."""
    for vindex in index.versions.values():
        for first in core_list_queries(vindex):
            rules.add(first)
    kept: list[tuple[Query, int]] = []
    for family, groups, first, files, size in costed:
        if planner.admit(family, files, size, *groups):
            kept.append((first, size))
            rules.add(first)
    return kept


def write_variants(
    index: SnapshotIndex,
    records: RecordSource,
    out: StagedOutput,
    settings: BuildSettings,
    now: datetime,
    kept: list[tuple[Query, int]],
    tally: Tally,
    manifest: ManifestWriter,
) -> None:
    """Write the chosen variants in two shares of about equal
    bytes, the second by a forked process where `settings.jobs` allows; manifest entries are
    added in priority order either way, so the bytes do not depend on the number of processes."""
    shares = halves(range(len(kept)), lambda n: kept[n][1])

    def write_share(share: list[int], part: bool) -> tuple[Tally, dict[int, ManifestEntries]]:
        selections = {v: Selections(vi, now) for v, vi in index.versions.items()}
        own, entries = Tally(), {}
        for n in share:
            first = kept[n][0]
            ids = selections[first.version].ids(first)
            entries[n] = ManifestEntries()
            write_list(first, ids, records, out, settings, own, "variants", manifest=entries[n])
        return own, entries

    (mine, entries), (theirs, their_entries) = out.in_two(
        lambda: write_share(shares[0], False), lambda part: write_share(shares[1], part), settings.jobs > 1
    )
    tally.merge(mine)
    tally.merge(theirs)
    entries.update(their_entries)
    for n in range(len(kept)):
        for entry in entries[n].entries:
            manifest.add(*entry)


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


def know_snapshot(index: SnapshotIndex, now: datetime, rules: RuleSet) -> None:
    """Tell the host rules what the snapshot has: each filter's single values (any other is
    an empty list) and the events of each subset (for `upcoming/{id}/`)."""
    facets = [f for vindex in index.versions.values() for f in vindex.facets.values()]
    known = {
        "type__ids": {f.type_id for f in facets},
        "agency__ids": {a for f in facets for a in f.agency_ids},
        "program": {p for f in facets for p in f.program_ids},
        "year": {f.date.year for f in facets if f.date},
        "month": {f.date.month for f in facets if f.date},
    }
    for name, values in known.items():
        rules.known[name] = {str(v) for v in values}
    for version, vindex in index.versions.items():
        for subset in ("upcoming", "previous"):
            ids = select(vindex.facets.values(), normalise(version, subset, None, []), now)
            rules.members[(version, subset)] = sorted(ids)


def write_host_rules(out: StagedOutput, rules: RuleSet, planner: Planner, *, netlify: bool = True) -> None:
    """Netlify `_redirects` (unless `netlify` is False), the nginx include files and LL2's
    JSON 404 (for Netlify)."""
    http, server = nginx_include(rules)
    for path, body in (
        (NOT_FOUND_PATH, NOT_FOUND),
        *([(REDIRECTS_PATH, netlify_redirects(rules))] if netlify else []),
        (NGINX_HTTP_PATH, http),
        (NGINX_SERVER_PATH, server),
    ):
        out.write(path, body)
        planner.spend(1, len(body))

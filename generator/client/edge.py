"""Data laid out for the edge worker (`--edge`): `dist/_worker.js` and what it reads.

The worker (generator/client/worker.js, appended to the shared engine ll2-static.js into one
module with no dependencies) answers any LL2 Events URL: the precomputed file where there is
one, else computed from two kinds of files written here:

- `edge/{version}.json`, the facet index: the build's now, every event's filterable fields
  (the rows of compact/, in the default order of `all`) and, per mode, where each event's
  record lies in the shards (shard number, byte offset, length);
- `edge/{version}/{mode}-{n}.ndjson`, the record shards: each mode's records as the
  snapshot's bytes, one a line, in that same order, cut into files of at most SHARD_BYTES
  (well under Cloudflare Pages' 25 MiB a file), so that a page of 100 records reads the index
  and a few shards, whatever its filters.

Every file goes through StagedOutput and is spent from the budget before variants are chosen.
"""

from collections.abc import Callable
from importlib import resources

from generator.api.engine import select
from generator.api.query import format_datetime, normalise
from generator.client.facetfile import facet_file
from generator.client.workerd import WORKERD_CONFIG_PATH, workerd_config
from generator.context import BuildContext
from generator.load.records import RecordSource
from generator.load.validate import VersionIndex
from generator.output.staging import StagedOutput
from generator.output.tally import Tally

WORKER_PATH = "_worker.js"
#: Which paths invoke the worker on Cloudflare Pages: the API's (every LL2 version starts
#: with 2); the human site, feeds and dumps are served as static files, free of the
#: Functions request quota.
ROUTES_PATH = "_routes.json"
ROUTES = b'{"version":1,"include":["/2*"],"exclude":[]}\n'
#: Largest record shard: 8 MiB keeps a 100-record detailed page of 1,500 events (17 MB of
#: detailed records) at 3 shards or fewer, and any one shard far from the 25 MiB cap.
SHARD_BYTES = 8 * 1024 * 1024


def index_path(version: str) -> str:
    return f"edge/{version}.json"


def shard_path(version: str, mode: str | None, number: int) -> str:
    return f"edge/{version}/{mode or 'record'}-{number}.ndjson"


def worker_source() -> bytes:
    """`_worker.js`: the shared engine (ll2-static.js, which sets globalThis.LL2Static in a
    module) followed by the fetch handler, as one ES module."""
    client = resources.files("generator").joinpath("client")
    return client.joinpath("ll2-static.js").read_bytes() + b"\n" + client.joinpath("worker.js").read_bytes()


def shard_groups(lengths: list[int]) -> list[int]:
    """Where each shard starts (indexes into `lengths`): records in order, a new shard when
    the next record (and its newline) would take the current one past SHARD_BYTES."""
    starts: list[int] = []
    size = 0
    for n, length in enumerate(lengths):
        if not starts or size + length + 1 > SHARD_BYTES:
            starts.append(n)
            size = 0
        size += length + 1
    return starts


def _write_shards(
    vindex: VersionIndex,
    mode: str | None,
    ids: list[int],
    records: RecordSource,
    out: StagedOutput,
    tally_edge: Callable[[int], None],
) -> dict[str, object]:
    """One mode's records cut into shards, in `ids` order; their paths and every record's
    span as a flat list (shard number, offset, length for each event in turn)."""
    version = vindex.spec.version
    spans_of = vindex.files[mode].spans
    starts = shard_groups([spans_of[i].length for i in ids])
    shards: list[str] = []
    spans: list[int] = []
    for number, (start, end) in enumerate(zip(starts, [*starts[1:], len(ids)], strict=True)):
        shards.append(shard_path(version, mode, number))
        size = 0
        with out.stream(shards[-1]) as handle:
            for event_id in ids[start:end]:
                data = records.get(version, mode, event_id)
                spans.extend((number, size, len(data)))
                handle.write(data + b"\n")
                size += len(data) + 1
        tally_edge(size)
    return {"mode": mode, "shards": shards, "spans": spans}


def write_edge(ctx: BuildContext, tally: Tally) -> None:
    """The worker and its routes, then per version its record shards and its facet index
    (which says whether events have their own files: not on a host that caps files, see
    BuildSettings). Every file is counted in the report ("edge")."""
    index, records, out, settings, now = ctx.index, ctx.records, ctx.out, ctx.settings, ctx.now

    def tally_edge(size: int) -> None:
        tally.add("edge", size)

    source = worker_source()
    out.write(WORKER_PATH, source)
    tally_edge(len(source))
    out.write(ROUTES_PATH, ROUTES)
    tally_edge(len(ROUTES))
    config = workerd_config()
    out.write(WORKERD_CONFIG_PATH, config)
    tally_edge(len(config))
    for version, vindex in index.versions.items():
        ids = select(vindex.facets.values(), normalise(version, "all", None, []), now)
        modes = [_write_shards(vindex, mode, ids, records, out, tally_edge) for mode in vindex.files]
        head = {
            "format": 1,
            "version": version,
            "now": format_datetime(now),
            "details_as_files": settings.details_as_files,
            "modes": modes,
        }
        body = b"".join(facet_file(head, (vindex.facets[i] for i in ids), None))
        out.write(index_path(version), body)
        tally_edge(len(body))

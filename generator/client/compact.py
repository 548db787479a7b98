"""Compact per-version data for the JS client's fallback: facets of every event, list records.

`dist/compact/{version}.json` holds what the query engine needs of each event (id, name, slug,
date, last_updated, type, agencies, programs, video URLs) and, where the version has a `list`
mode, every list-mode record as LL2 sent it; the build's `now` makes upcoming/previous agree
with the precomputed files. Written streaming, one event at a time.
"""

from generator.api.query import format_datetime
from generator.api.surface import FACETS
from generator.client.facetfile import facet_file
from generator.context import BuildContext
from generator.distpaths import compact_path
from generator.load.validate import VersionIndex


def write_compact(ctx: BuildContext, vindex: VersionIndex) -> int:
    """Write one version's compact data; return its size in bytes."""
    records, out, now = ctx.records, ctx.out, ctx.now
    spec = vindex.spec
    list_mode = spec.lightest_mode  # its records answer lists in that mode (None: no modes)
    head = {
        "version": spec.version,
        "endpoint": spec.endpoint,
        "now": format_datetime(now),
        "modes": [m for m in spec.modes if m],
        "default_list_mode": spec.default_list_mode,
        "default_detail_mode": spec.default_detail_mode,
        "list_mode": list_mode,
        "fields": [spec.column for spec in FACETS],
    }
    ids = sorted(vindex.facets)
    events = (vindex.facets[event_id] for event_id in ids)
    lists = (records.get(spec.version, list_mode, event_id) for event_id in ids) if list_mode else ()
    size = 0
    with out.stream(compact_path(spec.version)) as handle:
        for piece in facet_file(head, events, lists):
            handle.write(piece)
            size += len(piece)
    return size

"""Compact per-version data for the JS client's fallback: facets of every event, list records.

`dist/compact/{version}.json` holds what the query engine needs of each event (id, name, slug,
date, last_updated, type, agencies, programs, video URLs) and, where the version has a `list`
mode, every list-mode record as LL2 sent it; the build's `now` makes upcoming/previous agree
with the precomputed files. Written streaming, one event at a time.
"""

from datetime import UTC, datetime
from typing import Any

import orjson

from generator.api.facets import Facets
from generator.api.query import format_datetime
from generator.api.surface import FACETS
from generator.context import BuildContext
from generator.distpaths import compact_path
from generator.load.validate import VersionIndex


def _stamp(value: datetime | None) -> str | None:
    return None if value is None else format_datetime(value.astimezone(UTC))


def _row(f: Facets) -> bytes:
    """One event's columns, in `surface.FACETS`' order (orjson writes tuples as arrays)."""
    row: list[Any] = []
    for spec in FACETS:
        value = getattr(f, spec.name)
        row.append(_stamp(value) if spec.kind == "datetime" else value)
    return orjson.dumps(row)


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
    size = 0
    with out.stream(compact_path(spec.version)) as handle:

        def put(data: bytes) -> None:
            nonlocal size
            handle.write(data)
            size += len(data)

        put(orjson.dumps(head)[:-1] + b',"events":[\n')
        for n, event_id in enumerate(ids):
            put((b",\n" if n else b"") + _row(vindex.facets[event_id]))
        put(b'\n],"records":[\n')
        if list_mode:
            for n, event_id in enumerate(ids):
                put((b",\n" if n else b"") + records.get(spec.version, list_mode, event_id))
        put(b"\n]}\n")
    return size

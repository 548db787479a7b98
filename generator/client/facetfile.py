"""The facet file the JS engine answers lists from, for both its hosts: the browser's compact
data (`compact/{version}.json`, client/compact.py) and the edge worker's facet index
(`edge/{version}.json`, client/edge.py).

Either is one JSON object: the host's own head fields, then `"events"`, one row of facets an
event (in `surface.FACETS`' order, one line each), then, for the compact data, `"records"`
(each list-mode record as LL2 sent it). The hosts differ only in the head, the order of the
events and whether records follow.
"""

from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

import orjson

from generator.api.facets import Facets
from generator.api.query import format_datetime
from generator.api.surface import FACETS


def _stamp(value: datetime | None) -> str | None:
    return None if value is None else format_datetime(value.astimezone(UTC))


def facet_row(f: Facets) -> bytes:
    """One event's columns, in `surface.FACETS`' order (orjson writes tuples as arrays)."""
    row: list[Any] = []
    for spec in FACETS:
        value = getattr(f, spec.name)
        row.append(_stamp(value) if spec.kind == "datetime" else value)
    return orjson.dumps(row)


def _items(rows: Iterable[bytes]) -> Iterator[bytes]:
    """JSON array items, one a line."""
    for n, row in enumerate(rows):
        yield (b",\n" if n else b"") + row


def facet_file(
    head: dict[str, Any], events: Iterable[Facets], records: Iterable[bytes] | None
) -> Iterator[bytes]:
    """The file's bytes, in pieces (to stream): `head`'s fields, `events` as rows in the order
    given, and `records` (None: the file has no `"records"`)."""
    yield orjson.dumps(head)[:-1] + b',"events":[\n'
    yield from _items(facet_row(f) for f in events)
    if records is not None:
        yield b'\n],"records":[\n'
        yield from _items(records)
    yield b"\n]}\n"

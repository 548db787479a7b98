"""LL2's list envelope, with each record kept as the exact bytes LL2 sent.

The snapshot publishes records as received, so each record's bytes are cut out of the
response body rather than re-serialised: LL2 renders with Django REST framework's compact
JSON encoder, which differs from `orjson.dumps` in small ways (DRF escapes U+2028/U+2029 as
`\\u2028`, Python and orjson format some floats differently). Only a record that spans several
lines (pretty-printed JSON, which LL2's `format=json` never sends) is re-serialised compactly,
because a snapshot line must be one line; `Page.reserialised` counts those.
"""

import re
from dataclasses import dataclass

import orjson

# Strings (with escapes) and structural characters: enough to find where records start and end.
_TOKEN = re.compile(rb'"(?:[^"\\]|\\.)*"|[\[\]{}:]')


class BadBody(ValueError):
    """The body is not a complete LL2 envelope (truncated, not JSON, wrong shape)."""


@dataclass(frozen=True)
class Page:
    """One list page: the total count, the next page's URL and each record's bytes."""

    count: int
    next: str | None
    records: list[bytes]
    reserialised: int = 0


def _result_spans(body: bytes) -> list[bytes]:
    """The bytes of each object in the top-level `results` array, in order."""
    spans: list[bytes] = []
    depth = 0
    last_string = b""
    key = b""
    in_results = False
    start = 0
    for match in _TOKEN.finditer(body):
        token = match.group()
        first = token[:1]
        if first == b'"':
            if depth == 1:
                last_string = token
        elif first == b":":
            if depth == 1:
                key = last_string
        elif first in (b"[", b"{"):
            depth += 1
            if depth == 2 and first == b"[" and key == b'"results"':
                in_results = True
            elif in_results and depth == 3:
                start = match.start()
        else:
            if in_results and depth == 3:
                spans.append(body[start : match.end()])
            depth -= 1
            if depth == 1:
                in_results = False
    return spans


def parse_page(body: bytes) -> Page:
    """Parse one list response; raise BadBody if it is not a whole, well-formed envelope."""
    try:
        value = orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise BadBody(f"not JSON or truncated: {exc}") from None
    if not isinstance(value, dict):
        raise BadBody("not an LL2 list envelope (not a JSON object)")
    count, next_url, results = value.get("count"), value.get("next"), value.get("results")
    if type(count) is not int or not isinstance(results, list):
        raise BadBody("not an LL2 list envelope (needs 'count' and 'results')")
    if next_url is not None and not isinstance(next_url, str):
        raise BadBody("'next' is neither a URL nor null")
    spans = _result_spans(body)
    if len(spans) != len(results) or not all(isinstance(r, dict) for r in results):
        raise BadBody("'results' is not a list of records")
    records: list[bytes] = []
    reserialised = 0
    for span in spans:
        if b"\n" in span or b"\r" in span:
            span = orjson.dumps(orjson.loads(span))
            reserialised += 1
        records.append(span)
    return Page(count, next_url, records, reserialised)

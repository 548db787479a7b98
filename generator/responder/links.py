"""LL2's next/previous links as Django REST framework's LimitOffsetPagination writes them.

DRF starts from the request's absolute URI (its own path and query string, as sent), sets
`limit` to the page size used, sets `offset` (or removes it for a previous page at 0), and
re-encodes the query string with its parameters sorted by name. A precomputed list file keeps
its records' bytes; only its head (`count`, `next`, `previous`) is rewritten.
"""

import re
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import orjson


def replace_query_param(url: str, key: str, value: int | None) -> str:
    """DRF's replace_query_param (value None: remove_query_param)."""
    scheme, netloc, path, query, fragment = urlsplit(url)
    params = parse_qs(query, keep_blank_values=True)
    if value is None:
        params.pop(key, None)
    else:
        params[key] = [str(value)]
    return urlunsplit((scheme, netloc, path, urlencode(sorted(params.items()), doseq=True), fragment))


def page_links(url: str, offset: int, limit: int, count: int) -> tuple[str | None, str | None]:
    """(next, previous) of the page at `offset` of `count` results, from the request's URL."""
    next_url = previous_url = None
    if offset + limit < count:
        next_url = replace_query_param(replace_query_param(url, "limit", limit), "offset", offset + limit)
    if offset > 0:
        at = replace_query_param(url, "limit", limit)
        previous_url = replace_query_param(at, "offset", None if offset - limit <= 0 else offset - limit)
    return next_url, previous_url


_HEAD = re.compile(rb'\{"count":([0-9]+),"next":(?:null|"[^"]*"),"previous":(?:null|"[^"]*"),"results":\[')


def relink(body: bytes, url: str, offset: int, limit: int) -> bytes:
    """A list page's bytes with next/previous for `url`; other bodies unchanged."""
    head = _HEAD.match(body)
    if head is None:
        return body
    next_url, previous_url = page_links(url, offset, limit, int(head.group(1)))
    return b"".join(
        (
            b'{"count":',
            head.group(1),
            b',"next":',
            orjson.dumps(next_url),
            b',"previous":',
            orjson.dumps(previous_url),
            b',"results":[',
            body[head.end() :],
        )
    )

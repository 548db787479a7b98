"""LL2 list/detail requests in canonical form: one Query per distinct answer.

`parse_request` reads either an LL2-style URL (`/2.3.0/events/?type__ids=8,2&limit=500`) or a
mirror path (`/2.3.0/events/type__ids-2.8/limit-100/index.json`) and normalises the query the
way LL2 (Django REST framework + django-filter) treats it:

- unknown parameters are ignored, as DRF does;
- `limit` is clamped to 100; a non-positive or non-numeric limit falls back to 10 (DRF);
- a bad `offset` counts as 0; `ordering` keeps only known fields, else the default (DRF);
- an unknown `mode` is the endpoint's default mode (LL2);
- comma lists mean "any of", so they are sorted and de-duplicated; `search` terms are
  case-insensitive and all must match, so they are lower-cased, sorted and de-duplicated;
- a bad value of a filter (`type=abc`) is a 400 at LL2: QueryError here;
- parameters equal to their default are dropped.
"""

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from urllib.parse import parse_qsl, quote, unquote, urlsplit

from generator.api.surface import ALIASES as ALIASES
from generator.api.surface import DEFAULT_ORDERING as DEFAULT_ORDERING
from generator.api.surface import ORDERING_FIELDS as ORDERING_FIELDS
from generator.api.surface import PRESENTATION as SURFACE_PRESENTATION
from generator.api.surface import filters_of
from generator.api.versions import DEFAULT_LIMIT, MAX_LIMIT, SUBSETS, VERSIONS
from generator.errors import BadFilterValue, QueryError

FORMATS = ("json", "api")


@dataclass(frozen=True)
class Query:
    """A canonical request: version, list subset or event id, and normalised parameters."""

    version: str
    subset: str = "all"  # all | upcoming | previous
    event_id: int | None = None  # set for a detail request
    params: tuple[tuple[str, str], ...] = ()  # sorted by name, defaults dropped
    format: str = "json"  # json | api (the browsable HTML page)

    @property
    def is_detail(self) -> bool:
        return self.event_id is not None

    def get(self, name: str, default: str | None = None) -> str | None:
        """The canonical value of one parameter, or `default`."""
        return dict(self.params).get(name, default)

    @property
    def limit(self) -> int:
        return int(self.get("limit") or DEFAULT_LIMIT)

    @property
    def offset(self) -> int:
        return int(self.get("offset") or 0)

    @property
    def mode(self) -> str | None:
        spec = VERSIONS[self.version]
        default = spec.default_detail_mode if self.is_detail else spec.default_list_mode
        return self.get("mode", default)

    @property
    def ordering(self) -> str:
        return self.get("ordering") or DEFAULT_ORDERING[self.subset]

    @property
    def filters(self) -> tuple[tuple[str, str], ...]:
        """Parameters that select events (everything but paging, mode and ordering)."""
        return tuple((k, v) for k, v in self.params if k not in PRESENTATION)

    def with_offset(self, offset: int) -> "Query":
        """A copy at another offset (0 drops it): with_params(offset=...) without re-normalising."""
        params = tuple(p for p in self.params if p[0] != "offset")
        if offset > 0:
            params = tuple(sorted((*params, ("offset", str(offset)))))
        return replace(self, params=params)

    def with_params(self, **changes: str | int | None) -> "Query":
        """A copy with parameters set (None removes), re-normalised."""
        params = dict(self.params)
        for name, value in changes.items():
            if value is None:
                params.pop(name, None)
            else:
                params[name] = str(value)
        return normalise(self.version, self.subset, self.event_id, list(params.items()), self.format)


PRESENTATION = frozenset(SURFACE_PRESENTATION)


# -- value normalisers: raw string -> canonical string, "" to drop, QueryError for a 400 ----

#: Python's int() on ASCII text (sign, surrounding blanks, `_` between digits): what DRF and
#: django-filter accept, restricted to ASCII so that the JS client reads numbers the same way.
_INT = re.compile(r"[ \t\n\r\f\v]*([+-]?[0-9]+(?:_[0-9]+)*)[ \t\n\r\f\v]*")
#: ISO 8601 as Django's DateTimeField reads it: a date, optional time, optional zone. A '+'
#: in a query string arrives as a space, so a space before the zone counts as '+'.
_DATETIME = re.compile(
    r"([0-9]{4})-([0-9]{2})-([0-9]{2})"
    r"(?:[T ]([0-9]{2}):([0-9]{2})(?::([0-9]{2})(?:\.([0-9]{1,6}))?)?)?"
    r"(Z|z|[+ -][0-9]{2}(?::?[0-9]{2})?)?"
)


#: A decimal number as Decimal() reads ASCII text (underscores between digits; no NaN or
#: Infinity, which Django's DecimalField refuses).
_DIGITS = r"[0-9]+(?:_[0-9]+)*"
_NUMBER = re.compile(
    rf"[ \t\n\r\f\v]*([+-]?(?:{_DIGITS}(?:\.(?:{_DIGITS})?)?|\.{_DIGITS})"
    rf"(?:[eE][+-]?{_DIGITS})?)[ \t\n\r\f\v]*"
)

#: A path segment read as an event id (a sign too, so that /events/-5/ is refused, not
#: read as a parameter with no name).
_EVENT_ID = re.compile(r"[+-]?[0-9]+")
#: The largest event id: LL2's ids and SQLite's INTEGER are 64-bit.
MAX_ID = 2**63 - 1


def shown(text: str) -> str:
    """`text` quoted for a message, cut to 80 characters (a hostile URL can be megabytes)."""
    return repr(text) if len(text) <= 80 else repr(text[:77]) + "..."


#: int() refuses text of more digits than this (Python's default int_max_str_digits), so
#: LL2 reads such a `limit` as absent and such a filter value as a bad one.
MAX_DIGITS = 4300


def parse_int(raw: str) -> int | None:
    """The whole number `raw` spells, as int() reads ASCII text; None if it spells none."""
    match = _INT.fullmatch(raw)
    if not match:
        return None
    try:
        return int(match.group(1).replace("_", ""))
    except ValueError:  # more than 4,300 digits: int() refuses them, and so does LL2
        return None


def _limit(raw: str) -> str:
    value = parse_int(raw)
    if value is None or value <= 0:
        return ""
    value = min(value, MAX_LIMIT)
    return "" if value == DEFAULT_LIMIT else str(value)


def _offset(raw: str) -> str:
    value = parse_int(raw)
    return str(value) if value is not None and value > 0 else ""


def _canonical_list(raw: str, read: Callable[[str], int | None], what: str) -> str:
    """A comma-separated list as its sorted distinct values (blank items skipped), each read by
    `read`; an item it cannot read: QueryError naming `what` the list must hold."""
    values = set()
    for item in raw.split(","):
        if item.strip():
            value = read(item)
            if value is None:
                raise QueryError(f"{shown(raw)} is not a comma-separated list of {what}")
            values.add(value)
    return ",".join(str(v) for v in sorted(values))


def _int_list(raw: str) -> str:
    return _canonical_list(raw, parse_int, "whole numbers")


def parse_number(raw: str) -> int | None:
    """The whole number a `number` value selects, as LL2 reads one (None if it spells none):
    django-filter's NumberFilter reads a Decimal (`13.0`, `1.3e1`, ` 13 `; not NaN or
    Infinity), and the date part it is compared with (an IntegerField) takes int() of it,
    which drops the fraction (`13.7` is day 13). A magnitude past 2^63 selects no date part
    at all, so it is kept as 2^63 (same answer, no huge int)."""
    match = _NUMBER.fullmatch(raw)
    if not match:
        return None
    value = Decimal(match.group(1))
    if value.adjusted() >= 19:
        return NUMBER_BOUND if value > 0 else -NUMBER_BOUND
    return max(-NUMBER_BOUND, min(NUMBER_BOUND, int(value)))


#: Where `parse_number` stops: past any date part (and any event id).
NUMBER_BOUND = 2**63


def _number_list(raw: str) -> str:
    return _canonical_list(raw, parse_number, "numbers")


def _int(raw: str) -> str:
    value = parse_int(raw)
    if value is None:
        raise QueryError(f"{shown(raw)} is not a whole number")
    return str(value)


#: LL2's `type` is a ModelChoiceFilter on event types, whose ids are 32-bit (the document's
#: bounds): an id outside them names no type, and django-filter answers 400 with this text.
INT32 = range(-(2**31), 2**31)
NO_CHOICE = "Select a valid choice. That choice is not one of the available choices."


def _choice(raw: str) -> str:
    value = _int(raw)
    if int(value) not in INT32:
        raise QueryError(NO_CHOICE)
    return value


def _str_list(raw: str) -> str:
    return ",".join(sorted({item.strip() for item in raw.split(",") if item.strip()}))


def parse_datetime(raw: str) -> datetime | None:
    """The UTC time `raw` spells (naive times are UTC, as LL2 reads them); None if invalid."""
    match = _DATETIME.fullmatch(raw.strip())
    if not match:
        return None
    year, month, day, hour, minute, second, fraction, zone = match.groups()
    try:
        value = datetime(
            int(year),
            int(month),
            int(day),
            int(hour or 0),
            int(minute or 0),
            int(second or 0),
            int((fraction or "0").ljust(6, "0")),
            tzinfo=UTC,
        )
    except ValueError:
        return None
    if zone and zone not in "Zz":
        digits = zone[1:].replace(":", "")
        offset = timedelta(hours=int(digits[:2]), minutes=int(digits[2:] or 0))
        if offset >= timedelta(hours=24):
            return None
        value = value.replace(tzinfo=timezone(-offset if zone[0] == "-" else offset))
    try:
        return value.astimezone(UTC)
    except OverflowError:  # past year 9999 in UTC (9999-12-31T23:59:59-23:59)
        return None


def format_datetime(value: datetime) -> str:
    """Canonical text of a UTC time: seconds, and the fraction only when there is one."""
    text = (
        f"{value.year:04d}-{value.month:02d}-{value.day:02d}"
        f"T{value.hour:02d}:{value.minute:02d}:{value.second:02d}"
    )
    if value.microsecond:
        text += f".{value.microsecond:06d}".rstrip("0")
    return text + "Z"


def _datetime(raw: str) -> str:
    value = parse_datetime(raw)
    if value is None:
        raise QueryError(f"{shown(raw)} is not a date and time (ISO 8601)")
    return format_datetime(value)


def _search(raw: str) -> str:
    terms = raw.replace(",", " ").lower().split()
    return " ".join(sorted(set(terms)))


def _bool(raw: str) -> str:
    value = raw.strip().lower()
    if value in ("true", "1", "yes", "on"):
        return "true"
    if value in ("false", "0", "no", "off", ""):
        return ""
    raise QueryError(f"{shown(raw)} is not true or false")


def _slug(raw: str) -> str:
    return raw.strip()


#: Each kind of filter value (`surface.FilterSpec.kind`) -> its normaliser.
PARSERS: dict[str, Callable[[str], str]] = {
    "int": _int,
    "int_list": _int_list,
    "number_list": _number_list,
    "choice": _choice,
    "str_list": _str_list,
    "datetime": _datetime,
    "slug": _slug,
}
#: Filters of each version (from the seed pages), from the surface's table.
FILTERS = {v: {f.name: PARSERS[f.kind] for f in filters_of(v)} for v in VERSIONS}


def _ordering(raw: str) -> str:
    terms: list[str] = []
    seen: set[str] = set()
    for term in raw.split(","):
        term = term.strip()
        field = term.removeprefix("-")
        # A field already ordered on cannot change the order again, so later mentions go.
        if field in ORDERING_FIELDS and field not in seen:
            terms.append(term)
            seen.add(field)
    return ",".join(terms)


def _fold_type(params: dict[str, str]) -> None:
    """`type=N` selects what `type__ids=N` does: spell both one way, so they share a file."""
    if "type" not in params:
        return
    wanted = params["type"]
    if "type__ids" not in params or wanted in params["type__ids"].split(","):
        params["type__ids"] = wanted
        del params["type"]


def normalise(
    version: str,
    subset: str,
    event_id: int | None,
    pairs: list[tuple[str, str]],
    fmt: str = "json",
) -> Query:
    """Canonical Query from raw (name, value) pairs, as LL2 would interpret them."""
    if version not in VERSIONS:
        raise QueryError(f"unknown API version {version!r} (the mirror has {', '.join(VERSIONS)})")
    spec = VERSIONS[version]
    filters = FILTERS[version]
    merged: dict[str, str] = {}
    for name, value in pairs:
        name = ALIASES.get(name, name)
        if name == "format":
            fmt = value if value in FORMATS else fmt
        elif name == "program" and name in merged:
            # `program` is a multiple-choice filter (the spec's explode=true): repeats add up.
            # Every other parameter is read with QueryDict.get: the last one wins.
            merged[name] = f"{merged[name]},{value}"
        else:
            merged[name] = value
    params: dict[str, str] = {}
    for name, raw in merged.items():
        if name == "limit" and event_id is None:
            value = _limit(raw)
        elif name == "offset" and event_id is None:
            value = _offset(raw)
        elif name == "mode" and spec.modes != (None,):
            default = spec.default_detail_mode if event_id is not None else spec.default_list_mode
            value = raw if raw in spec.modes and raw != default else ""
        elif event_id is not None:
            continue  # a detail ignores list parameters
        elif name == "ordering":
            value = _ordering(raw)
            value = "" if value == DEFAULT_ORDERING[subset] else value
        elif name == "search":
            value = _search(raw)
        elif name in filters or (subset == "upcoming" and name in VERSIONS[version].upcoming_params):
            try:
                value = filters[name](raw) if name in filters else _bool(raw)
            except QueryError as exc:
                raise BadFilterValue(name, str(exc)) from None
        else:
            continue  # unknown: ignored, as DRF does
        if value:
            params[name] = value
    _fold_type(params)
    return Query(version, subset, event_id, tuple(sorted(params.items())), fmt)


# -- mirror paths ---------------------------------------------------------------------------

_SAFE = frozenset("abcdefghijklmnopqrstuvwxyz0123456789_-")
_HEX2 = re.compile(r"[0-9A-Fa-f]{2}")


def encode_value(value: str) -> str:
    """Canonical value -> path-safe text: [a-z0-9_-] kept, ',' -> '.', other bytes '~XX'."""
    out = []
    for char in value:
        if char in _SAFE:
            out.append(char)
        elif char == ",":
            out.append(".")
        else:
            out.extend(f"~{byte:02X}" for byte in char.encode())
    return "".join(out)


def decode_value(text: str) -> str:
    """Inverse of encode_value."""
    raw = bytearray()
    i = 0
    while i < len(text):
        char = text[i]
        if char == "~":
            if not _HEX2.fullmatch(text[i + 1 : i + 3]):
                raise QueryError(f"bad escape in path segment {shown(text)}")
            raw.append(int(text[i + 1 : i + 3], 16))
            i += 3
            continue
        raw.extend(b"," if char == "." else char.encode())
        i += 1
    try:
        return raw.decode("utf-8", errors="strict")
    except UnicodeDecodeError:
        raise QueryError(f"bad escape in path segment {shown(text)}: its bytes are not UTF-8 text") from None


def endpoint_parts(query: Query) -> list[str]:
    """The path segments LL2 answers `query` at: version, endpoint, subset, event id."""
    parts = [query.version, VERSIONS[query.version].endpoint]
    if query.subset != "all":
        parts.append(query.subset)
    if query.event_id is not None:
        parts.append(str(query.event_id))
    return parts


#: The longest file or folder name (bytes) the file systems a site is built on allow.
NAME_MAX = 255


def query_dir(query: Query) -> str:
    """The folder (relative to dist/, no leading slash) that serves `query`; a QueryError
    when one of its folder names would be longer than file systems allow. An event asked
    for under a subset (`upcoming/{id}/`) is the event's own file: the host rules and the JS
    client check that it is in the subset."""
    parts = endpoint_parts(replace(query, subset="all") if query.is_detail else query)
    for name, value in query.params:
        segment = f"{name}-{encode_value(value)}"
        if len(segment) > NAME_MAX:
            raise QueryError(
                f"{name}={value[:40]}...: the mirror's folder for this value would be named by "
                f"{len(segment)} bytes, over the {NAME_MAX} file systems allow; no file can answer it"
            )
        parts.append(segment)
    return "/".join(parts)


@functools.lru_cache(maxsize=1 << 12)
def query_path(query: Query) -> str:
    """The file (relative to dist/) that serves `query`: index.json, or index.html for format=api.
    Remembered for the most recent queries: a list page's path is asked as the page, as its
    neighbours' next and previous, and by the manifest."""
    name = "index.html" if query.format == "api" else "index.json"
    return f"{query_dir(query)}/{name}"


def query_url(query: Query) -> str:
    """The canonical LL2-style URL path and query string of `query` (no host)."""
    path = "/" + "/".join(endpoint_parts(query)) + "/"
    pairs = list(query.params) + ([("format", "api")] if query.format == "api" else [])
    if not pairs:
        return path
    return path + "?" + "&".join(f"{k}={quote(v, safe=',-_.:')}" for k, v in pairs)


def _segment_names(version: str, subset: str) -> frozenset[str]:
    """The parameter names a mirror path segment can have (`/foo-bar/` names nothing)."""
    upcoming = VERSIONS[version].upcoming_params if subset == "upcoming" else ()
    return frozenset((*FILTERS[version], *PRESENTATION, "search", *upcoming))


def parse_request(url: str, base_path: str = "") -> Query:
    """Canonical Query for an LL2 URL or a mirror URL/path (host and `base_path` are ignored)."""
    try:
        url.encode("utf-8")
    except UnicodeEncodeError:  # bytes that are not UTF-8 on the command line (surrogate escapes)
        raise QueryError(f"{shown(url)} is not UTF-8 text") from None
    parts = urlsplit(url)
    path = unquote(parts.path)
    base = base_path.rstrip("/")
    if base and (path == base or path.startswith(base + "/")):
        path = path[len(base) :]
    segments = [s for s in path.split("/") if s]
    fmt = "json"
    if segments and segments[-1] in ("index.json", "index.html"):
        fmt = "api" if segments.pop() == "index.html" else "json"
    if len(segments) < 2:
        raise QueryError(f"{shown(url)} is not an events path such as /2.3.0/events/")
    version, endpoint, rest = segments[0], segments[1], segments[2:]
    if version not in VERSIONS:
        raise QueryError(
            f"unknown API version {version!r} in {shown(url)} (the mirror has {', '.join(VERSIONS)})"
        )
    if endpoint != VERSIONS[version].endpoint:
        raise QueryError(
            f"{version} serves events at /{version}/{VERSIONS[version].endpoint}/, not /{endpoint}/"
        )
    subset = "all"
    if rest and rest[0] in SUBSETS[1:]:
        subset = rest.pop(0)
    event_id = None
    if rest and _EVENT_ID.fullmatch(rest[0]):
        event_id = parse_int(rest.pop(0))  # also under a subset: LL2 has /events/upcoming/{id}/
        if event_id is None or not 1 <= event_id <= MAX_ID:
            raise QueryError(f"{shown(url)}: an event id is a whole number from 1 to {MAX_ID}")
    pairs: list[tuple[str, str]] = []
    for segment in rest:
        name, sep, encoded = segment.partition("-")
        if not sep or name not in _segment_names(version, subset):
            raise QueryError(f"{shown(url)}: {shown(segment)} is not a mirror path segment (name-value)")
        pairs.append((name, decode_value(encoded)))
    pairs.extend(parse_qsl(parts.query, keep_blank_values=True))
    return normalise(version, subset, event_id, pairs, fmt)

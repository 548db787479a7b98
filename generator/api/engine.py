"""The reference query engine: which events a canonical Query selects, in LL2's order.

Semantics (documented in README's table):
- upcoming: date >= now - 1 day (date >= now with hide_recent_previous); previous: date < now;
  events without a date are in neither;
- comma lists mean "any of"; `search` terms must all occur in the name, ignoring case;
- year/month/day match the event's UTC date; date and last_updated bounds skip null dates;
- ordering as PostgreSQL sorts: nulls last ascending, first descending; ties by id ascending.
"""

from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta

from generator.api.facets import Facets
from generator.api.query import Query
from generator.load.snapshot import parse_utc

RECENT = timedelta(days=1)
_NEVER = datetime.min.replace(tzinfo=UTC)

Predicate = Callable[[Facets], bool]


def _ints(value: str) -> frozenset[int]:
    return frozenset(int(v) for v in value.split(","))


def _date_part(part: str, value: str) -> Predicate:
    wanted = _ints(value)
    position = ("year", "month", "day").index(part)
    return lambda f: f.utc_day is not None and f.utc_day[position] in wanted


def _bound(attr: str, op: str, value: str) -> Predicate:
    limit = parse_utc(value)
    compare: dict[str, Callable[[datetime], bool]] = {
        "gt": lambda d: d > limit,
        "gte": lambda d: d >= limit,
        "lt": lambda d: d < limit,
        "lte": lambda d: d <= limit,
        "eq": lambda d: d == limit,
    }
    test = compare[op]

    def predicate(f: Facets) -> bool:
        stamp = getattr(f, attr)
        return stamp is not None and test(stamp)

    return predicate


def predicate(name: str, value: str) -> Predicate:
    """One filter parameter as a test on an event's facets."""
    if name == "type":
        wanted_type = int(value)
        return lambda f: f.type_id == wanted_type
    if name == "type__ids":
        types = _ints(value)
        return lambda f: f.type_id in types
    if name == "id":
        ids = _ints(value)
        return lambda f: f.id in ids
    if name == "agency__ids":
        agencies = _ints(value)
        return lambda f: not agencies.isdisjoint(f.agency_ids)
    if name == "program":
        programs = _ints(value)
        return lambda f: not programs.isdisjoint(f.program_ids)
    if name in ("year", "month", "day"):
        return _date_part(name, value)
    if name == "slug":
        return lambda f: f.slug == value
    if name == "video_url":
        urls = frozenset(value.split(","))
        return lambda f: not urls.isdisjoint(f.video_urls)
    if name == "search":
        terms = value.split()
        return lambda f: all(t in f.name.lower() for t in terms)
    if name == "last_updated":
        return _bound("last_updated", "eq", value)
    field, _, op = name.rpartition("__")
    if field in ("date", "last_updated") and op in ("gt", "gte", "lt", "lte"):
        return _bound(field, op, value)
    if name == "hide_recent_previous":
        return lambda f: True  # applied with the subset
    raise ValueError(f"no filter named {name!r}")


def in_subset(query: Query, now: datetime) -> Predicate:
    if query.subset == "upcoming":
        start = now if query.get("hide_recent_previous") == "true" else now - RECENT
        return lambda f: f.date is not None and f.date >= start
    if query.subset == "previous":
        return lambda f: f.date is not None and f.date < now
    return lambda f: True


def order(events: Iterable[Facets], ordering: str) -> list[Facets]:
    """Sort by the ordering terms (e.g. '-date,last_updated'), ties by id ascending."""
    result = sorted(events, key=lambda f: f.id)
    for term in reversed(ordering.split(",")):
        attr = term.lstrip("-")
        result.sort(
            key=lambda f: (getattr(f, attr) is None, getattr(f, attr) or _NEVER),
            reverse=term.startswith("-"),
        )
    return result


def select(events: Iterable[Facets], query: Query, now: datetime) -> list[int]:
    """Ids of every event matching `query` (all pages), in the query's order."""
    return select_ordered(order(events, query.ordering), query, now)


def select_ordered(ordered: list[Facets], query: Query, now: datetime) -> list[int]:
    """select() over events already in the query's order (the order is total, so filtering
    an ordered list gives the ordered selection)."""
    tests = [predicate(k, v) for k, v in query.filters]
    if query.subset != "all":
        tests.append(in_subset(query, now))
    if not tests:
        return [f.id for f in ordered]
    if len(tests) == 1:
        test = tests[0]
        return [f.id for f in ordered if test(f)]
    return [f.id for f in ordered if all(test(f) for test in tests)]


def page(ids: list[int], query: Query) -> list[int]:
    """The ids on the page that `query`'s limit and offset name."""
    return ids[query.offset : query.offset + query.limit]

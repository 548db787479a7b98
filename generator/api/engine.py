"""The reference query engine: which events a canonical Query selects, in LL2's order.

Semantics (documented in README's table):
- upcoming: date >= now - 1 day (date >= now with hide_recent_previous); previous: date < now;
  events without a date are in neither;
- comma lists mean "any of"; `search` terms must all occur in the name, ignoring case;
- each filter is its row of `surface.FILTERS` (the facet it reads, the test it makes);
- year/month/day match the event's UTC date; date and last_updated bounds skip null dates;
- ordering as PostgreSQL sorts: nulls last ascending, first descending; ties by id ascending.
"""

from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from operator import attrgetter
from typing import Any

from generator.api.facets import Facets
from generator.api.query import Query
from generator.api.surface import FilterSpec, filter_named
from generator.api.times import parse_utc

RECENT = timedelta(days=1)
_NEVER = datetime.min.replace(tzinfo=UTC)

Predicate = Callable[[Facets], bool]


_BOUNDS: dict[str, Callable[[datetime, datetime], bool]] = {
    "gt": lambda d, limit: d > limit,
    "gte": lambda d, limit: d >= limit,
    "lt": lambda d, limit: d < limit,
    "lte": lambda d, limit: d <= limit,
}


def _wanted(kind: str, value: str) -> object:
    """A canonical filter value as the facet is compared with it."""
    if kind in ("int", "choice"):
        return int(value)
    if kind in ("int_list", "number_list"):
        return frozenset(int(v) for v in value.split(","))
    if kind == "str_list":
        return frozenset(value.split(","))
    if kind == "datetime":
        return parse_utc(value)
    return value


def _test(row: FilterSpec, value: str) -> Predicate:
    """A filter row's test (`surface.FilterSpec.test`) with one value."""
    read = attrgetter(row.facet)
    wanted: Any = _wanted(row.kind, value)
    if row.test == "is":
        return lambda f: bool(read(f) == wanted)
    if row.test == "in":
        return lambda f: read(f) in wanted
    if row.test == "overlaps":
        return lambda f: not wanted.isdisjoint(read(f))
    bound = _BOUNDS[row.test]

    def predicate(f: Facets) -> bool:
        stamp = read(f)
        return stamp is not None and bound(stamp, wanted)

    return predicate


def predicate(name: str, value: str) -> Predicate:
    """One filter parameter as a test on an event's facets."""
    if name == "search":
        terms = value.split()
        return lambda f: all(t in f.name.lower() for t in terms)
    if name == "hide_recent_previous":
        return lambda f: True  # applied with the subset
    try:
        return _test(filter_named(name), value)
    except KeyError:
        raise ValueError(f"no filter named {name!r}") from None


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

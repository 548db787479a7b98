"""The variant planner: which filtered lists to precompute, in priority order, within a budget.

Families (per version, all on the `all` subset unless named):
    orderings   all/upcoming/previous in the orderings the core lists lack
    type        one event type          (type__ids=N)
    agency      one agency              (agency__ids=N)
    program     one program             (program=N)
    year        one year                (year=Y)
    month       one year and month      (year=Y&month=M)
    type-pair   two of the 8 most common event types (type__ids=A,B)

Each facet value is crossed with modes, orderings and page sizes. Variants come out in two
rounds, single facets then type pairs, and each round in tiers:
default ordering and page size first, then the maximum page size, then the other orderings;
within a tier the newest API version first, then family by family, and within a family the
values with most events first (what people ask for most). A variant is kept when its exact
cost (every page's bytes and its manifest entries, computed before writing) fits
what is left of the budget; otherwise it is dropped and the next one is tried. Everything is
a generator: the planner holds one variant's ids at a time, plus a bounded selection cache.
"""

from collections import Counter, OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from itertools import combinations
from typing import TypeVar

from generator.api import DEFAULT_LIMIT, MAX_LIMIT, SUBSETS, version_key
from generator.engine import Predicate, in_subset, order, predicate
from generator.errors import BudgetError
from generator.facets import Facets
from generator.query import FILTERS, ORDERING_FIELDS, Query, normalise
from generator.settings import DEFAULT_MAX_BYTES, DEFAULT_MAX_FILES
from generator.validate import VersionIndex

#: Bytes and files kept back for what is written after the variants (host rules, manifest end).
RESERVE_BYTES = 2_000_000
RESERVE_FILES = 8
FAMILIES = ("orderings", "type", "agency", "program", "year", "month", "type-pair")
#: Families planned in rounds: every single facet in every tier before any combination.
ROUNDS = (FAMILIES[:-1], FAMILIES[-1:])
PAIR_TYPES = 8  # type-pair variants combine the 8 most common event types (28 pairs)
_CACHE_SIZE = 256  # selections kept for reuse across modes and page sizes
#: How many ids the lists kept by Selections.ids may hold in all (8 MiB of list slots): a
#: filter's list recurs in every mode and page size, far apart in the planner's order.
_IDS_KEPT = 1 << 20


@dataclass(frozen=True)
class Budget:
    """Ceilings for the whole of dist/: bytes and files."""

    max_bytes: int = DEFAULT_MAX_BYTES
    max_files: int = DEFAULT_MAX_FILES


@dataclass(frozen=True)
class Variant:
    """One list to precompute (its first page) and the family it belongs to."""

    family: str
    first: Query


@dataclass
class FamilyReport:
    """What one family precomputed and dropped: lists, files and bytes."""

    kept_lists: int = 0
    kept_files: int = 0
    kept_bytes: int = 0
    dropped_lists: int = 0
    dropped_files: int = 0
    dropped_bytes: int = 0


@dataclass
class Planner:
    """Tracks what the site spends and admits variants while they fit the budget."""

    budget: Budget
    files: int = 0
    bytes: int = 0
    families: dict[str, FamilyReport] = field(default_factory=dict)

    def spend(self, files: int, size: int) -> None:
        """Count output that is not optional (details, core lists, data, rules)."""
        self.files += files
        self.bytes += size

    def check(self, what: str) -> None:
        """Raise BudgetError when what has been spent already exceeds the budget."""
        if self.bytes > self.budget.max_bytes or self.files > self.budget.max_files:
            raise BudgetError(
                f"{what} needs {self.files:,} files and {self.bytes:,} bytes, over the budget of "
                f"{self.budget.max_files:,} files and {self.budget.max_bytes:,} bytes; "
                "raise --max-files/--max-bytes or publish fewer modes"
            )

    def admit(self, family: str, files: int, size: int) -> bool:
        """Keep a variant of `files` files and `size` bytes if it fits; record the decision."""
        report = self.families.setdefault(family, FamilyReport())
        fits = (
            self.files + files + RESERVE_FILES <= self.budget.max_files
            and self.bytes + size + RESERVE_BYTES <= self.budget.max_bytes
        )
        if fits:
            self.spend(files, size)
            report.kept_lists += 1
            report.kept_files += files
            report.kept_bytes += size
        else:
            report.dropped_lists += 1
            report.dropped_files += files
            report.dropped_bytes += size
        return fits


K = TypeVar("K", int, tuple[int, int])


def _by_popularity(counts: "Counter[K]") -> list[K]:
    return sorted(counts, key=lambda value: (-counts[value], value))


def facet_values(facets: list[Facets]) -> dict[str, list[list[tuple[str, str]]]]:
    """Filter parameters of every single-facet (and type-pair) variant, most events first."""
    types = Counter(f.type_id for f in facets)
    agencies = Counter(a for f in facets for a in f.agency_ids)
    programs = Counter(p for f in facets for p in f.program_ids)
    years = Counter(f.date.year for f in facets if f.date)
    months = Counter((f.date.year, f.date.month) for f in facets if f.date)
    pairs: Counter[tuple[int, int]] = Counter()
    # Pairs grow quadratically: only those of the most common types, which clients combine.
    common = sorted(_by_popularity(types)[:PAIR_TYPES])
    for a, b in combinations(common, 2):
        pairs[(a, b)] = types[a] + types[b]  # type ids are disjoint: the union's size
    return {
        "type": [[("type__ids", str(t))] for t in _by_popularity(types)],
        "agency": [[("agency__ids", str(a))] for a in _by_popularity(agencies)],
        "program": [[("program", str(p))] for p in _by_popularity(programs)],
        "year": [[("year", str(y))] for y in _by_popularity(years)],
        "month": [[("year", str(y)), ("month", str(m))] for y, m in _by_popularity(months)],
        "type-pair": [[("type__ids", f"{a},{b}")] for a, b in _by_popularity(pairs)],
    }


def _orderings() -> list[str]:
    return [f"{sign}{name}" for name in ORDERING_FIELDS for sign in ("", "-")]


Tier = tuple[str | None, int]  # (ordering, or None for the default; page size)


def tiers() -> list[Tier]:
    """Default ordering at the default, then the maximum page size; then the other orderings."""
    out: list[Tier] = [(None, DEFAULT_LIMIT), (None, MAX_LIMIT)]
    return out + [
        (ordering, limit) for limit in (DEFAULT_LIMIT, MAX_LIMIT) for ordering in _orderings()
    ]


def family_values(vindex: VersionIndex) -> dict[str, list[list[tuple[str, str]]]]:
    """facet_values of the families the version can filter by (2.2.0 has no `year`: that
    family would be the bare list)."""
    facets = sorted(vindex.facets.values(), key=lambda f: f.id)
    return {
        family: params
        for family, params in facet_values(facets).items()
        if all(name in FILTERS[vindex.spec.version] for p in params[:1] for name, _ in p)
    }


def variants(
    vindex: VersionIndex,
    tier: Tier,
    families: tuple[str, ...] = FAMILIES,
    values: dict[str, list[list[tuple[str, str]]]] | None = None,
) -> Iterator[Variant]:
    """The variants of one version in one tier, in priority order (see module doc);
    `values` is the version's family_values, when already known."""
    spec = vindex.spec
    ordering, limit = tier
    if values is None:
        values = family_values(vindex)
    for family in families:
        if family != "orderings" and family not in values:
            continue
        for mode in spec.modes:
            base = [("limit", str(limit))] + ([("mode", mode)] if mode else [])
            base += [("ordering", ordering)] if ordering else []
            if family == "orderings":
                if ordering is None:
                    continue  # the core lists have the default order
                candidates = [normalise(spec.version, s, None, base) for s in SUBSETS]
            else:
                candidates = [
                    normalise(spec.version, "all", None, base + v) for v in values[family]
                ]
            for query in candidates:
                # An ordering that is a subset's default is the core list itself. No other
                # two candidates normalise alike, so nothing needs remembering here.
                if query.get("ordering") is None and ordering is not None:
                    continue
                yield Variant(family, query)


def plan(vindexes: list[VersionIndex]) -> Iterator[Variant]:
    """Every variant of every version: round by round, tier by tier, the newest version first."""
    newest_first = sorted(
        vindexes, key=lambda v: version_key(v.spec.version), reverse=True
    )
    values = [family_values(vindex) for vindex in newest_first]
    for families in ROUNDS:
        for tier in tiers():
            for vindex, known in zip(newest_first, values, strict=True):
                yield from variants(vindex, tier, families, known)


class Selections:
    """select() for many queries over one version: each filter's matching ids are found once
    (bounded cache) and intersected, then read off each ordering, which is sorted once.

    Gives exactly engine.select (tests/test_planner.py compares them)."""

    def __init__(self, vindex: VersionIndex, now: datetime) -> None:
        self._facets = sorted(vindex.facets.values(), key=lambda f: f.id)
        self._now = now
        self._matching: OrderedDict[tuple[str, str], frozenset[int]] = OrderedDict()
        self._orders: dict[str, list[int]] = {}  # each ordering's ids, sorted once
        self._positions: dict[str, dict[int, int]] = {}  # id -> place in each ordering
        self._lists: dict[tuple[str, tuple[tuple[str, str], ...], str], list[int]] = {}
        self._kept = 0  # ids held in _lists

    def _matches(self, name: str, value: str, predicate: Predicate) -> frozenset[int]:
        key = (name, value)
        found = self._matching.get(key)
        if found is None:
            found = frozenset(f.id for f in self._facets if predicate(f))
            self._matching[key] = found
            if len(self._matching) > _CACHE_SIZE:
                self._matching.popitem(last=False)
        else:
            self._matching.move_to_end(key)
        return found

    def ids(self, query: Query) -> list[int]:
        """The ids `query` selects, in its order (the same list object for every mode and page
        size of one selection: callers must not change it)."""
        key = (query.subset, query.filters, query.ordering)
        found = self._lists.get(key)
        if found is None:
            found = self._select(query)
            if self._kept + len(found) > _IDS_KEPT:
                self._lists.clear()
                self._kept = 0
            self._lists[key] = found
            self._kept += len(found)
        return found

    def _select(self, query: Query) -> list[int]:
        if query.ordering not in self._orders:
            self._orders[query.ordering] = [f.id for f in order(self._facets, query.ordering)]
        ordered = self._orders[query.ordering]
        sets = [self._matches(k, v, predicate(k, v)) for k, v in query.filters]
        if query.subset != "all":
            start = query.get("hide_recent_previous") if query.subset == "upcoming" else None
            sets.append(self._matches(f"subset:{query.subset}", str(start), in_subset(query, self._now)))
        if not sets:
            return list(ordered)
        wanted = frozenset.intersection(*sorted(sets, key=len))
        if 16 * len(wanted) < len(ordered):  # a few events: sort them rather than scan all
            if query.ordering not in self._positions:
                self._positions[query.ordering] = {i: n for n, i in enumerate(ordered)}
            return sorted(wanted, key=self._positions[query.ordering].__getitem__)
        return list(filter(wanted.__contains__, ordered))


def report_lines(planner: Planner) -> list[str]:
    """The planner's report: per family, what was precomputed and what was dropped."""
    lines = [
        f"variants (budget {planner.budget.max_files:,} files, "
        f"{planner.budget.max_bytes:,} bytes):",
        f"  {'family':<22}{'kept lists':>11}{'files':>9}{'bytes':>15}  "
        f"{'dropped lists':>13}{'files':>9}{'bytes':>15}",
    ]
    for family, r in planner.families.items():
        lines.append(
            f"  {family:<22}{r.kept_lists:>11,}{r.kept_files:>9,}{r.kept_bytes:>15,}  "
            f"{r.dropped_lists:>13,}{r.dropped_files:>9,}{r.dropped_bytes:>15,}"
        )
    return lines

"""The variant planner: which filtered lists to precompute, in priority order, within a budget.

Families (per version):
    orderings   all/upcoming/previous in the orderings the core lists lack
    type        one event type          (type__ids=N)
    agency      one agency              (agency__ids=N)
    program     one program             (program=N)
    year        one year                (year=Y)
    month       one year and month      (year=Y&month=M)
    type-pair   two of the 8 most common event types (type__ids=A,B)

Every value the snapshot knows (in any version) is planned for every version, so a value
with no event in a version or subset is an empty list, a file like any other. The order is
what clients ask most first (docs/precompute.md): in two rounds, single facets then type
pairs, each in tiers (`tiers`): `limit` 10 before any `limit` 100; per page size the `all`
subset in the default mode, the other modes, then the same for `upcoming`, then for
`previous`; then the other orderings. Within a tier the newest version first, then family by
family, mode by mode, subset by subset, and the values with most events first. A variant is
kept when its exact cost (every page's bytes and its manifest entries, computed before writing) fits what is
left of the budget; otherwise it is dropped and the next one is tried. Everything is a
generator: the planner holds one variant's ids at a time, plus a bounded selection cache.
"""

from collections import Counter, OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from itertools import combinations, product

from generator.api.engine import Predicate, in_subset, order, predicate
from generator.api.facets import Facets, values_of
from generator.api.query import FILTERS, ORDERING_FIELDS, Query, normalise
from generator.api.surface import FAMILY_WITH, PAIR_FAMILIES, family_filter, filter_named
from generator.api.surface import families as surface_families
from generator.api.versions import DEFAULT_LIMIT, MAX_LIMIT, SUBSETS, VERSIONS, version_key
from generator.load.validate import VersionIndex
from generator.output.budget import GROUPS

FAMILIES = surface_families()
#: Families planned in rounds: every single facet in every tier before any combination.
ROUNDS = (FAMILIES[: -len(PAIR_FAMILIES)], FAMILIES[-len(PAIR_FAMILIES) :])
PAIR_TYPES = 8  # type-pair variants combine the 8 most common event types (28 pairs)
_CACHE_SIZE = 256  # selections kept for reuse across modes and page sizes
#: How many ids the lists kept by Selections.ids may hold in all (8 MiB of list slots): a
#: filter's list recurs in every mode and page size, far apart in the planner's order.
_IDS_KEPT = 1 << 20


@dataclass(frozen=True)
class Variant:
    """One list to precompute (its first page) and the family it belongs to."""

    family: str
    first: Query

    @property
    def group(self) -> str:
        """Which share the report gives: single-filter lists in the default ordering, other
        orderings (of the core lists or of single filters), or type pairs."""
        if self.family == "type-pair":
            return GROUPS[2]
        return GROUPS[1] if self.family == "orderings" or self.first.get("ordering") else GROUPS[0]

    @property
    def tier(self) -> str:
        """The budget-order step of a single-filter list (`tiers`), for the report."""
        spec = VERSIONS[self.first.version]
        subset = self.first.subset
        mode = "default mode" if self.first.mode == spec.default_list_mode else "other modes"
        return f"  of which {subset}, {mode}, limit {self.first.limit}"


def _family_params(family: str) -> tuple[str, ...]:
    """The filters a family's lists set, one value each (`surface.FAMILY_WITH`)."""
    return (*FAMILY_WITH.get(family, ()), family_filter(family).name)


def _count(of: list[Facets], params: tuple[str, ...]) -> "Counter[tuple[int, ...]]":
    facets = [filter_named(name).facet for name in params]
    return Counter(key for f in of for key in product(*(values_of(f, facet) for facet in facets)))


def _by_popularity(counts: "Counter[tuple[int, ...]]") -> list[tuple[int, ...]]:
    return sorted(counts, key=lambda value: (-counts[value], value))


def facet_values(
    facets: list[Facets], planned_events: list[Facets] | None = None
) -> dict[str, list[list[tuple[str, str]]]]:
    """Filter parameters of every single-facet (and type-pair) variant, most events first;
    the families and the facets they read are the surface's (`surface.FILTERS`).

    `planned_events` (default: `facets`) are the events whose values are planned: every version's, so
    a value another version has is an (empty) list here too."""
    planned_events = facets if planned_events is None else planned_events
    out: dict[str, list[list[tuple[str, str]]]] = {}
    here: dict[str, Counter[tuple[int, ...]]] = {}
    for family in FAMILIES[1:]:
        if family in PAIR_FAMILIES:
            # Pairs grow quadratically: only those of the most common values, which clients
            # combine; the values are disjoint (an event has one type): the union's size.
            name, counts = family_filter(family).name, here[PAIR_FAMILIES[family]]
            common = sorted(v for (v,) in _by_popularity(counts)[:PAIR_TYPES])
            pairs: Counter[tuple[int, ...]] = Counter()
            for a, b in combinations(common, 2):
                pairs[(a, b)] = counts[(a,)] + counts[(b,)]
            out[family] = [[(name, f"{a},{b}")] for a, b in _by_popularity(pairs)]
            continue
        params = _family_params(family)
        here[family] = values = _count(facets, params)
        every = _count(planned_events, params)
        ordered = sorted(every, key=lambda value: (-values[value], value))
        out[family] = [[(n, str(v)) for n, v in zip(params, key, strict=True)] for key in ordered]
    return out


def _orderings() -> list[str]:
    return [f"{sign}{name}" for name in ORDERING_FIELDS for sign in ("", "-")]


@dataclass(frozen=True)
class Tier:
    """One step of the budget order: subsets, which modes, page size, ordering (None: the
    subset's default)."""

    subsets: tuple[str, ...]
    modes: str  # "default" (the version's default list mode), "other", or "all"
    limit: int
    ordering: str | None = None

    def modes_of(self, spec_modes: tuple[str | None, ...], default: str | None) -> list[str | None]:
        if self.modes == "default":
            return [default]
        if self.modes == "other":
            return [m for m in spec_modes if m != default]
        return [default, *(m for m in spec_modes if m != default)]


def tiers() -> list[Tier]:
    """What clients ask most first: LL2's default page size (`limit` 10) of every subset and
    mode before any `limit` 100 (on GitHub Pages the first fit whole at 1,500 events, the
    second do not): per page size, the `all` list in the default mode, in the other modes, then
    the same for `upcoming` (small, and what apps show) and `previous`; then the other
    orderings."""
    out: list[Tier] = []
    for limit in (DEFAULT_LIMIT, MAX_LIMIT):
        for subsets in (("all",), ("upcoming",), ("previous",)):
            out += [Tier(subsets, "default", limit), Tier(subsets, "other", limit)]
    return out + [
        Tier(SUBSETS, "all", limit, ordering)
        for limit in (DEFAULT_LIMIT, MAX_LIMIT)
        for ordering in _orderings()
    ]


def family_values(
    vindex: VersionIndex, planned_events: list[Facets] | None = None
) -> dict[str, list[list[tuple[str, str]]]]:
    """facet_values of the families the version can filter by (2.2.0 has no `year`: that
    family would be the bare list), with the values of `planned_events` (every version's)."""
    facets = sorted(vindex.facets.values(), key=lambda f: f.id)
    return {
        family: params
        for family, params in facet_values(facets, planned_events).items()
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
    if values is None:
        values = family_values(vindex)
    for family in families:
        if family != "orderings" and family not in values:
            continue
        if family == "orderings" and tier.ordering is None:
            continue  # the core lists have the default order
        for mode in tier.modes_of(spec.modes, spec.default_list_mode):
            base = [("limit", str(tier.limit))] + ([("mode", mode)] if mode else [])
            base += [("ordering", tier.ordering)] if tier.ordering else []
            for subset in tier.subsets:
                if family == "orderings":
                    candidates = [normalise(spec.version, subset, None, base)]
                else:
                    candidates = [normalise(spec.version, subset, None, base + v) for v in values[family]]
                for query in candidates:
                    # An ordering that is a subset's default is that tier's default-order list.
                    # No other two candidates normalise alike, so nothing needs remembering here.
                    if query.get("ordering") is None and tier.ordering is not None:
                        continue
                    yield Variant(family, query)


def plan(vindexes: list[VersionIndex]) -> Iterator[Variant]:
    """Every variant of every version: round by round, tier by tier, the newest version first."""
    newest_first = sorted(vindexes, key=lambda v: version_key(v.spec.version), reverse=True)
    every = [f for vindex in vindexes for f in vindex.facets.values()]
    values = [family_values(vindex, every) for vindex in newest_first]
    for families in ROUNDS:
        for tier in tiers():
            for vindex, version_values in zip(newest_first, values, strict=True):
                yield from variants(vindex, tier, families, version_values)


class Selections:
    """select() for many queries over one version: each filter's matching ids are found once
    (bounded cache) and intersected, then read off each ordering, which is sorted once.

    Gives exactly engine.select (tests/test_planner.py compares them)."""

    def __init__(self, vindex: VersionIndex, now: datetime) -> None:
        self._init(list(vindex.facets.values()), now)

    @classmethod
    def of(cls, facets: list[Facets], now: datetime) -> "Selections":
        """Selections over some events only (reuse.py: the events a rebuild changed)."""
        selections = cls.__new__(cls)
        selections._init(facets, now)
        return selections

    def _init(self, facets: list[Facets], now: datetime) -> None:
        self._facets = sorted(facets, key=lambda f: f.id)
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

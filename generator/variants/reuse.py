"""The variants' costs kept between builds, so that a rebuild costs again only the lists a
changed event is in, or was in.

A list's cost (its pages and manifest entries, `mirror.answers.list_cost`) depends on which
events it selects, in which order, and on the length of each one's record in the list's mode;
which events and in which order depend only on their facets and the build's `now`. So when
`now` and the URLs are those of the previous build, a list no changed event belongs to (by
its facets before or after the change) selects the same events with the same lengths: its
cost is the one the previous build computed. The candidates themselves (which lists are
planned, in which order) depend on the values the facets hold and how many events hold each:
when those are unchanged the previous list of candidates is taken as it was.

A list that a changed event is in, but that selects the same events in the same order (the
changed ones selected before and after alike, their sort keys unchanged), is costed from the
previous build's cost too: the pages holding a changed event grow by its length difference,
and their manifest entries by their sizes' new digits (each candidate keeps its selected ids
and its pages' sizes, packed: `pack`).

A changed event is one whose facets or record bytes (their digest, in any mode) differ, not
only their length: so a kept list that no changed event is or was in also has exactly the
pages the previous build wrote (same events, same bytes, same URLs), and a rebuild keeps
those files and their manifest lines (`Written`) without paginating, keying or listing them;
of a list with the same selection, every page without a changed event. The core mirror
(`mirror.answers.write_json_mirror`) is kept alike: its core lists, and each version's details
in each mode but those of the changed records (`details`), as `PreviousPages`.

The basis lives in the build cache (`variants.pickle`, plain columns: `_to_saved`) and is
trusted only beside the cache state of the build that wrote it (the same `inputs` digest).
"""

import pickle
from array import array
from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from operator import attrgetter
from pathlib import Path
from typing import Any

from generator.api.engine import in_subset, predicate
from generator.api.facets import Facets
from generator.api.query import Query
from generator.common import digest, gc_paused
from generator.load.validate import SnapshotIndex
from generator.mirror.answers import MirrorPages, Written
from generator.output.journal import replace_file
from generator.settings import BuildSettings
from generator.variants.planner import Selections, Variant

#: One costed candidate (precompute.Costed): family label, report groups, first page, files,
#: bytes, the ids it selects in its order (`pack`: one bytes object per selection) and each
#: page's size (packed too).
Costed = tuple[str, tuple[str, ...], Query, int, int, bytes, bytes]
#: A selection: version, subset, filters, ordering.
SelectionKey = tuple[str, str, tuple[tuple[str, str], ...], str]

BASIS = "variants.pickle"
_PACKED = "q"  # array typecode of packed ids and sizes: any id LL2 can have


#: Every field of an event's Facets, in order: how the basis keeps them (`FacetRow`).
_FACET_FIELDS = tuple(f.name for f in fields(Facets))
facet_row = attrgetter(*_FACET_FIELDS)
FacetRow = tuple[Any, ...]


@dataclass
class Basis:
    """What one build's variant costs were computed from, and the costs."""

    inputs: str  # the inputs digest of the build that wrote it (the cache state's)
    signature: bytes  # now and URLs: what every cost depends on besides the events
    plan_key: bytes  # what the list of candidates depends on
    costed: list[Costed]  # every candidate's cost, in priority order
    facets: dict[str, dict[int, FacetRow]]  # each event's (`facet_row`), per version
    digests: dict[str, dict[str | None, dict[int, bytes]]]  # of each record, per version and mode
    lengths: dict[str, dict[str | None, dict[int, int]]]  # of each record, per version and mode
    written: dict[Query, Written]  # the pages of every list the build kept, core lists too
    details: dict[tuple[str, str | None], Written]  # per version and mode
    #: Each candidate's selection, numbered (candidates that differ only in mode and page
    #: size share one); None: numbered when saved.
    selections: list[int] | None = None
    #: The saved columns of the candidates this basis was read from (`_from_saved`), written
    #: again as they are when the candidates are those (the same Query objects).
    columns: "_Columns | None" = None


def signature(settings: BuildSettings, now: datetime) -> bytes:
    """What a list's cost and the candidates depend on besides the snapshot."""
    parts = [now.isoformat(), settings.url("x"), settings.base_path, *settings.precompute]
    return digest(*(part.encode() for part in parts))


def plan_key(index: SnapshotIndex) -> bytes:
    """Digest of what `precompute.candidates` reads of the events: each one's type, agencies,
    programs and UTC day (years, months and the site's year pages), per version."""
    parts = []
    for version, vindex in sorted(index.versions.items()):
        parts.append(version.encode())
        for f in sorted(vindex.facets.values(), key=lambda f: f.id):
            parts.append(repr((f.id, f.type_id, f.agency_ids, f.program_ids, f.utc_day)).encode())
    return digest(*parts)


class _Members:
    """Whether some events (changed ones) are in a list's selection, before or after the
    change: the same for every mode, page size and ordering of one selection, asked once each."""

    def __init__(self, old: list[Facets], new: list[Facets], now: datetime) -> None:
        self._events, self._now = old + new, now
        self._before = Selections.of(old, now)
        self._after = Selections.of(new, now)
        self._found: dict[tuple[str, tuple[tuple[str, str], ...]], bool] = {}

    def any_in(self, query: Query) -> bool:
        key = (query.subset, query.filters)
        found = self._found.get(key)
        if found is None:  # what Selections.ids tests, on a few events: each test in turn
            tests = [in_subset(query, self._now), *(predicate(k, v) for k, v in key[1])]
            found = self._found[key] = any(all(test(f) for test in tests) for f in self._events)
        return found

    def selected(self, query: Query) -> tuple[list[int], list[int]]:
        """Those of the events `query` selects before the change, and after, in its order."""
        return self._before.ids(query), self._after.ids(query)


class CostReuse:
    """The previous build's costs, for the lists no changed event touches, and for those that
    still select the same events in the same order (costed again only on the changed pages)."""

    def __init__(self, previous: Basis | None, index: SnapshotIndex, settings: BuildSettings, now: datetime):
        self.signature = signature(settings, now)
        self.plan_key = plan_key(index)
        self.index, self.settings = index, settings
        #: The previous build's costs, candidate by candidate, when the candidates are the same.
        self.costed: list[Costed] | None = None
        self._previous: list[Costed] = []
        self._selection_of: list[int] = []  # with `costed`: each candidate's selection number
        self._columns: _Columns | None = None
        self._costs: dict[Query, tuple[int, int, bytes, bytes]] | None = None  # made when asked
        self._changed: dict[str, _Members] = {}  # per version: events whose facets or bytes changed
        self._old_facets: dict[str, dict[int, Facets]] = {}  # of the changed events
        self._rows = {v: {i: facet_row(f) for i, f in vi.facets.items()} for v, vi in index.versions.items()}
        self._old_lengths: dict[str, dict[str | None, dict[int, int]]] = {}
        self._written: dict[Query, Written] = {}
        self._details: dict[tuple[str, str | None], Written] = {}
        self._old_digests: dict[str, dict[str | None, dict[int, bytes]]] = {}
        #: What this build's mirror wrote (steps.py), for the next build's basis.
        self.mirror = MirrorPages()
        # per selection (its key, or its number in `costed`):
        self._positions: dict[SelectionKey | int, dict[int, int]] = {}  # of the changed events
        self._in_list: dict[SelectionKey | int, frozenset[int] | None] = {}  # `_changed_in`
        self.reused = 0
        if previous is None or previous.signature != self.signature:
            return
        self._written, self._details = previous.written, previous.details
        self._old_lengths, self._old_digests = previous.lengths, previous.digests
        self._previous = previous.costed
        if previous.plan_key == self.plan_key and previous.selections is not None:
            self.costed, self._selection_of = previous.costed, previous.selections
            self._columns = previous.columns
        for version, vindex in index.versions.items():
            rows, new_rows = previous.facets.get(version, {}), self._rows[version]
            touched = {i for i in rows.keys() | new_rows.keys() if rows.get(i) != new_rows.get(i)}
            old_digests = previous.digests.get(version, {})
            for mode, findex in vindex.files.items():
                before = old_digests.get(mode, {})
                touched |= {i for i, span in findex.spans.items() if before.get(i) != span.digest}
                touched |= before.keys() - findex.spans.keys()
            old = self._old_facets[version] = {i: Facets(*rows[i]) for i in touched if i in rows}
            new = vindex.facets
            self._changed[version] = _Members(
                [old[i] for i in touched if i in old], [new[i] for i in touched if i in new], now
            )

    def again(self, n: int) -> Costed | None:
        """The previous build's cost of its `n`th candidate (`costed`: the same candidates)
        made this build's, or None when it must be costed again."""
        previous = self._previous[n]
        selection = self._selection_of[n]
        if self._in_list.get(selection, ()) == frozenset():  # no changed event in it: as it was
            self.reused += 1
            return previous
        label, groups, first, *found = previous
        found_now = self._reused(first, tuple(found), selection)  # type: ignore[arg-type]
        return None if found_now is None else (label, groups, first, *found_now)

    def cost(self, variant: Variant) -> tuple[int, int, bytes, bytes] | None:
        """Files, bytes, packed ids and page sizes of `variant`: as the previous build costed
        them, with what the changed events' new lengths add on their pages when the list selects
        the same events in the same order; None when it must be costed again (a new list, or
        one whose events or their order changed)."""
        if self._costs is None:
            self._costs = {first: tuple(rest) for _, _, first, *rest in self._previous}  # type: ignore[misc]
        query = variant.first
        found = self._costs.get(query)
        key = (query.version, query.subset, query.filters, query.ordering)
        return None if found is None else self._reused(query, found, key)

    def _reused(
        self, query: Query, found: tuple[int, int, bytes, bytes], key: SelectionKey | int
    ) -> tuple[int, int, bytes, bytes] | None:
        in_list = self._changed_among(key, query)
        if in_list is None:  # its events or their order changed
            return None
        now = self._costed_again(query, key, found, in_list) if in_list else found
        self.reused += now is not None
        return now

    def _costed_again(
        self,
        first: Query,
        key: SelectionKey | int,
        found: tuple[int, int, bytes, bytes],
        in_list: frozenset[int],
    ) -> tuple[int, int, bytes, bytes] | None:
        """`found` with the changed events `in_list` at their new lengths: each page holding
        one grows by their differences, and its manifest entry by its size's new digits; None
        when the old lengths are unknown."""
        version, mode = first.version, first.mode
        old = self._old_lengths.get(version, {}).get(mode)
        if old is None:
            return None
        new = self.index.versions[version].files[mode].lengths
        positions = self._positions.get(key)
        if positions is None:
            ids = unpack(found[2])
            positions = self._positions[key] = {i: ids.index(i) for i in in_list}
        grown: dict[int, int] = {}
        for i in in_list:
            if new[i] != old[i]:
                page = positions[i] // first.limit
                grown[page] = grown.get(page, 0) + new[i] - old[i]
        if not grown:
            return found
        files, size, packed_ids, packed_sizes = found
        sizes = unpack(packed_sizes)
        for page, more in grown.items():
            before, sizes[page] = sizes[page], sizes[page] + more
            size += more + len(str(sizes[page])) - len(str(before))
        return files, size, packed_ids, sizes.tobytes()

    def pages(self, first: Query) -> tuple[Written, frozenset[int]] | None:
        """The pages the previous build wrote for the list `first` starts, with the changed
        events whose pages must be written again (`_changed_in`); None: write every page."""
        written = self._written.get(first)
        key = (first.version, first.subset, first.filters, first.ordering)
        changed = None if written is None else self._changed_among(key, first)
        return None if written is None or changed is None else (written, changed)

    def details(self, version: str, mode: str | None) -> tuple[Written, frozenset[int]] | None:
        """The details the previous build wrote of one version in one mode, with the events
        whose records changed; None when the events or their order changed."""
        written = self._details.get((version, mode))
        before = self._old_digests.get(version, {}).get(mode)
        findex = self.index.versions[version].files.get(mode)
        if written is None or before is None or findex is None or list(before) != list(findex.spans):
            return None
        return written, frozenset(i for i, span in findex.spans.items() if before[i] != span.digest)

    def _changed_among(self, key: SelectionKey | int, first: Query) -> frozenset[int] | None:
        """`_changed_in` of the selection `key` (that of `first`), found once."""
        if key in self._in_list:
            return self._in_list[key]
        found = self._in_list[key] = self._changed_in(first)
        return found

    def _changed_in(self, first: Query) -> frozenset[int] | None:
        """The changed events in the list `first` starts, when it selects the same events in the
        same order as in the previous build: none when no changed event is or was in the list;
        None when its events or their order changed."""
        changed = self._changed.get(first.version)
        if changed is None:
            return None
        if not changed.any_in(first):
            return frozenset()
        before, after = changed.selected(first)
        if before != after:  # an event came or went, or moved among the changed ones
            return None
        # The others did not change: the order is the same when no changed one's sort keys did.
        old, new = self._old_facets[first.version], self.index.versions[first.version].facets
        keys = [term.lstrip("-") for term in first.ordering.split(",")]
        if any(getattr(old[i], key) != getattr(new[i], key) for i in after for key in keys):
            return None
        return frozenset(after)

    def basis(self, inputs: str, costed: list[Costed], written: dict[Query, Written]) -> Basis:
        """This build's basis, for the next build (`written`: the pages of its kept lists)."""
        versions = self.index.versions.items()
        return Basis(
            inputs,
            self.signature,
            self.plan_key,
            costed,
            self._rows,
            {
                version: {
                    mode: {i: span.digest for i, span in findex.spans.items()}
                    for mode, findex in vindex.files.items()
                }
                for version, vindex in versions
            },
            {
                version: {mode: findex.lengths for mode, findex in vindex.files.items()}
                for version, vindex in versions
            },
            {**self.mirror.lists, **written},
            self.mirror.details,
            self._selection_of if self.costed is not None else None,
            self._columns,
        )


def pack(numbers: Sequence[int]) -> bytes:
    """A selection's ids, or its pages' sizes, as the basis keeps them: one bytes object, not
    a list of ints."""
    return array(_PACKED, numbers).tobytes()


def unpack(packed: bytes) -> "array[int]":
    numbers = array(_PACKED)
    numbers.frombytes(packed)
    return numbers


#: The layout of the basis file: bump it when it changes (an older file is then a cache miss).
_LAYOUT = 4


def load_basis(cache_root: Path, inputs: str | None) -> Basis | None:
    """The basis the previous build saved, when it belongs to the cache state read (`inputs`,
    the previous build's digest); None otherwise, or when unreadable."""
    if inputs is None:
        return None
    try:
        with open(cache_root / BASIS, "rb") as handle:  # the build reads with collections paused
            saved = pickle.load(handle)
            return _from_saved(saved) if saved[:2] == (_LAYOUT, inputs) else None
    except (
        OSError,
        pickle.UnpicklingError,
        EOFError,
        ValueError,
        LookupError,
        AttributeError,
        ImportError,
        TypeError,
    ):
        # a damaged file is a cache miss: the costs are computed again
        return None


def save_basis(cache_root: Path, basis: Basis) -> None:
    """Write the basis atomically beside the cache state."""
    cache_root.mkdir(parents=True, exist_ok=True)
    tmp = cache_root / f"{BASIS}.part"  # one name: a save killed part-way is overwritten next time
    with open(tmp, "wb") as handle, gc_paused():
        pickle.dump(_to_saved(basis), handle, protocol=pickle.HIGHEST_PROTOCOL)
    replace_file(str(tmp), str(cache_root / BASIS))


def _to_saved(basis: Basis) -> tuple[Any, ...]:
    """The basis as plain values, column by column, each repeated value once (pickle writes an
    object it has seen as a reference): no Query is pickled, which is what made it slow."""
    same: dict[Any, Any] = {}

    def once(value: Any) -> Any:
        return same.setdefault(value, value)

    def query(first: Query) -> tuple[str, str, tuple[tuple[str, str], ...]]:
        params = first.params
        return once(first.version), once(first.subset), tuple(map(same.setdefault, params, params))

    costed, columns = basis.costed, basis.columns
    if columns is None or len(columns.firsts) != len(costed) or basis.selections is None:
        columns = None
    elif any(c[2] is not first for c, first in zip(costed, columns.firsts, strict=True)):
        columns = None  # other candidates than those read
    if columns is None:
        numbers: dict[SelectionKey, int] = {}
        columns = _Columns(
            [],
            [once(label) for label, *_ in costed],
            [once(groups) for _, groups, *_ in costed],
            [query(first) for _, _, first, *_ in costed],
            [
                numbers.setdefault((first.version, first.subset, first.filters, first.ordering), len(numbers))
                for _, _, first, *_ in costed
            ],
        )
    return (
        _LAYOUT,
        basis.inputs,
        basis.signature,
        basis.plan_key,
        columns.labels,
        columns.groups,
        columns.queries,
        columns.selections,
        pack([c[3] for c in costed]),
        pack([c[4] for c in costed]),
        [c[5] for c in costed],
        [c[6] for c in costed],
        basis.facets,
        basis.digests,
        basis.lengths,
        {query(first): written for first, written in basis.written.items()},
        basis.details,
    )


@dataclass
class _Columns:
    """The candidates as saved, column by column, and (read back) their first pages."""

    firsts: list[Query]
    labels: list[str]
    groups: list[tuple[str, ...]]
    queries: list[tuple[str, str, tuple[tuple[str, str], ...]]]
    selections: list[int]


def _from_saved(saved: tuple[Any, ...]) -> Basis:
    _, inputs, signature, plan_key, labels, groups, queries, selections, *rest = saved
    files, sizes, ids, pages, facets, digests, lengths, written, details = rest
    firsts = [Query(version, subset, None, params) for version, subset, params in queries]
    costed = list(zip(labels, groups, firsts, unpack(files), unpack(sizes), ids, pages, strict=True))
    return Basis(
        inputs,
        signature,
        plan_key,
        costed,
        facets,
        digests,
        lengths,
        {Query(version, subset, None, params): kept for (version, subset, params), kept in written.items()},
        details,
        selections,
        _Columns(firsts, labels, groups, queries, selections),
    )

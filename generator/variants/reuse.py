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

A changed event is one whose facets or record bytes (their digest, in any mode) differ, not
only their length: so a kept list that no changed event is or was in also has exactly the
pages the previous build wrote (same events, same bytes, same URLs), and a rebuild keeps
those files and their manifest lines (`Written`) without paginating, keying or listing them.

The basis lives in the build cache (`variants.pickle`) and is trusted only beside the cache
state of the build that wrote it (the same `inputs` digest).
"""

import os
import pickle
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from generator.api.facets import Facets
from generator.api.query import Query
from generator.common import digest
from generator.load.validate import SnapshotIndex
from generator.mirror.answers import ListCosts
from generator.settings import BuildSettings
from generator.variants.planner import Selections, Variant

#: One costed candidate (precompute.Costed): family label, report groups, first page, files,
#: bytes, and the ids it selects in its order (`pack_ids`: one bytes object per selection).
Costed = tuple[str, tuple[str, ...], Query, int, int, bytes]
#: The pages a build wrote for one kept list: their paths in dist/ and their manifest lines.
Written = tuple[tuple[str, ...], tuple[bytes, ...]]

BASIS = "variants.pickle"
_IDS = "q"  # array typecode of packed ids: any id LL2 can have


@dataclass
class Basis:
    """What one build's variant costs were computed from, and the costs."""

    inputs: str  # the inputs digest of the build that wrote it (the cache state's)
    signature: bytes  # now and URLs: what every cost depends on besides the events
    plan_key: bytes  # what the list of candidates depends on
    costed: list[Costed]  # every candidate's cost, in priority order
    facets: dict[str, dict[int, Facets]]
    digests: dict[str, dict[str | None, dict[int, bytes]]]  # of each record, per version and mode
    lengths: dict[str, dict[str | None, dict[int, int]]]  # of each record, per version and mode
    written: dict[Query, Written]  # the pages of every list the build kept


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
        self._before = Selections.of(old, now)
        self._after = Selections.of(new, now)
        self._found: dict[tuple[str, tuple[tuple[str, str], ...]], bool] = {}

    def any_in(self, query: Query) -> bool:
        key = (query.subset, query.filters)
        found = self._found.get(key)
        if found is None:
            found = self._found[key] = bool(self._before.ids(query) or self._after.ids(query))
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
        self.candidates: list[Variant] | None = None
        self._costs: dict[Query, tuple[int, int, bytes]] = {}
        self._changed: dict[str, _Members] = {}  # per version: events whose facets or bytes changed
        self._old_facets: dict[str, dict[int, Facets]] = {}
        self._old_lengths: dict[str, dict[str | None, dict[int, int]]] = {}
        self._written: dict[Query, Written] = {}
        self._unpacked: dict[tuple[str, str, tuple[tuple[str, str], ...], str], "array[int]"] = {}
        self.reused = 0
        if previous is None or previous.signature != self.signature:
            return
        self._written = previous.written
        self._old_facets = previous.facets
        self._old_lengths = previous.lengths
        if previous.plan_key == self.plan_key:
            self.candidates = [
                Variant(label.split(" ", 1)[1], first) for label, _, first, _, _, _ in previous.costed
            ]
        self._costs = {first: (files, size, ids) for _, _, first, files, size, ids in previous.costed}
        for version, vindex in index.versions.items():
            old = previous.facets.get(version, {})
            new = vindex.facets
            touched = {i for i in old.keys() | new.keys() if old.get(i) != new.get(i)}
            old_digests = previous.digests.get(version, {})
            for mode, findex in vindex.files.items():
                before = old_digests.get(mode, {})
                touched |= {i for i, span in findex.spans.items() if before.get(i) != span.digest}
                touched |= before.keys() - findex.spans.keys()
            self._changed[version] = _Members(
                [old[i] for i in touched if i in old], [new[i] for i in touched if i in new], now
            )

    def cost(self, variant: Variant) -> tuple[int, int, bytes] | None:
        """Files, bytes and packed ids of `variant`: as the previous build costed them, plus
        what the changed events' new lengths add on their pages when the list selects the same
        events in the same order; None when it must be costed again (a new list, or one whose
        events or their order changed)."""
        query = variant.first
        found = self._costs.get(query)
        in_list = None if found is None else self._changed_in(query)
        if found is None or in_list is None:
            return None
        files, size, packed = found
        if in_list:
            delta = self._delta(query, packed, in_list)
            if delta is None:
                return None
            size += delta
        self.reused += 1
        return files, size, packed

    def _delta(self, first: Query, packed: bytes, in_list: frozenset[int]) -> int | None:
        """What the changed events `in_list` add to the list's cost: each page holding one,
        costed with their new lengths less with their old (the page's size and its manifest
        entry's digits); None when the old lengths are unknown."""
        version, mode = first.version, first.mode
        old = self._old_lengths.get(version, {}).get(mode)
        if old is None:
            return None
        key = (version, first.subset, first.filters, first.ordering)
        ids = self._unpacked.get(key)
        if ids is None:
            ids = self._unpacked[key] = unpack_ids(packed)
        new = self.index.versions[version].files[mode].lengths
        limit = first.limit
        costs = ListCosts(first, len(ids), self.settings)

        def before(event_id: int) -> int:
            return old[event_id] if event_id in in_list else new[event_id]

        offsets = {ids.index(i) // limit * limit for i in in_list}
        return sum(costs.page(ids, o, new.__getitem__) - costs.page(ids, o, before) for o in offsets)

    def pages(self, first: Query) -> tuple[Written, frozenset[int]] | None:
        """The pages the previous build wrote for the list `first` starts, with the changed
        events whose pages must be written again (`_changed_in`); None: write every page."""
        written = self._written.get(first)
        changed = None if written is None else self._changed_in(first)
        return None if written is None or changed is None else (written, changed)

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
            {version: dict(vindex.facets) for version, vindex in versions},
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
            written,
        )


def pack_ids(ids: Sequence[int]) -> bytes:
    """A selection's ids as the basis keeps them: one bytes object, not a list of ints."""
    return array(_IDS, ids).tobytes()


def unpack_ids(packed: bytes) -> "array[int]":
    ids = array(_IDS)
    ids.frombytes(packed)
    return ids


def load_basis(cache_root: Path, inputs: str | None) -> Basis | None:
    """The basis the previous build saved, when it belongs to the cache state read (`inputs`,
    the previous build's digest); None otherwise, or when unreadable."""
    if inputs is None:
        return None
    try:
        with open(cache_root / BASIS, "rb") as handle:
            basis = pickle.load(handle)
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
    return basis if isinstance(basis, Basis) and basis.inputs == inputs else None


def save_basis(cache_root: Path, basis: Basis) -> None:
    """Write the basis atomically beside the cache state."""
    cache_root.mkdir(parents=True, exist_ok=True)
    tmp = cache_root / f"{BASIS}.{os.getpid()}"
    with open(tmp, "wb") as handle:
        pickle.dump(basis, handle, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(tmp, cache_root / BASIS)

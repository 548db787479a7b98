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
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from generator.api.facets import Facets
from generator.api.query import Query
from generator.common import digest
from generator.load.validate import SnapshotIndex
from generator.settings import BuildSettings
from generator.variants.planner import Selections, Variant

#: One costed candidate (precompute.Costed): family label, report groups, first page, files, bytes.
Costed = tuple[str, tuple[str, ...], Query, int, int]
#: The pages a build wrote for one kept list: their paths in dist/ and their manifest lines.
Written = tuple[tuple[str, ...], tuple[bytes, ...]]

BASIS = "variants.pickle"


@dataclass
class Basis:
    """What one build's variant costs were computed from, and the costs."""

    inputs: str  # the inputs digest of the build that wrote it (the cache state's)
    signature: bytes  # now and URLs: what every cost depends on besides the events
    plan_key: bytes  # what the list of candidates depends on
    costed: list[Costed]  # every candidate's cost, in priority order
    facets: dict[str, dict[int, Facets]]
    digests: dict[str, dict[str | None, dict[int, bytes]]]  # of each record, per version and mode
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
    """The previous build's costs, for the lists no changed event touches."""

    def __init__(self, previous: Basis | None, index: SnapshotIndex, settings: BuildSettings, now: datetime):
        self.signature = signature(settings, now)
        self.plan_key = plan_key(index)
        self.index, self.settings = index, settings
        self.candidates: list[Variant] | None = None
        self._costs: dict[Query, tuple[int, int]] = {}
        self._changed: dict[str, _Members] = {}  # per version: events whose facets or bytes changed
        self._changed_ids: dict[str, frozenset[int]] = {}
        self._old_facets: dict[str, dict[int, Facets]] = {}
        self._written: dict[Query, Written] = {}
        self.reused = 0
        if previous is None or previous.signature != self.signature:
            return
        self._written = previous.written
        self._old_facets = previous.facets
        if previous.plan_key == self.plan_key:
            self.candidates = [
                Variant(label.split(" ", 1)[1], first) for label, _, first, _, _ in previous.costed
            ]
        self._costs = {first: (files, size) for _, _, first, files, size in previous.costed}
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
            self._changed_ids[version] = frozenset(touched)

    def cost(self, variant: Variant) -> tuple[int, int] | None:
        """Files and bytes of `variant` as the previous build costed them, or None when they
        must be costed again (a new list, or one a changed event is or was in)."""
        query = variant.first
        found = self._costs.get(query)
        changed = self._changed.get(query.version)
        if found is None or changed is None or changed.any_in(query):
            return None
        self.reused += 1
        return found

    def pages(self, first: Query) -> tuple[Written, frozenset[int]] | None:
        """The pages the previous build wrote for the list `first` starts, with the changed
        events whose pages must be written again (`_changed_in`); None: write every page."""
        written = self._written.get(first)
        changed = None if written is None else self._changed_in(first)
        return None if written is None or changed is None else (written, changed)

    def _changed_in(self, first: Query) -> frozenset[int] | None:
        """Which events' pages of the list `first` starts may differ from the previous build's:
        none when no changed event is or was in the list; every changed one when the list still
        selects the same events in the same order; None when its events or their order changed."""
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
        return self._changed_ids[first.version]

    def basis(self, inputs: str, costed: list[Costed], written: dict[Query, Written]) -> Basis:
        """This build's basis, for the next build (`written`: the pages of its kept lists)."""
        index = self.index
        return Basis(
            inputs,
            self.signature,
            self.plan_key,
            costed,
            {version: dict(vindex.facets) for version, vindex in index.versions.items()},
            {
                version: {
                    mode: {i: span.digest for i, span in findex.spans.items()}
                    for mode, findex in vindex.files.items()
                }
                for version, vindex in index.versions.items()
            },
            written,
        )


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

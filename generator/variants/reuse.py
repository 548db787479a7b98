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

BASIS = "variants.pickle"


@dataclass
class Basis:
    """What one build's variant costs were computed from, and the costs."""

    inputs: str  # the inputs digest of the build that wrote it (the cache state's)
    signature: bytes  # now and URLs: what every cost depends on besides the events
    plan_key: bytes  # what the list of candidates depends on
    costed: list[Costed]  # every candidate's cost, in priority order
    facets: dict[str, dict[int, Facets]]
    lengths: dict[str, dict[str | None, dict[int, int]]]


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


class CostReuse:
    """The previous build's costs, for the lists no changed event touches."""

    def __init__(self, previous: Basis | None, index: SnapshotIndex, settings: BuildSettings, now: datetime):
        self.signature = signature(settings, now)
        self.plan_key = plan_key(index)
        self.index = index
        self.candidates: list[Variant] | None = None
        self._costs: dict[Query, tuple[int, int]] = {}
        self._before: dict[str, Selections] = {}
        self._after: dict[str, Selections] = {}
        self._selections: dict[tuple[str, str, tuple[tuple[str, str], ...]], bool] = {}
        self.reused = 0
        if previous is None or previous.signature != self.signature:
            return
        if previous.plan_key == self.plan_key:
            self.candidates = [
                Variant(label.split(" ", 1)[1], first) for label, _, first, _, _ in previous.costed
            ]
        self._costs = {first: (files, size) for _, _, first, files, size in previous.costed}
        for version, vindex in index.versions.items():
            old = previous.facets.get(version, {})
            new = vindex.facets
            touched = {i for i in old.keys() | new.keys() if old.get(i) != new.get(i)}
            old_lengths = previous.lengths.get(version, {})
            for mode, findex in vindex.files.items():
                before = old_lengths.get(mode, {})
                touched |= {i for i, n in findex.lengths.items() if before.get(i) != n}
                touched |= before.keys() - findex.lengths.keys()
            self._before[version] = Selections.of([old[i] for i in touched if i in old], now)
            self._after[version] = Selections.of([new[i] for i in touched if i in new], now)

    def cost(self, variant: Variant) -> tuple[int, int] | None:
        """Files and bytes of `variant` as the previous build costed them, or None when they
        must be costed again (a new list, or one a changed event is or was in)."""
        query = variant.first
        found = self._costs.get(query)
        if found is None or self._touched(query):
            return None
        self.reused += 1
        return found

    def _touched(self, query: Query) -> bool:
        """Is a changed event in the selection of `query`, before or after the change? The
        same for every mode, page size and ordering of one selection: asked once for each."""
        key = (query.version, query.subset, query.filters)
        touched = self._selections.get(key)
        if touched is None:
            before, after = self._before.get(query.version), self._after.get(query.version)
            touched = before is None or after is None or bool(before.ids(query) or after.ids(query))
            self._selections[key] = touched
        return touched

    def basis(self, inputs: str, costed: list[Costed]) -> Basis:
        """This build's basis, for the next build."""
        index = self.index
        return Basis(
            inputs,
            self.signature,
            self.plan_key,
            costed,
            {version: dict(vindex.facets) for version, vindex in index.versions.items()},
            {
                version: {mode: dict(findex.lengths) for mode, findex in vindex.files.items()}
                for version, vindex in index.versions.items()
            },
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

"""Answers computed from the validated snapshot: what the build would write for any query."""

from dataclasses import dataclass, replace
from datetime import datetime

from generator.api.engine import in_subset, page, select
from generator.api.query import Query
from generator.load.records import RecordSource
from generator.load.validate import SnapshotIndex


@dataclass
class Engine:
    """The Python engine over one snapshot; `now` places upcoming/previous (default: as_of)."""

    index: SnapshotIndex
    records: RecordSource
    now: datetime

    def has(self, query: Query) -> bool:
        """Whether the event `query` names exists (in its subset, for `upcoming/{id}/`)."""
        facets = self.index.versions[query.version].facets.get(query.event_id or 0)
        if facets is None:
            return False
        return in_subset(replace(query, event_id=None), self.now)(facets)

    def record(self, query: Query) -> bytes:
        assert query.event_id is not None
        return self.records.get(query.version, query.mode, query.event_id)

    def listing(self, query: Query) -> tuple[int, list[bytes]]:
        """(count, the records on the page) of a list query."""
        ids = select(self.index.versions[query.version].facets.values(), query, self.now)
        return len(ids), self.records.many(query.version, query.mode, page(ids, query))

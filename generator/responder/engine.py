"""Answers computed from the validated snapshot: what the build would write for any query."""

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from generator.api.engine import in_subset, page, select
from generator.api.query import Query
from generator.load.records import RecordSource
from generator.load.validate import SnapshotIndex


@dataclass
class Engine:
    """The Python engine over one snapshot. `now` is the time dist/ was built for (its files'
    upcoming/previous hold the answer then); `clock`, when given, is another "now" to answer
    for (`serve --now today` or a fixed time), read at each request."""

    index: SnapshotIndex
    records: RecordSource
    now: datetime
    clock: Callable[[], datetime] | None = None

    def current(self) -> datetime:
        """What upcoming/previous are relative to for the request being answered."""
        return self.clock() if self.clock is not None else self.now

    def files_hold(self, query: Query) -> bool:
        """Whether dist/'s file for `query` is its answer now: an upcoming/previous file holds
        the answer at the build's now only."""
        return query.subset == "all" or self.current() == self.now

    def has(self, query: Query) -> bool:
        """Whether the event `query` names exists (in its subset, for `upcoming/{id}/`)."""
        facets = self.index.versions[query.version].facets.get(query.event_id or 0)
        if facets is None:
            return False
        return in_subset(replace(query, event_id=None), self.current())(facets)

    def record(self, query: Query) -> bytes:
        assert query.event_id is not None
        return self.records.get(query.version, query.mode, query.event_id)

    def listing(self, query: Query) -> tuple[int, list[bytes]]:
        """(count, the records on the page) of a list query."""
        ids = select(self.index.versions[query.version].facets.values(), query, self.current())
        return len(ids), self.records.many(query.version, query.mode, page(ids, query))

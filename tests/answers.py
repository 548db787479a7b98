"""The reference engine's answer to a list query, built independently of the mirror's writer."""

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from generator.api.engine import page, select
from generator.api.query import Query, query_path
from generator.load.snapshot import open_snapshot
from generator.load.validate import SnapshotIndex, validate_snapshot


@dataclass
class Reference:
    """A validated snapshot, its 'now', and its record lines by (version, mode, id)."""

    index: SnapshotIndex
    now: datetime
    lines: dict[tuple[str, str | None], dict[int, bytes]]

    @classmethod
    def load(cls, content: Path) -> "Reference":
        snapshot = open_snapshot(content / "snapshot")
        lines = {}
        for file in snapshot.files:
            by_id = {}
            for line in file.path.read_bytes().splitlines():
                if line.strip():
                    by_id[json.loads(line)["id"]] = line
            lines[(file.version, file.mode)] = by_id
        return cls(validate_snapshot(snapshot), snapshot.as_of, lines)

    def ids(self, query: Query) -> list[int]:
        """Every matching id, in the query's order."""
        return select(self.index.versions[query.version].facets.values(), query, self.now)

    def envelope(self, query: Query, base_url: str = "") -> bytes:
        """LL2's page for `query`: count, next, previous, the records' own bytes."""
        ids = self.ids(query)
        end = query.offset + query.limit
        next_q = query.with_params(offset=end) if end < len(ids) else None
        prev_q = query.with_params(offset=max(query.offset - query.limit, 0)) if query.offset > 0 else None

        def link(q: Query | None) -> str:
            return "null" if q is None else json.dumps(f"{base_url}/{query_path(q)}")

        records = self.lines[(query.version, query.mode)]
        results = b",".join(records[i] for i in page(ids, query))
        return (
            f'{{"count":{len(ids)},"next":{link(next_q)},"previous":{link(prev_q)},"results":['.encode()
            + results
            + b"]}"
        )

"""Records read back from the snapshot: the exact bytes of their lines."""

import random
from pathlib import Path

from generator.load.records import RecordSource
from generator.load.snapshot import open_snapshot
from generator.load.validate import validate_snapshot


def test_records_read_in_any_order_are_their_snapshot_lines(corpus_content: Path):
    snapshot = open_snapshot(corpus_content / "snapshot")
    index = validate_snapshot(snapshot)
    lines = {}
    for version, vindex in index.versions.items():
        for mode, findex in vindex.files.items():
            for line in findex.file.path.read_bytes().splitlines():
                lines[(version, mode, int(line.split(b'"id":', 1)[1].split(b",", 1)[0]))] = line
    keys = list(lines) * 3
    random.Random(5).shuffle(keys)
    with RecordSource(index) as records:
        for version, mode, event_id in keys:
            assert records.get(version, mode, event_id) == lines[(version, mode, event_id)]
        version, mode, _ = keys[0]
        ids = [i for v, m, i in keys[:50] if (v, m) == (version, mode)]
        assert records.many(version, mode, ids) == [lines[(version, mode, i)] for i in ids]

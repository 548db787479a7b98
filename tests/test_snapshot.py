"""The embedded snapshot and the tests' frozen seed snapshot: real records, derived ones marked
and reproducible, sorted NDJSON.

content/snapshot/ is whatever the last refresh fetched, so its tests hold for any snapshot;
the tests' fixtures use the frozen seed snapshot (events 1185 and 1304)."""

from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bench.derive import derive_mode
from generator.load.snapshot import iter_lines, line_spans, mapped
from tests.conftest import ROOT, SEED_1185, SEED_1304, SEED_SNAPSHOT

EMBEDDED = ROOT / "content" / "snapshot"
both_snapshots = pytest.mark.parametrize("SNAPSHOT", [EMBEDDED, SEED_SNAPSHOT], ids=["embedded", "seed"])


def test_the_frozen_seed_snapshot_lines_are_the_seed_records_compact() -> None:
    SNAPSHOT = SEED_SNAPSHOT
    assert (SNAPSHOT / "2.2.0/event.ndjson").read_bytes() == orjson.dumps(
        orjson.loads(SEED_1185.read_bytes())
    ) + b"\n"
    assert (SNAPSHOT / "2.3.0/events.detailed.ndjson").read_bytes() == orjson.dumps(
        orjson.loads(SEED_1304.read_bytes())
    ) + b"\n"


@both_snapshots
def test_derived_records_are_marked_and_follow_from_detailed(SNAPSHOT: Path) -> None:
    meta = orjson.loads((SNAPSHOT / "snapshot.json").read_bytes())
    detailed = {
        orjson.loads(line)["id"]: line
        for line in (SNAPSHOT / "2.3.0/events.detailed.ndjson").read_bytes().splitlines()
    }
    for mode in ("list", "normal"):
        lines = (SNAPSHOT / f"2.3.0/events.{mode}.ndjson").read_bytes().splitlines()
        derived = set(meta["derived"][f"2.3.0/events.{mode}.ndjson"])
        for line in lines:
            record_id = orjson.loads(line)["id"]
            if record_id in derived:
                assert line == derive_mode(detailed[record_id], mode)


@both_snapshots
def test_every_snapshot_file_is_sorted_one_record_per_line(SNAPSHOT: Path) -> None:
    for path in SNAPSHOT.glob("*/*.ndjson"):
        ids = [orjson.loads(line)["id"] for line in path.read_bytes().splitlines()]
        assert ids == sorted(set(ids)), path
        assert path.read_bytes().endswith(b"\n")


@both_snapshots
def test_metadata_names_a_source_for_every_file(SNAPSHOT: Path) -> None:
    meta = orjson.loads((SNAPSHOT / "snapshot.json").read_bytes())
    files = {str(p.relative_to(SNAPSHOT)) for p in SNAPSHOT.glob("*/*.ndjson")}
    assert set(meta["files"]) == files
    for entry in meta["files"].values():
        assert entry["source"] and entry["base_url"].startswith("https://")


def test_the_repository_build_command_serves_every_embedded_record_byte_for_byte(tmp_path: Path) -> None:
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "build.py", "--dist", str(tmp_path / "dist")],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    served = 0
    for path in EMBEDDED.glob("*/*.ndjson"):
        version, mode = path.parent.name, path.name.split(".")[1:-1]
        endpoint = "event" if version == "2.2.0" else "events"
        suffix = f"mode-{mode[0]}/" if mode and mode[0] != "detailed" else ""
        for line in path.read_bytes().splitlines():
            record_id = orjson.loads(line)["id"]
            assert (
                tmp_path / f"dist/{version}/{endpoint}/{record_id}/{suffix}index.json"
            ).read_bytes() == line
            served += 1
    assert served >= 4


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([b"{}", b'{"id":1}', b"", b" ", b"\t", b"\r", b"\x0c", b"x"]), max_size=12))
def test_the_scan_finds_the_lines_iter_lines_reads(tmp_path_factory: Any, pieces: list[bytes]) -> None:
    """line_spans (the scan, over the mapped file) and iter_lines (everything else) agree on
    every line's number, offset and bytes: blank lines, CR LF, a last line without LF."""
    data = b"".join(p + (b"\n" if n % 3 else b"\r\n") for n, p in enumerate(pieces))[: len(pieces) * 5]
    path = tmp_path_factory.mktemp("lines") / "events.ndjson"
    path.write_bytes(data)
    with mapped(path) as mapped_data:
        spans = [(n, start, bytes(mapped_data[start:end])) for n, start, end in line_spans(mapped_data)]
    assert spans == [(line.number, line.offset, line.data) for line in iter_lines(path)]

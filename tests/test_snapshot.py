"""The embedded snapshot: real records, derived ones marked and reproducible, sorted NDJSON."""

from pathlib import Path

import orjson

from generator.derive import derive_mode
from tests.conftest import ROOT, SEED_1185, SEED_1304

SNAPSHOT = ROOT / "content" / "snapshot"


def test_snapshot_lines_are_the_seed_records_compact() -> None:
    assert (SNAPSHOT / "2.2.0/event.ndjson").read_bytes() == orjson.dumps(orjson.loads(SEED_1185.read_bytes())) + b"\n"
    assert (SNAPSHOT / "2.3.0/events.detailed.ndjson").read_bytes() == orjson.dumps(orjson.loads(SEED_1304.read_bytes())) + b"\n"


def test_derived_records_are_marked_and_follow_from_detailed() -> None:
    meta = orjson.loads((SNAPSHOT / "snapshot.json").read_bytes())
    detailed = {orjson.loads(line)["id"]: line for line in (SNAPSHOT / "2.3.0/events.detailed.ndjson").read_bytes().splitlines()}
    for mode in ("list", "normal"):
        lines = (SNAPSHOT / f"2.3.0/events.{mode}.ndjson").read_bytes().splitlines()
        derived = set(meta["derived"][f"2.3.0/events.{mode}.ndjson"])
        for line in lines:
            record_id = orjson.loads(line)["id"]
            if record_id in derived:
                assert line == derive_mode(detailed[record_id], mode)


def test_every_snapshot_file_is_sorted_one_record_per_line() -> None:
    for path in SNAPSHOT.glob("*/*.ndjson"):
        ids = [orjson.loads(line)["id"] for line in path.read_bytes().splitlines()]
        assert ids == sorted(set(ids)), path
        assert path.read_bytes().endswith(b"\n")


def test_metadata_names_a_source_for_every_file() -> None:
    meta = orjson.loads((SNAPSHOT / "snapshot.json").read_bytes())
    files = {str(p.relative_to(SNAPSHOT)) for p in SNAPSHOT.glob("*/*.ndjson")}
    assert set(meta["files"]) == files
    for entry in meta["files"].values():
        assert entry["source"] and entry["base_url"].startswith("https://")


def test_the_repository_build_command_works(tmp_path: Path) -> None:
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "build.py", "--dist", str(tmp_path / "dist")], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "dist/2.3.0/events/1304/index.json").is_file()

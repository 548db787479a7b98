"""Bad snapshots: every problem reported as file:line: event id: field: message; dist/ untouched."""

import shutil
from pathlib import Path

import orjson
import pytest

from tests.conftest import edit_event, tree_digest

DETAILED = "snapshot/2.3.0/events.detailed.ndjson"
V220 = "snapshot/2.2.0/event.ndjson"


def edit_record(content: Path, name: str, change) -> None:
    """Apply `change(record) -> record` to the single seed record of one snapshot file."""
    path = content / name
    record = orjson.loads(path.read_bytes())
    path.write_bytes(orjson.dumps(change(record)) + b"\n")


@pytest.fixture
def built(seed_content: Path, tmp_path: Path, build_runner) -> tuple[Path, dict[str, str]]:
    """A dist/ built from the good seed snapshot, and its digest before the bad build."""
    dist = tmp_path / "dist"
    assert build_runner("--content", str(seed_content), "--dist", str(dist))[0] == 0
    return dist, tree_digest(dist)


def failing_build(build_runner, content: Path, dist: Path, before: dict[str, str]) -> list[str]:
    """Run a build that must fail; check dist/ is unchanged; return the report's problem lines."""
    code, out, err = build_runner("--content", str(content), "--dist", str(dist))
    assert code == 1
    assert out == ""
    assert tree_digest(dist) == before
    assert not list(dist.parent.glob(".dist.staging-*"))
    lines = err.splitlines()
    assert lines[0].startswith("Error: ") and "nothing was written" in lines[0]
    return lines[1:]


def label(content: Path, name: str) -> str:
    return str(content / name)


def test_malformed_json_line_is_reported_with_its_line(seed_content, built, build_runner):
    dist, before = built
    path = seed_content / DETAILED
    path.write_bytes(path.read_bytes() + b'{"id": 1400, "name": "cut off\n')
    lines = failing_build(build_runner, seed_content, dist, before)
    assert lines == [
        f"{label(seed_content, DETAILED)}:2: event ?: (record): malformed JSON: "
        "EOF while parsing a string at line 1 column 29"
    ]


def test_wrong_type_and_missing_field_are_all_reported(seed_content, built, build_runner):
    dist, before = built

    def break_it(record):
        record["vid_urls"][0]["live"] = "no"
        record["webcast_live"] = 0
        del record["slug"]
        return record

    edit_record(seed_content, DETAILED, break_it)
    lines = failing_build(build_runner, seed_content, dist, before)
    where = f"{label(seed_content, DETAILED)}:1: event 1304"
    assert lines == [
        f"{where}: vid_urls[0].live: Input should be a valid boolean",
        f"{where}: slug: Field required",
        f"{where}: webcast_live: Input should be a valid boolean",
    ]


def test_duplicate_id_names_both_lines(seed_content, built, build_runner):
    dist, before = built
    path = seed_content / V220
    line = path.read_bytes()
    path.write_bytes(line + line)
    lines = failing_build(build_runner, seed_content, dist, before)
    assert lines == [f"{label(seed_content, V220)}:2: event 1185: id: duplicate id (first on line 1)"]


def test_response_mode_must_match_its_file(seed_content, built, build_runner):
    dist, before = built
    path = seed_content / "snapshot/2.3.0/events.normal.ndjson"
    path.write_bytes((seed_content / "snapshot/2.3.0/events.list.ndjson").read_bytes())
    lines = failing_build(build_runner, seed_content, dist, before)
    where = f"{label(seed_content, 'snapshot/2.3.0/events.normal.ndjson')}:1: event 1304"
    assert lines == [
        f"{where}: response_mode: is 'list' but this file holds 'normal' records",
        f"{where}: updates: Field required",
        f"{where}: last_updated: Field required",
    ]


def test_out_of_order_ids_are_an_error(corpus_content, tmp_path, build_runner):
    from tests.conftest import copy_content

    content = copy_content(corpus_content, tmp_path)
    path = content / V220
    first, second, *rest = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(second + first + b"".join(rest))
    first_id = orjson.loads(first)["id"]
    second_id = orjson.loads(second)["id"]
    code, out, err = build_runner("--content", str(content), "--dist", str(tmp_path / "dist"))
    assert code == 1
    assert (
        f"{label(content, V220)}:2: event {first_id}: id: out of order after id {second_id} (snapshot files "
        "are sorted by id)" in err.splitlines()
    )
    assert not (tmp_path / "dist").exists()


def test_unknown_field_is_drift_warned_and_published_untouched(seed_content, tmp_path, build_runner):
    def add_fields(record):
        record["new_field"] = {"x": 1}
        record["launches"][0]["brand_new"] = True
        return record

    edit_record(seed_content, DETAILED, add_fields)
    dist = tmp_path / "dist"
    code, out, err = build_runner(
        "--content", str(seed_content), "--dist", str(dist), "--base-url", "https://mirror.test"
    )  # no note on relative links
    assert code == 0
    where = label(seed_content, DETAILED)
    assert err.splitlines() == [
        f"warning: schema drift in {where}: unknown field 'launches[].brand_new' in 1 record(s) (published "
        "as sent)",
        f"warning: schema drift in {where}: unknown field 'new_field' in 1 record(s) (published as sent)",
    ]
    served = (dist / "2.3.0/events/1304/index.json").read_bytes()
    assert served == (seed_content / DETAILED).read_bytes().rstrip(b"\n")
    assert b'"new_field":{"x":1}' in served


def test_strict_turns_drift_into_an_error(seed_content, built, build_runner):
    dist, before = built
    edit_record(seed_content, V220, lambda r: {**r, "surprise": 1})
    code, out, err = build_runner("--content", str(seed_content), "--dist", str(dist), "--strict")
    assert code == 1 and tree_digest(dist) == before
    assert (
        f"{label(seed_content, V220)}:0: event ?: surprise: unknown field in 1 record(s) (--strict)"
        in err.splitlines()
    )


def test_mode_files_must_hold_the_same_events(seed_content, built, build_runner):
    dist, before = built
    (seed_content / "snapshot/2.3.0/events.list.ndjson").write_bytes(b"")
    lines = failing_build(build_runner, seed_content, dist, before)
    assert lines == [
        f"{label(seed_content, DETAILED)}:1: event 1304: id: missing from "
        f"{label(seed_content, 'snapshot/2.3.0/events.list.ndjson')}"
    ]


def test_missing_snapshot_file_is_named(seed_content, built, build_runner):
    dist, before = built
    (seed_content / V220).unlink()
    code, out, err = build_runner("--content", str(seed_content), "--dist", str(dist))
    assert code == 1 and tree_digest(dist) == before
    assert err == f"Error: {seed_content / V220}: snapshot file is missing (an empty file means no events)\n"


def test_a_record_validated_before_keeps_its_place_and_digest(corpus_content: Path, tmp_path: Path):
    """A line validated by an earlier build is not checked again: what the cache gives for it
    (its span: line, offset, length, digest) must be what a fresh validation finds."""
    from generator.load.snapshot import open_snapshot
    from generator.load.validate import validate_snapshot

    content = tmp_path / "content"
    shutil.copytree(corpus_content, content)
    path = content / "snapshot" / "2.3.0" / "events.normal.ndjson"
    lines = path.read_bytes().splitlines()
    first, other = orjson.loads(lines[0]), orjson.loads(lines[1])
    text = f"See https://ll.thespacedevs.com/2.3.0/events/{other['id']}/ and /2.2.0/event/{other['id']}/."
    edit_event(content, first["id"], lambda record: record.update(description=text))  # every mode agrees
    snapshot = open_snapshot(content / "snapshot")

    fresh = validate_snapshot(snapshot)
    again = validate_snapshot(snapshot, validated_before=fresh.validated)
    for version, vindex in fresh.versions.items():
        for mode, findex in vindex.files.items():
            assert again.versions[version].files[mode].spans == findex.spans


def test_the_cache_keys_model_names_are_the_models_that_validate() -> None:
    """A record's cache key names its model without loading pydantic (validate.MODEL_NAMES):
    a renamed or moved model must rename it there, or a rebuild would trust records that the
    new model never validated."""
    from generator.api.models import EVENT_MODELS
    from generator.load.validate import MODEL_NAMES

    assert {key: (m.__module__, m.__qualname__) for key, m in EVENT_MODELS.items()} == MODEL_NAMES

"""The JSON mirror: seed fidelity, pagination links, determinism, upcoming/previous."""

import json
from pathlib import Path

import orjson

from generator.api.query import parse_request, query_path
from tests.conftest import SEED_1185, SEED_1304, tree_digest


def pairs(text: bytes) -> object:
    """Parse JSON keeping key order visible (objects become lists of pairs)."""
    return json.loads(text, object_pairs_hook=lambda kv: [(k, v) for k, v in kv])


def test_seed_events_are_served_exactly_as_the_seed(seed_content: Path, tmp_path: Path, build_runner):
    dist = tmp_path / "dist"
    code, out, err = build_runner("--content", str(seed_content), "--dist", str(dist))
    assert code == 0, err
    served_1304 = (dist / "2.3.0/events/1304/index.json").read_bytes()
    served_1185 = (dist / "2.2.0/event/1185/index.json").read_bytes()
    assert pairs(served_1304) == pairs(SEED_1304.read_bytes())
    assert pairs(served_1185) == pairs(SEED_1185.read_bytes())
    # Byte level: the compact rendering LL2's format=json gives, and orjson round-trips it.
    assert served_1304 == orjson.dumps(orjson.loads(SEED_1304.read_bytes()))
    assert orjson.dumps(orjson.loads(served_1185)) == served_1185


def test_detail_modes_of_2_3_0_are_prefixes_of_detailed(seed_content: Path, tmp_path: Path, build_runner):
    dist = tmp_path / "dist"
    assert build_runner("--content", str(seed_content), "--dist", str(dist))[0] == 0
    detailed = orjson.loads((dist / "2.3.0/events/1304/index.json").read_bytes())
    for mode, last in (("list", "duration"), ("normal", "last_updated")):
        record = orjson.loads((dist / f"2.3.0/events/1304/mode-{mode}/index.json").read_bytes())
        keys = list(detailed)
        assert list(record) == keys[: keys.index(last) + 1]
        assert record["response_mode"] == mode


def list_pages(dist: Path) -> list[Path]:
    return [p for p in dist.rglob("index.json") if b'"count":' in p.read_bytes()[:12]]


def test_every_next_and_previous_link_resolves_to_a_file(corpus_content: Path, tmp_path: Path, build_runner):
    dist = tmp_path / "dist"
    base = "https://example.org/mirror"
    assert build_runner("--content", str(corpus_content), "--dist", str(dist), "--base-url", base)[0] == 0
    pages = list_pages(dist)
    assert len(pages) > 50
    links = 0
    for page in pages:
        body = orjson.loads(page.read_bytes())
        for key in ("next", "previous"):
            if body[key] is not None:
                assert body[key].startswith(base + "/")
                target = dist / query_path(parse_request(body[key], "/mirror"))
                assert target.is_file(), f"{page}: {key} -> {body[key]}"
                links += 1
    assert links > 50


def walk(dist: Path, first: str) -> list[int]:
    ids: list[int] = []
    url: str | None = first
    while url is not None:
        body = orjson.loads((dist / query_path(parse_request(url))).read_bytes())
        assert len(body["results"]) <= parse_request(url).limit
        ids.extend(r["id"] for r in body["results"])
        url = body["next"]
    return ids


def test_walking_next_visits_every_record_once(corpus_content: Path, tmp_path: Path, build_runner):
    dist = tmp_path / "dist"
    assert build_runner("--content", str(corpus_content), "--dist", str(dist))[0] == 0
    snapshot_ids = [
        orjson.loads(line)["id"]
        for line in (corpus_content / "snapshot/2.2.0/event.ndjson").read_bytes().splitlines()
    ]
    for start in ("/2.2.0/event/", "/2.3.0/events/?mode=list", "/2.3.0/events/?mode=detailed&limit=100"):
        ids = walk(dist, start)
        assert sorted(ids) == sorted(snapshot_ids)
        assert len(ids) == len(set(ids))
    upcoming, previous = walk(dist, "/2.3.0/events/upcoming/"), walk(dist, "/2.3.0/events/previous/")
    assert upcoming and previous
    assert len(set(upcoming) - set(previous)) + len(previous) <= len(snapshot_ids)


def test_envelope_counts_and_page_sizes(corpus_content: Path, tmp_path: Path, build_runner):
    dist = tmp_path / "dist"
    assert build_runner("--content", str(corpus_content), "--dist", str(dist))[0] == 0
    first = orjson.loads((dist / "2.3.0/events/index.json").read_bytes())
    assert list(first) == ["count", "next", "previous", "results"]
    assert first["count"] == 57 and len(first["results"]) == 10 and first["previous"] is None
    assert first["next"] == "/2.3.0/events/offset-10/index.json"
    assert {r["response_mode"] for r in first["results"]} == {"normal"}  # the list default
    last = orjson.loads((dist / "2.3.0/events/offset-50/index.json").read_bytes())
    assert len(last["results"]) == 7 and last["next"] is None
    assert last["previous"] == "/2.3.0/events/offset-40/index.json"
    second = orjson.loads((dist / "2.3.0/events/offset-10/index.json").read_bytes())
    assert second["previous"] == "/2.3.0/events/index.json"  # offset 0 is the bare list, as LL2 drops it
    dates = [r["date"] for r in first["results"]]
    assert dates == sorted(dates)


def test_upcoming_and_previous_follow_the_snapshot_time_not_the_clock(
    seed_content: Path, tmp_path: Path, build_runner
):
    dist = tmp_path / "dist"
    assert build_runner("--content", str(seed_content), "--dist", str(dist))[0] == 0
    upcoming = orjson.loads((dist / "2.3.0/events/upcoming/index.json").read_bytes())
    previous = orjson.loads((dist / "2.2.0/event/previous/index.json").read_bytes())
    assert [r["id"] for r in upcoming["results"]] == [1304]  # as_of 2025-12-04, event on 12-08
    assert [r["id"] for r in previous["results"]] == [1185]
    later = tmp_path / "later"
    assert (
        build_runner("--content", str(seed_content), "--dist", str(later), "--now", "2026-01-01T00:00:00Z")[0]
        == 0
    )
    assert orjson.loads((later / "2.3.0/events/upcoming/index.json").read_bytes())["count"] == 0
    assert orjson.loads((later / "2.3.0/events/previous/index.json").read_bytes())["count"] == 1


def test_recent_events_stay_upcoming_for_a_day(seed_content: Path, tmp_path: Path, build_runner):
    dist = tmp_path / "dist"
    # Event 1304 is at 2025-12-08T21:45:00Z; 23 hours later it is still "upcoming" (LL2's rule).
    assert (
        build_runner("--content", str(seed_content), "--dist", str(dist), "--now", "2025-12-09T20:45:00Z")[0]
        == 0
    )
    assert orjson.loads((dist / "2.3.0/events/upcoming/index.json").read_bytes())["count"] == 1
    assert orjson.loads((dist / "2.3.0/events/previous/index.json").read_bytes())["count"] == 1


def test_two_builds_of_one_snapshot_are_byte_identical(corpus_content: Path, tmp_path: Path, build_runner):
    a, b = tmp_path / "a", tmp_path / "b"
    assert build_runner("--content", str(corpus_content), "--dist", str(a))[0] == 0
    assert build_runner("--content", str(corpus_content), "--dist", str(b))[0] == 0
    digest_a = tree_digest(a)
    assert digest_a and digest_a == tree_digest(b)

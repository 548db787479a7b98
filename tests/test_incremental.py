"""Incremental builds: nothing rewritten without a change, and always the bytes of a clean build."""

import random
import re
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from generator.load.history import History, render_history, shown_digest
from tests.conftest import copy_content, edit_event, tree_digest


def stats(root: Path) -> dict[str, tuple[int, int]]:
    """(inode, mtime_ns) of every file: what a rewrite would change."""
    return {
        str(p.relative_to(root)): (p.stat().st_ino, p.stat().st_mtime_ns)
        for p in root.rglob("*")
        if p.is_file()
    }


NO_CHANGE_BUILD = """
import sys
from generator.cli import main
code = main(["--content", sys.argv[1], "--dist", sys.argv[2]])
heavy = [m for m in ("pydantic", "jinja2", "markdown", "generator.api.models") if m in sys.modules]
print(f"exit {code}, loaded {heavy}")
"""


def test_a_rebuild_without_changes_touches_nothing(
    corpus_content: Path, tmp_path: Path, build_runner
) -> None:
    dist = tmp_path / "dist"
    assert build_runner("--content", str(corpus_content), "--dist", str(dist))[0] == 0
    before = stats(dist)
    code, out, err = build_runner("--content", str(corpus_content), "--dist", str(dist))
    assert code == 0
    assert out == f"{dist}/ is up to date (same snapshot, options and code as its last build)\n"
    assert stats(dist) == before
    # The same, alone in a fresh process: it loads none of the libraries the writing needs.
    loaded = subprocess.run(
        [sys.executable, "-c", NO_CHANGE_BUILD, str(corpus_content), str(dist)],
        cwd=Path(__file__).resolve().parent.parent,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.splitlines()[-1]
    assert loaded == "exit 0, loaded []"


def rewrite(path: Path, change) -> None:
    lines = [orjson.loads(line) for line in path.read_bytes().splitlines()]
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in change(lines)))


def test_incremental_build_after_random_changes_equals_a_clean_build(
    corpus_content: Path, tmp_path: Path, build_runner
) -> None:
    content = copy_content(corpus_content, tmp_path)
    incremental, clean = tmp_path / "incremental", tmp_path / "clean"
    assert build_runner("--content", str(content), "--dist", str(incremental))[0] == 0
    before = stats(incremental)
    rng = random.Random(11)
    files = sorted((content / "snapshot").glob("*/*.ndjson"))
    ids = [orjson.loads(line)["id"] for line in files[0].read_bytes().splitlines()]
    renamed = set(rng.sample(ids, 4))
    removed = set(rng.sample(sorted(set(ids) - renamed), 2))
    moved = rng.choice(sorted(set(ids) - renamed - removed))

    def change(records):
        out = []
        for r in records:
            if r["id"] in removed:
                continue
            if r["id"] in renamed:
                r["name"] += " (updated)"
            if r["id"] == moved:
                r["date"] = "2030-01-01T00:00:00Z"
            out.append(r)
        return out

    for path in files:
        rewrite(path, change)
    code, out, err = build_runner("--content", str(content), "--dist", str(incremental))
    assert code == 0, err
    assert build_runner("--content", str(content), "--dist", str(clean), "--clean")[0] == 0
    assert tree_digest(incremental) == tree_digest(clean)
    after = stats(incremental)
    rewritten = {p for p in after if before.get(p) != after[p]}
    # Removed events' own files are gone; changed events' files were rewritten; the files of
    # every other event were left alone (same inode, same mtime).
    for event_id in removed:
        assert f"2.2.0/event/{event_id}/index.json" not in after
    changed = renamed | {moved}
    for event_id in set(ids) - removed:
        detail = f"2.2.0/event/{event_id}/index.json"
        assert (detail in rewritten) == (event_id in changed), detail


def test_deleting_the_cache_gives_the_same_bytes(corpus_content: Path, tmp_path: Path, build_runner) -> None:
    dist = tmp_path / "dist"
    assert build_runner("--content", str(corpus_content), "--dist", str(dist))[0] == 0
    first = tree_digest(dist)
    assert (
        build_runner("--content", str(corpus_content), "--dist", str(dist), "--now", "2024-01-01T00:00:00Z")[
            0
        ]
        == 0
    )
    assert tree_digest(dist) != first
    assert build_runner("--content", str(corpus_content), "--dist", str(dist))[0] == 0
    assert tree_digest(dist) == first


def test_a_changed_page_text_rewrites_only_the_pages_that_show_it(
    corpus_content: Path, tmp_path: Path, build_runner
) -> None:
    content = copy_content(corpus_content, tmp_path)
    (content / "pages").mkdir(exist_ok=True)
    (content / "pages" / "about.md").write_text("# About\n\nFirst words.\n")
    dist = tmp_path / "dist"
    assert build_runner("--content", str(content), "--dist", str(dist))[0] == 0
    before = stats(dist)
    (content / "pages" / "about.md").write_text("# About\n\nOther words.\n")
    code, out, err = build_runner("--content", str(content), "--dist", str(dist))
    assert code == 0, err
    after = stats(dist)
    changed = sorted(path for path in after if after[path] != before.get(path))
    assert "about/index.html" in changed
    # The dumps, the JSON, its browsable pages and the event pages do not show it: untouched.
    assert not [
        p for p in changed if p.startswith(("dumps/", "events/", "2.2.0/", "2.3.0/")) or p.endswith(".json")
    ], changed
    clean = tmp_path / "clean"
    assert build_runner("--content", str(content), "--dist", str(clean), "--clean")[0] == 0
    assert tree_digest(clean) == tree_digest(dist)


def test_a_changed_schedule_history_rewrites_that_event_and_equals_a_clean_build(
    corpus_content: Path, tmp_path: Path, build_runner
) -> None:
    """The history file is a build input: an earlier date recorded for one event (as a fetch
    or a backfill writes it) shows on its page and calendar, and nowhere else changes."""
    content = copy_content(corpus_content, tmp_path)
    dist = tmp_path / "dist"
    assert build_runner("--content", str(content), "--dist", str(dist))[0] == 0
    before = stats(dist)
    record = orjson.loads((content / "snapshot/2.3.0/events.detailed.ndjson").read_bytes().splitlines()[0])
    as_of = orjson.loads((content / "snapshot/snapshot.json").read_bytes())["as_of"]
    entry = History(
        record["id"],
        (("2020-01-01T00:00:00Z", "2019-06-01T00:00:00Z"), (record["date"], as_of)),
        3,
        shown_digest(record),
    )
    (content / "snapshot/history.ndjson").write_bytes(render_history({entry.id: entry}))
    code, out, err = build_runner("--content", str(content), "--dist", str(dist))
    assert code == 0, err
    after = stats(dist)
    changed = {p for p in after if after[p] != before.get(p)}
    page = f"events/{record['id']}-{record['slug']}/index.html"
    assert {page, f"calendar/events/{record['id']}.ics", "feeds/slips.atom"} <= changed
    assert "2020-01-01 00:00 UTC" in (dist / page).read_text()
    assert "SEQUENCE:3" in (dist / f"calendar/events/{record['id']}.ics").read_text()
    others = [p for p in changed if p.startswith("events/") and p != page]
    assert others == []
    clean = tmp_path / "clean"
    assert build_runner("--content", str(content), "--dist", str(clean), "--clean")[0] == 0
    assert tree_digest(clean) == tree_digest(dist)


@pytest.mark.slow
def test_a_rebuild_reusing_the_variants_costs_equals_a_clean_build_when_the_budget_binds(
    corpus_content: Path, tmp_path: Path, build_runner
) -> None:
    """A rebuild takes the previous build's cost of each list no changed event is (or was)
    in: with a budget that drops lists, a cost off by one byte would keep or drop another list.
    A renamed event (longer records), one of another type (its lists change) and a removed one."""
    content = copy_content(corpus_content, tmp_path)
    incremental, clean = tmp_path / "incremental", tmp_path / "clean"
    budget = ("--max-bytes", "30M")
    build = ("--content", str(content), *budget)
    assert build_runner(*build, "--dist", str(incremental))[0] == 0
    files = sorted((content / "snapshot").glob("*/*.ndjson"))
    ids = [orjson.loads(line)["id"] for line in files[0].read_bytes().splitlines()]
    for step, change in enumerate(
        (
            lambda r: {**r, "name": r["name"] + " (a longer name than before)"} if r["id"] == ids[3] else r,
            lambda r: {**r, "type": {**r["type"], "id": 99, "name": "New"}} if r["id"] == ids[20] else r,
            lambda r: None if r["id"] == ids[40] else r,
        )
    ):
        for path in files:
            rewrite(path, lambda records, edit=change: [c for c in map(edit, records) if c is not None])
        code, out, err = build_runner(*build, "--dist", str(incremental))
        assert code == 0, err
        assert build_runner(*build, "--dist", str(clean), "--clean")[0] == 0
        assert tree_digest(incremental) == tree_digest(clean), step
        single = next(line for line in out.splitlines() if "single-filter lists, default ordering" in line)
        assert "(100.0%" not in single  # the budget binds


@pytest.mark.slow
def test_a_damaged_costs_file_in_the_cache_is_ignored(
    corpus_content: Path, tmp_path: Path, build_runner
) -> None:
    content = copy_content(corpus_content, tmp_path)
    incremental, clean = tmp_path / "incremental", tmp_path / "clean"
    assert build_runner("--content", str(content), "--dist", str(incremental))[0] == 0
    basis = tmp_path / ".incremental.cache" / "variants.pickle"
    assert basis.is_file()
    basis.write_bytes(basis.read_bytes()[:1000])
    first = orjson.loads((content / "snapshot" / "2.2.0" / "event.ndjson").read_bytes().splitlines()[0])["id"]
    edit_event(content, first, lambda record: record.update(name=record["name"] + " (renamed)"))
    code, out, err = build_runner("--content", str(content), "--dist", str(incremental))
    assert code == 0 and "Error" not in err and "Traceback" not in err, err
    assert build_runner("--content", str(content), "--dist", str(clean), "--clean")[0] == 0
    assert tree_digest(incremental) == tree_digest(clean)


def test_an_edit_that_keeps_a_records_length_rewrites_exactly_the_list_pages_that_hold_it(
    corpus_content: Path, tmp_path: Path, build_runner
) -> None:
    """A rebuild keeps the previous build's pages of the list variants no changed event is in,
    and of a list that still selects the same events, every page but those holding a changed
    one (variants/reuse.py): a same-length edit changes no cost, yet its pages must change."""
    content = copy_content(corpus_content, tmp_path)
    dist, clean = tmp_path / "dist", tmp_path / "clean"
    assert build_runner("--content", str(content), "--dist", str(dist))[0] == 0
    entries = orjson.loads((dist / "manifest.json").read_bytes())["entries"]
    # The pages of the type and agency variants, and the events each shows by name.
    shown = {
        e["path"]: [r["id"] for r in orjson.loads((dist / e["path"]).read_bytes())["results"] if "name" in r]
        for e in entries
        if "__ids-" in e["path"]
    }
    later = next(path for path, ids in shown.items() if "/offset-" in path and ids)
    event_id = shown[later][0]
    holding = {path for path, ids in shown.items() if event_id in ids}
    before = stats(dist)
    edit_event(content, event_id, lambda record: record.update(name=record["name"].swapcase()))
    code, out, err = build_runner("--content", str(content), "--dist", str(dist))
    assert code == 0, err
    assert build_runner("--content", str(content), "--dist", str(clean), "--clean")[0] == 0
    assert tree_digest(dist) == tree_digest(clean)
    after = stats(dist)
    rewritten = {path for path in shown if after[path] != before[path]}
    assert later in rewritten
    assert rewritten == holding
    first = re.sub(r"offset-\d+/", "", later)  # the same list's first page: kept
    assert first not in rewritten and after[first] == before[first]
    # Every other answer alike (the core mirror too, mirror/answers.py): of the details and
    # the list pages, only the changed event's details and the pages showing it are written.
    others = [e["path"] for e in entries if "__ids-" not in e["path"]]
    rewritten = {path for path in others if after[path] != before[path]}
    details = {path for path in others if f"/{event_id}/" in path}
    lists = {path for path in others if event_id in _shown(dist / path)}
    assert len(details) == 4 and lists and rewritten == details | lists


def _shown(page: Path) -> list[int]:
    """The ids of the events a list page shows ([] for a detail)."""
    return [r["id"] for r in orjson.loads(page.read_bytes()).get("results", ())]


def test_a_page_deleted_from_dist_by_hand_is_found_by_verify_and_mended_by_clean(
    corpus_content: Path, tmp_path: Path, build_runner
) -> None:
    """A rebuild keeps the previous build's unchanged pages without asking dist/ for each one
    (as the up-to-date check trusts dist/ whole): one deleted by hand stays missing, which the
    check before publishing names, and a clean build puts back."""
    content = copy_content(corpus_content, tmp_path)
    dist = tmp_path / "dist"
    assert build_runner("--content", str(content), "--dist", str(dist))[0] == 0
    entries = orjson.loads((dist / "manifest.json").read_bytes())["entries"]
    lost = next(e["path"] for e in entries if "__ids-" in e["path"] and "/offset-" in e["path"])
    (dist / lost).unlink()
    edit_event(content, 4, lambda record: record.update(name=record["name"].swapcase()))
    assert build_runner("--content", str(content), "--dist", str(dist))[0] == 0
    code, out, err = build_runner("verify", "--dist", str(dist))
    assert code == 1 and lost in err, err
    assert build_runner("--content", str(content), "--dist", str(dist), "--clean")[0] == 0
    code, out, err = build_runner("verify", "--dist", str(dist))
    assert code == 0 and err == "", err

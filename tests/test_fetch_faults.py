"""Fetch under faults (issue 24): each case from the command line's side (exit code, the line
printed, sha256 of content/ before and after), then the snapshot it leaves."""

import os
import signal
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode

import orjson
import pytest

from generator.cli import main, make_parser
from generator.fetch.cli import run_fetch_command
from generator.fetch.clock import SystemClock, stamp
from generator.load.recover import fetch_lock
from generator.load.snapshot import open_snapshot
from generator.load.validate import validate_snapshot
from tests.conftest import tree_digest
from tests.fake_ll2 import FILES, FakeLL2


def fetch_args(fake: FakeLL2, content: Path, *more: str) -> list[str]:
    return [
        "fetch",
        "--api-url",
        fake.url,
        "--content",
        str(content),
        "--max-requests",
        "50",
        "--per-hour",
        "50",
        *more,
    ]


# -- item 11: --summary-json that cannot be written -------------------------------------------


@pytest.mark.parametrize("where", ["missing-folder/summary.json", "a-folder"])
def test_a_summary_json_that_cannot_be_written_stops_the_run_before_the_snapshot_changes(
    where: str, seed_content: Path, fake_ll2: FakeLL2, tmp_path: Path, build_runner
) -> None:
    (tmp_path / "a-folder").mkdir()
    before = tree_digest(seed_content)
    code, out, err = build_runner(
        *fetch_args(fake_ll2, seed_content, "--summary-json", str(tmp_path / where))
    )

    assert (code, out) == (2, "")
    assert err.startswith(f"Error: --summary-json {tmp_path / where}: ") and err.count("\n") == 1
    assert tree_digest(seed_content) == before
    assert fake_ll2.requests == []  # refused before asking LL2 anything
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-folder", "content"]


def test_a_summary_json_is_written_whole_beside_no_temporary_file(
    seed_content: Path, fake_ll2: FakeLL2, tmp_path: Path, build_runner
) -> None:
    summary = tmp_path / "out" / "summary.json"
    summary.parent.mkdir()
    summary.write_text("old")
    more = ("--summary-json", str(summary), "--max-requests", "1")
    code, out, _ = build_runner(*fetch_args(fake_ll2, seed_content, *more))
    assert code == 0 and out.startswith("fetch stopped (full)")
    assert orjson.loads(summary.read_bytes()) == {
        "added": 0,
        "changed": 0,
        "removed": 0,
        "rescheduled": 0,
        "requests": 1,
        "complete": False,
    }
    assert [p.name for p in summary.parent.iterdir()] == ["summary.json"]


# -- item 8: a `next` link back to a page already read ----------------------------------------


def _self(path: str, query: str) -> str:
    return f"{path}?{query}"  # every page's next link is the page itself


def _back_to_first(path: str, query: str) -> str | None:
    """Page 2's next link names page 1 again, its parameters in another order."""
    params = dict(parse_qsl(query))
    offset = params.pop("offset", "0")
    return f"{path}?{urlencode({'offset': 0 if offset == '100' else 100, **params})}"


def _past_the_end(path: str, query: str) -> str:
    """Every page's next link is a page further on, past the end: empty pages forever."""
    params = dict(parse_qsl(query))
    return f"{path}?{urlencode({**params, 'offset': int(params.get('offset', '0')) + 1000})}"


@pytest.mark.parametrize(
    ("loop", "message"),
    [
        (_self, "next link leads back to a page this walk already read"),
        (_back_to_first, "next link leads back to a page this walk already read"),
        (_past_the_end, "LL2 sent an empty page with a next link"),
    ],
    ids=["own-page", "earlier-page", "empty-pages"],
)
def test_a_next_link_that_loops_fails_at_once_and_changes_nothing(
    loop, message: str, seed_content: Path, fake_ll2: FakeLL2, build_runner
) -> None:
    fake_ll2.next_link = loop
    before = tree_digest(seed_content)
    code, out, err = build_runner(*fetch_args(fake_ll2, seed_content))

    assert (code, out) == (1, "")
    assert err.startswith("Error: GET ") and err.count("\n") == 1
    assert message in err
    assert len(fake_ll2.requests) == (1 if loop is _self else 2)  # not the whole budget
    assert tree_digest(seed_content) == before


# -- item 1: a fetch killed between the two renames of its snapshot swap ----------------------


def kill_mid_swap(fake: FakeLL2, content: Path) -> None:
    """A fetch SIGKILLed right after its swap's first rename (in a forked child whose
    `os.rename` kills it after renaming content/snapshot/): content/snapshot/ is missing."""
    pid = os.fork()
    if pid == 0:  # the child: never returns into pytest
        try:
            real = os.rename

            def rename(source: Any, target: Any) -> None:
                real(source, target)
                if Path(source) == content / "snapshot":
                    os.kill(os.getpid(), signal.SIGKILL)

            os.rename = rename  # type: ignore[assignment]
            main(fetch_args(fake, content))
        finally:
            os._exit(1)
    _, status = os.waitpid(pid, 0)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL
    assert not (content / "snapshot").exists()
    assert sorted(p.name.split("-")[0] for p in content.glob(".snapshot.*")) == [
        ".snapshot.old",  # the whole old snapshot, moved aside
        ".snapshot.staging",  # the new one, not renamed in
    ]


def build_args(content: Path, dist: Path) -> list[str]:
    return ["--content", str(content), "--dist", str(dist), "--base-url", "https://mirror.test"]


def leftovers(content: Path) -> list[str]:
    return sorted(p.name for p in content.glob(".snapshot.*"))


@pytest.mark.parametrize("reader", ["build", "serve", "fetch"])
def test_every_reader_puts_back_the_snapshot_of_a_fetch_killed_mid_swap(
    reader: str,
    seed_content: Path,
    fake_ll2: FakeLL2,
    tmp_path: Path,
    build_runner,
    monkeypatch: pytest.MonkeyPatch,
    seed_site: Path,
) -> None:
    dist = seed_site if reader == "serve" else tmp_path / "dist"  # serve: a site already built
    if reader == "serve":
        monkeypatch.setattr("generator.serve.ThreadingHTTPServer.serve_forever", lambda self: None)
    seed = tree_digest(seed_content / "snapshot")
    kill_mid_swap(fake_ll2, seed_content)

    if reader == "build":
        code, out, err = build_runner(*build_args(seed_content, dist))
        assert (code, err) == (0, "") and out.startswith(f"built {dist}/ (2.2.0: 1 events, 2.3.0: 1 events;")
        assert tree_digest(seed_content / "snapshot") == seed
    elif reader == "serve":
        code, out, err = build_runner(
            "serve", "--dist", str(dist), "--content", str(seed_content), "--port", "0"
        )
        assert (code, err) == (0, "") and out.startswith(f"serving {dist}/ as a local LL2 at ")
        assert tree_digest(seed_content / "snapshot") == seed
    else:  # the next fetch starts from the snapshot put back, and ends as one never killed
        code, out, err = build_runner(*fetch_args(fake_ll2, seed_content, "--max-requests", "3"))
        assert (code, err) == (0, "") and out.startswith("fetch stopped (full) from ")
        kept = tree_digest(seed_content / "snapshot")  # stopped: the records wait in progress/
        assert {n: kept.get(n) for n in seed if n != "snapshot.json"} == {
            n: d for n, d in seed.items() if n != "snapshot.json"
        }
        code, out, err = build_runner(*fetch_args(fake_ll2, seed_content))
        assert (code, err) == (0, "") and out.startswith("fetch complete (full, resumed) from ")
        assert data_files(seed_content) == fake_ll2.expected()  # as a fetch never killed
        after = tree_digest(seed_content / "snapshot")
        assert "history.ndjson" in after and "PROVENANCE.md" in after
    assert leftovers(seed_content) == []


def test_a_second_fetch_while_one_runs_stops_at_once(
    seed_content: Path, fake_ll2: FakeLL2, build_runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("generator.load.recover.READER_WAIT", 0.1)
    before = tree_digest(seed_content)
    with fetch_lock(seed_content / "snapshot"):
        code, out, err = build_runner(*fetch_args(fake_ll2, seed_content))
    assert (code, out) == (1, "")
    snapshot = seed_content / "snapshot"
    assert err == f"Error: another fetch is writing {snapshot}/; wait for it to finish, then run again\n"
    assert fake_ll2.requests == [] and tree_digest(seed_content) == before


# -- item 7: LL2 keeps serving list records that disagree with their detailed records ---------


def _disagree(fake: FakeLL2, event_id: int) -> None:
    """The list record of an event, as LL2 serves it from now on, is not its detailed record cut."""
    records = fake.records["2.3.0/events.list.ndjson"]
    record = orjson.loads(records[event_id])
    record["name"] = f"Stale name {event_id}"
    records[event_id] = orjson.dumps(record)


def data_files(content: Path) -> dict[str, bytes]:
    return {name: (content / "snapshot" / name).read_bytes() for name in FILES.values()}


def snapshot_ids(content: Path) -> dict[str, set[int]]:
    return {
        p.relative_to(content / "snapshot").as_posix(): {
            orjson.loads(line)["id"] for line in p.read_bytes().splitlines()
        }
        for p in sorted((content / "snapshot").glob("*/*.ndjson"))
    }


def test_records_whose_modes_disagree_are_held_back_by_name_and_the_rest_lands(
    seed_content: Path, fake_ll2: FakeLL2, tmp_path: Path, build_runner
) -> None:
    new, old = sorted(fake_ll2.records["2.2.0/event.ndjson"])[3:5]
    _disagree(fake_ll2, new)
    code, out, err = build_runner(*fetch_args(fake_ll2, seed_content))
    assert (code, err) == (0, "")
    assert out.startswith("fetch complete (full) from ") and out.count("\n") == 1
    assert (
        f"warning: 1 event(s) held back, LL2 sent list/normal records that are not their detailed "
        "record cut (kept as they were until LL2 sends them agreeing): "
        f'{new} (list: name is "Stale name {new}" but ' in out
    )
    ids = snapshot_ids(seed_content)
    assert len(ids["2.2.0/event.ndjson"]) == 150  # 2.2.0's one mode has nothing to disagree with
    assert all(new not in i and old in i and len(i) == 149 for n, i in ids.items() if n.startswith("2.3.0/"))
    before = (seed_content / "snapshot/2.3.0/events.detailed.ndjson").read_bytes()

    # An event the snapshot has: edited upstream, its list record stale. It stays as it was.
    fake_ll2.edit(old, stamp(SystemClock().now()), name="Renamed")
    fake_ll2.edit(sorted(fake_ll2.records["2.2.0/event.ndjson"])[7], stamp(SystemClock().now()), name="Fine")
    _disagree(fake_ll2, old)
    code, out, err = build_runner(*fetch_args(fake_ll2, seed_content))
    assert (code, err) == (0, "") and out.startswith("fetch complete (incremental) from ")
    assert ": 0 added, 3 changed, 0 removed;" in out  # the fine edit in 2 versions, 2.2.0 rename
    assert f'{old} (list: name is "Stale name {old}" but "Renamed" in the detailed record)' in out
    after = (seed_content / "snapshot/2.3.0/events.detailed.ndjson").read_bytes()
    changed = {
        orjson.loads(a)["id"] for a, b in zip(before.splitlines(), after.splitlines(), strict=True) if a != b
    }
    assert changed == {sorted(fake_ll2.records["2.2.0/event.ndjson"])[7]}

    # Every snapshot fetch writes is one the build accepts (its first stage: a site's build
    # of these 150 events takes seconds more and checks nothing else about them).
    index = validate_snapshot(open_snapshot(seed_content / "snapshot"))
    assert len(index.versions["2.3.0"].facets) == 149 and len(index.versions["2.2.0"].facets) == 150


# -- item 2: an event deleted upstream while a full fetch pages -------------------------------


def test_an_event_deleted_while_a_walk_pages_skips_nothing_and_stays_deleted(
    seed_content: Path, fake_ll2: FakeLL2, build_runner
) -> None:
    # Between 2.2.0's pages 1 and 2, an event of page 1 goes: page 2 starts one later, so the
    # event that moved from page 2 to page 1 would be skipped, and the deleted one kept.
    on_page_one = orjson.loads(fake_ll2.page("/2.2.0/event/", "limit=100&ordering=-last_updated"))
    gone = on_page_one["results"][0]["id"]
    fake_ll2.before[2] = lambda: fake_ll2.delete(gone)
    code, out, err = build_runner(*fetch_args(fake_ll2, seed_content))

    assert (code, err) == (0, "")
    assert out.startswith("fetch complete (full) from ") and " 14 requests," in out  # 2.2.0 twice
    assert data_files(seed_content) == fake_ll2.expected()  # none skipped, the deleted one gone


# -- item 3: this machine's clock, years off LL2's ------------------------------------------


class OffClock(SystemClock):
    """This machine's clock, `days` off the real time (LL2's, the fake's Date header)."""

    def __init__(self, days: float) -> None:
        self.off = timedelta(days=days)

    def now(self) -> datetime:
        return super().now() + self.off


def fetch_on_clock(
    fake: FakeLL2, content: Path, days: float, capsys: pytest.CaptureFixture[str], *more: str
) -> str:
    """The fetch command, run as `faketime` would make it: its clock `days` off; its line."""
    code = run_fetch_command(make_parser().parse_args(fetch_args(fake, content, *more)), {}, OffClock(days))
    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    return out


def near_now(text: str) -> bool:
    return abs(datetime.now(UTC) - datetime.fromisoformat(text.replace("Z", "+00:00"))) < timedelta(
        minutes=15
    )


def test_times_come_from_ll2_not_a_local_clock_years_off(
    seed_content: Path, fake_ll2: FakeLL2, capsys: pytest.CaptureFixture[str]
) -> None:
    out = fetch_on_clock(fake_ll2, seed_content, 730, capsys)  # a clock 2 years ahead
    assert out.startswith("fetch complete (full) from ") and out.endswith(
        "; warning: this machine's clock is 730 days ahead of LL2's (its Date header); "
        "the snapshot's times were taken from LL2's\n"
    )
    meta = orjson.loads((seed_content / "snapshot/snapshot.json").read_bytes())
    assert near_now(meta["as_of"]) and near_now(meta["fetch"]["reconciled_at"])
    assert all(near_now(mark) for mark in meta["fetch"]["high_water"].values())

    # On a right clock: an edit made in between is fetched, a deletion looked for at once.
    ids = sorted(fake_ll2.records["2.2.0/event.ndjson"])
    fake_ll2.edit(ids[4], stamp(datetime.now(UTC)), name="Edited meanwhile")
    fake_ll2.delete(ids[9])
    # (LL2's free tier: the 12 requests logged "in 2028" do not hold the hourly budget spent.)
    out = fetch_on_clock(fake_ll2, seed_content, 0, capsys, "--per-hour", "15")
    assert out.startswith("fetch complete (incremental) from ") and ": 0 added, 2 changed, 2 removed;" in out
    assert "warning" not in out
    assert data_files(seed_content) == fake_ll2.expected()

    marks = orjson.loads((seed_content / "snapshot/snapshot.json").read_bytes())["fetch"]["high_water"]
    out = fetch_on_clock(fake_ll2, seed_content, -400, capsys)  # faketime -f -400d
    assert "; warning: this machine's clock is 400 days behind LL2's (its Date header)" in out
    meta = orjson.loads((seed_content / "snapshot/snapshot.json").read_bytes())
    assert near_now(meta["as_of"])  # the site is built for LL2's date, not 400 days back
    assert all(meta["fetch"]["high_water"][v] >= marks[v] for v in marks)  # never back

    # Marks a run on a clock 2 years ahead left before this rule: not believed, dropped, and
    # the next run is a full one (what they skipped cannot be known).
    meta["fetch"].update(high_water=dict.fromkeys(marks, "2028-12-01T00:00:00Z"))
    (seed_content / "snapshot/snapshot.json").write_bytes(orjson.dumps(meta))
    fake_ll2.edit(ids[5], stamp(datetime.now(UTC)), name="Edited after the marks")
    assert fetch_on_clock(fake_ll2, seed_content, 0, capsys).startswith("fetch complete (incremental) ")
    out = fetch_on_clock(fake_ll2, seed_content, 0, capsys)
    assert out.startswith("fetch complete (full) from ") and ": 0 added, 2 changed, 0 removed;" in out
    assert data_files(seed_content) == fake_ll2.expected()

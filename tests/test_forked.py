"""Building with two processes (--jobs 2: dumps and the human site in a forked child) gives
the same dist/ as one process, and a failure on either side leaves dist/ as it was.

The builds run as their own processes (the command line, with an optional patch applied
first): a build forks only when no other thread runs, and the test session may hold threads
(the browser tests' reader), so an in-process build could quietly stay in one process."""

import os
import re
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from generator.output.parallel import Shares, forked
from tests.conftest import ROOT, copy_content, tree_digest

DRIVER = """
import os, signal, sys
sys.path.insert(0, {root!r})
{patch}
from generator.cli import main
code = main(sys.argv[1:])
{after}
sys.exit(code)
"""


def run_cli(*args: str, patch: str = "", after: str = "") -> tuple[int, str, str]:
    """`python build.py ARGS` in a new process, after running `patch` there."""
    script = DRIVER.format(root=str(ROOT), patch=textwrap.dedent(patch), after=textwrap.dedent(after))
    done = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, timeout=600)
    return done.returncode, done.stdout, done.stderr


def leftovers(dist: Path) -> list[str]:
    """Staging folders or scratch files a build left beside dist/."""
    return sorted(
        p.name
        for p in dist.parent.iterdir()
        if p.name.startswith((".dist.staging", ".dist.old", ".fragments"))
    )


def test_one_and_two_processes_build_the_same_bytes(corpus_content: Path, tmp_path: Path) -> None:
    outputs = {}
    for jobs in ("1", "2"):
        dist = tmp_path / f"dist-{jobs}"
        code, out, err = run_cli("--content", str(corpus_content), "--dist", str(dist), "--jobs", jobs)
        assert code == 0, err
        outputs[jobs] = (tree_digest(dist), out.replace(str(dist), "DIST"))
    assert outputs["1"] == outputs["2"]
    assert len(outputs["1"][0]) > 500
    # Variants are written in two shares (the second forked): both have lists to write.
    assert re.search(r"^  variants +[1-9][0-9]{2,} files", outputs["1"][1], re.M)


def test_an_error_in_the_second_process_is_reported_and_dist_is_left_alone(
    corpus_content: Path, tmp_path: Path
) -> None:
    content = copy_content(corpus_content, tmp_path)
    dist = tmp_path / "dist"
    assert run_cli("--content", str(content), "--dist", str(dist), "--jobs", "2")[0] == 0
    before = tree_digest(dist)
    (content / "pages").mkdir(exist_ok=True)
    (content / "pages" / "Bad Name.md").write_text("# Bad\n")
    messages = {}
    for jobs in ("1", "2"):
        code, _, err = run_cli("--content", str(content), "--dist", str(dist), "--jobs", jobs)
        assert code == 1
        messages[jobs] = err
    assert messages["1"] == messages["2"]
    assert "Bad Name.md: page file names must be" in messages["2"]
    assert tree_digest(dist) == before
    assert leftovers(dist) == []


def failed_rebuild(corpus_content: Path, dist: Path, patch: str, after: str = "") -> str:
    """Build, then rebuild with `patch` applied: the rebuild fails and leaves dist/ as it
    was, with nothing beside it. Returns the error output."""
    assert run_cli("--content", str(corpus_content), "--dist", str(dist), "--jobs", "2")[0] == 0
    before = tree_digest(dist)
    code, out, err = run_cli(
        "--content",
        str(corpus_content),
        "--dist",
        str(dist),
        "--jobs",
        "2",
        "--clean",
        patch=patch,
        after=after,
    )
    assert code == 1, (code, err)
    assert tree_digest(dist) == before
    assert leftovers(dist) == []
    return out + err


def test_a_second_process_that_dies_fails_the_build_by_name(corpus_content: Path, tmp_path: Path) -> None:
    patch = """
        import generator.steps  # the build calls its stages by their names there
        first = os.getpid()
        def killed(*args, **kwargs):
            assert os.getpid() != first, "the open data must be written by the second process"
            os.kill(os.getpid(), signal.SIGKILL)
        generator.steps.write_open_data = killed
    """
    output = failed_rebuild(corpus_content, tmp_path / "dist", patch)
    assert "second process died (signal SIGKILL)" in output


def test_a_failure_in_the_first_process_stops_the_second(corpus_content: Path, tmp_path: Path) -> None:
    patch = """
        import generator.errors, generator.steps
        children = []
        real_fork = os.fork
        def recording_fork():
            pid = real_fork()
            if pid:
                children.append(pid)
            return pid
        os.fork = recording_fork
        def broken(*args, **kwargs):
            raise generator.errors.LL2StaticError("the mirror broke")
        generator.steps.write_json_mirror = broken
    """
    after = """
        for child in children:
            try:
                os.waitpid(child, os.WNOHANG)
                print("second process left running")
            except ChildProcessError:
                pass
        print(f"second processes: {len(children)}, reaped")
    """
    output = failed_rebuild(corpus_content, tmp_path / "dist", patch, after)
    assert "Error: the mirror broke" in output
    # Two forks: one read the snapshot beside the first (and ended), one ran the side stages.
    assert "second processes: 2, reaped" in output and "left running" not in output


def test_with_another_thread_running_the_build_stays_in_one_process(
    corpus_content: Path, tmp_path: Path, build_runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_fork() -> int:
        raise AssertionError("forked while another thread runs")

    monkeypatch.setattr(os, "fork", no_fork)
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        code, _, err = build_runner(
            "--content", str(corpus_content), "--dist", str(tmp_path / "dist"), "--jobs", "2"
        )
    finally:
        release.set()
        other.join()
    assert code == 0, err
    assert (tmp_path / "dist" / "datapackage.json").is_file() and (tmp_path / "dist" / "index.html").is_file()


def test_shared_units_are_each_taken_by_exactly_one_process() -> None:
    def take_slowly(shares: Shares) -> list[int]:
        taken = []
        for unit in shares.take():
            taken.append(unit)
            time.sleep(0.002)  # both processes are busy at once, as in a build
        return taken

    with Shares(200) as shares, forked(lambda: take_slowly(shares)) as join:
        mine = take_slowly(shares)
        theirs = join()
    assert sorted(mine + theirs) == list(range(200))  # every unit, none twice
    assert mine and theirs  # an idle process takes work, whichever it is
    with Shares(3) as alone:
        assert list(alone.take()) == [0, 1, 2]  # one process alone takes them all, in order
        assert list(alone.take()) == []
    with pytest.raises(ValueError, match="1 to 256"):
        Shares(257)


def test_validation_in_two_processes_reports_every_problem_as_one_does(
    corpus_content: Path, tmp_path: Path
) -> None:
    content = copy_content(corpus_content, tmp_path)
    snapshot = content / "snapshot"
    # A problem in each half of the files (2.2.0 goes to one process, 2.3.0 to the other).
    v220 = snapshot / "2.2.0/event.ndjson"
    lines = v220.read_bytes().splitlines(keepends=True)
    lines[3] = lines[3].replace(b'"name":"', b'"name":7,"x":"', 1)
    v220.write_bytes(b"".join(lines))
    detailed = snapshot / "2.3.0/events.detailed.ndjson"
    lines = detailed.read_bytes().splitlines(keepends=True)
    detailed.write_bytes(b"".join([*lines[:5], lines[4], *lines[5:]]))  # a duplicate id
    normal = snapshot / "2.3.0/events.normal.ndjson"
    normal.write_bytes(normal.read_bytes() + b'{"id": 1, "name": "cut off\n')
    reports = {}
    for jobs in ("1", "2"):
        code, out, err = run_cli(
            "--content", str(content), "--dist", str(tmp_path / f"dist-{jobs}"), "--jobs", jobs
        )
        assert code == 1 and out == ""
        reports[jobs] = err
    assert reports["1"] == reports["2"]
    problems = reports["1"].splitlines()[1:]
    assert [p.split(": ")[0].rsplit("/", 2)[-2:] for p in problems] == [
        ["2.2.0", "event.ndjson:4"],
        ["2.3.0", "events.detailed.ndjson:6"],
        ["2.3.0", f"events.normal.ndjson:{len(lines) + 1}"],
    ], problems
    assert "name: Input should be a valid string" in problems[0]
    assert "duplicate id (first on line 5)" in problems[1]
    assert "malformed JSON" in problems[2]


@pytest.mark.parametrize("parallel", [False, True])
def test_validation_runs_the_meanwhile_work_once_in_this_process(
    corpus_content: Path, parallel: bool
) -> None:
    from generator.load.snapshot import open_snapshot
    from generator.load.validate import validate_snapshot

    ran: list[int] = []
    index = validate_snapshot(
        open_snapshot(corpus_content / "snapshot"),
        parallel=parallel,
        meanwhile=lambda: ran.append(os.getpid()),
    )
    assert ran == [os.getpid()]  # here, not in the forked validator (whose list is not this one)
    assert {v: len(vi.facets) for v, vi in index.versions.items()} == {"2.2.0": 57, "2.3.0": 57}


@pytest.mark.parametrize("parallel", [False, True])
def test_background_work_is_done_when_its_block_ends_and_its_error_raised(
    tmp_path: Path, parallel: bool
) -> None:
    from generator.output.parallel import Background

    marker, go = tmp_path / "written", tmp_path / "go"

    def write_pid() -> None:
        deadline = time.monotonic() + 30  # still working until the block's own work is done
        while not go.exists() and time.monotonic() < deadline:
            time.sleep(0.005)
        marker.write_text(str(os.getpid()))

    with Background(parallel) as background:
        if not parallel:
            go.touch()  # run inline, at once: nothing to wait for
        background.start(write_pid)
        assert marker.exists() is not parallel  # inline: done at once; forked: not yet
        go.touch()
    assert (int(marker.read_text()) != os.getpid()) is parallel  # forked only where allowed

    def fail() -> None:
        raise OSError(28, "No space left on device", str(tmp_path / "variants.pickle"))

    with pytest.raises(OSError, match="No space left"), Background(parallel) as background:
        background.start(fail)


def test_a_rebuild_saves_its_basis_in_the_background_and_the_next_one_reuses_it(
    corpus_content: Path, tmp_path: Path
) -> None:
    """The basis (variants.pickle) a patch build saves while it lands dist/ is complete by the
    time the command ends: the next rebuild takes every cost from it."""
    content = copy_content(corpus_content, tmp_path)
    dist = tmp_path / "dist"
    code, _, err = run_cli("--content", str(content), "--dist", str(dist), "--jobs", "2")
    assert code == 0, err
    from bench.run import change_events

    change_events(content / "snapshot", 3)  # in every mode, as a fetch would
    for _ in range(2):
        code, _, err = run_cli(
            "--content",
            str(content),
            "--dist",
            str(dist),
            "--jobs",
            "2",
            patch="""
            import generator.variants.reuse as reuse
            load = reuse.load_basis
            def counted(*args):
                basis = load(*args)
                print("basis", "none" if basis is None else len(basis.costed), file=sys.stderr)
                return basis
            reuse.load_basis = counted
            import generator.steps as steps
            steps.load_basis = counted
            """,
        )
        assert code == 0, err
        assert re.search(r"^basis [1-9][0-9]*$", err, re.M), err  # the previous build's, whole
        change_events(content / "snapshot", 3)
    assert not leftovers(dist)


def test_a_rebuild_validates_its_changed_lines_in_the_second_process_with_one_report(
    corpus_content: Path, tmp_path: Path
) -> None:
    """In a rebuild the first process reads every file without loading pydantic and sends the
    changed lines to the second, which loads it meanwhile; past SENT_AT_MOST lines each
    validates half. Either way dist/ and the report are those of one process."""
    from bench.run import change_events
    from generator.load.validate import SENT_AT_MOST

    watch = """
    import generator.load.validate as validate
    sent = validate._validate_sent
    def watched(ask, asking):
        found, validated = sent(ask, asking)
        print(f"second process validated {len(found)} lines", file=sys.stderr)
        return found, validated
    validate._validate_sent = watched
    """
    after = """
    print(f"first process: pydantic {'pydantic' in sys.modules}", file=sys.stderr)
    """
    changed_lines = {4: 16, 57: 4 * 57}  # events renamed -> lines changed (4 files)
    assert changed_lines[57] > SENT_AT_MOST
    dists, reports, seen = {}, {}, []
    for jobs in ("1", "2"):
        content = copy_content(corpus_content, tmp_path / jobs)
        dist = tmp_path / jobs / "dist"
        code, _, err = run_cli("--content", str(content), "--dist", str(dist), "--jobs", jobs)
        assert code == 0, err
        for count, lines in changed_lines.items():
            change_events(content / "snapshot", count)  # valid changes, in every mode
            code, _, err = run_cli(
                "--content", str(content), "--dist", str(dist), "--jobs", jobs, patch=watch, after=after
            )
            assert code == 0, err
            dists[(jobs, count)] = tree_digest(dist)
            if jobs == "2":
                there = lines if lines <= SENT_AT_MOST else lines - lines // 2
                seen.append((count, f"second process validated {there} lines" in err.splitlines()))
                seen.append((count, f"first process: pydantic {lines > SENT_AT_MOST}" in err.splitlines()))
        lines = (content / "snapshot/2.3.0/events.list.ndjson").read_bytes().splitlines(keepends=True)
        lines[2] = lines[2].replace(b'"name":"', b'"name":7,"x":"', 1)  # a wrong type, a new field
        (content / "snapshot/2.3.0/events.list.ndjson").write_bytes(b"".join(lines))
        code, out, err = run_cli("--content", str(content), "--dist", str(dist), "--jobs", jobs, patch=watch)
        assert code == 1 and out == ""
        err = err.replace(str(tmp_path / jobs), "TMP")
        reports[jobs] = [line for line in err.splitlines() if not line.startswith("second process ")]
        if jobs == "2":
            assert "second process validated 1 lines" in err.splitlines(), err
    assert seen == [(4, True), (4, True), (57, True), (57, True)]
    assert all(dists[("1", count)] == dists[("2", count)] for count in changed_lines)
    assert reports["1"] == reports["2"]
    assert any(
        "events.list.ndjson:3" in line and "name: Input should be a valid string" in line
        for line in reports["1"]
    )


def test_a_memo_let_go_before_a_fork_has_made_its_database(tmp_path: Path) -> None:
    """Two processes that each made the memo's database (WAL mode) at once found it locked
    (a fresh build failed so, now and then, once the site's events were gathered after the
    fork): letting go of the memo makes it first."""
    import sqlite3

    from generator.incremental.memo import Memo

    Memo(tmp_path / "memo").release()
    with sqlite3.connect(tmp_path / "memo" / "values.sqlite") as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_two_processes_store_memo_values_while_both_hold_the_memo(tmp_path: Path) -> None:
    """Each process stores what it made when it lets go of the memo, in a short transaction:
    one still working (holding values it made) never locks the other out."""
    from generator.incremental.memo import Memo

    memo = Memo(tmp_path / "memo")
    memo.release()  # before the fork, as the build does
    child_made, child_says = os.pipe()
    parent_stored, parent_says = os.pipe()

    def child() -> object:
        memo.value("flat", b"child", lambda: {"made": "there"})
        os.write(child_says, b".")
        os.read(parent_stored, 1)  # still holding it while the parent stores its own
        return memo.detach()

    with forked(child) as join:
        os.read(child_made, 1)
        memo.value("flat", b"parent", lambda: {"made": "here"})
        memo.release()
        os.write(parent_says, b".")
        join()
    again = Memo(tmp_path / "memo")
    nothing = lambda: pytest.fail("a value was not stored")  # noqa: E731
    assert again.value("flat", b"child", nothing) == {"made": "there"}
    assert again.value("flat", b"parent", nothing) == {"made": "here"}

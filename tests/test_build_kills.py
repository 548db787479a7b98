"""A build killed at the worst moments (issue 24, items 4, 5 and 6), and at random ones: the
next build, or a reader of dist/, never sees a mix of two builds, never wedges, and ends with
what a build never killed writes. Each kill is a real SIGKILL, sent by the build to itself
right after the named step (a hook in a `python -c` wrapper), or from outside at a random time.
"""

import contextlib
import io
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from bench.corpus import write_corpus
from generator.cli import main
from tests.conftest import ROOT, tree_digest

PYTHON = sys.executable
JOURNAL = ".apply-journal.json"  # in a patch build's staging folder
LATER = "2030-01-01T00:00:00Z"
#: A small generated corpus and a budget that keeps no variants: ~150 files a build.
SMALL = ("--max-bytes", "4M")


def _die() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def _install(hook: str, arg: str, dist: str) -> None:
    """In a forked build: SIGKILL it right after a named step.
    journal N      a journal write cut after N bytes (the build dies inside the write)
    apply N        the N-th file of the journal moved into dist/
    fork PIDFILE   the second process started (and slowed down 5 s, as a busy one is)"""
    if hook == "journal":
        real_write = os.write

        def write(fd: int, data: bytes) -> int:
            if os.readlink(f"/proc/self/fd/{fd}").endswith(".apply-journal.part"):
                real_write(fd, bytes(data)[: int(arg)])
                _die()
            return real_write(fd, data)

        os.write = write  # type: ignore[assignment]
    elif hook == "apply":
        import generator.output.journal as journal

        real_land, moved = journal.land_file, []

        def land_file(source: str, target: str, swapping: bool) -> None:
            real_land(source, target, swapping)  # swapped in, or renamed into place
            moved.append(target)
            if len(moved) == int(arg):
                _die()

        journal.land_file = land_file  # type: ignore[assignment]
    elif hook == "fork":
        import generator.output.parallel as parallel

        real_fork, real_run = os.fork, parallel._run_child

        def run_child(work: object, pipe: int) -> None:
            Path(arg + ".part").write_text(str(os.getpid()))
            os.rename(arg + ".part", arg)
            time.sleep(5)  # a second process still busy when its build is killed
            real_run(work, pipe)  # type: ignore[arg-type]

        def fork() -> int:
            pid = real_fork()
            if pid:
                while not os.path.exists(arg):
                    time.sleep(0.01)
                _die()  # once the second process runs
            return pid

        parallel._run_child, os.fork = run_child, fork  # type: ignore[assignment]


def _fork_build(args: list[str], hook: tuple[str, str] | None = None) -> int:
    """A build in a forked copy of this process (no interpreter start-up), quiet; its pid."""
    pid = os.fork()
    if pid == 0:
        code = 3
        try:
            null = os.open(os.devnull, os.O_WRONLY)
            os.dup2(null, 1)
            os.dup2(null, 2)
            if hook is not None:
                _install(*hook, args[args.index("--dist") + 1])
            code = main(args)
        finally:
            os._exit(code)
    return pid


def killed_build(hook: str, arg: str, *args: str) -> None:
    """A build that SIGKILLs itself at the hook."""
    _, status = os.waitpid(_fork_build(list(args), (hook, arg)), 0)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, status


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, dict[str, str]]:
    """(content, a folder holding dist/ and its cache as built from it, the digest of a build
    at LATER never killed), built once for the module."""
    root = tmp_path_factory.mktemp("kills")
    write_corpus(root / "content" / "snapshot", 6, seed=5)
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        for folder, options in (("ref", ["--now", LATER]), ("site", [])):
            args = ["--content", str(root / "content"), "--dist", str(root / folder / "dist")]
            assert main([*args, *SMALL, *options]) == 0
    return root / "content", root / "site", tree_digest(root / "ref" / "dist")


@pytest.fixture
def seed_site(built: tuple[Path, Path, dict[str, str]], tmp_path: Path) -> tuple[Path, Path, dict[str, str]]:
    """(content, a copy of the built dist/ with its cache, the digest of a build at LATER)."""
    content, site, later = built
    shutil.copytree(site, tmp_path / "site", symlinks=True)
    return content, tmp_path / "site" / "dist", later


def landing(dist: Path) -> list[Path]:
    return list(dist.parent.glob(f".{dist.name}.staging-*/{JOURNAL}"))


# -- item 4: killed half way through applying its journal -------------------------------------


def test_a_build_killed_half_way_through_its_journal_is_finished_by_resolve(
    seed_site: tuple[Path, Path, dict[str, str]], build_runner
) -> None:
    content, dist, later = seed_site
    before = tree_digest(dist)
    killed_build("apply", "50", "--content", str(content), "--dist", str(dist), "--now", LATER, *SMALL)
    mixed = tree_digest(dist)
    assert mixed != before and mixed != later and landing(dist)  # 50 new files, the rest old
    code, out, err = build_runner("resolve", "/2.3.0/events/", "--dist", str(dist))
    assert (code, out, err) == (0, f"{dist}/2.3.0/events/index.json\n", "")
    assert tree_digest(dist) == later and not landing(dist)


def test_the_check_before_publishing_finishes_a_killed_apply_then_passes(
    seed_site: tuple[Path, Path, dict[str, str]], build_runner
) -> None:
    content, dist, later = seed_site
    killed_build("apply", "50", "--content", str(content), "--dist", str(dist), "--now", LATER, *SMALL)
    code, out, err = build_runner("verify", "--dist", str(dist))
    assert code == 0 and err == "" and out.startswith(f"{dist}/ is one whole build: ")
    assert tree_digest(dist) == later


def test_an_answer_that_is_not_the_one_the_manifest_lists_fails_the_check_before_publishing(
    seed_site: tuple[Path, Path, dict[str, str]], build_runner
) -> None:
    _, dist, _ = seed_site
    (dist / "2.3.0" / "events" / "index.json").write_bytes(b'{"count":0}')
    before = tree_digest(dist)
    code, out, err = build_runner("verify", "--dist", str(dist))
    assert (code, out) == (1, "")
    assert (
        err == f"Error: {dist}/2.3.0/events/index.json: not the bytes manifest.json lists (a mixed build)\n"
    )
    assert tree_digest(dist) == before


HOLD_WHILE_LANDING = """
import fcntl, os, sys, time
from pathlib import Path
dist = Path(sys.argv[1]); cache = dist.parent / f".{dist.name}.cache"; cache.mkdir(exist_ok=True)
fd = os.open(cache / "build.lock", os.O_RDWR | os.O_CREAT)
fcntl.flock(fd, fcntl.LOCK_EX); os.ftruncate(fd, 0); os.write(fd, f"{os.getpid()}\\n".encode())
staging = dist.parent / f".{dist.name}.staging-{os.getpid()}"; staging.mkdir()
(staging / ".apply-journal.json").write_bytes(b'{"write":[],"delete":[]}')
print("landing", flush=True)
time.sleep(60)
"""


def test_readers_refuse_a_dist_a_live_build_is_landing(
    seed_site: tuple[Path, Path, dict[str, str]], build_runner
) -> None:
    content, dist, _ = seed_site
    before = tree_digest(dist)
    holder = subprocess.Popen(
        [PYTHON, "-c", HOLD_WHILE_LANDING, str(dist)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline() == "landing\n"
        expected = (
            f"Error: a build (pid {holder.pid}) is landing its files in {dist}/ right now; "
            "run again in a moment\n"
        )
        for args in (["resolve", "/2.3.0/events/", "--dist", str(dist)], ["verify", "--dist", str(dist)]):
            assert build_runner(*args) == (1, "", expected), args
        serve = [PYTHON, str(ROOT / "build.py"), "serve", "--dist", str(dist), "--content", str(content)]
        served = subprocess.run([*serve, "--port", "0"], capture_output=True, text=True, timeout=30)
        assert (served.returncode, served.stdout, served.stderr) == (1, "", expected)
        import http.client
        import threading

        from generator.responder import Responder
        from generator.serve import Handler, Server

        handler = type("Bound", (Handler,), {"responder": Responder(dist)})
        with Server(("127.0.0.1", 0), handler) as server:  # a server already running answers 503
            threading.Thread(target=server.serve_forever, daemon=True).start()
            connection = http.client.HTTPConnection(*server.server_address[:2], timeout=10)
            connection.request("GET", "/2.3.0/events/")
            answer = connection.getresponse()
            connection.close()
            server.shutdown()
        assert (answer.status, answer.getheader("Retry-After")) == (503, "1")
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()  # type: ignore[union-attr]
    assert tree_digest(dist) == before


# -- item 5: killed while writing its journal ---------------------------------------------------


def test_a_build_killed_while_writing_its_journal_leaves_dist_and_the_next_build_works(
    seed_site: tuple[Path, Path, dict[str, str]], build_runner
) -> None:
    content, dist, later = seed_site
    before = tree_digest(dist)
    killed_build("journal", "100", "--content", str(content), "--dist", str(dist), "--now", LATER, *SMALL)
    assert tree_digest(dist) == before and not landing(dist)  # no journal: nothing was applied
    code, _, err = build_runner("resolve", "/2.3.0/events/", "--dist", str(dist))
    assert code == 0 and err == ""
    assert build_runner("--content", str(content), "--dist", str(dist), "--now", LATER, *SMALL)[0] == 0
    assert tree_digest(dist) == later and not list(dist.parent.glob(".dist.staging-*"))


@pytest.mark.parametrize(("torn", "clean"), [(b"", True), (b'{"write":["2.3.0/ev', False)])
def test_a_torn_journal_an_older_build_left_is_dropped_not_a_traceback(
    torn: bytes, clean: bool, seed_site: tuple[Path, Path, dict[str, str]], build_runner
) -> None:
    content, dist, later = seed_site
    staging = dist.parent / ".dist.staging-99999"
    (staging / "2.3.0").mkdir(parents=True)
    (staging / "2.3.0" / "half.json").write_bytes(b"{}")
    (staging / JOURNAL).write_bytes(torn)  # what a kill inside the old write_bytes left
    before = tree_digest(dist)
    code, _, err = build_runner("resolve", "/2.3.0/events/", "--dist", str(dist))
    assert code == 0 and err == "" and tree_digest(dist) == before and not staging.exists()
    (staging / JOURNAL).parent.mkdir()
    (staging / JOURNAL).write_bytes(torn)
    options = ["--clean"] if clean else []
    code, _, err = build_runner(
        "--content", str(content), "--dist", str(dist), "--now", LATER, *SMALL, *options
    )
    assert code == 0 and "Traceback" not in err, err
    assert tree_digest(dist) == later and not staging.exists()


# -- item 6: kill -9 of a build whose second process is running ---------------------------------


def _gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return True
    return state in ("Z", "X")  # ended; reaped by whoever adopted it


def test_kill_9_of_a_build_leaves_no_lock_and_no_process_behind(
    seed_site: tuple[Path, Path, dict[str, str]], tmp_path: Path, build_runner
) -> None:
    content, dist, later = seed_site
    pidfile = tmp_path / "child.pid"
    killed_build(
        "fork",
        str(pidfile),
        "--content",
        str(content),
        "--dist",
        str(dist),
        "--now",
        LATER,
        *SMALL,
        "--jobs",
        "2",
    )
    child = int(pidfile.read_text())
    code, _, err = build_runner("--content", str(content), "--dist", str(dist), "--now", LATER, *SMALL)
    assert code == 0, err  # not "another build (pid <the dead one>) is writing"
    assert tree_digest(dist) == later
    deadline = time.monotonic() + 2
    while not _gone(child) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert _gone(child), "the killed build's second process lives on"


# -- 20+ kills at random moments ---------------------------------------------------------------

KILLS = 20


def _snapshot_states(root: Path) -> list[Path]:
    """Two contents of one small corpus: the second a day later, with records changed."""
    first, second = root / "a", root / "b"
    write_corpus(first / "snapshot", 6, seed=5)
    write_corpus(second / "snapshot", 7, seed=6, as_of="2025-06-02T00:00:00Z")
    return [first, second]


def test_builds_killed_at_random_moments_always_recover_to_a_build_never_killed(
    tmp_path: Path, capsys
) -> None:
    states = _snapshot_states(tmp_path)
    expected = []
    for number, content in enumerate(states):
        started = time.monotonic()
        assert (
            main(["--content", str(content), "--dist", str(tmp_path / f"ref{number}" / "dist"), *SMALL]) == 0
        )
        expected.append(tree_digest(tmp_path / f"ref{number}" / "dist"))
    assert expected[0] != expected[1]
    took = time.monotonic() - started  # a full build (the second: imports are done)
    dist = tmp_path / "site" / "dist"
    assert main(["--content", str(states[0]), "--dist", str(dist), *SMALL]) == 0
    rng = random.Random(24)
    #: Kills land uniformly over each kind of build's span; a build that finished before its
    #: kill shortens the span of its kind, so that the kills fall inside builds.
    spans = {"patch": took, "swap": took}
    outcomes = {"killed": 0, "finished first": 0}
    for kill in range(2 * KILLS):
        if outcomes["killed"] == KILLS:
            break
        target = (kill + 1) % 2  # alternate, so that every build has files to change
        kind = "swap" if kill % 3 == 2 else "patch"
        args = ["--content", str(states[target]), "--dist", str(dist), *SMALL]
        pid = _fork_build([*args, "--clean"] if kind == "swap" else args)
        time.sleep(rng.uniform(0, spans[kind]))
        os.kill(pid, signal.SIGKILL)  # kill -9: the build's pid only, not its group
        _, status = os.waitpid(pid, 0)
        if os.WIFSIGNALED(status):
            outcomes["killed"] += 1
        else:
            outcomes["finished first"] += 1
            spans[kind] *= 0.7
        capsys.readouterr()
        code = main(args)  # the next build: it recovers, and lands what a build never killed does
        _, err = capsys.readouterr()
        assert code == 0, (kill, err)
        assert tree_digest(dist) == expected[target], kill
        assert not [p.name for p in dist.parent.iterdir() if p.name not in ("dist", ".dist.cache")]
    assert outcomes["killed"] == KILLS, outcomes

"""Building with two processes (--jobs 2: dumps and the human site in a forked child) gives
the same dist/ as one process, and a failure on either side leaves dist/ as it was."""

import os
import signal
from pathlib import Path

import pytest

import generator.mirror
import generator.site
from generator.errors import LL2StaticError
from tests.conftest import copy_content, tree_digest


def leftovers(dist: Path) -> list[str]:
    """Staging folders or scratch files a build left beside dist/."""
    return sorted(p.name for p in dist.parent.iterdir() if p.name.startswith((".dist.staging", ".dist.old", ".fragments")))


def test_one_and_two_processes_build_the_same_bytes(corpus_content: Path, tmp_path: Path, build_runner) -> None:
    outputs = {}
    for jobs in ("1", "2"):
        dist = tmp_path / f"dist-{jobs}"
        code, out, err = build_runner("--content", str(corpus_content), "--dist", str(dist), "--jobs", jobs)
        assert code == 0, err
        outputs[jobs] = (tree_digest(dist), out.replace(str(dist), "DIST"))
    assert outputs["1"] == outputs["2"]
    assert len(outputs["1"][0]) > 500


def test_an_error_in_the_second_process_is_reported_and_dist_is_left_alone(
    corpus_content: Path, tmp_path: Path, build_runner
) -> None:
    content = copy_content(corpus_content, tmp_path)
    dist = tmp_path / "dist"
    assert build_runner("--content", str(content), "--dist", str(dist), "--jobs", "2")[0] == 0
    before = tree_digest(dist)
    (content / "pages").mkdir(exist_ok=True)
    (content / "pages" / "Bad Name.md").write_text("# Bad\n")
    messages = {}
    for jobs in ("1", "2"):
        code, _, err = build_runner("--content", str(content), "--dist", str(dist), "--jobs", jobs)
        assert code == 1
        messages[jobs] = err
    assert messages["1"] == messages["2"]
    assert "Bad Name.md: page file names must be" in messages["2"]
    assert tree_digest(dist) == before
    assert leftovers(dist) == []


def failed_rebuild(corpus_content: Path, dist: Path, build_runner, patch) -> str:
    """Build, then rebuild with `patch()` applied: the rebuild fails and leaves dist/ as it
    was, with nothing beside it. Returns the error output."""
    assert build_runner("--content", str(corpus_content), "--dist", str(dist), "--jobs", "2")[0] == 0
    before = tree_digest(dist)
    patch()
    code, _, err = build_runner("--content", str(corpus_content), "--dist", str(dist), "--jobs", "2", "--clean")
    assert code == 1
    assert tree_digest(dist) == before
    assert leftovers(dist) == []
    return err


def test_a_second_process_that_dies_fails_the_build_by_name(
    corpus_content: Path, tmp_path: Path, build_runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    def killed(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGKILL)

    err = failed_rebuild(
        corpus_content, tmp_path / "dist", build_runner,
        lambda: monkeypatch.setattr(generator.site, "write_site", killed),
    )
    assert "second process died (signal SIGKILL)" in err


def test_a_failure_in_the_first_process_stops_the_second(
    corpus_content: Path, tmp_path: Path, build_runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    children: list[int] = []
    real_fork = os.fork

    def recording_fork() -> int:
        pid = real_fork()
        if pid:
            children.append(pid)
        return pid

    def broken(*args, **kwargs):
        raise LL2StaticError("the mirror broke")

    def patch() -> None:
        monkeypatch.setattr(generator.mirror, "write_json_mirror", broken)
        monkeypatch.setattr(os, "fork", recording_fork)

    err = failed_rebuild(corpus_content, tmp_path / "dist", build_runner, patch)
    assert err.strip() == "Error: the mirror broke"
    assert len(children) == 1
    with pytest.raises(ChildProcessError):
        os.waitpid(children[0], os.WNOHANG)  # the second process was stopped and reaped


def test_with_another_thread_running_the_build_stays_in_one_process(
    corpus_content: Path, tmp_path: Path, build_runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    import threading

    def no_fork() -> int:
        raise AssertionError("forked while another thread runs")

    monkeypatch.setattr(os, "fork", no_fork)
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        code, _, err = build_runner("--content", str(corpus_content), "--dist", str(tmp_path / "dist"), "--jobs", "2")
    finally:
        release.set()
        other.join()
    assert code == 0, err
    assert (tmp_path / "dist" / "datapackage.json").is_file() and (tmp_path / "dist" / "index.html").is_file()

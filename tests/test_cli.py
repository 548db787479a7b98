"""The command line: help for every option, resolve, atomic failure."""

import argparse
import re
from pathlib import Path

import pytest

import generator.mirror.answers as mirror
from generator.cli import make_parser
from tests.conftest import tree_digest


def all_parsers(parser: argparse.ArgumentParser):
    yield parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                yield from all_parsers(sub)


def test_every_option_has_help_text() -> None:
    for parser in all_parsers(make_parser()):
        for action in parser._actions:
            assert action.help, f"{parser.prog}: {action.option_strings or action.dest} has no help"


def test_resolve_prints_the_file_or_says_it_is_not_precomputed(
    seed_content: Path, tmp_path: Path, build_runner
) -> None:
    dist = tmp_path / "dist"
    assert build_runner("--content", str(seed_content), "--dist", str(dist))[0] == 0
    code, out, err = build_runner("resolve", "/2.3.0/events/?mode=list&limit=100", "--dist", str(dist))
    assert (code, out, err) == (0, f"{dist}/2.3.0/events/limit-100/mode-list/index.json\n", "")
    code, out, err = build_runner(
        "resolve", "/2.3.0/events/?mode=list&limit=100&offset=100", "--dist", str(dist)
    )
    assert code == 1 and out == ""
    assert err == (
        "not precomputed: /2.3.0/events/?mode=list&limit=100&offset=100 "
        f"(would be {dist}/2.3.0/events/limit-100/mode-list/offset-100/index.json); "
        "the mirror has no file for this query\n"
    )
    code, out, err = build_runner("resolve", "/2.3.0/events/?type=abc", "--dist", str(dist))
    assert code == 2 and err == "Error: LL2 answers 400 Bad Request: type: 'abc' is not a whole number\n"
    # An event the snapshot lacks is no such event (LL2's 404), not a query left out.
    for url, where in (
        ("/2.3.0/events/987654/?mode=list", "987654"),
        ("/2.2.0/event/upcoming/1185/", "1185 among the upcoming events"),
    ):
        code, out, err = build_runner("resolve", url, "--dist", str(dist))
        assert (code, out) == (1, "") and err == (
            f"no such event: {url}: the snapshot has no event {where} (LL2 answers 404 "
            f'{{"detail": "Not found."}})\n'
        )
    code, out, err = build_runner("resolve", "/2.2.0/event/previous/1185/", "--dist", str(dist))
    assert (code, out) == (0, f"{dist}/2.2.0/event/1185/index.json\n")
    # The browsable view of any answer is the shell that renders it.
    code, out, err = build_runner(
        "resolve", "/2.3.0/events/upcoming/?type__ids=2&format=api", "--dist", str(dist)
    )
    assert (code, out) == (0, f"{dist}/2.3.0/events/upcoming/index.html\n") and (
        dist / "2.3.0/events/upcoming/index.html"
    ).is_file()


def test_a_build_that_fails_while_writing_leaves_dist_as_it_was(
    corpus_content: Path, tmp_path: Path, build_runner, monkeypatch: pytest.MonkeyPatch
) -> None:
    dist = tmp_path / "dist"
    assert build_runner("--content", str(corpus_content), "--dist", str(dist))[0] == 0
    before = tree_digest(dist)
    calls = {"n": 0}
    real = mirror.write_list

    def failing(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 5:
            raise KeyboardInterrupt  # an interrupted build
        return real(*args, **kwargs)

    monkeypatch.setattr(mirror, "write_list", failing)
    with pytest.raises(KeyboardInterrupt):
        build_runner("--content", str(corpus_content), "--dist", str(dist), "--now", "2030-01-01T00:00:00Z")
    assert tree_digest(dist) == before
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith((".dist.staging", ".dist.old"))]
    assert leftovers == []


def test_a_staging_folder_left_by_a_killed_build_is_cleared(
    seed_content: Path, tmp_path: Path, build_runner
) -> None:
    stale = tmp_path / ".dist.staging-99999"
    (stale / "2.3.0").mkdir(parents=True)
    assert build_runner("--content", str(seed_content), "--dist", str(tmp_path / "dist"))[0] == 0
    assert not stale.exists()


def test_a_build_without_an_absolute_base_url_says_once_that_links_are_relative(
    seed_content: Path, tmp_path: Path, build_runner
) -> None:
    from generator.cli import RELATIVE_NOTE

    code, out, err = build_runner("--content", str(seed_content), "--dist", str(tmp_path / "a"))
    assert code == 0 and err.count(RELATIVE_NOTE) == 1 and err.count("relative") == 1
    files = [p for p in (tmp_path / "a").rglob("*") if p.is_file()]  # the report counts them all
    assert f": {len(files)} files (0 unchanged), {sum(p.stat().st_size for p in files):,} bytes" in out
    assert "Sitemap:" not in (tmp_path / "a" / "robots.txt").read_text()
    code, _, err = build_runner(
        "--content",
        str(seed_content),
        "--dist",
        str(tmp_path / "b"),
        "--base-url",
        "https://user.github.io/ll2-static",
    )
    assert code == 0 and "relative" not in err
    robots = (tmp_path / "b" / "robots.txt").read_text()
    assert "Sitemap: https://user.github.io/ll2-static/sitemap.xml" in robots


def test_a_long_build_on_a_terminal_shows_its_stage_and_files(corpus_content: Path, tmp_path: Path) -> None:
    """The status line (forced here: tests have no terminal) names stages and counts files,
    then is cleared, so the report starts on a clean line."""
    import io

    from generator.pipeline import build
    from generator.progress import BuildProgress
    from generator.settings import BuildSettings

    screen = io.StringIO()
    with BuildProgress(screen, after=0.0, every=0.01, force=True):
        build(
            BuildSettings(
                content_dir=corpus_content, dist_dir=tmp_path / "dist", jobs=1, max_bytes=50_000_000
            )
        )
    lines = [part for part in screen.getvalue().split("\r\x1b[K") if part]
    assert lines and all(line.startswith("building: ") for line in lines)
    assert any("validating the snapshot" in line for line in lines) or any(
        "writing the mirror" in line for line in lines
    )
    counts = [int(m.replace(",", "")) for line in lines for m in re.findall(r", ([\d,]+) files", line)]
    assert counts and counts == sorted(counts) and counts[-1] > 0  # files, counted as they are written
    assert screen.getvalue().endswith("\r\x1b[K")
    quiet = io.StringIO()  # not a terminal: nothing at all
    with BuildProgress(quiet, after=0.0, every=0.01):
        build(
            BuildSettings(
                content_dir=corpus_content, dist_dir=tmp_path / "dist2", jobs=1, max_bytes=50_000_000
            )
        )
    assert quiet.getvalue() == ""

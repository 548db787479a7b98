"""`python build.py serve`: a local LL2 over dist/, asked over HTTP as an app would."""

import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import orjson
import pytest

from generator.api.query import parse_request, query_path
from tests.answers import Reference

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def served(corpus_site: Path, corpus_site_content: Path) -> Iterator[str]:
    """The 40-event site served by `build.py serve` on a free port; yields the URL it printed."""
    process = subprocess.Popen(
        [
            sys.executable,
            "build.py",
            "serve",
            "--dist",
            str(corpus_site),
            "--content",
            str(corpus_site_content),
            "--port",
            "0",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = process.stdout.readline() if process.stdout else ""
        assert line.startswith("serving "), line + (process.stderr.read() if process.stderr else "")
        yield line.split(" at ", 1)[1].split()[0]
    finally:
        process.terminate()
        process.communicate(timeout=10)  # also closes the pipes


def test_a_precomputed_query_is_answered_with_its_file(served: str, corpus_site: Path) -> None:
    answer = httpx.get(served + "2.3.0/events/?mode=list&limit=100", headers={"Accept": "application/json"})
    assert answer.status_code == 200 and answer.headers["X-LL2-Static"] == "file"
    assert answer.content == (corpus_site / "2.3.0/events/limit-100/mode-list/index.json").read_bytes()
    assert answer.headers["Content-Type"] == "application/json"


def test_a_query_no_file_answers_gets_the_engines_answer(
    served: str, corpus_site: Path, corpus_site_content: Path
) -> None:
    reference = Reference.load(corpus_site_content)
    url = "2.3.0/events/previous/?mode=normal&limit=3&offset=3&ordering=-last_updated,id"
    query = parse_request("/" + url)
    assert not (corpus_site / query_path(query)).exists()  # not precomputed
    answer = httpx.get(served + url)
    assert answer.status_code == 200 and answer.headers["X-LL2-Static"] == "engine"
    assert answer.content == reference.envelope(query)
    page = orjson.loads(answer.content)
    assert len(page["results"]) == 3 and page["next"] and page["previous"]
    following = httpx.get(served + page["next"].lstrip("/"))  # the engine's own next link is served
    assert following.status_code == 200
    assert following.content == reference.envelope(query.with_offset(6))


def test_errors_are_ll2_json_for_the_api_and_404_html_for_people(served: str, corpus_site: Path) -> None:
    missing = httpx.get(served + "2.3.0/events/999999999/")
    assert (missing.status_code, missing.json()) == (404, {"detail": "Not found."})
    for unknown in ("2.9.0/events/", "2.3/", "2.4.0/events/?mode=list"):  # as LL2 and the edge worker
        answer = httpx.get(served + unknown)
        assert (answer.status_code, answer.json()) == (404, {"detail": "Not found."}), unknown
    bad = httpx.get(served + "2.3.0/events/?type__ids=abc")
    assert bad.status_code == 400 and list(bad.json()) == ["type__ids"]
    page = httpx.get(served + "no/such/page/", headers={"Accept": "text/html"})
    assert page.status_code == 404 and page.content == (corpus_site / "404.html").read_bytes()


def test_a_browser_gets_the_browsable_page(served: str, corpus_site: Path) -> None:
    answer = httpx.get(served + "2.3.0/events/", headers={"Accept": "text/html,application/xhtml+xml"})
    assert answer.status_code == 200
    assert answer.content == (corpus_site / "2.3.0/events/index.html").read_bytes()
    home = httpx.get(served)
    assert home.content == (corpus_site / "index.html").read_bytes()


def test_a_site_built_for_a_sub_path_is_served_under_it(tmp_path: Path) -> None:
    """`--base-url https://user.github.io/ll2`: pages, files and engine answers under /ll2/."""
    from generator.load.records import RecordSource
    from generator.load.snapshot import open_snapshot
    from generator.load.validate import validate_snapshot
    from generator.serve import LocalMirror
    from tests.conftest import build_site, copy_seed_content

    content = copy_seed_content(tmp_path / "content")
    dist = build_site(content, tmp_path / "dist", base_url="https://user.github.io/ll2")
    index = validate_snapshot(open_snapshot(content / "snapshot"))
    with RecordSource(index) as records:
        mirror = LocalMirror(dist, index, records)
        home = mirror.respond("/ll2/", "text/html")
        assert (home.status, home.body) == (200, (dist / "index.html").read_bytes())
        listed = mirror.respond("/ll2/2.3.0/events/?mode=list&limit=1&offset=1", "")
        assert listed.status == 200 and listed.headers["X-LL2-Static"] == "engine"
        assert orjson.loads(listed.body)["previous"] == "/ll2/2.3.0/events/limit-1/mode-list/index.json"
        assert mirror.respond("/ll2/data", "").headers["Location"] == "/ll2/data/"


def _mirror(dist: Path, content: Path, records, now="build"):
    from generator.load.snapshot import open_snapshot
    from generator.load.validate import validate_snapshot
    from generator.serve import LocalMirror

    return LocalMirror(dist, validate_snapshot(open_snapshot(content / "snapshot")), records, now)


def test_the_served_now_is_the_builds_and_a_choice_of_clock_answers_from_the_engine(
    corpus_site: Path, corpus_site_content: Path
) -> None:
    """upcoming/previous are relative to the time dist/ was built for (the snapshot's), which
    each such answer names; `--now TIME` or `--now today` answers them for that time, from the
    engine: the files were computed for another."""
    from dataclasses import replace

    from generator.load.records import RecordSource
    from generator.load.snapshot import open_snapshot, parse_utc
    from generator.load.validate import validate_snapshot

    reference = Reference.load(corpus_site_content)
    dates = sorted(f.date for f in reference.index.versions["2.3.0"].facets.values() if f.date)
    later = dates[len(dates) // 2]  # half the dated events are past by then, half upcoming
    assert later != reference.now
    url = "/2.3.0/events/upcoming/?limit=100"
    query = parse_request(url)
    with RecordSource(validate_snapshot(open_snapshot(corpus_site_content / "snapshot"))) as records:
        built = _mirror(corpus_site, corpus_site_content, records)
        answer = built.respond(url, "")
        assert answer.headers == {
            "X-LL2-Static": "file",
            "X-LL2-Static-Now": f"{reference.now:%Y-%m-%dT%H:%M:%SZ}",
        }
        assert answer.body == (corpus_site / query_path(query)).read_bytes() == reference.envelope(query)
        assert (
            "X-LL2-Static-Now" not in built.respond("/2.3.0/events/?limit=100", "").headers
        )  # no "now" in it
        moved = _mirror(corpus_site, corpus_site_content, records, later)
        answer = moved.respond(url, "")
        assert answer.headers == {"X-LL2-Static": "engine", "X-LL2-Static-Now": f"{later:%Y-%m-%dT%H:%M:%SZ}"}
        assert answer.body == replace(reference, now=later).envelope(query) != reference.envelope(query)
        today = _mirror(corpus_site, corpus_site_content, records, "today")
        assert abs((today.now() - datetime.now(UTC)).total_seconds()) < 5
        assert today.now_text() == "today's clock, at each request"
        assert built.now_text().startswith(
            f"{reference.now:%Y-%m-%dT%H:%M:%SZ}, the time dist/ was built for"
        )
        assert parse_utc(built.respond(url, "").headers["X-LL2-Static-Now"]) == reference.now


def test_serve_says_which_now_it_answers_for_and_refuses_a_clock_it_cannot_read(
    corpus_site: Path, corpus_site_content: Path
) -> None:
    command = [sys.executable, "build.py", "serve", "--dist", str(corpus_site), "--content"]
    bad = subprocess.run(
        [*command, str(corpus_site_content), "--now", "yesterday"], cwd=ROOT, capture_output=True, text=True
    )
    assert bad.returncode == 2 and "argument --now: 'yesterday' is not an ISO 8601 time" in bad.stderr
    assert "Traceback" not in bad.stderr

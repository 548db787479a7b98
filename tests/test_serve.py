"""`python build.py serve`: a local LL2 over dist/, asked over HTTP as an app would."""

import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import httpx
import orjson
import pytest

from generator.api.query import parse_request, query_path
from generator.responder import Answer, Engine, Request, Responder
from generator.responder.core import base_path_of
from tests.answers import Reference
from tests.conformance.check import digest
from tests.conftest import serving

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def served(corpus_site: Path, corpus_site_content: Path) -> Iterator[str]:
    """The 40-event site served by `build.py serve` on a free port; yields the URL it printed."""
    with serving(corpus_site, corpus_site_content) as url:
        yield url


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
    assert digest(answer.content) == digest(reference.envelope(query))  # the links apart
    page = orjson.loads(answer.content)
    assert len(page["results"]) == 3
    # LL2's links: absolute, on the serving origin, the request's parameters as DRF writes them
    assert page["next"] == served + (
        "2.3.0/events/previous/?limit=3&mode=normal&offset=6&ordering=-last_updated%2Cid"
    )
    previous = "2.3.0/events/previous/?limit=3&mode=normal&ordering=-last_updated%2Cid"
    assert page["previous"] == served + previous
    following = httpx.get(page["next"])  # a client follows it as it follows LL2's
    assert following.status_code == 200
    assert digest(following.content) == digest(reference.envelope(query.with_offset(6)))


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
    # every answer gets the same LL2-look page: an event, a computed list (the page renders
    # it), never a bare page; a missing event's page has LL2's 404
    shell = (corpus_site / "2.3.0/events/index.html").read_bytes()
    event = next(p.name for p in (corpus_site / "2.3.0/events").iterdir() if p.name.isdigit())
    for url, status in (
        (f"2.3.0/events/{event}/", 200),
        (f"2.3.0/events/{event}/?format=api&mode=list", 200),
        ("2.3.0/events/?limit=3&search=docking", 200),
        ("2.3.0/events/?limit=3&format=api", 200),
        ("2.3.0/events/999999999/?format=api", 404),
    ):
        page = httpx.get(served + url, headers={"Accept": "text/html"})
        assert (page.status_code, page.content) == (status, shell), url


def test_a_site_built_for_a_sub_path_is_served_under_it(tmp_path: Path) -> None:
    """`--base-url https://user.github.io/ll2`: pages, files and engine answers under /ll2/."""
    from generator.load.records import RecordSource
    from generator.load.snapshot import open_snapshot
    from generator.load.validate import validate_snapshot
    from generator.responder import Engine, Request, Responder
    from generator.responder.core import Answer, base_path_of
    from tests.conftest import build_site, copy_seed_content

    content = copy_seed_content(tmp_path / "content")
    dist = build_site(content, tmp_path / "dist", base_url="https://user.github.io/ll2")
    index = validate_snapshot(open_snapshot(content / "snapshot"))
    with RecordSource(index) as records:
        mirror = Responder(dist, base_path_of(dist), Engine(index, records, index.snapshot.as_of))

        def get(target: str, accept: str = "") -> Answer:
            return mirror.answer(Request("GET", target, {"host": "127.0.0.1:8000", "accept": accept}))

        home = get("/ll2/", "text/html")
        assert (home.status, home.body) == (200, (dist / "index.html").read_bytes())
        listed = get("/ll2/2.3.0/events/?mode=list&limit=1&offset=1")
        assert listed.status == 200 and listed.source == "engine"
        assert (
            orjson.loads(listed.body)["previous"]
            == "http://127.0.0.1:8000/ll2/2.3.0/events/?limit=1&mode=list"
        )
        assert get("/ll2/data").headers["Location"] == "/ll2/data/"
        # behind a proxy that terminates TLS (nginx with serve as its upstream)
        proxied = mirror.answer(
            Request(
                "GET",
                "/ll2/2.3.0/events/?offset=1&limit=1",
                {"host": "mirror.example", "x-forwarded-proto": "https"},
            )
        )
        assert orjson.loads(proxied.body)["previous"] == "https://mirror.example/ll2/2.3.0/events/?limit=1"


def test_two_hundred_clients_at_once_are_all_answered(served: str) -> None:
    """http.server's listen backlog of 5 dropped the connections of 200 concurrent clients
    (1,000 requests from 200 threads: 108 s and 64 failures on the 241-event corpus); the
    backlog is now 1,024 (2.0-2.7 s, none failed)."""
    from bench.serve_load import fetch

    start = time.perf_counter()
    with ThreadPoolExecutor(200) as pool:
        statuses = list(pool.map(fetch, [served + "2.3.0/events/?limit=5"] * 400))
    assert statuses == [200] * 400
    assert time.perf_counter() - start < 10  # backlog 5: 28-31 s for 400 requests here


@pytest.mark.parametrize("port", ["99999", "-1"])
def test_a_port_out_of_range_is_one_error_line(port: str, corpus_site: Path, capsys) -> None:
    from generator.cli import main

    code = main(["serve", "--dist", str(corpus_site), "--port", port])
    out, err = capsys.readouterr()
    assert (code, out) == (2, "")
    assert err == f"Error: --port {port}: a port is a number from 0 to 65535 (0: any free port)\n"


def test_a_failure_inside_the_responder_is_a_500_and_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A fault no case foresaw (here: dist/ unreadable mid-answer) still gets an answer, LL2's
    500 JSON, and one line on stderr, not a traceback and a dropped connection."""
    import threading

    from generator.responder import Request, Responder
    from generator.serve import Handler, Server

    class Broken(Responder):
        def answer(self, request: Request) -> Answer:
            raise PermissionError(13, "Permission denied", str(tmp_path / "index.json"))

    handler = type("BoundHandler", (Handler,), {"responder": Broken(tmp_path)})
    with Server(("127.0.0.1", 0), handler) as server:
        threading.Thread(target=server.serve_forever, daemon=True).start()
        try:
            answer = httpx.get(f"http://127.0.0.1:{server.server_address[1]}/2.3.0/events/")
        finally:
            server.shutdown()
    assert (answer.status_code, answer.json()) == (500, {"detail": "A server error occurred."})
    err = capsys.readouterr().err
    assert "Traceback" not in err and "GET /2.3.0/events/: PermissionError" in err


def _mirror(dist: Path, content: Path, records, now="build") -> tuple[Responder, Engine]:
    """serve's responder over `dist` with its `--now` choice."""
    from generator.load.snapshot import open_snapshot
    from generator.load.validate import validate_snapshot
    from generator.serve import built_now, clock_of

    index = validate_snapshot(open_snapshot(content / "snapshot"))
    engine = Engine(index, records, built_now(dist) or index.snapshot.as_of, clock_of(now))
    return Responder(dist, base_path_of(dist), engine), engine


def _records_of(answer: Answer) -> tuple[int, list[object]]:
    """count and results: what an answer says whatever its next/previous links."""
    data = orjson.loads(answer.body)
    return data["count"], data["results"]


def test_the_served_now_is_the_builds_and_a_choice_of_clock_answers_from_the_engine(
    corpus_site: Path, corpus_site_content: Path
) -> None:
    """upcoming/previous are relative to the time dist/ was built for (the snapshot's), which
    each such answer names; `--now TIME` or `--now today` answers them for that time, from the
    engine: the files were computed for another."""
    from dataclasses import replace

    from generator.api.times import parse_utc
    from generator.load.records import RecordSource
    from generator.load.snapshot import open_snapshot
    from generator.load.validate import validate_snapshot

    reference = Reference.load(corpus_site_content)
    dates = sorted(f.date for f in reference.index.versions["2.3.0"].facets.values() if f.date)
    later = dates[len(dates) // 2]  # half the dated events are past by then, half upcoming
    assert later != reference.now
    url = "/2.3.0/events/upcoming/?limit=100"
    query = parse_request(url)
    from generator.serve import now_text

    def get(responder: Responder, target: str) -> Answer:
        return responder.answer(Request("GET", target, {"host": "127.0.0.1:8000"}))

    def expected(now: datetime) -> tuple[int, list[object]]:
        data = orjson.loads(replace(reference, now=now).envelope(query))
        return data["count"], data["results"]

    with RecordSource(validate_snapshot(open_snapshot(corpus_site_content / "snapshot"))) as records:
        built, built_engine = _mirror(corpus_site, corpus_site_content, records)
        answer = get(built, url)
        assert (answer.source, answer.headers) == (
            "file",
            {"X-LL2-Static-Now": f"{reference.now:%Y-%m-%dT%H:%M:%SZ}"},
        )
        assert answer.file == (corpus_site / query_path(query)).resolve()
        assert _records_of(answer) == expected(reference.now)
        assert "X-LL2-Static-Now" not in get(built, "/2.3.0/events/?limit=100").headers  # no "now" in it
        moved, _ = _mirror(corpus_site, corpus_site_content, records, later)
        answer = get(moved, url)
        assert (answer.source, answer.headers) == (
            "engine",
            {"X-LL2-Static-Now": f"{later:%Y-%m-%dT%H:%M:%SZ}"},
        )
        assert _records_of(answer) == expected(later) != expected(reference.now)
        _, today = _mirror(corpus_site, corpus_site_content, records, "today")
        assert abs((today.current() - datetime.now(UTC)).total_seconds()) < 5
        assert now_text("today", built_engine.now) == "today's clock, at each request"
        assert now_text("build", built_engine.now).startswith(
            f"{reference.now:%Y-%m-%dT%H:%M:%SZ}, the time dist/ was built for"
        )
        assert parse_utc(get(built, url).headers["X-LL2-Static-Now"]) == reference.now


def test_serve_says_which_now_it_answers_for_and_refuses_a_clock_it_cannot_read(
    corpus_site: Path, corpus_site_content: Path
) -> None:
    command = [sys.executable, "build.py", "serve", "--dist", str(corpus_site), "--content"]
    bad = subprocess.run(
        [*command, str(corpus_site_content), "--now", "yesterday"], cwd=ROOT, capture_output=True, text=True
    )
    assert bad.returncode == 2 and "argument --now: 'yesterday' is not an ISO 8601 time" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_serve_and_resolve_say_alike_why_an_event_is_missing(
    corpus_site: Path, corpus_site_content: Path
) -> None:
    """The subset rule is the responder's: an event the snapshot lacks, or one outside
    upcoming/ or previous/, is LL2's 404 with the same reason whether the engine answers
    (serve) or dist/'s files alone (resolve)."""
    from generator.load.records import RecordSource

    reference = Reference.load(corpus_site_content)
    past = min(
        (f for f in reference.index.versions["2.3.0"].facets.values() if f.date and f.date < reference.now),
        key=lambda f: f.id,
    )
    cases = {
        "/2.3.0/events/987654321/": "the snapshot has no event 987654321",
        "/2.3.0/events/upcoming/987654321/": "the snapshot has no event 987654321",
        f"/2.3.0/events/upcoming/{past.id}/": f"the snapshot has no event {past.id} among the "
        "upcoming events",
    }
    with RecordSource(reference.index) as records:
        served, _ = _mirror(corpus_site, corpus_site_content, records)
        for responder in (served, Responder(corpus_site, base_path_of(corpus_site))):
            for url, reason in cases.items():
                answer = responder.answer(Request("GET", url))
                assert (answer.status, answer.source) == (404, "missing")
                assert answer.body == b'{"detail":"Not found."}'
                assert str(answer.error) == reason, url

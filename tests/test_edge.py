"""dist/_worker.js (--edge) in workerd, Cloudflare's Workers runtime, against the Python engine.

Every answer is compared with what the Python engine (tests/answers.py) would write for the
query, byte for byte, next/previous being the worker's LL2-style URLs on its own origin; a
query with a precomputed file is that file's bytes. Real clients (pylaunches, nextinspace)
run unmodified but for their base URL.
"""

import asyncio
import json
import os
import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest

from generator.api.query import Query, parse_request, query_path
from generator.client.compact import compact_path
from generator.client.edge import SHARD_BYTES, index_path
from generator.errors import QueryError
from generator.pipeline import build
from generator.settings import BuildSettings
from tests.answers import Reference
from tests.conftest import ROOT, VARIANT_BASE_URL, VARIANT_REQUESTS, copy_content, edit_event, tree_digest
from tests.edge_worker import INSTALL, log_text, serve, workerd_binary

VECTORS = json.loads((ROOT / "tests" / "data" / "query_vectors.json").read_text())["vectors"]
JSON = {"accept": "application/json"}

if workerd_binary() is None and os.environ.get("LL2_REQUIRE_WORKERD"):
    raise RuntimeError(f"workerd is not installed: {INSTALL}")  # CI (.ci/run) fails, never skips
pytestmark = pytest.mark.skipif(workerd_binary() is None, reason=f"workerd is not installed: {INSTALL}")


@pytest.fixture(scope="module")
def reference(variant_content: Path) -> Reference:
    return Reference.load(variant_content)


def _edge_build(content: Path, dist: Path, **options: object) -> Path:
    build(
        BuildSettings(
            content_dir=content,
            dist_dir=dist,
            base_url=VARIANT_BASE_URL,
            precompute=VARIANT_REQUESTS,
            edge=True,
            **options,
        )
    )  # type: ignore[arg-type]
    return dist


@pytest.fixture(scope="module", params=["github-pages", "cloudflare-pages"])
def edge_site(
    request: pytest.FixtureRequest, variant_content: Path, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """The 57-event corpus with ties and nulls, built with --edge for a host without a file
    cap (events as files) and for Cloudflare Pages (events from the shards)."""
    return _edge_build(variant_content, tmp_path_factory.mktemp("edge") / "dist", host=request.param)


@pytest.fixture(scope="module")
def worker(edge_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    """An HTTP client on the worker, which runs over that dist/ in workerd on loopback."""
    workdir = tmp_path_factory.mktemp("workerd")
    with serve(edge_site, workdir) as base, httpx.Client(base_url=base, headers=JSON, timeout=30) as client:
        yield client
        assert "Uncaught" not in log_text(workdir), log_text(workdir)


def ll2_link(url: str, query: Query, offset: int, origin: str) -> str:
    """The URL LL2 writes for the page at `offset`, as DRF's LimitOffsetPagination does: the
    request's URL, every parameter as sent, `limit` set to the limit read, `offset` to the
    page's (left out at 0), sorted by name (replace_query_param)."""
    parts = urlsplit(url)
    params = parse_qs(parts.query, keep_blank_values=True)
    params["limit"] = [str(query.limit)]
    params.pop("offset", None)
    if offset > 0:
        params["offset"] = [str(offset)]
    return origin + parts.path + "?" + urlencode(sorted(params.items()), doseq=True)


def expected_head(url: str, query: Query, count: int, origin: str) -> bytes:
    end = query.offset + query.limit
    next_url = ll2_link(url, query, end, origin) if end < count else None
    previous = ll2_link(url, query, query.offset - query.limit, origin) if query.offset > 0 else None
    return f'{{"count":{count},"next":{json.dumps(next_url)},"previous":{json.dumps(previous)}'.encode()


def relinked(page: bytes, url: str, origin: str) -> bytes:
    """A list page as the build wrote it, with the worker's next/previous for request `url`."""
    at = page.index(b',"results":[')
    count = json.loads(page[:at] + b"}")["count"]
    return expected_head(url, parse_request(url), count, origin) + page[at:]


def without_links(body: bytes) -> bytes:
    return re.sub(rb'^(\{"count":[0-9]+),"next":(null|"[^"]*"),"previous":(null|"[^"]*")', rb"\1", body)


def expected_body(reference: Reference, url: str, origin: str) -> bytes | None:
    """The Python engine's answer to request `url` (None: LL2's 404)."""
    query = parse_request(url)
    if query.is_detail:
        facets = reference.index.versions[query.version].facets
        if query.event_id not in facets:
            return None
        if query.subset != "all" and query.event_id not in reference.ids(
            replace(query, event_id=None, params=())
        ):
            return None
        return reference.lines[(query.version, query.mode)][query.event_id]
    return relinked(reference.envelope(query, VARIANT_BASE_URL), url, origin)


def test_every_vector_is_the_python_engines_answer_and_precomputed_files_are_their_bytes(
    worker: httpx.Client, edge_site: Path, reference: Reference
) -> None:
    origin = str(worker.base_url).rstrip("/")
    sources = {"file": 0, "computed": 0}
    for vector in VECTORS:
        response = worker.get(vector["url"])
        if vector.get("path", "").endswith(".html"):  # ?format=api: the browsable shell
            query = parse_request(vector["url"])
            assert response.headers["content-type"] == "text/html; charset=utf-8"
            shell = edge_site / query_path(
                replace(query, params=(), event_id=None, subset="all" if query.is_detail else query.subset)
            )
            assert response.content == shell.read_bytes(), vector
            continue
        assert response.headers["content-type"] == "application/json", vector
        if "error" in vector:
            assert response.status_code in (400, 404), (vector, response.text)
            body = response.json()
            if response.status_code == 400:
                with pytest.raises(QueryError) as raised:
                    parse_request(vector["url"])
                ((field, messages),) = body.items()
                assert str(raised.value) == f"LL2 answers 400 Bad Request: {field}: {messages[0]}"
            else:
                assert body == {"detail": "Not found."}
            continue
        query = parse_request(vector["url"])
        expected = expected_body(reference, vector["url"], origin)
        if expected is None:
            assert (response.status_code, response.json()) == (404, {"detail": "Not found."}), vector
            continue
        assert response.status_code == 200, (vector, response.text)
        assert response.content == expected, vector["url"]
        file = edge_site / query_path(query)
        source = response.headers["x-edge-source"]
        # Files read: the query's own file, the facet index (once per isolate), the shards.
        shards = {
            m["mode"]: len(m["shards"])
            for m in json.loads((edge_site / index_path(query.version)).read_bytes())["modes"]
        }
        assert int(response.headers["x-edge-reads"]) <= 2 + shards[query.mode], vector["url"]
        sources[source] += 1
        assert source == ("file" if file.is_file() else "computed"), vector["url"]
        if file.is_file():
            raw = file.read_bytes()
            assert response.content == (raw if query.is_detail else relinked(raw, vector["url"], origin))
        # The mirror path of the same query is the same answer (its links: that path's).
        assert without_links(worker.get("/" + vector["path"]).content) == without_links(expected), vector[
            "path"
        ]
    assert sources["file"] > 50 and sources["computed"] > 50, sources


def test_next_links_walk_a_computed_list_to_its_end(worker: httpx.Client, reference: Reference) -> None:
    url, seen = "/2.3.0/events/previous/?limit=7&mode=detailed&ordering=last_updated", []
    while url:
        response = worker.get(url)
        page = response.json()
        assert response.headers["x-edge-source"] == "computed"
        seen += [r["id"] for r in page["results"]]
        url = page["next"]
    assert seen == reference.ids(parse_request("/2.3.0/events/previous/?ordering=last_updated"))


def test_the_edge_data_is_in_the_manifest_budget_and_bounded(edge_site: Path) -> None:
    """Events have files unless the host caps files; shards keep under SHARD_BYTES; each
    version's index and shards are where the worker reads them."""
    settings = json.loads((edge_site / index_path("2.3.0")).read_bytes())
    assert settings["details_as_files"] == any((edge_site / "2.3.0" / "events").glob("[0-9]*/index.json"))
    for mode in settings["modes"]:
        for shard in mode["shards"]:
            assert (edge_site / shard).stat().st_size <= SHARD_BYTES
    assert (
        (edge_site / "_worker.js")
        .read_bytes()
        .startswith((ROOT / "generator/client/ll2-static.js").read_bytes())
    )
    # Cloudflare Pages: the API's paths invoke the worker; Netlify's _redirects would be read
    # by Pages in its own syntax, so a cloudflare-pages build has none.
    assert json.loads((edge_site / "_routes.json").read_bytes())["include"] == ["/2*"]
    assert (edge_site / "_redirects").exists() == settings["details_as_files"]


def test_the_worker_and_the_browser_read_the_same_facet_rows(edge_site: Path) -> None:
    """Both hosts' facet files (client/facetfile.py): the same now and rows, the worker's in
    the order of `all`, the browser's by id and followed by the list records (2.2.0 has none)."""
    for version in ("2.2.0", "2.3.0"):
        edge = json.loads((edge_site / index_path(version)).read_bytes())
        compact = json.loads((edge_site / compact_path(version)).read_bytes())
        assert edge["now"] == compact["now"]
        assert sorted(edge["events"]) == compact["events"] == sorted(compact["events"])
        assert [row[0] for row in edge["events"]] != [row[0] for row in compact["events"]]
        assert "records" not in edge
        assert len(compact["records"]) == (len(compact["events"]) if compact["list_mode"] else 0)


def test_a_cloudflare_build_keeps_under_its_file_cap_and_serves_events_from_the_shards(
    variant_content: Path, tmp_path: Path, reference: Reference
) -> None:
    dist = _edge_build(variant_content, tmp_path / "dist", host="cloudflare-pages", max_files=2_000)
    files = [p for p in dist.rglob("*") if p.is_file()]
    assert len(files) <= 2_000
    assert not list((dist / "2.3.0" / "events").glob("[0-9]*/index.json"))
    with serve(dist, tmp_path / "w") as base:
        event = next(iter(reference.index.versions["2.3.0"].facets))
        for mode in ("list", "normal", "detailed"):
            response = httpx.get(f"{base}/2.3.0/events/{event}/?mode={mode}", headers=JSON)
            assert response.content == reference.lines[("2.3.0", mode)][event]
            assert response.headers["x-edge-source"] == "computed"


BAD = [
    # (url, status LL2 answers, the field a 400 names)
    ("/2.3.0/events/?limit=abc", 200, None),
    ("/2.3.0/events/?offset=-3&limit=0", 200, None),
    ("/2.3.0/events/?type=abc", 400, "type"),
    ("/2.2.0/event/?type__ids=1,x", 400, "type__ids"),
    ("/2.3.0/events/?date__gte=2025-13-01", 400, "date__gte"),
    ("/2.3.0/events/?date__lt=yesterday", 400, "date__lt"),
    ("/2.2.0/event/?last_updated__gte=2025-02-30T00:00:00Z", 400, "last_updated__gte"),
    ("/2.3.0/events/upcoming/?hide_recent_previous=maybe", 400, "hide_recent_previous"),
    ("/2.3.0/events/?search=" + "a" * 10_000, 200, None),
    ("/2.3.0/events/?type=" + "1" * 10_000, 400, "type"),  # more digits than int() reads
    ("/2.2.0/event/?agency__ids=" + "4" * 10_000, 400, "agency__ids"),
    ("/2.3.0/events/?limit=" + "1" * 10_000, 200, None),  # LL2's default, as for limit=abc
    ("/2.3.0/events/?offset=" + "1" * 10_000, 200, None),
    ("/2.3.0/events/?offset=" + "9" * 4_300, 200, None),  # read, and past the end
    ("/2.3.0/events/" + "1" * 10_000 + "/", 404, None),
    ("/2.3.0/events/?slug=" + "s" * 10_000, 200, None),
    ("/2.3.0/events/?video_url=" + "v" * 10_000, 200, None),
    ("/2.3.0/events/?date__gte=" + "2" * 10_000, 400, "date__gte"),
    ("/2.3.0/events/?mode=" + "m" * 10_000, 200, None),
    ("/2.3.0/events/" + "x" * 10_000 + "/", 404, None),
    ("/2.3.0/events/?" + "p" * 10_000 + "=1", 200, None),
    ("/2.4.0/events/", 404, None),
    ("/2.3/events/", 404, None),
    ("/3/", 404, None),
    ("/2.0.0/event/", 404, None),
    ("/2.3.0/event/", 404, None),
    ("/2.3.0/events/999999/", 404, None),
    ("/2.3.0/launches/upcoming/", 404, None),
    ("/2.3.0/events/type__ids-~ZZ/index.json", 404, None),
    # Made-up mirror segments name no file, and LL2 has no such path.
    ("/2.3.0/events/foo-bar/", 404, None),
    ("/2.3.0/events/8.6e-125/", 404, None),
    ("/2.3.0/events/-538/", 404, None),
    ("/2.3.0/events/limit-10/", 404, None),  # the default spelled out: not the file's name
    ("/2.3.0/events/type-abc/", 404, None),
    ("/2.3.0/events/search-~FF/", 404, None),  # not UTF-8
    # A time past 9999-12-31 once in UTC is not a time (Python's datetime): a 400, never a 500.
    ("/2.3.0/events/?date__gte=9999-12-31T23:59:59-23:59", 400, "date__gte"),
    ("/2.3.0/events/?date__lt=0001-01-01T00:00:00%2B01:00", 400, "date__lt"),
]


@pytest.mark.parametrize("url,status,field", BAD, ids=[u[:60] for u, _, _ in BAD])
def test_bad_input_gets_ll2s_status_and_a_json_body(
    worker: httpx.Client, reference: Reference, url: str, status: int, field: str | None
) -> None:
    response = worker.get(url)
    assert response.status_code == status, response.text[:300]
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    if status == 404:
        assert body == {"detail": "Not found."}
    elif status == 400:
        assert list(body) == [field] and isinstance(body[field], list) and body[field][0]
    else:
        query = parse_request(url)
        origin = str(worker.base_url).rstrip("/")
        try:
            expected = expected_body(reference, url, origin)
        except QueryError:  # a page past the end whose folder no file system can name (offset of
            # 4,300 digits): the Python engine has no mirror path for its `previous`; LL2 has a URL
            ids, offset = reference.ids(query), query.offset
            assert (body["count"], body["next"], body["results"]) == (len(ids), None, [])
            assert body["previous"] == f"{origin}/{query.version}/events/?limit=10&offset={offset - 10}"
            return
        assert response.content == expected


def test_other_methods_and_head(worker: httpx.Client) -> None:
    response = worker.post("/2.3.0/events/")
    assert (response.status_code, response.json()) == (405, {"detail": 'Method "POST" not allowed.'})
    assert response.headers["allow"] == "GET"
    # Django's APPEND_SLASH: a path LL2 has, asked without its slash, is a 301 to it.
    for url, location in (
        ("/2.3.0/events?limit=5&type=2", "/2.3.0/events/?limit=5&type=2"),
        ("/2.3.0/events/upcoming", "/2.3.0/events/upcoming/"),
    ):
        moved = worker.get(url)
        assert (moved.status_code, moved.headers["location"]) == (301, location)
    assert worker.get("/2.3.0/events/foo").status_code == 404
    head = worker.head("/2.3.0/events/?limit=3")
    assert head.status_code == 200 and head.content == b""


def test_browsers_and_format_api_get_the_browsable_shell(worker: httpx.Client, edge_site: Path) -> None:
    shell = (edge_site / "2.3.0/events/upcoming/index.html").read_bytes()
    for url, headers in (
        ("/2.3.0/events/upcoming/?format=api&limit=3", JSON),
        ("/2.3.0/events/upcoming/?limit=3", {"accept": "text/html,application/xhtml+xml"}),
    ):
        response = worker.get(url, headers=headers)
        assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
        assert response.content == shell
    # The page has the status of the JSON it renders: an unknown event's is a 404.
    missing = worker.get("/2.3.0/events/999999/?format=api")
    assert missing.status_code == 404 and missing.headers["content-type"].startswith("text/html")
    for url in ("/2.3.0/events/upcoming/?format=json", "/2.3.0/events/upcoming/index.json"):
        forced = worker.get(url, headers={"accept": "text/html"})
        assert forced.headers["content-type"] == "application/json", url


# -- real clients, unmodified but for the base URL --------------------------------------------


def test_pylaunches_event_calls_are_the_engines_answers_and_its_launch_calls_a_json_404(
    worker: httpx.Client, reference: Reference, monkeypatch: pytest.MonkeyPatch
) -> None:
    pylaunches = pytest.importorskip("pylaunches")
    from pylaunches import api

    origin = str(worker.base_url).rstrip("/")
    monkeypatch.setattr(api, "BASE_URL", origin)  # its constant: the only change
    name = next(iter(reference.index.versions["2.2.0"].facets.values())).name.split()[0]

    def engine(url: str) -> list[object]:
        return json.loads(expected_body(reference, url, origin) or b"null")["results"]

    async def calls() -> None:
        async with pylaunches.PyLaunches() as client:
            assert await client.event(filters={"limit": "5"}) == engine("/2.2.0/event/?limit=5")
            assert await client.event(filters={"limit": "1"}) == engine("/2.2.0/event/?limit=1")
            assert await client.event(filters={"search": name}) == engine(f"/2.2.0/event/?search={name}")
            assert await client.event_upcoming() == engine("/2.2.0/event/upcoming/")
            assert await client.event_previous(filters={"limit": "5"}) == engine(
                "/2.2.0/event/previous/?limit=5"
            )
            first = (await client.event(filters={"limit": "1"}))[0]
            by_id = await client._call_api(f"{client._base_url}/event/{first['id']}/")
            assert by_id == json.loads(reference.lines[("2.2.0", None)][first["id"]])
            for call in (client.launch_upcoming, client.dashboard_starship):
                with pytest.raises(pylaunches.PyLaunchesError, match="404"):
                    await call()

    asyncio.run(calls())
    for path in ("/2.2.0/launch/upcoming/", "/2.2.0/dashboard/starship/"):
        response = worker.get(path)
        assert (response.status_code, response.json()) == (404, {"detail": "Not found."})


def test_nextinspace_event_calls_are_the_engines_answers_and_its_launch_call_a_json_404(
    worker: httpx.Client, reference: Reference, monkeypatch: pytest.MonkeyPatch
) -> None:
    nextinspace = pytest.importorskip("nextinspace")
    requests = pytest.importorskip("requests")

    origin = str(worker.base_url).rstrip("/")
    monkeypatch.setattr(nextinspace, "BASE_URL", origin + "/2.2.0")  # its 2.1.0 base -> the mirror's 2.2.0
    for count in (1, 5):
        expected = json.loads(expected_body(reference, f"/2.2.0/event/upcoming/?limit={count}", origin))
        got = nextinspace.next_event(count)
        assert [e.name for e in got] == [r["name"] for r in expected["results"]]
        assert [e.date.strftime("%Y-%m-%dT%H:%M:%SZ") for e in got] == [
            r["date"] for r in expected["results"]
        ]
    with pytest.raises(requests.HTTPError) as raised:
        nextinspace.nextinspace(1)  # events, then launches: LL2 has launches, the mirror does not
    assert raised.value.response.status_code == 404
    assert raised.value.response.json() == {"detail": "Not found."}


def test_an_incremental_edge_build_equals_a_clean_one_and_the_worker_serves_the_change(
    corpus_content: Path, tmp_path: Path, build_runner
) -> None:
    content = copy_content(corpus_content, tmp_path)
    incremental, clean = tmp_path / "incremental", tmp_path / "clean"
    options = ("--content", str(content), "--edge", "--host", "cloudflare-pages")
    assert build_runner(*options, "--dist", str(incremental))[0] == 0
    event = next(iter(Reference.load(content).index.versions["2.3.0"].facets))
    edit_event(content, event, lambda record: record.update(name=record["name"] + " (renamed)"))
    assert build_runner(*options, "--dist", str(incremental))[0] == 0
    assert build_runner(*options, "--dist", str(clean), "--clean")[0] == 0
    assert tree_digest(incremental) == tree_digest(clean)
    with serve(incremental, tmp_path / "w") as base:
        for url in (f"/2.3.0/events/{event}/", f"/2.3.0/events/?id={event}&mode=list&limit=3"):
            assert "(renamed)" in httpx.get(base + url, headers=JSON).text, url


def test_made_up_segments_after_an_event_are_a_404(worker: httpx.Client, reference: Reference) -> None:
    event = next(iter(reference.index.versions["2.3.0"].facets))
    assert worker.get(f"/2.3.0/events/{event}/mode-list/").status_code == 200
    for tail in ("foo-bar/", "mode-detailed/", "mode-list/foo-bar/"):
        response = worker.get(f"/2.3.0/events/{event}/{tail}")
        assert (response.status_code, response.json()) == (404, {"detail": "Not found."}), tail


def test_ids_past_2_53_are_read_exactly(tmp_path: Path) -> None:
    """Two events whose ids a float cannot tell apart (2^53 and 2^53 + 1): each is its own."""
    from tests.conftest import edit_event, site_content

    content = site_content(tmp_path / "content", 12, seed=5)
    ids = sorted(Reference.load(content).index.versions["2.3.0"].facets)[-2:]  # files stay sorted
    big = [2**53, 2**53 + 1]
    for old, new in zip(ids, big, strict=True):
        edit_event(content, old, lambda r, new=new: r.update(id=new))
    reference = Reference.load(content)
    assert set(big) <= set(reference.index.versions["2.3.0"].facets)
    dist = _edge_build(content, tmp_path / "dist")
    with serve(dist, tmp_path / "w") as base, httpx.Client(base_url=base, headers=JSON) as client:
        for event in big:
            for subset in ("", "upcoming/", "previous/"):
                url = f"/2.3.0/events/{subset}{event}/?mode=list"
                expected = expected_body(reference, url, base)
                response = client.get(url)
                assert response.content == (expected or b'{"detail":"Not found."}'), url
        for url in (
            f"/2.3.0/events/?id={big[0]},{big[1]}&mode=list",
            "/2.3.0/events/?limit=100&ordering=-date",
        ):
            response = client.get(url)
            assert response.content == expected_body(reference, url, base), url
            got = [r["id"] for r in response.json()["results"]]
            assert len(got) == len(set(got)) and set(big) <= set(got), url

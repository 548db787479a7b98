"""Run the conformance cases (cases.json) against the JS side's answerers: any HTTP server
(the edge worker under workerd, nginx with the emitted rules and its upstream), the JS client
under Node, and the browsable page in Chromium. Each runner gives {case id: problems}, []
for a pass; `check.compare` decides, as for the Python runners."""

import http.client
import json
import subprocess
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tests.conformance.check import compare

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
CASES_PATH = HERE / "cases.json"
NODE_RUNNER = HERE / "node_client.js"


def load_cases() -> list[dict[str, Any]]:
    data = json.loads(CASES_PATH.read_text())
    assert data["format"] == 1, "cases.json: a format this runner does not know"
    return list(data["cases"])


def is_html(case: dict[str, Any]) -> bool:
    """A case answered by the browsable page (its JSON is `json_of`)."""
    return "json_of" in case["expect"]


def fetch(base: str, method: str, url: str, accept: str) -> tuple[int, dict[str, str], bytes]:
    """One request, the URL sent exactly as written (no normalising): status, headers (names in
    lower case), body."""
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=30)
    try:
        connection.putrequest(method, url, skip_accept_encoding=True)
        connection.putheader("Accept", accept)
        connection.endheaders()
        response = connection.getresponse()
        body = response.read()
        headers = {k.lower(): v for k, v in response.getheaders()}
        return response.status, headers, body
    finally:
        connection.close()


def run_http(base: str, cases: Iterable[dict[str, Any]]) -> dict[str, list[str]]:
    """Every case over HTTP against `base` ("http://127.0.0.1:N")."""
    out = {}
    for case in cases:
        request = case["request"]
        try:
            status, headers, body = fetch(base, request["method"], request["url"], request["accept"])
        except (OSError, http.client.HTTPException) as error:
            out[case["id"]] = [f"no HTTP answer: {error!r}"]
            continue
        out[case["id"]] = compare(case["expect"], status, headers, body)
    return out


def run_node_client(dist: Path, cases: Iterable[dict[str, Any]]) -> dict[str, list[str]]:
    """The JS client (`LL2Static.Client`, dist/ll2-static.js) under Node, reading dist/'s files:
    the cases it can answer (GET of the API's JSON); its answer becomes status, JSON type and
    body text (node_client.js), compared as any other."""
    wanted = list(cases)
    run = subprocess.run(
        ["node", str(NODE_RUNNER), str(dist)],
        input=json.dumps([{**c["request"], "html": is_html(c)} for c in wanted]),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if run.returncode != 0:
        raise RuntimeError(f"node_client.js failed: {run.stderr[-2000:]}")
    answers = json.loads(run.stdout)
    out = {}
    for case, answer in zip(wanted, answers, strict=True):
        if "skip" in answer:
            out[case["id"]] = [f"not applicable: {answer['skip']}"]
            continue
        json_type = {"content-type": "application/json"}
        problems = compare(case["expect"], answer["status"], json_type, answer["body"].encode())
        # A client object has no HTTP headers: those of the case are not its to give.
        out[case["id"]] = [p for p in problems if not p.startswith("header ")]
    return out


# -- the browsable page in Chromium, on a plain static server (the HTML cases) -------------------

_SHOWN = (
    "(() => { const r = document.getElementById('browse'); return {"
    " status: r.querySelector('pre.headers').textContent.split('\\n')[0],"
    " json: JSON.parse(r.querySelector('pre.json').textContent) }; })()"
)


def _engine_view(content: Path, url: str) -> dict[str, Any]:
    """What the page should show for `url`, from the Python engine: a list's count and the
    ids of its page, an event's id, or LL2's error body."""
    from generator.api.query import parse_request
    from generator.errors import QueryError
    from tests.answers import Reference

    reference = _references.setdefault(content, Reference.load(content))
    try:
        query = parse_request(url)
    except QueryError as error:
        text = str(error)
        if text.startswith("LL2 answers 400 Bad Request: "):
            field, message = text.removeprefix("LL2 answers 400 Bad Request: ").split(": ", 1)
            return {"status": 400, "json": {field: [message]}}
        return {"status": 404, "json": {"detail": "Not found."}}
    if query.is_detail:
        facets = reference.index.versions[query.version].facets
        subset = (
            reference.ids(type(query)(query.version, query.subset, None, ()))
            if query.subset != "all"
            else None
        )
        if query.event_id not in facets or (subset is not None and query.event_id not in subset):
            return {"status": 404, "json": {"detail": "Not found."}}
        return {"status": 200, "id": query.event_id}
    ids = reference.ids(query)
    return {"status": 200, "count": len(ids), "ids": ids[query.offset : query.offset + query.limit]}


_references: dict[Path, Any] = {}
_STATUS_LINES = {200: "HTTP 200 OK", 400: "HTTP 400 Bad Request", 404: "HTTP 404 Not Found"}


def run_page(
    base: str, content: Path, workdir: Path, cases: Iterable[dict[str, Any]]
) -> dict[str, list[str]]:
    """The browsable page in headless Chromium, on a static server that ignores query strings
    (`base`): each HTML case's URL opened as a browser opens it; the page must show the status
    the case gives and the JSON of `json_of` (count and page ids, or the event, or LL2's error
    body, as the Python engine answers)."""
    from tests.browser import Browser, chromium_binary

    binary = chromium_binary()
    if binary is None:
        raise RuntimeError("Chromium is not installed: apt-get install -y chromium (.ci/run)")
    workdir.mkdir(parents=True, exist_ok=True)
    browser = Browser(binary, workdir / "profile", workdir / "chromium.log")
    out: dict[str, list[str]] = {}
    try:
        for case in cases:
            expect = case["expect"]
            if "json_of" not in expect:
                out[case["id"]] = ["not applicable: a JSON answer (the page renders the HTML cases)"]
                continue
            tab = browser.tab(base)
            try:
                tab.goto(base + case["request"]["url"])
                tab.wait_for("document.getElementById('browse') && !document.getElementById('browse').hidden")
                shown = tab.evaluate(_SHOWN)
            except Exception as error:  # noqa: BLE001 - a page that never renders is the finding
                out[case["id"]] = [f"the page did not render: {error}"]
                continue
            finally:
                tab.close()
            want = _engine_view(content, expect["json_of"])
            problems = []
            if shown["status"] != _STATUS_LINES.get(expect["status"]):
                problems.append(f"page says {shown['status']!r}, expected status {expect['status']}")
            body = shown["json"]
            if "ids" in want:
                got = (body.get("count"), [r.get("id") for r in body.get("results", [])])
                if got != (want["count"], want["ids"]):
                    problems.append(f"shows {str(got)[:100]}, expected {(want['count'], want['ids'])}"[:200])
            elif "id" in want:
                if body.get("id") != want["id"]:
                    problems.append(f"shows event {body.get('id')}, expected {want['id']}")
            elif body != want["json"]:
                problems.append(f"shows {str(body)[:100]}, expected {want['json']}")
            out[case["id"]] = problems
    finally:
        browser.close()
    return out


# -- Netlify: the emitted _redirects, matched as Netlify matches them ----------------------------


def run_netlify(dist: Path, cases: Iterable[dict[str, Any]]) -> dict[str, list[str]]:
    """Each API GET routed by dist/_redirects as Netlify routes it (tests/test_hostrules.py's
    model: exact parameter set, literal values or placeholders, first rule wins), answered with
    the file it names or the site's 404 page; other requests: not a rule's."""
    from tests.test_hostrules import netlify_route, read_redirects

    rules = read_redirects(dist)
    page404 = (dist / "404.html").read_bytes()
    out: dict[str, list[str]] = {}
    for case in cases:
        request = case["request"]
        if request["method"] != "GET" or not request["url"][1:2].isdigit() or "json_of" in case["expect"]:
            out[case["id"]] = ["not applicable: no rule of _redirects is about it (Netlify's own answer)"]
            continue
        target = netlify_route(rules, request["url"])
        path = urlsplit(target or request["url"]).path.lstrip("/")
        file = dist / path / "index.json" if not path.endswith(".json") else dist / path
        try:
            found = target is not None and file.is_file()
        except (OSError, ValueError):  # a name no file system holds: no file
            found = False
        if found:
            answer = (200, {"content-type": "application/json"}, file.read_bytes())
        else:
            answer = (404, {"content-type": "text/html; charset=utf-8"}, page404)
        out[case["id"]] = compare(case["expect"], *answer)
    return out

"""The conformance table of the JS side and the static hosts: every case of cases.json against
every answerer, each cell `pass` or the documented reason it cannot give the case's answer.

    python -m tests.conformance.table > table.md     # about a minute; pasted into docs/hosts.md

builds the fixed corpus (corpus.py) with --edge into a temporary folder and runs: the edge
worker under workerd, nginx with `ll2-static-upstream.conf` in front of that worker, nginx
with the files-only rules, the JS client under Node, the browsable page in Chromium on a plain
static server (the HTML cases), a plain static server as GitHub Pages serves (query strings
ignored), and Netlify's `_redirects` (matched as Netlify matches them). A cell that fails for
a reason not listed in REASONS is `FAIL`: tests/test_conformance_edge.py fails on any.
"""

import re
import sys
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from tests.conformance import runners

Results = dict[str, list[str]]

#: Why an answerer gives another answer than the case's, by code (a cell of the table).
REASONS = {
    "n/a": "not this answerer's to answer: a client library sends GET only and has no HTTP "
    "headers; the page answers the HTML cases; a path outside the API is the host's",
    "links": "the right records, with the mirror's file links as next/previous: static files "
    "keep their file links (docs/queries.md); only a responder writes LL2's "
    "query URLs",
    "no file": "no file answers this query or this spelling, and a static host cannot compute "
    "one: nginx's files-only rules give LL2's JSON 404 (the upstream include answers it)",
    "refused": "a 400 needs the engine's reading of the value: without an upstream nginx finds "
    "no file (JSON 404); the JS client rejects with the same message",
    "no redirect": "a client library reads /2.3.0/events as /2.3.0/events/ (no HTTP, no 301)",
    "page status": "the files-only rules serve the page with 200 (or, for an event outside "
    "the subset, the JSON 404): the status of the JSON the page renders needs the engine",
    "query ignored": "GitHub Pages serves the path and ignores the query string: the folder's "
    "page or file, whatever the parameters",
    "literal": "Netlify matches query values literally and by exact parameter set: another "
    "spelling, an unknown parameter or a list no rule names gets the site's 404",
    "repeated": "WRONG ANSWER on Netlify: a repeated parameter is read once (as modelled: its "
    "last value), so `program=17&program=8` gets program 8's file where LL2 adds the two up; "
    "_redirects cannot tell a repeated parameter apart: use nginx or the worker",
    "headers": "the right body; the headers are the host's: GitHub Pages sends "
    "`Access-Control-Allow-Origin: *` itself (the local stand-in sends none), Netlify would need "
    "a `_headers` file (not emitted)",
    "404 page": "a path no file answers gets the host's 404: the site's 404.html, not LL2's JSON body",
    "folder page": "GitHub Pages answers a folder with its index.html (the browsable page, "
    "which renders the JSON; an event's folder has no page: the 404.html shell renders it): "
    "a client asks for index.json by name (the JS client does)",
    "host": "the static host's own answer for a path outside the API (its 404 page, its "
    "redirects); `workerd` alone lists folders where Pages would serve index.html",
    "js numbers": "a JS object: an id past 2^53 is a JavaScript number, rounded by "
    "JSON.parse itself (to 9007199254740992 here), as in any JS client of LL2; the worker, "
    "which sends the bytes, passes the same case",
    "nginx %2F": "nginx decodes %2F and merges slashes: /%2Fabout is a 301 to /about/ (the same "
    "page), where serve answers /%2Fabout/",
}

ANSWERERS = [
    "worker",
    "nginx + worker",
    "nginx files",
    "JS client",
    "page",
    "GitHub Pages",
    "Netlify",
]


def _links_only(problems: list[str]) -> bool:
    return all(p.startswith(("next ", "previous ", "body ")) for p in problems) and any(
        p.startswith(("next ", "previous ")) for p in problems
    )


def _past_2_53(expect: dict[str, Any]) -> bool:
    """The case's answer holds an id JavaScript's numbers cannot hold exactly."""
    ids = [*(expect.get("ids") or []), expect.get("id") or 0]
    return any(isinstance(i, int) and abs(i) > 2**53 for i in ids)


def classify(answerer: str, case: dict[str, Any], problems: list[str]) -> str:
    """`pass`, a code of REASONS, or `FAIL` (a divergence nothing documents)."""
    if not problems:
        return "pass"
    if any(p.startswith("not applicable") for p in problems):
        return "n/a"
    url, expect = case["request"]["url"], case["expect"]
    api = url[1:2].isdigit()
    if answerer == "nginx + worker" and case["id"] == "site-encoded-slash":
        return "nginx %2F"
    if answerer == "worker" and not api:
        return "host"
    if answerer in ("nginx files", "JS client", "GitHub Pages", "Netlify") and _links_only(problems):
        return "links"
    if answerer in ("GitHub Pages", "Netlify"):
        return _static_host(answerer, url, expect, problems)
    if answerer == "nginx files":
        if case["id"] == "site-encoded-slash":
            return "nginx %2F"
        if expect["status"] == 400:
            return "refused"
        if "json_of" in expect:
            return "page status"
        if problems[0].startswith("status 404, expected 200") or case["request"]["method"] == "HEAD":
            return "no file"
    if answerer == "JS client":
        if _past_2_53(expect) and all(p.startswith(("id ", "ids ", "body")) for p in problems):
            return "js numbers"
        if expect["status"] == 301:
            return "no redirect"
    return "FAIL"


def _static_host(answerer: str, url: str, expect: dict[str, Any], problems: list[str]) -> str:
    """A host that serves files only: what it gives instead, in order of the cause."""
    if answerer == "Netlify" and any(re.match(r"(ids|count) (?!None,)", p) for p in problems):
        query = parse_qsl(urlsplit(url).query)
        if len({k for k, _ in query}) < len(query):
            return "repeated"
    if "?" in url:
        return "query ignored" if answerer == "GitHub Pages" else "literal"
    if not url[1:2].isdigit() or expect["status"] in (301, 405):
        return "host"
    rest = [p for p in problems if not p.startswith("header ")]
    if answerer == "GitHub Pages" and any("content type 'text/html'" in p for p in problems):
        return "folder page"
    if not rest:
        return "headers"
    if _links_only(rest):
        return "links"
    if answerer == "GitHub Pages" and "json_of" in expect and rest == ["status 404, expected 200"]:
        return "folder page"
    if expect["status"] == 404 and all(p.startswith(("content type", "body")) for p in rest):
        return "404 page"
    return "FAIL"


def table(cases: list[dict[str, Any]], results: dict[str, Results]) -> str:
    """The markdown table (cases x answerers) and its legend."""
    columns = [a for a in ANSWERERS if a in results]
    lines = ["| case | " + " | ".join(columns) + " |", "|---" * (len(columns) + 1) + "|"]
    counts = {a: 0 for a in columns}
    for case in cases:
        cells = []
        for answerer in columns:
            cell = classify(answerer, case, results[answerer].get(case["id"], ["not run"]))
            counts[answerer] += cell == "pass"
            cells.append(cell)
        lines.append(f"| `{case['id']}` | " + " | ".join(cells) + " |")
    lines.append("| **pass** | " + " | ".join(f"{counts[a]}/{len(cases)}" for a in columns) + " |")
    legend = [f"- `{code}`: {text}" for code, text in REASONS.items()]
    return "\n".join(lines + [""] + legend) + "\n"


@contextmanager
def built_corpus() -> Iterator[tuple[Path, Path]]:
    """(content, dist) of the fixed corpus, built with --edge, in a temporary folder."""
    from generator.pipeline import build
    from generator.settings import BuildSettings
    from tests.conformance.corpus import MAX_BYTES, write_content

    with tempfile.TemporaryDirectory(prefix="ll2s-conformance-") as tmp:
        content = write_content(Path(tmp) / "content")
        dist = Path(tmp) / "dist"
        build(BuildSettings(content_dir=content, dist_dir=dist, max_bytes=MAX_BYTES, edge=True))
        yield content, dist


def run_all(content: Path, dist: Path, work: Path, only: set[str] | None = None) -> dict[str, Results]:
    """Every answerer of ANSWERERS (or `only` those) over the corpus; {answerer: results}."""
    from tests import sitecheck
    from tests.edge_worker import serve as workerd
    from tests.nginx_server import serve as nginx

    cases = runners.load_cases()
    out: dict[str, Results] = {}
    wanted: Callable[[str], bool] = lambda name: only is None or name in only  # noqa: E731
    if wanted("worker") or wanted("nginx + worker"):
        with workerd(dist, work / "workerd") as worker:
            if wanted("worker"):
                out["worker"] = runners.run_http(worker, cases)
            if wanted("nginx + worker"):
                upstream = urlsplit(worker).netloc
                with nginx(dist, work / "nginx-up", "nginx/ll2-static-upstream.conf", upstream) as base:
                    out["nginx + worker"] = runners.run_http(base, cases)
    if wanted("nginx files"):
        with nginx(dist, work / "nginx-files", "nginx/ll2-static-server.conf") as base:
            out["nginx files"] = runners.run_http(base, cases)
    if wanted("JS client"):
        out["JS client"] = runners.run_node_client(dist, cases)
    if wanted("GitHub Pages") or wanted("page"):
        with sitecheck.serve(dist) as base:
            if wanted("GitHub Pages"):
                out["GitHub Pages"] = runners.run_http(base, cases)
            if wanted("page"):
                out["page"] = runners.run_page(base, content, work / "chromium", cases)
    if wanted("Netlify"):
        out["Netlify"] = runners.run_netlify(dist, cases)
    return out


def main() -> int:
    cases = runners.load_cases()
    with built_corpus() as (content, dist), tempfile.TemporaryDirectory() as work:
        results = run_all(content, dist, Path(work))
    sys.stdout.write(table(cases, results))
    return 0


if __name__ == "__main__":
    sys.exit(main())

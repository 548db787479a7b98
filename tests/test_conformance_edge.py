"""The conformance cases (tests/conformance/cases.json) against the JS side and the static
hosts: the edge worker under workerd, nginx with the emitted rules in front of it (and with
the files-only rules), the JS client under Node, the browsable page in Chromium on a plain
static server, a GitHub Pages-like static server and Netlify's `_redirects`.

Every cell is `pass` or a documented reason (tests/conformance/table.py's REASONS); the table
in docs/hosts.md is the one these runs produce (`python -m tests.conformance.table`).
"""

import os
import re
from pathlib import Path
from typing import Any

import pytest

from tests.browser import chromium_binary
from tests.conformance import runners, table
from tests.conformance.corpus import MAX_BYTES, write_content
from tests.edge_worker import INSTALL, workerd_binary
from tests.nginx_server import NGINX

ROOT = Path(__file__).resolve().parent.parent
CASES = runners.load_cases()

if workerd_binary() is None and os.environ.get("LL2_REQUIRE_WORKERD"):
    raise RuntimeError(f"workerd is not installed: {INSTALL}")
pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(workerd_binary() is None, reason=f"workerd is not installed: {INSTALL}"),
    pytest.mark.skipif(NGINX is None, reason="nginx is not installed (apt-get install nginx)"),
    pytest.mark.skipif(chromium_binary() is None, reason="Chromium is not installed"),
]


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, list[str]]]:
    """Every answerer over the fixed corpus, built with --edge (one run for the module)."""
    from generator.pipeline import build
    from generator.settings import BuildSettings

    root = tmp_path_factory.mktemp("conformance")
    content = write_content(root / "content")
    dist = root / "dist"
    build(BuildSettings(content_dir=content, dist_dir=dist, max_bytes=MAX_BYTES, edge=True))
    return table.run_all(content, dist, root / "work")


def cells(results: dict[str, dict[str, list[str]]], answerer: str) -> dict[str, str]:
    return {c["id"]: table.classify(answerer, c, results[answerer].get(c["id"], ["not run"])) for c in CASES}


def failures(results: dict[str, dict[str, list[str]]], answerer: str) -> dict[str, Any]:
    return {k: results[answerer][k] for k, v in cells(results, answerer).items() if v == "FAIL"}


def test_the_worker_answers_every_api_case(results: dict[str, dict[str, list[str]]]) -> None:
    got = cells(results, "worker")
    api = {c["id"] for c in CASES if c["request"]["url"][1:2].isdigit()}
    assert {k: results["worker"][k] for k in api if got[k] != "pass"} == {}
    # The site's paths are Pages' static files; workerd's disk service only stands in for them.
    assert {v for k, v in got.items() if k not in api} <= {"pass", "host"}


def test_nginx_with_the_worker_as_upstream_answers_every_case(
    results: dict[str, dict[str, list[str]]],
) -> None:
    got = cells(results, "nginx + worker")
    assert {k: results["nginx + worker"][k] for k, v in got.items() if v != "pass"} == {
        "site-encoded-slash": ["header location: '/about/', expected '/%2Fabout/'"]
    }


@pytest.mark.parametrize("answerer", ["nginx files", "JS client", "GitHub Pages", "Netlify"])
def test_the_static_answerers_give_the_cases_answer_or_a_documented_one(
    results: dict[str, dict[str, list[str]]], answerer: str
) -> None:
    assert failures(results, answerer) == {}
    # Never another query's records: where these answer with records, they are the case's.
    for case in CASES:
        problems = results[answerer][case["id"]]
        wrong = [p for p in problems if re.match(r"(ids|count|id) (?!None,)", p)]
        # Netlify's repeated parameter, and JavaScript's own rounding of ids past 2^53: documented
        if table.classify(answerer, case, problems) not in ("repeated", "js numbers"):
            assert not wrong, (case["id"], problems)
    repeated = [k for k, v in cells(results, answerer).items() if v == "repeated"]
    assert repeated == (["filter-program-repeated"] if answerer == "Netlify" else [])


def test_the_browsable_page_renders_every_html_case(results: dict[str, dict[str, list[str]]]) -> None:
    got = cells(results, "page")
    html = {c["id"] for c in CASES if runners.is_html(c)}
    assert len(html) >= 8
    assert {k: results["page"][k] for k in html if got[k] != "pass"} == {}


def test_docs_hosts_md_has_the_table_these_runs_produce(results: dict[str, dict[str, list[str]]]) -> None:
    text = (ROOT / "docs" / "hosts.md").read_text()
    produced = table.table(CASES, results)
    start = text.index("| case |")
    assert text[start : start + len(produced)] == produced, "run python -m tests.conformance.table"
    assert re.search(r"python -m tests\.conformance\.table", text)

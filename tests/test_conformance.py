"""Every case of tests/conformance/cases.json against `build.py serve` over HTTP and against
`build.py resolve` (what each checks: tests/conformance/README.md)."""

import http.client
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.conformance.check import compare, describe
from tests.conformance.corpus import build_dist, write_content
from tests.conformance.make import CASES, derive
from tests.conftest import serving, tree_digest

ROOT = Path(__file__).resolve().parent.parent
CASE_LIST: list[dict[str, Any]] = json.loads(CASES.read_text(encoding="utf-8"))["cases"]
IDS = [case["id"] for case in CASE_LIST]


@pytest.fixture(scope="module")
def conformance_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(content, dist) of the fixed corpus (241 events, seed 7; about 8 s, 96 MB)."""
    root = tmp_path_factory.mktemp("conformance")
    content = write_content(root / "content")
    return content, build_dist(content, root / "dist")


@pytest.fixture(scope="module")
def served(conformance_site: tuple[Path, Path]) -> Iterator[tuple[str, int]]:
    """`build.py serve` over the corpus on a free port: (host, port)."""
    content, dist = conformance_site
    before = tree_digest(dist), tree_digest(content)
    with serving(dist, content) as url:  # no traceback while it serves
        address = urlsplit(url)
        assert address.hostname is not None and address.port is not None
        yield address.hostname, address.port
    assert (tree_digest(dist), tree_digest(content)) == before  # answering writes nothing


def test_the_cases_file_is_current(conformance_site: tuple[Path, Path], tmp_path: Path) -> None:
    """cases.json is what `python -m tests.conformance.make` derives today (else: regenerate
    it and review the diff, README.md)."""
    (tmp_path / "empty").mkdir()
    derived = derive(*conformance_site, tmp_path / "empty")
    assert [c["id"] for c in derived] == IDS
    for case, fresh in zip(CASE_LIST, derived, strict=True):
        assert fresh == case, case["id"]


@pytest.mark.parametrize("case", CASE_LIST, ids=IDS)
def test_serve(case: dict[str, Any], served: tuple[str, int]) -> None:
    request = case["request"]
    connection = http.client.HTTPConnection(*served, timeout=30)
    try:
        connection.putrequest(request["method"], request["url"], skip_accept_encoding=True)
        connection.putheader("Accept", request["accept"])
        connection.endheaders()
        response = connection.getresponse()
        body = response.read()
    finally:
        connection.close()
    headers = {name.lower(): value for name, value in response.getheaders()}
    assert compare(case["expect"], response.status, headers, body) == []


#: resolve has no method: the cases of other methods (a 405) are serve's alone.
RESOLVE_CASES = [c for c in CASE_LIST if c["request"]["method"] in ("GET", "HEAD")]


@pytest.mark.parametrize("case", RESOLVE_CASES, ids=[c["id"] for c in RESOLVE_CASES])
def test_resolve(
    case: dict[str, Any], conformance_site: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    from generator.cli import main

    request, expect = case["request"], case["expect"]
    dist = conformance_site[1]
    code = main(["resolve", request["url"], "--dist", str(dist)])
    out, err = capsys.readouterr()
    assert "Traceback" not in err and len(err.splitlines()) <= 1
    status, html = expect["status"], expect["content_type"].startswith("text/html")
    if status == 200 and code == 1:
        assert err.startswith("not precomputed: "), err  # a computed answer: serve's engine
    elif status == 200 and code == 2:  # a value no file name can hold: only an engine answers
        assert err.startswith("Error: ") and "no file can answer it" in err, err
    elif status == 200:
        assert code == 0 and out.endswith("\n") and err == ""
        path = Path(out.strip())
        assert path.is_relative_to(dist) and path.is_file()
        if html and "format=api" in request["url"]:
            assert path.name == "index.html"  # the shell that renders the answer
        elif html and "json_of" in expect:
            assert path.name == "index.json"  # resolve has no Accept: the JSON file
        elif "body_sha256" in expect and request["method"] == "GET":
            got = describe(path.read_bytes())
            for key in ("body_sha256", "count", "ids", "id"):
                assert got.get(key) == expect.get(key), key  # next/previous: the file's own links
    elif status == 400:
        field = next(iter(json.loads(expect["body"])))
        assert (code, out) == (2, "") and err.startswith(f"Error: LL2 answers 400 Bad Request: {field}: ")
    elif status == 404 and expect["content_type"] == "application/json":
        assert out == "" and (
            (code == 1 and err.startswith("no such event: ")) or (code == 2 and err.startswith("Error: "))
        ), err
    else:  # a 301, a 404 page
        assert (code, out) == (1, "") and f"the answer is HTTP {status}" in err

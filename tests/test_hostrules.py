"""Host rules: nginx (the Debian package, on loopback) and Netlify's `_redirects` serve dist/."""

import json
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

import httpx
import pytest

from generator.api.query import parse_request
from tests.answers import Reference
from tests.conftest import ROOT, VARIANT_BASE_URL
from tests.nginx_server import NGINX
from tests.nginx_server import serve as serve_nginx

VECTORS = json.loads((ROOT / "tests" / "data" / "query_vectors.json").read_text())["vectors"]


@pytest.fixture(scope="module")
def nginx(variant_site: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """nginx serving the variant site with the emitted files-only include; yields its base URL."""
    if NGINX is None:
        pytest.skip("nginx is not installed here (.ci/run installs it with apt-get install nginx)")
    with serve_nginx(variant_site, tmp_path_factory.mktemp("nginx"), "nginx/ll2-static-server.conf") as base:
        yield base


@pytest.fixture(scope="module")
def reference(variant_content: Path) -> Reference:
    return Reference.load(variant_content)


def test_nginx_answers_an_unchanged_ll2_query_with_the_engines_json(nginx: str, reference: Reference) -> None:
    url = "/2.3.0/events/?type__ids=2,8&mode=list"
    response = httpx.get(nginx + url)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.content == reference.envelope(parse_request(url), VARIANT_BASE_URL)
    for spelling in (
        "/2.3.0/events/?mode=list&type__ids=8%2C2&limit=10&offset=0&format=json",
        "/2.3.0/events/?type__ids=8,2&mode=list&foo=bar",
    ):
        assert httpx.get(nginx + spelling, headers={"Accept": "application/json"}).content == response.content
    # Without its slash: Django's 301 to it (APPEND_SLASH), LL2's CORS header on every answer.
    moved = httpx.get(nginx + "/2.3.0/events?type__ids=8,2", headers={"Accept": "application/json"})
    assert (moved.status_code, moved.headers["location"]) == (301, "/2.3.0/events/?type__ids=8,2")
    assert response.headers["access-control-allow-origin"] == "*"
    # mode and ordering are read with their case, as DRF reads them: LIST is the default mode.
    for spelling in ("/2.3.0/events/?mode=LIST", "/2.3.0/events/?mode=list&ordering=-DATE"):
        other = httpx.get(nginx + spelling, headers={"Accept": "application/json"})
        default = "/2.3.0/events/" if "LIST" in spelling else "/2.3.0/events/?mode=list"
        assert other.content == httpx.get(nginx + default, headers={"Accept": "application/json"}).content
    # Other methods: DRF's 405 in JSON.
    post = httpx.post(nginx + url)
    assert (post.status_code, post.headers["allow"], post.json()) == (
        405,
        "GET",
        {"detail": 'Method "POST" not allowed.'},
    )
    # A browser (or ?format=api) gets the browsable pages' shell, which renders this answer
    # from the same JSON (tests/test_browser.py); next links are served typed.
    shell = (ROOT / "templates" / "static" / "browse.js").name.encode()
    for headers, spelling in (({"Accept": "text/html"}, url), ({}, url + "&format=api")):
        page = httpx.get(nginx + spelling, headers=headers)
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        assert page.content.startswith(b"<!doctype html>") and shell in page.content
    first = httpx.get(nginx + "/2.3.0/events/?mode=list&ordering=-last_updated").content
    next_url = json.loads(first)["next"].replace(VARIANT_BASE_URL, nginx)
    following = httpx.get(next_url)
    assert following.headers["content-type"] == "application/json"
    assert following.content == reference.envelope(parse_request(next_url), VARIANT_BASE_URL)


def test_nginx_serves_the_precomputed_queries_of_the_table_and_never_a_wrong_answer(
    nginx: str, reference: Reference, variant_site: Path
) -> None:
    served, missed = 0, []
    with httpx.Client(base_url=nginx) as client:
        for vector in VECTORS:
            if "path" not in vector:
                continue
            query = parse_request(vector["url"])
            response = client.get(vector["url"])
            if query.format == "api":  # the browsable view: the shell, for every query
                assert response.status_code == 200 and b"browse.js" in response.content, vector["url"]
                continue
            if response.status_code == 200:
                expected = (
                    (variant_site / vector["path"]).read_bytes()
                    if query.is_detail
                    else reference.envelope(query, VARIANT_BASE_URL)
                )
                assert response.content == expected, vector["url"]
                served += 1
            else:
                # 404 only where the query has no file, or is spelled in a way nginx cannot
                # put in canonical form (it then refuses rather than guess).
                assert response.status_code == 404, vector["url"]
                if (variant_site / vector["path"]).is_file():
                    missed.append(vector["url"])
    assert served >= 200, missed
    assert len(missed) <= served // 10, missed


def netlify_route(rules: list[tuple[str, list[tuple[str, str]], str]], url: str) -> str | None:
    """Where Netlify sends a request: the first rule whose path matches and whose query
    parameters are exactly the request's (literal or `:placeholder`); None if no rule does."""
    parts = urlsplit(url)
    request = dict(parse_qsl(parts.query, keep_blank_values=True))
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    for source, params, target in rules:
        if (
            ":" not in source
            and "*" not in source
            and source != path
            or sorted(request) != sorted(k for k, _ in params)
        ):
            continue
        pattern = (
            "^"
            + re.sub(r":(\w+)", r"(?P<\1>[^/]+)", re.escape(source).replace("\\:", ":")).replace("\\*", ".*")
            + "$"
        )
        match = re.match(pattern, path)
        if not match:
            continue
        bound = dict(match.groupdict())
        if all(v.startswith(":") or request[k] == unquote(v) for k, v in params):
            bound.update({v[1:]: request[k] for k, v in params if v.startswith(":")})
            return re.sub(r":(\w+)", lambda m, b=bound: b[m.group(1)], target)
    return None


def read_redirects(dist: Path) -> list[tuple[str, list[tuple[str, str]], str]]:
    rules = []
    for line in (dist / "_redirects").read_text().splitlines():
        if line.startswith("#") or not line.strip():
            continue
        fields = line.split()
        if fields[-1] == "404":  # not forced: only where no rule and no file answers
            assert fields[0].endswith("/*") and fields[1] == "/404.json", line
            continue
        assert fields[-1] == "200!", line
        rules.append((fields[0], [tuple(f.split("=", 1)) for f in fields[1:-2]], fields[-2]))
    return rules


def manifest_lists(dist: Path) -> list[dict[str, str]]:
    """The list answers `manifest.json` names (its entries but single events), query and path."""
    entries = json.loads((dist / "manifest.json").read_bytes())["entries"]
    return [e for e in entries if not re.search(r"/[0-9]+/", e["path"])]


def test_netlify_rules_route_every_precomputed_list_to_its_file(
    variant_site: Path, variant_content: Path
) -> None:

    rules = read_redirects(variant_site)
    assert len(rules) < 10_000  # Netlify's advice for a _redirects file
    lists = manifest_lists(variant_site)
    assert len(lists) > 1000
    for entry in lists:
        assert netlify_route(rules, entry["query"]) == "/" + entry["path"], entry["query"]
    # LL2's own spellings of the defaults land on the same files.
    assert netlify_route(rules, "/2.3.0/events/?mode=normal&limit=10&offset=0") == "/2.3.0/events/index.json"
    assert netlify_route(rules, "/2.3.0/events/?type__ids=2,8&mode=list&offset=0") == (
        "/2.3.0/events/mode-list/type__ids-2.8/index.json"
    )
    assert netlify_route(rules, "/2.3.0/events/1304/?mode=list") == "/2.3.0/events/1304/mode-list/index.json"
    # ?format=api is the browsable pages' shell; an event under a subset only if it is in it.
    for url in (
        "/2.3.0/events/1304/?format=api",
        "/2.3.0/events/1304/?mode=list&format=api",
        "/2.2.0/event/?format=api",
    ):
        shell = "/" + "/".join(url.split("/")[1:3]) + "/index.html"
        assert netlify_route(rules, url) == shell and (variant_site / shell.lstrip("/")).is_file(), url
    reference = Reference.load(variant_content)
    upcoming = reference.ids(parse_request("/2.3.0/events/upcoming/"))
    previous = reference.ids(parse_request("/2.3.0/events/previous/"))
    assert netlify_route(rules, f"/2.3.0/events/upcoming/{upcoming[0]}/?mode=list") == (
        f"/2.3.0/events/{upcoming[0]}/mode-list/index.json"
    )
    assert netlify_route(rules, f"/2.3.0/events/upcoming/{previous[0]}/") is None  # -> /404.json


def test_netlify_rules_of_the_seed_route_its_lists_and_defaults_to_their_files(seed_site: Path) -> None:
    """The Netlify rules at the seed's size (the fast loop's test of this module)."""

    rules = read_redirects(seed_site)
    lists = manifest_lists(seed_site)
    assert len(lists) > 50
    for entry in lists:
        assert netlify_route(rules, entry["query"]) == "/" + entry["path"], entry["query"]
    assert netlify_route(rules, "/2.3.0/events/?mode=normal&limit=10&offset=0") == "/2.3.0/events/index.json"


def test_nginx_serves_every_precomputed_list_at_its_canonical_url(nginx: str, variant_site: Path) -> None:

    lists = manifest_lists(variant_site)
    assert any("%3Cscript%3E" in e["query"] for e in lists)  # the hostile search is among them
    with httpx.Client(base_url=nginx) as client:
        for entry in lists[::3] + [e for e in lists if "search" in e["query"]]:
            response = client.get(entry["query"])
            assert response.status_code == 200, entry["query"]
            assert response.content == (variant_site / entry["path"]).read_bytes(), entry["query"]


def test_nginx_answers_what_ll2_answers_where_no_query_has_a_file(
    nginx: str, reference: Reference, variant_site: Path
) -> None:
    import orjson

    from generator.hosts.rules import EMPTY_LIST, NOT_FOUND

    def get(url: str, accept: str = "application/json") -> httpx.Response:
        return httpx.get(nginx + url, headers={"Accept": accept})

    def is_json(response: httpx.Response, status: int, body: bytes) -> None:
        assert (response.status_code, response.headers["content-type"]) == (status, "application/json")
        assert response.content == body

    # A value no event has: LL2's empty list, equal to the engine's answer.
    for url in (
        "/2.3.0/events/?type__ids=987654",
        "/2.2.0/event/upcoming/?agency__ids=987654&limit=100",
        "/2.3.0/events/previous/?year=1901&mode=list",
        "/2.3.0/events/?type=987654",
    ):
        assert reference.envelope(parse_request(url), VARIANT_BASE_URL) == EMPTY_LIST, url
        is_json(get(url), 200, EMPTY_LIST)
    # A value some event has but not in this subset: a precomputed empty file, served as such.
    entries = orjson.loads((variant_site / "manifest.json").read_bytes())["entries"]
    empty = [e for e in entries if (variant_site / e["path"]).read_bytes()[:10] == b'{"count":0']
    assert empty and any("upcoming" in e["query"] for e in empty)
    for entry in empty[:5]:
        is_json(get(entry["query"]), 200, (variant_site / entry["path"]).read_bytes())
    # An event under upcoming/ or previous/: its own answer if it is in that subset, else 404.
    upcoming = reference.ids(parse_request("/2.3.0/events/upcoming/"))
    previous = reference.ids(parse_request("/2.3.0/events/previous/"))
    assert upcoming and previous
    for subset, inside, outside in (("upcoming", upcoming, previous), ("previous", previous, upcoming)):
        is_json(
            get(f"/2.3.0/events/{subset}/{inside[0]}/"),
            200,
            (variant_site / f"2.3.0/events/{inside[0]}/index.json").read_bytes(),
        )
        is_json(
            get(f"/2.3.0/events/{subset}/{inside[0]}/?mode=list"),
            200,
            (variant_site / f"2.3.0/events/{inside[0]}/mode-list/index.json").read_bytes(),
        )
        is_json(get(f"/2.3.0/events/{subset}/{outside[0]}/"), 404, NOT_FOUND)
    # An unknown event, a path LL2 does not have, a file the mirror lacks: LL2's JSON 404.
    for url in (
        "/2.3.0/events/987654/",
        "/2.2.0/event/987654/?mode=list",
        "/2.3.0/agencies/",
        "/2.3.0/events/no-such/index.json",
        "/2.2.0/event/limit-7/",
    ):
        is_json(get(url), 404, NOT_FOUND)
    # Browsers get the shell for events and mirror folders, which renders the JSON or the 404.
    for url in ("/2.3.0/events/987654/", f"/2.3.0/events/{upcoming[0]}/", "/2.3.0/events/mode-list/"):
        page = get(url, "text/html,application/xhtml+xml")
        assert page.status_code == 200 and b"browse.js" in page.content, url
    # ... but a file asked for by name is that file.
    raw = get("/2.3.0/events/mode-list/index.json", "text/html")
    assert raw.headers["content-type"] == "application/json"

"""Helpers for testing the built site: a loopback static server and an internal link checker."""

import functools
import http.server
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import SplitResult, unquote, urljoin, urlsplit

TYPES = {".ics": "text/calendar", ".atom": "application/atom+xml", ".json": "application/json"}


class _Handler(http.server.SimpleHTTPRequestHandler):
    prefix = ""
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, **TYPES}

    def translate_path(self, path: str) -> str:
        clean = urlsplit(path).path
        if not (clean == self.prefix or clean.startswith(self.prefix + "/")):
            return str(Path(self.directory) / ".not-in-the-site")  # outside the prefix: 404
        return super().translate_path(clean[len(self.prefix) :] or "/")

    def list_directory(self, path: str) -> None:  # type: ignore[override]
        """Like GitHub Pages: a folder without index.html is a missing page (no listing)."""
        self.send_error(404)
        return None

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """Like GitHub Pages: a missing file gets the site's 404.html, with status 404."""
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - quiet tests
        pass


@contextmanager
def serve(root: Path, prefix: str = "") -> Iterator[str]:
    """Serve `root` under `prefix` (e.g. '/repo') on loopback; yields the site's URL."""
    handler = type("Handler", (_Handler,), {"prefix": prefix.rstrip("/")})
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(handler, directory=str(root))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{prefix.rstrip('/')}"
    finally:
        server.shutdown()
        server.server_close()


class _Refs(HTMLParser):
    """Every href/src of a page (links, images, scripts, styles, feeds)."""

    def __init__(self) -> None:
        super().__init__()
        self.refs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("href", "src") and value is not None:
                self.refs.append(value)


def page_refs(html: str) -> list[str]:
    parser = _Refs()
    parser.feed(html)
    return parser.refs


def target_file(dist: Path, path: str) -> Path:
    """The file a static host serves for a URL path relative to the site root: a folder's
    index.html; for a folder of the API with an answer (index.json) but no page, 404.html,
    the browsable pages' shell, which renders that answer."""
    target = dist / unquote(path).lstrip("/")
    if not (path.endswith("/") or path == ""):
        return target
    if (
        not (target / "index.html").is_file()
        and (target / "index.json").is_file()
        and path.lstrip("/")[:1].isdigit()
    ):
        return dist / "404.html"
    return target / "index.html"


def internal_refs(dist: Path, site_url: str) -> Iterator[tuple[str, str, SplitResult]]:
    """(page, reference, absolute URL) for every internal href/src of every HTML file of
    dist/, each page read at its own URL under `site_url` (where dist/ is published), so
    relative and root-relative links resolve as a browser would; links outside the site
    (another host, mailto:...) are left out."""
    site = urlsplit(site_url.rstrip("/") + "/")
    for page in sorted(dist.rglob("*.html")):
        rel = page.relative_to(dist).as_posix()
        page_url = urljoin(site.geturl(), rel)
        for ref in page_refs(page.read_text(encoding="utf-8")):
            url = urlsplit(urljoin(page_url, ref))
            if url.scheme in ("http", "https") and url.netloc == site.netloc:
                yield rel, ref, url


def broken_links(dist: Path, site_url: str) -> tuple[list[str], int]:
    """Internal links, images and feed references of every HTML file that point at no file.

    `site_url` is where dist/ is published (e.g. https://user.github.io/repo).
    Returns the broken ones (page: link) and how many internal references were checked.
    """
    site_path = urlsplit(site_url.rstrip("/") + "/").path
    broken, checked = [], 0
    for rel, ref, url in internal_refs(dist, site_url):
        checked += 1
        if not url.path.startswith(site_path):
            broken.append(f"{rel}: {ref} (outside {site_path})")
        elif not target_file(dist, url.path[len(site_path) :]).is_file():
            broken.append(f"{rel}: {ref}")
    return broken, checked


def link_statuses(dist: Path, prefix: str = "") -> tuple[dict[str, int], dict[str, str]]:
    """Crawl dist/ as GitHub Pages serves it (`serve`: the query string ignored, a folder
    without index.html and a missing file answered by 404.html with status 404, no redirect
    followed): every internal href/src of every HTML page, each URL asked once.

    Returns the status of each URL (without its fragment) and, for each, a page linking it."""
    statuses: dict[str, int] = {}
    linked_from: dict[str, str] = {}
    with serve(dist, prefix) as site_url:
        for rel, _, url in internal_refs(dist, site_url):
            target = url._replace(fragment="").geturl()
            if target not in statuses:
                statuses[target] = _status(target)
                linked_from[target] = rel
    return statuses, linked_from


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer of its own (GitHub Pages' 301 to a folder's slash), not a 200."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:  # type: ignore[override]
        return None


_OPENER = urllib.request.build_opener(_NoRedirect)


def _status(url: str) -> int:
    try:
        with _OPENER.open(urllib.request.Request(url, method="HEAD"), timeout=10) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code

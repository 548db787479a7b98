"""`python build.py serve`: a local LL2 on localhost over dist/, for developing an app offline.

Every request to an API path is answered: from the precomputed file of dist/ where one exists,
otherwise by the Python engine from the snapshot (the same bytes the build would write for
that query); the header `X-LL2-Static` says which (`file` or `engine`). Bad filter values get
LL2's 400 (`{"field": ["reason"]}`), paths LL2 has no answer for its 404 (`{"detail": "Not
found."}`). `Accept: text/html` or `?format=api` gets the browsable page where one was built.
Other paths are dist/'s files, with 404.html for people. Standard library only.

"Now" (what upcoming and previous mean) is a choice of clock (`--now`): the time dist/ was
built for (its manifest's `now`: the snapshot's `as_of` unless built with `--now`), today's
clock at each request, or a fixed time. When it is not the build's, upcoming/previous lists
come from the engine, never from files computed for another time.
"""

import html
import mimetypes
import re
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

import orjson

from generator.api.engine import page, select
from generator.api.query import Query, parse_request, query_dir, query_path
from generator.api.versions import VERSIONS
from generator.errors import BadFilterValue, QueryError, SettingsError
from generator.load.records import RecordSource
from generator.load.snapshot import open_snapshot, parse_utc
from generator.load.validate import SnapshotIndex, validate_snapshot
from generator.mirror.answers import envelope

NOT_FOUND = b'{"detail":"Not found."}'
#: `--now` choices besides a time: the build's now, or the machine's clock at each request.
BUILD, TODAY = "build", "today"
TYPES = {
    ".json": "application/json",
    ".ndjson": "application/x-ndjson",
    ".gz": "application/gzip",
    ".ics": "text/calendar; charset=utf-8",
    ".atom": "application/atom+xml",
    ".sqlite": "application/vnd.sqlite3",
    ".js": "text/javascript; charset=utf-8",
    ".md": "text/markdown; charset=utf-8",
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".svg": "image/svg+xml",
}


@dataclass
class Response:
    status: int
    body: bytes
    content_type: str = "application/json"
    headers: dict[str, str] = field(default_factory=dict)


class LocalMirror:
    """Answers requests from dist/ and, where no file answers, from the validated snapshot."""

    def __init__(
        self, dist: Path, index: SnapshotIndex, records: RecordSource, now: str | datetime = BUILD
    ) -> None:
        self.dist = dist.resolve()
        self.index = index
        self.records = records
        #: The time the precomputed upcoming/previous files were computed for.
        self.built_now = built_now(self.dist) or index.snapshot.as_of
        self.choice = now
        self.base = built_base_path(self.dist)

    def now(self) -> datetime:
        """What upcoming/previous are relative to for the request being answered."""
        if isinstance(self.choice, datetime):
            return self.choice
        if self.choice == TODAY:
            return datetime.now(UTC).replace(microsecond=0)
        return self.built_now

    def now_text(self) -> str:
        """Which "now" upcoming/previous are relative to, for the start line."""
        if self.choice == TODAY:
            return "today's clock, at each request"
        when = f"{self.now():%Y-%m-%dT%H:%M:%SZ}"
        if self.choice == BUILD:
            return f"{when}, the time dist/ was built for (--now today for today's clock)"
        return when

    def file(self, relpath: str, status: int = 200, source: str = "file") -> Response | None:
        """dist/{relpath} as a response, or None when it is not a file inside dist/."""
        path = (self.dist / relpath).resolve()
        if not path.is_relative_to(self.dist) or not path.is_file():
            return None
        kind = TYPES.get(path.suffix) or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return Response(status, path.read_bytes(), kind, {"X-LL2-Static": source})

    def engine(self, query: Query, now: datetime) -> bytes | None:
        """The JSON the build would write for `query`: one record, or a list page with LL2's
        envelope whose next/previous are the mirror's own paths; None: no such event."""
        vindex = self.index.versions[query.version]
        if query.is_detail:
            if query.event_id not in vindex.facets:
                return None
            return self.records.get(query.version, query.mode, query.event_id)
        ids = select(vindex.facets.values(), query, now)
        end = query.offset + query.limit
        next_q = query.with_offset(end) if end < len(ids) else None
        prev_q = query.with_offset(max(query.offset - query.limit, 0)) if query.offset > 0 else None

        def url(q: Query | None) -> str | None:
            return None if q is None else f"{self.base}/{query_path(q)}"

        return envelope(
            len(ids),
            url(next_q),
            url(prev_q),
            self.records.many(query.version, query.mode, page(ids, query)),
        )

    def api(self, target: str, wants_html: bool) -> Response:
        """An API path and query string: file, engine, 400 or 404."""
        try:
            query = parse_request(target, self.base)
        except BadFilterValue as exc:
            return Response(400, orjson.dumps({exc.field: [exc.reason]}))
        except QueryError:
            return Response(404, NOT_FOUND)
        now = self.now()
        # A file of an upcoming/previous list holds the answer at the build's now only.
        files = query.subset == "all" or now == self.built_now
        answer = self._answer(target, query, wants_html, now, files)
        if query.subset != "all":
            answer.headers["X-LL2-Static-Now"] = f"{now:%Y-%m-%dT%H:%M:%SZ}"
        return answer

    def _answer(self, target: str, query: Query, wants_html: bool, now: datetime, files: bool) -> Response:
        if files and (wants_html or query.format == "api"):
            built = self.file(query_dir(query) + "/index.html")
            if built is not None:
                return built
        built = self.file(query_path(query)) if files else None
        if built is not None:
            return built
        body = self.engine(query, now)
        if body is None:
            return Response(404, NOT_FOUND)
        if wants_html or query.format == "api":
            return Response(
                200,
                _json_page(target, body),
                "text/html; charset=utf-8",
                {"X-LL2-Static": "engine"},
            )
        return Response(200, body, headers={"X-LL2-Static": "engine"})

    def respond(self, target: str, accept: str) -> Response:
        path = unquote(urlsplit(target).path)
        if self.base and (path == self.base or path.startswith(self.base + "/")):
            path = path[len(self.base) :] or "/"  # a site built for /repo/ is served there too
        wants_html = "text/html" in accept and "format=json" not in target and not path.endswith("index.json")
        first = path.split("/")[1] if path.count("/") else ""
        if first in VERSIONS:
            return self.api(target, wants_html)
        if first[:1].isdigit():  # /2.4.0/events/, /2.3/: a version LL2 has and the mirror lacks
            return Response(404, NOT_FOUND)
        relpath = path.lstrip("/")
        if relpath == "" or relpath.endswith("/"):
            relpath += "index.html"
        found = self.file(relpath)
        if found is None and (self.dist / relpath).is_dir():
            return Response(301, b"", "text/plain", {"Location": self.base + path + "/"})
        return found or self.file("404.html", 404) or Response(404, b"Not found", "text/plain")


def built_base_path(dist: Path) -> str:
    """The base path the site was built for (`--base-url https://user.github.io/repo`: '/repo'),
    read from the home page's data-base attribute; '' for a site at the host's root."""
    try:
        head = (dist / "index.html").read_text(encoding="utf-8")[:2000]
    except OSError:
        return ""
    found = re.search(r'<html[^>]*\sdata-base="([^"]*)"', head)
    return html.unescape(found.group(1)).rstrip("/") if found else ""


def built_now(dist: Path) -> datetime | None:
    """The build's now, from the head of dist/manifest.json ({"format":1,"now":"...",...})."""
    try:
        with (dist / "manifest.json").open("rb") as handle:
            head = handle.read(200).decode("utf-8", "replace")
    except OSError:
        return None
    found = re.search(r'"now":"([^"]+)"', head)
    return parse_utc(found.group(1)) if found else None


def _json_page(target: str, body: bytes) -> bytes:
    """A plain browsable page for an answer no built page has (the engine's)."""
    pretty = orjson.dumps(orjson.loads(body), option=orjson.OPT_INDENT_2).decode()
    title = html.escape(target)
    return (
        f'<!doctype html><html lang="en"><meta charset="utf-8"><title>{title}</title>'
        f"<h1>GET {title}</h1><p>HTTP 200 OK, answered by the engine (no precomputed file)."
        f"</p><pre>{html.escape(pretty)}</pre></html>\n"
    ).encode()


class Handler(BaseHTTPRequestHandler):
    """GET and HEAD over a LocalMirror; quiet unless a request fails."""

    mirror: LocalMirror

    def do_GET(self) -> None:
        self._send(head=False)

    def do_HEAD(self) -> None:
        self._send(head=True)

    def _send(self, head: bool) -> None:
        response = self.mirror.respond(self.path, self.headers.get("Accept", ""))
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        self.send_header("Access-Control-Allow-Origin", "*")
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if not head:
            self.wfile.write(response.body)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (the base's name)
        if len(args) > 1 and str(args[1]).startswith("5"):
            super().log_message(format, *args)


def serve(
    dist: Path, content: Path, host: str = "127.0.0.1", port: int = 8000, now: str | datetime = BUILD
) -> int:
    """Serve until interrupted; prints the URL and the "now" first (port 0: a free port)."""
    if not (dist / "index.html").is_file():
        raise SettingsError(f"{dist}/ has no built site: run `python build.py` first")
    index = validate_snapshot(open_snapshot(content / "snapshot"))
    with RecordSource(index) as records:
        mirror = LocalMirror(dist, index, records, now)
        handler = type("BoundHandler", (Handler,), {"mirror": mirror})
        with ThreadingHTTPServer((host, port), handler) as server:
            url = f"http://{host}:{server.server_address[1]}/"
            print(
                f"serving {dist}/ as a local LL2 at {url} (try {url}2.3.0/events/upcoming/); "
                f"upcoming and previous as of {mirror.now_text()}; Ctrl-C stops",
                flush=True,
            )
            try:
                server.serve_forever()
            except KeyboardInterrupt:
                print("stopped", file=sys.stderr)
    return 0

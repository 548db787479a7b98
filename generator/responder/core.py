"""The responder: one request in (method, URL, headers), one answer out (status, headers, body).

API paths (`/{version}/...`) are answered as LL2 answers them:
- a query with a precomputed file of dist/: that file, its next/previous rewritten to LL2's
  absolute query URLs on the serving origin (links.py); a file asked by name (`.../index.json`)
  is sent as built;
- any other query: the engine's answer from the snapshot (none in file-only use: `resolve`);
- `Accept: text/html` or `?format=api`: the browsable shell of that endpoint (the LL2-look
  page that renders any answer), with the JSON answer's status;
- a bad filter value: 400 `{"field": ["reason"]}`; anything LL2 has no answer for, an unknown
  version included: 404 `{"detail":"Not found."}`; no trailing slash: 301 to the slashed path
  (Django's APPEND_SLASH) when that path exists; a method other than GET/HEAD: DRF's 405 with
  `Allow: GET` (LL2's views allow only GET, so OPTIONS is a 405 too, as LL2 answers it).
Other paths are dist/'s files (statics.py), else 404.html with 404.
"""

import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import orjson

from generator.api.query import Query, parse_datetime, parse_request, query_dir, query_path, shown
from generator.distpaths import compact_path
from generator.errors import BadFilterValue, QueryError
from generator.mirror.answers import envelope
from generator.responder.engine import Engine
from generator.responder.links import page_links, relink
from generator.responder.statics import content_type, find_file, is_folder

NOT_FOUND = b'{"detail":"Not found."}'
JSON = "application/json"
HTML = "text/html; charset=utf-8"
#: LL2's browsable pages show `Allow: GET`: its views take no other method.
ALLOW = "GET"
#: A first path segment that names an API version, known or not (`/2.9.0/...`, `/2.3/` are LL2's
#: JSON 404): one that starts with a digit, as the edge worker reads it; no site folder does.
_VERSION = re.compile(r"[0-9].*")


@dataclass(frozen=True)
class Request:
    """What a client sent: method, target (path and query string, as sent) and headers."""

    method: str
    target: str
    headers: dict[str, str] = field(default_factory=dict)  # names in lower case

    @property
    def origin(self) -> str:
        """The origin clients see, which LL2-style links are written on: `Host`, with the
        scheme a proxy in front says (`X-Forwarded-Proto`, as the edge worker reads it)."""
        proto = self.headers.get("x-forwarded-proto", "").split(",")[0].strip().lower()
        scheme = proto if proto in ("http", "https") else "http"
        return f"{scheme}://{self.headers.get('host', 'localhost')}"


@dataclass
class Answer:
    """Status, headers and body; `source` says what answered (the `X-LL2-Static` header):
    file, engine, shell, error, missing (no such event), redirect or unanswered (no file
    and no engine: file-only use); `file` is the file of dist/ that answered or would;
    `error` the QueryError behind a 400/404 (for `missing`: which event, in which subset)."""

    status: int
    body: bytes
    content_type: str = JSON
    headers: dict[str, str] = field(default_factory=dict)
    source: str = "file"
    file: Path | None = None
    error: QueryError | None = None

    def all_headers(self) -> dict[str, str]:
        return {
            "Content-Type": self.content_type,
            "Content-Length": str(len(self.body)),
            "Access-Control-Allow-Origin": "*",
            "X-LL2-Static": self.source,
            **self.headers,
        }


class Responder:
    """Answers requests from dist/ and, where no file answers, from the engine (if any)."""

    def __init__(self, dist: Path, base_path: str = "", engine: Engine | None = None) -> None:
        self.dist = dist.resolve()
        self.base = base_path.rstrip("/")
        self.engine = engine

    def answer(self, request: Request) -> Answer:
        raw_path, query_string = _split_target(request.target)
        path = unquote(raw_path)
        if self.base and (path == self.base or path.startswith(self.base + "/")):
            path = path[len(self.base) :] or "/"
        segments = path.split("/")
        api = len(segments) > 1 and bool(_VERSION.fullmatch(segments[1]))
        if request.method not in ("GET", "HEAD"):
            return _json(405, {"detail": f'Method "{request.method[:40]}" not allowed.'}, Allow=ALLOW)
        if "\x00" in path:
            nul = QueryError(f"{shown(request.target)}: a NUL in the path names nothing")
            return Answer(404, NOT_FOUND, source="error", error=nul) if api else self._not_found()
        if api:
            target = raw_path + (f"?{query_string}" if query_string else "")
            return self._api(request, target, path, query_string)
        return self._static(raw_path, path, query_string)

    # -- the API --------------------------------------------------------------------------

    def _api(self, request: Request, target: str, path: str, query_string: str) -> Answer:
        """`target`: the request's path (one leading slash) and query string, as sent."""
        named = path.endswith(("/index.json", "/index.html"))
        if not path.endswith("/") and not named:
            try:  # Django's APPEND_SLASH: a redirect only to a path that exists
                parse_request(path + "/", "")
            except BadFilterValue:
                pass
            except (QueryError, ValueError) as exc:
                error = exc if isinstance(exc, QueryError) else QueryError(str(exc))
                return Answer(404, NOT_FOUND, source="error", error=error)
            location = target.partition("?")[0] + "/" + (f"?{query_string}" if query_string else "")
            return Answer(301, b"", HTML, {"Location": location}, source="redirect")
        try:
            query = parse_request(target, self.base)
        except BadFilterValue as exc:
            return Answer(400, orjson.dumps({exc.field: [exc.reason]}), source="error", error=exc)
        except QueryError as exc:
            return Answer(404, NOT_FOUND, source="error", error=exc)
        except ValueError as exc:  # text that is no query at all (an escape that is no UTF-8)
            return Answer(404, NOT_FOUND, source="error", error=QueryError(str(exc)))
        url = request.origin + target  # what DRF's links start from
        data = self._json(url, replace(query, format="json"), by_name=path.endswith("/index.json"))
        if query.format == "api" or (_wants_html(request, query_string) and not named):
            return self._shell(query, data)
        return data

    def _json(self, url: str, query: Query, by_name: bool) -> Answer:
        reason: QueryError | None = None
        try:
            relpath: str | None = query_path(query)
        except QueryError as exc:  # a value no folder can be named by: only the engine answers
            relpath, reason = None, exc
        found = find_file(self.dist, relpath) if relpath else None
        if self.engine is not None and not self.engine.files_hold(query):
            found = None  # computed for another "now" (serve --now): the engine answers
        answer = self._answer(url, query, by_name, relpath, found, reason)
        if self.engine is not None and query.subset != "all":
            answer.headers["X-LL2-Static-Now"] = f"{self.engine.current():%Y-%m-%dT%H:%M:%SZ}"
        return answer

    def _answer(
        self,
        url: str,
        query: Query,
        by_name: bool,
        relpath: str | None,
        found: Path | None,
        reason: QueryError | None,
    ) -> Answer:
        if query.is_detail:
            if not self._has(query, found):
                return self._missing(query, found)
            if found is not None:
                return Answer(200, found.read_bytes(), file=found)
            if self.engine is not None:
                return Answer(200, self.engine.record(query), source="engine")
        elif found is not None:
            body = found.read_bytes()
            if not by_name:
                body = relink(body, url, query.offset, query.limit)
            return Answer(200, body, file=found)
        elif self.engine is not None:
            count, results = self.engine.listing(query)
            next_url, previous_url = page_links(url, query.offset, query.limit, count)
            return Answer(200, envelope(count, next_url, previous_url, results), source="engine")
        if relpath is None:
            return Answer(200, b"", source="unanswered", error=reason)
        return Answer(200, b"", source="unanswered", file=self.dist / relpath)

    def _has(self, query: Query, found: Path | None) -> bool:
        """Whether the event a detail query names exists (in its subset)."""
        if self.engine is not None:
            return self.engine.has(query)
        return found is not None and (query.subset == "all" or self._in_compact_subset(query))

    def _missing(self, query: Query, found: Path | None) -> Answer:
        """LL2's 404 for an event the snapshot lacks or, under upcoming/ or previous/, one
        outside that subset; `error` says which (resolve prints it)."""
        if self.engine is not None:
            in_snapshot = self.engine.has(replace(query, subset="all"))
        else:
            in_snapshot = found is not None  # the event's file exists: it is in the snapshot
        where = f" among the {query.subset} events" if query.subset != "all" and in_snapshot else ""
        error = QueryError(f"the snapshot has no event {query.event_id}{where}")
        return Answer(404, NOT_FOUND, source="missing", file=found, error=error)

    def _in_compact_subset(self, query: Query) -> bool:
        """File-only use: membership by the compact data the build wrote (its facets and its
        now, as the JS client reads them)."""
        from types import SimpleNamespace

        from generator.api.engine import in_subset

        compact = find_file(self.dist, compact_path(query.version))
        if compact is None:
            return False
        data: dict[str, Any] = orjson.loads(compact.read_bytes())
        row = next((r for r in data["events"] if r[0] == query.event_id), None)
        if row is None:
            return False
        event = SimpleNamespace(date=parse_datetime(row[3]) if row[3] else None)  # all in_subset reads
        now = parse_datetime(data["now"])
        assert now is not None
        return in_subset(replace(query, event_id=None), now)(event)  # type: ignore[arg-type]

    def _shell(self, query: Query, data: Answer) -> Answer:
        """The browsable page of an answer: the shell of its list endpoint, which renders it."""
        shell_query = replace(
            query, params=(), event_id=None, subset="all" if query.is_detail else query.subset
        )
        shell = find_file(self.dist, query_dir(shell_query) + "/index.html")
        if shell is None:
            return data
        return Answer(data.status, shell.read_bytes(), HTML, source="shell", file=shell)

    # -- the rest of the site ---------------------------------------------------------------

    def _static(self, raw_path: str, path: str, query_string: str) -> Answer:
        relpath = path.lstrip("/")
        if relpath == "" or relpath.endswith("/"):
            relpath += "index.html"
        found = find_file(self.dist, relpath)
        if found is not None:
            return Answer(200, found.read_bytes(), content_type(found), file=found)
        if not path.endswith("/") and is_folder(self.dist, relpath):
            location = "/" + raw_path.lstrip("/") + "/" + (f"?{query_string}" if query_string else "")
            return Answer(301, b"", HTML, {"Location": location}, source="redirect")
        return self._not_found()

    def _not_found(self) -> Answer:
        page = find_file(self.dist, "404.html")
        if page is None:
            return Answer(404, b"Not found", "text/plain; charset=utf-8", source="error")
        return Answer(404, page.read_bytes(), HTML, source="error", file=page)


def _split_target(target: str) -> tuple[str, str]:
    """(path with one leading slash, query string) of a request target as sent: an origin-form
    target is never read as `//host/path`; an absolute-form one (`http://host/path`) is."""
    if target.startswith(("http://", "https://")):
        parts = urlsplit(target)
        path, query = parts.path, parts.query
    else:
        path, _, query = target.partition("#")[0].partition("?")
    return "/" + path.lstrip("/"), query


def _json(status: int, value: dict[str, str], **headers: str) -> Answer:
    return Answer(status, orjson.dumps(value), JSON, dict(headers), source="error")


def _wants_html(request: Request, query_string: str) -> bool:
    """A browser's Accept, unless the query string asks for JSON (`format=json`, the last wins)."""
    formats = [v for k, _, v in (p.partition("=") for p in query_string.split("&")) if k == "format"]
    if formats and formats[-1] == "json":
        return False
    return "text/html" in request.headers.get("accept", "")


def base_path_of(dist: Path) -> str:
    """The base path the site was built for (`--base-url https://user.github.io/repo`: '/repo'),
    read from the home page's data-base attribute; '' for a site at the host's root."""
    import html

    try:
        head = (dist / "index.html").read_text(encoding="utf-8")[:2000]
    except OSError:
        return ""
    found = re.search(r'<html[^>]*\sdata-base="([^"]*)"', head)
    return html.unescape(found.group(1)).rstrip("/") if found else ""

"""A fake LL2 on loopback: LL2's envelope, limit/offset paging, filters, and faults on demand.

Speaks `/2.2.0/event/` and `/2.3.0/events/` with `limit` (default 10, max 100), `offset`,
`mode` (2.3.0: list | normal | detailed, default normal), `ordering` (date, last_updated,
`-` descending; ties by id) and `last_updated__gte`. Records are served as stored bytes, so
tests can check that the snapshot holds exactly what was sent.

Faults are scripted by request number (1-based, over all requests): "429" (Retry-After from
`retry_after`), "500", "timeout" (holds the connection until the client gives up), "truncated"
(a well-framed body cut in half), "cut" (connection closed mid-body), "html", "401",
"trickle" (the whole body, one byte every `trickle_every` seconds: no read ever times out),
"echo401" (a 401 whose detail repeats the Authorization header, as some proxies do), "huge"
(a Content-Length of 8 GiB), "endless" (no Content-Length, zeros until the client hangs up).
`before[n]` runs a function before request n is answered (to change data between pages);
`answer(n, path, body, authorization)` may replace any answer by (status, headers, body)
(the property test's random upstream; None keeps the fake's own).
"""

import sys
import threading
from collections.abc import Callable
from datetime import datetime
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import orjson

FILES = {
    ("2.2.0", None): "2.2.0/event.ndjson",
    ("2.3.0", "list"): "2.3.0/events.list.ndjson",
    ("2.3.0", "normal"): "2.3.0/events.normal.ndjson",
    ("2.3.0", "detailed"): "2.3.0/events.detailed.ndjson",
}


#: (request number, path and query, the fake's body or None, Authorization header) ->
#: (status, headers, body), or None for the fake's own answer.
Answer = Callable[[int, str, bytes | None, str | None], tuple[int, dict[str, str], bytes] | None]


class FakeLL2:
    """The fake's data and behaviour; `url` is where it listens once started."""

    def __init__(self, snapshot_dir: Path) -> None:
        self.records: dict[str, dict[int, bytes]] = {}
        for name in FILES.values():
            lines = (snapshot_dir / name).read_bytes().splitlines()
            self.records[name] = {orjson.loads(line)["id"]: line for line in lines}
        self.script: dict[int, str] = {}
        self.always: str | None = None  # a fault on every request
        self.before: dict[int, Callable[[], None]] = {}
        self.answer: Answer | None = None
        #: (path, query) of a page -> the path and query its `next` link names instead
        self.next_link: Callable[[str, str], str | None] | None = None
        #: LL2's clock (its Date header): an object with `now()`, or None for the real time
        self.clock: Any = None
        self.retry_after = "30"
        self.trickle_every = 0.2  # seconds between the bytes of a "trickle" response
        self.requests: list[str] = []  # path and query of every request, in order
        self.served: list[str] = []  # those answered 200 with a whole body
        self.bodies: list[bytes] = []  # their bodies
        self.auth: list[str | None] = []
        self.release = threading.Event()
        self.lock = threading.Lock()
        self.url = ""

    # --- data -------------------------------------------------------------------------
    def _updated(self, event_id: int) -> str:
        return orjson.loads(self.records["2.3.0/events.detailed.ndjson"][event_id])["last_updated"]

    def _date(self, event_id: int) -> str:
        return orjson.loads(self.records["2.3.0/events.detailed.ndjson"][event_id])["date"] or "9999"

    def edit(self, event_id: int, when: str, **fields: Any) -> None:
        """Change one event in every version/mode, as LL2 would, stamped `when`."""
        for records in self.records.values():
            value = orjson.loads(records[event_id])
            value.update(fields)
            if "last_updated" in value:
                value["last_updated"] = when
            records[event_id] = orjson.dumps(value)

    def insert(self, like: int, new_id: int, when: str) -> None:
        """A new event (a copy of `like` with another id), last updated `when`."""
        for records in self.records.values():
            value = orjson.loads(records[like])
            value["id"] = new_id
            value["url"] = value["url"].replace(f"/{like}/", f"/{new_id}/")
            value["name"] = f"New event {new_id}"
            if "last_updated" in value:
                value["last_updated"] = when
            records[new_id] = orjson.dumps(value)

    def delete(self, event_id: int) -> None:
        for records in self.records.values():
            del records[event_id]

    def expected(self) -> dict[str, bytes]:
        """Each snapshot file as it should be after fetching everything."""
        return {
            name: b"".join(records[i] + b"\n" for i in sorted(records))
            for name, records in self.records.items()
        }

    # --- answering --------------------------------------------------------------------
    def page(self, path: str, query: str) -> bytes | None:
        """The body LL2 would send, or None for an unknown path."""
        params = dict(parse_qsl(query))
        if path == "/2.2.0/event/":
            name = FILES[("2.2.0", None)]
        elif path == "/2.3.0/events/":
            mode = params.get("mode", "normal")
            name = FILES[("2.3.0", mode if mode in ("list", "normal", "detailed") else "normal")]
        else:
            return None
        ids = list(self.records[name])
        if "last_updated__gte" in params:
            since = datetime.fromisoformat(params["last_updated__gte"].replace("Z", "+00:00"))
            ids = [i for i in ids if datetime.fromisoformat(self._updated(i).replace("Z", "+00:00")) >= since]
        ordering = params.get("ordering", "date")
        key = self._updated if ordering.lstrip("-") == "last_updated" else self._date
        ids.sort(key=lambda i: (key(i), i), reverse=ordering.startswith("-"))
        try:
            limit = min(int(params.get("limit", "10")), 100)
        except ValueError:
            limit = 10
        try:  # as Django REST framework: an offset that is no whole number of 0 or more is 0
            offset = max(int(params.get("offset", "0")), 0)
        except ValueError:
            offset = 0
        chunk = ids[offset : offset + limit]

        def link(at: int) -> bytes:
            return orjson.dumps(f"{self.url}{path}?{urlencode({**params, 'limit': limit, 'offset': at})}")

        next_link = link(offset + limit) if offset + limit < len(ids) else b"null"
        if self.next_link is not None:
            target = self.next_link(path, query)
            next_link = orjson.dumps(f"{self.url}{target}") if target else b"null"
        previous = link(max(offset - limit, 0)) if offset > 0 else b"null"
        results = b",".join(self.records[name][i] for i in chunk)
        return b'{"count":%d,"next":%s,"previous":%s,"results":[%s]}' % (
            len(ids),
            next_link,
            previous,
            results,
        )


class _Handler(BaseHTTPRequestHandler):
    server: "_Server"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet tests
        return None

    def date_time_string(self, timestamp: float | None = None) -> str:
        """The Date header: the fake's clock when a test set one."""
        clock = self.server.fake.clock
        return (
            formatdate(clock.now().timestamp(), usegmt=True) if clock else super().date_time_string(timestamp)
        )

    def _send(
        self,
        status: int,
        body: bytes,
        headers: dict[str, str] | None = None,
        length: int | None = None,
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body) if length is None else length))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        fake = self.server.fake
        with fake.lock:
            fake.requests.append(self.path)
            fake.auth.append(self.headers.get("Authorization"))
            number = len(fake.requests)
            hook = fake.before.get(number)
            if hook:
                hook()
            fault = fake.script.get(number) or fake.always
            parts = urlsplit(self.path)
            body = fake.page(parts.path, parts.query)
            custom = fake.answer(number, self.path, body, fake.auth[-1]) if fake.answer else None
        if custom is not None:
            self._send(custom[0], custom[2], custom[1])
            self.close_connection = True
        elif body is None:
            self._send(404, b'{"detail":"Not found."}')
        elif fault == "429":
            self._send(429, b'{"detail":"Request was throttled."}', {"Retry-After": fake.retry_after})
        elif fault == "401":
            self._send(401, b'{"detail":"Invalid token."}')
        elif fault == "echo401":
            detail = orjson.dumps(f"Invalid token: {fake.auth[-1]}")
            self._send(401, b'{"detail":%s}' % detail)
        elif fault == "huge":
            self._send(200, body, length=8 * 2**30)
            self.close_connection = True
        elif fault == "endless":
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            try:
                for _ in range(4096):  # at most 256 MiB
                    self.wfile.write(bytes(65536))
            except OSError:  # the client stopped reading and hung up
                pass
            self.close_connection = True
        elif fault == "500":
            self._send(500, b"<h1>Server Error (500)</h1>")
        elif fault == "html":
            self._send(200, b"<html><body>Bad Gateway</body></html>")
        elif fault == "timeout":
            fake.release.wait(10)
            self.close_connection = True
        elif fault == "truncated":
            self._send(200, body[: len(body) // 2])
        elif fault == "trickle":
            self._send(200, b"", length=len(body))
            try:
                for at in range(len(body)):
                    self.wfile.write(body[at : at + 1])
                    self.wfile.flush()
                    if fake.release.wait(fake.trickle_every):
                        break
            except OSError:  # the client gave up and closed the connection
                pass
            self.close_connection = True
        elif fault == "cut":
            self._send(200, body[: len(body) // 2], length=len(body))
            self.close_connection = True
        else:
            self._send(200, body)
            with fake.lock:
                fake.served.append(self.path)
                fake.bodies.append(body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    fake: FakeLL2

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Quiet when the client hung up (it stopped reading a body too large)."""
        if not isinstance(sys.exc_info()[1], OSError):
            super().handle_error(request, client_address)


def start(fake: FakeLL2) -> Callable[[], None]:
    """Serve `fake` on 127.0.0.1 (a free port) in a thread; returns the stop function."""
    server = _Server(("127.0.0.1", 0), _Handler)
    server.fake = fake
    fake.url = f"http://127.0.0.1:{server.server_address[1]}"
    # A short poll: stopping the server (each test's teardown) waits for one poll at most.
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()

    def stop() -> None:
        fake.release.set()
        server.shutdown()
        server.server_close()
        thread.join(5)

    return stop
